package stream

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

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
	writeBuffers   sync.Pool
}

// Register mounts the display stream on r (the /api/v1 group).
func (s *StreamHandler) Register(r fiber.Router) {
	r.Get("/stream", s.check, fws.New(s.serve, fws.Config{
		// Small read buffers: displays send little. Write buffers come from
		// a pool, held only while a frame is being written, so an idle
		// display holds none.
		ReadBufferSize:  512,
		WriteBufferSize: 4096,
		WriteBufferPool: &s.writeBuffers,
	}))
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

func (s *StreamHandler) check(c *fiber.Ctx) error {
	if !fws.IsWebSocketUpgrade(c) {
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
	if err != nil {
		return err
	}
	c.Locals("flexboard.view", view)
	if e, q := c.Query("epoch"), c.Query("seq"); e != "" && q != "" {
		seq, err := strconv.ParseUint(q, 10, 64)
		if err != nil {
			return errs.Invalidf("seq", "must be the sequence number of the last frame received")
		}
		c.Locals("flexboard.resume", resumePoint{e, seq})
	}
	err = c.Next() // the upgrade: it copies the locals into the websocket conn
	c.Locals("flexboard.view", nil)
	return err
}

// client is one connected display.
type client struct {
	hub  *Hub
	g    *group
	conn *websocket.Conn

	wake   chan struct{}    // one slot: the group has a new frame
	ctrl   chan []byte      // layout changes; bounded
	resume chan resumePoint // one slot: the display asked to resume
	quit   chan struct{}

	closeOnce   sync.Once
	closeCode   int
	closeReason string

	sent uint64 // last frame delivered; owned by the writer
}

func (c *client) wakeUp() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// sendControl queues a message; a display that has 8 pending is too slow.
func (c *client) sendControl(msg []byte) {
	select {
	case c.ctrl <- msg:
	default:
		c.hub.Stats.SlowDisconnects.Add(1)
		c.close(CloseTooSlow, "too slow")
	}
}

func (c *client) close(code int, reason string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeReason = code, reason
		close(c.quit)
	})
}

func (s *StreamHandler) serve(conn *fws.Conn) {
	h := s.Hub
	view, _ := conn.Locals("flexboard.view").(*View)
	if view == nil {
		return
	}
	c := &client{hub: h, conn: conn.Conn, wake: make(chan struct{}, 1), ctrl: make(chan []byte, 8),
		resume: make(chan resumePoint, 1), quit: make(chan struct{})}
	g, err := h.join(context.Background(), c, view)
	// The group holds the view; this connection's copy (~16 KB for a
	// 20-widget board) must not live as long as the connection.
	conn.Locals("flexboard.view", nil)
	board, variant := view.Board, view.Variant
	view = nil
	if err != nil {
		conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeGoingAway, err.Error()), time.Now().Add(time.Second))
		return
	}
	defer h.wg.Done()
	c.g = g
	if rp, ok := conn.Locals("flexboard.resume").(resumePoint); ok && g.canResume(rp.epoch, rp.seq) {
		c.sent = rp.seq
	}
	h.Stats.Displays.Add(1)
	h.Stats.Connects.Add(1)
	defer h.Stats.Displays.Add(-1)

	done := make(chan struct{})
	go func() {
		defer close(done)
		c.writeLoop(board, variant)
	}()
	c.readLoop()
	c.close(0, "")
	<-done
	g.leave(c)
}

func (c *client) readLoop() {
	cfg := c.hub.cfg
	c.conn.SetReadLimit(MaxClientMessage)
	for {
		c.conn.SetReadDeadline(time.Now().Add(cfg.PongTimeout))
		_, msg, err := c.conn.ReadMessage()
		if err != nil {
			select {
			case <-c.quit: // the writer is closing the connection
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.hub.Stats.IdleDisconnects.Add(1)
				c.close(CloseIdle, "no message within the pong timeout")
			}
			return
		}
		var m struct {
			Type  string `json:"type"`
			Epoch string `json:"epoch"`
			Seq   uint64 `json:"seq"`
		}
		if json.Unmarshal(msg, &m) != nil {
			continue
		}
		if m.Type == "resume" {
			select {
			case <-c.resume: // a newer request replaces a pending one
			default:
			}
			c.resume <- resumePoint{m.Epoch, m.Seq}
		}
	}
}

// writeLoop is the only goroutine that writes to the connection.
func (c *client) writeLoop(board, variant string) {
	h := c.hub
	// fasthttp closes a hijacked connection only when the handler returns
	// (Close on it does nothing), so the reader is woken with a deadline.
	defer c.conn.SetReadDeadline(time.Now())
	ping := time.NewTicker(h.cfg.PingInterval)
	defer ping.Stop()

	g := c.g
	g.mu.Lock()
	hello, _ := json.Marshal(map[string]any{
		"type": "hello", "protocol": ProtocolVersion, "server_time": h.store.Now(),
		"board": board, "variant": variant, "revision": g.view.Revision,
		"refresh_ms": g.view.Refresh.Milliseconds(), "epoch": g.epoch, "seq": g.seq,
	})
	boardMsg := g.boardMsg
	g.mu.Unlock()
	if c.write(hello, time.Time{}) != nil || c.write(boardMsg, time.Time{}) != nil || c.deliver() != nil {
		c.close(0, "")
		return
	}
	for {
		var err error
		select {
		case <-c.quit:
			if c.closeCode == closeGoingAway {
				c.write([]byte(`{"type":"shutdown","reconnect_ms":1000}`), time.Time{})
			}
			if c.closeCode != 0 {
				c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, c.closeReason), time.Now().Add(time.Second))
			}
			return
		case msg := <-c.ctrl:
			err = c.write(msg, time.Time{})
		case rp := <-c.resume:
			if !g.canResume(rp.epoch, rp.seq) {
				rp.seq = 0
			}
			c.sent = rp.seq
			err = c.deliver()
		case <-c.wake:
			err = c.deliver()
		case <-ping.C:
			err = c.write([]byte(`{"type":"ping","ts":`+strconv.FormatInt(h.store.Now(), 10)+`}`), time.Time{})
		}
		if err != nil {
			c.close(0, "")
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				h.Stats.SlowDisconnects.Add(1)
				h.log.Info("display too slow: disconnected", "board", g.board, "variant", g.variant)
				c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseTooSlow, "too slow"), time.Now().Add(100*time.Millisecond))
			}
			return
		}
	}
}

// deliver sends the display what it lacks. Pending layout messages go
// first: the group queues a "board" message before it publishes the frame
// computed for that layout, so draining them here keeps a display from
// getting data of a widget before the layout that places it.
func (c *client) deliver() error {
	for {
		select {
		case msg := <-c.ctrl:
			if err := c.write(msg, time.Time{}); err != nil {
				return err
			}
			continue
		default:
		}
		break
	}
	msg, seq, built := c.g.next(c.sent)
	if msg == nil {
		return nil
	}
	if err := c.write(msg, built); err != nil {
		return err
	}
	c.sent = seq
	return nil
}

func (c *client) write(msg []byte, built time.Time) error {
	c.conn.SetWriteDeadline(time.Now().Add(c.hub.cfg.WriteTimeout))
	if err := c.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
		return err
	}
	st := &c.hub.Stats
	st.FramesWritten.Add(1)
	st.BytesWritten.Add(int64(len(msg)))
	if !built.IsZero() {
		st.Fanout.Observe(time.Since(built).Seconds())
	}
	return nil
}
