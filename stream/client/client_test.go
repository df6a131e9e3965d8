package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/stream/client"
	"github.com/flexboard/flexboard/widgets"
)

// deadline bounds every wait: a failure, never a timing assertion.
const deadline = 30 * time.Second

// fakeBoards is a stream.BoardLoader over views the test sets.
type fakeBoards struct {
	mu    sync.Mutex
	views map[string]*stream.View
}

func newBoards(views ...*stream.View) *fakeBoards {
	b := &fakeBoards{views: map[string]*stream.View{}}
	for _, v := range views {
		b.views[v.Board] = v
	}
	return b
}

func (b *fakeBoards) LoadView(_ context.Context, board, _ string) (*stream.View, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v := b.views[board]
	if v == nil {
		return nil, errs.NotFoundf("no board with id %q", board)
	}
	cp := *v
	return &cp, nil
}

func (b *fakeBoards) remove(board string) {
	b.mu.Lock()
	delete(b.views, board)
	b.mu.Unlock()
}

// cpuView is a board with one widget "w" showing the metric cpu.
func cpuView(board string, refresh time.Duration) *stream.View {
	q, err := widgets.Query{Metric: "cpu"}.Compile()
	if err != nil {
		panic(err)
	}
	return &stream.View{Board: board, Variant: "16:9", Revision: 1, Refresh: refresh,
		Layout:  json.RawMessage(`{"id":"` + board + `","name":"test"}`),
		Widgets: []stream.ViewWidget{statWidget("w", q)}}
}

// statWidget is a stat widget showing q alone (no sparkline, no delta).
func statWidget(id string, q *widgets.Compiled) stream.ViewWidget {
	k := widgets.Builtin().Lookup("stat")
	cfg, err := k.ParseConfig(json.RawMessage(`{"sparkline":"off","compare":"off"}`))
	if err != nil {
		panic(err)
	}
	return stream.ViewWidget{ID: id, Title: id, Kind: k, Config: cfg, Queries: []*widgets.Compiled{q}}
}

// server is a real Flexboard stream and ingest server on loopback.
type server struct {
	URL  string
	Addr string
	Hub  *stream.Hub
	app  *fiber.App
	ln   *trackingListener
	once sync.Once
}

// trackingListener remembers its connections so that stop can end them
// as a process exit would: Fiber's shutdown leaves hijacked (websocket)
// connections open, and the hub closes only display streams.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
}

// startServer starts a server on addr ("127.0.0.1:0" for any port) with a
// fresh store; it stops at test end unless stopped before.
func startServer(t *testing.T, addr string, boards stream.BoardLoader, cfg stream.HubConfig) *server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := stream.NewStore(stream.DefaultLimits(), nil)
	hub := stream.NewHub(cfg, store, boards, log)
	app := fiber.New(fiber.Config{DisableStartupMessage: true, Immutable: true, ErrorHandler: httpx.ErrorHandler(log)})
	api := app.Group("/api/v1")
	(&stream.IngestHandler{Store: store, Log: log}).Register(api)
	(&stream.StreamHandler{Hub: hub}).Register(api)
	var ln net.Listener
	var err error
	// The port of a server just stopped can take a moment to be free.
	for end := time.Now().Add(deadline); ; time.Sleep(50 * time.Millisecond) {
		if ln, err = net.Listen("tcp", addr); err == nil || time.Now().After(end) {
			break
		}
	}
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	tl := &trackingListener{Listener: ln}
	go app.Listener(tl)
	s := &server{URL: "http://" + ln.Addr().String(), Addr: ln.Addr().String(), Hub: hub, app: app, ln: tl}
	t.Cleanup(s.stop)
	return s
}

// stop shuts the server down the way flexboard serve does (displays are
// told and closed with GoingAway, then the app stops) and then ends what
// is left open, as the process exiting would.
func (s *server) stop() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Hub.Shutdown(ctx)
		s.app.ShutdownWithTimeout(5 * time.Second)
		s.ln.closeAll()
	})
}

func subscribe(t *testing.T, opts client.Options) *client.Subscription {
	t.Helper()
	sub, err := client.Subscribe(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Close() })
	return sub
}

// next returns the next frame or fails the test.
func next(t *testing.T, sub *client.Subscription) client.Frame {
	t.Helper()
	select {
	case f, ok := <-sub.Frames():
		if !ok {
			t.Fatalf("Frames closed; subscription stopped with %v", sub.Err())
		}
		return f
	case <-time.After(deadline):
		t.Fatalf("no frame within %s; state %+v", deadline, sub.State())
	}
	return client.Frame{}
}

// value returns the value of stat widget w, if it has one.
func value(f client.Frame, w string) (float64, bool) {
	var d struct {
		Data struct {
			Value *float64 `json:"value"`
		} `json:"data"`
	}
	if json.Unmarshal(f.Widgets[w], &d) != nil || d.Data.Value == nil {
		return 0, false
	}
	return *d.Data.Value, true
}

// waitValue reads frames until widget w shows want, and returns that frame.
func waitValue(t *testing.T, sub *client.Subscription, w string, want float64) client.Frame {
	t.Helper()
	for end := time.Now().Add(deadline); time.Now().Before(end); {
		f := next(t, sub)
		if v, ok := value(f, w); ok && v == want {
			return f
		}
	}
	t.Fatalf("widget %s did not show %v within %s", w, want, deadline)
	return client.Frame{}
}

func push(t *testing.T, p *client.Pusher, v float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	ack, err := p.Push(ctx, client.Batch{Points: []client.Point{{Metric: "cpu", Labels: map[string]string{"host": "a"}, Value: v}}})
	if err != nil {
		t.Fatalf("push %v: %v", v, err)
	}
	if ack.Accepted != 1 || ack.Rejected != 0 {
		t.Fatalf("push %v: ack %+v", v, ack)
	}
}

func newPusher(t *testing.T, url string) *client.Pusher {
	t.Helper()
	p, err := client.NewPusher(context.Background(), url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestSubscribeHelloBoardSnapshotUpdate(t *testing.T) {
	srv := startServer(t, "127.0.0.1:0", newBoards(cpuView("b1", 50*time.Millisecond)), stream.DefaultHubConfig())
	sub := subscribe(t, client.Options{URL: srv.URL, Board: "b1"})

	hello := next(t, sub)
	if hello.Type != "hello" || hello.BoardID != "b1" || hello.Variant != "16:9" || hello.Protocol != stream.ProtocolVersion ||
		hello.RefreshMS != 50 || hello.Epoch == "" || hello.ServerTime == 0 || hello.ReceivedAt.IsZero() {
		t.Fatalf("first frame = %+v, want hello of b1", hello)
	}
	if st := sub.State(); st.State != client.Live {
		t.Errorf("state after hello = %v, want live", st.State)
	}
	board := next(t, sub)
	if board.Type != "board" || string(board.Layout) != `{"id":"b1","name":"test"}` || board.Revision != 1 {
		t.Fatalf("second frame = %+v, want the board", board)
	}
	snap := next(t, sub)
	if snap.Type != "snapshot" || snap.Epoch != hello.Epoch || snap.Seq == 0 {
		t.Fatalf("third frame = %+v, want a snapshot of epoch %s", snap, hello.Epoch)
	}
	if _, ok := snap.Widgets["w"]; !ok {
		t.Fatalf("snapshot widgets = %v, want w", snap.Widgets)
	}

	push(t, newPusher(t, srv.URL), 42)
	up := waitValue(t, sub, "w", 42)
	if up.Type != "update" || up.Epoch != hello.Epoch || up.Seq <= snap.Seq || up.IngestTS == 0 {
		t.Fatalf("frame with 42 = %+v, want an update after the snapshot with ingest_ts", up)
	}
	if e, s := sub.Position(); e != up.Epoch || s < up.Seq {
		t.Errorf("Position = %s/%d, want %s/%d or later", e, s, up.Epoch, up.Seq)
	}
}

// TestSubscribeReconnectsAfterRestart stops the server and starts a new one
// on the same port: the subscription comes back by itself, gets the new
// run's snapshot and live updates again.
func TestSubscribeReconnectsAfterRestart(t *testing.T) {
	srv := startServer(t, "127.0.0.1:0", newBoards(cpuView("b1", 50*time.Millisecond)), stream.DefaultHubConfig())
	var states []client.StateChange
	var mu sync.Mutex
	sub := subscribe(t, client.Options{URL: srv.URL, Board: "b1", OnState: func(c client.StateChange) {
		mu.Lock()
		states = append(states, c)
		mu.Unlock()
	}})
	p := newPusher(t, srv.URL)
	hello := next(t, sub)
	push(t, p, 1)
	waitValue(t, sub, "w", 1)

	srv.stop()
	srv2 := startServer(t, srv.Addr, newBoards(cpuView("b1", 50*time.Millisecond)), stream.DefaultHubConfig())

	var shutdown, hello2 client.Frame
	for hello2.Type != "hello" {
		f := next(t, sub)
		switch f.Type {
		case "shutdown":
			shutdown = f
		case "hello":
			hello2 = f
		}
	}
	if shutdown.ReconnectMS <= 0 {
		t.Errorf("no shutdown message with reconnect_ms before the new hello (got %+v)", shutdown)
	}
	if hello2.Epoch == hello.Epoch {
		t.Fatalf("new server has the old epoch %s", hello.Epoch)
	}
	if f := next(t, sub); f.Type != "board" {
		t.Fatalf("after the new hello: %+v, want board", f)
	}
	if f := next(t, sub); f.Type != "snapshot" || f.Epoch != hello2.Epoch {
		t.Fatalf("after the new board: %+v, want a snapshot of the new epoch (not a resume)", f)
	}
	push(t, p, 2) // the pusher's connection broke too: it redials
	if f := waitValue(t, sub, "w", 2); f.Type != "update" || f.Epoch != hello2.Epoch {
		t.Fatalf("frame with 2 = %+v, want an update of the new epoch", f)
	}
	if got := srv2.Hub.Stats.Connects.Load(); got != 1 {
		t.Errorf("new server saw %d connects, want 1", got)
	}

	mu.Lock()
	defer mu.Unlock()
	var sawReconnecting bool
	for _, c := range states {
		if c.State == client.Reconnecting {
			sawReconnecting = true
			var ce *client.CloseError
			if !errors.As(c.Err, &ce) || ce.Code != client.CloseGoingAway {
				t.Errorf("first reconnect because of %v, want a GoingAway close", c.Err)
			}
			break
		}
	}
	if !sawReconnecting {
		t.Errorf("states %v: no reconnecting", states)
	}
}

// TestSubscribeSlowConsumer leaves Frames unread while the board ticks
// every 20 ms: the network side keeps reading (the server never finds the
// display slow), and the consumer then gets the waiting frames coalesced,
// with the latest data.
func TestSubscribeSlowConsumer(t *testing.T) {
	srv := startServer(t, "127.0.0.1:0", newBoards(cpuView("b1", 20*time.Millisecond)), stream.DefaultHubConfig())
	sub := subscribe(t, client.Options{URL: srv.URL, Board: "b1", Buffer: 4})
	p := newPusher(t, srv.URL)
	for v := 1; v <= 20; v++ {
		push(t, p, float64(v))
		time.Sleep(5 * time.Millisecond)
	}
	push(t, p, 777)
	_, seq0 := waitPosition(t, sub, 1)
	waitPosition(t, sub, seq0+100) // 100 frames read off the network; none taken

	if f := next(t, sub); f.Type != "hello" {
		t.Fatalf("first frame %+v, want hello", f)
	}
	if f := next(t, sub); f.Type != "board" {
		t.Fatalf("second frame %+v, want board", f)
	}
	f := next(t, sub)
	if f.Type != "snapshot" || f.Coalesced < 100 {
		t.Fatalf("third frame: %s seq %d coalescing %d frames, want the snapshot with ≥ 100 updates merged", f.Type, f.Seq, f.Coalesced)
	}
	if v, ok := value(f, "w"); !ok || v != 777 {
		t.Fatalf("coalesced snapshot shows %v (%v), want the latest value 777: %s", v, ok, f.Widgets["w"])
	}
	if n := sub.Dropped(); n != 0 {
		t.Errorf("Dropped = %d, want 0 (coalescing loses nothing)", n)
	}
	if n := srv.Hub.Stats.SlowDisconnects.Load(); n != 0 {
		t.Errorf("the server disconnected %d slow displays", n)
	}
	if n := srv.Hub.Stats.Connects.Load(); n != 1 {
		t.Errorf("%d connects, want 1", n)
	}
}

func waitPosition(t *testing.T, sub *client.Subscription, seq uint64) (string, uint64) {
	t.Helper()
	for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if e, s := sub.Position(); s >= seq {
			return e, s
		}
	}
	t.Fatalf("position did not reach seq %d within %s (state %+v)", seq, deadline, sub.State())
	return "", 0
}

func TestSubscribeStopsWhenBoardDeleted(t *testing.T) {
	boards := newBoards(cpuView("b1", 50*time.Millisecond))
	srv := startServer(t, "127.0.0.1:0", boards, stream.DefaultHubConfig())
	sub := subscribe(t, client.Options{URL: srv.URL, Board: "b1"})
	if f := next(t, sub); f.Type != "hello" {
		t.Fatalf("first frame %+v", f)
	}
	boards.remove("b1")
	srv.Hub.BoardChanged("b1")
	select {
	case <-sub.Done():
	case <-time.After(deadline):
		t.Fatalf("still running after the board was deleted: %+v", sub.State())
	}
	err := sub.Err()
	var ce *client.CloseError
	if !errors.Is(err, client.ErrBoardDeleted) || !errors.As(err, &ce) || ce.Code != 4404 || ce.Reason != "board deleted" {
		t.Fatalf("Err = %v, want close 4404 board deleted", err)
	}
	if st := sub.State(); st.State != client.Stopped || st.Err != err {
		t.Errorf("State = %+v, want stopped with the error", st)
	}
	for range sub.Frames() { // the frames before the close, then closed
	}
	var last client.StateChange
	for c := range sub.States() {
		last = c
	}
	if last.State != client.Stopped {
		t.Errorf("last state change %+v, want stopped", last)
	}
}

func TestSubscribeUnknownBoardStops(t *testing.T) {
	srv := startServer(t, "127.0.0.1:0", newBoards(), stream.DefaultHubConfig())
	sub := subscribe(t, client.Options{URL: srv.URL, Board: "nope"})
	select {
	case <-sub.Done():
	case <-time.After(deadline):
		t.Fatalf("still running: %+v", sub.State())
	}
	var he *client.HTTPError
	if !errors.As(sub.Err(), &he) || he.Status != 404 || he.Code != "not_found" || he.Message != `no board with id "nope"` {
		t.Fatalf("Err = %#v, want the server's 404", sub.Err())
	}
}

// scripted is a fake stream server: each connection runs the next step.
type scripted struct {
	URL   string
	steps chan func(c *fws.Conn, q url.Values)
}

func startScripted(t *testing.T) *scripted {
	t.Helper()
	s := &scripted{steps: make(chan func(*fws.Conn, url.Values), 8)}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/api/v1/stream", func(c *fiber.Ctx) error {
		c.Locals("q", string(c.Request().URI().QueryString()))
		return c.Next()
	}, fws.New(func(c *fws.Conn) {
		q, _ := url.ParseQuery(c.Locals("q").(string))
		select {
		case step := <-s.steps:
			step(c, q)
		case <-time.After(deadline):
		}
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.ShutdownWithTimeout(time.Second) })
	s.URL = "http://" + ln.Addr().String()
	return s
}

func closeWith(c *fws.Conn, code int, reason string) {
	c.WriteControl(fws.CloseMessage, fws.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.Close()
}

// TestSubscribeProtocol plays the server's side of docs/protocol.md: pings
// are answered, the clock offset comes from hello, reconnects resume at
// the last frame, shutdown is honoured and 4404 stops.
func TestSubscribeProtocol(t *testing.T) {
	srv := startScripted(t)
	got := make(chan string, 16)
	ahead := time.Hour
	srv.steps <- func(c *fws.Conn, q url.Values) {
		got <- "1 query " + q.Encode()
		c.WriteMessage(fws.TextMessage, fmt.Appendf(nil, `{"type":"hello","protocol":1,"server_time":%d,"board":"b","variant":"v","epoch":"e1","seq":4}`, time.Now().Add(ahead).UnixMilli()))
		c.WriteMessage(fws.TextMessage, []byte(`{"type":"snapshot","epoch":"e1","seq":5,"ts":1,"ingest_ts":0,"widgets":{}}`))
		c.WriteMessage(fws.TextMessage, []byte(`{"type":"ping","ts":123}`))
		_, msg, err := c.ReadMessage()
		got <- fmt.Sprintf("1 read %s %v", msg, err)
		closeWith(c, 4008, "too slow")
	}
	srv.steps <- func(c *fws.Conn, q url.Values) {
		got <- "2 query " + q.Encode()
		c.WriteMessage(fws.TextMessage, []byte(`{"type":"hello","protocol":1,"server_time":1,"board":"b","epoch":"e1","seq":6}`))
		c.WriteMessage(fws.TextMessage, []byte(`{"type":"update","epoch":"e1","seq":6,"ts":2,"ingest_ts":3,"widgets":{"x":{"state":"nodata","data":{"value":null}}}}`))
		c.WriteMessage(fws.TextMessage, []byte(`{"type":"shutdown","reconnect_ms":20}`))
		closeWith(c, 1001, "server shutting down")
	}
	srv.steps <- func(c *fws.Conn, q url.Values) {
		got <- "3 query " + q.Encode()
		closeWith(c, 4404, "board deleted")
	}
	sub := subscribe(t, client.Options{URL: srv.URL, Board: "b", Variant: "v", MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})

	want := []string{
		"1 query board=b&variant=v",
		`1 read {"type":"pong","ts":123} <nil>`,
		"2 query board=b&epoch=e1&seq=5&variant=v",
		"3 query board=b&epoch=e1&seq=6&variant=v",
	}
	for _, w := range want {
		select {
		case g := <-got:
			if g != w {
				t.Fatalf("server saw %q, want %q", g, w)
			}
		case <-time.After(deadline):
			t.Fatalf("server did not see %q", w)
		}
	}
	<-sub.Done()
	if !errors.Is(sub.Err(), client.ErrBoardDeleted) {
		t.Fatalf("Err = %v, want board deleted", sub.Err())
	}
	if off := sub.ClockOffset(); off < ahead-5*time.Second || off > ahead+time.Second {
		t.Errorf("ClockOffset = %s, want about %s", off, ahead)
	}
	var types []string
	for f := range sub.Frames() {
		types = append(types, f.Type)
	}
	if fmt.Sprint(types) != "[hello snapshot hello update shutdown]" {
		t.Errorf("frames %v", types)
	}
	var reasons []string
	for c := range sub.States() {
		if c.State == client.Reconnecting {
			reasons = append(reasons, c.Err.Error())
		}
	}
	if fmt.Sprint(reasons) != "[closed by the server with code 4008: too slow closed by the server with code 1001: server shutting down]" {
		t.Errorf("reconnect reasons %q", reasons)
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, time.Second, 2 * time.Second},
		{1, 2 * time.Second, 4 * time.Second},
		{2, 4 * time.Second, 8 * time.Second},
		{4, 15 * time.Second, 30 * time.Second},
		{5, 15 * time.Second, 30 * time.Second},
		{100, 15 * time.Second, 30 * time.Second},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint("Attempt", c.attempt), func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 200 {
				d := client.Backoff(c.attempt, time.Second, 30*time.Second)
				if d < c.min || d > c.max {
					t.Fatalf("delay %s outside [%s, %s]", d, c.min, c.max)
				}
				seen[d] = true
			}
			if len(seen) < 100 {
				t.Errorf("only %d distinct delays in 200: not jittered", len(seen))
			}
		})
	}
}

func TestSubscribeOptionsRejected(t *testing.T) {
	cases := []struct {
		name string
		opts client.Options
		msg  string
	}{
		{"NoBoard", client.Options{URL: "http://127.0.0.1:1"}, "subscribe: Board is required"},
		{"WebsocketURL", client.Options{URL: "ws://127.0.0.1:1", Board: "b"}, `subscribe: URL "ws://127.0.0.1:1" must be the server's base URL, such as http://127.0.0.1:8080`},
		{"NoHost", client.Options{URL: "http://", Board: "b"}, `subscribe: URL "http://" must be the server's base URL, such as http://127.0.0.1:8080`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := client.Subscribe(context.Background(), c.opts)
			if err == nil || err.Error() != c.msg {
				t.Fatalf("err = %v, want %q", err, c.msg)
			}
		})
	}
}

// TestConstantsMatchServer keeps the client's copies of server constants
// honest (the client does not import the server).
func TestConstantsMatchServer(t *testing.T) {
	if client.MaxBody != stream.MaxIngestBody {
		t.Errorf("MaxBody %d, server %d", client.MaxBody, stream.MaxIngestBody)
	}
	if client.CloseBoardGone != stream.CloseBoardGone || client.CloseTooSlow != stream.CloseTooSlow || client.CloseIdle != stream.CloseIdle {
		t.Errorf("close codes differ from the server's")
	}
}
