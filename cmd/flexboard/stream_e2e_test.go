package main

import (
	"encoding/json"
	"testing"
)

// TestE2EStreamFollowsBoardAndData runs the whole server: a board whose
// stat widget queries a metric, a display connected to it, a value pushed
// over ingest, then an edit through the API: the display sees the value,
// then the new layout, without reconnecting.
func TestE2EStreamFollowsBoardAndData(t *testing.T) {
	base := startInProcess(t, "")
	board := map[string]any{
		"name":       "Live",
		"refresh_ms": 100,
		"widgets": []any{map[string]any{"id": "temp", "kind": "stat", "title": "Temperature",
			"queries": []any{map[string]any{"metric": "room_temperature", "match": []any{map[string]any{"label": "room", "op": "=", "value": "situation"}}}}}},
		"variants": []any{map[string]any{"name": "16:9", "canvas": map[string]any{"width": 1920, "height": 1080},
			"grid":       map[string]any{"columns": 48, "rows": 27},
			"placements": []any{map[string]any{"widget": "temp", "x": 0, "y": 0, "w": 8, "h": 5}}}},
	}
	r := do(t, "POST", base+"/api/v1/boards", board)
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])

	c, ctx := dialStream(t, base, id, 1<<20)
	next := func(want string) map[string]any {
		t.Helper()
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			var m map[string]any
			json.Unmarshal(b, &m)
			if m["type"] == want {
				return m
			}
		}
	}
	next("hello")
	next("snapshot")

	ing := do(t, "POST", base+"/api/v1/ingest/influx", "room_temperature,room=situation value=21.5\n", "Content-Type", "text/plain")
	wantStatus(t, ing, 200)
	for {
		m := next("update")
		w, ok := m["widgets"].(map[string]any)["temp"].(map[string]any)
		if !ok {
			continue
		}
		if w["data"].(map[string]any)["value"] == 21.5 {
			break
		}
	}

	cur := do(t, "GET", base+"/api/v1/boards/"+id, nil).JSON(t)
	cur["name"] = "Live, renamed"
	wantStatus(t, do(t, "PUT", base+"/api/v1/boards/"+id, cur), 200)
	m := next("board")
	if num(m["revision"]) != 2 || m["board"].(map[string]any)["name"] != "Live, renamed" {
		t.Fatalf("board message = %v", m)
	}
}
