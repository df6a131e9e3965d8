package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSnapshots: a snapshot freezes a board's layout and data; data pushed
// afterwards never appears in it, a restart changes nothing, a snapshot at a
// past moment shows what was ingested then, and its picture is twice the
// canvas.
func TestSnapshots(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "fb.db")
	p := startProcess(t, dbPath)
	base := p.URL
	board := map[string]any{"name": "Ops <wall>", "widgets": []any{
		map[string]any{"id": "temp", "kind": "stat", "title": "Temperature", "config": map[string]any{"sparkline": "off", "compare": "off", "decimals": 2},
			"queries": []any{map[string]any{"metric": "room_temp", "reduce": "last", "window": "30s"}}},
		map[string]any{"id": "trend", "kind": "timeseries", "title": "Trend", "queries": []any{map[string]any{"metric": "room_temp", "range": "15m"}}},
		map[string]any{"id": "note", "kind": "text", "config": map[string]any{"markdown": "**frozen**"}}},
		"variants": []any{map[string]any{"name": "tall", "canvas": map[string]any{"width": 960, "height": 1600}, "grid": map[string]any{"columns": 24, "rows": 40},
			"placements": []any{map[string]any{"widget": "temp", "x": 0, "y": 0, "w": 12, "h": 6}, map[string]any{"widget": "trend", "x": 0, "y": 10, "w": 24, "h": 12},
				map[string]any{"widget": "note", "x": 0, "y": 34, "w": 24, "h": 6}}}}}
	r := do(t, "POST", base+"/api/v1/boards", board)
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])
	push := func(v float64, ts time.Time) {
		t.Helper()
		body := fmt.Sprintf(`{"points":[{"metric":"room_temp","value":%g,"ts":%d}]}`, v, ts.UnixMilli())
		wantStatus(t, do(t, "POST", base+"/api/v1/ingest", body), 200)
	}
	now := time.Now()
	push(11.11, now.Add(-5*time.Minute))
	push(22.22, now.Add(-2*time.Second))

	r = do(t, "POST", base+"/api/v1/boards/"+id+"/snapshots", map[string]any{"note": "checkout slow <b>?</b>"})
	wantStatus(t, r, 201)
	snap := r.JSON(t)
	sid := str(snap["id"])
	if len(sid) < 22 || snap["url"] != "/s/"+sid || snap["png_url"] != "/s/"+sid+".png" || r.Header.Get("Location") != "/s/"+sid {
		t.Fatalf("snapshot answer %v", snap)
	}
	// A past moment: four minutes ago the last value was 11.11.
	r = do(t, "POST", base+"/api/v1/boards/"+id+"/snapshots", map[string]any{"at": now.Add(-4 * time.Minute).UTC().Format(time.RFC3339)})
	wantStatus(t, r, 201)
	past := str(r.JSON(t)["id"])

	page := func(sid string) string {
		t.Helper()
		r := do(t, "GET", base+"/s/"+sid, nil)
		wantStatus(t, r, 200)
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "connect-src 'none'") || !strings.Contains(csp, "'nonce-") || strings.Contains(csp, "unsafe-inline' ;") {
			t.Fatalf("snapshot CSP %q", csp)
		}
		return string(r.Body)
	}
	first := page(sid)
	for _, want := range []string{"22.22", "snapshot, not live", "Ops &lt;wall&gt;", "checkout slow &lt;b&gt;?&lt;/b&gt;", `data-widgets="3"`,
		`data-widget="temp"`, `data-widget="trend"`, `data-widget="note"`, "<strong>frozen</strong>", "/assets/echarts-5.6.0/echarts.min.js"} {
		if !strings.Contains(first, want) {
			t.Errorf("snapshot page lacks %q", want)
		}
	}
	if pastPage := page(past); !strings.Contains(pastPage, "11.11") || strings.Contains(pastPage, "22.22") {
		t.Errorf("the snapshot 4 minutes back does not show 11.11 alone")
	}

	// A display scrubbing back asks for a frame at a past moment.
	fr := do(t, "GET", fmt.Sprintf("%s/api/v1/boards/%s/frame?at=%d", base, id, now.Add(-4*time.Minute).UnixMilli()), nil)
	wantStatus(t, fr, 200)
	if !strings.Contains(string(fr.Body), `,11.11,`) || strings.Contains(string(fr.Body), "22.22") || !strings.Contains(string(fr.Body), `"oldest":`) {
		t.Fatalf("frame 4 minutes back: %s", fr.Body)
	}
	wantError(t, do(t, "GET", base+"/api/v1/boards/"+id+"/frame", nil), 400, "invalid", "at", "is required")
	wantError(t, do(t, "GET", base+"/api/v1/boards/"+id+"/frame?at=soon", nil), 400, "invalid", "at", "not a time")

	// Newer data never reaches a snapshot; a restart changes nothing.
	push(33.33, time.Now())
	if again := page(sid); strings.Contains(again, "33.33") || !strings.Contains(again, "22.22") {
		t.Fatal("data pushed after the snapshot changed it")
	}
	if list := do(t, "GET", base+"/api/v1/boards/"+id+"/snapshots", nil).JSON(t)["snapshots"].([]any); len(list) != 2 {
		t.Fatalf("list = %v", list)
	}

	// The picture: 2× the 960×1600 canvas, every widget drawn (headless
	// Chromium is part of make test's set-up).
	var pic []byte
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := do(t, "GET", base+"/s/"+sid+".png", nil)
		if r.Status == 200 {
			pic = r.Body
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no picture after 60 s: %d %s\n%s", r.Status, r.Body, p.logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(pic))
	if err != nil || cfg.Width != 1920 || cfg.Height != 3200 {
		t.Fatalf("picture %dx%d (%v), want 1920x3200", cfg.Width, cfg.Height, err)
	}
	writeResult(t, "snapshot.png", pic)

	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p2 := startProcess(t, dbPath)
	r2 := do(t, "GET", p2.URL+"/s/"+sid, nil)
	if r2.Status != 200 || !strings.Contains(string(r2.Body), "22.22") || strings.Contains(string(r2.Body), "33.33") {
		t.Fatalf("after a restart: %d", r2.Status)
	}
	if r := do(t, "GET", p2.URL+"/s/"+sid+".png", nil); r.Status != 200 || !bytes.Equal(r.Body, pic) {
		t.Fatalf("picture after restart: %d", r.Status)
	}

	t.Run("Refusals", func(t *testing.T) {
		u := p2.URL + "/api/v1/boards/" + id + "/snapshots"
		// A bare POST (no body) is a snapshot now; a body must be JSON.
		bare, err := http.Post(u, "", nil)
		if err != nil || bare.StatusCode != 201 {
			t.Fatalf("bare POST: %v %v", bare.StatusCode, err)
		}
		bare.Body.Close()
		wantError(t, do(t, "POST", u, "note=x", "Content-Type", "text/plain"), 415, "unsupported", "", "Content-Type must be application/json")
		wantError(t, do(t, "POST", u, map[string]any{"at": "yesterday"}), 400, "invalid", "at", "RFC 3339")
		wantError(t, do(t, "POST", u, map[string]any{"at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}), 400, "invalid", "at", "in the future")
		wantError(t, do(t, "POST", u, map[string]any{"at": time.Now().Add(-30 * 24 * time.Hour).UTC().Format(time.RFC3339)}), 400, "invalid", "at", "older than the history kept")
		wantError(t, do(t, "POST", u, map[string]any{"variant": "wide"}), 404, "not_found", "variant", `no variant "wide"`)
		wantError(t, do(t, "POST", u, map[string]any{"note": strings.Repeat("n", 1001)}), 400, "invalid", "note", "at most 1000")
		wantError(t, do(t, "POST", u, map[string]any{"expires_in": "1s"}), 400, "invalid", "expires_in", "from 1m")
		wantError(t, do(t, "GET", p2.URL+"/s/AAAAAAAAAAAAAAAAAAAAAA", nil), 404, "not_found", "", "no snapshot")
	})
	t.Run("CLI", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "wall.png")
		var stdout, stderr bytes.Buffer
		code := snapshotCmd(context.Background(), []string{"--url", p2.URL, "--board", id, "--out", out, "--note", "from the CLI"}, &stdout, &stderr, func(string) string { return "" })
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.Width != 1920 || cfg.Height != 3200 {
			t.Fatalf("CLI picture %dx%d (%v)", cfg.Width, cfg.Height, err)
		}
		if !strings.Contains(stdout.String(), "/s/") || !strings.Contains(stdout.String(), "1920×3200") {
			t.Fatalf("stdout %q", stdout.String())
		}
		stderr.Reset()
		if code := snapshotCmd(context.Background(), []string{"--url", p2.URL, "--board", "nosuchboard1", "--out", out}, &stdout, &stderr, func(string) string { return "" }); code != 1 ||
			!strings.Contains(stderr.String(), "nosuchboard1") {
			t.Fatalf("unknown board: exit %d, %q", code, stderr.String())
		}
		if code := snapshotCmd(context.Background(), []string{"--board", id}, &stdout, &stderr, func(string) string { return "" }); code != 2 {
			t.Fatalf("no --out: exit %d", code)
		}
	})
	wantStatus(t, do(t, "DELETE", p2.URL+"/api/v1/snapshots/"+sid, nil), 204)
	if r := do(t, "GET", p2.URL+"/s/"+sid, nil); r.Status != http.StatusNotFound {
		t.Fatalf("deleted snapshot: %d", r.Status)
	}
}

// writeResult keeps a file a person should look at in test-results/.
func writeResult(t *testing.T, name string, b []byte) {
	t.Helper()
	dir := filepath.Join("..", "..", "test-results")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Log(err)
	}
}
