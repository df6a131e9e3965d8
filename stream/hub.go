package stream

// The hub pushes each display what its board's widgets need.
//
// Policy (after centrifuge, the hub behind Grafana Live):
//
//   - Work is shared. Displays of the same board and variant form a group.
//     Once per refresh interval the group runs every widget's queries once,
//     encodes one update frame holding only the widgets whose data changed,
//     and hands the same bytes to every display of the group: 10,000
//     displays of a board cost one computation and 10,000 writes.
//   - The hub never blocks a publisher. A group never waits for a display:
//     it stores the frame in a ring of recent frames, publishes it as the
//     latest (an atomic pointer) and hands it to its displays with writes
//     that never wait: one goroutine per CPU writes the frame, framed for
//     the wire once, to each display's socket in turn.
//   - Only the latest data is pending. A display gets what it lacks: the
//     newest frame if it is one behind (no lock taken), else one coalesced
//     frame with the current data of every widget changed since the
//     display's last frame, else (too far behind, or a new epoch) a full
//     snapshot. Coalesced frames and snapshots are built once per frame and
//     shared by the displays that need the same one. A slow display
//     therefore costs memory bounded by its board's widget count, never a
//     growing queue.
//   - A display that cannot keep up is closed. When its socket does not
//     take a frame at once, the display gets a writer goroutine of its own
//     until it has caught up; that write has a deadline
//     (HubConfig.WriteTimeout), and a display that misses it is
//     disconnected with close code 4008 (CloseTooSlow) and resyncs when it
//     reconnects. An idle display holds no writer goroutine.
//   - Liveness: the group pings its displays every PingInterval; a display
//     that sends nothing (pong, resume) for PongTimeout is closed, so
//     half-open connections go within 30 s.
//   - Shutdown tells every display ("shutdown") and closes it with 1001
//     GoingAway, so displays reconnect to the next server at once.
//
// docs/protocol.md documents every message.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/widgets"
)

// Close codes a display can receive besides the standard ones.
const (
	CloseTooSlow   = 4008 // the display did not take a frame within the write timeout
	CloseBoardGone = 4404 // the board was deleted
	CloseIdle      = 4000 // nothing received from the display within the pong timeout
	CloseRevoked   = 4401 // the token the display connected with was revoked
)

// ProtocolVersion is sent in hello; it changes when a message changes
// incompatibly.
const ProtocolVersion = 1

// HubConfig tunes the hub.
type HubConfig struct {
	WriteTimeout time.Duration // a write that takes longer closes the display
	PingInterval time.Duration // how often the server pings
	PongTimeout  time.Duration // how long a display may stay silent
	ResumeFrames int           // recent frames kept per group for resuming displays
	MaxDisplays  int           // connections accepted at once
}

// DefaultHubConfig is the configuration of a server started without flags.
func DefaultHubConfig() HubConfig {
	return HubConfig{WriteTimeout: 5 * time.Second, PingInterval: 10 * time.Second, PongTimeout: 30 * time.Second, ResumeFrames: 64, MaxDisplays: 20000}
}

// View is what the hub needs of one variant of a board.
type View struct {
	Board    string
	Variant  string
	Revision int64
	Refresh  time.Duration
	Widgets  []ViewWidget
	// Layout is the board document sent in "board" messages.
	Layout json.RawMessage
}

// ViewWidget is a widget placed in the variant: its kind and config, and
// the compiled queries the kind runs (the bound ones, expanded).
type ViewWidget struct {
	ID      string
	Title   string
	Kind    *widgets.Kind
	Config  widgets.Config
	Queries []*widgets.Compiled
}

// BoardLoader gives the hub board views; an errs.NotFound error means the
// board or the variant does not exist.
type BoardLoader interface {
	LoadView(ctx context.Context, board, variant string) (*View, error)
}

// Hub keeps the groups of connected displays.
type Hub struct {
	cfg    HubConfig
	store  *Store
	boards BoardLoader
	log    *slog.Logger

	mu      sync.Mutex
	groups  map[string]*group
	closing bool
	wg      sync.WaitGroup // groups and connections

	Stats HubStats
}

// HubStats are counters for /metrics.
type HubStats struct {
	Displays        atomic.Int64
	Connects        atomic.Int64
	SlowDisconnects atomic.Int64
	IdleDisconnects atomic.Int64
	FramesBuilt     atomic.Int64
	FramesWritten   atomic.Int64
	BytesWritten    atomic.Int64
	Fanout          Histogram // seconds from a frame being built to it being written to a display
}

// NewHub returns a hub reading data from store and boards from loader.
func NewHub(cfg HubConfig, store *Store, loader BoardLoader, log *slog.Logger) *Hub {
	h := &Hub{cfg: cfg, store: store, boards: loader, log: log, groups: map[string]*group{}}
	h.Stats.Fanout = newHistogram([]float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5})
	return h
}

// ErrShuttingDown refuses displays while the server stops.
var ErrShuttingDown = errors.New("the server is shutting down")

// frame is one tick's update of a group, shared by its displays. Nothing
// in it changes once it is published, except the caches of messages
// derived from it (coalesced updates, the snapshot), each built once.
type frame struct {
	seq     uint64
	changed []string
	ts      int64
	newest  int64
	data    map[string]json.RawMessage // every widget's data as of this frame; never modified
	wire    []byte                     // the update, framed as one websocket text message
	built   time.Time

	mu        sync.Mutex
	coalesced map[uint64]*derived // by the seq a display has
	snap      *derived
}

// derived is a message computed from a frame on first demand: displays
// that lack the same frames share one encoding, built outside g.mu.
type derived struct {
	once sync.Once
	wire []byte
}

// group is the displays of one board variant and the state they share.
type group struct {
	hub            *Hub
	key            string
	board, variant string
	epoch          string
	reload         chan struct{} // one slot: the board changed
	stop           chan struct{}

	// latest is the newest frame. A display one frame behind takes it
	// without any lock: at a tick, thousands of writers load it at once.
	latest atomic.Pointer[frame]

	mu       sync.Mutex
	view     *View
	clients  map[*client]struct{}
	seq      uint64
	frames   []*frame // the last ResumeFrames frames, by seq % len
	boardMsg []byte
	stopped  bool
	wakeBuf  []*client // tick's list of displays to wake, reused
}

func newEpoch() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// join adds c to the group of its board variant, creating the group (and
// computing its first frame) if needed.
func (h *Hub) join(ctx context.Context, c *client, view *View) (*group, error) {
	key := view.Board + "\x00" + view.Variant
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		return nil, ErrShuttingDown
	}
	g := h.groups[key]
	if g == nil {
		g = &group{hub: h, key: key, board: view.Board, variant: view.Variant, epoch: newEpoch(),
			reload: make(chan struct{}, 1), stop: make(chan struct{}), clients: map[*client]struct{}{},
			frames: make([]*frame, h.cfg.ResumeFrames)}
		g.setView(view)
		g.tick() // the first display draws at once
		h.groups[key] = g
		h.wg.Add(1)
		go g.run()
	}
	g.mu.Lock()
	c.g = g // before the group's fan-out can see c
	g.clients[c] = struct{}{}
	g.mu.Unlock()
	h.wg.Add(1) // the connection; under h.mu so that Shutdown's Wait never races it
	h.mu.Unlock()
	return g, nil
}

// Closing reports whether the hub is shutting down.
func (h *Hub) Closing() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closing
}

// GroupLinger is how long a board variant's stream outlives its last
// display, so that a display that reconnects within it resumes with frames
// instead of a snapshot.
const GroupLinger = 2 * time.Minute

// leave removes c; a group left empty stops after GroupLinger unless a
// display joins meanwhile.
func (g *group) leave(c *client) {
	g.mu.Lock()
	delete(g.clients, c)
	empty := len(g.clients) == 0
	g.mu.Unlock()
	if empty {
		time.AfterFunc(GroupLinger, g.stopIfEmpty)
	}
}

func (g *group) stopIfEmpty() {
	h := g.hub
	h.mu.Lock()
	g.mu.Lock()
	stop := len(g.clients) == 0 && !g.stopped
	if stop {
		g.stopped = true
		delete(h.groups, g.key)
	}
	g.mu.Unlock()
	h.mu.Unlock()
	if stop {
		close(g.stop)
	}
}

// BoardChanged tells the hub that a board was saved, restored or deleted:
// its groups reload it and send displays the new layout.
func (h *Hub) BoardChanged(board string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, g := range h.groups {
		if g.board == board {
			select {
			case g.reload <- struct{}{}:
			default:
			}
		}
	}
}

func (g *group) setView(v *View) {
	msg, _ := json.Marshal(struct {
		Type     string          `json:"type"`
		Revision int64           `json:"revision"`
		Board    json.RawMessage `json:"board"`
	}{"board", v.Revision, v.Layout})
	g.mu.Lock()
	g.view = v
	g.boardMsg = msg
	// Data of widgets no longer placed is dropped (the latest frame is
	// republished without it, same seq, so snapshots and coalesced updates
	// leave it out); new ones come with the next tick as changes.
	if cur := g.latest.Load(); cur != nil {
		keep := map[string]json.RawMessage{}
		for _, w := range v.Widgets {
			if d, ok := cur.data[w.ID]; ok {
				keep[w.ID] = d
			}
		}
		g.latest.Store(&frame{seq: cur.seq, changed: cur.changed, ts: cur.ts, newest: cur.newest, data: keep, wire: cur.wire, built: cur.built})
	}
	g.mu.Unlock()
}

func (g *group) run() {
	defer g.hub.wg.Done()
	g.mu.Lock()
	refresh := g.view.Refresh
	g.mu.Unlock()
	t := time.NewTicker(refresh)
	defer t.Stop()
	ping := time.NewTicker(g.hub.cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
			g.tick()
		case <-ping.C:
			g.ping()
		case <-g.reload:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			v, err := g.hub.boards.LoadView(ctx, g.board, g.variant)
			cancel()
			if errs.CodeOf(err) == errs.NotFound {
				g.hub.log.Info("board gone: closing its displays", "board", g.board, "variant", g.variant)
				g.closeAll(CloseBoardGone, "board deleted")
				g.hub.store.events.forget(g.board)
				continue
			}
			if err != nil {
				g.hub.log.Error("reload board for displays", "board", g.board, "err", err)
				continue
			}
			g.setView(v)
			g.mu.Lock()
			msg := wsText(g.boardMsg)
			for c := range g.clients {
				c.sendControl(msg)
			}
			g.mu.Unlock()
			if v.Refresh != refresh {
				refresh = v.Refresh
				t.Reset(refresh)
			}
			g.tick()
		}
	}
}

// tick computes every widget once and publishes a frame.
func (g *group) tick() {
	g.mu.Lock()
	view := g.view
	g.mu.Unlock()
	now := g.hub.store.Now()
	type out struct {
		id     string
		data   []byte
		newest int64
	}
	outs := make([]out, 0, len(view.Widgets))
	for i := range view.Widgets {
		w := &view.Widgets[i]
		data, newest, ok := g.shape(w, now)
		if ok {
			outs = append(outs, out{w.ID, data, newest})
		}
	}

	// Publish. Only this goroutine (or join, before it starts) publishes,
	// so the frame is built before taking g.mu, which guards the ring and
	// seq for readers that need them (resumes, coalescing, hello).
	prev := g.latest.Load()
	data := map[string]json.RawMessage{}
	if prev != nil {
		data = prev.data
	}
	changed := map[string]json.RawMessage{}
	var newest int64
	f := &frame{ts: now, built: time.Now(), data: data}
	for _, o := range outs {
		if !bytes.Equal(data[o.id], o.data) {
			changed[o.id] = o.data
			f.changed = append(f.changed, o.id)
			newest = max(newest, o.newest)
		}
	}
	if len(changed) > 0 { // copy on write: published frames share maps
		f.data = make(map[string]json.RawMessage, len(data)+len(changed))
		maps.Copy(f.data, data)
		maps.Copy(f.data, changed)
	}
	f.newest = newest
	g.mu.Lock()
	g.seq++
	f.seq = g.seq
	f.wire = wsText(encodeFrame("update", g.epoch, f.seq, f.ts, f.newest, changed))
	g.frames[f.seq%uint64(len(g.frames))] = f
	g.latest.Store(f)
	g.hub.Stats.FramesBuilt.Add(1)
	wake := g.wakeBuf[:0] // reused: ticks of a group never overlap
	for c := range g.clients {
		wake = append(wake, c)
	}
	g.wakeBuf = wake
	g.mu.Unlock()
	if prev != nil { // nobody asks the old frame for these any more
		prev.mu.Lock()
		prev.coalesced, prev.snap = nil, nil
		prev.mu.Unlock()
	}
	// Write to the displays after unlocking (a writer may take g.mu to
	// coalesce).
	fanout(wake)
	clear(wake) // keep no closed display reachable until the next tick
}

// ping queues a ping for every display of the group and sends it.
func (g *group) ping() {
	msg := wsText([]byte(`{"type":"ping","ts":` + strconv.FormatInt(g.hub.store.Now(), 10) + `}`))
	g.mu.Lock()
	wake := make([]*client, 0, len(g.clients))
	for c := range g.clients {
		wake = append(wake, c)
	}
	g.mu.Unlock()
	for _, c := range wake {
		c.queue(msg)
	}
	fanout(wake)
}

// fanoutChunk is the fewest displays worth another goroutine at a tick.
const fanoutChunk = 256

// fanout hands each display what it lacks, spread over one goroutine per
// CPU. Writes that the socket takes at once (nearly all) are done here;
// a display whose socket is full gets a goroutine of its own for the
// rest (see client.kick), so no display delays another.
func fanout(cs []*client) {
	if len(cs) == 0 {
		return
	}
	st := &cs[0].hub.Stats
	w := min(runtime.GOMAXPROCS(0), (len(cs)+fanoutChunk-1)/fanoutChunk)
	if w <= 1 {
		var t tally
		for _, c := range cs {
			c.kick(&t)
		}
		t.addTo(st)
		return
	}
	var wg sync.WaitGroup
	per := (len(cs) + w - 1) / w
	for i := 0; i < len(cs); i += per {
		part := cs[i:min(i+per, len(cs))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var t tally
			for _, c := range part {
				c.kick(&t)
			}
			t.addTo(st)
		}()
	}
	wg.Wait()
}

func encodeFrame(typ, epoch string, seq uint64, ts, newest int64, w map[string]json.RawMessage) []byte {
	b, _ := json.Marshal(struct {
		Type     string                     `json:"type"`
		Epoch    string                     `json:"epoch"`
		Seq      uint64                     `json:"seq"`
		TS       int64                      `json:"ts"`
		IngestTS int64                      `json:"ingest_ts"`
		Widgets  map[string]json.RawMessage `json:"widgets"`
	}{typ, epoch, seq, ts, newest, w})
	return b
}

// wsText frames msg as one final, unmasked websocket text message (RFC
// 6455 §5.2), as a server sends it: frames are framed once per group and
// written as they are to every display.
func wsText(msg []byte) []byte { return wsFrame(0x1, msg) }

func wsFrame(opcode byte, payload []byte) []byte {
	n := len(payload)
	var b []byte
	switch {
	case n < 126:
		b = append(make([]byte, 0, 2+n), 0x80|opcode, byte(n))
	case n <= 0xFFFF:
		b = append(make([]byte, 0, 4+n), 0x80|opcode, 126, byte(n>>8), byte(n))
	default:
		b = append(make([]byte, 0, 10+n), 0x80|opcode, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// next returns what a display that has frame sent needs next (framed for
// the wire), and the sequence number it brings the display to. A display
// one frame behind, nearly all of them, takes no lock.
func (g *group) next(sent uint64) (wire []byte, seq uint64, built time.Time) {
	f := g.latest.Load()
	switch n := uint64(len(g.frames)); {
	case sent == f.seq:
		return nil, f.seq, time.Time{}
	case sent > 0 && sent+1 == f.seq:
		return f.wire, f.seq, f.built
	case sent > 0 && sent < f.seq && f.seq-sent <= n-1:
		return g.coalesced(f, sent), f.seq, f.built
	}
	return g.snapshot(f), f.seq, f.built
}

// coalesced is one update bringing a display from sent to f: the current
// data of every widget changed in between. Displays behind by the same
// frames share it.
func (g *group) coalesced(f *frame, sent uint64) []byte {
	f.mu.Lock()
	d := f.coalesced[sent]
	if d == nil {
		if f.coalesced == nil {
			f.coalesced = map[uint64]*derived{}
		}
		d = &derived{}
		f.coalesced[sent] = d
	}
	f.mu.Unlock()
	d.once.Do(func() {
		changed := map[string]json.RawMessage{}
		newest := int64(0)
		n := uint64(len(g.frames))
		g.mu.Lock()
		for s := sent + 1; s <= f.seq; s++ {
			fs := g.frames[s%n]
			if fs == nil || fs.seq != s { // overwritten meanwhile: too far behind
				changed = nil
				break
			}
			for _, id := range fs.changed {
				if v, ok := f.data[id]; ok {
					changed[id] = v
				}
			}
			newest = max(newest, fs.newest)
		}
		g.mu.Unlock()
		if changed == nil {
			d.wire = g.snapshot(f)
			return
		}
		d.wire = wsText(encodeFrame("update", g.epoch, f.seq, f.ts, newest, changed))
	})
	return d.wire
}

// snapshot is the full data of every widget as of f.
func (g *group) snapshot(f *frame) []byte {
	f.mu.Lock()
	if f.snap == nil {
		f.snap = &derived{}
	}
	d := f.snap
	f.mu.Unlock()
	d.once.Do(func() {
		d.wire = wsText(encodeFrame("snapshot", g.epoch, f.seq, f.ts, f.newest, f.data))
	})
	return d.wire
}

// canResume reports whether a display at (epoch, seq) can be brought up to
// date with frames rather than a snapshot.
func (g *group) canResume(epoch string, seq uint64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return epoch == g.epoch && seq > 0 && seq <= g.seq && g.seq-seq <= uint64(len(g.frames))-1
}

func (g *group) closeAll(code int, reason string) {
	g.mu.Lock()
	for c := range g.clients {
		c.close(code, reason)
	}
	g.mu.Unlock()
}

// CloseOwner closes, with code and reason, every display whose connection
// was opened by owner (StreamHandler.Owner: a paired screen or a published
// link whose token was just revoked) and returns how many. Revocations are
// rare: it looks through every group rather than keep an index.
func (h *Hub) CloseOwner(owner string, code int, reason string) int {
	if owner == "" {
		return 0
	}
	h.mu.Lock()
	groups := make([]*group, 0, len(h.groups))
	for _, g := range h.groups {
		groups = append(groups, g)
	}
	h.mu.Unlock()
	n := 0
	for _, g := range groups {
		g.mu.Lock()
		for c := range g.clients {
			if c.owner == owner {
				c.close(code, reason)
				n++
			}
		}
		g.mu.Unlock()
	}
	return n
}

// Shutdown tells every display that the server is going away and closes it
// with GoingAway, then waits (until ctx ends) for connections to finish.
func (h *Hub) Shutdown(ctx context.Context) {
	h.mu.Lock()
	h.closing = true
	groups := make([]*group, 0, len(h.groups))
	for _, g := range h.groups {
		groups = append(groups, g)
	}
	h.mu.Unlock()
	for _, g := range groups {
		g.closeAll(closeGoingAway, "server shutting down")
		g.mu.Lock()
		stop := !g.stopped
		g.stopped = true
		g.mu.Unlock()
		if stop {
			close(g.stop)
		}
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		h.log.Warn("displays did not close in time", "err", ctx.Err())
	}
}

const closeGoingAway = 1001

// Histogram is a fixed-bucket histogram for /metrics.
type Histogram struct {
	Bounds []float64
	counts []atomic.Int64 // len(Bounds)+1
	sum    atomic.Int64   // microseconds
	n      atomic.Int64
}

func newHistogram(bounds []float64) Histogram {
	if len(bounds) >= len(localHistogram{}.counts) {
		panic("stream: a Histogram has at most 15 bounds")
	}
	return Histogram{Bounds: bounds, counts: make([]atomic.Int64, len(bounds)+1)}
}

// Observe records one value in seconds.
func (h *Histogram) Observe(sec float64) {
	i := 0
	for i < len(h.Bounds) && sec > h.Bounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(int64(sec * 1e6))
	h.n.Add(1)
}

// localHistogram counts observations for a Histogram without atomics,
// for one goroutine; addTo adds them to the Histogram.
type localHistogram struct {
	counts [16]int64 // by bucket index; Histograms have at most 15 bounds
	sum    int64     // microseconds
	n      int64
}

func (l *localHistogram) observe(h *Histogram, sec float64) {
	i := 0
	for i < len(h.Bounds) && sec > h.Bounds[i] {
		i++
	}
	l.counts[i]++
	l.sum += int64(sec * 1e6)
	l.n++
}

func (l *localHistogram) addTo(h *Histogram) {
	if l.n == 0 {
		return
	}
	for i := range h.counts {
		if l.counts[i] != 0 {
			h.counts[i].Add(l.counts[i])
		}
	}
	h.sum.Add(l.sum)
	h.n.Add(l.n)
}

// Snapshot returns cumulative bucket counts, the sum in seconds and the count.
func (h *Histogram) Snapshot() (cumulative []int64, sum float64, count int64) {
	cumulative = make([]int64, len(h.counts))
	var acc int64
	for i := range h.counts {
		acc += h.counts[i].Load()
		cumulative[i] = acc
	}
	return cumulative, float64(h.sum.Load()) / 1e6, h.n.Load()
}
