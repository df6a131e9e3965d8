// Package auth is Flexboard's access control: users with roles, password
// logins, cookie sessions with CSRF protection, the rule table that says
// which role each route needs, and the one Fiber middleware that applies it.
//
// It is the first slice of issue 9: display pairing, API tokens (beyond the
// configured ingest token), published boards and the audit log come later
// and slot into Rule (a token scope, a display grant) and Store.
package auth

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/flexboard/flexboard/internal/errs"
)

// Role is what a user may do. Each role includes the ones below it.
type Role string

// The roles, from least to most.
const (
	Viewer Role = "viewer" // reads boards, playlists, snapshots, data
	Editor Role = "editor" // also changes boards, playlists, images, snapshots; pushes data
	Admin  Role = "admin"  // also users and sources: everything
)

// Roles lists the roles from least to most.
var Roles = []Role{Viewer, Editor, Admin}

// rank orders roles; 0 is no role (anonymous).
func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Editor:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Includes reports whether a user with role r may do what min allows.
func (r Role) Includes(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

// ParseRole reads a role name (field names the input for the error).
func ParseRole(field, s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", errs.Invalidf(field, "%q is not a role: use admin, editor or viewer", s)
	}
	return r, nil
}

// Limits of users. A password's minimum protects against guessing (logins
// are also rate-limited); its maximum is bcrypt's: it ignores bytes past 72.
const (
	MinPasswordLength = 12 // characters
	MaxPasswordBytes  = 72 // bytes (UTF-8); bcrypt's limit
	MaxNameLength     = 64 // characters of a user name
	// BcryptCost is the work factor of stored hashes: about 50–100 ms per
	// check on a server core, which also slows guessing.
	BcryptCost = bcrypt.DefaultCost
)

// User is a person who logs in. Names are unique ignoring case.
type User struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	Role         Role       `json:"role"`
	PasswordHash string     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	LastLoginAt  *time.Time `json:"last_login_at"`
}

// ValidateName checks a user name: 1 to MaxNameLength characters among
// letters, digits and . _ - @.
func ValidateName(field, name string) error {
	if name == "" {
		return errs.Invalidf(field, "is required: a user name of letters, digits and . _ - @")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		return errs.Invalidf(field, "is %d characters; at most %d", n, MaxNameLength)
	}
	for _, r := range name {
		ok := r == '.' || r == '_' || r == '-' || r == '@' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return errs.Invalidf(field, "%q may use letters a-z, digits and . _ - @ only (found %q)", name, r)
		}
	}
	return nil
}

// ValidatePassword checks a new password's length.
func ValidatePassword(field, pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLength {
		return errs.Invalidf(field, "is %d characters; a password needs at least %d", n, MinPasswordLength)
	}
	if len(pw) > MaxPasswordBytes {
		return errs.Invalidf(field, "is %d bytes; at most %d (bcrypt ignores the rest): choose a shorter one", len(pw), MaxPasswordBytes)
	}
	return nil
}

// hashPassword validates pw and returns its bcrypt hash at cost.
func hashPassword(field, pw string, cost int) (string, error) {
	if err := ValidatePassword(field, pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// NewUser is the input that creates a user.
type NewUser struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// Validate checks every field.
func (n NewUser) Validate() error {
	if err := ValidateName("name", n.Name); err != nil {
		return err
	}
	if _, err := ParseRole("role", n.Role); err != nil {
		return err
	}
	return ValidatePassword("password", n.Password)
}

// UserUpdate changes some of a user's fields: those not nil.
type UserUpdate struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Password *string `json:"password"`
}

// Validate checks the fields given.
func (u UserUpdate) Validate() error {
	if u.Name == nil && u.Role == nil && u.Password == nil {
		return errs.Invalidf("", "nothing to change: give name, role or password")
	}
	if u.Name != nil {
		if err := ValidateName("name", *u.Name); err != nil {
			return err
		}
	}
	if u.Role != nil {
		if _, err := ParseRole("role", *u.Role); err != nil {
			return err
		}
	}
	if u.Password != nil {
		return ValidatePassword("password", *u.Password)
	}
	return nil
}
