package stream_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/stream"
)

// startIngest serves ingest and queries on 127.0.0.1 with the given limits
// and token.
func startIngest(t *testing.T, limits stream.Limits, token string) (string, *stream.Store) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := stream.NewStore(limits, nil)
	app := fiber.New(fiber.Config{DisableStartupMessage: true, Immutable: true, BodyLimit: stream.MaxIngestBody, ErrorHandler: httpx.ErrorHandler(log)})
	api := app.Group("/api/v1")
	(&stream.IngestHandler{Store: st, Token: token, Log: log}).Register(api)
	(&stream.QueryHandler{Store: st}).Register(api)
	hub := stream.NewHub(stream.DefaultHubConfig(), st, &hubLoader{views: map[string]*stream.View{}}, log)
	(&stream.MetricsHandler{Store: st, Hub: hub, Version: "test"}).Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String(), st
}

type ingestReply struct {
	Status     int
	RetryAfter string
	Accepted   int `json:"accepted"`
	Rejected   int `json:"rejected"`
	Errors     []stream.LineError
	Error      *struct{ Code, Message, Field string }
}

func post(t *testing.T, url, ct string, body []byte, headers ...string) ingestReply {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r ingestReply
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("answer is not JSON: %s", b)
	}
	r.Status, r.RetryAfter = res.StatusCode, res.Header.Get("Retry-After")
	return r
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestIngestEndpoints(t *testing.T) {
	base, st := startIngest(t, stream.DefaultLimits(), "")
	cases := []struct {
		name             string
		path, ct         string
		body             []byte
		headers          []string
		status           int
		accepted, reject int
		msg              string
	}{
		{"Prometheus", "/api/v1/ingest/prometheus", "text/plain", []byte("a 1\nb{x=\"y\"} 2\n"), nil, 200, 2, 0, ""},
		{"PrometheusPartlyBad", "/api/v1/ingest/prometheus", "text/plain", []byte("a 1\n{bad\nc 3\n"), nil, 200, 2, 1, ""},
		{"Influx", "/api/v1/ingest/influx", "text/plain", []byte("cpu,host=a usage=5,idle=95\n"), nil, 200, 2, 0, ""},
		{"InfluxSeconds", "/api/v1/ingest/influx?precision=s", "text/plain", []byte("cpu2 v=1 " + itoa(time.Now().Unix()) + "\n"), nil, 200, 1, 0, ""},
		{"InfluxBadPrecision", "/api/v1/ingest/influx?precision=h", "text/plain", []byte("cpu v=1\n"), nil, 400, 0, 0, `"h" is not a precision`},
		{"JSON", "/api/v1/ingest", "application/json", []byte(`{"points":[{"metric":"j","labels":{"a":"b"},"value":1}],"transactions":[{"service":"checkout","elapsed_ms":12}]}`), nil, 200, 2, 0, ""},
		{"JSONWrongType", "/api/v1/ingest", "text/plain", []byte(`{"points":[]}`), nil, 415, 0, 0, "application/json"},
		{"Gzip", "/api/v1/ingest/prometheus", "text/plain", gz("g 1\n"), []string{"Content-Encoding", "gzip"}, 200, 1, 0, ""},
		{"BadGzip", "/api/v1/ingest/prometheus", "text/plain", []byte("not gzip"), []string{"Content-Encoding", "gzip"}, 400, 0, 0, "not valid gzip"},
		{"GzipBomb", "/api/v1/ingest/prometheus", "text/plain", gz(strings.Repeat("x", stream.MaxIngestDecompressed+10)), []string{"Content-Encoding", "gzip"}, 413, 0, 0, "unpacks to more than"},
		{"UnknownEncoding", "/api/v1/ingest/prometheus", "text/plain", []byte("a 1\n"), []string{"Content-Encoding", "br"}, 415, 0, 0, `"br" is not supported`},
		{"Unparsable", "/api/v1/ingest/prometheus", "text/plain", []byte("{{{{\n"), nil, 400, 0, 1, "nothing could be parsed: line 1"},
		{"InvalidName", "/api/v1/ingest", "application/json", []byte(`{"points":[{"metric":"1bad","value":1}]}`), nil, 200, 0, 1, ""},
		{"TooOld", "/api/v1/ingest/prometheus", "text/plain", []byte("old 1 1000\n"), nil, 200, 0, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := post(t, base+c.path, c.ct, c.body, c.headers...)
			if r.Status != c.status || r.Accepted != c.accepted || r.Rejected != c.reject {
				t.Fatalf("status %d accepted %d rejected %d, want %d %d %d (%+v)", r.Status, r.Accepted, r.Rejected, c.status, c.accepted, c.reject, r)
			}
			if c.msg != "" && (r.Error == nil || !strings.Contains(r.Error.Message, c.msg)) {
				t.Fatalf("error %+v, want %q", r.Error, c.msg)
			}
			if c.reject > 0 && len(r.Errors) == 0 {
				t.Fatalf("rejections without errors: %+v", r)
			}
		})
	}
	if got := st.Metrics(); len(got) < 5 {
		t.Fatalf("metrics after ingest: %+v", got)
	}
	r := post(t, base+"/api/v1/ingest/prometheus", "text/plain", []byte("old 1 1000\n"))
	if !strings.Contains(r.Errors[0].Message, "older than the memory window") || r.Errors[0].Line != 1 {
		t.Fatalf("errors = %+v", r.Errors)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestIngestToken(t *testing.T) {
	base, _ := startIngest(t, stream.DefaultLimits(), "s3cret")
	for _, h := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "s3cret"}} {
		r := post(t, base+"/api/v1/ingest/prometheus", "text/plain", []byte("a 1\n"), h...)
		if r.Status != 401 || r.Error == nil || r.Error.Code != "unauthorized" {
			t.Fatalf("with %v: %+v", h, r)
		}
	}
	if r := post(t, base+"/api/v1/ingest/prometheus", "text/plain", []byte("a 1\n"), "Authorization", "Bearer s3cret"); r.Status != 200 || r.Accepted != 1 {
		t.Fatalf("with the token: %+v", r)
	}
}

// TestIngestLimitAnswers429: hitting max-series answers 429 with
// Retry-After, keeps what was accepted and names the limit.
func TestIngestLimitAnswers429(t *testing.T) {
	l := stream.DefaultLimits()
	l.MaxSeries = 2
	base, st := startIngest(t, l, "")
	r := post(t, base+"/api/v1/ingest/prometheus", "text/plain", []byte("a 1\nb 1\nc 1\nd 1\n"))
	if r.Status != 429 || r.RetryAfter == "" || r.Accepted != 2 || r.Rejected != 2 {
		t.Fatalf("%+v", r)
	}
	if r.Error == nil || r.Error.Code != "rate_limited" || r.Error.Field != "max-series" || !strings.Contains(r.Error.Message, "limit of 2 series") {
		t.Fatalf("error = %+v", r.Error)
	}
	if st.SeriesCount() != 2 {
		t.Fatalf("series = %d", st.SeriesCount())
	}
}

func TestIngestBodyLimit(t *testing.T) {
	base, _ := startIngest(t, stream.DefaultLimits(), "")
	req, _ := http.NewRequest("POST", base+"/api/v1/ingest/prometheus", bytes.NewReader(bytes.Repeat([]byte("a 1\n"), stream.MaxIngestBody/4+1)))
	res, err := http.DefaultClient.Do(req)
	if err == nil { // the server may also cut the connection while the body is still being sent
		defer res.Body.Close()
		if res.StatusCode != 413 {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
	}
}

func TestIngestWebsocket(t *testing.T) {
	base, st := startIngest(t, stream.DefaultLimits(), "")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, strings.Replace(base, "http://", "ws://", 1)+"/api/v1/ingest/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	for i, batch := range []string{
		`{"points":[{"metric":"ws_m","value":1},{"metric":"ws_m","labels":{"k":"v"},"value":2}]}`,
		`{"points":[{"metric":"1bad","value":1}]}`,
		`not json`,
	} {
		if err := c.Write(ctx, websocket.MessageText, []byte(batch)); err != nil {
			t.Fatal(err)
		}
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ack struct {
			Seq      int `json:"seq"`
			Accepted int `json:"accepted"`
			Rejected int `json:"rejected"`
		}
		json.Unmarshal(b, &ack)
		want := [][2]int{{2, 0}, {0, 1}, {0, 1}}[i]
		if ack.Seq != i+1 || ack.Accepted != want[0] || ack.Rejected != want[1] {
			t.Fatalf("ack %d = %s", i+1, b)
		}
	}
	if st.SeriesCount() != 2 {
		t.Fatalf("series = %d", st.SeriesCount())
	}
}

func TestQueryAPI(t *testing.T) {
	base, _ := startIngest(t, stream.DefaultLimits(), "")
	post(t, base+"/api/v1/ingest/prometheus", "text/plain", []byte("req{svc=\"a\"} 10\nreq{svc=\"b\"} 20\nreq{svc=\"b\",zone=\"z1\"} 5\n"))
	do := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	status, m := do("POST", "/api/v1/query", `{"metric":"req","agg":"sum","group_by":["svc"]}`)
	if status != 200 || m["kind"] != "vector" || len(m["series"].([]any)) != 2 {
		t.Fatalf("query: %d %v", status, m)
	}
	if v := m["series"].([]any)[1].(map[string]any)["value"]; v != 25.0 {
		t.Fatalf("sum for svc=b = %v", v)
	}
	status, m = do("POST", "/api/v1/query", `{"metric":"req","reduce":"median"}`)
	if e := m["error"].(map[string]any); status != 400 || e["field"] != "reduce" {
		t.Fatalf("bad reduce: %d %v", status, m)
	}
	status, m = do("POST", "/api/v1/query", `{"metric":"req","at":"yesterday"}`)
	if e := m["error"].(map[string]any); status != 400 || e["field"] != "at" {
		t.Fatalf("bad at: %d %v", status, m)
	}
	status, m = do("GET", "/api/v1/metrics", "")
	if status != 200 || len(m["metrics"].([]any)) != 1 || m["metrics"].([]any)[0].(map[string]any)["series"] != 3.0 {
		t.Fatalf("metrics: %v", m)
	}
	status, m = do("GET", "/api/v1/labels?metric=req", "")
	ls := m["labels"].([]any)
	if status != 200 || len(ls) != 2 || ls[0].(map[string]any)["name"] != "svc" {
		t.Fatalf("labels: %v", m)
	}
	if top := ls[0].(map[string]any)["values"].([]any)[0].(map[string]any); top["value"] != "b" || top["series"] != 2.0 {
		t.Fatalf("top value of svc = %v", top)
	}
	if status, _ := do("GET", "/api/v1/labels?metric=bad-name", ""); status != 400 {
		t.Fatalf("labels of a bad metric name: %d", status)
	}
}

func TestSelfMetrics(t *testing.T) {
	base, _ := startIngest(t, stream.DefaultLimits(), "")
	post(t, base+"/api/v1/ingest/prometheus", "text/plain", []byte("a 1\nb 2\n1bad 3\n"))
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	// The exposition must parse with our own Prometheus parser, and say
	// what happened.
	var pr stream.ParseResult
	rec := &metricsRecorder{values: map[string]float64{}}
	stream.ParsePrometheus(b, rec, &pr)
	if pr.Rejected != 0 || pr.Accepted < 20 {
		t.Fatalf("/metrics does not parse: %+v\n%s", pr, b)
	}
	for name, want := range map[string]float64{
		"flexboard_ingest_points_total":         2,
		"flexboard_series_active":               2,
		"flexboard_displays_connected":          0,
		"flexboard_frame_latency_seconds_count": 0,
	} {
		if got, ok := rec.values[name]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	if rec.values["process_cpu_seconds_total"] <= 0 || rec.values["go_goroutines"] <= 0 {
		t.Errorf("runtime metrics missing: %v", rec.values)
	}
}

type metricsRecorder struct{ values map[string]float64 }

func (m *metricsRecorder) AppendSample(s *stream.Sample) error {
	if len(s.Labels) == 0 {
		m.values[string(s.Metric)] = s.Value
	}
	return nil
}
func (m *metricsRecorder) AppendTransaction(*stream.Transaction) error { return nil }
