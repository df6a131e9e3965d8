package sources_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/stream/sources"
	"github.com/flexboard/flexboard/widgets"
)

// demoRig drives a demo runner tick by tick on a fake clock into a real
// store, so that tests see the data the way widgets query it.
type demoRig struct {
	t   testing.TB
	now time.Time
	st  *stream.Store
	r   *sources.DemoRunner
	env sources.Env
}

// demoDay is a weekday late morning: traffic near its peak.
var demoDay = time.Date(2026, 3, 10, 10, 30, 0, 0, time.UTC)

func newDemoRig(t testing.TB, config string, start time.Time) *demoRig {
	t.Helper()
	g := &demoRig{t: t, now: start}
	clock := func() time.Time { return g.now }
	g.st = stream.NewStore(stream.DefaultLimits(), clock)
	r, err := sources.NewDemoRunner(config, clock)
	if err != nil {
		t.Fatalf("NewDemoRunner(%s) = %v", config, err)
	}
	g.r = r
	g.env = sources.Env{
		Appender: func() stream.Appender { return g.st.Appender() },
		Health:   sources.NewHealth(),
		Now:      clock,
	}
	return g
}

// tick runs one tick at the current time.
func (g *demoRig) tick() { g.r.Tick(g.env, g.now) }

// run advances the clock by d, a tick every second.
func (g *demoRig) run(d time.Duration) {
	for end := g.now.Add(d); g.now.Before(end); {
		g.now = g.now.Add(time.Second)
		g.tick()
	}
}

func (g *demoRig) query(q widgets.Query, at time.Time) *stream.Result {
	g.t.Helper()
	c, err := q.Compile()
	if err != nil {
		g.t.Fatalf("compile %+v: %v", q, err)
	}
	return g.st.Query(c, at.UnixMilli())
}

// value returns the single value of a vector query at at.
func (g *demoRig) value(q widgets.Query, at time.Time) float64 {
	g.t.Helper()
	res := g.query(q, at)
	if len(res.Series) != 1 {
		g.t.Fatalf("query %+v at %s: %d series, want 1", q, at.Format(time.TimeOnly), len(res.Series))
	}
	return res.Series[0].Value
}

// hitmap returns the transactions ending in [from, to) that match.
func (g *demoRig) hitmap(from, to time.Time, match ...widgets.Matcher) *stream.Hitmap {
	g.t.Helper()
	res := g.query(widgets.Query{Source: "transactions", Match: match, Range: to.Sub(from).String(), Step: "5s"},
		to.Add(-time.Millisecond))
	return res.Hitmap
}

func demoEq(label, value string) widgets.Matcher {
	return widgets.Matcher{Label: label, Op: "=", Value: value}
}

func demoErrShare(h *stream.Hitmap) float64 {
	return float64(h.TotalErr) / float64(h.TotalErr+h.TotalOk)
}

// demoMedianBucket is the elapsed bucket holding the median ok transaction.
func demoMedianBucket(h *stream.Hitmap) int {
	var counts [stream.ElapsedBuckets]uint64
	for _, c := range h.Ok {
		counts[c[1]] += c[2]
	}
	seen := uint64(0)
	for b, n := range counts {
		seen += n
		if 2*seen >= h.TotalOk {
			return b
		}
	}
	return -1
}

const demoSmall = `{"hosts":300,"sites":20,"databases":8}`

// demoMetrics are the series the doc comment of demo.go lists.
var demoMetrics = []string{
	"demo_active_transactions", "demo_active_users", "demo_cache_hit_ratio", "demo_cart_size", "demo_conversion_ratio",
	"demo_db_connections", "demo_db_locks", "demo_db_queries_total", "demo_db_query_ms", "demo_db_replication_lag_seconds",
	"demo_db_slow_queries_total", "demo_db_up", "demo_host_cpu_ratio", "demo_host_disk_ratio", "demo_host_memory_ratio",
	"demo_host_up", "demo_hosts_up", "demo_http_error_ratio", "demo_http_errors_total", "demo_http_requests_total",
	"demo_http_response_ms", "demo_http_tps", "demo_incident_active", "demo_orders_total", "demo_pod_cpu_ratio",
	"demo_pod_memory_bytes", "demo_pod_restarts_total", "demo_queue_depth", "demo_revenue_total", "demo_service_health",
	"demo_site_up_ratio", "demo_url_cert_days_left", "demo_url_response_ms", "demo_url_status_code", "demo_url_success",
	"demo_url_up",
}

func TestDemoListsMetricsAtFirstTick(t *testing.T) {
	g := newDemoRig(t, demoSmall, demoDay)
	g.tick()
	got := map[string]int{}
	for _, m := range g.st.Metrics() {
		got[m.Name] = m.Series
	}
	if len(got) < 30 {
		t.Errorf("the store lists %d metrics after the first tick, want at least 30", len(got))
	}
	for _, name := range demoMetrics {
		if got[name] == 0 {
			t.Errorf("metric %s missing", name)
		}
	}
	if len(got) != len(demoMetrics) {
		t.Errorf("%d metrics, the doc lists %d: %v", len(got), len(demoMetrics), got)
	}
	// Every host reports at the first tick, whatever its turn.
	if n := got["demo_host_up"]; n != 300 {
		t.Errorf("demo_host_up has %d series, want 300", n)
	}
	want := map[string]int{"demo_http_tps": 24, "demo_pod_cpu_ratio": 72, "demo_db_connections": 16, "demo_active_transactions": 72}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s has %d series, want %d", name, got[name], n)
		}
	}
	if v := g.env.Health.View(); v.Status != "ok" || v.Runs != 1 || v.Points == 0 {
		t.Errorf("health after a tick = %+v, want ok, 1 run, points", v)
	}
}

func TestDemoValuesMoveEverySecond(t *testing.T) {
	g := newDemoRig(t, demoSmall, demoDay)
	g.tick()
	g.run(20 * time.Second)
	cases := []struct {
		metric string
		match  []widgets.Matcher
		apart  time.Duration
	}{
		{"demo_http_tps", nil, time.Second},
		{"demo_http_response_ms", nil, time.Second},
		{"demo_pod_cpu_ratio", nil, time.Second},
		{"demo_db_query_ms", nil, time.Second},
		{"demo_db_connections", nil, time.Second},
		{"demo_cart_size", nil, time.Second},
		{"demo_active_users", nil, time.Second},
		// Rare statuses (404, 500) may not count up every second.
		{"demo_http_requests_total", []widgets.Matcher{demoEq("status", "200")}, time.Second},
		{"demo_host_cpu_ratio", nil, 10 * time.Second}, // hosts report every 10 s
	}
	for _, c := range cases {
		t.Run(c.metric, func(t *testing.T) {
			q := widgets.Query{Metric: c.metric, Match: c.match, Window: "1s"}
			now, before := g.query(q, g.now), g.query(q, g.now.Add(-c.apart))
			if len(now.Series) == 0 || len(now.Series) != len(before.Series) {
				t.Fatalf("%d series now, %d before", len(now.Series), len(before.Series))
			}
			moved := 0
			for i := range now.Series {
				if now.Series[i].Value != before.Series[i].Value {
					moved++
				}
			}
			if moved*10 < len(now.Series)*8 {
				t.Errorf("%d of %d series changed in %s, want most", moved, len(now.Series), c.apart)
			}
		})
	}
	// A host's value is sent only on its turn, but some hosts report every second.
	q := widgets.Query{Metric: "demo_host_cpu_ratio", Window: "1s", Agg: "count"}
	if n := g.value(q, g.now); n < 25 || n > 35 {
		t.Errorf("%v hosts reported in the last second, want 30 (300 hosts every 10 s)", n)
	}
}

func TestDemoFollowsTheDay(t *testing.T) {
	// The sum of TPS over a minute, at a few times of day.
	tps := func(hour int) float64 {
		g := newDemoRig(t, `{"hosts":0,"services":8,"databases":4}`, time.Date(2026, 3, 10, hour, 0, 0, 0, time.UTC))
		g.tick()
		g.run(time.Minute)
		return g.value(widgets.Query{Metric: "demo_http_tps", Reduce: "avg", Window: "1m", Agg: "sum"}, g.now)
	}
	night, morning, afternoon, evening := tps(4), tps(11), tps(16), tps(20)
	t.Logf("TPS sum: 04:00 %.0f, 11:00 %.0f, 16:00 %.0f, 20:00 %.0f", night, morning, afternoon, evening)
	if morning < 2.5*night || evening < 2.5*night {
		t.Errorf("TPS at 11:00 (%.0f) and 20:00 (%.0f) should be well above 04:00 (%.0f)", morning, evening, night)
	}
	if afternoon > morning || afternoon > evening {
		t.Errorf("TPS at 16:00 (%.0f) should dip between the 11:00 (%.0f) and 20:00 (%.0f) peaks", afternoon, morning, evening)
	}
}

func TestDemoErrorBurst(t *testing.T) {
	g := newDemoRig(t, `{"hosts":0,"services":8,"databases":4}`, demoDay)
	g.tick()
	g.run(time.Minute)
	start := g.now
	if err := g.r.Play("error-burst", 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	svc := g.r.ErrorBurstService()
	if svc == "" {
		t.Fatal("no service chosen")
	}
	g.run(2 * time.Minute)
	end := g.now
	g.run(90 * time.Second)

	before := g.hitmap(start.Add(-55*time.Second), start, demoEq("service", svc))
	during := g.hitmap(start.Add(15*time.Second), start.Add(105*time.Second), demoEq("service", svc))
	after := g.hitmap(end.Add(15*time.Second), end.Add(75*time.Second), demoEq("service", svc))
	others := g.hitmap(start.Add(15*time.Second), start.Add(105*time.Second), widgets.Matcher{Label: "service", Op: "!=", Value: svc})
	t.Logf("%s errors: before %d/%d, during %d/%d, after %d/%d; others during %d/%d", svc,
		before.TotalErr, before.TotalOk, during.TotalErr, during.TotalOk, after.TotalErr, after.TotalOk, others.TotalErr, others.TotalOk)
	if s := demoErrShare(during); during.TotalErr == 0 || s < 0.3 {
		t.Errorf("during the burst %.1f%% of %s's transactions are errors, want ~45%%", 100*s, svc)
	}
	for name, h := range map[string]*stream.Hitmap{"before": before, "after": after, "other services during": others} {
		if h.TotalOk == 0 || demoErrShare(h) > 0.02 {
			t.Errorf("%s: %d errors of %d transactions, want under 2%%", name, h.TotalErr, h.TotalErr+h.TotalOk)
		}
	}

	mid := start.Add(time.Minute)
	ratio := widgets.Query{Metric: "demo_http_error_ratio", Match: []widgets.Matcher{demoEq("service", svc)}}
	if v := g.value(ratio, mid); v < 0.2 {
		t.Errorf("demo_http_error_ratio during = %.3f, want ~0.45", v)
	}
	if v := g.value(ratio, g.now); v > 0.02 {
		t.Errorf("demo_http_error_ratio after = %.3f, want the base rate", v)
	}
	health := widgets.Query{Metric: "demo_service_health", Match: []widgets.Matcher{demoEq("service", svc)}}
	if v := g.value(health, start.Add(-time.Second)); v != 0 {
		t.Errorf("demo_service_health before = %v, want 0 (ok)", v)
	}
	if v := g.value(health, mid); v != 2 {
		t.Errorf("demo_service_health during = %v, want 2 (failing)", v)
	}
	errRate := widgets.Query{Metric: "demo_http_errors_total", Match: []widgets.Matcher{demoEq("service", svc)}, Fn: "rate", Window: "30s"}
	tps := widgets.Query{Metric: "demo_http_tps", Match: []widgets.Matcher{demoEq("service", svc)}, Reduce: "avg", Window: "30s"}
	if r, n := g.value(errRate, mid), g.value(tps, mid); r < 0.3*n {
		t.Errorf("rate(demo_http_errors_total) during = %.1f/s of %.1f req/s, want ~45%%", r, n)
	}
	active := widgets.Query{Metric: "demo_incident_active", Match: []widgets.Matcher{demoEq("incident", "error-burst")}}
	if v := g.value(active, mid); v != 1 {
		t.Errorf("demo_incident_active during = %v, want 1", v)
	}
	if v := g.value(active, g.now); v != 0 {
		t.Errorf("demo_incident_active after = %v, want 0", v)
	}
	if s := g.r.ErrorBurstService(); s != "" {
		t.Errorf("the burst still plays on %s after its end", s)
	}
}

func TestDemoHostDown(t *testing.T) {
	g := newDemoRig(t, `{"services":3,"pods_per_service":1,"databases":2,"hosts":10000,"sites":420}`, demoDay)
	g.tick()
	g.run(20 * time.Second)
	honeycomb := widgets.Query{Metric: "demo_host_up", Object: "host", Window: "30s"}
	grey := func(at time.Time) (objects, null int) {
		res := g.query(honeycomb, at)
		for _, o := range res.Objects {
			if math.IsNaN(float64(o.Value)) {
				null++
			}
		}
		return len(res.Objects), null
	}
	if n, null := grey(g.now); n != 10000 || null != 0 {
		t.Fatalf("before: %d objects, %d null; want 10000, 0", n, null)
	}
	start := g.now
	if err := g.r.Play("host-down", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	down := g.r.DownHosts()
	if down < 200 || down > 800 {
		t.Errorf("host-down silences %d hosts, want a few hundred", down)
	}
	g.run(40 * time.Second)
	n, null := grey(g.now)
	t.Logf("40 s into host-down: %d of %d hosts grey", null, n)
	if n != 10000 || null != down {
		t.Errorf("during: %d objects, %d null; want 10000, %d", n, null, down)
	}
	// The silent hosts send nothing at all, not even their other series.
	cpu := g.query(widgets.Query{Metric: "demo_host_cpu_ratio", Object: "host", Window: "30s"}, g.now)
	silent := 0
	for _, o := range cpu.Objects {
		if math.IsNaN(float64(o.Value)) {
			silent++
		}
	}
	if silent != down {
		t.Errorf("demo_host_cpu_ratio: %d hosts silent, want %d", silent, down)
	}
	if v := g.value(widgets.Query{Metric: "demo_hosts_up"}, g.now); int(v) != 10000-down {
		t.Errorf("demo_hosts_up = %v, want %d", v, 10000-down)
	}
	sites := g.query(widgets.Query{Metric: "demo_site_up_ratio", Object: "site", BottomK: 1000}, g.now)
	zero := 0
	for _, o := range sites.Objects {
		if o.Value == 0 {
			zero++
		}
	}
	if zero == 0 || zero > 100 {
		t.Errorf("%d sites down, want whole sites, a few", zero)
	}

	g.run(start.Add(90 * time.Second).Sub(g.now)) // to the incident's end
	g.run(2 * time.Second)
	if n, null := grey(g.now); n != 10000 || null != 0 {
		t.Errorf("after: %d objects, %d null; want 10000, 0: the hosts report again at once", n, null)
	}
	if d := g.r.DownHosts(); d != 0 {
		t.Errorf("%d hosts still down after the incident ended", d)
	}
}

func TestDemoDBZoneMove(t *testing.T) {
	g := newDemoRig(t, `{"hosts":0,"services":6,"databases":10}`, demoDay)
	g.tick()
	g.run(time.Minute)
	start := g.now
	if err := g.r.Play("db-zone-move", 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	g.run(3 * time.Minute)
	end := g.now
	g.run(time.Minute)

	page := []widgets.Matcher{demoEq("service", "catalog"), demoEq("endpoint", "/catalog/page")} // ~320 queries a page
	before := demoMedianBucket(g.hitmap(start.Add(-55*time.Second), start, page...))
	during := demoMedianBucket(g.hitmap(start.Add(30*time.Second), start.Add(150*time.Second), page...))
	after := demoMedianBucket(g.hitmap(end.Add(15*time.Second), end.Add(60*time.Second), page...))
	t.Logf("/catalog/page median bucket: before %d (%.0f ms), during %d (%.0f ms), after %d",
		before, stream.ElapsedEdge(before), during, stream.ElapsedEdge(during), after)
	// ×6 per query is log10(6)×8 ≈ 6.2 buckets.
	if d := during - before; d < 5 || d > 8 {
		t.Errorf("the band of /catalog/page moved %d buckets, want ~6", d)
	}
	if d := after - before; d < -1 || d > 1 {
		t.Errorf("after the move the band is %d buckets from where it was, want back", d)
	}
	// An endpoint with a query or two hardly moves.
	token := []widgets.Matcher{demoEq("service", "auth"), demoEq("endpoint", "/auth/token")}
	tb, td := demoMedianBucket(g.hitmap(start.Add(-55*time.Second), start, token...)),
		demoMedianBucket(g.hitmap(start.Add(30*time.Second), start.Add(150*time.Second), token...))
	if d := td - tb; d > 4 || d >= during-before {
		t.Errorf("/auth/token moved %d buckets, want less than the query-heavy page", d)
	}

	qms := widgets.Query{Metric: "demo_db_query_ms", Reduce: "avg", Window: "30s", Agg: "avg"}
	b, m, a := g.value(qms, start), g.value(qms, start.Add(90*time.Second)), g.value(qms, g.now)
	t.Logf("demo_db_query_ms: before %.2f, during %.2f, after %.2f", b, m, a)
	if b < 0.7 || b > 1.4 || m/b < 4.5 || m/b > 7.5 || a > 1.4 {
		t.Errorf("demo_db_query_ms before %.2f, during %.2f, after %.2f; want ~1, ~6, ~1", b, m, a)
	}
	locks := widgets.Query{Metric: "demo_db_locks", Reduce: "avg", Window: "30s", Agg: "sum"}
	if lb, lm := g.value(locks, start), g.value(locks, start.Add(90*time.Second)); lm < 2*lb {
		t.Errorf("demo_db_locks before %.0f, during %.0f: want them to climb", lb, lm)
	}
}

func TestDemoTrafficSpike(t *testing.T) {
	g := newDemoRig(t, `{"hosts":0,"services":8,"databases":4}`, demoDay)
	g.tick()
	g.run(time.Minute)
	start := g.now
	if err := g.r.Play("traffic-spike", 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	pod, svc := g.r.SpikePod()
	if pod == "" {
		t.Fatal("no pod chosen")
	}
	restarts := widgets.Query{Metric: "demo_pod_restarts_total", Match: []widgets.Matcher{demoEq("pod", pod)}}
	restartsBefore := g.value(restarts, start)
	g.run(3 * time.Minute)
	end := g.now
	g.run(time.Minute)

	peak := start.Add(100 * time.Second) // ramped in after 30 s, out from 135 s
	tps := widgets.Query{Metric: "demo_http_tps", Reduce: "avg", Window: "30s", Agg: "sum"}
	b, p, a := g.value(tps, start), g.value(tps, peak), g.value(tps, g.now)
	t.Logf("TPS sum: before %.0f, peak %.0f, after %.0f", b, p, a)
	if p/b < 2.4 || p/b > 3.6 {
		t.Errorf("TPS went from %.0f to %.0f (×%.2f), want ×3", b, p, p/b)
	}
	if a/b < 0.8 || a/b > 1.25 {
		t.Errorf("TPS after the spike %.0f, before %.0f: want back", a, b)
	}
	res := g.query(widgets.Query{Metric: "demo_pod_cpu_ratio", Reduce: "avg", Window: "20s"}, peak)
	for _, s := range res.Series {
		hot := s.Labels["pod"] == pod
		if hot && s.Value < 0.95 || !hot && s.Value >= 0.9 {
			t.Errorf("pod %s (saturated %v) CPU %.2f at the peak", s.Labels["pod"], hot, s.Value)
		}
	}
	cpu := widgets.Query{Metric: "demo_pod_cpu_ratio", Match: []widgets.Matcher{demoEq("pod", pod)}}
	if v := g.value(cpu, end.Add(30*time.Second)); v > 0.9 {
		t.Errorf("pod %s CPU %.2f after the spike, want it back", pod, v)
	}
	if v := g.value(restarts, g.now); v != restartsBefore+1 {
		t.Errorf("pod %s restarts %v after the spike, want %v: it was OOM-killed", pod, v, restartsBefore+1)
	}
	p95 := widgets.Query{Metric: "demo_http_response_ms", Match: []widgets.Matcher{demoEq("service", svc), demoEq("quantile", "p95")},
		Reduce: "avg", Window: "30s"}
	if rb, rp := g.value(p95, start), g.value(p95, peak); rp < 3*rb {
		t.Errorf("%s p95 went from %.0f ms to %.0f ms, want it to climb", svc, rb, rp)
	}
	slow := widgets.Query{Metric: "demo_active_transactions", Match: []widgets.Matcher{demoEq("band", "normal")}, Reduce: "avg", Window: "30s", Agg: "sum"}
	if sb, sp := g.value(slow, start), g.value(slow, peak); sp < 3*sb {
		t.Errorf("active transactions went from %.0f to %.0f, want them to pile up", sb, sp)
	}
}

func TestDemoPlay(t *testing.T) {
	g := newDemoRig(t, `{"hosts":0,"services":5,"databases":2}`, demoDay)
	want := []string{"traffic-spike", "db-zone-move", "error-burst", "host-down"}
	if got := g.r.Incidents(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Incidents() = %v, want %v", got, want)
	}
	t.Run("UnknownRefused", func(t *testing.T) {
		err := g.r.Play("meteor", 0)
		demoWantErr(t, err, "", `"meteor" is not a demo incident; use one of: traffic-spike, db-zone-move, error-burst, host-down`)
	})
	t.Run("NegativeDurationRefused", func(t *testing.T) {
		demoWantErr(t, g.r.Play("error-burst", -time.Second), "", "the duration is -1s; allowed: up to 24h0m0s (0 for the default)")
	})
	t.Run("DefaultLength", func(t *testing.T) {
		if err := g.r.Play("error-burst", 0); err != nil {
			t.Fatal(err)
		}
		g.tick()
		g.run(179 * time.Second)
		if g.r.ErrorBurstService() == "" {
			t.Fatal("the burst ended before its 3 minutes")
		}
		g.run(time.Second)
		if s := g.r.ErrorBurstService(); s != "" {
			t.Fatalf("the burst on %s goes on after its 3 minutes", s)
		}
	})
	t.Run("ReplacesTheSameIncident", func(t *testing.T) {
		if err := g.r.Play("error-burst", time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := g.r.Play("error-burst", 10*time.Second); err != nil {
			t.Fatal(err)
		}
		g.run(10 * time.Second)
		if s := g.r.ErrorBurstService(); s != "" {
			t.Fatalf("the 1 h burst still plays on %s: Play did not replace it", s)
		}
	})
	t.Run("IncidentsPlayTogether", func(t *testing.T) {
		for _, name := range want {
			if err := g.r.Play(name, 30*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		g.run(10 * time.Second)
		active := g.query(widgets.Query{Metric: "demo_incident_active", Agg: "sum"}, g.now)
		if v := active.Series[0].Value; v != 4 {
			t.Errorf("%v incidents active, want 4", v)
		}
		g.run(20 * time.Second)
		if v := g.query(widgets.Query{Metric: "demo_incident_active", Agg: "sum"}, g.now).Series[0].Value; v != 0 {
			t.Errorf("%v incidents active after 30 s, want 0", v)
		}
	})
}

func demoWantErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	e := errs.As(err)
	if e == nil {
		t.Fatalf("error %v, want an *errs.Error", err)
	}
	if e.Code != errs.Invalid || e.Field != field || !strings.Contains(e.Message, msg) {
		t.Errorf("error {%s %q %q}, want {invalid %q containing %q}", e.Code, e.Field, e.Message, field, msg)
	}
}

func TestDemoConfig(t *testing.T) {
	cases := []struct {
		name, config, field, msg string
	}{
		{"ServicesZero", `{"services":0}`, "services", "is 0; allowed: 1 to 200"},
		{"ServicesTooMany", `{"services":201}`, "services", "is 201; allowed: 1 to 200"},
		{"PodsTooMany", `{"pods_per_service":21}`, "pods_per_service", "is 21; allowed: 1 to 20"},
		{"DatabasesTooMany", `{"databases":501}`, "databases", "is 501; allowed: 1 to 500"},
		{"HostsNegative", `{"hosts":-1}`, "hosts", "is -1; allowed: 0 to 50000"},
		{"HostsTooMany", `{"hosts":50001}`, "hosts", "is 50001; allowed: 0 to 50000"},
		{"SitesZero", `{"sites":0}`, "sites", "is 0; allowed: 1 to 5000"},
		{"IntervalTooShort", `{"interval":"500ms"}`, "interval", "is 500ms; allowed: 1s to 1m0s"},
		{"IntervalTooLong", `{"interval":"2m"}`, "interval", "is 2m; allowed: 1s to 1m0s"},
		{"IntervalNotADuration", `{"interval":"fast"}`, "interval", `"fast" is not a duration such as 1s or 10s`},
		{"IntervalNotAString", `{"interval":5}`, "interval", "must be a string"},
		{"HostIntervalTooLong", `{"host_interval":"61s"}`, "host_interval", "is 61s; allowed: 1s to 1m0s"},
		{"HostsNotANumber", `{"hosts":"many"}`, "hosts", "must be a whole number"},
		{"UnknownKey", `{"hostz":10}`, "hostz", "unknown field; allowed here: databases, host_interval, hosts, interval, pods_per_service, seed, services, sites"},
		{"NotAnObject", `[1]`, "", "must be an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sources.DemoDriver{}.New(json.RawMessage(c.config))
			demoWantErr(t, err, c.field, c.msg)
		})
	}
	for _, config := range []string{"", "null", "{}", `{"hosts":0,"interval":"2s","host_interval":"2s","seed":-7}`, `{"interval":"30s"}`, `{"services":200,"hosts":50000,"sites":5000}`} {
		t.Run("Accepts"+config, func(t *testing.T) {
			r, err := sources.DemoDriver{}.New(json.RawMessage(config))
			if err != nil {
				t.Fatalf("New(%q) = %v", config, err)
			}
			if _, ok := r.(sources.IncidentPlayer); !ok {
				t.Errorf("the demo runner is not an IncidentPlayer")
			}
		})
	}
}

func TestDemoDefaults(t *testing.T) {
	d := sources.DemoDriver{}
	if d.Type() != "demo" {
		t.Errorf("Type() = %q", d.Type())
	}
	want := `{"services":24,"pods_per_service":3,"databases":40,"hosts":10000,"sites":420,"interval":"1s","host_interval":"10s","seed":1}`
	if got := string(d.Defaults()); got != want {
		t.Errorf("Defaults() = %s, want %s", got, want)
	}
	if _, err := d.New(d.Defaults()); err != nil {
		t.Errorf("New(Defaults()) = %v", err)
	}
}

// demoRefusing refuses every tenth sample, as a store at a limit would some.
type demoRefusing struct {
	stream.Appender
	n int
}

func (a *demoRefusing) AppendSample(s *stream.Sample) error {
	a.n++
	if a.n%10 == 0 {
		return errors.New("limit max-series: full")
	}
	return a.Appender.AppendSample(s)
}

func TestDemoReportsRefusedPoints(t *testing.T) {
	g := newDemoRig(t, demoSmall, demoDay)
	good := g.env.Appender
	g.env.Appender = func() stream.Appender { return &demoRefusing{Appender: good()} }
	g.tick()
	v := g.env.Health.View()
	if v.Status != "error" || v.Failures != 1 || v.Points == 0 {
		t.Errorf("health = %+v, want error, 1 failure, the accepted points", v)
	}
	if !strings.Contains(v.LastError, "points refused; the first: limit max-series: full") {
		t.Errorf("last error %q", v.LastError)
	}
	if len(g.st.Metrics()) < 30 {
		t.Errorf("the tick stopped at the first refusal: %d metrics", len(g.st.Metrics()))
	}
	g.env.Appender = good
	g.run(time.Second)
	if v := g.env.Health.View(); v.Status != "ok" || v.Runs != 2 {
		t.Errorf("health after a good tick = %+v, want ok", v)
	}
}

// demoDiscard takes everything and keeps nothing.
type demoDiscard struct{}

func (demoDiscard) AppendSample(*stream.Sample) error           { return nil }
func (demoDiscard) AppendTransaction(*stream.Transaction) error { return nil }

func TestDemoTickAllocatesNothing(t *testing.T) {
	r, err := sources.NewDemoRunner(`{"hosts":2000,"sites":50}`, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var app stream.Appender = demoDiscard{}
	env := sources.Env{Appender: func() stream.Appender { return app }, Health: sources.NewHealth(), Now: time.Now}
	now := demoDay
	for range 3 {
		now = now.Add(time.Second)
		r.Tick(env, now)
	}
	allocs := testing.AllocsPerRun(20, func() {
		now = now.Add(time.Second)
		r.Tick(env, now)
	})
	if allocs != 0 {
		t.Errorf("a tick allocates %v times, want 0", allocs)
	}
}

func TestDemoRun(t *testing.T) {
	st := stream.NewStore(stream.DefaultLimits(), nil)
	run, err := sources.DemoDriver{}.New(json.RawMessage(demoSmall))
	if err != nil {
		t.Fatal(err)
	}
	env := sources.Env{
		Appender: func() stream.Appender { return st.Appender() },
		Health:   sources.NewHealth(),
		Now:      time.Now,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2200*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() {
		run.Run(ctx, env)
		close(done)
	}()
	// Play from another goroutine while the runner ticks.
	if err := run.(sources.IncidentPlayer).Play("host-down", time.Second); err != nil {
		t.Fatal(err)
	}
	<-done
	if v := env.Health.View(); v.Status != "ok" || v.Runs < 3 {
		t.Errorf("health after 2.2 s = %+v, want ok and 3 runs (one at once, one a second)", v)
	}
	if n := len(st.Metrics()); n < 30 {
		t.Errorf("%d metrics after 2 s, want at least 30", n)
	}
}

func TestDemoSeed(t *testing.T) {
	pods := func(config string) string {
		g := newDemoRig(t, config, demoDay)
		g.tick()
		ls, _ := g.st.Labels("demo_pod_cpu_ratio", 100)
		for _, l := range ls {
			if l.Name == "pod" {
				var names []string
				for _, v := range l.Values {
					names = append(names, v.Value)
				}
				slices.Sort(names)
				return strings.Join(names, ",")
			}
		}
		t.Fatal("no pod label")
		return ""
	}
	a, b, c := pods(`{"hosts":0,"seed":7}`), pods(`{"hosts":0,"seed":7}`), pods(`{"hosts":0,"seed":8}`)
	if a != b {
		t.Errorf("seed 7 gave two estates:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same pods: %s", a)
	}
}

// TestDemoURLChecks: every URL answers at first; an error burst on a
// service takes its URL checks down (after 3 failed checks) and they come
// back when it ends; the others stay up.
func TestDemoURLChecks(t *testing.T) {
	g := newDemoRig(t, `{"hosts":0,"services":8,"databases":4}`, demoDay)
	g.tick()
	up := func(at time.Time) map[string]float64 {
		res := g.query(widgets.Query{Metric: "demo_url_up", Agg: "max", GroupBy: []string{"target"}}, at)
		out := map[string]float64{}
		for _, s := range res.Series {
			out[s.Labels["target"]] = s.Value
		}
		return out
	}
	first := up(g.now)
	if len(first) != 16 {
		t.Fatalf("%d URL targets, want 16: %v", len(first), first)
	}
	for target, v := range first {
		if v != 1 {
			t.Errorf("%s up = %v at the first tick, want 1", target, v)
		}
	}
	certs := g.query(widgets.Query{Metric: "demo_url_cert_days_left", Agg: "min"}, g.now)
	if v := certs.Series[0].Value; v > 14 || v < 1 {
		t.Errorf("the soonest certificate expiry is %v days away, want one under 14 (a warning on a wall)", v)
	}
	g.run(30 * time.Second)
	resp := g.query(widgets.Query{Metric: "demo_url_response_ms", Reduce: "avg", Window: "30s", Agg: "max", GroupBy: []string{"target"}}, g.now)
	for _, s := range resp.Series {
		if s.Value < 10 || s.Value > 1500 {
			t.Errorf("%s answers in %v ms on average, want tens to hundreds", s.Labels["target"], s.Value)
		}
	}

	// Replay the burst until it lands on a service with URL checks (Play
	// replaces a playing burst and draws again).
	var svc string
	var targets []string
	for i := 0; i < 50 && len(targets) == 0; i++ {
		if err := g.r.Play("error-burst", 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		svc = g.r.ErrorBurstService()
		targets = g.r.URLTargets(svc)
	}
	if len(targets) == 0 {
		t.Fatal("no error burst landed on a service with URL checks")
	}
	start := g.now
	g.run(time.Minute)
	during := up(g.now)
	code := g.query(widgets.Query{Metric: "demo_url_status_code", Reduce: "max", Window: "20s", Agg: "max",
		Match: []widgets.Matcher{demoEq("target", targets[0])}}, g.now)
	if v := code.Series[0].Value; v != 503 {
		t.Errorf("%s: highest status code in 20 s of the burst on %s = %v, want 503", targets[0], svc, v)
	}
	for target, v := range during {
		want := 1.0
		if slices.Contains(targets, target) {
			want = 0
		}
		if v != want {
			t.Errorf("%s up = %v a minute into the burst on %s (its checks: %v), want %v", target, v, svc, targets, want)
		}
	}
	g.run(start.Add(2*time.Minute + 30*time.Second).Sub(g.now))
	for target, v := range up(g.now) {
		if v != 1 {
			t.Errorf("%s up = %v 30 s after the burst ended, want 1", target, v)
		}
	}
}
