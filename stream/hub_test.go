package stream_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/widgets"
)

// hubLoader is a BoardLoader over views set by the test.
type hubLoader struct {
	mu    sync.Mutex
	views map[string]*stream.View
}

func (l *hubLoader) LoadView(_ context.Context, board, variant string) (*stream.View, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := l.views[board]
	if v == nil {
		return nil, errs.NotFoundf("no board with id %q", board)
	}
	cp := *v
	return &cp, nil
}

func (l *hubLoader) set(v *stream.View) {
	l.mu.Lock()
	l.views[v.Board] = v
	l.mu.Unlock()
}

func (l *hubLoader) remove(board string) {
	l.mu.Lock()
	delete(l.views, board)
	l.mu.Unlock()
}

// hubServer is a real server on 127.0.0.1 with a store and a hub.
type hubServer struct {
	URL    string
	Store  *stream.Store
	Hub    *stream.Hub
	Loader *hubLoader
	app    *fiber.App
}

func startHub(t *testing.T, cfg stream.HubConfig, views ...*stream.View) *hubServer {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := stream.NewStore(stream.DefaultLimits(), nil)
	loader := &hubLoader{views: map[string]*stream.View{}}
	for _, v := range views {
		loader.set(v)
	}
	hub := stream.NewHub(cfg, store, loader, log)
	app := fiber.New(fiber.Config{DisableStartupMessage: true, Immutable: true, ErrorHandler: httpx.ErrorHandler(log)})
	api := app.Group("/api/v1")
	(&stream.IngestHandler{Store: store, Log: log}).Register(api)
	(&stream.StreamHandler{Hub: hub, AllowedOrigins: []string{"https://wall.example"}}).Register(api)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	s := &hubServer{URL: "http://" + ln.Addr().String(), Store: store, Hub: hub, Loader: loader, app: app}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
		app.ShutdownWithTimeout(5 * time.Second)
	})
	return s
}

func hubView(board string, refresh time.Duration, metrics ...string) *stream.View {
	v := &stream.View{Board: board, Variant: "16:9", Revision: 1, Refresh: refresh, Layout: json.RawMessage(`{"id":"` + board + `"}`)}
	for _, m := range metrics {
		q, err := widgets.Query{Metric: m}.Compile()
		if err != nil {
			panic(err)
		}
		v.Widgets = append(v.Widgets, statWidget("w-"+m, q))
	}
	return v
}

// hubMsg is any server message.
type hubMsg struct {
	Type        string                     `json:"type"`
	Epoch       string                     `json:"epoch"`
	Seq         uint64                     `json:"seq"`
	IngestTS    int64                      `json:"ingest_ts"`
	Revision    int64                      `json:"revision"`
	Widgets     map[string]json.RawMessage `json:"widgets"`
	ReconnectMS int                        `json:"reconnect_ms"`
}

type hubConn struct {
	t *testing.T
	c *websocket.Conn
}

func dialHub(t *testing.T, url string, header http.Header) (*hubConn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, strings.Replace(url, "http://", "ws://", 1), &websocket.DialOptions{HTTPHeader: header})
	if err != nil {
		return nil, res, err
	}
	c.SetReadLimit(64 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return &hubConn{t: t, c: c}, res, nil
}

func mustDial(t *testing.T, s *hubServer, query string) *hubConn {
	t.Helper()
	c, _, err := dialHub(t, s.URL+"/api/v1/stream?"+query, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

// read returns the next message, or fails after 10 s.
func (h *hubConn) read() hubMsg {
	h.t.Helper()
	m, err := h.tryRead(10 * time.Second)
	if err != nil {
		h.t.Fatalf("read: %v", err)
	}
	return m
}

func (h *hubConn) tryRead(d time.Duration) (hubMsg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, b, err := h.c.Read(ctx)
	if err != nil {
		return hubMsg{}, err
	}
	var m hubMsg
	if err := json.Unmarshal(b, &m); err != nil {
		h.t.Fatalf("not JSON: %s", b)
	}
	if m.Type == "ping" { // as a display does
		h.c.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
	}
	return m, nil
}

// until reads messages until one satisfies ok.
func (h *hubConn) until(what string, ok func(hubMsg) bool) hubMsg {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		m, err := h.tryRead(time.Until(deadline))
		if err != nil {
			h.t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok(m) {
			return m
		}
	}
	h.t.Fatalf("no %s within 15 s", what)
	return hubMsg{}
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

// rawWidget is a widget of a test kind whose data is its query results as
// they are: 2,000 series make a big frame.
func rawWidget(id string, q *widgets.Compiled) stream.ViewWidget {
	k := &widgets.Kind{Name: "raw", MaxQueries: 1, Shape: func(_ widgets.Config, in widgets.Input) widgets.Output {
		return widgets.Output{State: widgets.StateOK, Data: in.Results}
	}}
	return stream.ViewWidget{ID: id, Title: id, Kind: k, Config: widgets.Config{}, Queries: []*widgets.Compiled{q}}
}

// widgetValue reads a stat widget's value from its frame data (-1: none).
func widgetValue(t *testing.T, raw json.RawMessage) float64 {
	t.Helper()
	var d struct {
		State string `json:"state"`
		Data  struct {
			Value *float64 `json:"value"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &d); err != nil || d.State == "" {
		t.Fatalf("widget data %s: %v", raw, err)
	}
	if d.Data.Value == nil {
		return -1
	}
	return *d.Data.Value
}

func hubIngest(t *testing.T, s *hubServer, body string) {
	t.Helper()
	res, err := http.Post(s.URL+"/api/v1/ingest/prometheus", "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `"rejected":0`) {
		t.Fatalf("ingest: %d %s", res.StatusCode, b)
	}
}

func fastHub() stream.HubConfig {
	c := stream.DefaultHubConfig()
	c.PingInterval = 200 * time.Millisecond
	return c
}

// TestStreamDeliversIngestedData: hello, board, snapshot; then a value
// ingested over HTTP arrives in an update frame with its ingest time.
func TestStreamDeliversIngestedData(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu", "mem"))
	c := mustDial(t, s, "board=b1")
	hello := c.read()
	if hello.Type != "hello" || hello.Epoch == "" {
		t.Fatalf("first message = %+v", hello)
	}
	if b := c.read(); b.Type != "board" || b.Revision != 1 {
		t.Fatalf("second message = %+v", b)
	}
	snap := c.read()
	if snap.Type != "snapshot" || len(snap.Widgets) != 2 || snap.Epoch != hello.Epoch {
		t.Fatalf("third message = %+v", snap)
	}
	if v := widgetValue(t, snap.Widgets["w-cpu"]); v != -1 {
		t.Fatalf("cpu before any data = %v", v)
	}
	before := time.Now().UnixMilli()
	hubIngest(t, s, "cpu 42\n")
	m := c.until("cpu=42", func(m hubMsg) bool {
		return m.Type == "update" && m.Widgets["w-cpu"] != nil && widgetValue(t, m.Widgets["w-cpu"]) == 42
	})
	if m.IngestTS < before || m.IngestTS > time.Now().UnixMilli() {
		t.Fatalf("ingest_ts %d not within the ingest", m.IngestTS)
	}
	if _, ok := m.Widgets["w-mem"]; ok {
		t.Fatalf("unchanged widget mem was sent again: %v", m.Widgets)
	}
	// Frames keep coming, one per tick, sequence without gaps.
	a := c.until("update", func(m hubMsg) bool { return m.Type == "update" })
	b := c.until("update", func(m hubMsg) bool { return m.Type == "update" })
	if b.Seq != a.Seq+1 {
		t.Fatalf("seq %d then %d", a.Seq, b.Seq)
	}
}

func TestStreamPingPong(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", time.Second, "cpu"))
	c := mustDial(t, s, "board=b1")
	c.until("ping", func(m hubMsg) bool { return m.Type == "ping" })
}

// TestStreamSameFrameForAll: displays of a board get identical frames.
func TestStreamSameFrameForAll(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu"))
	a, b := mustDial(t, s, "board=b1"), mustDial(t, s, "board=b1")
	hubIngest(t, s, "cpu 7\n")
	got := map[uint64]string{}
	for _, c := range []*hubConn{a, b} {
		m := c.until("cpu=7", func(m hubMsg) bool {
			return m.Type == "update" && m.Widgets["w-cpu"] != nil && widgetValue(t, m.Widgets["w-cpu"]) == 7
		})
		if prev, ok := got[m.Seq]; ok && prev != string(m.Widgets["w-cpu"]) {
			t.Fatalf("frame %d differs between displays", m.Seq)
		}
		got[m.Seq] = string(m.Widgets["w-cpu"])
	}
}

// TestStreamBoardChange: a layout change reaches the display as a board
// message, and the new widget's data follows.
func TestStreamBoardChange(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu"))
	c := mustDial(t, s, "board=b1")
	c.until("snapshot", func(m hubMsg) bool { return m.Type == "snapshot" })
	hubIngest(t, s, "disk 3\n")
	v := hubView("b1", 50*time.Millisecond, "cpu", "disk")
	v.Revision = 2
	s.Loader.set(v)
	s.Hub.BoardChanged("b1")
	if m := c.until("board", func(m hubMsg) bool { return m.Type == "board" }); m.Revision != 2 {
		t.Fatalf("board revision %d", m.Revision)
	}
	c.until("disk data", func(m hubMsg) bool { return m.Widgets["w-disk"] != nil && widgetValue(t, m.Widgets["w-disk"]) == 3 })
}

func TestStreamBoardDeleted(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu"))
	c := mustDial(t, s, "board=b1")
	c.until("snapshot", func(m hubMsg) bool { return m.Type == "snapshot" })
	s.Loader.remove("b1")
	s.Hub.BoardChanged("b1")
	for {
		_, err := c.tryRead(10 * time.Second)
		if err == nil {
			continue
		}
		if websocket.CloseStatus(err) != stream.CloseBoardGone {
			t.Fatalf("closed with %v, want %d", err, stream.CloseBoardGone)
		}
		return
	}
}

// TestStreamResume: a display that reconnects with its epoch and seq gets
// the missed changes as one update, not a snapshot; with an unknown epoch it
// gets a snapshot.
func TestStreamResume(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu", "mem"))
	c := mustDial(t, s, "board=b1")
	hello := c.read()
	last := c.until("update", func(m hubMsg) bool { return m.Type == "update" })
	c.c.Close(websocket.StatusNormalClosure, "")
	hubIngest(t, s, "cpu 9\n")
	time.Sleep(200 * time.Millisecond) // some frames pass while the display is away

	r := mustDial(t, s, fmt.Sprintf("board=b1&epoch=%s&seq=%d", hello.Epoch, last.Seq))
	r.read() // hello
	r.read() // board
	m := r.read()
	if m.Type != "update" || m.Seq <= last.Seq || widgetValue(t, m.Widgets["w-cpu"]) != 9 {
		t.Fatalf("after resume: %+v", m)
	}
	if _, ok := m.Widgets["w-mem"]; ok {
		t.Fatal("resume resent an unchanged widget")
	}
	o := mustDial(t, s, "board=b1&epoch=0000&seq=5")
	o.read()
	o.read()
	if m := o.read(); m.Type != "snapshot" {
		t.Fatalf("unknown epoch got %s, want snapshot", m.Type)
	}
}

// TestStreamStalledDisplay: a display that stops reading is disconnected
// with 4008 while a healthy one keeps receiving every frame.
func TestStreamStalledDisplay(t *testing.T) {
	cfg := fastHub()
	cfg.WriteTimeout = 300 * time.Millisecond
	cfg.PongTimeout = 10 * time.Minute // the stalled display must go for being slow, not silent
	s := startHub(t, cfg, hubView("big", 20*time.Millisecond, "big"))
	// A widget with a large, ever-changing result: 2,000 series.
	q, _ := widgets.Query{Metric: "big"}.Compile()
	v := hubView("big", 20*time.Millisecond)
	v.Widgets = []stream.ViewWidget{rawWidget("w", q)}
	s.Loader.set(v)
	var body strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&body, "big{host=\"host-%04d\"} %d\n", i, i)
	}
	hubIngest(t, s, body.String())

	healthy := mustDial(t, s, "board=big")
	// The stalled display never reads again; a small receive buffer makes
	// the server's writes back up quickly.
	stalled := dialSmallBuffer(t, s.URL+"/api/v1/stream?board=big")
	stop := make(chan struct{})
	defer close(stop)
	go func() { // keep the data changing so every frame is big
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				http.Post(s.URL+"/api/v1/ingest/prometheus", "text/plain", strings.NewReader(strings.ReplaceAll(body.String(), "} ", fmt.Sprintf("} %d", i))))
			}
		}
	}()
	deadline := time.Now().Add(90 * time.Second)
	for s.Hub.Stats.SlowDisconnects.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stalled display was never disconnected")
		}
		m := healthy.read()
		_ = m
	}
	// The healthy display still gets consecutive frames.
	var prev uint64
	for n := 0; n < 10; {
		m := healthy.read()
		if m.Type != "update" {
			continue
		}
		if prev != 0 && m.Seq != prev+1 {
			t.Fatalf("healthy display skipped from %d to %d", prev, m.Seq)
		}
		prev = m.Seq
		n++
	}
	// The server let go of the stalled display: one display left.
	for s.Hub.Stats.Displays.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d displays still connected", s.Hub.Stats.Displays.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The stalled one, when it reads again, drains what the kernel buffered
	// and finds the connection closed: with 4008 if the close frame fit in
	// the buffers, else as an abnormal closure.
	for {
		_, err := stalled.tryRead(10 * time.Second)
		if err != nil {
			if code := websocket.CloseStatus(err); code != stream.CloseTooSlow && code != -1 {
				t.Fatalf("stalled display closed with %v, want 4008 or a dropped connection", err)
			}
			if strings.Contains(err.Error(), "deadline exceeded") {
				t.Fatalf("the stalled display's connection is still open: %v", err)
			}
			break
		}
	}
}

// dialSmallBuffer connects with a 4 KiB socket receive buffer.
func dialSmallBuffer(t *testing.T, url string) *hubConn {
	t.Helper()
	d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, strings.Replace(url, "http://", "ws://", 1), &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(64 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return &hubConn{t: t, c: c}
}

// TestStreamIdleDisplayClosed: a display that never answers is closed
// after the pong timeout (half-open connections go away).
func TestStreamIdleDisplayClosed(t *testing.T) {
	cfg := fastHub()
	cfg.PongTimeout = 500 * time.Millisecond
	s := startHub(t, cfg, hubView("b1", time.Second, "cpu"))
	c := mustDial(t, s, "board=b1")
	deadline := time.Now().Add(10 * time.Second)
	for s.Hub.Stats.IdleDisconnects.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	for {
		if _, err := c.tryRead(5 * time.Second); err != nil {
			if websocket.CloseStatus(err) != stream.CloseIdle {
				t.Fatalf("closed with %v, want %d", err, stream.CloseIdle)
			}
			break
		}
	}
}

func TestStreamShutdown(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu"))
	c := mustDial(t, s, "board=b1")
	c.until("snapshot", func(m hubMsg) bool { return m.Type == "snapshot" })
	go s.Hub.Shutdown(context.Background())
	m := c.until("shutdown", func(m hubMsg) bool { return m.Type == "shutdown" })
	if m.ReconnectMS <= 0 {
		t.Fatalf("shutdown = %+v", m)
	}
	_, err := c.tryRead(5 * time.Second)
	for err == nil {
		_, err = c.tryRead(5 * time.Second)
	}
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Fatalf("closed with %v, want 1001", err)
	}
	if _, _, err := dialHub(t, s.URL+"/api/v1/stream?board=b1", nil); err == nil {
		t.Fatal("a display could connect during shutdown")
	}
}

func TestStreamRefusals(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", time.Second, "cpu"))
	host := strings.TrimPrefix(s.URL, "http://")
	cases := []struct {
		name   string
		query  string
		origin string
		status int
	}{
		{"UnknownBoard", "board=nope", "", 404},
		{"NoBoard", "", "", 400},
		{"ForeignOrigin", "board=b1", "https://evil.example", 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			if c.origin != "" {
				h.Set("Origin", c.origin)
			}
			_, res, err := dialHub(t, s.URL+"/api/v1/stream?"+c.query, h)
			if err == nil || res == nil || res.StatusCode != c.status {
				t.Fatalf("err %v, response %v; want status %d", err, res, c.status)
			}
		})
	}
	// A browser (it sends Origin) is told of an unknown board with close
	// 4404, which it can read, instead of a refused upgrade, which it cannot.
	h := http.Header{}
	h.Set("Origin", "http://"+host)
	conn, _, err := dialHub(t, s.URL+"/api/v1/stream?board=nope", h)
	if err != nil {
		t.Fatalf("browser dial of an unknown board: %v, want an upgrade then close 4404", err)
	}
	_, rerr := conn.tryRead(5 * time.Second)
	if websocket.CloseStatus(rerr) != stream.CloseBoardGone {
		t.Fatalf("browser on an unknown board: %v, want close %d", rerr, stream.CloseBoardGone)
	}
	var ce websocket.CloseError
	if !errors.As(rerr, &ce) || ce.Reason != `no board with id "nope"` {
		t.Fatalf("close reason %q, want the server's message", ce.Reason)
	}
	for _, origin := range []string{"http://" + host, "https://wall.example"} {
		h := http.Header{}
		h.Set("Origin", origin)
		if _, _, err := dialHub(t, s.URL+"/api/v1/stream?board=b1", h); err != nil {
			t.Fatalf("origin %s refused: %v", origin, err)
		}
	}
	res, err := http.Get(s.URL + "/api/v1/stream?board=b1")
	if err != nil || res.StatusCode != 400 {
		t.Fatalf("plain GET: %v %v", res, err)
	}
}

func TestOriginAllowed(t *testing.T) {
	cases := []struct {
		origin, host string
		allowed      []string
		want         bool
	}{
		{"", "flex:8080", nil, true},
		{"http://flex:8080", "flex:8080", nil, true},
		{"http://FLEX:8080", "flex:8080", nil, true},
		{"http://flex:9090", "flex:8080", nil, false},
		{"https://evil.example", "flex:8080", nil, false},
		{"https://wall.example", "flex:8080", []string{"https://wall.example"}, true},
		{"https://x.example", "flex:8080", []string{"*"}, true},
		{"::bad", "flex:8080", nil, false},
	}
	for _, c := range cases {
		if got := stream.OriginAllowed(c.origin, c.host, c.allowed); got != c.want {
			t.Errorf("OriginAllowed(%q, %q, %v) = %v", c.origin, c.host, c.allowed, got)
		}
	}
}

// TestStreamFanoutManyDisplays: enough displays for the fan-out to spread
// over several goroutines; every display gets every frame, in order, with
// the same bytes.
func TestStreamFanoutManyDisplays(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu"))
	const n = 600
	cs := make([]*hubConn, n)
	for i := range cs {
		cs[i] = mustDial(t, s, "board=b1")
	}
	hubIngest(t, s, "cpu 5\n")
	var mu sync.Mutex
	got := map[uint64]string{}
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prev uint64
			for k := 0; k < 5; {
				m, err := c.tryRead(15 * time.Second)
				if err != nil {
					errc <- err
					return
				}
				if m.Type != "update" {
					continue
				}
				if prev != 0 && m.Seq != prev+1 {
					errc <- fmt.Errorf("seq %d after %d", m.Seq, prev)
					return
				}
				prev = m.Seq
				k++
				b, _ := json.Marshal(m.Widgets)
				mu.Lock()
				if g, ok := got[m.Seq]; ok && g != string(b) {
					errc <- fmt.Errorf("frame %d differs between displays", m.Seq)
				}
				got[m.Seq] = string(b)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
}

// TestStreamResumeMessage: a "resume" on an open connection brings the
// display up to date from the frame it names: a coalesced update for a
// known frame, a snapshot for an unknown epoch.
func TestStreamResumeMessage(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu", "mem"))
	a, b := mustDial(t, s, "board=b1"), mustDial(t, s, "board=b1")
	hello := a.read()
	first := a.until("update", func(m hubMsg) bool { return m.Type == "update" })
	hubIngest(t, s, "cpu 11\n")
	at := a.until("cpu=11", func(m hubMsg) bool { return m.Widgets["w-cpu"] != nil && widgetValue(t, m.Widgets["w-cpu"]) == 11 })
	time.Sleep(200 * time.Millisecond) // frames without changes pass
	ask := fmt.Sprintf(`{"type":"resume","epoch":%q,"seq":%d}`, hello.Epoch, first.Seq)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, c := range []*hubConn{a, b} {
		if err := c.c.Write(ctx, websocket.MessageText, []byte(ask)); err != nil {
			t.Fatal(err)
		}
		// cpu changed once, in frame at.Seq: a later update carrying it
		// is the answer to the resume.
		m := c.until("the resumed update", func(m hubMsg) bool {
			return m.Type == "update" && m.Widgets["w-cpu"] != nil && m.Seq > at.Seq
		})
		if widgetValue(t, m.Widgets["w-cpu"]) != 11 {
			t.Fatalf("resumed update %s", m.Widgets["w-cpu"])
		}
		if _, ok := m.Widgets["w-mem"]; ok {
			t.Fatalf("resume resent an unchanged widget: %v", m.Widgets)
		}
	}
	if err := a.c.Write(ctx, websocket.MessageText, []byte(`{"type":"resume","epoch":"0000","seq":3}`)); err != nil {
		t.Fatal(err)
	}
	a.until("snapshot", func(m hubMsg) bool { return m.Type == "snapshot" && len(m.Widgets) == 2 })
}

// TestStreamWebsocketPingAndClose: a websocket-level ping is answered with
// a pong, and a display's close is answered in kind.
func TestStreamWebsocketPingAndClose(t *testing.T) {
	s := startHub(t, fastHub(), hubView("b1", 50*time.Millisecond, "cpu"))
	c := mustDial(t, s, "board=b1")
	c.read()
	reading := make(chan struct{})
	go func() { // Ping needs a reader for the pong
		defer close(reading)
		for {
			if _, _, err := c.c.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.c.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := c.c.Close(websocket.StatusNormalClosure, "bye"); err != nil {
		t.Fatalf("close handshake: %v", err)
	}
	<-reading
	deadline := time.Now().Add(10 * time.Second)
	for s.Hub.Stats.Displays.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server kept the closed display")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
