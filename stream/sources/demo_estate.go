package sources

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/flexboard/flexboard/stream"
)

// The simulated estate. Every label set is built once, sorted by label name
// as the store wants them, so that a tick allocates nothing: it sets the
// fields of one reused Sample and hands it over.

// demoNames are the metric names as bytes.
type demoNames struct {
	httpRequests, httpTPS, httpResponse, httpErrors, httpErrorRatio, activeTx, serviceHealth []byte
	podCPU, podMemory, podRestarts                                                           []byte
	dbUp, dbConns, dbLocks, dbQueryMS, dbQueries, dbSlow, dbLag                              []byte
	hostUp, hostCPU, hostMemory, hostDisk, siteUp, hostsUp                                   []byte
	queueDepth, cacheHit                                                                     []byte
	orders, revenue, cartSize, activeUsers, conversion, incidentActive                       []byte
	urlUp, urlSuccess, urlResponse, urlStatus, urlCertDays                                   []byte
}

func newDemoNames() demoNames {
	b := func(s string) []byte { return []byte(s) }
	return demoNames{
		httpRequests: b("demo_http_requests_total"), httpTPS: b("demo_http_tps"), httpResponse: b("demo_http_response_ms"),
		httpErrors: b("demo_http_errors_total"), httpErrorRatio: b("demo_http_error_ratio"),
		activeTx: b("demo_active_transactions"), serviceHealth: b("demo_service_health"),
		podCPU: b("demo_pod_cpu_ratio"), podMemory: b("demo_pod_memory_bytes"), podRestarts: b("demo_pod_restarts_total"),
		dbUp: b("demo_db_up"), dbConns: b("demo_db_connections"), dbLocks: b("demo_db_locks"), dbQueryMS: b("demo_db_query_ms"),
		dbQueries: b("demo_db_queries_total"), dbSlow: b("demo_db_slow_queries_total"), dbLag: b("demo_db_replication_lag_seconds"),
		hostUp: b("demo_host_up"), hostCPU: b("demo_host_cpu_ratio"), hostMemory: b("demo_host_memory_ratio"),
		hostDisk: b("demo_host_disk_ratio"), siteUp: b("demo_site_up_ratio"), hostsUp: b("demo_hosts_up"),
		queueDepth: b("demo_queue_depth"), cacheHit: b("demo_cache_hit_ratio"),
		orders: b("demo_orders_total"), revenue: b("demo_revenue_total"), cartSize: b("demo_cart_size"),
		activeUsers: b("demo_active_users"), conversion: b("demo_conversion_ratio"), incidentActive: b("demo_incident_active"),
		urlUp: b("demo_url_up"), urlSuccess: b("demo_url_success"), urlResponse: b("demo_url_response_ms"),
		urlStatus: b("demo_url_status_code"), urlCertDays: b("demo_url_cert_days_left"),
	}
}

// labels builds a label set from name, value pairs, sorted by name.
func demoLabels(kv ...string) []stream.LabelPair {
	out := make([]stream.LabelPair, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, stream.LabelPair{Name: []byte(kv[i]), Value: []byte(kv[i+1])})
	}
	slices.SortFunc(out, func(a, b stream.LabelPair) int { return slices.Compare(a.Name, b.Name) })
	return out
}

type demoEstate struct {
	names          demoNames
	services       []*demoService
	pods           []*demoPod
	dbs            []demoDB
	hosts          demoHosts
	sites          []demoSite
	business       demoBusiness
	urls           []demoURL
	incidentLabels [demoNumIncidents][]stream.LabelPair
}

func buildDemoEstate(cfg demoConfig, rng *demoRand) demoEstate {
	e := demoEstate{names: newDemoNames()}
	e.services = buildDemoServices(cfg, rng)
	for _, s := range e.services {
		e.pods = append(e.pods, s.pods...)
	}
	e.dbs = buildDemoDatabases(cfg, rng)
	e.sites, e.hosts = buildDemoHosts(cfg, rng)
	e.business = buildDemoBusiness(rng)
	e.urls = buildDemoURLs(e.services)
	for k, name := range demoIncidentNames {
		e.incidentLabels[k] = demoLabels("incident", name)
	}
	return e
}

// ---- services ----

type demoEndpointSpec struct {
	path    string
	weight  float64 // share of the service's traffic
	cpuMS   float64 // time spent outside the database
	queries float64 // database queries per request
}

type demoServiceSpec struct {
	name      string
	peakTPS   float64
	endpoints []demoEndpointSpec
}

// demoKnownServices are the shop's services, hand-written for the first ones;
// the others get generic endpoints. Each has an endpoint running a few
// hundred queries: those are the ones a database zone move slows down.
func demoKnownServices() []demoServiceSpec {
	return []demoServiceSpec{
		{"checkout", 120, []demoEndpointSpec{{"/checkout", .5, 25, 12}, {"/checkout/confirm", .3, 40, 45}, {"/checkout/history", .2, 15, 180}}},
		{"cart", 420, []demoEndpointSpec{{"/cart", .6, 6, 3}, {"/cart/items", .3, 8, 5}, {"/cart/recompute", .1, 20, 140}}},
		{"auth", 650, []demoEndpointSpec{{"/auth/token", .6, 2, 1}, {"/auth/login", .3, 35, 2}, {"/auth/logout", .1, 3, 1}}},
		{"search", 900, []demoEndpointSpec{{"/search", .7, 30, 4}, {"/search/suggest", .3, 8, 1}}},
		{"payment", 90, []demoEndpointSpec{{"/payment/authorize", .6, 180, 6}, {"/payment/capture", .3, 120, 5}, {"/payment/refund", .1, 90, 8}}},
		{"catalog", 1200, []demoEndpointSpec{{"/catalog/page", .5, 20, 320}, {"/catalog/product", .4, 6, 18}, {"/catalog/categories", .1, 4, 60}}},
		{"inventory", 300, []demoEndpointSpec{{"/inventory/stock", .7, 3, 2}, {"/inventory/reserve", .3, 10, 25}}},
		{"shipping", 110, []demoEndpointSpec{{"/shipping/quote", .6, 40, 6}, {"/shipping/track", .4, 10, 3}}},
		{"orders", 200, []demoEndpointSpec{{"/orders/detail", .6, 5, 12}, {"/orders", .4, 10, 150}}},
		{"users", 380, []demoEndpointSpec{{"/users/me", .7, 3, 4}, {"/users/profile", .3, 6, 14}}},
		{"recommendations", 520, []demoEndpointSpec{{"/recommendations", 1, 60, 30}}},
		{"pricing", 640, []demoEndpointSpec{{"/pricing/quote", .8, 4, 8}, {"/pricing/rules", .2, 10, 200}}},
		{"reviews", 260, []demoEndpointSpec{{"/reviews", .8, 8, 220}, {"/reviews/post", .2, 12, 6}}},
		{"notifications", 150, nil}, {"gateway", 0, nil}, {"sessions", 0, nil}, {"wishlist", 0, nil},
		{"loyalty", 0, nil}, {"fraud", 0, nil}, {"tax", 0, nil}, {"currency", 0, nil}, {"media", 0, nil},
		{"ads", 0, nil}, {"analytics", 0, nil},
		// Beyond the default 24.
		{"billing", 0, nil}, {"invoices", 0, nil}, {"returns", 0, nil}, {"coupons", 0, nil},
		{"stores", 0, nil}, {"delivery", 0, nil}, {"chat", 0, nil}, {"feeds", 0, nil},
	}
}

// Quantile and band label values, in emission order.
var (
	demoQuantiles = [3]string{"p50", "p95", "p99"}
	demoBands     = [3]string{"normal", "slow", "very_slow"}
	demoStatuses  = [3]string{"200", "404", "500"}
)

type demoEndpoint struct {
	weight, cum     float64 // share of traffic, cumulative share
	cpuMS, queries  float64
	sigma           float64 // log-normal spread of elapsed
	txLabels        []stream.LabelPair
	reqLabels       [3][]stream.LabelPair // by status
	requests        [3]float64            // counters by status
	median, errRate float64               // this tick
}

type demoService struct {
	name     string
	peakTPS  float64
	baseErr  float64
	walk     float64 // slow noise of traffic
	eps      []demoEndpoint
	svc      []stream.LabelPair
	quantile [3][]stream.LabelPair
	band     [3][]stream.LabelPair
	pods     []*demoPod
	errors   float64 // counter
	elapsed  []float64
	// This tick.
	tps, util, errRate float64
	slowness           float64 // mean median response time over its normal one
}

func buildDemoServices(cfg demoConfig, rng *demoRand) []*demoService {
	specs := demoKnownServices()
	var ss []*demoService
	for i := 0; i < cfg.Services; i++ {
		spec := specs[i%len(specs)]
		name := spec.name
		if i >= len(specs) {
			name += "-" + strconv.Itoa(i/len(specs)+1)
		}
		peak := spec.peakTPS
		if peak == 0 || i >= len(specs) {
			peak = 40 * math.Exp(rng.between(0, 2.6)) // 40–540 req/s
		}
		eps := spec.endpoints
		if eps == nil || i >= len(specs) {
			eps = []demoEndpointSpec{
				{"/" + name, .6, rng.between(3, 15), math.Round(rng.between(2, 12))},
				{"/" + name + "/item", .3, rng.between(2, 8), math.Round(rng.between(1, 6))},
				{"/" + name + "/report", .1, rng.between(10, 30), math.Round(rng.between(120, 400))},
			}
		}
		s := &demoService{name: name, peakTPS: peak, baseErr: rng.between(0.001, 0.004), svc: demoLabels("service", name),
			elapsed: make([]float64, 0, demoMaxTxPerSecond)}
		cum := 0.0
		for _, es := range eps {
			cum += es.weight
			ep := demoEndpoint{weight: es.weight, cum: cum, cpuMS: es.cpuMS, queries: es.queries,
				sigma: rng.between(0.3, 0.45), txLabels: demoLabels("endpoint", es.path)}
			for k, status := range demoStatuses {
				ep.reqLabels[k] = demoLabels("service", name, "endpoint", es.path, "status", status)
				ep.requests[k] = math.Floor(rng.between(1e5, 1e6) * peak / 100 * es.weight)
			}
			s.eps = append(s.eps, ep)
		}
		for k := range demoQuantiles {
			s.quantile[k] = demoLabels("service", name, "quantile", demoQuantiles[k])
			s.band[k] = demoLabels("service", name, "band", demoBands[k])
		}
		hash := demoPodHash(rng, 10)
		for p := 0; p < cfg.PodsPerService; p++ {
			pod := fmt.Sprintf("%s-%s-%s", name, hash, demoPodHash(rng, 5))
			mem := math.Exp(rng.between(math.Log(256<<20), math.Log(1536<<20)))
			s.pods = append(s.pods, &demoPod{name: pod, service: i, labels: demoLabels("service", name, "pod", pod),
				share: rng.between(0.85, 1.15), memBase: mem, restarts: float64(rng.next() % 3)})
		}
		s.errors = math.Floor(rng.between(100, 5000))
		ss = append(ss, s)
	}
	return ss
}

// demoPodHash returns n characters of a Kubernetes-style name suffix.
func demoPodHash(rng *demoRand, n int) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.next()%uint64(len(alphabet))]
	}
	return string(b)
}

// tickServices moves every service, its pods and its transactions on by one
// tick.
func (r *demoRunner) tickServices(st *demoTickState) {
	n := &r.names
	for i, s := range r.services {
		s.walk = s.walk*0.98 + 0.02*r.rng.norm()
		s.tps = s.peakTPS * st.day * math.Exp(s.walk+0.04*r.rng.norm()) * (1 + 2*st.spike)
		lat := (1 + 0.6*st.spike) * math.Exp(0.04*r.rng.norm())
		extraErr := 0.0
		if i == st.hotSvc {
			lat *= 1 + 5*st.spike // requests queue on the saturated pod
			extraErr = 0.04 * st.spike
		}
		if i == st.burstOn {
			extraErr += 0.45 * st.burst
		}
		s.errRate = 0
		normalMedian := 0.0
		for j := range s.eps {
			e := &s.eps[j]
			e.median = e.cpuMS*lat + e.queries*st.qlat
			e.errRate = s.baseErr + extraErr
			s.errRate += e.weight * e.errRate
			normalMedian += e.weight * (e.cpuMS + e.queries)
		}
		r.serviceTransactions(s, st)
		bands := s.activeBands()

		// Counters: requests by status, 5xx errors.
		fails := 0.0
		for j := range s.eps {
			e := &s.eps[j]
			reqs := s.tps * e.weight * st.dt
			e.requests[0] += reqs * (1 - 0.015 - e.errRate)
			e.requests[1] += reqs * 0.015
			e.requests[2] += reqs * e.errRate
			fails += reqs * e.errRate
			for k := range e.requests {
				r.emit(n.httpRequests, e.reqLabels[k], math.Floor(e.requests[k]))
			}
		}
		s.errors += fails
		ratio := min(s.errRate*math.Exp(0.15*r.rng.norm()), 1)
		r.emit(n.httpTPS, s.svc, s.tps)
		r.emit(n.httpErrors, s.svc, math.Floor(s.errors))
		r.emit(n.httpErrorRatio, s.svc, ratio)
		if m := len(s.elapsed); m > 0 {
			slices.Sort(s.elapsed)
			for k, q := range [3]float64{0.5, 0.95, 0.99} {
				r.emit(n.httpResponse, s.quantile[k], s.elapsed[int(q*float64(m-1)+0.5)])
			}
		}
		for k, v := range bands {
			v = max(v+math.Sqrt(v)*0.5*r.rng.norm(), 0)
			r.emit(n.activeTx, s.band[k], math.Round(v))
		}
		slow := 0.0
		for j := range s.eps {
			slow += s.eps[j].weight * s.eps[j].median
		}
		slow /= normalMedian
		s.slowness = slow
		health := 0.0
		switch {
		case ratio > 0.10 || slow > 4:
			health = 2
		case ratio > 0.03 || slow > 1.8:
			health = 1
		}
		r.emit(n.serviceHealth, s.svc, health)

		// Pods: CPU grows sublinearly with traffic (the autoscaler keeps up),
		// except on the one pod a spike saturates.
		s.util = 0.04 + 0.3*math.Pow(s.tps/s.peakTPS, 0.55)
		for _, p := range s.pods {
			r.emitPod(p, s.util, st)
		}
	}
}

// serviceTransactions appends a sample of the service's transactions of
// this tick, spread over the tick, and keeps their elapsed times for the
// response-time quantiles.
func (r *demoRunner) serviceTransactions(s *demoService, st *demoTickState) {
	s.elapsed = s.elapsed[:0]
	n := r.rng.count(min(s.tps, demoMaxTxPerSecond) * st.dt)
	spread := float64(r.interval.Milliseconds())
	tx := &r.tx
	tx.Service = s.name
	for range n {
		u := r.rng.float() * s.eps[len(s.eps)-1].cum
		e := &s.eps[0]
		for j := range s.eps {
			if u < s.eps[j].cum {
				e = &s.eps[j]
				break
			}
		}
		elapsed := e.median * math.Exp(e.sigma*r.rng.norm())
		tx.Error = r.rng.float() < e.errRate
		switch {
		case tx.Error && r.rng.float() < 0.4:
			elapsed = 3000 * math.Exp(0.25*r.rng.norm()) // a timeout
		case tx.Error:
			elapsed *= 0.15 // failed fast
		case r.rng.float() < 0.005:
			elapsed *= r.rng.between(3, 20) // a GC pause, a lock wait
		}
		tx.Labels = e.txLabels
		tx.TS = r.ts - int64(r.rng.float()*spread)
		tx.ElapsedMS = elapsed
		if err := r.app.AppendTransaction(tx); err != nil {
			r.fail(err)
		} else {
			r.points++
		}
		if len(s.elapsed) < cap(s.elapsed) {
			s.elapsed = append(s.elapsed, elapsed)
		}
	}
}

// activeBands returns the transactions in flight by how long they have
// been running, by Little's law: a transaction of duration T spends
// min(T, 3 s) in the normal band, min((T−3)+, 5 s) in slow and (T−8)+ in
// very slow; for a log-normal T, E[(T−k)+] has a closed form.
func (s *demoService) activeBands() [3]float64 {
	var b [3]float64
	add := func(rate, medianMS, sigma float64) {
		m := medianMS / 1000
		mean := m * math.Exp(sigma*sigma/2)
		over3, over8 := demoExcess(m, sigma, mean, 3), demoExcess(m, sigma, mean, 8)
		b[0] += rate * (mean - over3)
		b[1] += rate * (over3 - over8)
		b[2] += rate * over8
	}
	for j := range s.eps {
		e := &s.eps[j]
		rate := s.tps * e.weight
		add(rate*(1-e.errRate)*0.995, e.median, e.sigma)
		add(rate*(1-e.errRate)*0.005, e.median*11.5, e.sigma+0.5) // the outliers
		add(rate*e.errRate*0.4, 3000, 0.25)                       // timeouts
		add(rate*e.errRate*0.6, e.median*0.15, e.sigma)
	}
	return b
}

// demoExcess is E[(T−k)+] for T log-normal with median m, spread sigma.
func demoExcess(m, sigma, mean, k float64) float64 {
	d2 := math.Log(m/k) / sigma
	return mean*demoPhi(d2+sigma) - k*demoPhi(d2)
}

func demoPhi(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// ---- pods ----

type demoPod struct {
	name     string
	service  int
	labels   []stream.LabelPair
	share    float64 // load imbalance between the pods of a service
	walk     float64
	memBase  float64
	leak     float64
	restarts float64
}

func (p *demoPod) restart() {
	p.restarts++
	p.leak = 0
}

func (r *demoRunner) emitPod(p *demoPod, util float64, st *demoTickState) {
	p.walk = p.walk*0.95 + 0.01*r.rng.norm()
	cpu := util*p.share*math.Exp(0.05*r.rng.norm()) + p.walk
	mem := p.memBase * (0.85 + 0.25*util)
	p.leak += p.memBase * 2e-6 * r.rng.float()
	if st.hot >= 0 && r.pods[st.hot] == p {
		cpu = cpu*(1-st.spike) + st.spike*r.rng.between(0.97, 1)
		mem += p.memBase * 0.5 * st.spike
	}
	if p.leak > 0.6*p.memBase { // a slow leak: restarted every day or two
		p.restart()
	}
	r.emit(r.names.podCPU, p.labels, min(max(cpu, 0.005), 1))
	r.emit(r.names.podMemory, p.labels, math.Round(mem+p.leak))
	r.emit(r.names.podRestarts, p.labels, p.restarts)
}

// ---- databases ----

var demoDBDomains = [...]string{"orders", "users", "catalog", "payments", "sessions", "inventory", "shipping",
	"reviews", "pricing", "analytics", "search", "loyalty", "billing", "media", "audit", "ledger"}

type demoDB struct {
	db, primary, replica []stream.LabelPair
	share                float64 // share of all queries
	baseMS               float64
	poolMax              float64
	walk, lag            float64
	queries, slow        float64 // counters
}

func buildDemoDatabases(cfg demoConfig, rng *demoRand) []demoDB {
	dbs := make([]demoDB, cfg.Databases)
	total := 0.0
	for i := range dbs {
		name := fmt.Sprintf("db-%s-%02d", demoDBDomains[i%len(demoDBDomains)], i/len(demoDBDomains)+1)
		d := &dbs[i]
		d.db = demoLabels("db", name)
		d.primary = demoLabels("db", name, "role", "primary")
		d.replica = demoLabels("db", name, "role", "replica")
		d.share = math.Exp(rng.norm())
		total += d.share
		d.baseMS = rng.between(0.7, 1.3)
		d.poolMax = math.Round(rng.between(100, 300))
		d.lag = rng.between(0.05, 0.3)
		d.queries = math.Floor(rng.between(1e8, 1e9))
		d.slow = math.Floor(rng.between(1e3, 1e4))
	}
	for i := range dbs {
		dbs[i].share /= total
	}
	return dbs
}

func (r *demoRunner) emitDatabases(st *demoTickState) {
	n := &r.names
	qps := 0.0 // all queries per second
	for _, s := range r.services {
		for j := range s.eps {
			qps += s.tps * s.eps[j].weight * s.eps[j].queries
		}
	}
	zoneFactor := 1 + 5*st.zone
	for i := range r.dbs {
		d := &r.dbs[i]
		d.walk = d.walk*0.97 + 0.03*r.rng.norm()
		dq := qps * d.share * math.Exp(0.2*d.walk)
		ms := d.baseMS * zoneFactor * (1 + 0.15*st.spike) * math.Exp(0.06*r.rng.norm())
		busy := dq * ms / 1000 // connections busy, by Little's law
		idle := 8 + 4*r.rng.float()
		d.queries += dq * st.dt
		d.slow += dq * st.dt * 2e-5 * zoneFactor * zoneFactor * math.Exp(0.3*r.rng.norm())
		d.lag = d.lag*0.9 + 0.1*(0.1+3*st.zone)*math.Exp(0.3*r.rng.norm())
		locks := math.Round(max(busy*0.2*math.Exp(0.3*r.rng.norm())+r.rng.between(0, 2), 0))
		r.emit(n.dbUp, d.db, 1)
		r.emit(n.dbConns, d.primary, math.Round(min(idle+busy*0.7, d.poolMax)))
		r.emit(n.dbConns, d.replica, math.Round(min(idle*0.6+busy*0.3, d.poolMax)))
		r.emit(n.dbLocks, d.db, locks)
		r.emit(n.dbQueryMS, d.db, ms)
		r.emit(n.dbQueries, d.db, math.Floor(d.queries))
		r.emit(n.dbSlow, d.db, math.Floor(d.slow))
		r.emit(n.dbLag, d.db, d.lag)
	}
}

// ---- hosts ----

type demoSite struct {
	labels       []stream.LabelPair
	first, count int32 // its hosts are first … first+count-1
}

// demoHosts holds the fleet as columns: at 50,000 hosts a tick walks them
// all, and float32 columns keep that in cache.
type demoHosts struct {
	labels            [][]stream.LabelPair // host, site
	site              []int32
	cpuBase           []float32
	cpu, mem, memBase []float32
	disk              []float32
	wasDown           []bool // silent last time: report at once when back
}

func buildDemoHosts(cfg demoConfig, rng *demoRand) ([]demoSite, demoHosts) {
	sites := make([]demoSite, cfg.Sites)
	siteWidth := max(3, len(strconv.Itoa(cfg.Sites)))
	weights := make([]float64, cfg.Sites)
	total := 0.0
	for i := range weights {
		weights[i] = math.Exp(0.7 * rng.norm()) // a few big sites, many small ones
		total += weights[i]
	}
	assigned := 0
	for i := range sites {
		name := fmt.Sprintf("site-%0*d", siteWidth, i+1)
		sites[i].labels = demoLabels("site", name)
		sites[i].count = int32(float64(cfg.Hosts) * weights[i] / total)
		assigned += int(sites[i].count)
	}
	for i := 0; assigned < cfg.Hosts; i = (i + 1) % len(sites) {
		sites[i].count++
		assigned++
	}
	h := demoHosts{
		labels: make([][]stream.LabelPair, cfg.Hosts), site: make([]int32, cfg.Hosts),
		cpuBase: make([]float32, cfg.Hosts), cpu: make([]float32, cfg.Hosts),
		mem: make([]float32, cfg.Hosts), memBase: make([]float32, cfg.Hosts),
		disk: make([]float32, cfg.Hosts), wasDown: make([]bool, cfg.Hosts),
	}
	// One backing array for all host label pairs and names: 10,000 hosts
	// cost two allocations, not 30,000.
	pairs := make([]stream.LabelPair, 2*cfg.Hosts)
	hostWidth := max(5, len(strconv.Itoa(cfg.Hosts)))
	nameBuf := make([]byte, 0, cfg.Hosts*(5+hostWidth))
	hostName, siteName := []byte("host"), []byte("site")
	i := 0
	for s := range sites {
		sites[s].first = int32(i)
		for range sites[s].count {
			start := len(nameBuf)
			nameBuf = fmt.Appendf(nameBuf, "host-%0*d", hostWidth, i+1)
			pairs[2*i] = stream.LabelPair{Name: hostName, Value: nameBuf[start:len(nameBuf):len(nameBuf)]}
			pairs[2*i+1] = stream.LabelPair{Name: siteName, Value: sites[s].labels[0].Value}
			h.labels[i] = pairs[2*i : 2*i+2 : 2*i+2]
			h.site[i] = int32(s)
			base := rng.between(0.05, 0.45)
			if rng.float() < 0.01 {
				base = rng.between(0.8, 0.95) // a few busy hosts: red on the honeycomb
			}
			h.cpuBase[i], h.cpu[i] = float32(base), float32(base)
			h.memBase[i] = float32(rng.between(0.3, 0.85))
			h.mem[i] = h.memBase[i]
			h.disk[i] = float32(rng.between(0.15, 0.92))
			i++
		}
	}
	return sites, h
}

// emitHosts sends the hosts whose turn it is (every host at the first
// tick, and a host coming back at once); hosts of a site that is down send
// nothing.
func (r *demoRunner) emitHosts(st *demoTickState) {
	n := &r.names
	h := &r.hosts
	every := r.hostEvery
	phase := r.ticks % every
	up := 0
	load := float32(0.5 + 0.8*st.day)
	for i := range h.labels {
		if r.siteDown[h.site[i]] {
			h.wasDown[i] = true
			continue
		}
		up++
		if r.ticks > 0 && int64(i)%every != phase && !h.wasDown[i] {
			continue
		}
		h.wasDown[i] = false
		u1, u2, u3 := r.rng.float(), r.rng.float(), r.rng.float()
		cpu := h.cpu[i]*0.7 + 0.3*min(h.cpuBase[i]*load, 0.98) + float32(u1-0.5)*0.08
		cpu = min(max(cpu, 0.01), 1)
		mem := h.mem[i] + 0.1*(h.memBase[i]-h.mem[i]) + float32(u2-0.5)*0.02
		disk := h.disk[i] + float32(u3)*0.0002
		if disk > 0.97 {
			disk = 0.45 // logs rotated
		}
		h.cpu[i], h.mem[i], h.disk[i] = cpu, mem, disk
		ls := h.labels[i]
		r.emit(n.hostUp, ls, 1)
		r.emit(n.hostCPU, ls, float64(cpu))
		r.emit(n.hostMemory, ls, float64(mem))
		r.emit(n.hostDisk, ls, float64(disk))
	}
	for s := range r.sites {
		site := &r.sites[s]
		if site.count == 0 {
			continue
		}
		v := 1.0
		if r.siteDown[s] {
			v = 0
		}
		r.emit(n.siteUp, site.labels, v)
	}
	r.emit(n.hostsUp, nil, float64(up))
}

// ---- business ----

var (
	demoQueues     = [...]string{"orders", "emails", "payments", "webhooks"}
	demoCaches     = [...]string{"sessions", "catalog", "cart", "search"}
	demoCurrencies = [...]struct {
		code          string
		share, basket float64
	}{{"EUR", 0.6, 62}, {"USD", 0.3, 71}, {"GBP", 0.1, 55}}
)

type demoBusiness struct {
	queues     [len(demoQueues)][]stream.LabelPair
	queueDepth [len(demoQueues)]float64
	caches     [len(demoCaches)][]stream.LabelPair
	cacheWalk  [len(demoCaches)]float64
	currencies [len(demoCurrencies)][]stream.LabelPair
	revenue    [len(demoCurrencies)]float64
	orders     float64
	cartWalk   float64
	usersWalk  float64
}

func buildDemoBusiness(rng *demoRand) demoBusiness {
	var b demoBusiness
	for i, q := range demoQueues {
		b.queues[i] = demoLabels("queue", q)
		b.queueDepth[i] = rng.between(5, 50)
	}
	for i, c := range demoCaches {
		b.caches[i] = demoLabels("cache", c)
	}
	for i, c := range demoCurrencies {
		b.currencies[i] = demoLabels("currency", c.code)
		b.revenue[i] = math.Floor(rng.between(1e6, 1e7) * c.share)
	}
	b.orders = math.Floor(rng.between(1e5, 1e6))
	return b
}

func (r *demoRunner) emitBusiness(st *demoTickState) {
	n := &r.names
	b := &r.business
	ss := r.services
	// Orders follow checkout traffic, less what checkout and payment fail.
	orderRate := ss[0].tps * 0.06 * (1 - ss[0].errRate)
	if len(ss) > 4 {
		orderRate *= 1 - ss[4].errRate
	}
	orders := orderRate * st.dt
	b.orders += orders
	for i, c := range demoCurrencies {
		b.revenue[i] += orders * c.share * c.basket * math.Exp(0.2*r.rng.norm())
		r.emit(n.revenue, b.currencies[i], math.Round(b.revenue[i]*100)/100)
	}
	r.emit(n.orders, nil, math.Floor(b.orders))
	b.cartWalk = b.cartWalk*0.98 + 0.02*r.rng.norm()
	r.emit(n.cartSize, nil, 2.2+0.8*st.day+0.3*b.cartWalk+0.05*r.rng.norm())
	total := 0.0
	for _, s := range ss {
		total += s.tps
	}
	b.usersWalk = b.usersWalk*0.99 + 0.01*r.rng.norm()
	users := total * 25 * math.Exp(0.5*b.usersWalk) // a request every 25 s
	r.emit(n.activeUsers, nil, math.Round(users))
	sessions := max(users/600, 1) // sessions of 10 minutes started per second
	r.emit(n.conversion, nil, min(orderRate/sessions*math.Exp(0.05*r.rng.norm()), 1))
	for i := range b.queues {
		// Consumers slow down with the database and fail with a service.
		backlog := 1 + 3*st.zone + 2*st.burst + st.spike
		target := (10 + 40*st.day) * backlog
		b.queueDepth[i] += 0.1*(target-b.queueDepth[i]) + 3*r.rng.norm()
		b.queueDepth[i] = max(b.queueDepth[i], 0)
		r.emit(n.queueDepth, b.queues[i], math.Round(b.queueDepth[i]))
	}
	for i := range b.caches {
		b.cacheWalk[i] = b.cacheWalk[i]*0.95 + 0.05*r.rng.norm()
		hit := 0.95 - 0.06*st.spike + 0.02*b.cacheWalk[i] + 0.004*r.rng.norm()
		r.emit(n.cacheHit, b.caches[i], min(max(hit, 0), 1))
	}
}
