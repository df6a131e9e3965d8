package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
)

var _ Store = (*SQLiteStore)(nil)

// SQLiteStore keeps users and sessions in SQLite (migration 0007).
type SQLiteStore struct {
	db *sql.DB
}

// NewSQLiteStore returns a store on an open, migrated database.
func NewSQLiteStore(db *sql.DB) *SQLiteStore { return &SQLiteStore{db: db} }

// timeFormat is fixed-width so stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

const userColumns = `id, name, role, password_hash, created_at, updated_at, last_login_at`

type scanner interface{ Scan(...any) error }

func scanUser(row scanner) (*User, error) {
	var (
		u                User
		created, updated string
		last             sql.NullString
	)
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &created, &updated, &last); err != nil {
		return nil, err
	}
	var err error
	if u.CreatedAt, err = time.Parse(time.RFC3339Nano, created); err != nil {
		return nil, err
	}
	if u.UpdatedAt, err = time.Parse(time.RFC3339Nano, updated); err != nil {
		return nil, err
	}
	if last.Valid {
		t, err := time.Parse(time.RFC3339Nano, last.String)
		if err != nil {
			return nil, err
		}
		u.LastLoginAt = &t
	}
	return &u, nil
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func nameTaken(name string) error {
	return errs.E(errs.Conflict, "name", "a user named %q already exists (names ignore case)", name)
}

func userNotFound(id int64) error { return errs.NotFoundf("no user with id %d", id) }

// CountUsers implements Store.
func (s *SQLiteStore) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// CreateUser implements Store.
func (s *SQLiteStore) CreateUser(ctx context.Context, u User) (*User, error) {
	return s.createUser(ctx, u, false)
}

// CreateFirstAdmin implements Store.
func (s *SQLiteStore) CreateFirstAdmin(ctx context.Context, u User) (*User, error) {
	u.Role = Admin
	return s.createUser(ctx, u, true)
}

func (s *SQLiteStore) createUser(ctx context.Context, u User, onlyFirst bool) (*User, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	defer tx.Rollback()
	if onlyFirst {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
			return nil, fmt.Errorf("create first admin: %w", err)
		}
		if n > 0 {
			return nil, errs.E(errs.Conflict, "", "a user already exists: the setup link only creates the first admin; log in instead")
		}
	}
	now := formatTime(time.Now())
	res, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		u.Name, string(u.Role), u.PasswordHash, now, now)
	if isUnique(err) {
		return nil, nameTaken(u.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("create user %s: %w", u.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("create user %s: %w", u.Name, err)
	}
	out, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("create user %s: %w", u.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create user %s: %w", u.Name, err)
	}
	return out, nil
}

// FindUserByID implements Store.
func (s *SQLiteStore) FindUserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, userNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// FindUserByName implements Store.
func (s *SQLiteStore) FindUserByName(ctx context.Context, name string) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("no user named %q", name)
	}
	if err != nil {
		return nil, fmt.Errorf("find user %q: %w", name, err)
	}
	return u, nil
}

// FindUsers implements Store.
func (s *SQLiteStore) FindUsers(ctx context.Context) ([]*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []*User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// lastAdmin refuses a change that would leave no admin: without one nobody
// can manage users from the web (the command line still can).
func lastAdmin(ctx context.Context, tx *sql.Tx, id int64, what string) error {
	var role string
	err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, id).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return userNotFound(id)
	}
	if err != nil {
		return err
	}
	if Role(role) != Admin {
		return nil
	}
	var admins int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin'`).Scan(&admins); err != nil {
		return err
	}
	if admins <= 1 {
		return errs.E(errs.Conflict, "", "user %d is the last admin: %s would leave nobody to manage users; make another admin first", id, what)
	}
	return nil
}

// UpdateUser implements Store.
func (s *SQLiteStore) UpdateUser(ctx context.Context, id int64, upd StoredUpdate) (*User, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	defer tx.Rollback()
	if upd.Role != nil && *upd.Role != Admin {
		if err := lastAdmin(ctx, tx, id, "making them "+string(*upd.Role)); err != nil {
			return nil, err
		}
	}
	now := formatTime(time.Now())
	res, err := tx.ExecContext(ctx, `UPDATE users SET
		name = coalesce(?, name), role = coalesce(?, role), password_hash = coalesce(?, password_hash), updated_at = ?
		WHERE id = ?`, upd.Name, (*string)(upd.Role), upd.PasswordHash, now, id)
	if isUnique(err) {
		return nil, nameTaken(*upd.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, userNotFound(id)
	}
	if upd.PasswordHash != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return nil, fmt.Errorf("update user %d: end sessions: %w", id, err)
		}
	}
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	return u, nil
}

// DeleteUser implements Store.
func (s *SQLiteStore) DeleteUser(ctx context.Context, id int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	defer tx.Rollback()
	if err := lastAdmin(ctx, tx, id, "deleting them"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	return tx.Commit()
}

// SetLastLogin implements Store.
func (s *SQLiteStore) SetLastLogin(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, formatTime(at), id); err != nil {
		return fmt.Errorf("record login of user %d: %w", id, err)
	}
	return nil
}

// CreateSession implements Store.
func (s *SQLiteStore) CreateSession(ctx context.Context, ss Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_ms, last_seen_ms, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)`,
		ss.IDHash, ss.UserID, ss.CreatedAt.UnixMilli(), ss.LastSeenAt.UnixMilli(), ss.IP, ss.UserAgent)
	if err != nil {
		return fmt.Errorf("create session for user %d: %w", ss.UserID, err)
	}
	return nil
}

// FindSession implements Store.
func (s *SQLiteStore) FindSession(ctx context.Context, idHash string) (*Session, *User, error) {
	var (
		ss                Session
		created, lastSeen int64
	)
	row := s.db.QueryRowContext(ctx, `SELECT s.id_hash, s.user_id, s.created_ms, s.last_seen_ms, s.ip, s.user_agent,
		u.id, u.name, u.role, u.password_hash, u.created_at, u.updated_at, u.last_login_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, idHash)
	var (
		u      User
		uc, uu string
		last   sql.NullString
	)
	err := row.Scan(&ss.IDHash, &ss.UserID, &created, &lastSeen, &ss.IP, &ss.UserAgent,
		&u.ID, &u.Name, &u.Role, &u.PasswordHash, &uc, &uu, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.E(errs.NotFound, "", "no such session")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find session: %w", err)
	}
	ss.CreatedAt, ss.LastSeenAt = time.UnixMilli(created), time.UnixMilli(lastSeen)
	u.CreatedAt, _ = time.Parse(time.RFC3339Nano, uc)
	u.UpdatedAt, _ = time.Parse(time.RFC3339Nano, uu)
	if last.Valid {
		if t, err := time.Parse(time.RFC3339Nano, last.String); err == nil {
			u.LastLoginAt = &t
		}
	}
	return &ss, &u, nil
}

// TouchSession implements Store.
func (s *SQLiteStore) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_ms = ? WHERE id_hash = ?`, at.UnixMilli(), idHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession implements Store.
func (s *SQLiteStore) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions implements Store.
func (s *SQLiteStore) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteExpiredSessions implements Store.
func (s *SQLiteStore) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?`,
		idleBefore.UnixMilli(), createdBefore.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
