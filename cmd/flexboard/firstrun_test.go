package main

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFirstRunDemo: an empty database gets a demo source whose data flows
// within seconds and moves; a second start changes nothing the user made
// (a deleted demo source stays deleted); --demo=false starts empty.
func TestFirstRunDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	p := startProcess(t, db, "--demo=true")
	var metrics []any
	deadline := time.Now().Add(30 * time.Second)
	for len(metrics) < 30 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		metrics, _ = do(t, "GET", p.URL+"/api/v1/metrics", nil).JSON(t)["metrics"].([]any)
	}
	if len(metrics) < 30 {
		t.Fatalf("%d metric names after start, want dozens", len(metrics))
	}
	q := map[string]any{"metric": "demo_http_tps", "agg": "sum"}
	first := do(t, "POST", p.URL+"/api/v1/query", q).JSON(t)
	var second map[string]any
	for i := 0; i < 50; i++ {
		time.Sleep(200 * time.Millisecond)
		second = do(t, "POST", p.URL+"/api/v1/query", q).JSON(t)
		if value(second) != value(first) {
			break
		}
	}
	if value(first) <= 0 || value(second) == value(first) {
		t.Fatalf("demo TPS does not move: %v then %v", value(first), value(second))
	}
	list := do(t, "GET", p.URL+"/api/v1/sources", nil).JSON(t)["sources"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["type"] != "demo" {
		t.Fatalf("sources = %v", list)
	}
	// A demo board on its data, drawable at once.
	bl := do(t, "GET", p.URL+"/api/v1/boards", nil).JSON(t)["boards"].([]any)
	if len(bl) != 1 || bl[0].(map[string]any)["name"] != "Demo: shop overview" {
		t.Fatalf("boards after a first run = %v", bl)
	}
	demoBoard := str(bl[0].(map[string]any)["id"])
	wantStatus(t, do(t, "GET", p.URL+"/api/v1/boards/"+demoBoard+"/render", nil), 200)
	wantStatus(t, do(t, "DELETE", p.URL+"/api/v1/boards/"+demoBoard, nil), 204)
	id := str(list[0].(map[string]any)["id"])
	wantStatus(t, do(t, "DELETE", p.URL+"/api/v1/sources/"+id, nil), 204)
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	p2 := startProcess(t, db, "--demo=true")
	if list := do(t, "GET", p2.URL+"/api/v1/sources", nil).JSON(t)["sources"].([]any); len(list) != 0 {
		t.Fatalf("the deleted demo source came back: %v", list)
	}
	if bl := do(t, "GET", p2.URL+"/api/v1/boards", nil).JSON(t)["boards"].([]any); len(bl) != 0 {
		t.Fatalf("the deleted demo board came back: %v", bl)
	}

	p3 := startProcess(t, filepath.Join(t.TempDir(), "empty.db"))
	if list := do(t, "GET", p3.URL+"/api/v1/sources", nil).JSON(t)["sources"].([]any); len(list) != 0 {
		t.Fatalf("--demo=false created sources: %v", list)
	}
}

func value(res map[string]any) float64 {
	s, _ := res["series"].([]any)
	if len(s) == 0 {
		return -1
	}
	v, _ := s[0].(map[string]any)["value"].(float64)
	return v
}
