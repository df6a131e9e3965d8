package widgets_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/widgets"
)

func TestOtherHTML(t *testing.T) {
	reg := widgets.Builtin()
	th := widgets.ThemeNamed("dark")
	at := time.Date(2026, 11, 22, 14, 5, 30, 0, time.UTC)
	spec := func(kind, config string) widgets.Spec {
		cfg, err := reg.Lookup(kind).ParseConfig(json.RawMessage(config))
		if err != nil {
			t.Fatal(err)
		}
		return widgets.Spec{ID: "w1", Kind: kind, Title: "A <title>", Config: cfg, Width: 320, Height: 200}
	}
	delta := widgets.Float(12.5)
	cases := []struct {
		name string
		spec widgets.Spec
		out  widgets.Output
		want []string
	}{
		{"Stat", spec("stat", `{"unit":"ms"}`), widgets.Output{State: "critical", Data: widgets.StatData{Value: 1500, DeltaPct: &delta,
			Spark: &widgets.Spark{Values: []widgets.Drawn{1, 2, widgets.Drawn(math.NaN()), 3}}}},
			[]string{"1.5 s", `data-state="critical"`, th.States["critical"], "▲ 12.5% vs 1d ago", "<svg", "A &lt;title&gt;"}},
		{"StatusNoData", spec("status", `{}`), widgets.Output{State: "nodata", Data: widgets.StatData{Value: widgets.NoValue}},
			[]string{"NO DATA", th.States["nodata"]}},
		{"Table", spec("table", `{}`), widgets.Output{State: "warning", Data: widgets.TableData{
			Columns: []widgets.TableColumn{{Name: "req/s"}},
			Rows:    []widgets.TableRow{{Name: "checkout", Cells: []*widgets.TableCell{{Value: 3, State: "warning"}}}, {Name: "cart", Cells: []*widgets.TableCell{nil}}}}},
			[]string{"req/s", "checkout", ">3.0<", th.States["warning"], "–"}},
		{"TopN", spec("topn", `{}`), widgets.Output{State: "ok", Data: widgets.TopNData{Max: 10, Items: []widgets.TopNItem{{Name: "pod-1", Value: 5, State: "ok"}}}},
			[]string{"pod-1", "width:50.0%"}},
		{"Honeycomb", spec("honeycomb", `{}`), widgets.Output{State: "critical", Data: widgets.HoneycombData{IDs: []string{"h1", "h2", "h3"},
			Values: []widgets.Float{1, 2, widgets.Float(math.NaN())}, States: []int8{0, 2, 3}, Counts: map[widgets.State]int{"critical": 1, "nodata": 1}}},
			[]string{"<polygon", "<title>h2</title>", th.States["critical"], th.States["nodata"], "3 objects · 1 critical"}},
		{"Events", spec("events", `{}`), widgets.Output{State: "ok", Data: widgets.EventsData{Events: []widgets.Event{{TS: at.UnixMilli() - 60000, Severity: "critical", Title: "CPU", Message: "ok → critical"}}}},
			[]string{"14:04:30", "CRITICAL", "CPU: ok → critical"}},
		{"TextSanitised", spec("text", `{"markdown":"**b** <script>x</script>"}`), widgets.Output{}, []string{"<strong>b</strong>"}},
		{"Clock", spec("clock", `{"timezone":"Europe/Paris"}`), widgets.Output{}, []string{"15:05:30", "Sun 22 Nov 2026 · CET"}},
		{"Image", spec("image", `{"image":"abc123"}`), widgets.Output{}, []string{`src="/api/v1/images/abc123"`, "object-fit:contain"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := widgets.WidgetHTML(c.spec, th, c.out, at, widgets.DefaultAssetsHost)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(h), w) {
					t.Errorf("missing %q in\n%s", w, h)
				}
			}
			if strings.Contains(string(h), "<script") {
				t.Errorf("a script in a non-chart widget: %s", h)
			}
		})
	}
}

func TestHexLayoutFits(t *testing.T) {
	for _, c := range []struct{ n, w, h int }{{1, 100, 100}, {40, 480, 320}, {10000, 960, 560}, {7, 1000, 50}, {3, 30, 900}} {
		r, cols := widgets.HexLayout(c.n, c.w, c.h)
		rows := (c.n + cols - 1) / cols
		width := math.Sqrt(3) * r * (float64(cols) + 0.5)
		height := 2*r + 1.5*r*float64(rows-1)
		if r <= 0 || width > float64(c.w)+1e-6 || height > float64(c.h)+1e-6 {
			t.Errorf("%d hexagons in %d×%d: r %.2f, %d columns → %.1f×%.1f", c.n, c.w, c.h, r, cols, width, height)
		}
	}
	if r, _ := widgets.HexLayout(10000, 960, 560); r < 3 {
		t.Errorf("10,000 hexagons in 960×560 get radius %.2f: too small to see", r)
	}
}
