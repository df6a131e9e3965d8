package boards

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
)

// Who may see a board beyond signed-in users (issue 9): a private board's
// snapshots need a signed-in user; a published link shows the board
// read-only to anyone holding it, until it is revoked.
const (
	// LinkTokenPrefix starts every published link's token.
	LinkTokenPrefix = "fbp_"
	// LinkPath is where a published link is opened: /v/{token}.
	LinkPath = "/v/"
	// MaxLinksPerBoard bounds a board's published links (revoked ones count).
	MaxLinksPerBoard = 50
	// MaxLinkName is the most characters of a link's name.
	MaxLinkName = 64
)

// Link is a published read-only link to a board.
type Link struct {
	ID        int64      `json:"id"`
	Board     string     `json:"board"`
	Token     string     `json:"token"`
	Name      string     `json:"name"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	URL       string     `json:"url"`
}

// Access is a board's privacy and its published links.
type Access struct {
	Private bool   `json:"private"`
	Links   []Link `json:"links"`
}

// AccessStore keeps boards' privacy and published links.
type AccessStore interface {
	// SetPrivate sets a board's flag and its snapshots'.
	SetPrivate(ctx context.Context, board string, private bool) error
	FindAccess(ctx context.Context, board string) (*Access, error)
	// CreateLink stores a link (TooLarge past MaxLinksPerBoard).
	CreateLink(ctx context.Context, l *Link) error
	// FindLinkByToken returns the link (revoked or not) or NotFound.
	FindLinkByToken(ctx context.Context, token string) (*Link, error)
	RevokeLink(ctx context.Context, board string, id int64, at time.Time) (*Link, error)
}

var _ AccessStore = (*SQLiteStore)(nil)

func (l *Link) fill() { l.URL = LinkPath + l.Token }

// SetPrivate implements AccessStore.
func (st *SQLiteStore) SetPrivate(ctx context.Context, board string, private bool) error {
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set board %s private: %w", board, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE boards SET private = ? WHERE id = ? AND deleted_at IS NULL`, private, board)
	if err != nil {
		return fmt.Errorf("set board %s private: %w", board, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(board)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE snapshots SET private = ? WHERE board_id = ?`, private, board); err != nil {
		return fmt.Errorf("set board %s private: snapshots: %w", board, err)
	}
	return tx.Commit()
}

// FindAccess implements AccessStore.
func (st *SQLiteStore) FindAccess(ctx context.Context, board string) (*Access, error) {
	var a Access
	err := st.db.QueryRowContext(ctx, `SELECT private FROM boards WHERE id = ? AND deleted_at IS NULL`, board).Scan(&a.Private)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(board)
	}
	if err != nil {
		return nil, fmt.Errorf("board %s access: %w", board, err)
	}
	rows, err := st.db.QueryContext(ctx, `SELECT `+linkCols+` FROM board_links WHERE board_id = ? ORDER BY id`, board)
	if err != nil {
		return nil, fmt.Errorf("board %s links: %w", board, err)
	}
	defer rows.Close()
	a.Links = []Link{}
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, fmt.Errorf("board %s links: %w", board, err)
		}
		a.Links = append(a.Links, *l)
	}
	return &a, rows.Err()
}

const linkCols = `id, board_id, token, name, created_by, created_at, revoked_at`

func scanLink(row interface{ Scan(...any) error }) (*Link, error) {
	var l Link
	var created string
	var revoked sql.NullString
	if err := row.Scan(&l.ID, &l.Board, &l.Token, &l.Name, &l.CreatedBy, &created, &revoked); err != nil {
		return nil, err
	}
	l.CreatedAt, _ = parseTime(created)
	if revoked.Valid {
		t, _ := parseTime(revoked.String)
		l.RevokedAt = &t
	}
	l.fill()
	return &l, nil
}

// CreateLink implements AccessStore.
func (st *SQLiteStore) CreateLink(ctx context.Context, l *Link) error {
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("publish board %s: %w", l.Board, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM board_links WHERE board_id = ?`, l.Board).Scan(&n); err != nil {
		return fmt.Errorf("publish board %s: %w", l.Board, err)
	}
	if n >= MaxLinksPerBoard {
		return errs.E(errs.TooLarge, "", "board %q has %d published links, the most kept per board", l.Board, n)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO board_links (board_id, token, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		l.Board, l.Token, l.Name, l.CreatedBy, formatTime(l.CreatedAt))
	if err != nil {
		return fmt.Errorf("publish board %s: %w", l.Board, err)
	}
	if l.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("publish board %s: %w", l.Board, err)
	}
	l.fill()
	return tx.Commit()
}

// FindLinkByToken implements AccessStore.
func (st *SQLiteStore) FindLinkByToken(ctx context.Context, token string) (*Link, error) {
	l, err := scanLink(st.db.QueryRowContext(ctx, `SELECT `+linkCols+` FROM board_links WHERE token = ?`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("no published link %q: it may have been mistyped", clip(token))
	}
	if err != nil {
		return nil, fmt.Errorf("find link: %w", err)
	}
	return l, nil
}

// RevokeLink implements AccessStore.
func (st *SQLiteStore) RevokeLink(ctx context.Context, board string, id int64, at time.Time) (*Link, error) {
	res, err := st.db.ExecContext(ctx, `UPDATE board_links SET revoked_at = ? WHERE id = ? AND board_id = ? AND revoked_at IS NULL`, formatTime(at), id, board)
	if err != nil {
		return nil, fmt.Errorf("revoke link %d: %w", id, err)
	}
	l, err := scanLink(st.db.QueryRowContext(ctx, `SELECT `+linkCols+` FROM board_links WHERE id = ? AND board_id = ?`, id, board))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("board %q has no published link %d", board, id)
	}
	if err != nil {
		return nil, fmt.Errorf("revoke link %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, errs.E(errs.Conflict, "", "link %d was already revoked", id)
	}
	return l, nil
}

func newLinkToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return LinkTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// --- HTTP ----------------------------------------------------------------

func (h *Handler) getAccess(c *fiber.Ctx) error {
	a, err := h.Access.FindAccess(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(a)
}

func (h *Handler) putAccess(c *fiber.Ctx) error {
	var in struct {
		Private *bool `json:"private"`
	}
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	if in.Private == nil {
		return errs.Invalidf("private", "is required: true (snapshots need sign-in) or false (public by link)")
	}
	if err := h.Access.SetPrivate(c.UserContext(), c.Params("id"), *in.Private); err != nil {
		return err
	}
	h.Log.Info("board access changed", "board", c.Params("id"), "private", *in.Private, "by", h.actor(c))
	return h.getAccess(c)
}

func (h *Handler) createLink(c *fiber.Ctx) error {
	var in struct {
		Name string `json:"name"`
	}
	if len(c.Body()) > 0 {
		if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
			return err
		}
	}
	name := strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(name); n > MaxLinkName {
		return errs.Invalidf("name", "is %d characters; at most %d", n, MaxLinkName)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return errs.Invalidf("name", "may not contain control characters (found %q)", r)
		}
	}
	b, err := h.Store.FindBoardByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	if name == "" {
		name = "Published link"
	}
	l := &Link{Board: b.ID, Token: newLinkToken(), Name: name, CreatedBy: h.actor(c), CreatedAt: time.Now().UTC()}
	if err := h.Access.CreateLink(c.UserContext(), l); err != nil {
		return err
	}
	h.Log.Info("board published", "board", b.ID, "link", l.ID, "by", l.CreatedBy)
	return c.Status(fiber.StatusCreated).JSON(l)
}

func (h *Handler) revokeLink(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("link"), 10, 64)
	if err != nil || id < 1 {
		return errs.Invalidf("link", "%q is not a link id (a positive whole number)", clip(c.Params("link")))
	}
	l, err := h.Access.RevokeLink(c.UserContext(), c.Params("id"), id, time.Now())
	if err != nil {
		return err
	}
	if h.LinkRevoked != nil {
		h.LinkRevoked(l.ID)
	}
	h.Log.Info("published link revoked", "board", l.Board, "link", l.ID, "by", h.actor(c))
	return c.JSON(l)
}

// openLink answers /v/{token}: a live published link goes to the board's
// display with the token (the guard keeps it in a cookie for the page's
// own requests); a revoked or unknown one is an error page.
func (h *Handler) openLink(c *fiber.Ctx) error {
	l, err := h.Access.FindLinkByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	if l.RevokedAt != nil {
		return errs.E(errs.NotFound, "", "this published link was revoked at %s: ask the board's editors for a new one", l.RevokedAt.UTC().Format(time.RFC3339))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return c.Redirect(DisplayPath(l.Board)+"?token="+l.Token, fiber.StatusSeeOther)
}

// DisplayPath is the wall display page of a board.
func DisplayPath(id string) string { return "/d/" + id }

// actor names who made a change, for the log (set by cmd; "" otherwise).
func (h *Handler) actor(c *fiber.Ctx) string {
	if h.Actor != nil {
		return h.Actor(c)
	}
	return ""
}

// mayOpen reports whether the request may open a private board's snapshot.
func (h *Handler) mayOpen(c *fiber.Ctx, s *Snapshot) bool {
	return !s.Private || h.SignedIn == nil || h.SignedIn(c)
}
