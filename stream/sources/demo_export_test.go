package sources

import (
	"encoding/json"
	"time"
)

// DemoRunner exposes the demo runner to the external tests.
type DemoRunner = demoRunner

// NewDemoRunner builds a demo runner from config whose incidents start at
// the time clock gives, as Run would arrange with env.Now.
func NewDemoRunner(config string, clock func() time.Time) (*DemoRunner, error) {
	run, err := DemoDriver{}.New(json.RawMessage(config))
	if err != nil {
		return nil, err
	}
	r := run.(*demoRunner)
	r.clock = clock
	return r, nil
}

// Tick runs one tick at now.
func (r *demoRunner) Tick(env Env, now time.Time) { r.tick(env, now) }

// ErrorBurstService is the service the playing error-burst fails ("" none).
func (r *demoRunner) ErrorBurstService() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if in := r.incidents[demoIncErrorBurst]; in != nil {
		return r.services[in.target].name
	}
	return ""
}

// SpikePod is the pod the playing traffic-spike saturates ("" none) and
// its service.
func (r *demoRunner) SpikePod() (pod, service string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if in := r.incidents[demoIncTrafficSpike]; in != nil {
		p := r.pods[in.target]
		return p.name, r.services[p.service].name
	}
	return "", ""
}

// DownHosts is how many hosts the playing host-down silences.
func (r *demoRunner) DownHosts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if in := r.incidents[demoIncHostDown]; in != nil {
		return in.hosts
	}
	return 0
}

// URLTargets are the URL checks bound to service.
func (r *demoRunner) URLTargets(service string) []string {
	var out []string
	for i, u := range r.urls {
		if u.service >= 0 && r.services[u.service].name == service {
			out = append(out, demoURLSpecs[i].target)
		}
	}
	return out
}
