package boards

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
)

var _ Store = (*SQLiteStore)(nil)

// SQLiteStore keeps boards in SQLite: the current state in boards, every
// save in board_versions, both written in one transaction.
type SQLiteStore struct {
	db  *sql.DB
	now func() time.Time
}

// NewSQLiteStore returns a store on an open, migrated database.
func NewSQLiteStore(db *sql.DB) *SQLiteStore {
	return &SQLiteStore{db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }}
}

// timeFormat is fixed-width (RFC 3339 with all nine fraction digits) so that
// ORDER BY on the stored text orders by time: RFC3339Nano trims trailing
// zeros, and "…17.06Z" sorts after "…17.066Z".
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// parseTime reads both the fixed-width times and the trimmed ones written
// by earlier versions.
func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

func notFound(id string) error {
	return errs.NotFoundf("no board with id %q", clip(id))
}

// FindBoardByID implements Store.
func (s *SQLiteStore) FindBoardByID(ctx context.Context, id string) (*Board, error) {
	var (
		b                Board
		created, updated string
		deleted          sql.NullString
		doc              string
	)
	err := s.db.QueryRowContext(ctx,
		`SELECT id, revision, created_at, updated_at, deleted_at, doc FROM boards WHERE id = ?`, id).
		Scan(&b.ID, &b.Revision, &created, &updated, &deleted, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("find board %s: %w", id, err)
	}
	if deleted.Valid {
		return nil, errs.NotFoundf("board %q is in the trash; restore it with POST /api/v1/boards/%s/restore", id, id)
	}
	if err := fill(&b, created, updated, doc); err != nil {
		return nil, fmt.Errorf("find board %s: %w", id, err)
	}
	return &b, nil
}

func fill(b *Board, created, updated, doc string) error {
	var err error
	if b.CreatedAt, err = parseTime(created); err != nil {
		return err
	}
	if b.UpdatedAt, err = parseTime(updated); err != nil {
		return err
	}
	return json.Unmarshal([]byte(doc), &b.Content)
}

// listDoc is the part of a stored board document a list needs: decoding
// only these fields skips the widgets' configs and queries.
type listDoc struct {
	Widgets []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"widgets"`
	Variants []Variant `json:"variants"`
}

// FindBoards implements Store. Each summary's variants and thumbnail come
// from one decoding of the board's document.
func (s *SQLiteStore) FindBoards(ctx context.Context, f BoardFilter) ([]Summary, error) {
	where := "deleted_at IS NULL ORDER BY updated_at DESC, id"
	if f.Trashed {
		where = "deleted_at IS NOT NULL ORDER BY deleted_at DESC, id"
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, name, revision, created_at, updated_at, deleted_at, widget_count, doc FROM boards WHERE `+where)
	if err != nil {
		return nil, fmt.Errorf("list boards: %w", err)
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var (
			sum              Summary
			created, updated string
			deleted          sql.NullString
			doc              []byte
		)
		if err := rows.Scan(&sum.ID, &sum.Name, &sum.Revision, &created, &updated, &deleted, &sum.WidgetCount, &doc); err != nil {
			return nil, fmt.Errorf("list boards: %w", err)
		}
		if sum.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("list boards: %s: %w", sum.ID, err)
		}
		if sum.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("list boards: %s: %w", sum.ID, err)
		}
		if deleted.Valid {
			t, err := parseTime(deleted.String)
			if err != nil {
				return nil, fmt.Errorf("list boards: %s: %w", sum.ID, err)
			}
			sum.DeletedAt = &t
		}
		var d listDoc
		if err := json.Unmarshal(doc, &d); err != nil {
			return nil, fmt.Errorf("list boards: %s: %w", sum.ID, err)
		}
		sum.Variants = make([]VariantSummary, len(d.Variants))
		for i, v := range d.Variants {
			sum.Variants[i] = VariantSummary{Name: v.Name, Canvas: v.Canvas}
		}
		kinds := make(map[string]string, len(d.Widgets))
		for _, w := range d.Widgets {
			kinds[w.ID] = w.Kind
		}
		sum.Thumb = thumbOf(d.Variants, kinds)
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list boards: %w", err)
	}
	return out, nil
}

func summaryOf(c *Content) (doc, variants []byte, err error) {
	if doc, err = json.Marshal(c); err != nil {
		return nil, nil, err
	}
	vs := make([]VariantSummary, len(c.Variants))
	for i, v := range c.Variants {
		vs[i] = VariantSummary{Name: v.Name, Canvas: v.Canvas}
	}
	variants, err = json.Marshal(vs)
	return doc, variants, err
}

// CreateBoard implements Store.
func (s *SQLiteStore) CreateBoard(ctx context.Context, c Content) (*Board, error) {
	doc, variants, err := summaryOf(&c)
	if err != nil {
		return nil, fmt.Errorf("create board: encode: %w", err)
	}
	now := s.now()
	b := &Board{ID: NewID(), Revision: 1, CreatedAt: now, UpdatedAt: now, Content: c}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create board: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO boards (id, name, revision, created_at, updated_at, widget_count, variants, doc)
		 VALUES (?, ?, 1, ?, ?, ?, ?, ?)`,
		b.ID, c.Name, formatTime(now), formatTime(now), len(c.Widgets), string(variants), string(doc)); err != nil {
		return nil, fmt.Errorf("create board: %w", err)
	}
	if err := insertVersion(ctx, tx, b.ID, 1, now, c.Name, doc); err != nil {
		return nil, fmt.Errorf("create board: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create board: commit: %w", err)
	}
	return b, nil
}

func insertVersion(ctx context.Context, tx *sql.Tx, id string, rev int64, at time.Time, name string, doc []byte) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO board_versions (board_id, revision, created_at, name, doc) VALUES (?, ?, ?, ?, ?)`,
		id, rev, formatTime(at), name, string(doc))
	return err
}

// current reads a board's revision and trash state inside tx.
func current(ctx context.Context, tx *sql.Tx, id string) (rev int64, created string, trashed bool, err error) {
	var deleted sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT revision, created_at, deleted_at FROM boards WHERE id = ?`, id).
		Scan(&rev, &created, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, notFound(id)
	}
	return rev, created, deleted.Valid, err
}

// UpdateBoard implements Store.
func (s *SQLiteStore) UpdateBoard(ctx context.Context, id string, u BoardUpdate) (*Board, error) {
	doc, variants, err := summaryOf(&u.Content)
	if err != nil {
		return nil, fmt.Errorf("update board %s: encode: %w", id, err)
	}
	tx, err := s.db.BeginTx(ctx, nil) // immediate: the revision check and the write are atomic
	if err != nil {
		return nil, fmt.Errorf("update board %s: %w", id, err)
	}
	defer tx.Rollback()
	rev, created, trashed, err := current(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if trashed {
		return nil, errs.E(errs.Conflict, "", "board %q is in the trash; restore it before saving", id)
	}
	if rev != u.BaseRevision {
		e := errs.E(errs.Conflict, "revision",
			"the board was changed by someone else: your edit is based on revision %d, the board is now at revision %d. "+
				"Load revision %d, apply your changes to it and save again (or save yours as a copy)", u.BaseRevision, rev, rev)
		e.CurrentRevision = rev
		return nil, e
	}
	now := s.now()
	next := rev + 1
	if _, err := tx.ExecContext(ctx,
		`UPDATE boards SET name = ?, revision = ?, updated_at = ?, widget_count = ?, variants = ?, doc = ?
		 WHERE id = ? AND revision = ?`,
		u.Content.Name, next, formatTime(now), len(u.Content.Widgets), string(variants), string(doc), id, rev); err != nil {
		return nil, fmt.Errorf("update board %s: %w", id, err)
	}
	if err := insertVersion(ctx, tx, id, next, now, u.Content.Name, doc); err != nil {
		return nil, fmt.Errorf("update board %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update board %s: commit: %w", id, err)
	}
	b := &Board{ID: id, Revision: next, UpdatedAt: now, Content: u.Content}
	if b.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("update board %s: %w", id, err)
	}
	return b, nil
}

// DeleteBoard implements Store.
func (s *SQLiteStore) DeleteBoard(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE boards SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, formatTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("delete board %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.FindBoardByID(ctx, id); err != nil {
			return err // unknown, or already in the trash
		}
		return notFound(id)
	}
	return nil
}

// RestoreBoard implements Store.
func (s *SQLiteStore) RestoreBoard(ctx context.Context, id string) (*Board, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("restore board %s: %w", id, err)
	}
	defer tx.Rollback()
	_, _, trashed, err := current(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !trashed {
		return nil, errs.E(errs.Conflict, "", "board %q is not in the trash", id)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE boards SET deleted_at = NULL WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("restore board %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("restore board %s: commit: %w", id, err)
	}
	return s.FindBoardByID(ctx, id)
}

// PurgeBoard implements Store.
func (s *SQLiteStore) PurgeBoard(ctx context.Context, id string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("purge board %s: %w", id, err)
	}
	defer tx.Rollback()
	_, _, trashed, err := current(ctx, tx, id)
	if err != nil {
		return err
	}
	if !trashed {
		return errs.E(errs.Conflict, "", "board %q is not in the trash; delete it first (DELETE /api/v1/boards/%s)", id, id)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM boards WHERE id = ?`, id); err != nil {
		return fmt.Errorf("purge board %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("purge board %s: commit: %w", id, err)
	}
	return nil
}

// FindVersions implements Store.
func (s *SQLiteStore) FindVersions(ctx context.Context, id string, f VersionFilter) ([]Version, error) {
	if _, err := s.FindBoardByID(ctx, id); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultVersionPage
	}
	if limit > MaxVersionPage {
		limit = MaxVersionPage
	}
	before := f.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT revision, created_at, name FROM board_versions WHERE board_id = ? AND revision < ?
		 ORDER BY revision DESC LIMIT ?`, id, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", id, err)
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		var v Version
		var at string
		if err := rows.Scan(&v.Revision, &at, &v.Name); err != nil {
			return nil, fmt.Errorf("list versions of %s: %w", id, err)
		}
		if v.UpdatedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("list versions of %s: %w", id, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", id, err)
	}
	return out, nil
}

// FindVersion implements Store.
func (s *SQLiteStore) FindVersion(ctx context.Context, id string, rev int64) (*Board, error) {
	cur, err := s.FindBoardByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var at, doc string
	err = s.db.QueryRowContext(ctx,
		`SELECT created_at, doc FROM board_versions WHERE board_id = ? AND revision = ?`, id, rev).Scan(&at, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("board %q has no revision %d; its revisions are 1 to %d", id, rev, cur.Revision)
	}
	if err != nil {
		return nil, fmt.Errorf("find version %d of %s: %w", rev, id, err)
	}
	b := &Board{ID: id, Revision: rev}
	if err := fill(b, formatTime(cur.CreatedAt), at, doc); err != nil {
		return nil, fmt.Errorf("find version %d of %s: %w", rev, id, err)
	}
	return b, nil
}
