package screens

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
)

// MaxBodyBytes bounds the JSON bodies of the screens endpoints.
const MaxBodyBytes = 4096

// Control channel timing and limits.
const (
	// maxControlMessage bounds what a screen may send in one message.
	maxControlMessage = 4096
	// pingEvery keeps idle proxies from closing the channel; a screen that
	// sends nothing (not even pongs) for readTimeout is dropped.
	pingEvery   = 25 * time.Second
	readTimeout = 75 * time.Second
	// writeTimeout: a screen that cannot take a small message in this
	// long is disconnected (it reconnects and gets its assignment again).
	writeTimeout = 10 * time.Second
	// queueLength is the control messages waiting per channel: a few
	// commands; more means the screen is stuck, and it is disconnected.
	queueLength = 8
	// CloseRevoked is the close code of a revoked screen's channel.
	CloseRevoked = 4401
)

// Handler serves pairing (for screens), the screen's own status and control
// channel, and the screens console's API.
type Handler struct {
	Service *Service
	// OriginAllowed says whether a browser page at origin may open the
	// control channel of a server reached as host.
	OriginAllowed func(origin, host string) bool
	Log           *slog.Logger
}

// Register mounts the endpoints on r (the /api/v1 group).
func (h *Handler) Register(r fiber.Router) {
	r.Post("/pair", h.startPairing)
	r.Get("/pair/:secret", h.pairStatus)
	r.Get("/screen", h.self)
	r.Get("/screen/ws", h.wsCheck, fws.New(h.control, fws.Config{ReadBufferSize: 1024, WriteBufferSize: 1024}))
	r.Get("/screens", h.list)
	r.Post("/screens", h.pair)
	r.Post("/screens/switch", h.switchAll)
	r.Post("/screens/restore", h.restoreAll)
	r.Put("/screens/:id", h.update)
	r.Delete("/screens/:id", h.forget)
	r.Post("/screens/:id/revoke", h.revoke)
	r.Post("/screens/:id/reload", h.command(MsgReload))
	r.Post("/screens/:id/identify", h.command(MsgIdentify))
}

func (h *Handler) startPairing(c *fiber.Ctx) error {
	p, err := h.Service.StartPairing()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(p)
}

// pairAnswer is the answer of GET /api/v1/pair/{secret}.
type pairAnswer struct {
	Status string  `json:"status"` // "waiting" or "paired"
	Code   string  `json:"code"`
	Token  string  `json:"token,omitempty"`
	Screen *Screen `json:"screen,omitempty"`
	URL    string  `json:"url,omitempty"`
}

func (h *Handler) pairStatus(c *fiber.Ctx) error {
	code, token, sc, err := h.Service.PairStatus(c.Params("secret"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if token == "" {
		return c.JSON(pairAnswer{Status: "waiting", Code: code})
	}
	// The cookie authenticates the screen's pages, API calls and streams;
	// the page keeps the token too (localStorage) for its control channel.
	auth.SetDisplayCookie(c, token)
	return c.JSON(pairAnswer{Status: "paired", Code: code, Token: token, Screen: sc, URL: sc.Target.URL()})
}

// screenOf authenticates the display token the request carries.
func (h *Handler) screenOf(c *fiber.Ctx) (*Screen, error) {
	token, _ := auth.DisplayToken(c)
	if token == "" {
		return nil, errs.E(errs.Unauthorized, "token", "this browser is not a paired screen: open /pair to pair it")
	}
	sc, err := h.Service.Authenticate(c.UserContext(), token)
	if err != nil {
		if errs.CodeOf(err) == errs.Unauthorized {
			auth.ClearDisplayCookie(c, token)
		}
		return nil, err
	}
	if sc == nil {
		auth.ClearDisplayCookie(c, token)
		return nil, errs.E(errs.Unauthorized, "token", "this screen's token is not known here (forgotten, or another server): pair it again at /pair")
	}
	return sc, nil
}

func (h *Handler) self(c *fiber.Ctx) error {
	sc, err := h.screenOf(c)
	if err != nil {
		return err
	}
	if tok, inQuery := auth.DisplayToken(c); inQuery {
		auth.SetDisplayCookie(c, tok)
	}
	sc.URL = sc.Target.URL()
	sc.Online = h.Service.Online(sc.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(sc)
}

func (h *Handler) wsCheck(c *fiber.Ctx) error {
	if o := c.Get(fiber.HeaderOrigin); h.OriginAllowed != nil && !h.OriginAllowed(o, c.Hostname()) {
		return errs.E(errs.Forbidden, "Origin", "origin %q may not open a screen's control channel", o)
	}
	sc, err := h.screenOf(c)
	if err != nil {
		return err
	}
	if !fws.IsWebSocketUpgrade(c) {
		return errs.Invalidf("", "this endpoint is a websocket: a paired screen's control channel (docs/protocol.md)")
	}
	c.Locals("screen", sc)
	c.Locals("client", [2]string{clip(c.Get(fiber.HeaderUserAgent), 256), c.IP()})
	return c.Next()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// conn is one control channel: the handler's goroutine reads, one writer
// goroutine writes (fasthttp/websocket allows one writer at a time).
type conn struct {
	out  chan []byte // nil entry: close with CloseRevoked after what is queued
	done chan struct{}
	once sync.Once
}

func (c *conn) stop() { c.once.Do(func() { close(c.done) }) }

func (c *conn) stopAfterQueue() {
	select {
	case c.out <- nil:
	default:
		c.stop()
	}
}

// status is what a screen reports over its control channel.
type status struct {
	Type      string `json:"type"`
	Showing   string `json:"showing"`
	Errors    int64  `json:"errors"`
	LastError string `json:"last_error"`
	Reloads   int64  `json:"reloads"`
}

func (h *Handler) control(ws *fws.Conn) {
	sc := ws.Locals("screen").(*Screen)
	client := ws.Locals("client").([2]string)
	svc := h.Service
	c := &conn{out: make(chan []byte, queueLength), done: make(chan struct{})}
	svc.running.Add(1)
	defer svc.running.Done()
	svc.add(sc.ID, c)
	defer svc.remove(sc.ID, c)
	now := svc.now()
	if err := svc.store.RecordSeen(context.Background(), sc.ID, Report{At: now, UserAgent: client[0], Address: client[1]}); err != nil {
		h.Log.Warn("screen: record seen", "screen", sc.ID, "err", err)
	}
	lastWrite := now
	// The first message is the assignment, so a screen that reconnects
	// after being reassigned while offline moves on at once.
	c.out <- mustJSON(assign(sc))

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		ping := time.NewTicker(pingEvery)
		defer ping.Stop()
		for {
			select {
			case b := <-c.out:
				ws.SetWriteDeadline(time.Now().Add(writeTimeout))
				if b == nil {
					ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(CloseRevoked, "revoked — pair again"))
					ws.Close()
					return
				}
				if ws.WriteMessage(websocket.TextMessage, b) != nil {
					ws.Close()
					return
				}
			case <-ping.C:
				ws.SetWriteDeadline(time.Now().Add(writeTimeout))
				if ws.WriteMessage(websocket.PingMessage, nil) != nil {
					ws.Close()
					return
				}
			case <-c.done:
				ws.SetWriteDeadline(time.Now().Add(time.Second))
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server closing the channel"))
				ws.Close()
				return
			}
		}
	}()

	ws.SetReadLimit(maxControlMessage)
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(readTimeout)) })
	for {
		ws.SetReadDeadline(time.Now().Add(readTimeout))
		_, msg, err := ws.ReadMessage()
		if err != nil {
			break
		}
		var st status
		if json.Unmarshal(msg, &st) != nil || st.Type != "status" {
			continue // unknown messages are ignored: newer pages may send more
		}
		st.Errors, st.Reloads = max(st.Errors, 0), max(st.Reloads, 0)
		now := svc.now()
		if st.Errors == 0 && st.Reloads == 0 && now.Sub(lastWrite) < seenEvery && st.Showing == "" {
			continue
		}
		lastWrite = now
		r := Report{At: now, Showing: clip(st.Showing, 300), Errors: min(st.Errors, 1000), Reloads: min(st.Reloads, 1000),
			LastError: clip(st.LastError, MaxErrorText)}
		if err := svc.store.RecordSeen(context.Background(), sc.ID, r); err != nil {
			h.Log.Warn("screen: record report", "screen", sc.ID, "err", err)
		}
	}
	c.stop()
	<-writerDone
	if err := svc.store.RecordSeen(context.Background(), sc.ID, Report{At: svc.now()}); err != nil {
		h.Log.Warn("screen: record seen", "screen", sc.ID, "err", err)
	}
}

func mustJSON(m Message) []byte {
	b, _ := json.Marshal(m)
	return b
}

// listAnswer is the answer of GET /api/v1/screens.
type listAnswer struct {
	Screens []*Screen `json:"screens"`
	Groups  []string  `json:"groups"`
}

func (h *Handler) list(c *fiber.Ctx) error {
	all, err := h.Service.store.FindScreens(c.UserContext())
	if err != nil {
		return err
	}
	out := listAnswer{Screens: make([]*Screen, 0, len(all)), Groups: []string{}}
	for _, sc := range all {
		h.fill(sc)
		out.Screens = append(out.Screens, sc)
		if sc.Group != "" && !slices.ContainsFunc(out.Groups, func(g string) bool { return strings.EqualFold(g, sc.Group) }) {
			out.Groups = append(out.Groups, sc.Group)
		}
	}
	slices.SortFunc(out.Groups, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h *Handler) fill(sc *Screen) *Screen {
	sc.URL = sc.Target.URL()
	sc.Online = sc.RevokedAt == nil && h.Service.Online(sc.ID)
	return sc
}

func (h *Handler) pair(c *fiber.Ctx) error {
	var in NewScreen
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	sc, err := h.Service.Pair(c.UserContext(), in, auth.ActorName(c))
	if err != nil {
		return err
	}
	c.Location("/api/v1/screens/" + strconv.FormatInt(sc.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(h.fill(sc))
}

func screenID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errs.Invalidf("id", "%q is not a screen id (a positive whole number)", c.Params("id"))
	}
	return id, nil
}

func (h *Handler) update(c *fiber.Ctx) error {
	id, err := screenID(c)
	if err != nil {
		return err
	}
	var in ScreenUpdate
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	sc, err := h.Service.Update(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	h.Log.Info("screen changed", "screen", id, "name", sc.Name, "shows", sc.Target.URL(), "by", auth.ActorName(c))
	return c.JSON(h.fill(sc))
}

func (h *Handler) revoke(c *fiber.Ctx) error {
	id, err := screenID(c)
	if err != nil {
		return err
	}
	sc, err := h.Service.Revoke(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(h.fill(sc))
}

func (h *Handler) forget(c *fiber.Ctx) error {
	id, err := screenID(c)
	if err != nil {
		return err
	}
	if err := h.Service.Forget(c.UserContext(), id); err != nil {
		return err
	}
	h.Log.Info("screen forgotten", "screen", id, "by", auth.ActorName(c))
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) command(typ string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := screenID(c)
		if err != nil {
			return err
		}
		sc, err := h.Service.Command(c.UserContext(), id, typ)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusAccepted).JSON(h.fill(sc))
	}
}

// switchAnswer is the answer of switch and restore: the screens moved.
type switchAnswer struct {
	Screens []*Screen `json:"screens"`
}

func (h *Handler) switchAll(c *fiber.Ctx) error {
	var in Switch
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	out, err := h.Service.SwitchAll(c.UserContext(), in)
	if err != nil {
		return err
	}
	h.Log.Info("screens switched", "to", in.Target.URL(), "group", in.Group, "screens", len(out), "by", auth.ActorName(c))
	return c.JSON(h.answer(out))
}

func (h *Handler) restoreAll(c *fiber.Ctx) error {
	var in Switch
	if len(c.Body()) > 0 { // no body: every screen
		if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
			return err
		}
	}
	if in.Target != (Target{}) {
		return errs.Invalidf("target", "restore takes only group: each screen goes back to what it showed")
	}
	out, err := h.Service.RestoreAll(c.UserContext(), in.Group)
	if err != nil {
		return err
	}
	h.Log.Info("screens restored", "group", in.Group, "screens", len(out), "by", auth.ActorName(c))
	return c.JSON(h.answer(out))
}

func (h *Handler) answer(ss []*Screen) switchAnswer {
	out := switchAnswer{Screens: make([]*Screen, 0, len(ss))}
	for _, sc := range ss {
		out.Screens = append(out.Screens, h.fill(sc))
	}
	return out
}
