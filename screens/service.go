package screens

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/internal/errs"
)

// Pairing limits.
const (
	// PairCodeValidity is how long a code on a screen can be claimed; the
	// pairing page asks for a new one after it.
	PairCodeValidity = 10 * time.Minute
	// MaxPending bounds the codes waiting to be claimed (each costs a few
	// hundred bytes): beyond it POST /api/v1/pair is refused until some
	// expire, so an anonymous caller cannot grow memory.
	MaxPending = 200
	// codeAlphabet has no 0/O, 1/I/L: a code is read off a wall across a room.
	codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	// codeLength is 6 characters: 31^6 ≈ 887 million codes, of which at
	// most MaxPending are live, and only signed-in editors may claim them.
	codeLength = 6
	// seenEvery is how often a connected screen's last-seen time is written.
	seenEvery = time.Minute
	// IdentifySeconds is how long "identify" flashes a screen's name.
	IdentifySeconds = 10
)

// Checker says whether a target can be shown: its board, variant or
// playlist exists. The boards live elsewhere, so cmd supplies it.
type Checker func(ctx context.Context, t Target) error

// Service pairs screens, authenticates their tokens and steers the
// connected ones. One server has one Service: it holds the codes waiting
// to be claimed and the control channels.
type Service struct {
	store Store
	check Checker
	log   *slog.Logger
	now   func() time.Time

	// Revoked, if set, is told the id of a screen whose token was just
	// revoked (or forgotten), so that its open data streams end too.
	Revoked func(id int64)

	// running counts control channels until their last write is done,
	// so that Shutdown can wait for them before the database closes.
	running sync.WaitGroup

	mu      sync.Mutex
	pending map[string]*pairing // by code, without the dash
	secrets map[string]*pairing // by hash of the secret the screen polls with
	conns   map[int64]map[*conn]struct{}
}

// pairing is a code on a screen, waiting for an editor.
type pairing struct {
	code       string
	secretHash string
	expires    time.Time
	// Filled in when an editor claims the code: the screen's next poll
	// gets the token.
	screen *Screen
	token  string
}

// NewService returns a Service on store; check vets targets (nil: any);
// now is the clock (nil: time.Now).
func NewService(store Store, check Checker, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if check == nil {
		check = func(context.Context, Target) error { return nil }
	}
	return &Service{store: store, check: check, log: log, now: now,
		pending: map[string]*pairing{}, secrets: map[string]*pairing{}, conns: map[int64]map[*conn]struct{}{}}
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.store }

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what the database keeps of a display token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func newCode() string {
	b := make([]byte, codeLength)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)] // 256 % 31 bias: negligible here
	}
	return string(b)
}

// FormatCode shows a code as the screen does: "K7Q-4PX".
func FormatCode(code string) string { return code[:3] + "-" + code[3:] }

// normalizeCode accepts what a person types: any case, dashes, spaces.
func normalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// prune drops expired codes; s.mu is held. A claimed code has left
// pending (it no longer counts against MaxPending) but its secret still
// answers the screen's polls until it expires.
func (s *Service) prune(now time.Time) {
	for hash, p := range s.secrets {
		if now.After(p.expires) {
			delete(s.secrets, hash)
			if s.pending[p.code] == p {
				delete(s.pending, p.code)
			}
		}
	}
}

// Pending is a code shown by a screen waiting to pair.
type Pending struct {
	Code      string    `json:"code"`
	Secret    string    `json:"secret,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// StartPairing makes a new code for a screen; the secret is what the
// screen polls PairStatus with.
func (s *Service) StartPairing() (*Pending, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.prune(now)
	if len(s.pending) >= MaxPending {
		return nil, errs.E(errs.RateLimited, "", "%d screens are waiting to pair, the most at once: try again in a few minutes", MaxPending)
	}
	code := newCode()
	for s.pending[code] != nil {
		code = newCode()
	}
	secret := randomString(32)
	p := &pairing{code: code, secretHash: HashToken(secret), expires: now.Add(PairCodeValidity)}
	s.pending[code] = p
	s.secrets[p.secretHash] = p
	return &Pending{Code: FormatCode(code), Secret: secret, ExpiresAt: p.expires.UTC()}, nil
}

// PairStatus is what a waiting screen learns when it polls: still waiting
// (token "") or paired, with its token and screen.
func (s *Service) PairStatus(secret string) (code, token string, screen *Screen, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(s.now())
	p := s.secrets[HashToken(secret)]
	if p == nil {
		return "", "", nil, errs.NotFoundf("this pairing code has expired (codes last %d minutes) or the server restarted: ask for a new one with POST /api/v1/pair", int(PairCodeValidity.Minutes()))
	}
	return FormatCode(p.code), p.token, p.screen, nil
}

// Pair claims the code a screen shows: the screen gets a display token on
// its next poll, and shows n.Target.
func (s *Service) Pair(ctx context.Context, n NewScreen, by string) (*Screen, error) {
	code := normalizeCode(n.Code)
	if code == "" {
		return nil, errs.Invalidf("code", "is required: the code the screen shows on /pair")
	}
	name, err := cleanName("name", n.Name, true)
	if err != nil {
		return nil, err
	}
	group, err := cleanName("group", n.Group, false)
	if err != nil {
		return nil, err
	}
	if err := n.Target.Validate("target"); err != nil {
		return nil, err
	}
	if err := s.check(ctx, n.Target); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(s.now())
	p := s.pending[code]
	if p == nil || p.token != "" {
		return nil, errs.E(errs.NotFound, "code", "no screen is waiting with code %q: check the code on the screen (codes last %d minutes, then the screen shows a new one)", n.Code, int(PairCodeValidity.Minutes()))
	}
	token := auth.DisplayTokenPrefix + randomString(32)
	sc, err := s.store.CreateScreen(ctx, Screen{Name: name, Group: group, TokenHash: HashToken(token), Target: n.Target,
		CreatedBy: by, CreatedAt: s.now().UTC()})
	if err != nil {
		return nil, err
	}
	p.token, p.screen = token, sc
	delete(s.pending, code)
	s.log.Info("screen paired", "screen", sc.ID, "name", sc.Name, "shows", n.Target.URL(), "by", by)
	return sc, nil
}

// Authenticate returns the screen a display token belongs to: (nil, nil)
// for an unknown token, an Unauthorized error for a revoked one.
func (s *Service) Authenticate(ctx context.Context, token string) (*Screen, error) {
	if !strings.HasPrefix(token, auth.DisplayTokenPrefix) {
		return nil, nil
	}
	sc, err := s.store.FindScreenByTokenHash(ctx, HashToken(token))
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if sc.RevokedAt != nil {
		return nil, errs.E(errs.Unauthorized, "token", "revoked — pair again: the screen %q was revoked at %s", sc.Name, sc.RevokedAt.UTC().Format(time.RFC3339))
	}
	return sc, nil
}

// Update renames, regroups or reassigns a screen and tells it.
func (s *Service) Update(ctx context.Context, id int64, u ScreenUpdate) (*Screen, error) {
	sc, err := s.store.FindScreenByID(ctx, id)
	if err != nil {
		return nil, err
	}
	name, group, target := sc.Name, sc.Group, sc.Target
	if u.Name != nil {
		if name, err = cleanName("name", *u.Name, true); err != nil {
			return nil, err
		}
	}
	if u.Group != nil {
		if group, err = cleanName("group", *u.Group, false); err != nil {
			return nil, err
		}
	}
	if u.Target != nil {
		if err := u.Target.Validate("target"); err != nil {
			return nil, err
		}
		if err := s.check(ctx, *u.Target); err != nil {
			return nil, err
		}
		target = *u.Target
	}
	// A screen reassigned by hand is no longer switched: restore leaves it.
	out, err := s.store.UpdateScreen(ctx, id, name, group, target, u.Target != nil, nil)
	if err != nil {
		return nil, err
	}
	if out.RevokedAt == nil && (out.Target != sc.Target || out.Name != sc.Name) {
		s.send(id, assign(out))
	}
	return out, nil
}

// assign is the control message that tells a screen what to show.
func assign(sc *Screen) Message {
	t := sc.Target
	return Message{Type: MsgAssign, Name: sc.Name, URL: t.URL(), Target: &t}
}

// selected reports whether sc is one of the screens a switch or restore
// names: a group's, or all live ones.
func selected(sc *Screen, group string) bool {
	return sc.RevokedAt == nil && (group == "" || strings.EqualFold(sc.Group, group))
}

// SwitchAll puts t on every screen (of a group), keeping what each showed
// so that RestoreAll can put it back. A screen already switched keeps its
// first saved target: switching twice and restoring goes back to before
// the incident, not to the first switch. It returns the screens switched.
func (s *Service) SwitchAll(ctx context.Context, sw Switch) ([]*Screen, error) {
	if err := sw.Target.Validate("target"); err != nil {
		return nil, err
	}
	if sw.Target.Kind != KindBoard && sw.Target.Kind != KindPlaylist {
		return nil, errs.Invalidf("target.kind", "must be board or playlist: what every screen shows for the incident")
	}
	if err := s.check(ctx, sw.Target); err != nil {
		return nil, err
	}
	all, err := s.store.FindScreens(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Screen
	for _, sc := range all {
		if !selected(sc, sw.Group) {
			continue
		}
		from := sc.SwitchedFrom
		if from == nil {
			t := sc.Target
			from = &t
		}
		upd, err := s.store.UpdateScreen(ctx, sc.ID, sc.Name, sc.Group, sw.Target, true, from)
		if err != nil {
			return out, err
		}
		s.send(upd.ID, assign(upd))
		out = append(out, upd)
	}
	return out, nil
}

// RestoreAll puts back what each switched screen (of a group) showed.
func (s *Service) RestoreAll(ctx context.Context, group string) ([]*Screen, error) {
	all, err := s.store.FindScreens(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Screen
	for _, sc := range all {
		if !selected(sc, group) || sc.SwitchedFrom == nil {
			continue
		}
		upd, err := s.store.UpdateScreen(ctx, sc.ID, sc.Name, sc.Group, *sc.SwitchedFrom, true, nil)
		if err != nil {
			return out, err
		}
		s.send(upd.ID, assign(upd))
		out = append(out, upd)
	}
	return out, nil
}

// Revoke ends a screen's token at once: its control channel is told
// "revoked" and closed, and every later request with the token is refused.
func (s *Service) Revoke(ctx context.Context, id int64) (*Screen, error) {
	sc, err := s.store.RevokeScreen(ctx, id, s.now())
	if err != nil {
		return nil, err
	}
	s.send(id, Message{Type: MsgRevoked, Name: sc.Name})
	s.closeAll(id)
	if s.Revoked != nil {
		s.Revoked(id)
	}
	s.log.Info("screen revoked", "screen", id, "name", sc.Name)
	return sc, nil
}

// Forget revokes a screen and deletes it from the list.
func (s *Service) Forget(ctx context.Context, id int64) error {
	if err := s.store.DeleteScreen(ctx, id); err != nil {
		return err
	}
	s.send(id, Message{Type: MsgRevoked})
	s.closeAll(id)
	if s.Revoked != nil {
		s.Revoked(id)
	}
	return nil
}

// Command sends reload or identify to a connected screen; Conflict when it
// is offline (nothing would happen, and the console says so).
func (s *Service) Command(ctx context.Context, id int64, typ string) (*Screen, error) {
	sc, err := s.store.FindScreenByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sc.RevokedAt != nil {
		return nil, errs.E(errs.Conflict, "", "screen %q is revoked: pair it again first", sc.Name)
	}
	m := Message{Type: typ, Name: sc.Name}
	if typ == MsgIdentify {
		m.Seconds = IdentifySeconds
	}
	if s.send(id, m) == 0 {
		return nil, errs.E(errs.Conflict, "", "screen %q is offline: it gets nothing until it connects again", sc.Name)
	}
	return sc, nil
}

// Online reports whether a screen's control channel is connected.
func (s *Service) Online(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns[id]) > 0
}

// The control messages the server sends a screen (docs/protocol.md).
const (
	MsgAssign   = "assign"   // show URL (Target) now
	MsgReload   = "reload"   // reload the page
	MsgIdentify = "identify" // flash Name for Seconds
	MsgRevoked  = "revoked"  // the token is revoked: go back to /pair
)

// Message is one control message, sent as JSON text.
type Message struct {
	Type    string  `json:"type"`
	Name    string  `json:"name,omitempty"`
	URL     string  `json:"url,omitempty"`
	Target  *Target `json:"target,omitempty"`
	Seconds int     `json:"seconds,omitempty"`
}

// send queues m on every control channel of screen id and returns how many
// took it. A channel whose queue is full is closed (its screen reconnects
// and gets the current assignment): send never blocks.
func (s *Service) send(id int64, m Message) int {
	b, _ := json.Marshal(m) // plain fields: cannot fail
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns[id] {
		select {
		case c.out <- b:
			n++
		default:
			c.stop()
		}
	}
	return n
}

func (s *Service) closeAll(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns[id] {
		c.stopAfterQueue()
	}
}

func (s *Service) add(id int64, c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[id] == nil {
		s.conns[id] = map[*conn]struct{}{}
	}
	s.conns[id][c] = struct{}{}
}

func (s *Service) remove(id int64, c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns[id], c)
	if len(s.conns[id]) == 0 {
		delete(s.conns, id)
	}
}

// Shutdown closes every control channel with GoingAway (Fiber's Shutdown
// does not close hijacked connections) and waits, up to wait, for their
// last writes, which must happen before the database closes.
func (s *Service) Shutdown(wait time.Duration) {
	s.mu.Lock()
	for _, cs := range s.conns {
		for c := range cs {
			c.stop()
		}
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(wait):
	}
}
