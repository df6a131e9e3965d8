package sources_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/internal/jsonx"
	"github.com/flexboard/flexboard/internal/sqlitedb"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/stream/sources"
)

// mgrFakeDriver makes runners that append one point per tick and fail
// while told to.
type mgrFakeDriver struct{ failing *atomic.Bool }

type mgrFakeConfig struct {
	Metric string `json:"metric"`
}

func (mgrFakeDriver) Type() string              { return "fake" }
func (mgrFakeDriver) Defaults() json.RawMessage { return json.RawMessage(`{"metric":"fake_up"}`) }
func (d mgrFakeDriver) New(raw json.RawMessage) (sources.Runner, error) {
	var c mgrFakeConfig
	if err := jsonx.Decode(raw, &c); err != nil {
		return nil, err
	}
	if c.Metric == "" {
		return nil, errs.Invalidf("metric", "is required")
	}
	return &mgrFakeRunner{metric: c.Metric, failing: d.failing}, nil
}

type mgrFakeRunner struct {
	metric  string
	failing *atomic.Bool
	played  atomic.Value
}

func (r *mgrFakeRunner) Run(ctx context.Context, env sources.Env) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if r.failing != nil && r.failing.Load() {
				env.Health.Report(env.Now(), 0, errors.New("target down"))
				continue
			}
			err := env.Appender().AppendSample(&stream.Sample{Metric: []byte(r.metric), Value: 1})
			env.Health.Report(env.Now(), 1, err)
		}
	}
}

func (r *mgrFakeRunner) Incidents() []string { return []string{"boom"} }
func (r *mgrFakeRunner) Play(s string, d time.Duration) error {
	if s != "boom" {
		return errors.New("unknown scenario " + s)
	}
	r.played.Store(s)
	return nil
}

type mgrEnv struct {
	app     *fiber.App
	store   *stream.Store
	mgr     *sources.Manager
	src     *sources.SQLiteStore
	failing *atomic.Bool
}

func newMgrEnv(t *testing.T) *mgrEnv {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := stream.NewStore(stream.DefaultLimits(), nil)
	failing := &atomic.Bool{}
	mgr := sources.NewManager(func() stream.Appender { return st.Appender() }, log, mgrFakeDriver{failing: failing})
	t.Cleanup(mgr.Shutdown)
	src := sources.NewSQLiteStore(db)
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(log)})
	(&sources.Handler{Store: src, Manager: mgr, Log: log}).Register(app.Group("/api/v1"))
	return &mgrEnv{app: app, store: st, mgr: mgr, src: src, failing: failing}
}

func (e *mgrEnv) do(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.app.Test(req, 5000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSourcesCRUD(t *testing.T) {
	e := newMgrEnv(t)
	status, m := e.do(t, "POST", "/api/v1/sources", `{"name":"Fake","type":"fake"}`)
	if status != 201 || m["enabled"] != true || m["revision"] != 1.0 {
		t.Fatalf("create: %d %v", status, m)
	}
	id := m["id"].(string)
	if !bytes.Contains([]byte(m["config"].(map[string]any)["metric"].(string)), []byte("fake_up")) {
		t.Fatalf("defaults not applied: %v", m["config"])
	}
	waitFor(t, "fake data", func() bool { return e.store.SeriesCount() == 1 })
	waitFor(t, "healthy source", func() bool {
		_, got := e.do(t, "GET", "/api/v1/sources/"+id, "")
		h := got["health"].(map[string]any)
		return h["status"] == "ok" && h["points"].(float64) > 0
	})

	// A failing source shows its error and recovers by itself.
	e.failing.Store(true)
	waitFor(t, "error in health", func() bool {
		_, got := e.do(t, "GET", "/api/v1/sources/"+id, "")
		h := got["health"].(map[string]any)
		return h["status"] == "error" && h["last_error"] == "target down"
	})
	e.failing.Store(false)
	waitFor(t, "recovery", func() bool {
		_, got := e.do(t, "GET", "/api/v1/sources/"+id, "")
		return got["health"].(map[string]any)["status"] == "ok"
	})

	// Save: revision required, stale refused, config change restarts.
	if s, m := e.do(t, "PUT", "/api/v1/sources/"+id, `{"name":"Fake","type":"fake","config":{"metric":"other"}}`); s != 400 || m["error"].(map[string]any)["field"] != "revision" {
		t.Fatalf("save without revision: %d %v", s, m)
	}
	if s, m := e.do(t, "PUT", "/api/v1/sources/"+id, `{"revision":1,"name":"Fake 2","type":"fake","config":{"metric":"other_up"}}`); s != 200 || m["revision"] != 2.0 {
		t.Fatalf("save: %d %v", s, m)
	}
	waitFor(t, "new metric", func() bool { return hasMetric(e.store, "other_up") })
	if s, m := e.do(t, "PUT", "/api/v1/sources/"+id, `{"revision":1,"name":"x","type":"fake"}`); s != 409 || m["error"].(map[string]any)["current_revision"] != 2.0 {
		t.Fatalf("stale save: %d %v", s, m)
	}

	// Disabled: stopped.
	if s, _ := e.do(t, "PUT", "/api/v1/sources/"+id, `{"revision":2,"name":"Fake 2","type":"fake","enabled":false,"config":{"metric":"other_up"}}`); s != 200 {
		t.Fatalf("disable: %d", s)
	}
	if _, m := e.do(t, "GET", "/api/v1/sources/"+id, ""); m["health"].(map[string]any)["status"] != "stopped" {
		t.Fatalf("disabled source health: %v", m["health"])
	}

	if s, _ := e.do(t, "DELETE", "/api/v1/sources/"+id, ""); s != 204 {
		t.Fatalf("delete: %d", s)
	}
	if s, m := e.do(t, "GET", "/api/v1/sources/"+id, ""); s != 404 || m["error"].(map[string]any)["code"] != "not_found" {
		t.Fatalf("after delete: %d %v", s, m)
	}
	if _, m := e.do(t, "GET", "/api/v1/sources", ""); len(m["sources"].([]any)) != 0 {
		t.Fatalf("list after delete: %v", m)
	}
}

func TestSourcesRejected(t *testing.T) {
	e := newMgrEnv(t)
	cases := []struct {
		name, body, field, msg string
	}{
		{"UnknownType", `{"name":"x","type":"carrier-pigeon"}`, "type", `"carrier-pigeon" is not a source type; use one of: fake`},
		{"NoName", `{"type":"fake"}`, "name", "is required"},
		{"BadConfig", `{"name":"x","type":"fake","config":{"metric":""}}`, "config.metric", "is required"},
		{"UnknownConfigKey", `{"name":"x","type":"fake","config":{"metrik":"a"}}`, "config.metrik", "unknown field"},
		{"UnknownField", `{"name":"x","type":"fake","colour":1}`, "colour", "unknown field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, m := e.do(t, "POST", "/api/v1/sources", c.body)
			er, _ := m["error"].(map[string]any)
			if s != 400 || er["field"] != c.field || !strings.Contains(er["message"].(string), c.msg) {
				t.Fatalf("%d %v", s, m)
			}
		})
	}
	if _, m := e.do(t, "GET", "/api/v1/sources", ""); len(m["sources"].([]any)) != 0 {
		t.Fatalf("a rejected source was stored: %v", m)
	}
}

func TestSourcesIncident(t *testing.T) {
	e := newMgrEnv(t)
	_, m := e.do(t, "POST", "/api/v1/sources", `{"name":"Fake","type":"fake"}`)
	id := m["id"].(string)
	if s, m := e.do(t, "POST", "/api/v1/sources/"+id+"/incidents", `{"scenario":"boom","duration":"30s"}`); s != 202 || m["scenario"] != "boom" {
		t.Fatalf("incident: %d %v", s, m)
	}
	if s, m := e.do(t, "POST", "/api/v1/sources/"+id+"/incidents", `{"scenario":"meteor"}`); s != 400 || !strings.Contains(m["error"].(map[string]any)["message"].(string), "unknown scenario meteor") {
		t.Fatalf("unknown scenario: %d %v", s, m)
	}
	if s, m := e.do(t, "POST", "/api/v1/sources/"+id+"/incidents", `{"scenario":"boom","duration":"1s"}`); s != 400 || m["error"].(map[string]any)["field"] != "duration" {
		t.Fatalf("short duration: %d %v", s, m)
	}
	if s, _ := e.do(t, "POST", "/api/v1/sources/nope/incidents", `{"scenario":"boom"}`); s != 404 {
		t.Fatalf("unknown source: %d", s)
	}
}

func TestSeedFirstRunOnce(t *testing.T) {
	e := newMgrEnv(t)
	ctx := context.Background()
	seed := []sources.Source{{Name: "Demo", Type: "fake", Enabled: true, Config: json.RawMessage(`{"metric":"d"}`)}}
	got, err := sources.SeedFirstRun(ctx, e.src, true, seed)
	if err != nil || len(got) != 1 {
		t.Fatalf("first run: %v %v", got, err)
	}
	if err := e.src.DeleteSource(ctx, got[0].ID); err != nil {
		t.Fatal(err)
	}
	again, err := sources.SeedFirstRun(ctx, e.src, true, seed)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run created %v, %v", again, err)
	}
	if list, _ := e.src.FindSources(ctx); len(list) != 0 {
		t.Fatalf("the deleted demo source came back: %v", list)
	}
}

func hasMetric(st *stream.Store, name string) bool {
	for _, m := range st.Metrics() {
		if m.Name == name {
			return true
		}
	}
	return false
}
