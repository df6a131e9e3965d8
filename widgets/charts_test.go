package widgets_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/widgets"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

func TestChartKindsConfig(t *testing.T) {
	inv := errs.Invalid
	cases := []configCase{
		// timeseries: the old fields keep working, the new ones validate.
		{"TimeseriesOldConfig", "timeseries", `{"style":"area","unit":"ms","decimals":2}`, "", "", ""},
		{"TimeseriesAll", "timeseries", `{"style":"stacked","range":"6h","compare":"1d","legend":false,"threshold_style":"both",
			"thresholds":[{"value":80,"state":"warning"},{"value":95,"state":"critical"}]}`, "", "", ""},
		{"TimeseriesCompareBad", "timeseries", `{"compare":"2d"}`, inv, "compare", `must be one of: "off", "1h", "1d", "7d"`},
		{"TimeseriesRangeBad", "timeseries", `{"range":"2h"}`, inv, "range", `must be one of: "15m", "1h", "6h", "24h", "7d"`},
		{"TimeseriesThresholdStyleBad", "timeseries", `{"threshold_style":"dots"}`, inv, "threshold_style", `must be one of: "lines", "bands", "both", "off"`},
		{"TimeseriesThresholdsOutOfOrder", "timeseries", `{"thresholds":[{"value":95,"state":"critical"},{"value":80,"state":"warning"}]}`,
			inv, "thresholds[1].value", "is 80, not above the step before (95)"},
		{"TimeseriesLowerIsWorse", "timeseries", `{"direction":"lower_is_worse","thresholds":[{"value":20,"state":"warning"},{"value":5,"state":"critical"}]}`, "", "", ""},
		// bar
		{"BarAll", "bar", `{"orientation":"horizontal","group_by":"service","sort":"asc","limit":5,"unit":"req/s"}`, "", "", ""},
		{"BarOrientationBad", "bar", `{"orientation":"diagonal"}`, inv, "orientation", `must be one of: "vertical", "horizontal"`},
		{"BarSortBad", "bar", `{"sort":"random"}`, inv, "sort", `must be one of: "desc", "asc", "none"`},
		{"BarLimitZero", "bar", `{"limit":0}`, inv, "limit", "is 0; the minimum is 1"},
		{"BarLimitTooMany", "bar", `{"limit":101}`, inv, "limit", "is 101; the maximum is 100"},
		{"BarGroupByBad", "bar", `{"group_by":"not a label"}`, inv, "group_by", `"not a label" is not a label name`},
		// pie
		{"PieAll", "pie", `{"style":"pie","limit":3,"labels":false,"group_by":"region"}`, "", "", ""},
		{"PieStyleBad", "pie", `{"style":"donut3d"}`, inv, "style", `must be one of: "donut", "pie"`},
		{"PieLimitTooMany", "pie", `{"limit":21}`, inv, "limit", "is 21; the maximum is 20"},
		// gauge: min < max still checked, thresholds added.
		{"GaugeThresholds", "gauge", `{"min":0,"max":1,"thresholds":[{"value":0.8,"state":"warning"}]}`, "", "", ""},
		{"GaugeMinAboveMax", "gauge", `{"min":10,"max":-10}`, inv, "max", "must be greater than min (10)"},
		{"GaugeLowerOutOfOrder", "gauge", `{"direction":"lower_is_worse","thresholds":[{"value":5,"state":"critical"},{"value":20,"state":"warning"}]}`,
			inv, "thresholds[1].value", "is 20, not below the step before (5)"},
		// hitmap
		{"HitmapAll", "hitmap", `{"range":"1h","show_errors":false,"thresholds":[{"value":1,"state":"warning"},{"value":5,"state":"critical"}]}`, "", "", ""},
		{"HitmapRangeBad", "hitmap", `{"range":"2h"}`, inv, "range", `must be one of: "5m", "15m", "30m", "1h"`},
		{"HitmapUnknown", "hitmap", `{"unit":"ms"}`, inv, "unit", "unknown setting for a hitmap widget; allowed: range, show_errors, thresholds, direction"},
		// equalizer
		{"EqualizerAll", "equalizer", `{"window":"5m","slow":1,"very_slow":2.5,"group_by":"route","limit":8}`, "", "", ""},
		{"EqualizerBandsReversed", "equalizer", `{"slow":9}`, inv, "very_slow", "must be greater than slow (9 s)"},
		{"EqualizerBandsEqual", "equalizer", `{"slow":4,"very_slow":4}`, inv, "very_slow", "must be greater than slow (4 s)"},
		{"EqualizerSlowZero", "equalizer", `{"slow":0}`, inv, "slow", "is 0; the minimum is 0.001"},
		{"EqualizerGroupByEmpty", "equalizer", `{"group_by":""}`, inv, "group_by", "is required"},
		{"EqualizerGroupByBad", "equalizer", `{"group_by":"1x"}`, inv, "group_by", `"1x" is not a label name`},
		{"EqualizerWindowBad", "equalizer", `{"window":"1h"}`, inv, "window", `must be one of: "30s", "1m", "5m", "15m"`},
	}
	runConfigCases(t, widgets.Builtin(), cases)
}

func TestChartKindsDefaults(t *testing.T) {
	th := map[string]any{"thresholds": []widgets.Threshold{}, "direction": "higher_is_worse"}
	with := func(m map[string]any) map[string]any {
		for k, v := range th {
			m[k] = v
		}
		return m
	}
	cases := map[string]map[string]any{
		"bar":       with(map[string]any{"orientation": "vertical", "group_by": "", "sort": "desc", "limit": 10.0, "unit": "", "decimals": 1.0}),
		"pie":       with(map[string]any{"style": "donut", "group_by": "", "limit": 8.0, "labels": true, "unit": "", "decimals": 1.0}),
		"hitmap":    with(map[string]any{"range": "15m", "show_errors": true}),
		"equalizer": with(map[string]any{"window": "1m", "slow": 3.0, "very_slow": 8.0, "group_by": "service", "limit": 20.0}),
	}
	r := widgets.Builtin()
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			k := r.Lookup(name)
			if !k.Chart || k.MaxQueries != 1 || k.Option == nil || k.Shape == nil || k.Expand == nil {
				t.Fatalf("%s: chart %v, max queries %d, option/shape/expand set %v", name, k.Chart, k.MaxQueries, k.Option != nil && k.Shape != nil && k.Expand != nil)
			}
			if got := k.Defaults(); !reflect.DeepEqual(got, want) {
				t.Fatalf("Defaults() = %v, want %v", got, want)
			}
			raw, _ := json.Marshal(want)
			if err := k.ValidateConfig(raw); err != nil {
				t.Fatalf("defaults are not valid: %v", err)
			}
		})
	}
}

// parse returns a kind's config from JSON, defaults applied.
func chParse(t *testing.T, kind, raw string) (*widgets.Kind, widgets.Config) {
	t.Helper()
	k := widgets.Builtin().Lookup(kind)
	cfg, err := k.ParseConfig(json.RawMessage(raw))
	if err != nil {
		t.Fatalf("%s config %s: %v", kind, raw, err)
	}
	return k, cfg
}

// asJSON is v as compact JSON, for comparing shapes.
func chJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func chVector(vals ...float64) *widgets.Result {
	r := &widgets.Result{Kind: widgets.KindVector}
	for i, v := range vals {
		r.Series = append(r.Series, widgets.SeriesValue{Labels: map[string]string{"service": string(rune('a' + i))}, Value: v, TS: 1000})
	}
	return r
}

func TestGaugeStates(t *testing.T) {
	up := `{"thresholds":[{"value":80,"state":"warning"},{"value":95,"state":"critical"}]}`
	down := `{"direction":"lower_is_worse","thresholds":[{"value":20,"state":"warning"},{"value":5,"state":"critical"}]}`
	cases := []struct {
		name, cfg string
		v         float64
		want      widgets.State
	}{
		{"BelowFirstStep", up, 79.99, widgets.StateOK},
		{"AtWarning", up, 80, widgets.StateWarning},
		{"BetweenSteps", up, 94.9, widgets.StateWarning},
		{"AtCritical", up, 95, widgets.StateCritical},
		{"AboveCritical", up, 1e9, widgets.StateCritical},
		{"LowerAboveFirst", down, 20.01, widgets.StateOK},
		{"LowerAtWarning", down, 20, widgets.StateWarning},
		{"LowerAtCritical", down, 5, widgets.StateCritical},
		{"LowerBelowCritical", down, -3, widgets.StateCritical},
		{"NoThresholds", `{}`, 1e9, widgets.StateOK},
		{"NaNIsNoData", up, math.NaN(), widgets.StateNoData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, cfg := chParse(t, "gauge", c.cfg)
			out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector(c.v)}})
			if out.State != c.want {
				t.Fatalf("state of %v = %s, want %s", c.v, out.State, c.want)
			}
			if (out.State == widgets.StateOK) != (out.Summary == "") {
				t.Errorf("summary %q with state %s: a summary says why a widget is not ok", out.Summary, out.State)
			}
		})
	}
	t.Run("Data", func(t *testing.T) {
		k, cfg := chParse(t, "gauge", up)
		out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector(97.5)}})
		want := `{"series":[{"data":[{"name":"a","value":97.5}],"id":"gauge"}]}`
		if got := chJSON(t, out.Data); got != want {
			t.Fatalf("data = %s, want %s", got, want)
		}
		if out.Summary != "critical: a at 98" {
			t.Errorf("summary = %q", out.Summary)
		}
	})
	t.Run("EmptyIsNoData", func(t *testing.T) {
		k, cfg := chParse(t, "gauge", up)
		for _, rs := range [][]*widgets.Result{nil, {chVector()}} {
			out := k.Shape(cfg, widgets.Input{Results: rs})
			if out.State != widgets.StateNoData || chJSON(t, out.Data) != `{"series":[{"data":[{"name":"","value":null}],"id":"gauge"}]}` {
				t.Fatalf("empty: %s %s", out.State, chJSON(t, out.Data))
			}
		}
	})
}

func chMatrix(start, step int64, series ...[]float64) *widgets.Result {
	r := &widgets.Result{Kind: widgets.KindMatrix, Start: start, Step: step}
	for i, vs := range series {
		fs := make([]widgets.Float, len(vs))
		for j, v := range vs {
			fs[j] = widgets.Float(v)
		}
		r.Matrix = append(r.Matrix, widgets.SeriesRange{Labels: map[string]string{"service": string(rune('a' + i))}, Values: fs})
	}
	return r
}

func TestTimeseriesExpand(t *testing.T) {
	k, cfg := chParse(t, "timeseries", `{"compare":"1d","range":"6h"}`)
	qs := k.Expand(cfg, []widgets.Query{{Metric: "cpu"}, {Metric: "mem", Range: "15m", Offset: "1h"}, {Metric: "up", Object: "host"}})
	var got []string
	for _, q := range qs {
		got = append(got, q.Metric+"/"+q.Range+"/"+q.Offset+"/"+q.Object)
		if _, err := q.Compile(); err != nil {
			t.Errorf("expanded query %+v does not compile: %v", q, err)
		}
	}
	want := []string{"cpu/6h//", "mem/15m/1h/", "up/6h//", "cpu/6h/1d/", "mem/15m/25h0m0s/", "up/6h/1d/"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("expanded = %v, want %v", got, want)
	}
	_, off := chParse(t, "timeseries", `{}`)
	if qs := k.Expand(off, []widgets.Query{{Metric: "cpu"}}); len(qs) != 1 || qs[0].Range != "1h" {
		t.Fatalf("without compare: %+v", qs)
	}
}

func TestTimeseriesShape(t *testing.T) {
	nan := math.NaN()
	t.Run("SeriesAndState", func(t *testing.T) {
		k, cfg := chParse(t, "timeseries", `{"thresholds":[{"value":80,"state":"warning"},{"value":95,"state":"critical"}],"unit":"percent"}`)
		out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{
			chMatrix(1000, 10, []float64{50, nan, 90}),
			chMatrix(1000, 10, []float64{10, 20, 30}, []float64{96, 97, nan}),
		}})
		want := `{"series":[` +
			`{"data":[50,null,90],"dt":10,"id":"q0","showSymbol":true,"symbolSize":4,"t0":1000,"type":"line"},` +
			`{"data":[10,20,30],"dt":10,"id":"q1","name":"a","showSymbol":false,"t0":1000,"type":"line"},` +
			`{"data":[96,97,null],"dt":10,"id":"q1.1","name":"b","showSymbol":false,"t0":1000,"type":"line"}],` +
			`"xAxis":[{"max":1020,"min":1000}]}`
		if got := chJSON(t, out.Data); got != want {
			t.Fatalf("data =\n%s\nwant\n%s", got, want)
		}
		// The last value of each series counts: b's is 97, critical.
		if out.State != widgets.StateCritical || out.Summary != "critical: b at 97.0%" {
			t.Fatalf("state %s %q", out.State, out.Summary)
		}
	})
	t.Run("CompareShiftedAndDashed", func(t *testing.T) {
		k, cfg := chParse(t, "timeseries", `{"compare":"1h","style":"stacked"}`)
		const hour = 3600000
		out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{
			chMatrix(hour, 1000, []float64{1, 2}),
			chMatrix(0, 1000, []float64{3, 4}),
		}})
		want := `{"series":[` +
			`{"areaStyle":{},"data":[1,2],"dt":1000,"id":"q0","showSymbol":false,"stack":"total","t0":3600000,"type":"line"},` +
			`{"data":[3,4],"dt":1000,"id":"q0.prev","lineStyle":{"type":"dashed"},"showSymbol":false,"stack":"previous","t0":3600000,"type":"line"}],` +
			`"xAxis":[{"max":3601000,"min":3600000}]}`
		if got := chJSON(t, out.Data); got != want {
			t.Fatalf("data =\n%s\nwant\n%s", got, want)
		}
		if out.State != widgets.StateOK {
			t.Fatalf("state %s", out.State)
		}
	})
	t.Run("EmptyIsNoData", func(t *testing.T) {
		k, cfg := chParse(t, "timeseries", `{"compare":"1d"}`)
		out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chMatrix(0, 10), chMatrix(0, 10, []float64{nan, nan})}})
		if out.State != widgets.StateNoData {
			t.Fatalf("state %s", out.State)
		}
		// The query's base series stays, empty.
		if got := chJSON(t, out.Data); !strings.HasPrefix(got, `{"series":[{"data":[],"id":"q0","type":"line"}`) {
			t.Fatalf("data = %s", got)
		}
	})
}

func TestBarShape(t *testing.T) {
	res := []*widgets.Result{chVector(5, 50, math.NaN(), 20, 99)}
	cases := []struct {
		name, cfg, want string
		state           widgets.State
	}{
		{"DescTop3", `{"limit":3}`, `{"series":[{"data":[99,50,20],"id":"bars"}],"xAxis":[{"data":["e","b","d"]}]}`, widgets.StateOK},
		{"AscNaNLast", `{"sort":"asc"}`, `{"series":[{"data":[5,20,50,99,null],"id":"bars"}],"xAxis":[{"data":["a","d","b","e","c"]}]}`, widgets.StateOK},
		{"NoneKeepsOrder", `{"sort":"none","limit":2,"orientation":"horizontal"}`, `{"series":[{"data":[5,50],"id":"bars"}],"yAxis":[{"data":["a","b"]}]}`, widgets.StateOK},
		// Bars cut by the limit still count for the state.
		{"StateOfAll", `{"sort":"asc","limit":1,"thresholds":[{"value":50,"state":"warning"},{"value":99,"state":"critical"}]}`,
			`{"series":[{"data":[5],"id":"bars"}],"xAxis":[{"data":["a"]}]}`, widgets.StateCritical},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, cfg := chParse(t, "bar", c.cfg)
			out := k.Shape(cfg, widgets.Input{Results: res})
			if got := chJSON(t, out.Data); got != c.want {
				t.Fatalf("data = %s, want %s", got, c.want)
			}
			if out.State != c.state {
				t.Fatalf("state %s, want %s", out.State, c.state)
			}
		})
	}
	t.Run("GroupByNamesBars", func(t *testing.T) {
		k, cfg := chParse(t, "bar", `{"group_by":"region"}`)
		qs := k.Expand(cfg, []widgets.Query{{Metric: "reqs", Range: "1h"}})
		if len(qs) != 1 || qs[0].Range != "" || !reflect.DeepEqual(qs[0].GroupBy, []string{"region"}) || qs[0].Agg != "sum" {
			t.Fatalf("expanded %+v", qs)
		}
		r := &widgets.Result{Kind: widgets.KindVector, Series: []widgets.SeriesValue{{Labels: map[string]string{"region": "eu", "x": "1"}, Value: 3}}}
		if got := chJSON(t, k.Shape(cfg, widgets.Input{Results: []*widgets.Result{r}}).Data); !strings.Contains(got, `"data":["eu"]`) {
			t.Fatalf("data = %s", got)
		}
	})
	t.Run("EmptyIsNoData", func(t *testing.T) {
		k, cfg := chParse(t, "bar", `{}`)
		out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector()}})
		if out.State != widgets.StateNoData || chJSON(t, out.Data) != `{"series":[{"data":[],"id":"bars"}],"xAxis":[{"data":[]}]}` {
			t.Fatalf("%s %s", out.State, chJSON(t, out.Data))
		}
	})
}

func TestPieShape(t *testing.T) {
	k, cfg := chParse(t, "pie", `{"limit":2,"thresholds":[{"value":100,"state":"warning"}]}`)
	out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector(10, 40, -5, math.NaN(), 30, 25)}})
	want := `{"series":[{"data":[{"name":"b","value":40},{"name":"e","value":30},{"name":"Other","value":35}],"id":"pie"}]}`
	if got := chJSON(t, out.Data); got != want {
		t.Fatalf("data = %s, want %s", got, want)
	}
	// The thresholds apply to the whole: 105.
	if out.State != widgets.StateWarning || out.Summary != "warning: total at 105.0" {
		t.Fatalf("state %s %q", out.State, out.Summary)
	}
	if out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector()}}); out.State != widgets.StateNoData {
		t.Fatalf("empty: %s", out.State)
	}
	if out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector(0, 0)}}); out.State != widgets.StateOK {
		t.Fatalf("all zero: %s", out.State)
	}
}

func TestHitmap(t *testing.T) {
	k, cfg := chParse(t, "hitmap", `{"thresholds":[{"value":1,"state":"warning"},{"value":5,"state":"critical"}]}`)
	t.Run("Expand", func(t *testing.T) {
		for _, in := range [][]widgets.Query{nil, {{Metric: "http_requests", Fn: "rate", GroupBy: []string{"x"}, Agg: "sum",
			Match: []widgets.Matcher{{Label: "service", Op: "=", Value: "cart"}}}}} {
			qs := k.Expand(cfg, in)
			if len(qs) != 1 || qs[0].Source != "transactions" || qs[0].Range != "15m" || qs[0].GroupBy != nil || qs[0].Metric != "" {
				t.Fatalf("expanded %+v", qs)
			}
			if _, err := qs[0].Compile(); err != nil {
				t.Fatalf("does not compile: %v", err)
			}
		}
	})
	r := &widgets.Result{Kind: widgets.KindHitmap, Start: 1000, Step: 10, Hitmap: &widgets.Hitmap{Columns: 3,
		Ok: [][3]uint64{{0, 9, 90}, {2, 15, 7}}, Err: [][3]uint64{{2, 15, 3}}, TotalOk: 97, TotalErr: 3}}
	out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{r}})
	// Error cells carry their share of the cell (3 of 3+7: 30%), which
	// their colour follows.
	want := `{"series":[{"data":[[0,9,90],[2,15,7]],"id":"ok"},{"data":[[2,15,3,30]],"id":"err"}],` +
		`"visualMap":[{"max":90}],"xAxis":[{"data":[1000,1010,1020]}]}`
	if got := chJSON(t, out.Data); got != want {
		t.Fatalf("data = %s, want %s", got, want)
	}
	if out.State != widgets.StateWarning || out.Summary != "warning: errors at 3.0%" {
		t.Fatalf("3%% errors: %s %q", out.State, out.Summary)
	}
	_, noErr := chParse(t, "hitmap", `{"show_errors":false}`)
	if got := chJSON(t, k.Shape(noErr, widgets.Input{Results: []*widgets.Result{r}}).Data); !strings.Contains(got, `{"data":[],"id":"err"}`) {
		t.Fatalf("errors hidden: %s", got)
	}
	empty := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{{Kind: widgets.KindHitmap, Hitmap: &widgets.Hitmap{}}}})
	if empty.State != widgets.StateNoData {
		t.Fatalf("empty: %s", empty.State)
	}
	labels := widgets.ElapsedLabels()
	if len(labels) != 58 || labels[0] != "0" || labels[1] != "0.1 ms" || labels[9] != "1 ms" || labels[37] != "3.2 s" || labels[33] != "1 s" {
		t.Fatalf("elapsed labels %v", labels)
	}
}

// histogram returns counts in the buckets holding the given elapsed times.
func chHistogram(service string, elapsedMS ...float64) widgets.TxHistogram {
	h := widgets.TxHistogram{Labels: map[string]string{"service": service}, Ok: make([]uint64, 58), Err: make([]uint64, 58)}
	for b := range h.Ok {
		h.Edges = append(h.Edges, chEdge(b))
	}
	for _, ms := range elapsedMS {
		b := 1 + int(math.Floor(math.Log10(ms/0.1)*8))
		h.Ok[b]++
	}
	return h
}

func chEdge(b int) float64 {
	if b == 0 {
		return 0
	}
	return 0.1 * math.Pow(10, float64(b-1)/8)
}

func TestEqualizer(t *testing.T) {
	k, cfg := chParse(t, "equalizer", `{}`)
	t.Run("Expand", func(t *testing.T) {
		qs := k.Expand(cfg, []widgets.Query{{Metric: "x", Range: "1h", Step: "1m"}})
		if len(qs) != 1 || qs[0].Source != "transactions" || qs[0].Range != "1m" || qs[0].Step != "" || !reflect.DeepEqual(qs[0].GroupBy, []string{"service"}) {
			t.Fatalf("expanded %+v", qs)
		}
		if _, err := qs[0].Compile(); err != nil {
			t.Fatalf("does not compile: %v", err)
		}
	})
	res := func(hs ...widgets.TxHistogram) []*widgets.Result {
		return []*widgets.Result{{Kind: widgets.KindHistograms, Histograms: hs}}
	}
	t.Run("BandsByMidPoint", func(t *testing.T) {
		// 3.0 s sits in the bucket [2.37 s, 3.16 s) whose mid-point 2.74 s
		// is normal; 3.2 s is slow; 7.6 s sits in [7.50 s, 10 s), mid 8.66 s:
		// very slow.
		out := k.Shape(cfg, widgets.Input{Results: res(chHistogram("cart", 5, 3000, 3200, 7600), chHistogram("web", 12))})
		want := `{"series":[{"data":[2,1],"id":"normal"},{"data":[1,0],"id":"slow"},{"data":[1,0],"id":"very_slow"}],"xAxis":[{"data":["cart","web"]}]}`
		if got := chJSON(t, out.Data); got != want {
			t.Fatalf("data = %s, want %s", got, want)
		}
		if out.State != widgets.StateCritical || out.Summary != "very slow transactions: cart" {
			t.Fatalf("state %s %q", out.State, out.Summary)
		}
	})
	t.Run("AnySlowIsWarning", func(t *testing.T) {
		out := k.Shape(cfg, widgets.Input{Results: res(chHistogram("cart", 5, 4000), chHistogram("web", 5000))})
		if out.State != widgets.StateWarning || out.Summary != "slow transactions: cart, web" {
			t.Fatalf("state %s %q", out.State, out.Summary)
		}
		if out := k.Shape(cfg, widgets.Input{Results: res(chHistogram("cart", 5))}); out.State != widgets.StateOK {
			t.Fatalf("all normal: %s", out.State)
		}
	})
	t.Run("ThresholdsOnSlowShare", func(t *testing.T) {
		k, cfg := chParse(t, "equalizer", `{"thresholds":[{"value":25,"state":"warning"},{"value":50,"state":"critical"}]}`)
		out := k.Shape(cfg, widgets.Input{Results: res(chHistogram("cart", 5, 5, 5, 9000), chHistogram("web", 5, 5, 5, 5, 5, 4000))})
		if out.State != widgets.StateWarning || out.Summary != "warning: cart at 25.0% slow or very slow" {
			t.Fatalf("state %s %q", out.State, out.Summary)
		}
	})
	t.Run("LimitKeepsBusiest", func(t *testing.T) {
		_, cfg := chParse(t, "equalizer", `{"limit":2}`)
		out := k.Shape(cfg, widgets.Input{Results: res(chHistogram("a", 1), chHistogram("b", 1, 1, 1), chHistogram("c", 1, 1))})
		if got := chJSON(t, out.Data); !strings.Contains(got, `"xAxis":[{"data":["b","c"]}]`) {
			t.Fatalf("data = %s", got)
		}
	})
	t.Run("EmptyIsNoData", func(t *testing.T) {
		if out := k.Shape(cfg, widgets.Input{Results: res()}); out.State != widgets.StateNoData {
			t.Fatalf("state %s", out.State)
		}
	})
}

// chGoldenSpecs are the widgets whose base options are kept in
// testdata/golden.
var chGoldenSpecs = []struct {
	file, kind, config string
	queries            []widgets.Query
	w, h               int
	theme              string
}{
	{"timeseries_line", "timeseries", `{}`, []widgets.Query{{Metric: "cpu"}}, 640, 320, "dark"},
	{"timeseries_compare_bands", "timeseries", `{"style":"area","compare":"1d","threshold_style":"both","unit":"percent",
		"thresholds":[{"value":80,"state":"warning"},{"value":95,"state":"critical"}]}`,
		[]widgets.Query{{Metric: "cpu", Name: "CPU"}, {Metric: "mem"}}, 960, 400, "dark"},
	{"timeseries_stacked_light", "timeseries", `{"style":"stacked","direction":"lower_is_worse","threshold_style":"bands",
		"thresholds":[{"value":20,"state":"warning"},{"value":5,"state":"critical"}]}`,
		[]widgets.Query{{Metric: "free"}, {Metric: "used"}}, 640, 320, "light"},
	{"bar_vertical", "bar", `{"thresholds":[{"value":50,"state":"warning"},{"value":90,"state":"critical"}]}`,
		[]widgets.Query{{Metric: "reqs", Name: "Requests"}}, 480, 320, "dark"},
	{"bar_horizontal_lower", "bar", `{"orientation":"horizontal","direction":"lower_is_worse","thresholds":[{"value":0,"state":"critical"}]}`,
		[]widgets.Query{{Metric: "free"}}, 480, 320, "light"},
	{"pie_donut", "pie", `{}`, []widgets.Query{{Metric: "sessions"}}, 320, 320, "dark"},
	{"pie_plain", "pie", `{"style":"pie","labels":false}`, nil, 320, 320, "light"},
	{"gauge_plain", "gauge", `{}`, []widgets.Query{{Metric: "cpu"}}, 320, 320, "dark"},
	{"gauge_bands", "gauge", `{"min":-10,"max":10.5,"thresholds":[{"value":0,"state":"warning"},{"value":5,"state":"critical"},{"value":20,"state":"ok"}]}`,
		nil, 320, 320, "dark"},
	{"gauge_lower_light", "gauge", `{"min":0,"max":1,"direction":"lower_is_worse","thresholds":[{"value":0.5,"state":"warning"},{"value":0.25,"state":"critical"}]}`,
		nil, 320, 320, "light"},
	{"hitmap", "hitmap", `{}`, nil, 640, 320, "dark"},
	{"hitmap_light", "hitmap", `{}`, nil, 640, 320, "light"},
	{"equalizer", "equalizer", `{"slow":0.5,"very_slow":2}`, nil, 480, 320, "dark"},
}

func TestOptionGolden(t *testing.T) {
	r := widgets.Builtin()
	for _, g := range chGoldenSpecs {
		t.Run(g.file, func(t *testing.T) {
			k, cfg := chParse(t, g.kind, g.config)
			opt, err := k.Option(widgets.Spec{ID: g.file, Kind: g.kind, Config: cfg, Queries: g.queries, Width: g.w, Height: g.h}, widgets.ThemeNamed(g.theme))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(opt, "", "  ") // maps marshal with sorted keys
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", g.file+".json")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./widgets -run TestOptionGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("option differs from %s (run with -update if the change is meant):\n%s", path, got)
			}
			chCheckOption(t, opt, widgets.ThemeNamed(g.theme))
		})
	}
	_ = r
}

// checkOption asserts what every base option must hold.
func chCheckOption(t *testing.T, opt map[string]any, th widgets.Theme) {
	t.Helper()
	if _, ok := opt["title"]; ok {
		t.Error("the option has a title: the page draws titles")
	}
	if opt["animation"] != false || opt["backgroundColor"] != "transparent" {
		t.Errorf("animation %v, background %v", opt["animation"], opt["backgroundColor"])
	}
	if !reflect.DeepEqual(opt["color"], chAny(th.Series)) {
		t.Errorf("color = %v, want the theme's series colours", opt["color"])
	}
	b, _ := json.Marshal(opt)
	if bytes.Contains(b, []byte("__f__")) || bytes.Contains(b, []byte("function")) {
		t.Error("the option holds a function: functions cannot travel in JSON")
	}
	for _, s := range opt["series"].([]any) {
		if id, _ := s.(map[string]any)["id"].(string); id == "" {
			t.Errorf("series without id: %v", s)
		}
	}
}

func chAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestOptionScalesWithSize(t *testing.T) {
	fontOf := func(opt map[string]any) float64 {
		return opt["textStyle"].(map[string]any)["fontSize"].(float64)
	}
	for _, kind := range []string{"timeseries", "bar", "pie", "gauge", "hitmap", "equalizer"} {
		t.Run(kind, func(t *testing.T) {
			k, cfg := chParse(t, kind, `{}`)
			var fonts []float64
			for _, size := range [][2]int{{320, 240}, {640, 480}, {2560, 1920}} {
				opt, err := k.Option(widgets.Spec{Kind: kind, Config: cfg, Width: size[0], Height: size[1]}, widgets.ThemeNamed("dark"))
				if err != nil {
					t.Fatal(err)
				}
				fonts = append(fonts, fontOf(opt))
			}
			if !(fonts[0] < fonts[1] && fonts[1] < fonts[2]) {
				t.Fatalf("font sizes %v do not grow with the widget", fonts)
			}
			// The same size gives the same option, whatever the window.
			a, _ := k.Option(widgets.Spec{Kind: kind, Config: cfg, Width: 640, Height: 480}, widgets.ThemeNamed("dark"))
			b, _ := k.Option(widgets.Spec{Kind: kind, Config: cfg, Width: 640, Height: 480}, widgets.ThemeNamed("dark"))
			if !reflect.DeepEqual(a, b) {
				t.Fatal("two builds of one spec differ")
			}
		})
	}
	t.Run("GaugeValueFont", func(t *testing.T) {
		k, cfg := chParse(t, "gauge", `{}`)
		small, _ := k.Option(widgets.Spec{Config: cfg, Width: 200, Height: 200}, widgets.ThemeNamed("dark"))
		big, _ := k.Option(widgets.Spec{Config: cfg, Width: 1000, Height: 1000}, widgets.ThemeNamed("dark"))
		detail := func(o map[string]any) float64 {
			return o["series"].([]any)[0].(map[string]any)["detail"].(map[string]any)["fontSize"].(float64)
		}
		if detail(small) != 33 || detail(big) != 167 {
			t.Fatalf("gauge value font %v at 200 px, %v at 1000 px", detail(small), detail(big))
		}
	})
	t.Run("NoSizeUsesDefaultSize", func(t *testing.T) {
		k, cfg := chParse(t, "gauge", `{}`)
		a, _ := k.Option(widgets.Spec{Config: cfg}, widgets.ThemeNamed("dark"))
		b, _ := k.Option(widgets.Spec{Config: cfg, Width: 320, Height: 320}, widgets.ThemeNamed("dark"))
		if !reflect.DeepEqual(a, b) {
			t.Fatal("a spec without size is not drawn at the kind's default size (8×8 cells of 40 px)")
		}
	})
	t.Run("MissingDefaults", func(t *testing.T) {
		k, cfg := chParse(t, "timeseries", `{}`)
		a, err1 := k.Option(widgets.Spec{Config: nil, Queries: []widgets.Query{{Metric: "x"}}}, widgets.ThemeNamed("dark"))
		b, err2 := k.Option(widgets.Spec{Config: cfg, Queries: []widgets.Query{{Metric: "x"}}}, widgets.ThemeNamed("dark"))
		if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
			t.Fatal("an option built from a config without defaults differs from one with them")
		}
	})
}

func chDecode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMergeOption(t *testing.T) {
	base := chDecode(t, `{"color":["#111"],"grid":[{"left":"8","top":"8"}],
		"xAxis":[{"type":"time","axisLabel":{"color":"#999","fontSize":11}},{"type":"value"}],
		"visualMap":[{"max":1,"inRange":{"color":["#a","#b"]}},{"max":1}],
		"series":[{"id":"q0","type":"line","name":"CPU","lineStyle":{"width":2,"color":"#f00"},"markLine":{"data":[{"yAxis":80}]}},
		          {"id":"gone","type":"line"}]}`)
	data := chDecode(t, `{"xAxis":[{"min":1,"max":2,"axisLabel":{"fontSize":20}}],
		"visualMap":[{"max":90}],
		"series":[{"id":"q0","data":[[1,5]],"lineStyle":{"type":"dashed"}},{"id":"new","type":"line","data":[[1,2]]},{"data":[]}]}`)
	before := chJSON(t, base)
	got := widgets.MergeOption(base, data)
	want := chDecode(t, `{"color":["#111"],"grid":[{"left":"8","top":"8"}],
		"xAxis":[{"type":"time","min":1,"max":2,"axisLabel":{"color":"#999","fontSize":20}},{"type":"value"}],
		"visualMap":[{"max":90,"inRange":{"color":["#a","#b"]}},{"max":1}],
		"series":[{"id":"q0","type":"line","name":"CPU","data":[[1,5]],"lineStyle":{"width":2,"color":"#f00","type":"dashed"},"markLine":{"data":[{"yAxis":80}]}},
		          {"id":"new","type":"line","data":[[1,2]]},{"data":[]}]}`)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merged =\n%s\nwant\n%s", chJSON(t, got), chJSON(t, want))
	}
	if chJSON(t, base) != before {
		t.Fatal("MergeOption changed its base")
	}
	t.Run("ObjectOverList", func(t *testing.T) {
		got := widgets.MergeOption(chDecode(t, `{"yAxis":[{"type":"category","inverse":true}]}`), chDecode(t, `{"yAxis":{"data":["a"]}}`))
		if chJSON(t, got) != `{"yAxis":[{"data":["a"],"inverse":true,"type":"category"}]}` {
			t.Fatalf("merged = %s", chJSON(t, got))
		}
	})
	t.Run("NoSeriesInData", func(t *testing.T) {
		got := widgets.MergeOption(chDecode(t, `{"series":[{"id":"a"}]}`), chDecode(t, `{"xAxis":[{"data":[1]}]}`))
		if chJSON(t, got) != `{"series":[{"id":"a"}],"xAxis":[{"data":[1]}]}` {
			t.Fatalf("merged = %s", chJSON(t, got))
		}
	})
	t.Run("ShapeOverOption", func(t *testing.T) {
		// Go-typed data (as Shape returns it) merges like decoded JSON.
		k, cfg := chParse(t, "bar", `{}`)
		opt, _ := k.Option(widgets.Spec{Config: cfg}, widgets.ThemeNamed("dark"))
		out := k.Shape(cfg, widgets.Input{Results: []*widgets.Result{chVector(1, 2)}})
		m := widgets.MergeOption(opt, out.Data.(map[string]any))
		s := m["series"].([]any)[0].(map[string]any)
		if s["type"] != "bar" || chJSON(t, s["data"]) != `[2,1]` || chJSON(t, m["xAxis"].([]any)[0].(map[string]any)["data"]) != `["b","a"]` ||
			m["xAxis"].([]any)[0].(map[string]any)["type"] != "category" {
			t.Fatalf("merged = %s", chJSON(t, m))
		}
	})
}

func TestMergeOptionExpandsTimes(t *testing.T) {
	base := map[string]any{"series": []any{map[string]any{"id": "q0", "type": "line", "lineStyle": map[string]any{"width": 3.0}}}}
	data := map[string]any{"series": []any{map[string]any{"id": "q0", "data": []widgets.Drawn{5, widgets.Drawn(math.NaN()), 7}, "t0": int64(1000), "dt": int64(10)}}}
	got := chJSON(t, widgets.MergeOption(base, data))
	want := `{"series":[{"data":[[1000,5],[1010,null],[1020,7]],"id":"q0","lineStyle":{"width":3},"type":"line"}]}`
	if got != want {
		t.Fatalf("merged =\n%s\nwant\n%s", got, want)
	}
}
