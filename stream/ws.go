package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/flexboard/flexboard/internal/errs"
)

// MaxClientMessage bounds what a display may send in one message (resume,
// pong): anything larger closes the connection.
const MaxClientMessage = 4096

// StreamHandler serves GET /api/v1/stream. AllowedOrigins lists the
// browser origins (besides the server's own) that may open it.
type StreamHandler struct {
	Hub            *Hub
	AllowedOrigins []string
	// Owner, if set, names who opened a connection ("" for nobody in
	// particular), so that Hub.CloseOwner can end its streams when its
	// token is revoked.
	Owner        func(c *fiber.Ctx) string
	writeBuffers sync.Pool
}

// Register mounts the display stream on r (the /api/v1 group).
func (s *StreamHandler) Register(r fiber.Router) {
	r.Get("/stream", s.open)
}

// OriginAllowed reports whether a browser page at origin may open a
// websocket to a server reached as host: its own origin, or a listed one.
// Requests without Origin (not from a browser) are allowed.
func OriginAllowed(origin, host string, allowed []string) bool {
	if origin == "" {
		return true
	}
	for _, a := range allowed {
		if a == "*" || strings.EqualFold(a, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, host)
}

type resumePoint struct {
	epoch string
	seq   uint64
}

// isWebSocketUpgrade reports whether c asks for a websocket.
func isWebSocketUpgrade(c *fiber.Ctx) bool {
	return websocket.FastHTTPIsWebSocketUpgrade(c.Context())
}

// open checks a display's request and upgrades it. fasthttp/websocket's
// upgrader is used directly, keeping per connection only what the stream
// needs (gofiber/contrib/websocket copies every header, query argument and
// local into maps kept for the connection's life).
func (s *StreamHandler) open(c *fiber.Ctx) error {
	if !isWebSocketUpgrade(c) {
		return errs.Invalidf("", "this endpoint is a websocket: connect with a websocket client (see docs/protocol.md)")
	}
	if origin := c.Get(fiber.HeaderOrigin); !OriginAllowed(origin, c.Hostname(), s.AllowedOrigins) {
		return errs.E(errs.Forbidden, "Origin", "origin %q may not open this stream: pages of this server, or origins given with --allowed-origins", origin)
	}
	if s.Hub.Closing() {
		return errs.E(errs.Unavailable, "", "the server is shutting down: reconnect in a moment")
	}
	board := c.Query("board")
	if board == "" {
		return errs.Invalidf("board", "is required: the id of the board to stream")
	}
	if n := s.Hub.Stats.Displays.Load(); n >= int64(s.Hub.cfg.MaxDisplays) {
		return errs.E(errs.Unavailable, "", "the server holds its limit of %d displays (--max-displays)", s.Hub.cfg.MaxDisplays)
	}
	view, err := s.Hub.boards.LoadView(c.UserContext(), board, c.Query("variant"))
	if errs.CodeOf(err) == errs.NotFound && c.Get(fiber.HeaderOrigin) != "" {
		// A browser cannot read the status of a refused upgrade (it sees
		// close 1006, as for a server that is down): it is told with close
		// 4404 instead, as a display is when its board is deleted, so a
		// wall shows "board deleted" rather than "connection lost".
		return closeAtOnce(c, CloseBoardGone, err.Error())
	}
	if err != nil {
		return err
	}
	o := &opening{view: view}
	if s.Owner != nil {
		o.owner = s.Owner(c)
	}
	if e, q := c.Query("epoch"), c.Query("seq"); e != "" && q != "" {
		seq, err := strconv.ParseUint(q, 10, 64)
		if err != nil {
			return errs.Invalidf("seq", "must be the sequence number of the last frame received")
		}
		o.resume = &resumePoint{strings.Clone(e), seq}
	}
	u := websocket.FastHTTPUpgrader{
		// The server writes frames to the socket itself (client.put), so
		// the websocket conn only reads. Displays send little: its read
		// buffer is the least the library takes, over fasthttp's own.
		ReadBufferSize:  128,
		WriteBufferSize: 128,
		WriteBufferPool: &s.writeBuffers,
		CheckOrigin:     func(*fasthttp.RequestCtx) bool { return true }, // checked above
	}
	if u.Upgrade(c.Context(), func(conn *websocket.Conn) { s.serve(conn, o) }) != nil {
		return fiber.ErrUpgradeRequired
	}
	return nil
}

// closeAtOnce upgrades c and closes the websocket at once with code and
// reason (cut to what a close frame holds).
func closeAtOnce(c *fiber.Ctx, code int, reason string) error {
	if len(reason) > 123 {
		reason = reason[:120] + "…"
		for !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	u := websocket.FastHTTPUpgrader{ReadBufferSize: 128, WriteBufferSize: 128,
		CheckOrigin: func(*fasthttp.RequestCtx) bool { return true }} // checked by open
	err := u.Upgrade(c.Context(), func(conn *websocket.Conn) {
		conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		conn.Close()
	})
	if err != nil {
		return fiber.ErrUpgradeRequired
	}
	return nil
}

// opening is what open passes to serve. The handler closure holds it for
// the connection's life, so serve takes the view out of it.
type opening struct {
	view   *View
	resume *resumePoint
	owner  string
}

// client is one connected display.
//
// Writing: whoever holds mu writes to the socket. At a tick the group's
// fan-out goroutines take mu with TryLock and write what the socket takes
// at once, without waiting (put with block false); when the socket is
// full, the rest goes to a goroutine of the display's own (drain), which
// waits for it with the write deadline and then keeps delivering until
// the display is up to date. A display's writer goroutine therefore exists
// only while its socket is backed up. Anyone who finds mu taken sets
// pending, which the holder checks after releasing mu (flush).
type client struct {
	hub  *Hub
	g    *group
	ws   *websocket.Conn // reads only
	nc   net.Conn        // the socket
	raw  syscall.RawConn // nc's descriptor for writes that never wait; nil: every write gets a goroutine
	quit atomic.Bool     // closing: write nothing more but the close

	pending atomic.Bool // something to deliver; set before trying mu

	mu     sync.Mutex
	sent   uint64    // last frame delivered
	rest   []byte    // what the socket did not take, for drain
	built  time.Time // when rest's frame was built
	broken bool      // a write failed part way: no close frame can follow

	// tryWrite's arguments and results (mu held), and its callback.
	wb      []byte
	wn      int
	werr    error
	writeFD func(fd uintptr) bool

	qmu  sync.Mutex
	ctrl [][]byte // framed messages to send before the next frame, bounded

	closeOnce   sync.Once
	closeCode   int
	closeReason string

	owner string // who opened it (StreamHandler.Owner), for Hub.CloseOwner
}

// maxControl is how many control messages (layout changes, pings, pongs)
// may wait for a display before it counts as too slow.
const maxControl = 8

// queue adds a framed control message; a display with maxControl pending
// is too slow.
func (c *client) queue(msg []byte) {
	c.qmu.Lock()
	full := len(c.ctrl) >= maxControl
	if !full {
		c.ctrl = append(c.ctrl, msg)
	}
	c.qmu.Unlock()
	if full {
		c.hub.Stats.SlowDisconnects.Add(1)
		c.close(CloseTooSlow, "too slow")
	}
}

// sendControl queues a framed message and sends it.
func (c *client) sendControl(msg []byte) {
	c.queue(msg)
}

// kick delivers what the display lacks without ever waiting: here if the
// connection is free and its socket takes it, else by the goroutine that
// holds it or by a goroutine started for it.
//
// t, when not nil, collects the counts of what was written, for the caller
// to add to the hub's shared counters once (the fan-out goroutines would
// otherwise contend for their cache lines at every write).
func (c *client) kick(t *tally) {
	c.pending.Store(true)
	if c.mu.TryLock() {
		c.flush(false, t)
	}
}

var errWouldBlock = errors.New("socket full")

// flush delivers until nothing is pending and releases mu, which the
// caller holds. With block false it hands over to drain (and mu with it)
// rather than wait for the socket.
func (c *client) flush(block bool, t *tally) {
	for {
		for c.pending.Swap(false) && !c.quit.Load() {
			err := c.deliver(block, t)
			if err == errWouldBlock {
				go c.drain()
				return
			}
			if err != nil {
				c.failed(err)
				break
			}
		}
		c.mu.Unlock()
		// A kick that found mu taken after the loop's last check has set
		// pending: take mu back for it, unless someone else has.
		if !c.pending.Load() || c.quit.Load() || !c.mu.TryLock() {
			return
		}
	}
}

// drain is a display's writer while its socket is backed up: it writes the
// rest of the frame, waiting up to the write timeout, then delivers what
// came meanwhile. It owns mu.
func (c *client) drain() {
	b, built := c.rest, c.built
	c.rest, c.built = nil, time.Time{}
	if err := c.put(b, true); err != nil {
		c.failed(err)
		c.mu.Unlock()
		return
	}
	c.written(len(b), built, nil)
	c.pending.Store(true)
	c.flush(true, nil)
}

// deliver sends pending control messages, then the frame the display lacks.
// Layout messages go first: the group queues a "board" message before it
// publishes the frame computed for that layout, so sending them first keeps
// a display from getting data of a widget before the layout that places it.
func (c *client) deliver(block bool, t *tally) error {
	for {
		c.qmu.Lock()
		var msg []byte
		if len(c.ctrl) > 0 {
			msg = c.ctrl[0]
			c.ctrl[0] = nil
			c.ctrl = c.ctrl[1:]
			if len(c.ctrl) == 0 {
				c.ctrl = nil
			}
		}
		c.qmu.Unlock()
		if msg == nil {
			break
		}
		if err := c.send(msg, time.Time{}, block, t); err != nil {
			return err
		}
	}
	wire, seq, built := c.g.next(c.sent)
	if wire == nil {
		return nil
	}
	c.sent = seq // once handed to the socket, drain finishes it or the display is closed
	return c.send(wire, built, block, t)
}

func (c *client) send(b []byte, built time.Time, block bool, t *tally) error {
	err := c.put(b, block)
	switch err {
	case nil:
		c.written(len(b), built, t)
	case errWouldBlock:
		c.built = built
	}
	return err
}

// put writes b, a framed message, to the socket; mu is held. With block
// false it never waits: what the socket does not take at once is kept in
// c.rest and errWouldBlock returned.
func (c *client) put(b []byte, block bool) error {
	if !block {
		if c.raw == nil {
			c.rest = b
			return errWouldBlock
		}
		n, err := c.tryWrite(b)
		if err != nil {
			c.broken = n > 0
			return err
		}
		if n < len(b) {
			c.rest = b[n:]
			return errWouldBlock
		}
		return nil
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.hub.cfg.WriteTimeout))
	n, err := c.nc.Write(b)
	if err != nil {
		c.broken = c.broken || n > 0
		return err
	}
	// Writes that never wait fail at once on an expired deadline.
	c.nc.SetWriteDeadline(time.Time{})
	return nil
}

// tryWrite is one write(2) on the non-blocking socket: what it takes. mu
// is held; the write's arguments and results live in the client so that a
// write allocates nothing.
func (c *client) tryWrite(b []byte) (int, error) {
	c.wb = b
	err := c.raw.Write(c.writeFD)
	n, werr := c.wn, c.werr
	c.wb, c.werr = nil, nil
	if err != nil {
		return 0, err
	}
	if werr == syscall.EAGAIN {
		return 0, nil
	}
	if werr != nil {
		return 0, werr
	}
	return n, nil
}

// writeTo is tryWrite's callback for raw.Write (bound once per client, as
// writeFD). The socket is non-blocking, so write(2) returns at once: it is
// made as a raw syscall, without telling the scheduler (syscall.Write
// would, and at fan-out rates the runtime's monitor then wakes every 20 µs
// to hand the P to another thread: a tenth of the server's CPU at 10,000
// displays, measured with perf).
func (c *client) writeTo(fd uintptr) bool {
	if len(c.wb) == 0 {
		c.wn, c.werr = 0, nil
		return true
	}
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&c.wb[0])), uintptr(len(c.wb)))
		switch errno {
		case 0:
			c.wn, c.werr = int(n), nil
			return true
		case syscall.EINTR:
			continue
		default:
			c.wn, c.werr = 0, errno
			return true // never wait for writability: drain does
		}
	}
}

func (c *client) written(n int, built time.Time, t *tally) {
	if t != nil {
		t.frames++
		t.bytes += int64(n)
		if !built.IsZero() {
			t.fanout.observe(&c.hub.Stats.Fanout, time.Since(built).Seconds())
		}
		return
	}
	st := &c.hub.Stats
	st.FramesWritten.Add(1)
	st.BytesWritten.Add(int64(n))
	if !built.IsZero() {
		st.Fanout.Observe(time.Since(built).Seconds())
	}
}

// tally counts writes of one fan-out goroutine, added to the hub's
// Stats once at its end.
type tally struct {
	frames, bytes int64
	fanout        localHistogram
}

func (t *tally) addTo(st *HubStats) {
	if t.frames > 0 {
		st.FramesWritten.Add(t.frames)
		st.BytesWritten.Add(t.bytes)
	}
	t.fanout.addTo(&st.Fanout)
}

// failed handles a write error (mu held): a write that timed out is a
// display too slow, anything else a connection gone.
func (c *client) failed(err error) {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.hub.Stats.SlowDisconnects.Add(1)
		c.hub.log.Info("display too slow: disconnected", "board", c.g.board, "variant", c.g.variant)
		c.close(CloseTooSlow, "too slow")
		return
	}
	c.broken = true
	c.close(0, "")
}

// close ends the connection with code (0: without a close message). The
// reader, woken by an expired read deadline (fasthttp closes a hijacked
// connection only when the handler returns), writes the close message.
func (c *client) close(code int, reason string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeReason = code, reason
		c.quit.Store(true)
		c.nc.SetReadDeadline(time.Now())
	})
}

func (s *StreamHandler) serve(conn *websocket.Conn, o *opening) {
	h := s.Hub
	view, resume := o.view, o.resume
	o.view = nil // the group holds the view; this connection must not
	c := &client{hub: h, ws: conn, nc: conn.NetConn(), owner: o.owner}
	if u, ok := c.nc.(interface{ UnsafeConn() net.Conn }); ok { // fasthttp's hijacked conn
		c.nc = u.UnsafeConn()
	}
	if sc, ok := c.nc.(syscall.Conn); ok {
		c.raw, _ = sc.SyscallConn()
		c.writeFD = c.writeTo
	}
	// Held from before the group can see c until hello, board and the
	// first frame are written: a tick meanwhile only sets pending.
	c.mu.Lock()
	g, err := h.join(context.Background(), c, view)
	board, variant := view.Board, view.Variant
	view = nil
	if err != nil {
		c.nc.SetWriteDeadline(time.Now().Add(time.Second))
		c.nc.Write(closeFrame(closeGoingAway, err.Error()))
		return
	}
	defer h.wg.Done()
	h.Stats.Displays.Add(1)
	h.Stats.Connects.Add(1)
	defer h.Stats.Displays.Add(-1)
	// The library's handlers would write from this goroutine behind the
	// back of mu: pongs are queued instead, a close is answered in kind.
	conn.SetPingHandler(func(data string) error {
		c.queue(wsFrame(0xA, []byte(data)))
		c.kick(nil)
		return nil
	})
	conn.SetCloseHandler(func(code int, _ string) error {
		if code == websocket.CloseNoStatusReceived {
			code = websocket.CloseNormalClosure
		}
		c.close(code, "")
		return nil
	})

	// hello, board and the first frame, written from here.
	// hello by hand: reflection-heavy encoding here would grow this
	// goroutine's stack, which it keeps for the connection's life.
	g.mu.Lock()
	hello := []byte(`{"type":"hello","protocol":`)
	hello = strconv.AppendInt(hello, ProtocolVersion, 10)
	hello = append(hello, `,"server_time":`...)
	hello = strconv.AppendInt(hello, h.store.Now(), 10)
	hello = append(hello, `,"board":`...)
	hello = appendJSONString(hello, board)
	hello = append(hello, `,"variant":`...)
	hello = appendJSONString(hello, variant)
	hello = append(hello, `,"revision":`...)
	hello = strconv.AppendInt(hello, g.view.Revision, 10)
	hello = append(hello, `,"refresh_ms":`...)
	hello = strconv.AppendInt(hello, g.view.Refresh.Milliseconds(), 10)
	hello = append(hello, `,"epoch":`...)
	hello = appendJSONString(hello, g.epoch)
	hello = append(hello, `,"seq":`...)
	hello = strconv.AppendUint(hello, g.seq, 10)
	hello = append(hello, '}')
	boardMsg := g.boardMsg
	g.mu.Unlock()
	if resume != nil && g.canResume(resume.epoch, resume.seq) {
		c.sent = resume.seq
	}
	if err := c.send(wsText(hello), time.Time{}, true, nil); err != nil {
		c.failed(err)
	} else if err := c.send(wsText(boardMsg), time.Time{}, true, nil); err != nil {
		c.failed(err)
	}
	c.pending.Store(true)
	c.flush(true, nil)

	c.readLoop()
	c.close(0, "")
	c.mu.Lock() // after a write in progress; kept: nothing else is written
	if c.closeCode != 0 && !c.broken {
		c.nc.SetWriteDeadline(time.Now().Add(time.Second))
		if c.closeCode == closeGoingAway {
			c.nc.Write(wsText([]byte(`{"type":"shutdown","reconnect_ms":1000}`)))
		}
		c.nc.Write(closeFrame(c.closeCode, c.closeReason))
	}
	g.leave(c)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// closeFrame is a close message with code and reason.
func closeFrame(code int, reason string) []byte {
	return wsFrame(0x8, websocket.FormatCloseMessage(code, reason))
}

func (c *client) readLoop() {
	cfg := c.hub.cfg
	c.ws.SetReadLimit(MaxClientMessage)
	for {
		c.nc.SetReadDeadline(time.Now().Add(cfg.PongTimeout))
		if c.quit.Load() { // close's expired deadline came before this one
			return
		}
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			if c.quit.Load() { // closing: close woke us
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.hub.Stats.IdleDisconnects.Add(1)
				c.close(CloseIdle, "no message within the pong timeout")
			}
			return
		}
		// Nearly every message is a pong: only a resume is decoded (JSON
		// decoding grows this long-lived goroutine's stack).
		if !bytes.Contains(msg, []byte(`"resume"`)) {
			continue
		}
		var m struct {
			Type  string `json:"type"`
			Epoch string `json:"epoch"`
			Seq   uint64 `json:"seq"`
		}
		if json.Unmarshal(msg, &m) != nil || m.Type != "resume" {
			continue
		}
		// Resume from here: this goroutine may wait for the socket.
		ok := c.g.canResume(m.Epoch, m.Seq)
		c.mu.Lock()
		c.sent = 0
		if ok {
			c.sent = m.Seq
		}
		c.pending.Store(true)
		c.flush(true, nil)
	}
}
