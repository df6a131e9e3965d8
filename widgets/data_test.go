package widgets_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/widgets"
)

// shapeWith parses config for kind and shapes results with it.
func shapeWith(t *testing.T, kind, config string, in widgets.Input) widgets.Output {
	t.Helper()
	k := widgets.Builtin().Lookup(kind)
	cfg, err := k.ParseConfig(json.RawMessage(config))
	if err != nil {
		t.Fatalf("config %s: %v", config, err)
	}
	return k.Shape(cfg, in)
}

func vectorOf(vals map[string]float64, label string) *widgets.Result {
	r := &widgets.Result{Kind: widgets.KindVector}
	for name, v := range vals {
		r.Series = append(r.Series, widgets.SeriesValue{Labels: map[string]string{label: name}, Value: v, TS: 1000})
	}
	return r
}

func TestShapeStat(t *testing.T) {
	k := widgets.Builtin().Lookup("stat")
	cfg, _ := k.ParseConfig(json.RawMessage(`{"sparkline":"15m","compare":"1d","thresholds":[{"value":10,"state":"warning"}]}`))
	qs := k.Expand(cfg, []widgets.Query{{Metric: "tps", Fn: "rate", Window: "1m"}})
	if len(qs) != 3 || qs[1].Range != "15m" || qs[1].Step != "15s" || qs[1].Fn != "rate" || qs[2].Offset != "1d" || qs[0].Range != "" {
		t.Fatalf("expanded = %+v", qs)
	}
	spark := &widgets.Result{Kind: widgets.KindMatrix, Start: 0, Step: 1000, Matrix: []widgets.SeriesRange{{Values: []widgets.Float{1, widgets.NoValue, 3}}}}
	out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{vectorOf(map[string]float64{"a": 12}, "x"), spark, vectorOf(map[string]float64{"a": 8}, "x")}})
	d := out.Data.(widgets.StatData)
	if out.State != "warning" || d.Value != 12 || *d.Previous != 8 || *d.DeltaPct != 50 || len(d.Spark.Values) != 3 {
		t.Fatalf("out = %+v data = %+v", out, d)
	}
	raw, _ := json.Marshal(out)
	if !strings.Contains(string(raw), `"values":[1,null,3]`) || !strings.Contains(string(raw), `"delta_pct":50`) {
		t.Fatalf("json = %s", raw)
	}
	empty := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{{Kind: widgets.KindVector}, spark, {Kind: widgets.KindVector}}})
	if empty.State != "nodata" || !math.IsNaN(float64(empty.Data.(widgets.StatData).Value)) || empty.Data.(widgets.StatData).DeltaPct != nil {
		t.Fatalf("empty = %+v", empty)
	}
}

func TestShapeStatusWithoutGraph(t *testing.T) {
	k := widgets.Builtin().Lookup("status")
	cfg, _ := k.ParseConfig(json.RawMessage(`{"thresholds":[{"value":1,"state":"warning"},{"value":2,"state":"critical"}]}`))
	if qs := k.Expand(cfg, []widgets.Query{{Metric: "health"}}); len(qs) != 1 {
		t.Fatalf("status without graph expands to %d queries", len(qs))
	}
	out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{vectorOf(map[string]float64{"a": 2}, "x")}})
	if out.State != "critical" || out.Data.(widgets.StatData).Spark != nil {
		t.Fatalf("out = %+v", out)
	}
}

func TestShapeTable(t *testing.T) {
	in := widgets.Input{
		Queries: []widgets.Query{{Name: "req/s", Metric: "tps"}, {Metric: "errors"}},
		Results: []*widgets.Result{
			vectorOf(map[string]float64{"checkout": 400, "search": 900, "cart": 10}, "service"),
			vectorOf(map[string]float64{"checkout": 0.07, "search": 0.001}, "service"),
		},
	}
	out := shapeWith(t, "table", `{"row_label":"service","max_rows":2,"thresholds":[{"value":0.05,"state":"critical"}]}`, in)
	d := out.Data.(widgets.TableData)
	if len(d.Columns) != 2 || d.Columns[0].Name != "req/s" || d.Columns[1].Name != "errors" || d.Total != 3 || len(d.Rows) != 2 {
		t.Fatalf("table = %+v", d)
	}
	// Sorted by column 0, descending; thresholds apply to every cell.
	if d.Rows[0].Name != "search" || d.Rows[1].Name != "checkout" || d.Rows[1].Cells[1].State != "critical" || d.Rows[1].Cells[0].State != "critical" {
		t.Fatalf("rows = %+v %+v", d.Rows[0], d.Rows[1])
	}
	if out.State != "critical" || !strings.Contains(out.Summary, "critical: search, checkout") {
		t.Fatalf("state %s summary %q", out.State, out.Summary)
	}
	asc := shapeWith(t, "table", `{"row_label":"service","sort":"asc","sort_by":1}`, in).Data.(widgets.TableData)
	if asc.Rows[0].Name != "search" || asc.Rows[2].Name != "cart" || asc.Rows[2].Cells[1] != nil {
		t.Fatalf("asc by column 1 (rows without a value last): %s %s %s", asc.Rows[0].Name, asc.Rows[1].Name, asc.Rows[2].Name)
	}
	if none := shapeWith(t, "table", `{}`, widgets.Input{Results: []*widgets.Result{{Kind: widgets.KindVector}}}); none.State != "nodata" {
		t.Fatalf("empty table state %s", none.State)
	}
}

func TestShapeTopN(t *testing.T) {
	in := widgets.Input{Results: []*widgets.Result{vectorOf(map[string]float64{"a": 1, "b": 5, "c": 3, "d": math.NaN()}, "pod")}}
	d := shapeWith(t, "topn", `{"limit":2}`, in).Data.(widgets.TopNData)
	if len(d.Items) != 2 || d.Items[0].Name != "b" || d.Items[1].Name != "c" || d.Max != 5 {
		t.Fatalf("desc = %+v", d)
	}
	d = shapeWith(t, "topn", `{"limit":2,"order":"asc"}`, in).Data.(widgets.TopNData)
	if d.Items[0].Name != "a" || d.Items[1].Name != "c" {
		t.Fatalf("asc = %+v", d)
	}
}

func TestShapeHoneycomb(t *testing.T) {
	k := widgets.Builtin().Lookup("honeycomb")
	cfg, _ := k.ParseConfig(json.RawMessage(`{"object_label":"db","sort":"state","thresholds":[{"value":5,"state":"warning"},{"value":20,"state":"critical"}]}`))
	if qs := k.Expand(cfg, []widgets.Query{{Metric: "q", Range: "1h"}}); qs[0].Object != "db" || qs[0].Range != "" {
		t.Fatalf("expand = %+v", qs)
	}
	r := &widgets.Result{Kind: widgets.KindObjects, Objects: []widgets.ObjectValue{
		{ID: "db1", Value: 1}, {ID: "db2", Value: 25}, {ID: "db3", Value: widgets.NoValue}, {ID: "db4", Value: 6}, {ID: "db5", Value: 30}}}
	out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{r}})
	d := out.Data.(widgets.HoneycombData)
	if out.State != "critical" || out.Summary != "2 critical: db2, db5" {
		t.Fatalf("state %s summary %q", out.State, out.Summary)
	}
	// Worst first: critical (2), warning (1), nodata (3), ok (0).
	if strings.Join(d.IDs, ",") != "db2,db5,db4,db3,db1" || d.States[0] != 2 || d.States[3] != 3 || d.States[4] != 0 {
		t.Fatalf("ids %v states %v", d.IDs, d.States)
	}
	if d.Counts["critical"] != 2 || d.Counts["nodata"] != 1 || d.Counts["ok"] != 1 {
		t.Fatalf("counts %v", d.Counts)
	}
	if raw, _ := json.Marshal(d); !strings.Contains(string(raw), `"states":[2,2,1,3,0]`) {
		t.Fatalf("states must travel as a JSON array of numbers: %s", raw)
	}
	// Some silent objects alone do not make the fleet nodata; all silent does.
	some := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{{Kind: widgets.KindObjects, Objects: []widgets.ObjectValue{{ID: "a", Value: 1}, {ID: "b", Value: widgets.NoValue}}}}})
	all := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{{Kind: widgets.KindObjects, Objects: []widgets.ObjectValue{{ID: "b", Value: widgets.NoValue}}}}})
	if some.State != "ok" || all.State != "nodata" {
		t.Fatalf("some silent: %s, all silent: %s", some.State, all.State)
	}
	if err := k.ValidateConfig(json.RawMessage(`{"object_label":"1x"}`)); err == nil || !strings.Contains(err.Error(), "not a label name") {
		t.Fatalf("bad object label: %v", err)
	}
}

func TestShapeEvents(t *testing.T) {
	evs := []widgets.Event{{TS: 3, Severity: "critical", Message: "c"}, {TS: 2, Severity: "ok", Message: "o"}, {TS: 1, Severity: "warning", Message: "w"}}
	d := shapeWith(t, "events", `{"min_severity":"warning"}`, widgets.Input{Events: evs}).Data.(widgets.EventsData)
	if len(d.Events) != 2 || d.Events[0].Message != "c" || d.Events[1].Message != "w" {
		t.Fatalf("events = %+v", d.Events)
	}
	d = shapeWith(t, "events", `{"max_rows":1}`, widgets.Input{Events: evs}).Data.(widgets.EventsData)
	if len(d.Events) != 1 || d.Events[0].Message != "c" {
		t.Fatalf("max_rows: %+v", d.Events)
	}
}

func TestKindsWithoutDataRefuseNothingElse(t *testing.T) {
	r := widgets.Builtin()
	for _, name := range []string{"text", "clock", "image"} {
		if k := r.Lookup(name); k.Shape != nil || k.MaxQueries != 0 {
			t.Errorf("%s shapes data", name)
		}
	}
	img := r.Lookup("image")
	if err := img.ValidateConfig(json.RawMessage(`{"image":"../etc/passwd"}`)); err == nil || !strings.Contains(err.Error(), "id of an uploaded image") {
		t.Fatalf("image path: %v", err)
	}
	text := r.Lookup("text")
	if err := text.ValidateConfig(json.RawMessage(`{"color":"red"}`)); err == nil || !strings.Contains(err.Error(), "#rgb") {
		t.Fatalf("text colour: %v", err)
	}
}

func TestDrawnValuesAreShort(t *testing.T) {
	raw, err := json.Marshal([]widgets.Drawn{3.14159265358979, 404.06600000000014, 123456789, 0.000123456789, widgets.Drawn(math.NaN()), 42})
	if err != nil || string(raw) != `[3.14159,404.066,1.23457e+08,0.000123457,null,42]` {
		t.Fatalf("drawn values as JSON: %s (%v)", raw, err)
	}
	var back []widgets.Drawn
	if err := json.Unmarshal(raw, &back); err != nil || back[0] != 3.14159 || !math.IsNaN(float64(back[4])) {
		t.Fatalf("read back: %v (%v)", back, err)
	}
}
