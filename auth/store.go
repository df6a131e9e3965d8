package auth

import (
	"context"
	"time"
)

// Store keeps users, sessions and API tokens.
type Store interface {
	TokenStore

	// CountUsers returns how many users exist (0: the first run's setup
	// link is offered).
	CountUsers(ctx context.Context) (int, error)
	// CreateUser stores u (with its PasswordHash) and returns it with ID and
	// times set; a name taken (ignoring case) is a Conflict.
	CreateUser(ctx context.Context, u User) (*User, error)
	// CreateFirstAdmin creates u only while no user exists (Conflict
	// otherwise), in one transaction.
	CreateFirstAdmin(ctx context.Context, u User) (*User, error)
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByName ignores case.
	FindUserByName(ctx context.Context, name string) (*User, error)
	// FindUsers returns every user by name.
	FindUsers(ctx context.Context) ([]*User, error)
	// UpdateUser changes the fields set in upd (PasswordHash instead of a
	// password). Demoting the last admin is a Conflict. A new password
	// ends every session of the user.
	UpdateUser(ctx context.Context, id int64, upd StoredUpdate) (*User, error)
	// DeleteUser removes a user and its sessions; the last admin cannot go.
	DeleteUser(ctx context.Context, id int64) error
	SetLastLogin(ctx context.Context, id int64, at time.Time) error

	CreateSession(ctx context.Context, s Session) error
	// FindSession returns the session with that id hash and its user, or
	// NotFound.
	FindSession(ctx context.Context, idHash string) (*Session, *User, error)
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteUserSessions ends every session of a user ("log out
	// everywhere") and returns how many there were.
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	// DeleteExpiredSessions removes sessions idle since before idleBefore
	// or created before createdBefore.
	DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error)
}

// StoredUpdate is a UserUpdate as stored: validated, the password hashed.
type StoredUpdate struct {
	Name         *string
	Role         *Role
	PasswordHash *string
}
