package boards

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
)

// Limits of a playlist.
const (
	MaxPlaylistItems   = 50
	MinItemSeconds     = 5    // a board shown for less cannot be read
	MaxItemSeconds     = 3600 // an hour; longer is a board, not a playlist
	DefaultItemSeconds = 30
	MaxPlaylists       = 1000
)

// Playlist is an ordered list of boards a display rotates through.
type Playlist struct {
	ID        string    `json:"id"`
	Revision  int64     `json:"revision"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	PlaylistContent
}

// PlaylistContent is what an editor changes.
type PlaylistContent struct {
	Name  string         `json:"name"`
	Items []PlaylistItem `json:"items"`
}

// PlaylistItem is one board of a playlist, shown for Seconds.
type PlaylistItem struct {
	Board   string `json:"board"`
	Variant string `json:"variant,omitempty"` // "" lets each screen choose
	Seconds int    `json:"seconds"`
}

// Normalize fills defaults: trimmed name, empty list, default durations.
func (p *PlaylistContent) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	if p.Items == nil {
		p.Items = []PlaylistItem{}
	}
	for i := range p.Items {
		if p.Items[i].Seconds == 0 {
			p.Items[i].Seconds = DefaultItemSeconds
		}
	}
}

// Validate checks a playlist's own rules; exists says whether a board id
// names a board (not in the trash) and its variants.
func (p *PlaylistContent) Validate(variantsOf func(id string) ([]string, bool)) error {
	if err := checkText("name", p.Name, 1, MaxNameLength, false); err != nil {
		return err
	}
	if len(p.Items) == 0 {
		return errs.Invalidf("items", "a playlist needs at least one board: [{\"board\":\"ID\",\"seconds\":30}]")
	}
	if len(p.Items) > MaxPlaylistItems {
		return errs.Invalidf("items", "a playlist holds at most %d boards, this one has %d", MaxPlaylistItems, len(p.Items))
	}
	for i, it := range p.Items {
		f := fmt.Sprintf("items[%d]", i)
		if it.Seconds < MinItemSeconds || it.Seconds > MaxItemSeconds {
			return errs.Invalidf(f+".seconds", "is %d; a board is shown %d to %d seconds", it.Seconds, MinItemSeconds, MaxItemSeconds)
		}
		variants, ok := variantsOf(it.Board)
		if !ok {
			return errs.Invalidf(f+".board", "%q is not a board (or it is in the trash)", clip(it.Board))
		}
		if it.Variant != "" && !contains(variants, it.Variant) {
			return errs.Invalidf(f+".variant", "board %q has no variant %q; its variants: %s", it.Board, clip(it.Variant), strings.Join(variants, ", "))
		}
	}
	return nil
}

// PlaylistStore keeps playlists.
type PlaylistStore interface {
	FindPlaylists(ctx context.Context) ([]Playlist, error)
	FindPlaylistByID(ctx context.Context, id string) (*Playlist, error)
	CreatePlaylist(ctx context.Context, c PlaylistContent) (*Playlist, error)
	UpdatePlaylist(ctx context.Context, id string, base int64, c PlaylistContent) (*Playlist, error)
	DeletePlaylist(ctx context.Context, id string) error
}

var _ PlaylistStore = (*SQLiteStore)(nil)

func scanPlaylist(row interface{ Scan(...any) error }) (*Playlist, error) {
	var p Playlist
	var doc, created, updated string
	if err := row.Scan(&p.ID, &p.Revision, &doc, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(doc), &p.PlaylistContent); err != nil {
		return nil, fmt.Errorf("playlist %s: decode: %w", p.ID, err)
	}
	var err error
	if p.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if p.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &p, nil
}

// FindPlaylists implements PlaylistStore: newest change first.
func (s *SQLiteStore) FindPlaylists(ctx context.Context) ([]Playlist, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, revision, doc, created_at, updated_at FROM playlists ORDER BY updated_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list playlists: %w", err)
	}
	defer rows.Close()
	list := []Playlist{}
	for rows.Next() {
		p, err := scanPlaylist(rows)
		if err != nil {
			return nil, fmt.Errorf("list playlists: %w", err)
		}
		list = append(list, *p)
	}
	return list, rows.Err()
}

// FindPlaylistByID implements PlaylistStore.
func (s *SQLiteStore) FindPlaylistByID(ctx context.Context, id string) (*Playlist, error) {
	p, err := scanPlaylist(s.db.QueryRowContext(ctx, `SELECT id, revision, doc, created_at, updated_at FROM playlists WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "", "no playlist %q", clip(id))
	}
	if err != nil {
		return nil, fmt.Errorf("find playlist %s: %w", id, err)
	}
	return p, nil
}

// CreatePlaylist implements PlaylistStore.
func (s *SQLiteStore) CreatePlaylist(ctx context.Context, c PlaylistContent) (*Playlist, error) {
	doc, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("create playlist: %w", err)
	}
	now := s.now()
	p := &Playlist{ID: NewID(), Revision: 1, CreatedAt: now, UpdatedAt: now, PlaylistContent: c}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create playlist: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM playlists`).Scan(&n); err != nil {
		return nil, fmt.Errorf("create playlist: %w", err)
	}
	if n >= MaxPlaylists {
		return nil, errs.E(errs.Conflict, "", "the server already keeps %d playlists, the most it keeps; delete some first", MaxPlaylists)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO playlists (id, name, revision, doc, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?)`,
		p.ID, c.Name, string(doc), formatTime(now), formatTime(now)); err != nil {
		return nil, fmt.Errorf("create playlist: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create playlist: %w", err)
	}
	return p, nil
}

// UpdatePlaylist implements PlaylistStore: the save applies only to
// revision base; otherwise a conflict with the current revision.
func (s *SQLiteStore) UpdatePlaylist(ctx context.Context, id string, base int64, c PlaylistContent) (*Playlist, error) {
	doc, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("update playlist %s: %w", id, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("update playlist %s: %w", id, err)
	}
	defer tx.Rollback()
	p, err := scanPlaylist(tx.QueryRowContext(ctx, `SELECT id, revision, doc, created_at, updated_at FROM playlists WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "", "no playlist %q", clip(id))
	}
	if err != nil {
		return nil, fmt.Errorf("update playlist %s: %w", id, err)
	}
	if p.Revision != base {
		e := errs.E(errs.Conflict, "revision", "the playlist was changed by someone else: your edit is based on revision %d, it is now at revision %d", base, p.Revision)
		e.CurrentRevision = p.Revision
		return nil, e
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `UPDATE playlists SET name = ?, revision = ?, doc = ?, updated_at = ? WHERE id = ? AND revision = ?`,
		c.Name, base+1, string(doc), formatTime(now), id, base); err != nil {
		return nil, fmt.Errorf("update playlist %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update playlist %s: %w", id, err)
	}
	p.Revision, p.UpdatedAt, p.PlaylistContent = base+1, now, c
	return p, nil
}

// DeletePlaylist implements PlaylistStore.
func (s *SQLiteStore) DeletePlaylist(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM playlists WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete playlist %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "", "no playlist %q", clip(id))
	}
	return nil
}
