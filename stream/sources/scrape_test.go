package sources

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/stream"
)

// pullTestPoint is one sample the store accepted.
type pullTestPoint struct {
	Metric string
	Labels map[string]string
	Value  float64
	TS     int64
}

// pullTestRecorder is an Env whose appender stores into a real
// stream.Store (so its rules apply) and records what it accepted.
type pullTestRecorder struct {
	Env
	store  *stream.Store
	mu     sync.Mutex
	points []pullTestPoint
}

func newPullTestRecorder() *pullTestRecorder {
	r := &pullTestRecorder{store: stream.NewStore(stream.DefaultLimits(), nil)}
	r.Env = Env{
		Appender: func() stream.Appender { return &pullTestApp{r: r, next: r.store.Appender()} },
		Health:   NewHealth(),
		Log:      slog.New(slog.DiscardHandler),
		Now:      time.Now,
	}
	return r
}

type pullTestApp struct {
	r    *pullTestRecorder
	next stream.Appender
}

func (a *pullTestApp) AppendSample(s *stream.Sample) error {
	p := pullTestPoint{Metric: string(s.Metric), Labels: map[string]string{}, Value: s.Value, TS: s.TS}
	for _, l := range s.Labels {
		if len(l.Value) > 0 {
			p.Labels[string(l.Name)] = string(l.Value)
		}
	}
	if err := a.next.AppendSample(s); err != nil {
		return err
	}
	a.r.mu.Lock()
	a.r.points = append(a.r.points, p)
	a.r.mu.Unlock()
	return nil
}

func (a *pullTestApp) AppendTransaction(t *stream.Transaction) error {
	return a.next.AppendTransaction(t)
}

// find returns the recorded points of metric that have all of labels.
func (r *pullTestRecorder) find(metric string, labels map[string]string) []pullTestPoint {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []pullTestPoint
next:
	for _, p := range r.points {
		if p.Metric != metric {
			continue
		}
		for k, v := range labels {
			if p.Labels[k] != v {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

// last returns the value of the last point of metric with labels.
func (r *pullTestRecorder) last(t *testing.T, metric string, labels map[string]string) float64 {
	t.Helper()
	ps := r.find(metric, labels)
	if len(ps) == 0 {
		t.Fatalf("no point of %s%v; recorded metrics: %v", metric, labels, r.metrics())
	}
	return ps[len(ps)-1].Value
}

// metrics lists the recorded metric names.
func (r *pullTestRecorder) metrics() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, p := range r.points {
		if !seen[p.Metric] {
			seen[p.Metric] = true
			out = append(out, p.Metric)
		}
	}
	sort.Strings(out)
	return out
}

func (r *pullTestRecorder) reset() {
	r.mu.Lock()
	r.points = nil
	r.mu.Unlock()
}

// pullWantInvalid fails unless err is an invalid *errs.Error on field whose
// message holds msg.
func pullWantInvalid(t *testing.T, err error, field, msg string) {
	t.Helper()
	e := errs.As(err)
	if e == nil {
		t.Fatalf("error = %v, want invalid %s: ...%s...", err, field, msg)
	}
	if e.Code != errs.Invalid || e.Field != field || !strings.Contains(e.Message, msg) {
		t.Fatalf("error = %s %q: %q, want invalid %q containing %q", e.Code, e.Field, e.Message, field, msg)
	}
}

// pullWantHealth fails unless the health's status is status and, for
// errors, its last error holds every one of msgs.
func pullWantHealth(t *testing.T, h *Health, status string, msgs ...string) {
	t.Helper()
	v := h.View()
	if v.Status != status {
		t.Fatalf("health = %s (last error %q), want %s", v.Status, v.LastError, status)
	}
	for _, m := range msgs {
		if !strings.Contains(v.LastError, m) {
			t.Fatalf("health error %q does not mention %q", v.LastError, m)
		}
	}
}

func TestScrapeConfig(t *testing.T) {
	cases := []struct {
		name, config, field, msg string
	}{
		{"UnknownField", `{"targets":["http://a:1/metrics"],"jobs":"x"}`, "jobs", "unknown field"},
		{"NoTargets", `{"targets":[]}`, "targets", "add at least one"},
		{"BadScheme", `{"targets":["http://a:1/metrics","ftp://b/metrics"]}`, "targets[1]", "must start with http:// or https://"},
		{"NoHost", `{"targets":["http:///metrics"]}`, "targets[0]", "has no host"},
		{"NotAURL", `{"targets":["http://a b:1/"]}`, "targets[0]", "is not a URL"},
		{"BadPort", `{"targets":["http://a:99999/metrics"]}`, "targets[0]", "invalid port"},
		{"Duplicate", `{"targets":["http://a:1/m","http://a:1/m"]}`, "targets[1]", "is targets[0] already"},
		{"TargetNotString", `{"targets":[1]}`, "targets[0]", "must be a string"},
		{"IntervalTooShort", `{"targets":["http://a:1/"],"interval":"500ms"}`, "interval", "shorter than the minimum interval 1s"},
		{"IntervalNotDuration", `{"targets":["http://a:1/"],"interval":"15"}`, "interval", "is not a duration"},
		{"TimeoutOverInterval", `{"targets":["http://a:1/"],"interval":"5s","timeout":"6s"}`, "timeout", "must not be longer than the interval"},
		{"TimeoutZero", `{"targets":["http://a:1/"],"timeout":"0s"}`, "timeout", "must be positive"},
		{"BadLabelName", `{"targets":["http://a:1/"],"labels":{"1x":"y"}}`, "labels.1x", "not a valid label name"},
		{"ReservedLabel", `{"targets":["http://a:1/"],"labels":{"__name__":"y"}}`, "labels.__name__", "reserved"},
		{"InstanceLabel", `{"targets":["http://a:1/"],"labels":{"instance":"y"}}`, "labels.instance", "set by the source itself"},
		{"EmptyLabelValue", `{"targets":["http://a:1/"],"labels":{"team":""}}`, "labels.team", "needs a value"},
		{"BearerWithNewline", `{"targets":["http://a:1/"],"bearer_token":"a\nb"}`, "bearer_token", "line breaks"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ScrapeDriver{}.New(json.RawMessage(c.config))
			pullWantInvalid(t, err, c.field, c.msg)
		})
	}
	t.Run("TooManyTargets", func(t *testing.T) {
		var ts []string
		for i := range ScrapeMaxTargets + 1 {
			ts = append(ts, "http://a:"+strconv.Itoa(1000+i)+"/metrics")
		}
		b, _ := json.Marshal(map[string]any{"targets": ts})
		_, err := ScrapeDriver{}.New(b)
		pullWantInvalid(t, err, "targets", "the limit is 100")
	})
	t.Run("Defaults", func(t *testing.T) {
		for _, cfg := range []string{"", "null", string(ScrapeDriver{}.Defaults())} {
			r, err := ScrapeDriver{}.New(json.RawMessage(cfg))
			if err != nil {
				t.Fatalf("New(%q): %v", cfg, err)
			}
			sr := r.(*scrapeRunner)
			if sr.interval != 15*time.Second || sr.timeout != 10*time.Second || sr.targets[0].instance != "127.0.0.1:9100" {
				t.Fatalf("defaults = %+v", sr)
			}
		}
	})
	t.Run("TimeoutFollowsShortInterval", func(t *testing.T) {
		r, err := ScrapeDriver{}.New(json.RawMessage(`{"targets":["https://h/metrics"],"interval":"2s"}`))
		if err != nil {
			t.Fatal(err)
		}
		sr := r.(*scrapeRunner)
		if sr.timeout != 2*time.Second || sr.targets[0].instance != "h:443" {
			t.Fatalf("timeout %s instance %s", sr.timeout, sr.targets[0].instance)
		}
	})
}

// scrapeTestServer serves testdata/node.prom gzipped, checking the token
// and the Accept header, or answers status when it is set.
func scrapeTestServer(t *testing.T, status *atomic.Int32) *httptest.Server {
	t.Helper()
	body, err := os.ReadFile("testdata/node.prom")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := status.Load(); s != 0 {
			http.Error(w, "broken", int(s))
			return
		}
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		if !strings.HasPrefix(r.Header.Get("Accept"), "text/plain") {
			http.Error(w, "want text", http.StatusNotAcceptable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write(body)
			zw.Close()
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func scrapeTestRunner(t *testing.T, config string) *scrapeRunner {
	t.Helper()
	r, err := ScrapeDriver{}.New(json.RawMessage(config))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r.(*scrapeRunner)
}

func TestScrapeStoresSamplesWithTargetLabels(t *testing.T) {
	var status atomic.Int32
	srv := scrapeTestServer(t, &status)
	instance := strings.TrimPrefix(srv.URL, "http://")
	r := scrapeTestRunner(t, `{"targets":["`+srv.URL+`/metrics"],"bearer_token":"s3cret","labels":{"job":"node","team":"infra"}}`)
	rec := newPullTestRecorder()
	before := time.Now().UnixMilli()
	r.scrapeAll(context.Background(), rec.Env)
	after := time.Now().UnixMilli()

	pullWantHealth(t, rec.Health, "ok")
	want := map[string]string{"instance": instance, "job": "node", "team": "infra"}
	if v := rec.last(t, "node_load1", want); v != 0.52 {
		t.Fatalf("node_load1 = %v", v)
	}
	if v := rec.last(t, "node_cpu_seconds_total", map[string]string{"cpu": "1", "mode": "idle", "instance": instance}); v != 5678.5 {
		t.Fatalf("node_cpu_seconds_total{cpu=1,mode=idle} = %v", v)
	}
	// The scraped job label is kept as exported_job; the target's wins.
	p := rec.find("federated_metric", nil)
	if len(p) != 1 || p[0].Labels["job"] != "node" || p[0].Labels["exported_job"] != "other" ||
		p[0].Labels["instance"] != instance || p[0].Labels["exported_instance"] != "elsewhere:1" {
		t.Fatalf("federated_metric = %+v", p)
	}
	// The target's timestamps are ignored by default: all is stamped with the scrape's time.
	if p := rec.find("with_timestamp", nil); len(p) != 1 || p[0].TS < before || p[0].TS > after {
		t.Fatalf("with_timestamp = %+v, want the scrape's time (%d to %d)", p, before, after)
	}
	// NaN quantiles are skipped, not errors.
	if p := rec.find("go_gc_duration_seconds", nil); len(p) != 1 {
		t.Fatalf("go_gc_duration_seconds = %+v, want only the finite quantile", p)
	}
	if v := rec.last(t, "up", want); v != 1 {
		t.Fatalf("up = %v", v)
	}
	if v := rec.last(t, "scrape_samples_scraped", want); v != 9 {
		t.Fatalf("scrape_samples_scraped = %v", v)
	}
	if v := rec.last(t, "scrape_duration_seconds", want); v <= 0 || v > 10 {
		t.Fatalf("scrape_duration_seconds = %v", v)
	}
	// 9 samples, 1 NaN skipped, plus up, duration and samples.
	if v := rec.Health.View(); v.Points != 8+3 || v.Runs != 1 {
		t.Fatalf("health = %+v", v)
	}
}

func TestScrapeFailureRecovers(t *testing.T) {
	var status atomic.Int32
	srv := scrapeTestServer(t, &status)
	r := scrapeTestRunner(t, `{"targets":["`+srv.URL+`/metrics"],"bearer_token":"s3cret"}`)
	rec := newPullTestRecorder()

	status.Store(http.StatusServiceUnavailable)
	r.scrapeAll(context.Background(), rec.Env)
	pullWantHealth(t, rec.Health, "error", srv.URL+"/metrics: status 503")
	if v := rec.last(t, "up", map[string]string{"job": "scrape"}); v != 0 {
		t.Fatalf("up = %v while failing", v)
	}

	status.Store(0)
	r.scrapeAll(context.Background(), rec.Env)
	pullWantHealth(t, rec.Health, "ok")
	if v := rec.last(t, "up", map[string]string{"job": "scrape"}); v != 1 {
		t.Fatalf("up = %v after recovery", v)
	}
}

func TestScrapeErrors(t *testing.T) {
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/metrics"
	ln.Close()

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 100 {
			w.Write([]byte("some_metric_with_a_long_name{label=\"value\"} 1\n"))
		}
	}))
	t.Cleanup(big.Close)
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>hello</html>\n"))
	}))
	t.Cleanup(garbage.Close)

	cases := []struct {
		name, url, msg string
	}{
		{"Down", closed, "connection refused"},
		{"Timeout", slow.URL, "timeout after 1s"},
		{"TooLarge", big.URL, "larger than the limit of 1024 bytes"},
		{"NotPrometheus", garbage.URL, "not in the Prometheus text format: line 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := scrapeTestRunner(t, `{"targets":["`+c.url+`"],"timeout":"1s"}`)
			r.maxBody = 1024
			rec := newPullTestRecorder()
			r.scrapeAll(context.Background(), rec.Env)
			pullWantHealth(t, rec.Health, "error", c.url+": ", c.msg)
			if v := rec.last(t, "up", nil); v != 0 {
				t.Fatalf("up = %v", v)
			}
		})
	}
	t.Run("OneOfTwoTargets", func(t *testing.T) {
		var status atomic.Int32
		ok := scrapeTestServer(t, &status)
		r := scrapeTestRunner(t, `{"targets":["`+ok.URL+`/metrics","`+closed+`"],"bearer_token":"s3cret"}`)
		rec := newPullTestRecorder()
		r.scrapeAll(context.Background(), rec.Env)
		pullWantHealth(t, rec.Health, "error", "1 of 2 targets failed: "+closed+": ", "connection refused")
		if v := rec.last(t, "node_load1", nil); v != 0.52 {
			t.Fatalf("the working target's node_load1 = %v", v)
		}
	})
}

func TestScrapeHonorTimestamps(t *testing.T) {
	now := time.Now().UnixMilli()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("recent 1 " + strconv.FormatInt(now-1000, 10) + "\nancient 2 1000\n"))
	}))
	t.Cleanup(srv.Close)
	r := scrapeTestRunner(t, `{"targets":["`+srv.URL+`"],"honor_timestamps":true}`)
	rec := newPullTestRecorder()
	r.scrapeAll(context.Background(), rec.Env)
	if p := rec.find("recent", nil); len(p) != 1 || p[0].TS != now-1000 {
		t.Fatalf("recent = %+v", p)
	}
	// The store refuses the ancient point: the scrape is up, the health says why.
	pullWantHealth(t, rec.Health, "error", "1 of 2 lines rejected; line 2", "older than the memory window")
	if v := rec.last(t, "up", nil); v != 1 {
		t.Fatalf("up = %v", v)
	}
}

// TestScrapeAppenderAllocs: adding the target's labels costs no allocation
// per sample.
func TestScrapeAppenderAllocs(t *testing.T) {
	r := scrapeTestRunner(t, `{"targets":["http://127.0.0.1:9100/metrics"],"labels":{"job":"node","dc":"par1"}}`)
	a := &r.targets[0].app
	var got int
	a.next = scrapeTestCounter(func(s *stream.Sample) {
		got = len(s.Labels)
	})
	s := &stream.Sample{Metric: []byte("m"), Value: 1, Labels: []stream.LabelPair{
		{Name: []byte("job"), Value: []byte("x")}, {Name: []byte("cpu"), Value: []byte("0")}}}
	allocs := testing.AllocsPerRun(100, func() { a.AppendSample(s) })
	if allocs != 0 || got != 5 {
		t.Fatalf("allocs = %v, labels = %d; want 0 and 5", allocs, got)
	}
	nan := &stream.Sample{Metric: []byte("m"), Value: math.NaN()}
	a.AppendSample(nan)
	if a.skipped != 1 {
		t.Fatalf("skipped = %d", a.skipped)
	}
}

type scrapeTestCounter func(s *stream.Sample)

func (f scrapeTestCounter) AppendSample(s *stream.Sample) error         { f(s); return nil }
func (f scrapeTestCounter) AppendTransaction(*stream.Transaction) error { return nil }

// TestScrapeRunStops: Run scrapes at once and returns when ctx ends.
func TestScrapeRunStops(t *testing.T) {
	var status atomic.Int32
	srv := scrapeTestServer(t, &status)
	r := scrapeTestRunner(t, `{"targets":["`+srv.URL+`/metrics"],"bearer_token":"s3cret","interval":"1s"}`)
	rec := newPullTestRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx, rec.Env); close(done) }()
	pullWaitFor(t, func() bool { return rec.Health.View().Runs >= 1 })
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	pullWantHealth(t, rec.Health, "ok")
}

// pullWaitFor polls cond for up to 20s.
func pullWaitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
