package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/widgets"
)

// TestEveryKindLiveAndAsHTML is issue #5's acceptance in Go: a board using
// every kind is created through the API, fed over ingest, streamed to a
// display, and each widget's live data is rendered to HTML by Go (what a
// snapshot will show). A threshold crossed later turns the stat critical and
// the events widget lists the change.
func TestEveryKindLiveAndAsHTML(t *testing.T) {
	base := startInProcess(t, "")
	q := func(js string) []any {
		var v []any
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	cpu := `[{"metric":"t_cpu","agg":"avg"}]`
	thr := map[string]any{"thresholds": []any{map[string]any{"value": 80, "state": "warning"}, map[string]any{"value": 90, "state": "critical"}}}
	items := []struct {
		id, kind string
		config   map[string]any
		queries  string
	}{
		{"ts", "timeseries", map[string]any{"unit": "ms"}, `[{"metric":"t_lat","agg":"max","group_by":["svc"],"range":"5m"}]`},
		{"bar", "bar", nil, `[{"metric":"t_tps","agg":"sum","group_by":["svc"]}]`},
		{"pie", "pie", nil, `[{"metric":"t_tps","agg":"sum","group_by":["svc"]}]`},
		{"gauge", "gauge", thr, cpu},
		{"stat", "stat", thr, cpu},
		{"table", "table", map[string]any{"row_label": "svc"}, `[{"name":"tps","metric":"t_tps","agg":"sum","group_by":["svc"]},{"name":"latency","metric":"t_lat","agg":"max","group_by":["svc"]}]`},
		{"topn", "topn", nil, `[{"metric":"t_tps","agg":"sum","group_by":["svc"]}]`},
		{"honeycomb", "honeycomb", thr, `[{"metric":"t_cpu","object":"host"}]`},
		{"hitmap", "hitmap", nil, `[{"source":"transactions","range":"15m"}]`},
		{"equalizer", "equalizer", nil, `[{"source":"transactions","group_by":["service"],"range":"1m"}]`},
		{"events", "events", nil, `[]`},
		{"status", "status", thr, cpu},
		{"text", "text", map[string]any{"markdown": "**Runbook**"}, `[]`},
		{"clock", "clock", map[string]any{"timezone": "UTC"}, `[]`},
		{"image", "image", nil, `[]`},
	}
	var ws, ps []any
	for i, it := range items {
		w := map[string]any{"id": it.id, "kind": it.kind, "title": "The " + it.kind, "queries": q(it.queries)}
		if it.config != nil {
			w["config"] = it.config
		}
		ws = append(ws, w)
		ps = append(ps, map[string]any{"widget": it.id, "x": (i % 4) * 12, "y": (i / 4) * 6, "w": 12, "h": 6})
	}
	board := map[string]any{"name": "Every kind", "refresh_ms": 100, "widgets": ws, "variants": []any{map[string]any{
		"name": "16:9", "canvas": map[string]any{"width": 1920, "height": 960}, "grid": map[string]any{"columns": 48, "rows": 24}, "placements": ps}}}
	r := do(t, "POST", base+"/api/v1/boards", board)
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])

	// Data: five hosts averaging 85 % CPU (warning), three services,
	// transactions in every duration band, one pushed event.
	var body strings.Builder
	now := time.Now().UnixMilli()
	body.WriteString(`{"points":[`)
	for i, v := range []float64{75, 80, 85, 90, 95} {
		fmt.Fprintf(&body, `{"metric":"t_cpu","labels":{"host":"h%d"},"value":%g},`, i, v)
	}
	for i, svc := range []string{"a", "b", "c"} {
		fmt.Fprintf(&body, `{"metric":"t_tps","labels":{"svc":"%s"},"value":%d},{"metric":"t_lat","labels":{"svc":"%s"},"value":%d,"ts":%d},{"metric":"t_lat","labels":{"svc":"%s"},"value":%d},`,
			svc, 100*(i+1), svc, 10*(i+1), now-60_000, svc, 20*(i+1))
	}
	body.WriteString(`{"metric":"t_tps","labels":{"svc":"d"},"value":1}],"transactions":[`)
	for i, ms := range []float64{5, 50, 500, 2000, 4000, 9000} {
		fmt.Fprintf(&body, `{"service":"a","elapsed_ms":%g,"error":%v},{"service":"b","elapsed_ms":%g},`, ms, i == 5, ms*1.5)
	}
	body.WriteString(`{"service":"c","elapsed_ms":1}],"events":[{"severity":"warning","source":"deploy","message":"v2 rolling out"}]}`)
	ing := do(t, "POST", base+"/api/v1/ingest", body.String())
	wantStatus(t, ing, 200)
	if res := ing.JSON(t); num(res["rejected"]) != 0 {
		t.Fatalf("ingest rejected: %v", res)
	}

	c, ctx := dialStream(t, base, id, 4<<20)
	data := map[string]json.RawMessage{}
	read := func() string {
		t.Helper()
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		var m struct {
			Type    string                     `json:"type"`
			Widgets map[string]json.RawMessage `json:"widgets"`
		}
		json.Unmarshal(b, &m)
		for k, v := range m.Widgets {
			data[k] = v
		}
		return m.Type
	}
	for read() != "snapshot" {
	}
	state := func(w string) string {
		var o struct{ State string }
		json.Unmarshal(data[w], &o)
		return o.State
	}
	if state("stat") != "warning" || state("status") != "warning" || state("honeycomb") != "critical" {
		t.Fatalf("states: stat %s, status %s, honeycomb %s; data %s", state("stat"), state("status"), state("honeycomb"), data["stat"])
	}

	// Every widget drawn by Go from what the display received.
	var b boards.Board
	if err := json.Unmarshal(do(t, "GET", base+"/api/v1/boards/"+id, nil).Body, &b); err != nil {
		t.Fatal(err)
	}
	rendered, err := boards.Render(&b, "", "", widgets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	for _, rw := range rendered.Widgets {
		raw := data[rw.ID]
		if raw == nil {
			raw = []byte(`{"state":"ok","data":null}`)
			if rw.Kind != "text" && rw.Kind != "clock" && rw.Kind != "image" {
				t.Errorf("%s: no data in the snapshot frame", rw.ID)
				continue
			}
		}
		out, err := widgets.DecodeOutput(rw.Kind, raw)
		if err != nil {
			t.Fatalf("%s: decode %s: %v", rw.ID, raw, err)
		}
		h, err := widgets.WidgetHTML(*rw.Spec, rendered.Palette, out, at, widgets.DefaultAssetsHost)
		if err != nil {
			t.Fatalf("%s: %v", rw.ID, err)
		}
		html := string(h)
		want := map[string]string{"ts": `"a"`, "bar": `"b"`, "pie": `"c"`, "table": "latency", "topn": ">c<", "honeycomb": "<title>h4</title>",
			"hitmap": "ok", "equalizer": `"a"`, "events": "v2 rolling out", "stat": "85.0", "status": "WARNING", "text": "<strong>Runbook</strong>",
			"clock": at.UTC().Format("15:04"), "image": "No image chosen", "gauge": "85"}[rw.ID]
		if !strings.Contains(html, want) {
			t.Errorf("%s (%s): %q not in its HTML:\n%.600s", rw.ID, rw.Kind, want, html)
		}
		if rw.Chart && !strings.Contains(html, "echarts") {
			t.Errorf("%s: a chart without ECharts: %.300s", rw.ID, html)
		}
	}

	// CPU goes critical: the stat follows and the events widget lists it.
	var hot strings.Builder
	hot.WriteString(`{"points":[`)
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&hot, `{"metric":"t_cpu","labels":{"host":"h%d"},"value":99}`, i)
		if i < 4 {
			hot.WriteString(",")
		}
	}
	hot.WriteString(`]}`)
	wantStatus(t, do(t, "POST", base+"/api/v1/ingest", hot.String()), 200)
	for state("stat") != "critical" || !strings.Contains(string(data["events"]), "warning → critical") {
		read()
	}
	var ev struct {
		Data widgets.EventsData `json:"data"`
	}
	json.Unmarshal(data["events"], &ev)
	found := false
	for _, e := range ev.Data.Events {
		if e.Widget == "stat" && e.Severity == "critical" && e.Title == "The stat" {
			found = true
		}
	}
	if !found || ev.Data.Events[len(ev.Data.Events)-1].Message != "v2 rolling out" {
		t.Fatalf("events = %+v", ev.Data.Events)
	}
}
