package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Store keeps the log.
type Store interface {
	// CreateEntries inserts entries (validated, clipped) in one transaction.
	CreateEntries(ctx context.Context, es []Entry) error
	// FindEntries returns the entries f selects, newest first.
	FindEntries(ctx context.Context, f Filter) ([]Entry, error)
	// Prune deletes entries older than before and all but the newest keep,
	// and returns how many went.
	Prune(ctx context.Context, before time.Time, keep int) (int64, error)
}

var _ Store = (*SQLiteStore)(nil)

// SQLiteStore keeps the log in SQLite (migration 0009).
type SQLiteStore struct {
	db *sql.DB
}

// NewSQLiteStore returns a store on an open, migrated database.
func NewSQLiteStore(db *sql.DB) *SQLiteStore { return &SQLiteStore{db: db} }

// timeFormat is fixed-width so stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// CreateEntries implements Store. Invalid entries are refused before any
// is written.
func (s *SQLiteStore) CreateEntries(ctx context.Context, es []Entry) error {
	if len(es) == 0 {
		return nil
	}
	for i := range es {
		es[i].Clip()
		if err := es[i].Validate(); err != nil {
			return fmt.Errorf("audit entry %s: %w", es[i].Action, err)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write audit entries: %w", err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO audit_log
		(at, actor, actor_kind, ip, action, route, target_type, target_id, summary, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("write audit entries: %w", err)
	}
	defer st.Close()
	for i := range es {
		e := &es[i]
		res, err := st.ExecContext(ctx, e.At.Format(timeFormat), e.Actor, string(e.ActorKind), e.IP, e.Action, e.Route,
			e.TargetType, e.TargetID, e.Summary, e.Status)
		if err != nil {
			return fmt.Errorf("write audit entry %s: %w", e.Action, err)
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("write audit entry %s: %w", e.Action, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write audit entries: %w", err)
	}
	return nil
}

// FindEntries implements Store. f is validated by the caller (ParseFilter);
// a Limit under 1 means DefaultLimit.
func (s *SQLiteStore) FindEntries(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit < 1 {
		f.Limit = DefaultLimit
	}
	var where []string
	var args []any
	if f.Actor != "" {
		where, args = append(where, "actor = ? COLLATE NOCASE"), append(args, f.Actor)
	}
	if f.Action != "" {
		if strings.Contains(f.Action, ".") {
			where, args = append(where, "action = ?"), append(args, f.Action)
		} else {
			// A target type: every action on it. Ranges use the index.
			where, args = append(where, "action >= ? AND action < ?"), append(args, f.Action+".", f.Action+"/")
		}
	}
	if f.TargetType != "" {
		where, args = append(where, "target_type = ?"), append(args, f.TargetType)
		if f.TargetID != "" {
			where, args = append(where, "target_id = ?"), append(args, f.TargetID)
		}
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	q := `SELECT id, at, actor, actor_kind, ip, action, route, target_type, target_id, summary, status FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find audit entries: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var at, kind string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &kind, &e.IP, &e.Action, &e.Route, &e.TargetType, &e.TargetID, &e.Summary, &e.Status); err != nil {
			return nil, fmt.Errorf("find audit entries: %w", err)
		}
		e.ActorKind = ActorKind(kind)
		if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("find audit entries: entry %d: time %q: %w", e.ID, at, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find audit entries: %w", err)
	}
	return out, nil
}

// Prune implements Store.
func (s *SQLiteStore) Prune(ctx context.Context, before time.Time, keep int) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE at < ?
		OR id <= (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?)`,
		before.UTC().Format(timeFormat), keep)
	if err != nil {
		return 0, fmt.Errorf("prune the audit log: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune the audit log: %w", err)
	}
	return n, nil
}
