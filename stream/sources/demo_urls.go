package sources

import (
	"math"

	"github.com/flexboard/flexboard/stream"
)

// ---- URL checks ----

// The demo's URL checks are what an http_probe source (or any synthetic
// monitor) would report for the shop's public URLs: one check per target
// every tick. A check bound to a service follows it: it slows down with the
// service (a traffic spike, a database zone move) and fails while the
// service fails (an error burst), going down after demoURLFailuresToDown
// failures in a row, as http_probe's probe_up does.

// demoURLFailuresToDown is how many failed checks in a row mark a URL down.
const demoURLFailuresToDown = 3

type demoURLSpec struct {
	target, url string
	service     string  // the service behind it; "" none
	baseMS      float64 // typical response time
	certDays    float64 // days left on its certificate at the start
}

// demoURLSpecs are the checked URLs. One certificate is close to expiry
// (a warning on a wall with a 14-day threshold).
var demoURLSpecs = []demoURLSpec{
	{"shop-home", "https://shop.example.com/", "catalog", 180, 212},
	{"shop-search", "https://shop.example.com/search?q=shoes", "search", 240, 212},
	{"shop-product", "https://shop.example.com/p/sneaker-42", "catalog", 210, 212},
	{"shop-cart", "https://shop.example.com/cart", "cart", 150, 212},
	{"shop-checkout", "https://shop.example.com/checkout", "checkout", 320, 212},
	{"shop-login", "https://shop.example.com/login", "auth", 120, 212},
	{"api-health", "https://api.example.com/health", "gateway", 35, 61},
	{"api-cart", "https://api.example.com/v2/cart", "cart", 60, 61},
	{"api-orders", "https://api.example.com/v2/orders", "orders", 90, 61},
	{"api-payment", "https://api.example.com/v2/payment/health", "payment", 110, 61},
	{"api-users", "https://api.example.com/v2/users/me", "users", 55, 61},
	{"api-pricing", "https://api.example.com/v2/pricing", "pricing", 70, 61},
	{"partner-feed", "https://partners.example.com/feed.xml", "feeds", 420, 11.5},
	{"cdn-assets", "https://cdn.example.com/health", "", 25, 340},
	{"status-page", "https://status.example.com/", "", 95, 97},
	{"docs", "https://docs.example.com/", "", 140, 28},
}

type demoURL struct {
	labels   []stream.LabelPair // target, url
	service  int                // index in services; -1 none
	baseMS   float64
	certDays float64
	failures int // failed checks in a row
	walk     float64
}

func buildDemoURLs(services []*demoService) []demoURL {
	idx := map[string]int{}
	for i, s := range services {
		idx[s.name] = i
	}
	out := make([]demoURL, len(demoURLSpecs))
	for i, sp := range demoURLSpecs {
		svc, ok := idx[sp.service]
		if !ok {
			svc = -1 // fewer services configured: the check stands alone
		}
		out[i] = demoURL{labels: demoLabels("target", sp.target, "url", sp.url), service: svc,
			baseMS: sp.baseMS, certDays: sp.certDays}
	}
	return out
}

// emitURLChecks checks every URL once. It runs after tickServices, whose
// state of this tick it reads.
func (r *demoRunner) emitURLChecks(st *demoTickState) {
	n := &r.names
	for i := range r.urls {
		u := &r.urls[i]
		u.walk = u.walk*0.95 + 0.05*r.rng.norm()
		slow, failP := 1.0, 0.0005 // a rare blip: a timeout now and then
		if u.service >= 0 {
			s := r.services[u.service]
			slow = max(s.slowness, 0.2)
			if s.errRate > 0.15 {
				failP = 0.9 // the service is failing: so is its page
			}
		}
		ms := u.baseMS * slow * math.Exp(0.15*u.walk+0.1*r.rng.norm())
		status := 200.0
		if r.rng.float() < failP {
			if u.service >= 0 && failP > 0.5 {
				status = 503
				ms *= 0.3 // an error page comes back fast
			} else {
				status, ms = 0, 5000 // the check timed out
			}
		}
		if status == 200 {
			u.failures = 0
		} else {
			u.failures++
		}
		up := 1.0
		if u.failures >= demoURLFailuresToDown {
			up = 0
		}
		u.certDays -= st.dt / 86400
		if u.certDays < 1 {
			u.certDays = 90 // renewed
		}
		r.emit(n.urlUp, u.labels, up)
		r.emit(n.urlSuccess, u.labels, boolFloat(status == 200))
		r.emit(n.urlResponse, u.labels, math.Round(ms*10)/10)
		r.emit(n.urlStatus, u.labels, status)
		r.emit(n.urlCertDays, u.labels, math.Floor(u.certDays*10)/10)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
