package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
)

// The scopes of admin-made API tokens besides ScopeIngest. ScopeWrite
// implies ScopeRead. No scope reaches what needs an admin: a token acts
// with at most an editor's rights.
const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
)

// Scopes lists every scope, in the order they are documented.
var Scopes = []Scope{ScopeIngest, ScopeRead, ScopeWrite}

// Grants reports whether a token with scope s may call a route that needs
// need: the same scope, or write for read.
func (s Scope) Grants(need Scope) bool {
	return need != "" && (s == need || (s == ScopeWrite && need == ScopeRead))
}

// Token limits and format.
const (
	// TokenPrefix starts every API token secret, so a leaked one is easy
	// to recognise (and to search for in logs and repositories).
	TokenPrefix = "fbt_"
	// MaxTokenName is the most characters of a token's name.
	MaxTokenName = 64
	// tokenTouchEvery is how often a token's last-used time is written at
	// most: an agent pushing every second does not write every second.
	tokenTouchEvery = time.Minute
)

// APIToken is an admin-made token for scripts and agents, sent as
// "Authorization: Bearer fbt_…". Only the hash of its secret is stored.
type APIToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Scopes     []Scope    `json:"scopes"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	SecretHash string     `json:"-"`
}

// Grants reports whether one of t's scopes grants need.
func (t *APIToken) Grants(need Scope) bool {
	for _, s := range t.Scopes {
		if s.Grants(need) {
			return true
		}
	}
	return false
}

// NewToken is the body of POST /api/v1/tokens.
type NewToken struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// Validate checks the name and scopes and returns the scopes parsed,
// sorted and without repeats.
func (n NewToken) Validate() ([]Scope, error) {
	name := strings.TrimSpace(n.Name)
	if name == "" {
		return nil, errs.Invalidf("name", "is required: say what the token is for, e.g. \"agent on web-1\"")
	}
	if c := utf8.RuneCountInString(name); c > MaxTokenName {
		return nil, errs.Invalidf("name", "is %d characters; at most %d", c, MaxTokenName)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return nil, errs.Invalidf("name", "may not contain control characters (found %q)", r)
		}
	}
	if len(n.Scopes) == 0 {
		return nil, errs.Invalidf("scopes", "is required: one or more of ingest, read, write")
	}
	var out []Scope
	for i, s := range n.Scopes {
		sc := Scope(s)
		if !slices.Contains(Scopes, sc) {
			return nil, errs.Invalidf(fmt.Sprintf("scopes[%d]", i), "%q is not a scope: use ingest, read or write", s)
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	slices.Sort(out)
	return out, nil
}

// TokenStore keeps API tokens.
type TokenStore interface {
	// CreateToken stores t (with SecretHash) and returns it with ID set.
	CreateToken(ctx context.Context, t APIToken) (*APIToken, error)
	// FindTokens returns every token, revoked ones too, newest first.
	FindTokens(ctx context.Context) ([]*APIToken, error)
	// FindTokenBySecretHash returns the token (revoked or not) or NotFound.
	FindTokenBySecretHash(ctx context.Context, hash string) (*APIToken, error)
	// RevokeToken marks a token revoked: NotFound if there is none,
	// Conflict if it already is.
	RevokeToken(ctx context.Context, id int64, at time.Time) (*APIToken, error)
	TouchToken(ctx context.Context, id int64, at time.Time) error
}

var _ TokenStore = (*SQLiteStore)(nil)

// CreateToken validates n and makes a token. The secret it returns is
// shown once: only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, n NewToken, by string) (*APIToken, string, error) {
	scopes, err := n.Validate()
	if err != nil {
		return nil, "", err
	}
	secret := TokenPrefix + newToken()
	t, err := s.store.CreateToken(ctx, APIToken{Name: strings.TrimSpace(n.Name), Scopes: scopes, CreatedBy: by,
		CreatedAt: s.now().UTC(), SecretHash: hashToken(secret)})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// RevokeToken revokes the token with that id; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, id int64) (*APIToken, error) {
	return s.store.RevokeToken(ctx, id, s.now())
}

// AuthenticateToken returns the token of a secret and records when it was
// used (at most once a minute). An unknown or revoked secret is an
// Unauthorized error that says which.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*APIToken, error) {
	t, err := s.store.FindTokenBySecretHash(ctx, hashToken(secret))
	if errs.CodeOf(err) == errs.NotFound {
		return nil, errs.E(errs.Unauthorized, "Authorization", "the bearer token is not valid: no such token (an admin makes one with POST /api/v1/tokens)")
	}
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return nil, errs.E(errs.Unauthorized, "Authorization", "the bearer token %q was revoked at %s: ask an admin for a new one", t.Name, t.RevokedAt.UTC().Format(time.RFC3339))
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchEvery {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return nil, err
		}
		u := now.UTC()
		t.LastUsedAt = &u
	}
	return t, nil
}

// CheckToken is a TokenChecker over the service's API tokens: secrets
// without TokenPrefix are not its own (nil, nil).
func (s *Service) CheckToken(ctx context.Context, secret string) (*APIToken, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, nil
	}
	return s.AuthenticateToken(ctx, secret)
}

const tokenColumns = `id, name, secret_hash, scopes, created_by, created_at, last_used_at, revoked_at`

func scanToken(row scanner) (*APIToken, error) {
	var (
		t             APIToken
		scopes, made  string
		used, revoked sql.NullString
	)
	if err := row.Scan(&t.ID, &t.Name, &t.SecretHash, &scopes, &t.CreatedBy, &made, &used, &revoked); err != nil {
		return nil, err
	}
	for _, sc := range strings.Split(scopes, ",") {
		t.Scopes = append(t.Scopes, Scope(sc))
	}
	var err error
	if t.CreatedAt, err = time.Parse(time.RFC3339Nano, made); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		s   sql.NullString
		dst **time.Time
	}{{used, &t.LastUsedAt}, {revoked, &t.RevokedAt}} {
		if p.s.Valid {
			v, err := time.Parse(time.RFC3339Nano, p.s.String)
			if err != nil {
				return nil, err
			}
			*p.dst = &v
		}
	}
	return &t, nil
}

func tokenNotFound(id int64) error { return errs.NotFoundf("no API token with id %d", id) }

func joinScopes(ss []Scope) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

// CreateToken implements TokenStore.
func (s *SQLiteStore) CreateToken(ctx context.Context, t APIToken) (*APIToken, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (name, secret_hash, scopes, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.Name, t.SecretHash, joinScopes(t.Scopes), t.CreatedBy, formatTime(t.CreatedAt))
	if err != nil {
		return nil, fmt.Errorf("create token %q: %w", t.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("create token %q: %w", t.Name, err)
	}
	out, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("read back token %d: %w", id, err)
	}
	return out, nil
}

// FindTokens implements TokenStore.
func (s *SQLiteStore) FindTokens(ctx context.Context) ([]*APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []*APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// FindTokenBySecretHash implements TokenStore.
func (s *SQLiteStore) FindTokenBySecretHash(ctx context.Context, hash string) (*APIToken, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE secret_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("no such token")
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return t, nil
}

// RevokeToken implements TokenStore.
func (s *SQLiteStore) RevokeToken(ctx context.Context, id int64, at time.Time) (*APIToken, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	defer tx.Rollback()
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tokenNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	if t.RevokedAt != nil {
		return nil, errs.E(errs.Conflict, "", "API token %d (%q) was already revoked at %s", id, t.Name, t.RevokedAt.UTC().Format(time.RFC3339))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, formatTime(at), id); err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	r := at.UTC()
	t.RevokedAt = &r
	return t, nil
}

// TouchToken implements TokenStore.
func (s *SQLiteStore) TouchToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, formatTime(at), id); err != nil {
		return fmt.Errorf("touch token %d: %w", id, err)
	}
	return nil
}
