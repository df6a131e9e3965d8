package boards

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
)

// Limits of snapshots.
const (
	MaxSnapshotNote      = 1000 // characters
	MaxSnapshotsPerBoard = 1000
	MaxSnapshotPNGBytes  = 32 << 20 // a 2× picture of a 7680×2160 board
	MaxSnapshotExpiry    = 5 * 365 * 24 * time.Hour
)

// Snapshot is a board frozen at a moment: its layout, its widgets' configs
// and all the data each widget showed. Immutable once created.
type Snapshot struct {
	ID        string     `json:"id"`
	Board     string     `json:"board"`
	BoardName string     `json:"board_name"`
	Variant   string     `json:"variant"`
	At        time.Time  `json:"at"`
	Note      string     `json:"note"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	HasPNG    bool       `json:"has_png"`
	// Private is its board's flag: only signed-in users may open it.
	Private bool   `json:"private"`
	URL     string `json:"url"`
	PNGURL  string `json:"png_url"`
	// Content and Data are the frozen board and widget data (not listed).
	Content  *Content                   `json:"-"`
	Revision int64                      `json:"revision"`
	Data     map[string]json.RawMessage `json:"-"`
}

// NewSnapshotID returns 128 random bits, URL-safe: the link is the key.
func NewSnapshotID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("boards: crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Snapshot) urls() {
	s.URL = "/s/" + s.ID
	s.PNGURL = "/s/" + s.ID + ".png"
}

type snapshotDoc struct {
	Revision int64                      `json:"revision"`
	Content  Content                    `json:"content"`
	Data     map[string]json.RawMessage `json:"data"`
}

// SnapshotStore keeps snapshots.
type SnapshotStore interface {
	CreateSnapshot(ctx context.Context, s *Snapshot) error
	FindSnapshot(ctx context.Context, id string) (*Snapshot, error)
	FindSnapshots(ctx context.Context, board string) ([]Snapshot, error)
	SnapshotPNG(ctx context.Context, id string) ([]byte, error)
	// SetSnapshotPNG stores the picture once; a snapshot's picture never
	// changes afterwards.
	SetSnapshotPNG(ctx context.Context, id string, png []byte) error
	DeleteSnapshot(ctx context.Context, id string) error
}

var _ SnapshotStore = (*SQLiteStore)(nil)

// CreateSnapshot implements SnapshotStore; s.ID and times are set.
func (st *SQLiteStore) CreateSnapshot(ctx context.Context, s *Snapshot) error {
	if utf8.RuneCountInString(s.Note) > MaxSnapshotNote {
		return errs.Invalidf("note", "is %d characters; at most %d", utf8.RuneCountInString(s.Note), MaxSnapshotNote)
	}
	doc, err := json.Marshal(snapshotDoc{Revision: s.Revision, Content: *s.Content, Data: s.Data})
	if err != nil {
		return fmt.Errorf("snapshot: encode: %w", err)
	}
	s.ID, s.CreatedAt = NewSnapshotID(), st.now()
	s.urls()
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM snapshots WHERE board_id = ?`, s.Board).Scan(&n); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if n >= MaxSnapshotsPerBoard {
		return errs.E(errs.Conflict, "", "board %q already has %d snapshots, the most kept per board; delete old ones first", s.Board, MaxSnapshotsPerBoard)
	}
	var exp any
	if s.ExpiresAt != nil {
		exp = formatTime(*s.ExpiresAt)
	}
	if err := tx.QueryRowContext(ctx, `SELECT private FROM boards WHERE id = ?`, s.Board).Scan(&s.Private); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("snapshot: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO snapshots (id, board_id, board_name, variant, at, note, doc, created_at, expires_at, private)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.Board, s.BoardName, s.Variant, s.At.UnixMilli(), s.Note, string(doc), formatTime(s.CreatedAt), exp, s.Private); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return tx.Commit()
}

const snapshotCols = `id, board_id, board_name, variant, at, note, created_at, expires_at, png IS NOT NULL, private`

func scanSnapshot(row interface{ Scan(...any) error }, extra ...any) (*Snapshot, error) {
	var s Snapshot
	var at int64
	var created string
	var exp sql.NullString
	dest := append([]any{&s.ID, &s.Board, &s.BoardName, &s.Variant, &at, &s.Note, &created, &exp, &s.HasPNG, &s.Private}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	s.At = time.UnixMilli(at).UTC()
	s.CreatedAt, _ = parseTime(created)
	if exp.Valid {
		t, _ := parseTime(exp.String)
		s.ExpiresAt = &t
	}
	s.urls()
	return &s, nil
}

// FindSnapshot implements SnapshotStore, with the frozen content and data.
// An expired snapshot is not found.
func (st *SQLiteStore) FindSnapshot(ctx context.Context, id string) (*Snapshot, error) {
	var doc string
	s, err := scanSnapshot(st.db.QueryRowContext(ctx, `SELECT `+snapshotCols+`, doc FROM snapshots WHERE id = ?`, id), &doc)
	if errors.Is(err, sql.ErrNoRows) || err == nil && s.ExpiresAt != nil && !s.ExpiresAt.After(st.now()) {
		return nil, errs.E(errs.NotFound, "", "no snapshot %q (it may have expired or been deleted)", clip(id))
	}
	if err != nil {
		return nil, fmt.Errorf("find snapshot: %w", err)
	}
	var d snapshotDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("snapshot %s: decode: %w", id, err)
	}
	s.Content, s.Data, s.Revision = &d.Content, d.Data, d.Revision
	return s, nil
}

// FindSnapshots implements SnapshotStore: a board's snapshots, newest first,
// expired ones left out.
func (st *SQLiteStore) FindSnapshots(ctx context.Context, board string) ([]Snapshot, error) {
	rows, err := st.db.QueryContext(ctx, `SELECT `+snapshotCols+` FROM snapshots WHERE board_id = ? AND (expires_at IS NULL OR expires_at > ?)
		ORDER BY created_at DESC, id`, board, formatTime(st.now()))
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	defer rows.Close()
	list := []Snapshot{}
	for rows.Next() {
		s, err := scanSnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("list snapshots: %w", err)
		}
		list = append(list, *s)
	}
	return list, rows.Err()
}

// SnapshotPNG implements SnapshotStore.
func (st *SQLiteStore) SnapshotPNG(ctx context.Context, id string) ([]byte, error) {
	var png []byte
	err := st.db.QueryRowContext(ctx, `SELECT png FROM snapshots WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)`, id, formatTime(st.now())).Scan(&png)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "", "no snapshot %q", clip(id))
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot png: %w", err)
	}
	if png == nil {
		return nil, errs.E(errs.NotFound, "", "snapshot %q has no picture yet", clip(id))
	}
	return png, nil
}

// SetSnapshotPNG implements SnapshotStore.
func (st *SQLiteStore) SetSnapshotPNG(ctx context.Context, id string, png []byte) error {
	if len(png) > MaxSnapshotPNGBytes {
		return errs.E(errs.TooLarge, "", "the picture is %d bytes; at most %d", len(png), MaxSnapshotPNGBytes)
	}
	if !strings.HasPrefix(string(png), "\x89PNG\r\n\x1a\n") {
		return errs.E(errs.Unsupported, "", "the picture must be a PNG")
	}
	res, err := st.db.ExecContext(ctx, `UPDATE snapshots SET png = ? WHERE id = ? AND png IS NULL`, png, id)
	if err != nil {
		return fmt.Errorf("snapshot png: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := st.FindSnapshot(ctx, id); err != nil {
			return err
		}
		return errs.E(errs.Conflict, "", "snapshot %q already has its picture; snapshots never change", clip(id))
	}
	return nil
}

// DeleteSnapshot implements SnapshotStore.
func (st *SQLiteStore) DeleteSnapshot(ctx context.Context, id string) error {
	res, err := st.db.ExecContext(ctx, `DELETE FROM snapshots WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete snapshot: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "", "no snapshot %q", clip(id))
	}
	return nil
}
