package sources

// The demo source simulates an estate so that a new server shows something
// real at once and every product scenario can be played on a wall: a
// microservice shop on Kubernetes, its databases and a fleet of hosts over
// many sites, with daily rhythm, noise and incidents on demand.
//
// Series (every tick, at the tick's time, unless said otherwise):
//
//	metric                          labels                      kind     unit / meaning
//	demo_http_requests_total        service, endpoint, status   counter  requests; status 200, 404, 500
//	demo_http_tps                   service                     gauge    requests per second
//	demo_http_response_ms           service, quantile           gauge    p50, p95, p99 of the tick's transactions
//	demo_http_errors_total          service                     counter  5xx answers
//	demo_http_error_ratio           service                     gauge    0–1
//	demo_active_transactions        service, band               gauge    in flight: normal (0–3 s), slow (3–8 s), very_slow (> 8 s)
//	demo_service_health             service                     gauge    0 ok, 1 degraded, 2 failing
//	demo_pod_cpu_ratio              service, pod                gauge    0–1
//	demo_pod_memory_bytes           service, pod                gauge    bytes
//	demo_pod_restarts_total         service, pod                counter  restarts
//	demo_db_up                      db                          gauge    1
//	demo_db_connections             db, role                    gauge    role primary or replica
//	demo_db_locks                   db                          gauge    locks held
//	demo_db_query_ms                db                          gauge    mean query time
//	demo_db_queries_total           db                          counter  queries
//	demo_db_slow_queries_total      db                          counter  queries over 100 ms
//	demo_db_replication_lag_seconds db                          gauge    seconds
//	demo_host_up                    host, site                  gauge    1 (absent while a host is down)
//	demo_host_cpu_ratio             host, site                  gauge    0–1
//	demo_host_memory_ratio          host, site                  gauge    0–1
//	demo_host_disk_ratio            host, site                  gauge    0–1
//	demo_site_up_ratio              site                        gauge    share of the site's hosts reporting
//	demo_hosts_up                                               gauge    hosts reporting
//	demo_queue_depth                queue                       gauge    messages waiting
//	demo_cache_hit_ratio            cache                       gauge    0–1
//	demo_orders_total                                           counter  orders
//	demo_revenue_total              currency                    counter  EUR, USD, GBP
//	demo_cart_size                                              gauge    items per cart
//	demo_active_users                                           gauge    users online
//	demo_conversion_ratio                                       gauge    orders per session, 0–1
//	demo_incident_active            incident                    gauge    1 while that incident plays
//	demo_url_up                     target, url                 gauge    1 answering, 0 after 3 failed checks in a row
//	demo_url_success                target, url                 gauge    1 this check answered 200, 0 not
//	demo_url_response_ms            target, url                 gauge    ms to the end of the answer (5000: timed out)
//	demo_url_status_code            target, url                 gauge    HTTP status; 0 without an answer
//	demo_url_cert_days_left         target, url                 gauge    days until its TLS certificate expires
//
// Config (all optional): {"services": 24 (1–200), "pods_per_service": 3
// (1–20), "databases": 40 (1–500), "hosts": 10000 (0–50000), "sites": 420
// (1–5000), "interval": "1s" (1s–60s), "host_interval": "10s" (1s–60s),
// "seed": 1}. The same seed gives the same estate (names, sizes, sites).
//
// Host series are sent every host_interval (as an agent such as Telegraf
// would), a slice of the fleet each tick, and all at the first tick: at
// 10,000 hosts a point per host per second would be 40,000 points a second,
// 144 million points in the default one-hour memory window, more than the
// store's default max-points (64 million), and ten times the CPU. A host
// coming back from host-down reports at once.
//
// URL checks: 16 public URLs of the shop (demo_url_*, label target as
// http_probe's), checked every tick; most are bound to a service and follow
// it; one certificate is close to expiry.
//
// Transactions (the hitmap): service = the service name, label endpoint (2
// or 3 per service, so 200 services stay under the default max-tx-series of
// 1,000); up to 200 a second per service (a sample of its traffic), elapsed
// log-normal around the endpoint's CPU time plus its queries × the
// per-query latency, errors either fast or timeouts (~3 s).
//
// The daily rhythm follows the time of day of env.Now (the server's local
// time): low at night, peaks around 11:00 and 20:30, a dip mid-afternoon.
//
// Incidents (Play), each ending by itself:
//
//	traffic-spike  a points event: TPS ramps to ×3, one pod's CPU goes to ~1.0,
//	               response times climb (most on that pod's service); the pod
//	               restarts when it ends.
//	db-zone-move   per-query latency ~1 ms → ~6 ms: query-heavy endpoints (a
//	               few hundred queries) slow ~6×, their hitmap band moves up ~6
//	               buckets; DB locks, connections, slow queries and lag climb.
//	error-burst    one service answers ~45% errors (red in the hitmap), its
//	               error counters, ratio and health climb; orders drop; the
//	               URL checks of that service (if it has some) fail and go
//	               down.
//	host-down      whole sites, ~3% of the hosts (300 of 10,000), send nothing
//	               at all: grey in a honeycomb; they report again after.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/jsonx"
	"github.com/flexboard/flexboard/stream"
)

// Demo config limits.
const (
	demoMaxServices    = 200
	demoMaxPods        = 20
	demoMaxDatabases   = 500
	demoMaxHosts       = 50_000
	demoMaxSites       = 5_000
	demoMaxInterval    = 60 * time.Second
	demoMaxIncident    = 24 * time.Hour
	demoMaxTxPerSecond = 200 // transactions sampled per service per second
)

// demoConfig is the demo source's configuration.
type demoConfig struct {
	Services       int    `json:"services"`         // 1–200
	PodsPerService int    `json:"pods_per_service"` // 1–20
	Databases      int    `json:"databases"`        // 1–500
	Hosts          int    `json:"hosts"`            // 0–50,000
	Sites          int    `json:"sites"`            // 1–5,000
	Interval       string `json:"interval"`         // 1s–60s
	HostInterval   string `json:"host_interval"`    // 1s–60s: how often each host reports, in whole ticks, at least one
	Seed           int64  `json:"seed"`
}

// defaultDemoConfig is the config of a new demo source.
func defaultDemoConfig() demoConfig {
	return demoConfig{Services: 24, PodsPerService: 3, Databases: 40, Hosts: 10_000, Sites: 420,
		Interval: "1s", HostInterval: "10s", Seed: 1}
}

// DemoDriver is the "demo" source type: a simulated estate.
type DemoDriver struct{}

var _ Driver = DemoDriver{}

// Type implements Driver.
func (DemoDriver) Type() string { return TypeDemo }

// Defaults implements Driver.
func (DemoDriver) Defaults() json.RawMessage {
	b, _ := json.Marshal(defaultDemoConfig())
	return b
}

// New implements Driver: the runner it returns is also an IncidentPlayer.
func (DemoDriver) New(config json.RawMessage) (Runner, error) {
	cfg := defaultDemoConfig()
	if len(bytes.TrimSpace(config)) > 0 {
		if err := jsonx.Decode(config, &cfg); err != nil {
			return nil, err
		}
	}
	interval, hostInterval, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return newDemoRunner(cfg, interval, hostInterval), nil
}

func (c *demoConfig) validate() (interval, hostInterval time.Duration, err error) {
	ints := []struct {
		field    string
		v        int
		min, max int
	}{
		{"services", c.Services, 1, demoMaxServices},
		{"pods_per_service", c.PodsPerService, 1, demoMaxPods},
		{"databases", c.Databases, 1, demoMaxDatabases},
		{"hosts", c.Hosts, 0, demoMaxHosts},
		{"sites", c.Sites, 1, demoMaxSites},
	}
	for _, f := range ints {
		if f.v < f.min || f.v > f.max {
			return 0, 0, errs.Invalidf(f.field, "is %d; allowed: %d to %d", f.v, f.min, f.max)
		}
	}
	if interval, err = demoDuration("interval", c.Interval); err != nil {
		return 0, 0, err
	}
	if hostInterval, err = demoDuration("host_interval", c.HostInterval); err != nil {
		return 0, 0, err
	}
	return interval, hostInterval, nil
}

func demoDuration(field, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errs.Invalidf(field, "%q is not a duration such as 1s or 10s", s)
	}
	if d < MinInterval || d > demoMaxInterval {
		return 0, errs.Invalidf(field, "is %s; allowed: %s to %s", s, MinInterval, demoMaxInterval)
	}
	return d, nil
}

// Incidents, in the order Incidents lists them.
const (
	demoIncTrafficSpike = iota
	demoIncDBZoneMove
	demoIncErrorBurst
	demoIncHostDown
	demoNumIncidents
)

var (
	demoIncidentNames = [demoNumIncidents]string{"traffic-spike", "db-zone-move", "error-burst", "host-down"}
	// Default lengths, when Play is given 0.
	demoIncidentLength = [demoNumIncidents]time.Duration{4 * time.Minute, 5 * time.Minute, 3 * time.Minute, 3 * time.Minute}
)

// demoIncident is one playing incident. It is immutable once made: Play
// replaces it, the tick drops it when it ends.
type demoIncident struct {
	kind       int
	start, end time.Time
	target     int     // error-burst: service; traffic-spike: pod
	sites      []int32 // host-down: the silent sites
	hosts      int     // host-down: how many hosts they hold
}

// level is how far the incident is in force at now, 0–1: it ramps in and
// out so that a spike looks like one on a wall. A zone move is a step;
// hosts are down or not.
func (in *demoIncident) level(now time.Time) float64 {
	if now.Before(in.start) || !now.Before(in.end) {
		return 0
	}
	d := in.end.Sub(in.start)
	var rampIn, rampOut time.Duration
	switch in.kind {
	case demoIncTrafficSpike:
		rampIn, rampOut = min(d/5, 30*time.Second), min(d/4, 45*time.Second)
	case demoIncDBZoneMove:
		rampIn, rampOut = min(d/20, 5*time.Second), min(d/20, 5*time.Second)
	case demoIncErrorBurst:
		rampIn, rampOut = min(d/10, 10*time.Second), min(d/10, 10*time.Second)
	}
	l := 1.0
	if rampIn > 0 {
		l = min(l, float64(now.Sub(in.start))/float64(rampIn))
	}
	if rampOut > 0 {
		l = min(l, float64(in.end.Sub(now))/float64(rampOut))
	}
	return max(l, 0.02) // in force from its first tick
}

// demoRunner simulates the estate. Play may be called from any goroutine;
// everything else belongs to the goroutine that ticks.
type demoRunner struct {
	cfg       demoConfig
	interval  time.Duration
	hostEvery int64 // each host reports every hostEvery ticks

	mu        sync.Mutex
	clock     func() time.Time
	log       *slog.Logger
	incidents [demoNumIncidents]*demoIncident
	pick      demoRand // chooses incident targets

	demoEstate

	rng      demoRand
	ticks    int64
	last     time.Time
	siteDown []bool
	downBy   *demoIncident // the incident siteDown was built for

	// Per tick.
	app      stream.Appender
	ts       int64
	points   int
	failed   int
	firstErr error
	sample   stream.Sample
	tx       stream.Transaction
}

var _ IncidentPlayer = (*demoRunner)(nil)

func newDemoRunner(cfg demoConfig, interval, hostInterval time.Duration) *demoRunner {
	r := &demoRunner{
		cfg:       cfg,
		interval:  interval,
		hostEvery: max(1, int64((hostInterval+interval/2)/interval)), // hosts report at most once a tick
		clock:     time.Now,
		pick:      newDemoRand(uint64(cfg.Seed) ^ 0x5bd1e995),
		rng:       newDemoRand(uint64(cfg.Seed)),
	}
	r.demoEstate = buildDemoEstate(cfg, &r.rng)
	r.siteDown = make([]bool, len(r.sites))
	return r
}

// Incidents implements IncidentPlayer.
func (r *demoRunner) Incidents() []string { return slices.Clone(demoIncidentNames[:]) }

// Play implements IncidentPlayer: the incident starts now, replacing one of
// the same name still playing, and ends by itself after d (0: its default
// length, 3–5 minutes).
func (r *demoRunner) Play(scenario string, d time.Duration) error {
	kind := slices.Index(demoIncidentNames[:], scenario)
	if kind < 0 {
		return errs.Invalidf("", "%q is not a demo incident; use one of: %s", scenario, strings.Join(demoIncidentNames[:], ", "))
	}
	if d < 0 || d > demoMaxIncident {
		return errs.Invalidf("", "the duration is %s; allowed: up to %s (0 for the default)", d, demoMaxIncident)
	}
	if d == 0 {
		d = demoIncidentLength[kind]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock()
	in := &demoIncident{kind: kind, start: now, end: now.Add(d)}
	attrs := []any{"incident", scenario, "until", in.end.Format(time.RFC3339)}
	switch kind {
	case demoIncErrorBurst:
		in.target = int(r.pick.next() % uint64(len(r.services)))
		attrs = append(attrs, "service", r.services[in.target].name)
	case demoIncTrafficSpike:
		// A points event hits the front: the pods of the first services.
		front := min(len(r.services), 5) * r.cfg.PodsPerService
		in.target = int(r.pick.next() % uint64(front))
		attrs = append(attrs, "pod", r.pods[in.target].name)
	case demoIncHostDown:
		in.sites, in.hosts = r.pickDownSites()
		attrs = append(attrs, "sites", len(in.sites), "hosts", in.hosts)
	}
	r.incidents[kind] = in
	if r.log != nil {
		r.log.Info("demo incident started", attrs...)
	}
	return nil
}

// pickDownSites chooses whole sites holding about 3% of the hosts (300 of
// 10,000; at most 800). The caller holds r.mu.
func (r *demoRunner) pickDownSites() ([]int32, int) {
	if r.cfg.Hosts == 0 {
		return nil, 0
	}
	want := min(max(r.cfg.Hosts*3/100, 1), 800)
	var order []int32
	for i, s := range r.sites {
		if s.count > 0 {
			order = append(order, int32(i))
		}
	}
	for i := len(order) - 1; i > 0; i-- { // Fisher–Yates
		j := int(r.pick.next() % uint64(i+1))
		order[i], order[j] = order[j], order[i]
	}
	var sites []int32
	hosts := 0
	for _, s := range order {
		if hosts >= want {
			break
		}
		sites = append(sites, s)
		hosts += int(r.sites[s].count)
	}
	slices.Sort(sites)
	return sites, hosts
}

// Run implements Runner: a tick at once (so that a new server lists the
// demo's metrics within a second), then one every interval.
func (r *demoRunner) Run(ctx context.Context, env Env) {
	r.mu.Lock()
	r.clock = env.Now
	r.log = env.Log
	r.mu.Unlock()
	r.tick(env, env.Now())
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.tick(env, env.Now())
		}
	}
}

// demoTickState is what one tick computes before emitting.
type demoTickState struct {
	dt      float64 // seconds since the previous tick
	day     float64 // the daily curve, ~0.2 at night to ~0.9
	spike   float64 // incident levels, 0–1
	zone    float64
	burst   float64
	hot     int // the saturated pod, -1 none
	hotSvc  int
	burstOn int // the failing service, -1 none
	qlat    float64
	active  [demoNumIncidents]bool
}

// tick appends one point per series (hosts: per host_interval) and the
// tick's transactions, and reports the run to env.Health with the points
// and transactions accepted. Appender errors are counted and the tick goes
// on; the first is reported.
func (r *demoRunner) tick(env Env, now time.Time) {
	st := r.incidentState(now, env.Log)
	r.app = env.Appender()
	r.ts = now.UnixMilli()
	r.points, r.failed, r.firstErr = 0, 0, nil

	r.tickServices(&st)
	r.emitDatabases(&st)
	r.emitHosts(&st)
	r.emitBusiness(&st)
	r.emitURLChecks(&st)
	for k, name := range r.incidentLabels {
		v := 0.0
		if st.active[k] {
			v = 1
		}
		r.emit(r.names.incidentActive, name, v)
	}

	r.ticks++
	r.last = now
	r.app = nil
	var err error
	if r.failed > 0 {
		err = fmt.Errorf("%d of %d points refused; the first: %w", r.failed, r.failed+r.points, r.firstErr)
	}
	env.Health.Report(now, r.points, err)
}

// incidentState reads the incidents at now and drops those that ended.
func (r *demoRunner) incidentState(now time.Time, log *slog.Logger) demoTickState {
	st := demoTickState{dt: r.interval.Seconds(), day: demoDayCurve(now), hot: -1, hotSvc: -1, burstOn: -1}
	if !r.last.IsZero() {
		// A late tick (a suspended laptop) counts its time, up to 5 ticks.
		st.dt = min(max(now.Sub(r.last).Seconds(), 0), 5*r.interval.Seconds())
	}
	var down *demoIncident
	r.mu.Lock()
	for k, in := range r.incidents {
		if in == nil {
			continue
		}
		if !now.Before(in.end) {
			r.incidents[k] = nil
			if log != nil {
				log.Info("demo incident ended", "incident", demoIncidentNames[k])
			}
			if k == demoIncTrafficSpike {
				r.pods[in.target].restart() // the saturated pod was OOM-killed
			}
			continue
		}
		l := in.level(now)
		if l == 0 {
			continue
		}
		st.active[k] = true
		switch k {
		case demoIncTrafficSpike:
			st.spike, st.hot, st.hotSvc = l, in.target, r.pods[in.target].service
		case demoIncDBZoneMove:
			st.zone = l
		case demoIncErrorBurst:
			st.burst, st.burstOn = l, in.target
		case demoIncHostDown:
			down = in
		}
	}
	r.mu.Unlock()
	if down != r.downBy {
		clear(r.siteDown)
		if down != nil {
			for _, s := range down.sites {
				r.siteDown[s] = true
			}
		}
		r.downBy = down
	}
	// Per-query latency: ~1 ms, ~6 ms once the database has moved zone.
	st.qlat = (1 + 5*st.zone) * (1 + 0.15*st.spike) * math.Exp(0.03*r.rng.norm())
	return st
}

// emit appends one point at the tick's time.
func (r *demoRunner) emit(metric []byte, labels []stream.LabelPair, v float64) {
	s := &r.sample
	s.Metric, s.Labels, s.Value, s.TS = metric, labels, v, r.ts
	if err := r.app.AppendSample(s); err != nil {
		r.fail(err)
		return
	}
	r.points++
}

func (r *demoRunner) fail(err error) {
	if r.failed == 0 {
		r.firstErr = err
	}
	r.failed++
}

// demoDayCurve is the share of peak traffic at the time of day of t (in t's
// location): low at night, peaks late morning and in the evening.
func demoDayCurve(t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60 + float64(t.Second())/3600
	return 0.18 + 0.62*demoBump(h, 11, 2.6) + 0.5*demoBump(h, 20.5, 2) + 0.25*demoBump(h, 15.5, 3)
}

func demoBump(h, at, width float64) float64 {
	d := math.Abs(h - at)
	if d > 12 {
		d = 24 - d
	}
	return math.Exp(-0.5 * d * d / (width * width))
}

// demoRand is a small fast random number generator (xorshift64*): noise
// needs speed, not quality.
type demoRand uint64

func newDemoRand(seed uint64) demoRand {
	// splitmix64 spreads small seeds over the state; the state must not be 0.
	z := seed + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	if z == 0 {
		z = 1
	}
	return demoRand(z)
}

func (x *demoRand) next() uint64 {
	v := uint64(*x)
	v ^= v >> 12
	v ^= v << 25
	v ^= v >> 27
	*x = demoRand(v)
	return v * 0x2545f4914f6cdd1d
}

// float returns a number in [0, 1).
func (x *demoRand) float() float64 { return float64(x.next()>>11) / (1 << 53) }

// norm returns a standard normal number (Box–Muller, one of the pair).
func (x *demoRand) norm() float64 {
	u := 1 - x.float() // (0, 1]
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*x.float())
}

// between returns a number in [lo, hi).
func (x *demoRand) between(lo, hi float64) float64 { return lo + (hi-lo)*x.float() }

// count rounds a non-negative expected count up or down at random, so that
// small rates still add up right over time.
func (x *demoRand) count(v float64) int {
	if v <= 0 {
		return 0
	}
	n := math.Floor(v)
	if x.float() < v-n {
		n++
	}
	return int(n)
}
