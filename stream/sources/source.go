// Package sources produces data without anyone pushing it: a simulated
// demo estate, the server's own host, URL probes, Prometheus scrapes and
// PromQL queries. Each source type is a Driver that validates its config and
// builds a Runner; the Manager runs the configured sources, each in its own
// goroutine, so a failing or slow source never blocks another or ingest.
package sources

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/flexboard/flexboard/stream"
)

// Source types.
const (
	TypeDemo      = "demo"
	TypeHost      = "host"
	TypeHTTPProbe = "http_probe"
	TypeScrape    = "prometheus_scrape"
	TypeQuery     = "prometheus_query"
)

// MinInterval is the shortest interval any source may run at.
const MinInterval = time.Second

// Driver knows one source type.
type Driver interface {
	// Type is the source type name, e.g. "http_probe".
	Type() string
	// New validates config (a JSON object; empty means defaults) and
	// returns a runner. Errors are *errs.Error naming the field relative to
	// the config ("targets[1].url").
	New(config json.RawMessage) (Runner, error)
	// Defaults returns the config a new source of this type starts with.
	Defaults() json.RawMessage
}

// Runner produces data until ctx ends.
type Runner interface {
	Run(ctx context.Context, env Env)
}

// IncidentPlayer is a Runner that can play scripted incidents (the demo).
type IncidentPlayer interface {
	// Incidents lists the scenario names.
	Incidents() []string
	// Play starts scenario for d (0: its default length); it ends by itself.
	Play(scenario string, d time.Duration) error
}

// Env is what a runner is given.
type Env struct {
	// Appender returns an appender for one batch (stream.Store.Appender).
	Appender func() stream.Appender
	Health   *Health
	Log      *slog.Logger
	Now      func() time.Time
}

// Health is a source's state, updated by its runner and shown by the API.
type Health struct {
	mu        sync.Mutex
	status    string
	lastRun   time.Time
	lastErr   string
	lastErrAt time.Time
	points    int64
	runs      int64
	failures  int64
}

// HealthView is a copy of Health for JSON.
type HealthView struct {
	Status      string     `json:"status"` // starting, ok, error, stopped
	LastRun     *time.Time `json:"last_run,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	Points      int64      `json:"points"`
	Runs        int64      `json:"runs"`
	Failures    int64      `json:"failures"`
}

// NewHealth returns the health of a source that has not run yet.
func NewHealth() *Health { return &Health{status: "starting"} }

// Report records one run: how many points it produced and its error, if
// any. A run without error sets the status back to ok (sources recover by
// themselves); the last error stays visible with its time.
func (h *Health) Report(at time.Time, points int, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastRun = at
	h.runs++
	h.points += int64(points)
	if err != nil {
		h.status = "error"
		h.lastErr = err.Error()
		h.lastErrAt = at
		h.failures++
		return
	}
	h.status = "ok"
}

// SetStatus sets the status without a run (stopped, starting).
func (h *Health) SetStatus(s string) {
	h.mu.Lock()
	h.status = s
	h.mu.Unlock()
}

// View returns a copy for JSON.
func (h *Health) View() HealthView {
	h.mu.Lock()
	defer h.mu.Unlock()
	v := HealthView{Status: h.status, LastError: h.lastErr, Points: h.points, Runs: h.runs, Failures: h.failures}
	if !h.lastRun.IsZero() {
		t := h.lastRun
		v.LastRun = &t
	}
	if !h.lastErrAt.IsZero() {
		t := h.lastErrAt
		v.LastErrorAt = &t
	}
	return v
}
