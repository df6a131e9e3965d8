package screens

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
)

// Store keeps paired screens.
type Store interface {
	// CreateScreen stores s (with TokenHash) and returns it with ID set;
	// TooLarge when MaxScreens are paired.
	CreateScreen(ctx context.Context, s Screen) (*Screen, error)
	// FindScreens returns every screen, revoked ones too, by name.
	FindScreens(ctx context.Context) ([]*Screen, error)
	FindScreenByID(ctx context.Context, id int64) (*Screen, error)
	// FindScreenByTokenHash returns the screen (revoked or not) or NotFound.
	FindScreenByTokenHash(ctx context.Context, hash string) (*Screen, error)
	// UpdateScreen changes name, group and target; setFrom also sets (or,
	// with from nil, clears) SwitchedFrom.
	UpdateScreen(ctx context.Context, id int64, name, group string, target Target, setFrom bool, from *Target) (*Screen, error)
	// RevokeScreen marks it revoked: Conflict if it already is.
	RevokeScreen(ctx context.Context, id int64, at time.Time) (*Screen, error)
	DeleteScreen(ctx context.Context, id int64) error
	// RecordSeen notes a connection or report: when, from where, which
	// page, and problems to add (counts are added, not set).
	RecordSeen(ctx context.Context, id int64, r Report) error
}

// Report is what a screen tells about itself.
type Report struct {
	At        time.Time
	UserAgent string
	Address   string
	Showing   string
	Errors    int64
	LastError string
	Reloads   int64
}

var _ Store = (*SQLiteStore)(nil)

// SQLiteStore keeps screens in SQLite (migration 0010).
type SQLiteStore struct{ db *sql.DB }

// NewSQLiteStore returns a store on an open, migrated database.
func NewSQLiteStore(db *sql.DB) *SQLiteStore { return &SQLiteStore{db: db} }

const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

const columns = `id, name, grp, token_hash, target, switched_from, created_by, created_at, last_seen_at,
	user_agent, address, showing, errors, last_error, last_error_at, watchdog_reloads, revoked_at`

type scanner interface{ Scan(...any) error }

func scan(row scanner) (*Screen, error) {
	var (
		s                          Screen
		target, created            string
		from, seen, errAt, revoked sql.NullString
	)
	if err := row.Scan(&s.ID, &s.Name, &s.Group, &s.TokenHash, &target, &from, &s.CreatedBy, &created, &seen,
		&s.UserAgent, &s.Address, &s.Showing, &s.Errors, &s.LastError, &errAt, &s.WatchdogReloads, &revoked); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(target), &s.Target); err != nil {
		return nil, fmt.Errorf("screen %d: target: %w", s.ID, err)
	}
	if from.Valid {
		s.SwitchedFrom = new(Target)
		if err := json.Unmarshal([]byte(from.String), s.SwitchedFrom); err != nil {
			return nil, fmt.Errorf("screen %d: switched_from: %w", s.ID, err)
		}
	}
	var err error
	if s.CreatedAt, err = time.Parse(time.RFC3339Nano, created); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		v   sql.NullString
		dst **time.Time
	}{{seen, &s.LastSeenAt}, {errAt, &s.LastErrorAt}, {revoked, &s.RevokedAt}} {
		if p.v.Valid {
			t, err := time.Parse(time.RFC3339Nano, p.v.String)
			if err != nil {
				return nil, err
			}
			*p.dst = &t
		}
	}
	return &s, nil
}

func notFound(id int64) error {
	return errs.NotFoundf("no screen with id %d (it may have been forgotten)", id)
}

func targetJSON(t Target) string {
	b, _ := json.Marshal(t) // plain strings: cannot fail
	return string(b)
}

// CreateScreen implements Store.
func (st *SQLiteStore) CreateScreen(ctx context.Context, s Screen) (*Screen, error) {
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("pair screen: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM screens`).Scan(&n); err != nil {
		return nil, fmt.Errorf("count screens: %w", err)
	}
	if n >= MaxScreens {
		return nil, errs.E(errs.TooLarge, "", "%d screens are paired, the most one server keeps: forget revoked ones first", n)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO screens (name, grp, token_hash, target, created_by, created_at, user_agent, address)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.Name, s.Group, s.TokenHash, targetJSON(s.Target), s.CreatedBy, formatTime(s.CreatedAt), s.UserAgent, s.Address)
	if err != nil {
		return nil, fmt.Errorf("pair screen: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("pair screen: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("pair screen: %w", err)
	}
	return st.FindScreenByID(ctx, id)
}

// FindScreens implements Store.
func (st *SQLiteStore) FindScreens(ctx context.Context) ([]*Screen, error) {
	rows, err := st.db.QueryContext(ctx, `SELECT `+columns+` FROM screens ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list screens: %w", err)
	}
	defer rows.Close()
	var out []*Screen
	for rows.Next() {
		s, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list screens: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindScreenByID implements Store.
func (st *SQLiteStore) FindScreenByID(ctx context.Context, id int64) (*Screen, error) {
	s, err := scan(st.db.QueryRowContext(ctx, `SELECT `+columns+` FROM screens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("find screen %d: %w", id, err)
	}
	return s, nil
}

// FindScreenByTokenHash implements Store.
func (st *SQLiteStore) FindScreenByTokenHash(ctx context.Context, hash string) (*Screen, error) {
	s, err := scan(st.db.QueryRowContext(ctx, `SELECT `+columns+` FROM screens WHERE token_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("no screen has this token")
	}
	if err != nil {
		return nil, fmt.Errorf("find screen by token: %w", err)
	}
	return s, nil
}

// UpdateScreen implements Store.
func (st *SQLiteStore) UpdateScreen(ctx context.Context, id int64, name, group string, target Target, setFrom bool, from *Target) (*Screen, error) {
	q := `UPDATE screens SET name = ?, grp = ?, target = ? WHERE id = ?`
	args := []any{name, group, targetJSON(target), id}
	if setFrom {
		var f any
		if from != nil {
			f = targetJSON(*from)
		}
		q = `UPDATE screens SET name = ?, grp = ?, target = ?, switched_from = ? WHERE id = ?`
		args = []any{name, group, targetJSON(target), f, id}
	}
	res, err := st.db.ExecContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("update screen %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, notFound(id)
	}
	return st.FindScreenByID(ctx, id)
}

// RevokeScreen implements Store.
func (st *SQLiteStore) RevokeScreen(ctx context.Context, id int64, at time.Time) (*Screen, error) {
	s, err := st.FindScreenByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.RevokedAt != nil {
		return nil, errs.E(errs.Conflict, "", "screen %q was already revoked at %s", s.Name, s.RevokedAt.UTC().Format(time.RFC3339))
	}
	if _, err := st.db.ExecContext(ctx, `UPDATE screens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, formatTime(at), id); err != nil {
		return nil, fmt.Errorf("revoke screen %d: %w", id, err)
	}
	return st.FindScreenByID(ctx, id)
}

// DeleteScreen implements Store.
func (st *SQLiteStore) DeleteScreen(ctx context.Context, id int64) error {
	res, err := st.db.ExecContext(ctx, `DELETE FROM screens WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("forget screen %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(id)
	}
	return nil
}

// RecordSeen implements Store.
func (st *SQLiteStore) RecordSeen(ctx context.Context, id int64, r Report) error {
	at := formatTime(r.At)
	var errAt any
	if r.Errors > 0 {
		errAt = at
	}
	_, err := st.db.ExecContext(ctx, `UPDATE screens SET last_seen_at = ?,
		user_agent = CASE WHEN ? = '' THEN user_agent ELSE ? END,
		address = CASE WHEN ? = '' THEN address ELSE ? END,
		showing = CASE WHEN ? = '' THEN showing ELSE ? END,
		errors = errors + ?,
		last_error = CASE WHEN ? = '' THEN last_error ELSE ? END,
		last_error_at = COALESCE(?, last_error_at),
		watchdog_reloads = watchdog_reloads + ?
		WHERE id = ?`,
		at, r.UserAgent, r.UserAgent, r.Address, r.Address, r.Showing, r.Showing,
		r.Errors, r.LastError, r.LastError, errAt, r.Reloads, id)
	if err != nil {
		return fmt.Errorf("record screen %d seen: %w", id, err)
	}
	return nil
}
