package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flexboard/flexboard/boards"
)

// TestFirstRunDemo: an empty database gets a demo source whose data flows
// within seconds and moves, and three boards from the templates announced
// with their URLs; a second start changes nothing the user made (a deleted
// demo source or board stays deleted, a renamed board keeps its name);
// --demo=false starts empty.
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
	// Three boards from the templates, each announced with its display and
	// editor URLs.
	bl := do(t, "GET", p.URL+"/api/v1/boards", nil).JSON(t)["boards"].([]any)
	byName := map[string]string{}
	for _, b := range bl {
		byName[str(b.(map[string]any)["name"])] = str(b.(map[string]any)["id"])
	}
	names := []string{"Situation room", "Service overview", "Host estate"}
	var ids []string
	for _, n := range names {
		ids = append(ids, byName[n])
	}
	if len(bl) != 3 || slices.Contains(ids, "") {
		t.Fatalf("boards after a first run = %v, want the situation room, service overview and host estate", byName)
	}
	for i, id := range ids {
		wantStatus(t, do(t, "GET", p.URL+"/api/v1/boards/"+id+"/render", nil), 200)
		line := fmt.Sprintf(`msg="first run: created a board on the demo data" board=%q display=%s/d/%s editor=%s/edit/%s`,
			names[i], p.URL, id, p.URL, id)
		if !strings.Contains(p.logs.String(), line) {
			t.Errorf("the log does not announce %s as\n%s\nlog:\n%s", names[i], line, p.logs.String())
		}
	}
	room := do(t, "GET", p.URL+"/api/v1/boards/"+ids[0], nil).JSON(t)
	if vs := room["variants"].([]any); len(vs) != 2 || vs[0].(map[string]any)["name"] != "32:9" || vs[1].(map[string]any)["name"] != "16:9" {
		t.Errorf("the situation room's variants = %v, want 32:9 and 16:9", vs)
	}

	// The user renames one, deletes one and the demo source.
	overview := do(t, "GET", p.URL+"/api/v1/boards/"+ids[1], nil).JSON(t)
	overview["name"] = "Our services"
	wantStatus(t, do(t, "PUT", p.URL+"/api/v1/boards/"+ids[1], overview), 200)
	wantStatus(t, do(t, "DELETE", p.URL+"/api/v1/boards/"+ids[2], nil), 204)
	id := str(list[0].(map[string]any)["id"])
	wantStatus(t, do(t, "DELETE", p.URL+"/api/v1/sources/"+id, nil), 204)
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	p2 := startProcess(t, db, "--demo=true")
	if list := do(t, "GET", p2.URL+"/api/v1/sources", nil).JSON(t)["sources"].([]any); len(list) != 0 {
		t.Fatalf("the deleted demo source came back: %v", list)
	}
	bl = do(t, "GET", p2.URL+"/api/v1/boards", nil).JSON(t)["boards"].([]any)
	names = nil
	for _, b := range bl {
		names = append(names, str(b.(map[string]any)["name"]))
	}
	slices.Sort(names)
	if strings.Join(names, ", ") != "Our services, Situation room" {
		t.Fatalf("boards after a second start = %v, want the user's two (renamed, and untouched), nothing recreated", names)
	}
	if strings.Contains(p2.logs.String(), "first run") {
		t.Errorf("a second start announced a first run:\n%s", p2.logs.String())
	}

	p3 := startProcess(t, filepath.Join(t.TempDir(), "empty.db"))
	if list := do(t, "GET", p3.URL+"/api/v1/sources", nil).JSON(t)["sources"].([]any); len(list) != 0 {
		t.Fatalf("--demo=false created sources: %v", list)
	}
	if bl := do(t, "GET", p3.URL+"/api/v1/boards", nil).JSON(t)["boards"].([]any); len(bl) != 0 {
		t.Fatalf("--demo=false created boards: %v", bl)
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

// TestFirstRunBanner: the welcome a newcomer reads on standard output names
// every board with its wall and editor URLs.
func TestFirstRunBanner(t *testing.T) {
	var out, logs bytes.Buffer
	bs := []*boards.Board{{ID: "AAAAAAAAAAAA", Content: boards.Content{Name: "Situation room"}}, {ID: "BBBBBBBBBBBB", Content: boards.Content{Name: "Host estate"}}}
	announceFirstRun(&out, slog.New(slog.NewTextHandler(&logs, nil)), "http://localhost:8080", bs, false)
	want := `
  Flexboard is running: http://localhost:8080

  First run: 2 boards on the demo data. Open one on a wall, or in the editor:

    Situation room   wall  http://localhost:8080/d/AAAAAAAAAAAA
                     edit  http://localhost:8080/edit/AAAAAAAAAAAA
    Host estate      wall  http://localhost:8080/d/BBBBBBBBBBBB
                     edit  http://localhost:8080/edit/BBBBBBBBBBBB

  All boards: http://localhost:8080/   Play an incident: flexboard demo incident error-burst

`
	if out.String() != want {
		t.Errorf("banner:\n%s\nwant:\n%s", out.String(), want)
	}
	if n := strings.Count(logs.String(), "first run: created a board"); n != 2 {
		t.Errorf("%d log lines, want one per board:\n%s", n, logs.String())
	}
	// With sign-in (the default) it says how to get in.
	out.Reset()
	announceFirstRun(&out, slog.New(slog.NewTextHandler(&logs, nil)), "http://localhost:8080", bs, true)
	for _, part := range []string{"sign in first: the setup link above", "open http://localhost:8080/pair on it", "--token <a write token made in http://localhost:8080/admin>"} {
		if !strings.Contains(out.String(), part) {
			t.Errorf("banner with sign-in lacks %q:\n%s", part, out.String())
		}
	}
}
