// Package client is the Go client of a Flexboard server. Subscribe follows
// one board's display stream the way a wall display does (docs/protocol.md):
// it answers pings, resumes where it left off and reconnects by itself.
// Pusher and Poster send data to the ingest endpoints.
//
// The package does not import the server's packages, so a program that only
// talks to a server does not link Fiber or SQLite.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Close codes a server sends (docs/protocol.md, "Closing codes").
const (
	CloseGoingAway = 1001 // the server is shutting down: reconnect after reconnect_ms
	CloseIdle      = 4000 // the server heard nothing from us for its pong timeout
	CloseTooSlow   = 4008 // we did not take a frame within the server's write timeout
	CloseBoardGone = 4404 // the board was deleted: the subscription stops
)

// DefaultReadLimit is the largest message a subscription accepts unless
// Options.ReadLimit says otherwise: a snapshot of a large board with time
// series is big.
const DefaultReadLimit = 16 << 20

// ErrBoardDeleted is what Err returns (via errors.Is) when the server
// closed the stream because the board was deleted.
var ErrBoardDeleted = errors.New("board deleted")

// CloseError is a close frame the server sent.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("closed by the server with code %d", e.Code)
	}
	return fmt.Sprintf("closed by the server with code %d: %s", e.Code, e.Reason)
}

// Is makes a 4404 close match ErrBoardDeleted.
func (e *CloseError) Is(target error) bool {
	return target == ErrBoardDeleted && e.Code == CloseBoardGone
}

// HTTPError is an error answer of the server: a refused websocket upgrade or
// a failed ingest request. Code, Message and Field come from the API's
// {"error":{...}} body when it has one.
type HTTPError struct {
	Status     int
	Code       string
	Message    string
	Field      string
	RetryAfter time.Duration // from Retry-After, for 429 and 503 answers
}

func (e *HTTPError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, msg)
}

// httpError builds an *HTTPError from an answer whose body holds at most a
// few KB; the JSON error object is used when there is one.
func httpError(res *http.Response, body []byte) *HTTPError {
	e := &HTTPError{Status: res.StatusCode}
	var eb struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Error != nil {
		e.Code, e.Message, e.Field = eb.Error.Code, eb.Error.Message, eb.Error.Field
	} else if s := strings.TrimSpace(string(body)); s != "" && len(s) < 512 {
		e.Message = s
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// State is where a subscription stands.
type State int

// The states of a subscription.
const (
	Connecting   State = iota // dialing for the first time
	Live                      // connected: the server's hello arrived
	Reconnecting              // the connection ended; waiting to dial again
	Stopped                   // Close was called, the context ended or the board is gone
)

func (s State) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Live:
		return "live"
	case Reconnecting:
		return "reconnecting"
	case Stopped:
		return "stopped"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// StateChange is one transition of a subscription.
type StateChange struct {
	State State
	// Err says why the connection ended (Reconnecting) or the subscription
	// stopped (Stopped; nil after Close).
	Err error
	// RetryIn is how long a Reconnecting subscription waits before dialing.
	RetryIn time.Duration
	// Attempt counts the dials since the last healthy connection.
	Attempt int
	At      time.Time
}

// Frame is one message of the stream, decoded. Which fields are set depends
// on Type: "hello", "board", "snapshot", "update" or "shutdown". Pings are
// answered by the subscription and not passed on.
type Frame struct {
	Type string

	// hello
	Protocol   int
	ServerTime int64 // unix ms of the server's clock
	BoardID    string
	Variant    string
	RefreshMS  int64
	Revision   int64 // hello and board

	// board: the board document as GET /api/v1/boards/{id} returns it.
	Layout json.RawMessage

	// snapshot and update (hello carries the server's latest epoch and seq).
	Epoch    string
	Seq      uint64
	TS       int64 // unix ms when the frame was computed
	IngestTS int64 // unix ms when the newest data in it reached the server; 0: no data
	// Widgets maps widget ids to {"state":...,"data":...}: every widget in a
	// snapshot, the changed ones in an update. Nil with Options.HeaderOnly.
	Widgets map[string]json.RawMessage

	// shutdown
	ReconnectMS int64

	// Size is the message's length in bytes (summed when coalesced).
	Size int
	// Coalesced counts the frames merged into this one while the consumer
	// was not reading (see Subscription.Frames).
	Coalesced int
	// ReceivedAt is when the (last merged) message was read off the network.
	ReceivedAt time.Time
}

// Options configure Subscribe.
type Options struct {
	URL     string      // the server's base URL: http://host:port (https for TLS)
	Board   string      // board id (required)
	Variant string      // variant name; "" means the board's first
	Header  http.Header // sent with every upgrade request (Origin, Authorization, ...)
	// HTTPClient dials the upgrade requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// MinBackoff and MaxBackoff bound the reconnect delay (defaults 1 s and
	// 30 s). The delay doubles after each failed attempt, is drawn at
	// random from its upper half so that many displays do not come back in
	// step, and starts over after a healthy connection.
	MinBackoff, MaxBackoff time.Duration
	// DialTimeout bounds one connection attempt (default 10 s).
	DialTimeout time.Duration
	// IdleTimeout: a connection on which nothing arrives for this long is
	// taken for dead and replaced (default 45 s; the server sends at least a
	// frame per refresh interval and a ping every 10 s).
	IdleTimeout time.Duration
	// ReadLimit is the largest message accepted (default DefaultReadLimit).
	ReadLimit int64
	// Buffer is how many frames wait for a slow consumer of Frames (default
	// 16); see Frames for what happens beyond.
	Buffer int
	// OnFrame, when set, receives every frame on the network goroutine
	// instead of Frames (which is then nil). It must return quickly. Load
	// tools use it to avoid a goroutine and a copy per display.
	OnFrame func(Frame)
	// OnState, when set, is called with every state change (on the
	// subscription's goroutine; it must return quickly).
	OnState func(StateChange)
	// HeaderOnly decodes only the fields before "widgets" (type, epoch,
	// seq, ts, ingest_ts: the server writes widgets last) and leaves
	// Widgets nil, so reading a frame does not cost a full JSON parse.
	HeaderOnly bool
}

// Subscription follows one board variant's stream until Close.
type Subscription struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	frames chan Frame
	states chan StateChange
	wake   chan struct{} // one slot: pending has frames
	done   chan struct{} // the connection loop returned
	pumped chan struct{} // Frames is closed

	mu       sync.Mutex
	state    StateChange
	pending  []Frame
	dropped  int64
	finished bool
	err      error
	epoch    string // last frame applied: where to resume
	seq      uint64
	offsets  [8]int64 // server clock − local clock (ms), latest samples
	nOffsets int

	closed atomic.Bool // Close was called
}

// Subscribe starts following opts.Board and returns at once; the
// subscription connects, and reconnects, by itself until Close or until
// ctx ends. The error is only for options that cannot work.
func Subscribe(ctx context.Context, opts Options) (*Subscription, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("subscribe: URL %q must be the server's base URL, such as http://127.0.0.1:8080", opts.URL)
	}
	if opts.Board == "" {
		return nil, errors.New("subscribe: Board is required")
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 10 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 45 * time.Second
	}
	if opts.ReadLimit <= 0 {
		opts.ReadLimit = DefaultReadLimit
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 16
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	s := &Subscription{opts: opts, states: make(chan StateChange, 16), wake: make(chan struct{}, 1),
		done: make(chan struct{}), pumped: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.state = StateChange{State: Connecting, At: time.Now()}
	if opts.OnFrame == nil {
		// Unbuffered: frames wait in pending, where they can be coalesced.
		s.frames = make(chan Frame)
		go s.pump()
	} else {
		close(s.pumped)
	}
	go s.run()
	return s, nil
}

// Frames delivers the stream's messages in order. It is closed when the
// subscription stops. The network side never waits for the consumer:
// while the consumer is not reading, an update is merged into the data
// frame waiting before it (the widgets of both, the later seq and ts — the
// same coalescing the server does for a display that falls behind, so the
// consumer still ends with every widget's current data), a snapshot
// replaces the data frames waiting before it, and when Options.Buffer
// frames wait (hello and board messages of many reconnects) the oldest is
// dropped (counted by Dropped). Nil when Options.OnFrame is set.
func (s *Subscription) Frames() <-chan Frame { return s.frames }

// States delivers state changes; when 16 are unread the oldest is dropped
// (State always has the current one). It is closed after Stopped.
func (s *Subscription) States() <-chan StateChange { return s.states }

// State returns the current state.
func (s *Subscription) State() StateChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Done is closed when the subscription has stopped.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err says why the subscription stopped: nil after Close, the context's
// error, a *CloseError matching ErrBoardDeleted, or an *HTTPError for an
// upgrade the server refused for good (400, 403, 404).
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Position returns the epoch and seq of the last snapshot or update read
// off the network: where a reconnect resumes.
func (s *Subscription) Position() (epoch string, seq uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch, s.seq
}

// Dropped counts frames dropped because too many waited for the consumer.
func (s *Subscription) Dropped() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// ClockOffset estimates the server's clock minus the local clock, from the
// server times in hello and ping messages: server time ≈ local time +
// offset. Each sample is late by the message's transit, so the largest of
// the last eight is used.
func (s *Subscription) ClockOffset() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nOffsets == 0 {
		return 0
	}
	best := s.offsets[0]
	for _, o := range s.offsets[1:min(s.nOffsets, len(s.offsets))] {
		best = max(best, o)
	}
	return time.Duration(best) * time.Millisecond
}

// Close stops the subscription and waits for its goroutines. Frames is
// closed; frames not yet taken are dropped.
func (s *Subscription) Close() error {
	s.closed.Store(true)
	s.cancel()
	<-s.done
	<-s.pumped
	return nil
}

func (s *Subscription) setState(c StateChange) {
	c.At = time.Now()
	s.mu.Lock()
	s.state = c
	s.mu.Unlock()
	// Only this goroutine sends, so dropping the oldest cannot race with
	// another sender.
	select {
	case s.states <- c:
	default:
		select {
		case <-s.states:
		default:
		}
		s.states <- c
	}
	if s.opts.OnState != nil {
		s.opts.OnState(c)
	}
}

// run connects until the subscription stops.
func (s *Subscription) run() {
	defer close(s.done)
	attempt := 0
	for {
		s.setState(StateChange{State: Connecting, Attempt: attempt})
		start := time.Now()
		live, retry, err := s.connect()
		if s.ctx.Err() != nil {
			s.stop(nil)
			return
		}
		if permanent(err) {
			s.stop(err)
			return
		}
		var ce *CloseError
		goingAway := errors.As(err, &ce) && ce.Code == CloseGoingAway
		// Healthy: a connection that held, or one the server ended on
		// purpose to restart. Only unhealthy ones grow the delay.
		if live && (goingAway || retry > 0 || time.Since(start) >= 10*time.Second) {
			attempt = 0
		}
		delay := retry
		if delay > 0 {
			delay += rand.N(delay/2 + 1) // shutdown: reconnect_ms, with jitter
		} else {
			delay = backoff(attempt, s.opts.MinBackoff, s.opts.MaxBackoff)
			var he *HTTPError
			if errors.As(err, &he) && he.RetryAfter > delay {
				delay = he.RetryAfter
			}
		}
		attempt++
		s.setState(StateChange{State: Reconnecting, Err: err, RetryIn: delay, Attempt: attempt})
		t := time.NewTimer(delay)
		select {
		case <-s.ctx.Done():
			t.Stop()
			s.stop(nil)
			return
		case <-t.C:
		}
	}
}

// backoff is the delay before dial attempt+1 after attempt failures: drawn
// from [d/2, d) with d = min·2^(attempt+1) capped at max, so the first
// retry comes after 1–2 s and later ones after 15–30 s.
func backoff(attempt int, minD, maxD time.Duration) time.Duration {
	d := minD
	for i := 0; i <= attempt && d < maxD; i++ {
		d *= 2
	}
	half := min(d, maxD) / 2
	return max(minD, half+rand.N(half+1))
}

// permanent reports errors that a retry cannot fix.
func permanent(err error) bool {
	if errors.Is(err, ErrBoardDeleted) {
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		switch he.Status {
		case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound:
			return true
		}
	}
	return false
}

func (s *Subscription) stop(err error) {
	if err == nil && !s.closed.Load() {
		err = context.Cause(s.ctx) // the caller's context ended
	}
	s.mu.Lock()
	s.err = err
	s.finished = true
	s.mu.Unlock()
	s.setState(StateChange{State: Stopped, Err: err})
	close(s.states)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Subscription) streamURL() string {
	q := url.Values{"board": {s.opts.Board}}
	if s.opts.Variant != "" {
		q.Set("variant", s.opts.Variant)
	}
	s.mu.Lock()
	if s.epoch != "" && s.seq > 0 {
		q.Set("epoch", s.epoch)
		q.Set("seq", strconv.FormatUint(s.seq, 10))
	}
	s.mu.Unlock()
	return strings.TrimRight(s.opts.URL, "/") + "/api/v1/stream?" + q.Encode()
}

// dialError turns a failed upgrade into an *HTTPError when the server
// answered.
func dialError(res *http.Response, err error) error {
	if res == nil || res.StatusCode == http.StatusSwitchingProtocols {
		return err
	}
	var body []byte
	if res.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
	}
	return httpError(res, body)
}

// connect runs one connection until it ends. live tells whether the hello
// came; retry is the server's reconnect_ms from a shutdown message.
func (s *Subscription) connect() (live bool, retry time.Duration, err error) {
	dctx, cancel := context.WithTimeout(s.ctx, s.opts.DialTimeout)
	conn, res, err := websocket.Dial(dctx, s.streamURL(), &websocket.DialOptions{
		HTTPClient: s.opts.HTTPClient, HTTPHeader: s.opts.Header})
	cancel()
	if err != nil {
		return false, 0, dialError(res, err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(s.opts.ReadLimit)
	// A dead server (no FIN: cable pulled, VM frozen) is noticed by
	// silence; one timer per connection, reset per message.
	var idle bool
	var idleMu sync.Mutex
	timer := time.AfterFunc(s.opts.IdleTimeout, func() {
		idleMu.Lock()
		idle = true
		idleMu.Unlock()
		conn.CloseNow()
	})
	defer timer.Stop()

	// Reads take no context (coder/websocket arms a context watcher per
	// read otherwise, a measurable cost per frame for load tools holding
	// thousands of displays): closing the subscription closes the socket.
	stopWatch := context.AfterFunc(s.ctx, func() { conn.CloseNow() })
	defer stopWatch()

	var buf bytes.Buffer
	for {
		typ, r, err := conn.Reader(context.Background())
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			idleMu.Lock()
			wasIdle := idle
			idleMu.Unlock()
			if wasIdle {
				return live, retry, fmt.Errorf("nothing received for %s: connection taken for dead", s.opts.IdleTimeout)
			}
			if code := websocket.CloseStatus(err); code != -1 {
				var ce websocket.CloseError
				errors.As(err, &ce)
				return live, retry, &CloseError{Code: int(code), Reason: ce.Reason}
			}
			return live, retry, err
		}
		now := time.Now()
		timer.Reset(s.opts.IdleTimeout)
		if typ != websocket.MessageText {
			continue
		}
		f, err := decodeFrame(buf.Bytes(), s.opts.HeaderOnly)
		if err != nil {
			continue // not ours to judge: the protocol says ignore what is not understood
		}
		f.Size, f.ReceivedAt = buf.Len(), now
		switch f.Type {
		case "ping":
			s.clockSample(f.TS, now)
			wctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
			err := conn.Write(wctx, websocket.MessageText, []byte(`{"type":"pong","ts":`+strconv.FormatInt(f.TS, 10)+`}`))
			cancel()
			if err != nil {
				return live, retry, fmt.Errorf("answer ping: %w", err)
			}
			continue
		case "hello":
			s.clockSample(f.ServerTime, now)
			if !live {
				live = true
				s.setState(StateChange{State: Live})
			}
		case "snapshot", "update":
			s.mu.Lock()
			s.epoch, s.seq = f.Epoch, f.Seq
			s.mu.Unlock()
		case "shutdown":
			retry = time.Duration(f.ReconnectMS) * time.Millisecond
			if retry <= 0 {
				retry = s.opts.MinBackoff
			}
		case "":
			continue
		}
		s.emit(f)
	}
}

func (s *Subscription) clockSample(serverMS int64, at time.Time) {
	if serverMS <= 0 {
		return
	}
	s.mu.Lock()
	s.offsets[s.nOffsets%len(s.offsets)] = serverMS - at.UnixMilli()
	s.nOffsets++
	s.mu.Unlock()
}

// emit hands f to the consumer without ever waiting for it.
func (s *Subscription) emit(f Frame) {
	if s.opts.OnFrame != nil {
		s.opts.OnFrame(f)
		return
	}
	s.mu.Lock()
	switch f.Type {
	case "update":
		if n := len(s.pending); n > 0 {
			last := &s.pending[n-1]
			if (last.Type == "update" || last.Type == "snapshot") && last.Epoch == f.Epoch {
				merge(last, &f)
				s.mu.Unlock()
				return
			}
		}
	case "snapshot":
		kept := s.pending[:0]
		for _, p := range s.pending {
			if p.Type != "update" && p.Type != "snapshot" {
				kept = append(kept, p)
			}
		}
		clear(s.pending[len(kept):])
		s.pending = kept
	}
	if len(s.pending) >= s.opts.Buffer {
		s.pending[0] = Frame{}
		s.pending = s.pending[1:]
		s.dropped++
	}
	s.pending = append(s.pending, f)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// merge folds the update f into the waiting data frame into.
func merge(into, f *Frame) {
	if f.Widgets != nil {
		if into.Widgets == nil {
			into.Widgets = make(map[string]json.RawMessage, len(f.Widgets))
		}
		for id, d := range f.Widgets {
			into.Widgets[id] = d
		}
	}
	into.Seq, into.TS, into.ReceivedAt = f.Seq, f.TS, f.ReceivedAt
	into.IngestTS = max(into.IngestTS, f.IngestTS)
	into.Size += f.Size
	into.Coalesced += 1 + f.Coalesced
}

// pump moves pending frames to the Frames channel.
func (s *Subscription) pump() {
	defer close(s.pumped)
	defer close(s.frames)
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			finished := s.finished
			s.mu.Unlock()
			if finished {
				return
			}
			select {
			case <-s.wake:
			case <-s.ctx.Done():
				return
			}
			continue
		}
		f := s.pending[0]
		s.pending[0] = Frame{}
		s.pending = s.pending[1:]
		s.mu.Unlock()
		select {
		case s.frames <- f:
		case <-s.ctx.Done():
			return
		}
	}
}

// wireFrame is a message as sent; "board" is the board id in hello and the
// board document in board messages.
type wireFrame struct {
	Type        string                     `json:"type"`
	Protocol    int                        `json:"protocol"`
	ServerTime  int64                      `json:"server_time"`
	Board       json.RawMessage            `json:"board"`
	Variant     string                     `json:"variant"`
	Revision    int64                      `json:"revision"`
	RefreshMS   int64                      `json:"refresh_ms"`
	Epoch       string                     `json:"epoch"`
	Seq         uint64                     `json:"seq"`
	TS          int64                      `json:"ts"`
	IngestTS    int64                      `json:"ingest_ts"`
	Widgets     map[string]json.RawMessage `json:"widgets"`
	ReconnectMS int64                      `json:"reconnect_ms"`
}

func decodeFrame(msg []byte, headerOnly bool) (Frame, error) {
	var w wireFrame
	var err error
	if headerOnly {
		err = decodeHeader(msg, &w)
	} else {
		err = json.Unmarshal(msg, &w)
	}
	if err != nil {
		return Frame{}, err
	}
	f := Frame{Type: w.Type, Protocol: w.Protocol, ServerTime: w.ServerTime, Variant: w.Variant,
		Revision: w.Revision, RefreshMS: w.RefreshMS, Epoch: w.Epoch, Seq: w.Seq, TS: w.TS,
		IngestTS: w.IngestTS, Widgets: w.Widgets, ReconnectMS: w.ReconnectMS}
	switch w.Type {
	case "hello":
		json.Unmarshal(w.Board, &f.BoardID)
	case "board":
		f.Layout = w.Board
	case "snapshot", "update":
		if f.Widgets == nil && !headerOnly {
			f.Widgets = map[string]json.RawMessage{}
		}
	}
	return f, nil
}

// decodeHeader reads the top-level fields up to "widgets" and stops there.
// The messages the server sends most (update, snapshot, ping) hold only
// plain strings and integers before "widgets": scanHeader reads those
// without allocating; anything else goes through encoding/json.
func decodeHeader(msg []byte, w *wireFrame) error {
	if scanHeader(msg, w) {
		return nil
	}
	*w = wireFrame{}
	return decodeHeaderJSON(msg, w)
}

// scanHeader is decodeHeader's fast path: it returns false, leaving w in
// any state, when msg holds anything but escape-free strings and integers
// before "widgets" (or its end).
func scanHeader(msg []byte, w *wireFrame) bool {
	i := skipSpace(msg, 0)
	if i >= len(msg) || msg[i] != '{' {
		return false
	}
	i++
	for first := true; ; first = false {
		i = skipSpace(msg, i)
		if i >= len(msg) {
			return false
		}
		if msg[i] == '}' {
			return true
		}
		if !first {
			if msg[i] != ',' {
				return false
			}
			i = skipSpace(msg, i+1)
		}
		key, j, ok := scanString(msg, i)
		if !ok {
			return false
		}
		i = skipSpace(msg, j)
		if i >= len(msg) || msg[i] != ':' {
			return false
		}
		i = skipSpace(msg, i+1)
		if string(key) == "widgets" {
			return true
		}
		var str *string
		var num *int64
		var unum *uint64
		var small *int
		switch string(key) {
		case "type":
			str = &w.Type
		case "epoch":
			str = &w.Epoch
		case "variant":
			str = &w.Variant
		case "seq":
			unum = &w.Seq
		case "ts":
			num = &w.TS
		case "ingest_ts":
			num = &w.IngestTS
		case "server_time":
			num = &w.ServerTime
		case "revision":
			num = &w.Revision
		case "refresh_ms":
			num = &w.RefreshMS
		case "reconnect_ms":
			num = &w.ReconnectMS
		case "protocol":
			small = &w.Protocol
		default:
			return false // "board" and anything unknown: the slow path
		}
		if str != nil {
			v, j, ok := scanString(msg, i)
			if !ok {
				return false
			}
			*str, i = string(v), j
			continue
		}
		j = i
		if j < len(msg) && msg[j] == '-' {
			j++
		}
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		digits := msg[i:j]
		var err error
		switch {
		case unum != nil:
			*unum, err = strconv.ParseUint(string(digits), 10, 64)
		case num != nil:
			*num, err = strconv.ParseInt(string(digits), 10, 64)
		default:
			var n int64
			n, err = strconv.ParseInt(string(digits), 10, 32)
			*small = int(n)
		}
		if err != nil {
			return false
		}
		i = j
	}
}

// scanString reads a JSON string without escapes starting at msg[i]: its
// contents and the index after its closing quote.
func scanString(msg []byte, i int) ([]byte, int, bool) {
	if i >= len(msg) || msg[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(msg); j++ {
		switch c := msg[j]; {
		case c == '"':
			return msg[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func skipSpace(msg []byte, i int) int {
	for i < len(msg) && (msg[i] == ' ' || msg[i] == '\t' || msg[i] == '\n' || msg[i] == '\r') {
		i++
	}
	return i
}

// decodeHeaderJSON is decodeHeader with encoding/json.
func decodeHeaderJSON(msg []byte, w *wireFrame) error {
	dec := json.NewDecoder(bytes.NewReader(msg))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var dst any
		switch t {
		case "widgets":
			return nil
		case "type":
			dst = &w.Type
		case "epoch":
			dst = &w.Epoch
		case "seq":
			dst = &w.Seq
		case "ts":
			dst = &w.TS
		case "ingest_ts":
			dst = &w.IngestTS
		case "protocol":
			dst = &w.Protocol
		case "server_time":
			dst = &w.ServerTime
		case "board":
			dst = &w.Board
		case "variant":
			dst = &w.Variant
		case "revision":
			dst = &w.Revision
		case "refresh_ms":
			dst = &w.RefreshMS
		case "reconnect_ms":
			dst = &w.ReconnectMS
		default:
			dst = new(json.RawMessage)
		}
		if err := dec.Decode(dst); err != nil {
			return err
		}
	}
	return nil
}
