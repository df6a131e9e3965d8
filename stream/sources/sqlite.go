package sources

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
)

// Source is a configured source, as stored and served by the API.
type Source struct {
	ID        string          `json:"id"`
	Revision  int64           `json:"revision"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Name      string          `json:"name"`
	Type      string          `json:"type"`
	Enabled   bool            `json:"enabled"`
	Config    json.RawMessage `json:"config"`
	Health    *HealthView     `json:"health,omitempty"`
}

// Store keeps source configs.
type Store interface {
	FindSources(ctx context.Context) ([]Source, error)
	FindSourceByID(ctx context.Context, id string) (*Source, error)
	CreateSource(ctx context.Context, s Source) (*Source, error)
	UpdateSource(ctx context.Context, id string, base int64, s Source) (*Source, error)
	DeleteSource(ctx context.Context, id string) error
	// Setting and SetSetting keep server-wide facts (the first-run marker).
	Setting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

var _ Store = (*SQLiteStore)(nil)

// SQLiteStore keeps sources in SQLite.
type SQLiteStore struct {
	db *sql.DB
}

// NewSQLiteStore returns a store on an open, migrated database.
func NewSQLiteStore(db *sql.DB) *SQLiteStore { return &SQLiteStore{db: db} }

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func newID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

const sourceColumns = `id, name, type, enabled, config, revision, created_at, updated_at`

func scanSource(row interface{ Scan(...any) error }) (*Source, error) {
	var s Source
	var cfg, created, updated string
	if err := row.Scan(&s.ID, &s.Name, &s.Type, &s.Enabled, &cfg, &s.Revision, &created, &updated); err != nil {
		return nil, err
	}
	s.Config = json.RawMessage(cfg)
	var err error
	if s.CreatedAt, err = time.Parse(time.RFC3339Nano, created); err != nil {
		return nil, err
	}
	if s.UpdatedAt, err = time.Parse(time.RFC3339Nano, updated); err != nil {
		return nil, err
	}
	return &s, nil
}

// FindSources implements Store.
func (st *SQLiteStore) FindSources(ctx context.Context) ([]Source, error) {
	rows, err := st.db.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	out := []Source{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// FindSourceByID implements Store.
func (st *SQLiteStore) FindSourceByID(ctx context.Context, id string) (*Source, error) {
	s, err := scanSource(st.db.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("no source with id %q", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find source %s: %w", id, err)
	}
	return s, nil
}

// CreateSource implements Store.
func (st *SQLiteStore) CreateSource(ctx context.Context, s Source) (*Source, error) {
	t := now()
	s.ID, s.Revision, s.CreatedAt, s.UpdatedAt, s.Health = newID(), 1, t, t, nil
	if _, err := st.db.ExecContext(ctx, `INSERT INTO sources (`+sourceColumns+`) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
		s.ID, s.Name, s.Type, s.Enabled, string(s.Config), t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00"), t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")); err != nil {
		return nil, fmt.Errorf("create source: %w", err)
	}
	return &s, nil
}

// UpdateSource implements Store: a save based on an old revision is a
// conflict.
func (st *SQLiteStore) UpdateSource(ctx context.Context, id string, base int64, s Source) (*Source, error) {
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("update source %s: %w", id, err)
	}
	defer tx.Rollback()
	cur, err := scanSource(tx.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("no source with id %q", id)
	}
	if err != nil {
		return nil, fmt.Errorf("update source %s: %w", id, err)
	}
	if cur.Revision != base {
		e := errs.E(errs.Conflict, "revision", "the source was changed by someone else: your edit is based on revision %d, it is now at %d; reload it and save again", base, cur.Revision)
		e.CurrentRevision = cur.Revision
		return nil, e
	}
	t := now()
	if _, err := tx.ExecContext(ctx, `UPDATE sources SET name = ?, type = ?, enabled = ?, config = ?, revision = revision + 1, updated_at = ? WHERE id = ?`,
		s.Name, s.Type, s.Enabled, string(s.Config), t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00"), id); err != nil {
		return nil, fmt.Errorf("update source %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update source %s: commit: %w", id, err)
	}
	s.ID, s.Revision, s.CreatedAt, s.UpdatedAt, s.Health = id, cur.Revision+1, cur.CreatedAt, t, nil
	return &s, nil
}

// DeleteSource implements Store.
func (st *SQLiteStore) DeleteSource(ctx context.Context, id string) error {
	res, err := st.db.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete source %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.NotFoundf("no source with id %q", id)
	}
	return nil
}

// Setting implements Store.
func (st *SQLiteStore) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := st.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting implements Store.
func (st *SQLiteStore) SetSetting(ctx context.Context, key, value string) error {
	if _, err := st.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}
