package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/boards"
)

// TestTemplatesAPI: the templates are listed with their variants and widget
// counts; a board is created from one (with its own name or the
// template's); an unknown template is refused naming the field and the
// templates; the editor's page is served.
func TestTemplatesAPI(t *testing.T) {
	base := startInProcess(t, "")
	r := do(t, "GET", base+"/api/v1/templates", nil)
	wantStatus(t, r, 200)
	var list []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Variants    []struct {
			Name   string `json:"name"`
			Width  int    `json:"width"`
			Height int    `json:"height"`
		} `json:"variants"`
		Widgets int `json:"widgets"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("GET /templates is not a list: %v\n%s", err, r.Body)
	}
	if len(list) != len(boards.Templates()) || len(list) < 6 {
		t.Fatalf("%d templates listed, want all %d (at least 6)", len(list), len(boards.Templates()))
	}
	for i, tpl := range boards.Templates() {
		got := list[i]
		if got.ID != tpl.ID || got.Name != tpl.Name || got.Description != tpl.Description || got.Widgets != len(tpl.Content.Widgets) || len(got.Variants) != len(tpl.Content.Variants) {
			t.Errorf("listed %+v, want %s %q with %d widgets and %d variants", got, tpl.ID, tpl.Name, len(tpl.Content.Widgets), len(tpl.Content.Variants))
		}
		if tpl.ID == "situation-room" {
			if v := fmt.Sprint(got.Variants); v != "[{32:9 3840 1080} {16:9 1920 1080}]" {
				t.Errorf("situation-room variants listed as %s", v)
			}
		}
	}

	before := len(do(t, "GET", base+"/api/v1/boards", nil).JSON(t)["boards"].([]any))
	res := do(t, "POST", base+"/api/v1/boards", map[string]any{"template": "databases"})
	wantStatus(t, res, 201)
	var b boards.Board
	if err := json.Unmarshal(res.Body, &b); err != nil {
		t.Fatal(err)
	}
	tpl, _ := boards.FindTemplate("databases")
	if b.Name != "Databases" || b.Revision != 1 || len(b.Widgets) != len(tpl.Content.Widgets) || res.Header.Get("Location") != "/api/v1/boards/"+b.ID {
		t.Errorf("created %s %q rev %d with %d widgets, Location %q", b.ID, b.Name, b.Revision, len(b.Widgets), res.Header.Get("Location"))
	}
	stored := do(t, "GET", base+"/api/v1/boards/"+b.ID, nil)
	wantStatus(t, stored, 200)
	wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b.ID+"/render", nil), 200)

	named := do(t, "POST", base+"/api/v1/boards", map[string]any{"template": "situation-room", "name": "  Room 2 wall ", "description": "The second room."})
	wantStatus(t, named, 201)
	if m := named.JSON(t); m["name"] != "Room 2 wall" || m["description"] != "The second room." || len(m["variants"].([]any)) != 2 {
		t.Errorf("created from situation-room with a name: %v %v, %d variants", m["name"], m["description"], len(m["variants"].([]any)))
	}

	wantError(t, do(t, "POST", base+"/api/v1/boards", map[string]any{"template": "wallboard"}), 400, "invalid", "template",
		`"wallboard" is not a template; templates: service-overview, kubernetes-pods, databases, host-estate, url-monitoring, situation-room`)
	wantError(t, do(t, "POST", base+"/api/v1/boards", map[string]any{"template": "databases", "widgets": []any{map[string]any{"id": "x", "kind": "clock"}}}),
		400, "invalid", "template", "send only template")
	wantError(t, do(t, "POST", base+"/api/v1/boards", map[string]any{"template": "databases", "name": strings.Repeat("n", 201)}),
		400, "invalid", "name", "at most 200")
	if n := len(do(t, "GET", base+"/api/v1/boards", nil).JSON(t)["boards"].([]any)); n != before+2 {
		t.Errorf("%d boards after two creations and three refusals, want %d", n, before+2)
	}

	for _, p := range []string{"/edit/" + b.ID, "/edit/anything"} {
		if r := do(t, "GET", base+p, nil); r.Status != 200 || !strings.Contains(string(r.Body), `id="app"`) {
			t.Errorf("%s: %d, want the front end's page", p, r.Status)
		}
	}
}

// TestBoardPreview: a draft (never saved, or a saved board's unsaved edit)
// is drawn from the live store: the render is what GET render answers for
// the same content, the frame what the stream's snapshot carries; a bad
// draft gets the error a save would get; nothing is stored.
func TestBoardPreview(t *testing.T) {
	base := startInProcess(t, "")
	now := time.Now().UnixMilli()
	ing := do(t, "POST", base+"/api/v1/ingest", fmt.Sprintf(`{"points":[
		{"metric":"pv_cpu","labels":{"host":"h1"},"value":10,"ts":%d},
		{"metric":"pv_cpu","labels":{"host":"h2"},"value":20,"ts":%d},
		{"metric":"pv_cpu","labels":{"host":"h3"},"value":90,"ts":%d}]}`, now, now, now))
	wantStatus(t, ing, 200)
	thr := []any{map[string]any{"value": 50, "state": "warning"}, map[string]any{"value": 80, "state": "critical"}}
	draft := map[string]any{
		"name": "Draft",
		"widgets": []any{
			map[string]any{"id": "cpu", "kind": "stat", "title": "CPU", "config": map[string]any{"thresholds": thr},
				"queries": []any{map[string]any{"metric": "pv_cpu", "agg": "avg"}}},
			map[string]any{"id": "hosts", "kind": "honeycomb", "title": "Hosts", "config": map[string]any{"thresholds": thr},
				"queries": []any{map[string]any{"metric": "pv_cpu", "object": "host"}}},
			map[string]any{"id": "note", "kind": "text", "config": map[string]any{"markdown": "**hi**"}},
		},
		"variants": []any{
			map[string]any{"name": "16:9", "canvas": map[string]any{"width": 1920, "height": 1080}, "grid": map[string]any{"columns": 48, "rows": 27},
				"placements": []any{
					map[string]any{"widget": "cpu", "x": 0, "y": 0, "w": 8, "h": 5},
					map[string]any{"widget": "hosts", "x": 8, "y": 0, "w": 16, "h": 12},
					map[string]any{"widget": "note", "x": 24, "y": 0, "w": 8, "h": 4},
				}},
			map[string]any{"name": "4:3", "canvas": map[string]any{"width": 1024, "height": 768}, "grid": map[string]any{"columns": 32, "rows": 24},
				"placements": []any{map[string]any{"widget": "cpu", "x": 0, "y": 0, "w": 8, "h": 5}}},
		},
	}
	type widgetFrame struct {
		State  string          `json:"state"`
		Data   json.RawMessage `json:"data"`
		Newest int64           `json:"newest"`
	}
	type previewAnswer struct {
		Render map[string]any         `json:"render"`
		Frame  map[string]widgetFrame `json:"frame"`
	}
	preview := func(t *testing.T, query string, body any) previewAnswer {
		t.Helper()
		r := do(t, "POST", base+"/api/v1/boards/preview"+query, body)
		wantStatus(t, r, 200)
		var a previewAnswer
		if err := json.Unmarshal(r.Body, &a); err != nil {
			t.Fatalf("%v\n%s", err, r.Body)
		}
		return a
	}
	boardCount := func() int { return len(do(t, "GET", base+"/api/v1/boards", nil).JSON(t)["boards"].([]any)) }

	t.Run("NewDraftDrawsLiveData", func(t *testing.T) {
		a := preview(t, "", draft)
		var stat struct {
			Value float64 `json:"value"`
		}
		json.Unmarshal(a.Frame["cpu"].Data, &stat)
		if f := a.Frame["cpu"]; f.State != "ok" || stat.Value != 40 || f.Newest < now {
			t.Errorf("cpu: %s, value %v, newest %d; want ok, 40 (the average), newest ≥ %d", f.State, stat.Value, f.Newest, now)
		}
		var honey struct {
			IDs    []string       `json:"ids"`
			Counts map[string]int `json:"counts"`
		}
		json.Unmarshal(a.Frame["hosts"].Data, &honey)
		if f := a.Frame["hosts"]; f.State != "critical" || strings.Join(honey.IDs, ",") != "h1,h2,h3" || honey.Counts["critical"] != 1 || honey.Counts["ok"] != 2 {
			t.Errorf("hosts: %s %s; want critical, h1..h3 with one critical", f.State, f.Data)
		}
		if _, ok := a.Frame["note"]; ok || len(a.Frame) != 2 {
			t.Errorf("frame has %d widgets (%v); want cpu and hosts (text has no data)", len(a.Frame), a.Frame)
		}
		if a.Render["board"] != "" || a.Render["variant"] != "16:9" || len(a.Render["widgets"].([]any)) != 3 || a.Render["name"] != "Draft" {
			t.Errorf("render of a new draft: board %q variant %v, %d widgets", a.Render["board"], a.Render["variant"], len(a.Render["widgets"].([]any)))
		}
		small := preview(t, "?variant=4:3&theme=light", draft)
		if len(small.Frame) != 1 || small.Frame["cpu"].State != "ok" || small.Render["variant"] != "4:3" || small.Render["theme"] != "light" {
			t.Errorf("4:3 light: frame %v, render variant %v theme %v", small.Frame, small.Render["variant"], small.Render["theme"])
		}
	})

	created := do(t, "POST", base+"/api/v1/boards", draft)
	wantStatus(t, created, 201)
	id := str(created.JSON(t)["id"])
	stored := do(t, "GET", base+"/api/v1/boards/"+id, nil)

	t.Run("RenderIsWhatRenderAnswers", func(t *testing.T) {
		for _, q := range []string{"", "?variant=4:3", "?theme=light"} {
			var want map[string]any
			if err := json.Unmarshal(do(t, "GET", base+"/api/v1/boards/"+id+"/render"+q, nil).Body, &want); err != nil {
				t.Fatal(err)
			}
			got := preview(t, q, stored.Body).Render // the stored board sent back as the editor holds it
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("render%s differs:\npreview %.400s\nrender  %.400s", q, g, w)
			}
		}
	})

	t.Run("FrameIsWhatTheStreamSends", func(t *testing.T) {
		c, ctx := dialStream(t, base, id, 4<<20)
		var snap struct {
			Type    string                 `json:"type"`
			Widgets map[string]widgetFrame `json:"widgets"`
		}
		for snap.Type != "snapshot" {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			json.Unmarshal(b, &snap)
		}
		a := preview(t, "", stored.Body)
		if len(a.Frame) != len(snap.Widgets) {
			t.Fatalf("preview frame has %d widgets, the stream's snapshot %d", len(a.Frame), len(snap.Widgets))
		}
		for wid, s := range snap.Widgets {
			p := a.Frame[wid]
			// The same data, but for the sparkline's columns, which move
			// on if a minute turns between the two.
			var pv, sv map[string]any
			json.Unmarshal(p.Data, &pv)
			json.Unmarshal(s.Data, &sv)
			delete(pv, "spark")
			delete(sv, "spark")
			if p.State != s.State || p.Newest != s.Newest || !reflect.DeepEqual(pv, sv) {
				t.Errorf("%s: preview %s %d %s; stream %s %d %s", wid, p.State, p.Newest, p.Data, s.State, s.Newest, s.Data)
			}
		}
	})

	t.Run("BadDraftGetsTheSaveError", func(t *testing.T) {
		bad := func(mutate func(m map[string]any)) map[string]any {
			var m map[string]any
			json.Unmarshal(stored.Body, &m)
			mutate(m)
			return m
		}
		cases := map[string]map[string]any{
			"OverlapRejected": bad(func(m map[string]any) {
				ps := m["variants"].([]any)[0].(map[string]any)["placements"].([]any)
				ps[1].(map[string]any)["x"] = 4
			}),
			"UnknownKind": bad(func(m map[string]any) { m["widgets"].([]any)[0].(map[string]any)["kind"] = "sparkles" }),
			"BadQuery": bad(func(m map[string]any) {
				m["widgets"].([]any)[0].(map[string]any)["queries"] = []any{map[string]any{"metric": "pv_cpu", "agg": "median"}}
			}),
			"NoName": bad(func(m map[string]any) { m["name"] = " " }),
		}
		for name, body := range cases {
			t.Run(name, func(t *testing.T) {
				p := do(t, "POST", base+"/api/v1/boards/preview", body)
				s := do(t, "PUT", base+"/api/v1/boards/"+id, body)
				if p.Status != 400 || s.Status != 400 || string(p.Body) != string(s.Body) {
					t.Errorf("preview %d %s\nsave    %d %s\nwant the same 400", p.Status, p.Body, s.Status, s.Body)
				}
				if e := p.Err(t); e["field"] == "" || e["code"] != "invalid" {
					t.Errorf("error %v names no field", e)
				}
			})
		}
		wantError(t, do(t, "POST", base+"/api/v1/boards/preview?variant=21:9", stored.Body), 400, "invalid", "variant",
			`the draft has no variant "21:9"; its variants: 16:9, 4:3`)
		wantError(t, do(t, "POST", base+"/api/v1/boards/preview", `{"name":"x","widgets":[`), 400, "invalid", "", "")
		huge := `{"name":"x","description":"` + strings.Repeat("a", boards.MaxBodyBytes) + `"}`
		wantError(t, do(t, "POST", base+"/api/v1/boards/preview", huge), 413, "too_large", "", "the limit here is 1048576 bytes")
	})

	if n := boardCount(); n != 1 {
		t.Errorf("%d boards after the previews, want 1: a preview stores nothing", n)
	}
	if b := do(t, "GET", base+"/api/v1/boards/"+id, nil).JSON(t); num(b["revision"]) != 1 || b["name"] != "Draft" {
		t.Errorf("the board changed under previews: revision %v, name %v", b["revision"], b["name"])
	}
}
