package auth

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/flexboard/flexboard/internal/errs"
)

// SetupLinkValidity is how long the first run's setup link works. It works
// once; a server restarted while no user exists prints a new one.
const SetupLinkValidity = time.Hour

// Service logs users in and out and checks sessions. It holds the login
// rate limiters and the pending setup link, so one server has one Service.
type Service struct {
	store Store
	log   *slog.Logger
	now   func() time.Time

	users, ips *limiter

	cost      int // bcrypt cost of new hashes
	dummyOnce sync.Once
	dummy     []byte // compared against when a login names no user

	setupMu      sync.Mutex
	setupHash    string
	setupExpires time.Time
}

// NewService returns a Service on store. now is the clock (nil: time.Now);
// tests pass their own to expire sessions without sleeping.
func NewService(store Store, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, log: log, now: now,
		cost:  BcryptCost,
		users: newLimiter(MaxLoginFailuresUser, LoginWindow, maxLimiterKeys),
		ips:   newLimiter(MaxLoginFailuresIP, LoginWindow, maxLimiterKeys)}
}

// SetHashCost sets the bcrypt cost of passwords hashed from now on (tests
// use bcrypt.MinCost to run fast under the race detector; the server keeps
// BcryptCost). A stored hash keeps the cost it was made with.
func (s *Service) SetHashCost(cost int) { s.cost = cost }

func (s *Service) hash(field, pw string) (string, error) { return hashPassword(field, pw, s.cost) }

// checkPassword reports whether pw matches hash. With no user (hash "")
// it compares against a dummy hash of the same cost, so that an unknown
// name takes as long as a wrong password.
func (s *Service) checkPassword(hash, pw string) bool {
	if hash == "" {
		s.dummyOnce.Do(func() { s.dummy, _ = bcrypt.GenerateFromPassword([]byte("flexboard-no-such-user"), s.cost) })
		bcrypt.CompareHashAndPassword(s.dummy, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.store }

// Client describes where a request comes from, for sessions and logs.
type Client struct {
	IP        string
	UserAgent string
}

// maxUserAgent bounds what a session keeps of the User-Agent header.
const maxUserAgent = 256

// Login checks a name and password and starts a new session, returning its
// id (the cookie value). oldToken, the session cookie the request carried
// if any, is ended: a login never keeps a session id chosen before it.
func (s *Service) Login(ctx context.Context, name, password string, cl Client, oldToken string) (*User, string, error) {
	now := s.now()
	userKey := strings.ToLower(name)
	if b, until := s.ips.blocked(cl.IP, now); b {
		s.log.Warn("login refused: too many failed logins from this address", "ip", cl.IP, "user", name, "until", until.UTC().Format(time.RFC3339))
		return nil, "", tooMany(until, now, "this address")
	}
	if b, until := s.users.blocked(userKey, now); b {
		s.log.Warn("login refused: too many failed logins for this user", "ip", cl.IP, "user", name, "until", until.UTC().Format(time.RFC3339))
		return nil, "", tooMany(until, now, "this user")
	}
	u, err := s.store.FindUserByName(ctx, name)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return nil, "", err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	if !s.checkPassword(hash, password) {
		nu, ni := s.users.fail(userKey, now), s.ips.fail(cl.IP, now)
		s.log.Warn("login failed", "ip", cl.IP, "user", name, "known_user", u != nil,
			"failures_user", nu, "failures_ip", ni, "window", LoginWindow.String())
		return nil, "", errs.E(errs.Unauthorized, "", "wrong user name or password")
	}
	s.users.reset(userKey)
	if oldToken != "" {
		if err := s.store.DeleteSession(ctx, hashToken(oldToken)); err != nil {
			return nil, "", err
		}
	}
	token, err := s.startSession(ctx, u, cl)
	if err != nil {
		return nil, "", err
	}
	s.log.Info("login", "user", u.Name, "role", string(u.Role), "ip", cl.IP)
	return u, token, nil
}

// limitedError is a refused login with the wait, for Retry-After.
type limitedError struct {
	err   *errs.Error
	retry time.Duration
}

func (e *limitedError) Error() string { return e.err.Error() }
func (e *limitedError) Unwrap() error { return e.err }

func tooMany(until, now time.Time, who string) error {
	wait := until.Sub(now).Round(time.Second)
	return &limitedError{retry: wait, err: &errs.Error{Code: errs.RateLimited,
		Message: "too many failed logins from " + who + ": try again in " + wait.String()}}
}

// startSession creates a session for u and records the login time.
func (s *Service) startSession(ctx context.Context, u *User, cl Client) (string, error) {
	now := s.now()
	token := newToken()
	ua := cl.UserAgent
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	if err := s.store.CreateSession(ctx, Session{IDHash: hashToken(token), UserID: u.ID,
		CreatedAt: now, LastSeenAt: now, IP: cl.IP, UserAgent: ua}); err != nil {
		return "", err
	}
	if err := s.store.SetLastLogin(ctx, u.ID, now); err != nil {
		return "", err
	}
	t := now.UTC()
	u.LastLoginAt = &t
	// Expired sessions are pruned here, at a login, rather than by a timer.
	if _, err := s.store.DeleteExpiredSessions(ctx, now.Add(-SessionIdleTimeout), now.Add(-SessionMaxAge)); err != nil {
		s.log.Warn("prune expired sessions", "err", err)
	}
	return token, nil
}

// Authenticate returns the user and session of a session id, or nil ones
// when there is no such session or it has expired (which ends it).
func (s *Service) Authenticate(ctx context.Context, token string) (*User, *Session, error) {
	if token == "" {
		return nil, nil, nil
	}
	ss, u, err := s.store.FindSession(ctx, hashToken(token))
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	if expired, why := ss.Expired(now); expired {
		s.log.Info("session expired", "user", u.Name, "reason", why)
		return nil, nil, s.store.DeleteSession(ctx, ss.IDHash)
	}
	if now.Sub(ss.LastSeenAt) >= sessionTouchEvery {
		if err := s.store.TouchSession(ctx, ss.IDHash, now); err != nil {
			return nil, nil, err
		}
		ss.LastSeenAt = now
	}
	return u, ss, nil
}

// Logout ends the session with that id.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, hashToken(token))
}

// LogoutAll ends every session of a user.
func (s *Service) LogoutAll(ctx context.Context, userID int64) (int, error) {
	return s.store.DeleteUserSessions(ctx, userID)
}

// CreateUser validates n and stores a new user.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (*User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	role, _ := ParseRole("role", n.Role)
	hash, err := s.hash("password", n.Password)
	if err != nil {
		return nil, err
	}
	return s.store.CreateUser(ctx, User{Name: n.Name, Role: role, PasswordHash: hash})
}

// UpdateUser validates upd and applies it. A new password ends every
// session of the user.
func (s *Service) UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	su := StoredUpdate{Name: upd.Name}
	if upd.Role != nil {
		r, _ := ParseRole("role", *upd.Role)
		su.Role = &r
	}
	if upd.Password != nil {
		h, err := s.hash("password", *upd.Password)
		if err != nil {
			return nil, err
		}
		su.PasswordHash = &h
	}
	return s.store.UpdateUser(ctx, id, su)
}

// NewSetupLink returns a fresh setup token when no user exists ("" when
// one does). It replaces any earlier token and works once, for
// SetupLinkValidity.
func (s *Service) NewSetupLink(ctx context.Context) (string, time.Time, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", time.Time{}, err
	}
	token := newToken()
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	s.setupHash, s.setupExpires = hashToken(token), s.now().Add(SetupLinkValidity)
	return token, s.setupExpires, nil
}

// errSetupGone is the answer for a setup token that is wrong, used or old.
func errSetupGone() error {
	return errs.NotFoundf("this setup link is not valid: it works once and for %s; restart the server while no user exists for a new one, or run flexboard user add", SetupLinkValidity)
}

// CheckSetup reports whether token is the pending setup link.
func (s *Service) CheckSetup(token string) error {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	return s.checkSetupLocked(token)
}

func (s *Service) checkSetupLocked(token string) error {
	if s.setupHash == "" || !equalTokens(hashToken(token), s.setupHash) {
		return errSetupGone()
	}
	if !s.now().Before(s.setupExpires) {
		s.setupHash = ""
		return errSetupGone()
	}
	return nil
}

// CompleteSetup creates the first admin with the setup link token and logs
// them in. The link is spent only when the admin is created, so a refused
// password can be corrected.
func (s *Service) CompleteSetup(ctx context.Context, token, name, password string, cl Client) (*User, string, error) {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if err := s.checkSetupLocked(token); err != nil {
		return nil, "", err
	}
	if err := ValidateName("name", name); err != nil {
		return nil, "", err
	}
	hash, err := s.hash("password", password)
	if err != nil {
		return nil, "", err
	}
	u, err := s.store.CreateFirstAdmin(ctx, User{Name: name, PasswordHash: hash})
	if err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			s.setupHash = ""
		}
		return nil, "", err
	}
	s.setupHash = ""
	s.log.Info("setup: created the first admin", "user", u.Name, "ip", cl.IP)
	sess, err := s.startSession(ctx, u, cl)
	if err != nil {
		return nil, "", err
	}
	return u, sess, nil
}
