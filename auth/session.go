package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session lifetimes. A session ends after SessionIdleTimeout without a
// request, or SessionMaxAge after the login whatever its use (then the user
// logs in again). The last-seen time is written at most every
// sessionTouchEvery, so a display polling every second does not write to
// the database every second.
const (
	SessionIdleTimeout = 7 * 24 * time.Hour
	SessionMaxAge      = 30 * 24 * time.Hour
	sessionTouchEvery  = time.Minute
)

// Cookie and header names.
const (
	CookieName = "flexboard_session"
	// CSRFHeader carries the session's CSRF token on every state-changing
	// request authenticated by the cookie. The token is in the login
	// answer and in GET /api/v1/auth/me.
	CSRFHeader = "X-CSRF-Token"
)

// tokenBytes is the entropy of session ids and setup links: 256 bits.
const tokenBytes = 32

// Session is one login. Only the hash of its id is stored: the id itself is
// in the browser's cookie and nowhere else, so a copy of the database
// cannot be used to log in.
type Session struct {
	IDHash     string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// Expired reports whether s has ended at now, and why.
func (s *Session) Expired(now time.Time) (bool, string) {
	if now.Sub(s.CreatedAt) >= SessionMaxAge {
		return true, "absolute"
	}
	if now.Sub(s.LastSeenAt) >= SessionIdleTimeout {
		return true, "idle"
	}
	return false, ""
}

// ExpiresAt is when s ends if it is used again before going idle.
func (s *Session) ExpiresAt() time.Time { return s.CreatedAt.Add(SessionMaxAge) }

// newToken returns tokenBytes of randomness, base64url without padding.
func newToken() string {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps of a session id or setup token.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// csrfToken is derived from the session id, so it needs no storage and is
// only known to whoever holds the session: a page on another site can send
// the cookie (where SameSite lets it) but can neither read it nor this.
func csrfToken(sessionToken string) string {
	h := sha256.Sum256([]byte("flexboard-csrf\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

func equalTokens(a, b string) bool {
	return len(a) > 0 && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
