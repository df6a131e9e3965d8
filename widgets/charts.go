package widgets

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Option builders of the chart kinds. Each builds its base option with
// go-echarts, turns it into a plain map (the JSON go-echarts produces) and
// post-processes the map only where go-echarts' option types cannot say
// something ECharts needs; every such place says so.

// cellPx is the size of a grid cell on the default 1920×1080 canvas of 48×27
// cells: the size assumed when a Spec has none.
const cellPx = 40

// dims are the sizes a chart derives from its widget's size on the design
// canvas, never from the browser window: a board scaled up on a 4K wall
// keeps its proportions.
type dims struct {
	W, H  int
	Font  int     // axis labels, legend, tooltips
	Small int     // secondary labels
	Big   int     // a gauge's value
	Line  float32 // series line width
	Thin  float32 // split lines, threshold lines
	Pad   int     // grid padding
}

func dimsOf(s Spec, def Size) dims {
	w, h := s.Width, s.Height
	if w <= 0 {
		w = def.W * cellPx
	}
	if h <= 0 {
		h = def.H * cellPx
	}
	u := float64(min(w, h))
	clamp := func(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
	round1 := func(x float64) float32 { return float32(math.Round(x*10) / 10) }
	font := clamp(math.Round(u/24), 9, 72)
	return dims{
		W: w, H: h,
		Font:  int(font),
		Small: int(clamp(math.Round(font*0.85), 8, 64)),
		Big:   int(clamp(math.Round(u/6), 14, 360)),
		Line:  round1(clamp(u/160, 1, 8)),
		Thin:  round1(clamp(u/320, 1, 4)),
		Pad:   int(clamp(math.Round(u/24), 4, 96)),
	}
}

func px(n int) string { return strconv.Itoa(n) }

// baseGlobals are the options every chart kind shares: transparent
// background, no animation (walls redraw every tick), the theme's series
// colours and a tooltip in the theme's colours.
func baseGlobals(d dims, th Theme, trigger string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{BackgroundColor: "transparent",
			Width: px(d.W) + "px", Height: px(d.H) + "px"}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(opts.Colors(append([]string(nil), th.Series...))),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger,
			BackgroundColor: th.Surface, BorderColor: th.Grid}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	}
}

func legendOpts(d dims, th Theme) charts.GlobalOpts {
	return charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Left: "center", Type: "scroll",
		ItemWidth: d.Font * 2, ItemHeight: d.Small, InactiveColor: th.Grid,
		TextStyle: &opts.TextStyle{Color: th.Muted, FontSize: d.Small}})
}

func gridOpts(d dims, legend bool) charts.GlobalOpts {
	top := d.Pad
	if legend {
		top += d.Font * 2
	}
	return charts.WithGridOpts(opts.Grid{Left: px(d.Pad), Right: px(d.Pad), Top: px(top), Bottom: px(d.Pad),
		ContainLabel: opts.Bool(true)})
}

func axisLabel(d dims, th Theme) *opts.AxisLabel {
	return &opts.AxisLabel{Show: opts.Bool(true), Color: th.Muted, FontSize: d.Small, HideOverlap: opts.Bool(true)}
}

func axisLine(d dims, th Theme, show bool) *opts.AxisLine {
	return &opts.AxisLine{Show: opts.Bool(show), LineStyle: &opts.LineStyle{Color: th.Grid, Width: d.Thin}}
}

func splitLine(d dims, th Theme, show bool) *opts.SplitLine {
	return &opts.SplitLine{Show: opts.Bool(show), LineStyle: &opts.LineStyle{Color: th.Grid, Width: d.Thin}}
}

func valueXAxis(d dims, th Theme) opts.XAxis {
	return opts.XAxis{Type: "value", AxisLabel: axisLabel(d, th), AxisLine: axisLine(d, th, false), SplitLine: splitLine(d, th, true)}
}

func valueYAxis(d dims, th Theme) opts.YAxis {
	return opts.YAxis{Type: "value", AxisLabel: axisLabel(d, th), AxisLine: axisLine(d, th, false), SplitLine: splitLine(d, th, true)}
}

func categoryXAxis(d dims, th Theme) opts.XAxis {
	return opts.XAxis{Type: "category", AxisLabel: axisLabel(d, th), AxisLine: axisLine(d, th, true), SplitLine: splitLine(d, th, false),
		AxisTick: &opts.AxisTick{Show: opts.Bool(false)}}
}

func categoryYAxis(d dims, th Theme) opts.YAxis {
	return opts.YAxis{Type: "category", AxisLabel: axisLabel(d, th), AxisLine: axisLine(d, th, true), SplitLine: splitLine(d, th, false)}
}

// jsonChart is what every go-echarts chart type offers.
type jsonChart interface {
	Validate()
	JSON() map[string]interface{}
}

// optionMap returns the option go-echarts builds for c as plain JSON values
// (maps, slices, float64), with the post-processing every kind shares:
// empty components and nulls dropped, the theme's text colour and the
// widget's font size as the global textStyle (go-echarts has no global
// textStyle).
func optionMap(c jsonChart, d dims, th Theme) (map[string]any, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("encode go-echarts option: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode go-echarts option: %w", err)
	}
	prune(m)
	for _, k := range []string{"title", "toolbox"} {
		if v, ok := m[k].(map[string]any); ok && len(v) == 0 {
			delete(m, k)
		}
	}
	m["textStyle"] = map[string]any{"color": th.Text, "fontSize": float64(d.Font)}
	// go-echarts' Tooltip has no textStyle.
	if tt, ok := m["tooltip"].(map[string]any); ok {
		tt["textStyle"] = map[string]any{"color": th.Text, "fontSize": float64(d.Font)}
	}
	return m, nil
}

// prune drops null values from maps at any depth (go-echarts writes some
// fields without omitempty); arrays keep their nulls.
func prune(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			prune(e)
		}
	case []any:
		for _, e := range x {
			prune(e)
		}
	}
}

// list returns v as a list: a list as it is, a single object as a list of
// one (ECharts accepts both for components such as xAxis).
func list(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case map[string]any:
		return []any{x}
	}
	return nil
}

// seriesByID returns the series of an option whose id is id.
func seriesByID(m map[string]any, id string) map[string]any {
	for _, s := range list(m["series"]) {
		if sm, ok := s.(map[string]any); ok && sm["id"] == id {
			return sm
		}
	}
	return nil
}

// component returns the index-th object of a component list (xAxis, ...).
func component(m map[string]any, key string, index int) map[string]any {
	l := list(m[key])
	if index < len(l) {
		c, _ := l[index].(map[string]any)
		return c
	}
	return nil
}

// MergeOption applies data over base the way the front end's
// chart.setOption(data, {replaceMerge: ["series"]}) does, for pages rendered
// by the server: top-level components merge deeply (lists of components,
// such as xAxis, by index; other lists are replaced); series are replaced by
// data's list, each data series merged over the base series of the same id.
// Neither argument is changed.
func MergeOption(base, data map[string]any) map[string]any {
	out := mergeMaps(base, nil)
	for k, v := range data {
		if k == "series" {
			var series []any
			for _, s := range list(v) {
				sm, ok := s.(map[string]any)
				if !ok {
					continue
				}
				sm = expandTimes(sm)
				id, _ := sm["id"].(string)
				if b := seriesByID(base, id); id != "" && b != nil {
					series = append(series, mergeMaps(b, sm))
				} else {
					series = append(series, mergeMaps(sm, nil))
				}
			}
			if series == nil {
				series = []any{}
			}
			out["series"] = series
			continue
		}
		out[k] = mergeComponent(out[k], v)
	}
	return out
}

// expandTimes turns a series sent as values with t0 and dt (the time of the
// first and the step, ms) into the [t, v] pairs ECharts draws; others are
// returned as they are. The front end's chart.ts does the same.
func expandTimes(s map[string]any) map[string]any {
	t0, ok0 := toInt64(s["t0"])
	dt, ok1 := toInt64(s["dt"])
	if !ok0 || !ok1 {
		return s
	}
	out := make(map[string]any, len(s))
	for k, v := range s {
		if k != "t0" && k != "dt" {
			out[k] = v
		}
	}
	var pts []any
	switch vs := s["data"].(type) {
	case []Drawn:
		for i, v := range vs {
			pts = append(pts, []any{t0 + int64(i)*dt, v})
		}
	case []any:
		for i, v := range vs {
			pts = append(pts, []any{t0 + int64(i)*dt, v})
		}
	}
	if pts == nil {
		pts = []any{}
	}
	out["data"] = pts
	return out
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		return int64(x), true
	case int:
		return int64(x), true
	}
	return 0, false
}

// mergeComponent merges one top-level key: objects deeply, a list (or an
// object) over a list by index.
func mergeComponent(base, over any) any {
	bl, bIsList := base.([]any)
	_, oIsList := over.([]any)
	if bIsList || oIsList {
		if bl == nil {
			bl = list(base)
		}
		ol := list(over)
		n := max(len(bl), len(ol))
		out := make([]any, n)
		for i := 0; i < n; i++ {
			switch {
			case i >= len(ol):
				out[i] = copyValue(bl[i])
			case i >= len(bl):
				out[i] = copyValue(ol[i])
			default:
				out[i] = mergeValue(bl[i], ol[i])
			}
		}
		return out
	}
	return mergeValue(base, over)
}

// mergeValue merges objects key by key; anything else is replaced.
func mergeValue(base, over any) any {
	bm, ok1 := base.(map[string]any)
	om, ok2 := over.(map[string]any)
	if ok1 && ok2 {
		return mergeMaps(bm, om)
	}
	return copyValue(over)
}

func mergeMaps(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = copyValue(v)
	}
	for k, v := range over {
		out[k] = mergeValue(out[k], v)
	}
	return out
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return mergeMaps(x, nil)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// band is the span of values one state covers: from Lo to Hi, the end on
// the side of worse included (Inf: open).
type band struct {
	Lo, Hi float64
	State  State
}

// bandsOf returns the spans of the thresholds in ascending order of value,
// ok below (or, lower_is_worse, above) the first step included.
func bandsOf(t Thresholds) []band {
	n := len(t.Steps)
	if n == 0 {
		return nil
	}
	var out []band
	if !t.LowerIsWorse {
		out = append(out, band{math.Inf(-1), t.Steps[0].Value, StateOK})
		for i, st := range t.Steps {
			hi := math.Inf(1)
			if i+1 < n {
				hi = t.Steps[i+1].Value
			}
			out = append(out, band{st.Value, hi, st.State})
		}
		return out
	}
	for i := n - 1; i >= 0; i-- {
		lo := math.Inf(-1)
		if i+1 < n {
			lo = t.Steps[i+1].Value
		}
		out = append(out, band{lo, t.Steps[i].Value, t.Steps[i].State})
	}
	return append(out, band{t.Steps[0].Value, math.Inf(1), StateOK})
}

// thresholdMarks returns the markLine and markArea of a series showing the
// thresholds on its value axis ("y" or "x"): lines at each step that is not
// ok, bands over the spans that are not ok. go-echarts' mark items have no
// per-item style, so the items are maps (its MarkLines.Data and
// MarkAreas.Data take any item).
func thresholdMarks(t Thresholds, axis string, d dims, th Theme, lines, areas bool) (*opts.MarkLines, *opts.MarkAreas) {
	key := axis + "Axis"
	var ml *opts.MarkLines
	var ma *opts.MarkAreas
	if lines {
		var items []interface{}
		for _, st := range t.Steps {
			if st.State == StateOK {
				continue
			}
			items = append(items, map[string]any{"name": string(st.State), key: st.Value,
				"lineStyle": map[string]any{"color": th.States[st.State]}})
		}
		if items != nil {
			ml = &opts.MarkLines{Data: items, MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"},
				Label: &opts.Label{Show: opts.Bool(false)}, LineStyle: &opts.LineStyle{Type: "dashed", Width: d.Thin}}}
		}
	}
	if areas {
		var items []interface{}
		for _, b := range bandsOf(t) {
			if b.State == StateOK {
				continue
			}
			// A missing coordinate is open: ECharts stretches it to the
			// edge of the grid.
			from := map[string]any{"name": string(b.State), "itemStyle": map[string]any{"color": th.States[b.State], "opacity": 0.12}}
			to := map[string]any{}
			if !math.IsInf(b.Lo, 0) {
				from[key] = b.Lo
			}
			if !math.IsInf(b.Hi, 0) {
				to[key] = b.Hi
			}
			items = append(items, []any{from, to})
		}
		if items != nil {
			ma = &opts.MarkAreas{Data: items, MarkAreaStyle: opts.MarkAreaStyle{Label: &opts.Label{Show: opts.Bool(false)}}}
		}
	}
	return ml, ma
}

// statePieces returns the pieces of a piecewise visualMap colouring values
// by state. go-echarts' Piece has float32 fields that drop 0, so pieces are
// maps.
func statePieces(t Thresholds, th Theme) []any {
	var out []any
	for _, b := range bandsOf(t) {
		p := map[string]any{"color": th.States[b.State]}
		lo, hi := "gte", "lt"
		if t.LowerIsWorse {
			lo, hi = "gt", "lte"
		}
		if !math.IsInf(b.Lo, 0) {
			p[lo] = b.Lo
		}
		if !math.IsInf(b.Hi, 0) {
			p[hi] = b.Hi
		}
		out = append(out, p)
	}
	return out
}

// gaugeStops returns a gauge axis line's colour stops ([fraction, colour]
// up to each fraction) over [lo, hi].
func gaugeStops(t Thresholds, lo, hi float64, th Theme) []any {
	var out []any
	for _, b := range bandsOf(t) {
		f := 1.0
		if !math.IsInf(b.Hi, 0) {
			f = math.Max(0, math.Min(1, (b.Hi-lo)/(hi-lo)))
		}
		if f <= 0 && !math.IsInf(b.Hi, 1) {
			continue // below the gauge
		}
		out = append(out, []any{math.Round(f*1e6) / 1e6, th.States[b.State]})
		if f >= 1 {
			break
		}
	}
	return out
}

// labelText names a series by its label values in label order
// ("checkout · eu"), or "" when it has none.
func labelText(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if k != "__name__" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	vals := make([]string, 0, len(keys))
	for _, k := range keys {
		if labels[k] != "" {
			vals = append(vals, labels[k])
		}
	}
	return strings.Join(vals, " · ")
}

// queryName is what a chart calls a query's series: its name, its metric,
// or "query N".
func queryName(q Query, i int) string {
	switch {
	case q.Name != "":
		return q.Name
	case q.Metric != "":
		return q.Metric
	case q.Source == "transactions":
		return "transactions"
	}
	return fmt.Sprintf("query %d", i+1)
}

// shortDuration writes milliseconds the way axis labels and legends name
// them, with two significant digits at most below 10: "0", "0.13 ms",
// "1 ms", "3.2 s", "13 s", "950 ms".
func shortDuration(ms float64) string {
	if ms == 0 {
		return "0"
	}
	s := FormatValue(ms, "ms", 2)
	num, _, _ := strings.Cut(s, " ")
	x, _ := strconv.ParseFloat(num, 64)
	switch a := math.Abs(x); {
	case a >= 10:
		s = FormatValue(ms, "ms", 0)
	case a >= 1:
		s = FormatValue(ms, "ms", 1)
	}
	num, unit, _ := strings.Cut(s, " ")
	if strings.Contains(num, ".") {
		num = strings.TrimRight(strings.TrimRight(num, "0"), ".")
	}
	return num + " " + unit
}

// ElapsedLabels returns the names of the hitmap's elapsed buckets (the Y
// categories), each from its lower edge: "0", "0.1 ms", "0.13 ms", …,
// "1 ms", …, "3.2 s", ….
func ElapsedLabels() []string {
	out := make([]string, elapsedBuckets)
	for b := range out {
		out[b] = shortDuration(elapsedEdge(b))
	}
	return out
}

func timeseriesOption(s Spec, th Theme) (map[string]any, error) {
	d := dimsOf(s, Size{W: 16, H: 8})
	cfg := s.Config
	qs := s.Queries
	if len(qs) > MaxQueriesPerWidget {
		qs = qs[:MaxQueriesPerWidget]
	}
	off := compareOffset(cfg)
	legend := cfg.Bool("legend") && (len(qs) > 1 || off != "")
	c := charts.NewLine()
	c.SetGlobalOptions(baseGlobals(d, th, "axis")...)
	c.SetGlobalOptions(
		gridOpts(d, legend),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", AxisLabel: axisLabel(d, th), AxisLine: axisLine(d, th, true),
			SplitLine: splitLine(d, th, false), AxisTick: &opts.AxisTick{Show: opts.Bool(false)}}),
		charts.WithYAxisOpts(valueYAxis(d, th)),
	)
	if legend {
		c.SetGlobalOptions(legendOpts(d, th))
	}
	style := cfg.String("style")
	t := cfg.Thresholds()
	ts := cfg.String("threshold_style")
	for i, q := range qs {
		color := th.Series[i%len(th.Series)]
		so := []charts.SeriesOpts{
			charts.WithSeriesId(seriesID(i, 0)),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Smooth: opts.Bool(false), ConnectNulls: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: d.Line, Color: color}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
		}
		switch style {
		case "stacked":
			so = append(so, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Stack: "total"}),
				charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.35)}))
		case "area":
			so = append(so, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.2)}))
		}
		if i == 0 && len(t.Steps) > 0 && ts != "off" {
			ml, ma := thresholdMarks(t, "y", d, th, ts == "lines" || ts == "both", ts == "bands" || ts == "both")
			so = append(so, charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.MarkLines, s.MarkAreas = ml, ma }))
		}
		c.AddSeries(queryName(q, i), nil, so...)
	}
	if off != "" {
		for i, q := range qs {
			color := th.Series[i%len(th.Series)]
			so := []charts.SeriesOpts{
				charts.WithSeriesId(seriesID(i, 0) + prevSuffix),
				charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), ConnectNulls: opts.Bool(false)}),
				charts.WithLineStyleOpts(opts.LineStyle{Width: d.Line, Color: color, Type: "dashed", Opacity: opts.Float(0.6)}),
				charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			}
			if style == "stacked" {
				so = append(so, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Stack: "previous"}))
			}
			c.AddSeries(queryName(q, i)+" ("+off+" ago)", nil, so...)
		}
	}
	return optionMap(c, d, th)
}

func barOption(s Spec, th Theme) (map[string]any, error) {
	d := dimsOf(s, Size{W: 12, H: 8})
	cfg := s.Config
	horizontal := cfg.String("orientation") == "horizontal"
	c := charts.NewBar()
	c.SetGlobalOptions(baseGlobals(d, th, "axis")...)
	c.SetGlobalOptions(gridOpts(d, false))
	axis := "y"
	if horizontal {
		c.XYReversal()
		cat := categoryYAxis(d, th)
		// The first bar on top, as in a ranked list.
		cat.Inverse = opts.Bool(true)
		c.SetGlobalOptions(charts.WithXAxisOpts(valueXAxis(d, th)), charts.WithYAxisOpts(cat))
		axis = "x"
	} else {
		c.SetGlobalOptions(charts.WithXAxisOpts(categoryXAxis(d, th)), charts.WithYAxisOpts(valueYAxis(d, th)))
	}
	t := cfg.Thresholds()
	name := "value"
	if len(s.Queries) > 0 {
		name = queryName(s.Queries[0], 0)
	}
	so := []charts.SeriesOpts{
		charts.WithSeriesId("bars"),
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "30%"}),
	}
	if len(t.Steps) > 0 {
		ml, _ := thresholdMarks(t, axis, d, th, true, false)
		so = append(so, charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.MarkLines = ml }))
		c.SetGlobalOptions(charts.WithVisualMapOpts(opts.VisualMap{Type: "piecewise", Show: opts.Bool(false)}))
	}
	c.AddSeries(name, nil, so...)
	m, err := optionMap(c, d, th)
	if err != nil {
		return nil, err
	}
	if len(t.Steps) > 0 {
		// go-echarts' VisualMap has no seriesIndex, takes the dimension as a
		// string and its pieces drop 0: the map says it. The value is
		// dimension 1 of a vertical bar's items, 0 of a horizontal one's.
		dim := 1.0
		if horizontal {
			dim = 0
		}
		vm := component(m, "visualMap", 0)
		vm["seriesIndex"], vm["dimension"], vm["pieces"] = 0.0, dim, statePieces(t, th)
	}
	return m, nil
}

func pieOption(s Spec, th Theme) (map[string]any, error) {
	d := dimsOf(s, Size{W: 8, H: 8})
	cfg := s.Config
	c := charts.NewPie()
	c.SetGlobalOptions(baseGlobals(d, th, "item")...)
	var radius any = "70%"
	if cfg.String("style") == "donut" {
		radius = []string{"42%", "70%"}
	}
	name := "value"
	if len(s.Queries) > 0 {
		name = queryName(s.Queries[0], 0)
	}
	c.AddSeries(name, nil,
		charts.WithSeriesId("pie"),
		charts.WithPieChartOpts(opts.PieChart{Radius: radius, Center: []string{"50%", "50%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(cfg.Bool("labels")), Color: th.Text, FontSize: float32(d.Small), Formatter: "{b}: {d}%"}),
		charts.WithLabelLineOpts(opts.LabelLine{Show: opts.Bool(cfg.Bool("labels")), LineStyle: &opts.LineStyle{Color: th.Muted, Width: d.Thin}}),
		charts.WithItemStyleOpts(opts.ItemStyle{BorderColor: th.Surface, BorderWidth: d.Thin}),
	)
	return optionMap(c, d, th)
}

func gaugeOption(s Spec, th Theme) (map[string]any, error) {
	d := dimsOf(s, Size{W: 8, H: 8})
	cfg := s.Config
	lo, hi := cfg.Float("min"), cfg.Float("max")
	if math.IsNaN(lo) || math.IsNaN(hi) || lo >= hi {
		lo, hi = 0, 100
	}
	t := cfg.Thresholds()
	width := float32(d.Pad)
	c := charts.NewGauge()
	c.SetGlobalOptions(baseGlobals(d, th, "item")...)
	name := "value"
	if len(s.Queries) > 0 {
		name = queryName(s.Queries[0], 0)
	}
	c.AddSeries(name, nil, charts.WithSeriesOpts(func(s *charts.SingleSeries) {
		s.Id = "gauge"
		s.Radius, s.Center = "90%", []string{"50%", "55%"}
		s.AxisLine = &opts.AxisLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Width: width}}
		s.Progress = &opts.Progress{Show: opts.Bool(len(t.Steps) == 0), Width: int(width), ItemStyle: &opts.ItemStyle{Color: th.Series[0]}}
		s.AxisTick = &opts.AxisTick{Show: opts.Bool(false)}
		s.SplitLine = &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: th.Surface, Width: d.Thin}}
		s.AxisLabel = &opts.AxisLabel{Show: opts.Bool(true), Color: th.Muted, FontSize: d.Small}
		s.Pointer = &opts.Pointer{Show: opts.Bool(true), Length: "60%", ItemStyle: &opts.ItemStyle{Color: th.Text}}
		s.Detail = &opts.Detail{Show: opts.Bool(true), Color: th.Text, FontSize: d.Big, FontWeight: "bold", OffsetCenter: []string{"0", "70%"}}
		s.Title = &opts.Title{Show: opts.Bool(false)}
	}))
	m, err := optionMap(c, d, th)
	if err != nil {
		return nil, err
	}
	// go-echarts' gauge min and max are ints (0 dropped), and its axis line
	// colour is one string where ECharts takes [fraction, colour] stops.
	g := seriesByID(m, "gauge")
	g["min"], g["max"] = lo, hi
	stops := []any{[]any{1.0, th.Grid}}
	if len(t.Steps) > 0 {
		stops = gaugeStops(t, lo, hi, th)
	}
	g["axisLine"].(map[string]any)["lineStyle"].(map[string]any)["color"] = stops
	return m, nil
}

func hitmapOption(s Spec, th Theme) (map[string]any, error) {
	d := dimsOf(s, Size{W: 16, H: 8})
	c := charts.NewHeatMap()
	c.SetGlobalOptions(baseGlobals(d, th, "item")...)
	y := categoryYAxis(d, th)
	y.Data = ElapsedLabels()
	y.SplitLine = splitLine(d, th, false)
	c.SetGlobalOptions(
		gridOpts(d, false),
		charts.WithXAxisOpts(categoryXAxis(d, th)),
		charts.WithYAxisOpts(y),
		charts.WithVisualMapOpts(
			opts.VisualMap{Type: "continuous", Show: opts.Bool(false), Min: 1, Max: 1, InRange: &opts.VisualMapInRange{Color: th.HitmapOk}},
			opts.VisualMap{Type: "continuous", Show: opts.Bool(false), Min: 0, Max: HitmapErrShareFull, InRange: &opts.VisualMapInRange{Color: th.HitmapErr}},
		),
	)
	c.AddSeries("ok", nil, charts.WithSeriesId("ok"))
	c.AddSeries("errors", nil, charts.WithSeriesId("err"))
	m, err := optionMap(c, d, th)
	if err != nil {
		return nil, err
	}
	// go-echarts' VisualMap cannot bind a series (seriesIndex) and takes
	// the dimension as a string; its series have no progressive, and a
	// heat map drawn in chunks flickers on every tick.
	for i := 0; i < 2; i++ {
		vm := component(m, "visualMap", i)
		vm["seriesIndex"], vm["dimension"], vm["calculable"] = float64(i), 2.0, false
	}
	// Errors are coloured by their share of the cell (errorCells'
	// dimension 3), fading out where they are few: the scale starts from
	// the first colour made transparent.
	errVM := component(m, "visualMap", 1)
	errVM["dimension"] = 3.0
	if r, ok := errVM["inRange"].(map[string]any); ok && len(th.HitmapErr) > 0 {
		colors := []any{transparent(th.HitmapErr[0])}
		for _, c := range th.HitmapErr {
			colors = append(colors, c)
		}
		r["color"] = colors
	}
	for _, id := range []string{"ok", "err"} {
		seriesByID(m, id)["progressive"] = 0.0
	}
	return m, nil
}

// transparent returns #rrggbb as a fully transparent rgba() colour.
func transparent(hex string) string {
	var r, g, b int
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return "rgba(0,0,0,0)"
	}
	return fmt.Sprintf("rgba(%d,%d,%d,0)", r, g, b)
}

func equalizerOption(s Spec, th Theme) (map[string]any, error) {
	d := dimsOf(s, Size{W: 12, H: 8})
	cfg := s.Config
	slow, very := shortDuration(cfg.Float("slow")*1000), shortDuration(cfg.Float("very_slow")*1000)
	c := charts.NewBar()
	c.SetGlobalOptions(baseGlobals(d, th, "axis")...)
	y := valueYAxis(d, th)
	y.MinInterval = 1 // counts
	c.SetGlobalOptions(gridOpts(d, true), legendOpts(d, th),
		charts.WithXAxisOpts(categoryXAxis(d, th)), charts.WithYAxisOpts(y))
	for _, b := range []struct {
		id, name string
		state    State
	}{
		{"normal", "normal < " + slow, StateOK},
		{"slow", "slow " + slow + "–" + very, StateWarning},
		{"very_slow", "very slow ≥ " + very, StateCritical},
	} {
		c.AddSeries(b.name, nil, charts.WithSeriesId(b.id),
			charts.WithBarChartOpts(opts.BarChart{Stack: "bands", BarCategoryGap: "30%"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: th.States[b.state]}))
	}
	m, err := optionMap(c, d, th)
	if err != nil {
		return nil, err
	}
	// On a wall every column must be named: no label skipped (interval 0)
	// or hidden for overlapping. The names arrive with the data, so how
	// they fit (rotation, truncation) is decided per frame by
	// FitCategoryLabels, here and in the front end (widgets/labels.ts).
	if l, ok := component(m, "xAxis", 0)["axisLabel"].(map[string]any); ok {
		l["interval"], l["hideOverlap"] = 0.0, false
	}
	return m, nil
}

// Category labels that must all be shown (the equalizer's service names)
// are fitted to their columns from an estimate of their width: a name is
// taken as labelCharEm of the font per character (system fonts average
// about 0.55 em; the margin keeps an estimate that fits from overlapping).
const (
	labelCharEm = 0.6
	// labelLineEm is the height a rotated label needs across its column.
	labelLineEm = 1.25
	// labelMaxHeightShare is the most of the plot's height rotated labels
	// may take; longer names are truncated with an ellipsis.
	labelMaxHeightShare = 0.35
	// MinCategoryLabelFont is the smallest font (design px) labels shrink
	// to when the columns are too narrow even for vertical text.
	MinCategoryLabelFont = 8
)

// CategoryLabelLayout returns the axisLabel options that show every one of
// names on a category axis plotW wide and plotH high at font size font:
// horizontal when the longest fits its column, else rotated 45° (or 90°
// when columns are narrower than a line at 45°), the font shrunk (down to
// MinCategoryLabelFont) only when a vertical line does not fit a column;
// names longer than the room are truncated by ECharts with an ellipsis
// (width + overflow "truncate"). static/src/widgets/labels.ts has the same
// function (categoryLabelLayout); widgets tests and unit tests check both
// on the same cases.
func CategoryLabelLayout(names []string, plotW, plotH, font float64) map[string]any {
	out := map[string]any{"interval": 0.0, "hideOverlap": false, "overflow": "truncate", "ellipsis": "…", "rotate": 0.0}
	n := len(names)
	if n == 0 || plotW <= 0 || font <= 0 {
		return out
	}
	longest := 0
	for _, s := range names {
		longest = max(longest, len([]rune(s)))
	}
	slot := plotW / float64(n)
	textW := float64(longest) * labelCharEm * font
	if textW <= slot*0.9 {
		out["width"] = math.Floor(slot * 0.9)
		return out
	}
	rot := 45.0
	if slot*math.Sin(math.Pi/4) < labelLineEm*font {
		rot = 90
		if slot < labelLineEm*font {
			font = math.Max(MinCategoryLabelFont, math.Floor(slot/labelLineEm))
			out["fontSize"] = font
			textW = float64(longest) * labelCharEm * font
		}
	}
	room := math.Max(plotH, 0) * labelMaxHeightShare / math.Sin(rot*math.Pi/180)
	out["rotate"] = rot
	out["width"] = math.Floor(math.Max(math.Min(textW, room), 3*font))
	return out
}

// FitCategoryLabels sets the label layout of the first X axis of a merged
// option (base and data) of a chart w×h design pixels: the plot is the chart
// less the grid's padding and room for the Y axis labels (three characters).
// Used for the equalizer on snapshot pages; the front end does the same.
func FitCategoryLabels(m map[string]any, w, h float64) {
	x := component(m, "xAxis", 0)
	if x == nil {
		return
	}
	data, _ := x["data"].([]any)
	names := make([]string, len(data))
	for i, v := range data {
		names[i] = fmt.Sprint(v)
	}
	label, _ := x["axisLabel"].(map[string]any)
	if label == nil {
		label = map[string]any{}
		x["axisLabel"] = label
	}
	font, _ := label["fontSize"].(float64)
	g := component(m, "grid", 0)
	num := func(k string) float64 {
		f, _ := strconv.ParseFloat(fmt.Sprint(g[k]), 64)
		return f
	}
	plotW := w - num("left") - num("right") - 3*labelCharEm*font
	plotH := h - num("top") - num("bottom")
	for k, v := range CategoryLabelLayout(names, plotW, plotH, font) {
		label[k] = v
	}
}
