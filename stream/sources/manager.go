package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/stream"
)

// MaxNameLength bounds a source's name.
const MaxNameLength = 200

// Manager runs the enabled sources, one goroutine each.
type Manager struct {
	drivers  map[string]Driver
	appender func() stream.Appender
	log      *slog.Logger

	mu      sync.Mutex
	running map[string]*running
	wg      sync.WaitGroup
}

type running struct {
	cancel context.CancelFunc
	done   chan struct{}
	runner Runner
	health *Health
}

// NewManager returns a manager for the given drivers, feeding appender.
func NewManager(appender func() stream.Appender, log *slog.Logger, drivers ...Driver) *Manager {
	m := &Manager{drivers: map[string]Driver{}, appender: appender, log: log, running: map[string]*running{}}
	for _, d := range drivers {
		m.drivers[d.Type()] = d
	}
	return m
}

// Types lists the known source types, sorted.
func (m *Manager) Types() []string {
	out := make([]string, 0, len(m.drivers))
	for t := range m.drivers {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Driver returns the driver of a type, or nil.
func (m *Manager) Driver(typ string) Driver { return m.drivers[typ] }

// Validate checks a source as a client sent it and returns the runner its
// config builds. Errors name the field ("config.targets[0].url").
func (m *Manager) Validate(s *Source) (Runner, error) {
	s.Name = strings.TrimSpace(s.Name)
	if n := utf8.RuneCountInString(s.Name); n < 1 || n > MaxNameLength {
		return nil, errs.Invalidf("name", "is required (1 to %d characters)", MaxNameLength)
	}
	d := m.drivers[s.Type]
	if d == nil {
		return nil, errs.Invalidf("type", "%q is not a source type; use one of: %s", s.Type, strings.Join(m.Types(), ", "))
	}
	if len(s.Config) == 0 || string(s.Config) == "null" {
		s.Config = d.Defaults()
	}
	r, err := d.New(s.Config)
	if err != nil {
		return nil, errs.Prefix("config", err)
	}
	return r, nil
}

// Apply starts, restarts or stops the runner of s to match its config.
func (m *Manager) Apply(s *Source) error {
	m.Stop(s.ID)
	if !s.Enabled {
		return nil
	}
	r, err := m.Validate(s)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &running{cancel: cancel, done: make(chan struct{}), runner: r, health: NewHealth()}
	m.mu.Lock()
	m.running[s.ID] = run
	m.mu.Unlock()
	m.wg.Add(1)
	log := m.log.With("source", s.ID, "type", s.Type)
	go func() {
		defer m.wg.Done()
		defer close(run.done)
		defer func() {
			if p := recover(); p != nil { // a broken source must not take the server down
				log.Error("source crashed", "panic", fmt.Sprint(p))
				run.health.Report(time.Now(), 0, fmt.Errorf("crashed: %v", p))
			}
		}()
		r.Run(ctx, Env{Appender: m.appender, Health: run.health, Log: log, Now: time.Now})
	}()
	return nil
}

// Stop stops the runner of a source, if it runs.
func (m *Manager) Stop(id string) {
	m.mu.Lock()
	run := m.running[id]
	delete(m.running, id)
	m.mu.Unlock()
	if run != nil {
		run.cancel()
		<-run.done
	}
}

// Health returns the health of a source (stopped when it does not run).
func (m *Manager) Health(id string) HealthView {
	m.mu.Lock()
	run := m.running[id]
	m.mu.Unlock()
	if run == nil {
		return HealthView{Status: "stopped"}
	}
	return run.health.View()
}

// Incident plays a scenario on a running source that can.
func (m *Manager) Incident(id, scenario string, d time.Duration) error {
	m.mu.Lock()
	run := m.running[id]
	m.mu.Unlock()
	if run == nil {
		return errs.E(errs.Conflict, "", "source %q is not running: enable it first", id)
	}
	p, ok := run.runner.(IncidentPlayer)
	if !ok {
		return errs.Invalidf("", "source %q cannot play incidents: only demo sources can", id)
	}
	if err := p.Play(scenario, d); err != nil {
		return errs.Invalidf("scenario", "%v", err)
	}
	return nil
}

// Shutdown stops every runner and waits for them.
func (m *Manager) Shutdown() {
	m.mu.Lock()
	for id, run := range m.running {
		run.cancel()
		delete(m.running, id)
	}
	m.mu.Unlock()
	m.wg.Wait()
}

// Start runs every enabled source of store. A source whose config no
// longer validates is logged and left stopped.
func (m *Manager) Start(ctx context.Context, store Store) error {
	list, err := store.FindSources(ctx)
	if err != nil {
		return err
	}
	for i := range list {
		if err := m.Apply(&list[i]); err != nil {
			m.log.Error("source not started", "source", list[i].ID, "err", err)
		}
	}
	return nil
}

// firstRunKey marks a database whose first run was set up.
const firstRunKey = "first_run"

// SeedFirstRun creates the default sources on a database that has never
// been set up, once: a later start changes nothing (a deleted demo source
// stays deleted). It returns the sources it created.
func SeedFirstRun(ctx context.Context, store Store, demo bool, seed []Source) ([]Source, error) {
	if _, done, err := store.Setting(ctx, firstRunKey); err != nil || done {
		return nil, err
	}
	var out []Source
	if demo {
		for _, s := range seed {
			c, err := store.CreateSource(ctx, s)
			if err != nil {
				return out, err
			}
			out = append(out, *c)
		}
	}
	b, _ := json.Marshal(map[string]any{"at": time.Now().UTC(), "demo": demo})
	return out, store.SetSetting(ctx, firstRunKey, string(b))
}
