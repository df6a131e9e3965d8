package widgets

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
)

// chartKinds are the kinds drawn by ECharts from options built in Go
// (charts.go). Each Shape returns a partial ECharts option: series with an
// id and axis data, never colours (docs/widgets.md).
func chartKinds() []*Kind {
	kinds := []*Kind{
		{
			Name: "timeseries", Label: "Time series", DefaultSize: Size{W: 16, H: 8}, MaxQueries: MaxQueriesPerWidget, Chart: true,
			Description: "Lines or areas over time, with the previous period dashed and thresholds as lines or bands.",
			Fields: append([]Field{
				{Name: "style", Label: "Style", Type: TypeEnum, Enum: []string{"line", "area", "stacked"}, Default: "line",
					Description: "line, area (filled), or stacked areas."},
				unitField(),
				decimalsField(1),
				{Name: "range", Label: "Range", Type: TypeEnum, Enum: []string{"15m", "1h", "6h", "24h", "7d"}, Default: "1h",
					Description: "The time shown, for queries that set no range of their own."},
				{Name: "compare", Label: "Compare with", Type: TypeEnum, Enum: []string{"off", "1h", "1d", "7d"}, Default: "off",
					Description: "Also draw each query this long ago, dashed, over the same time axis."},
				{Name: "legend", Label: "Legend", Type: TypeBoolean, Default: true,
					Description: "Name the series above the graph."},
				{Name: "threshold_style", Label: "Show thresholds as", Type: TypeEnum, Enum: []string{"lines", "bands", "both", "off"}, Default: "lines"},
			}, thresholdFields()...),
			Expand: expandTimeseries,
			Shape:  shapeTimeseries,
			Option: timeseriesOption,
		},
		{
			Name: "bar", Label: "Bar", DefaultSize: Size{W: 12, H: 8}, MaxQueries: 1, Chart: true,
			Description: "One bar per label value, sorted, the top N; bars coloured by state when thresholds are set.",
			Fields: append([]Field{
				{Name: "orientation", Label: "Orientation", Type: TypeEnum, Enum: []string{"vertical", "horizontal"}, Default: "vertical"},
				{Name: "group_by", Label: "Group by label", Type: TypeString, Default: "", MaxLength: 100,
					Description: "One bar per value of this label (the query sums each group); empty: one bar per series of the query."},
				{Name: "sort", Label: "Sort", Type: TypeEnum, Enum: []string{"desc", "asc", "none"}, Default: "desc"},
				{Name: "limit", Label: "Bars", Type: TypeInteger, Min: ptr(1), Max: ptr(MaxChartItems), Default: 10.0,
					Description: "Show at most this many bars, after sorting."},
				unitField(),
				decimalsField(1),
			}, thresholdFields()...),
			Check:  checkGroupBy,
			Expand: expandInstant,
			Shape:  shapeBar,
			Option: barOption,
		},
		{
			Name: "pie", Label: "Pie", DefaultSize: Size{W: 8, H: 8}, MaxQueries: 1, Chart: true,
			Description: "Each label value's share of the whole; the smallest summed as \"Other\". Thresholds apply to the total.",
			Fields: append([]Field{
				{Name: "style", Label: "Style", Type: TypeEnum, Enum: []string{"donut", "pie"}, Default: "donut"},
				{Name: "group_by", Label: "Group by label", Type: TypeString, Default: "", MaxLength: 100,
					Description: "One slice per value of this label (the query sums each group); empty: one slice per series of the query."},
				{Name: "limit", Label: "Slices", Type: TypeInteger, Min: ptr(1), Max: ptr(20), Default: 8.0,
					Description: "The largest slices shown; the rest are summed as \"Other\"."},
				{Name: "labels", Label: "Labels", Type: TypeBoolean, Default: true, Description: "Name each slice with its share."},
				unitField(),
				decimalsField(1),
			}, thresholdFields()...),
			Check:  checkGroupBy,
			Expand: expandInstant,
			Shape:  shapePie,
			Option: pieOption,
		},
		{
			Name: "gauge", Label: "Gauge", DefaultSize: Size{W: 8, H: 8}, MaxQueries: 1, Chart: true,
			Description: "A speed meter between a minimum and a maximum, its scale coloured by the thresholds.",
			Fields: append([]Field{
				{Name: "min", Label: "Minimum", Type: TypeNumber, Default: 0.0},
				{Name: "max", Label: "Maximum", Type: TypeNumber, Default: 100.0},
				unitField(),
				decimalsField(0),
			}, thresholdFields()...),
			Check: func(cfg map[string]any) error {
				lo, _ := cfg["min"].(float64)
				hi, _ := cfg["max"].(float64)
				if lo >= hi {
					return errs.Invalidf("max", "must be greater than min (%g)", lo)
				}
				return nil
			},
			Expand: expandInstant,
			Shape:  shapeGauge,
			Option: gaugeOption,
		},
		{
			Name: "hitmap", Label: "Hitmap", DefaultSize: Size{W: 16, H: 8}, MaxQueries: 1, Chart: true,
			Description: "Transaction response times: end time across, elapsed time up (log scale), colour by count; errors in yellow→red over the blue→indigo of the others. Thresholds apply to the share of errors, in percent.",
			Fields: append([]Field{
				{Name: "range", Label: "Range", Type: TypeEnum, Enum: []string{"5m", "15m", "30m", "1h"}, Default: "15m",
					Description: "The time shown, for a query that sets no range of its own."},
				{Name: "show_errors", Label: "Errors", Type: TypeBoolean, Default: true, Description: "Draw failed transactions over the others."},
			}, thresholdFields()...),
			Expand: expandHitmap,
			Shape:  shapeHitmap,
			Option: hitmapOption,
		},
		{
			Name: "equalizer", Label: "Equalizer", DefaultSize: Size{W: 12, H: 8}, MaxQueries: 1, Chart: true,
			Description: "Transactions per service over the last window in three stacked bands: normal, slow and very slow. " +
				"A transaction's band is that of its elapsed bucket's geometric mid-point, so band edges resolve to the hitmap's buckets " +
				"(3 s acts as 3.16 s, 8 s as 7.50 s). Without thresholds the widget is critical when any transaction is very slow " +
				"and warning when any is slow; with thresholds, they apply to each service's share (percent) of slow and very slow transactions, the worst service deciding.",
			Fields: append([]Field{
				{Name: "window", Label: "Window", Type: TypeEnum, Enum: []string{"30s", "1m", "5m", "15m"}, Default: "1m",
					Description: "Count the transactions that ended within this window."},
				{Name: "slow", Label: "Slow from (s)", Type: TypeNumber, Min: ptr(0.001), Max: ptr(3600), Default: 3.0},
				{Name: "very_slow", Label: "Very slow from (s)", Type: TypeNumber, Min: ptr(0.001), Max: ptr(3600), Default: 8.0},
				{Name: "group_by", Label: "Group by label", Type: TypeString, Default: "service", MaxLength: 100,
					Description: "One column per value of this label."},
				{Name: "limit", Label: "Columns", Type: TypeInteger, Min: ptr(1), Max: ptr(MaxChartItems), Default: 20.0,
					Description: "At most this many columns: the busiest, in label order."},
			}, thresholdFields()...),
			Check:  checkEqualizer,
			Expand: expandEqualizer,
			Shape:  shapeEqualizer,
			Option: equalizerOption,
		},
	}
	for _, k := range kinds {
		k.Option = withConfigDefaults(k, k.Option)
	}
	return kinds
}

// withConfigDefaults lets an option builder rely on every config key: a
// Spec's config may come without the kind's defaults.
func withConfigDefaults(k *Kind, build func(Spec, Theme) (map[string]any, error)) func(Spec, Theme) (map[string]any, error) {
	return func(s Spec, th Theme) (map[string]any, error) {
		s.Config = k.withDefaults(s.Config)
		return build(s, th)
	}
}

// MaxChartItems is the most bars (or equalizer columns) a chart draws.
const MaxChartItems = 100

func checkGroupBy(cfg map[string]any) error {
	if gb, _ := cfg["group_by"].(string); gb != "" && !ValidLabelName(gb) {
		return errs.Invalidf("group_by", "%q is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)", clipText(gb))
	}
	return nil
}

func checkEqualizer(cfg map[string]any) error {
	slow, _ := cfg["slow"].(float64)
	very, _ := cfg["very_slow"].(float64)
	if very <= slow {
		return errs.Invalidf("very_slow", "must be greater than slow (%g s)", slow)
	}
	gb, _ := cfg["group_by"].(string)
	if gb == "" {
		return errs.Invalidf("group_by", "is required: the label that makes a column, such as service")
	}
	return checkGroupBy(cfg)
}

// compareOffset returns the compare setting of a time series, "" when off.
func compareOffset(cfg Config) string {
	if c := cfg.String("compare"); c != "" && c != "off" {
		return c
	}
	return ""
}

// addOffset returns the offset a then b further into the past.
func addOffset(a, b string) string {
	if a == "" {
		return b
	}
	da, err1 := ParseDuration(a)
	db, err2 := ParseDuration(b)
	if err1 != nil || err2 != nil {
		return b // a is validated when the query compiles
	}
	sum := da + db
	if sum%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", sum/(24*time.Hour))
	}
	return sum.String()
}

// expandTimeseries gives each query a range (the config's when it sets
// none) and, with compare, appends a copy of each shifted into the past:
// results [0, n) are the queries, [n, 2n) their previous periods.
func expandTimeseries(cfg Config, qs []Query) []Query {
	if len(qs) > MaxQueriesPerWidget {
		qs = qs[:MaxQueriesPerWidget]
	}
	out := make([]Query, 0, 2*len(qs))
	for _, q := range qs {
		if q.Range == "" {
			q.Range = cfg.String("range")
		}
		q.Object = "" // the latest value per object has no time axis
		out = append(out, q)
	}
	if off := compareOffset(cfg); off != "" {
		for _, q := range out[:len(qs)] {
			q.Offset = addOffset(q.Offset, off)
			out = append(out, q)
		}
	}
	return out
}

// expandInstant makes the first query answer one value per series: no
// range, and grouped by the config's group_by when the query has no groups
// of its own.
func expandInstant(cfg Config, qs []Query) []Query {
	if len(qs) == 0 {
		return nil
	}
	q := qs[0]
	q.Range, q.Step = "", ""
	if gb := cfg.String("group_by"); gb != "" && len(q.GroupBy) == 0 && q.Object == "" && q.Source != "transactions" {
		q.GroupBy = []string{gb}
		if q.Agg == "" {
			q.Agg = "sum"
		}
	}
	return []Query{q}
}

// txQuery turns q into a transactions query, keeping what a transactions
// query takes (a hitmap or equalizer can show nothing else); no query at all
// means every transaction.
func txQuery(qs []Query) Query {
	if len(qs) == 0 {
		return Query{Source: "transactions"}
	}
	q := qs[0]
	return Query{Name: q.Name, Source: "transactions", Match: q.Match, GroupBy: q.GroupBy, Range: q.Range, Step: q.Step, Offset: q.Offset}
}

func expandHitmap(cfg Config, qs []Query) []Query {
	q := txQuery(qs)
	q.GroupBy = nil // groups answer histograms, not a hitmap
	if q.Range == "" {
		q.Range = cfg.String("range")
	}
	return []Query{q}
}

func expandEqualizer(cfg Config, qs []Query) []Query {
	q := txQuery(qs)
	q.GroupBy = []string{cfg.String("group_by")}
	q.Range, q.Step = cfg.String("window"), ""
	return []Query{q}
}

// seriesID names the j-th series of query i: "q0" for the first, "q0.2"
// for the third. The base option styles the first of each query.
func seriesID(i, j int) string {
	if j == 0 {
		return fmt.Sprintf("q%d", i)
	}
	return fmt.Sprintf("q%d.%d", i, j)
}

// prevSuffix marks a previous-period series.
const prevSuffix = ".prev"

// rangesOf returns a result as series over time: a matrix as it is, a
// vector as one point per series.
func rangesOf(r *Result) (start, step int64, rs []SeriesRange) {
	if r == nil {
		return 0, 0, nil
	}
	switch r.Kind {
	case KindMatrix:
		return r.Start, r.Step, r.Matrix
	case KindVector:
		for _, s := range r.Series {
			rs = append(rs, SeriesRange{Labels: s.Labels, Values: []Float{Float(s.Value)}})
		}
		if len(r.Series) > 0 {
			return r.Series[0].TS, 0, rs
		}
	}
	return 0, 0, nil
}

func lastValue(vs []Float) float64 {
	for i := len(vs) - 1; i >= 0; i-- {
		if !math.IsNaN(float64(vs[i])) {
			return float64(vs[i])
		}
	}
	return math.NaN()
}

// worst tracks the worst state of several named values.
type worst struct {
	state State
	names []string
	value float64
	any   bool // some value was not NaN
}

func (w *worst) add(name string, v float64, t Thresholds) {
	if math.IsNaN(v) {
		return
	}
	w.any = true
	s := t.StateOf(v)
	switch {
	case s.Severity() > w.state.Severity() || w.state == "":
		w.state, w.names, w.value = s, []string{name}, v
	case s == w.state:
		w.names = append(w.names, name)
	}
}

// output returns the state and, when it is not ok, a summary such as
// "critical: checkout at 97.5%, cart".
func (w *worst) output(data any, unit string, decimals int) Output {
	if !w.any {
		return Output{State: StateNoData, Data: data, Summary: "no data"}
	}
	if w.state == StateOK {
		return Output{State: StateOK, Data: data}
	}
	names := append([]string(nil), w.names...)
	more := ""
	if len(names) > 3 {
		more = fmt.Sprintf(" and %d more", len(names)-3)
		names = names[:3]
	}
	first := names[0]
	if first == "" {
		first = "value"
	}
	names[0] = first + " at " + FormatValue(w.value, unit, decimals)
	return Output{State: w.state, Data: data, Summary: fmt.Sprintf("%s: %s%s", w.state, strings.Join(names, ", "), more)}
}

func shapeTimeseries(cfg Config, in Input) Output {
	n := len(in.Results)
	off := compareOffset(cfg)
	cur := n
	var shift int64
	if off != "" {
		cur = n / 2
		d, _ := ParseDuration(off)
		shift = d.Milliseconds()
	}
	t := cfg.Thresholds()
	style := cfg.String("style")
	var w worst
	series := []any{}
	xmin, xmax := int64(math.MaxInt64), int64(math.MinInt64)
	for i := 0; i < n; i++ {
		prev := i >= cur
		qi := i
		if prev {
			qi = i - cur
		}
		start, step, rs := rangesOf(in.Results[i])
		if len(rs) == 0 {
			// Keep the query's base series (its name, thresholds) while it
			// has no data.
			id := seriesID(qi, 0)
			if prev {
				id += prevSuffix
			}
			series = append(series, map[string]any{"id": id, "type": "line", "data": []any{}})
		}
		for j, s := range rs {
			id := seriesID(qi, j)
			if prev {
				id += prevSuffix
			}
			// Values only, with the time of the first and the step (t0,
			// dt): [t, v] pairs repeated 13 digits of time per point and
			// made up half of a live frame. The front end and MergeOption
			// expand them into the pairs ECharts draws.
			pts := make([]Drawn, len(s.Values))
			for k, v := range s.Values {
				pts[k] = Drawn(v)
			}
			t0 := start
			if prev {
				t0 += shift
			}
			m := map[string]any{"id": id, "type": "line", "data": pts, "t0": t0, "dt": step}
			name := labelText(s.Labels)
			if len(rs) > 1 {
				if name == "" {
					name = id
				}
				if prev {
					name += " (" + off + " ago)"
				}
				m["name"] = name
			}
			// Series split by labels have no base series of their own:
			// their look (not their colour) travels with them.
			switch {
			case prev:
				m["lineStyle"] = map[string]any{"type": "dashed"}
				if style == "stacked" {
					m["stack"] = "previous"
				}
			case style == "stacked":
				m["stack"] = "total"
				m["areaStyle"] = map[string]any{}
			case style == "area":
				m["areaStyle"] = map[string]any{}
			}
			m["showSymbol"] = false
			// A point with no neighbour draws no line: show points as dots,
			// or sparse data (a scrape slower than the step) looks like none.
			if hasIsolated(s.Values) {
				m["showSymbol"], m["symbolSize"] = true, 4.0
			}
			series = append(series, m)
			if !prev {
				if name == "" {
					name = fmt.Sprintf("series %d", i+1)
				}
				w.add(name, lastValue(s.Values), t)
				if len(s.Values) > 0 {
					xmin = min(xmin, start)
					xmax = max(xmax, start+int64(len(s.Values)-1)*step)
				}
			}
		}
	}
	data := map[string]any{"series": series}
	if xmin <= xmax {
		data["xAxis"] = []any{map[string]any{"min": xmin, "max": xmax}}
	}
	return w.output(data, cfg.String("unit"), cfg.Int("decimals"))
}

// item is one named value of a bar or pie.
type item struct {
	name  string
	value float64
}

// itemsOf returns one named value per series (or object) of an instant
// result; a matrix gives each series' last value.
func itemsOf(r *Result, groupBy string) []item {
	if r == nil {
		return nil
	}
	name := func(labels map[string]string) string {
		if v := labels[groupBy]; groupBy != "" && v != "" {
			return v
		}
		if s := labelText(labels); s != "" {
			return s
		}
		return "value"
	}
	var out []item
	switch r.Kind {
	case KindVector:
		for _, s := range r.Series {
			out = append(out, item{name(s.Labels), s.Value})
		}
	case KindMatrix:
		for _, s := range r.Matrix {
			out = append(out, item{name(s.Labels), lastValue(s.Values)})
		}
	case KindObjects:
		for _, o := range r.Objects {
			out = append(out, item{o.ID, float64(o.Value)})
		}
	}
	return out
}

// sortItems sorts by value (desc or asc), values missing last; "none"
// keeps the order of the result.
func sortItems(items []item, order string) {
	if order != "desc" && order != "asc" {
		return
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].value, items[j].value
		if math.IsNaN(a) || math.IsNaN(b) {
			return !math.IsNaN(a) && math.IsNaN(b)
		}
		if order == "asc" {
			return a < b
		}
		return a > b
	})
}

func shapeBar(cfg Config, in Input) Output {
	items := itemsOf(first(in.Results, 0), cfg.String("group_by"))
	t := cfg.Thresholds()
	var w worst
	for _, it := range items {
		w.add(it.name, it.value, t)
	}
	sortItems(items, cfg.String("sort"))
	if n := cfg.Int("limit"); n > 0 && len(items) > n {
		items = items[:n]
	}
	names, values := make([]any, len(items)), make([]any, len(items))
	for i, it := range items {
		names[i], values[i] = it.name, Float(it.value)
	}
	axis := "xAxis"
	if cfg.String("orientation") == "horizontal" {
		axis = "yAxis"
	}
	data := map[string]any{
		"series": []any{map[string]any{"id": "bars", "data": values}},
		axis:     []any{map[string]any{"data": names}},
	}
	return w.output(data, cfg.String("unit"), cfg.Int("decimals"))
}

// otherName names the slice of a pie that sums the smallest ones.
const otherName = "Other"

func shapePie(cfg Config, in Input) Output {
	all := itemsOf(first(in.Results, 0), cfg.String("group_by"))
	items := all[:0:0]
	total, seen := 0.0, false
	for _, it := range all {
		if math.IsNaN(it.value) || it.value <= 0 {
			continue // a share of nothing, or of less than nothing
		}
		items = append(items, it)
		total += it.value
		seen = true
	}
	sortItems(items, "desc")
	if n := cfg.Int("limit"); n > 0 && len(items) > n {
		rest := 0.0
		for _, it := range items[n:] {
			rest += it.value
		}
		items = append(items[:n:n], item{otherName, rest})
	}
	slices := make([]any, len(items))
	for i, it := range items {
		slices[i] = map[string]any{"name": it.name, "value": it.value}
	}
	data := map[string]any{"series": []any{map[string]any{"id": "pie", "data": slices}}}
	var w worst
	if seen {
		w.add("total", total, cfg.Thresholds())
	} else if len(all) > 0 {
		w.add("total", 0, cfg.Thresholds()) // series that are all zero: a whole of 0
	}
	return w.output(data, cfg.String("unit"), cfg.Int("decimals"))
}

func shapeGauge(cfg Config, in Input) Output {
	v, labels, _ := latest(first(in.Results, 0))
	name := labelText(labels)
	data := map[string]any{"series": []any{map[string]any{"id": "gauge",
		"data": []any{map[string]any{"value": Float(v), "name": name}}}}}
	var w worst
	w.add(name, v, cfg.Thresholds())
	return w.output(data, cfg.String("unit"), cfg.Int("decimals"))
}

func triples(ts [][3]uint64) ([]any, uint64) {
	out := make([]any, len(ts))
	var top uint64
	for i, t := range ts {
		out[i] = []any{t[0], t[1], t[2]}
		top = max(top, t[2])
	}
	return out, top
}

// HitmapErrShareFull is the share of errors (%) in a hitmap cell drawn in
// the error scale's last colour (red): a cell with a stray error among many
// successes is drawn faint yellow, a cell of mostly errors red.
const HitmapErrShareFull = 50

// errorCells returns the hitmap's error cells as [column, bucket, errors,
// share %]: the colour follows the share of errors in the cell (dimension
// 3), so a normal rate of scattered errors does not paint the response
// band, and an error burst turns it red.
func errorCells(okCells, errCells [][3]uint64) []any {
	oks := make(map[[2]uint64]uint64, len(okCells))
	for _, c := range okCells {
		oks[[2]uint64{c[0], c[1]}] = c[2]
	}
	out := make([]any, len(errCells))
	for i, c := range errCells {
		n := c[2] + oks[[2]uint64{c[0], c[1]}]
		share := 0.0
		if n > 0 {
			share = math.Round(float64(c[2])/float64(n)*1000) / 10
		}
		out[i] = []any{c[0], c[1], c[2], share}
	}
	return out
}

func shapeHitmap(cfg Config, in Input) Output {
	r := first(in.Results, 0)
	times := []any{}
	ok, err := []any{}, []any{}
	var maxOk uint64
	var totalOk, totalErr uint64
	if r != nil && r.Kind == KindHitmap && r.Hitmap != nil {
		h := r.Hitmap
		for c := 0; c < h.Columns; c++ {
			times = append(times, r.Start+int64(c)*r.Step)
		}
		ok, maxOk = triples(h.Ok)
		if cfg.Bool("show_errors") {
			err = errorCells(h.Ok, h.Err)
		}
		totalOk, totalErr = h.TotalOk, h.TotalErr
	}
	data := map[string]any{
		"xAxis": []any{map[string]any{"data": times}},
		// The ok scale runs from 1 to the busiest cell of this tick; the
		// error scale is fixed (the share of errors in a cell).
		"visualMap": []any{map[string]any{"max": max(maxOk, 1)}},
		"series":    []any{map[string]any{"id": "ok", "data": ok}, map[string]any{"id": "err", "data": err}},
	}
	var w worst
	if n := totalOk + totalErr; n > 0 {
		w.add("errors", float64(totalErr)/float64(n)*100, cfg.Thresholds())
	}
	return w.output(data, "percent", 1)
}

// Elapsed buckets of transactions, as stream/tx.go bins them (widgets may
// not import stream): bucket 0 is under 0.1 ms, then 8 per decade.
const (
	elapsedBuckets   = 58
	elapsedPerDecade = 8
	elapsedMin       = 0.1 // ms
)

// elapsedEdge returns the lower edge (ms) of bucket b.
func elapsedEdge(b int) float64 {
	if b <= 0 {
		return 0
	}
	return elapsedMin * math.Pow(10, float64(b-1)/elapsedPerDecade)
}

// bucketMid returns the geometric mid-point (ms) of bucket b: the elapsed
// time that stands for the bucket. Bucket 0 stands for 0.
func bucketMid(edges []float64, b int) float64 {
	edge := func(i int) float64 {
		if i < len(edges) {
			return edges[i]
		}
		return elapsedEdge(i)
	}
	if b <= 0 {
		return 0
	}
	return math.Sqrt(edge(b) * edge(b+1))
}

// Equalizer bands.
const (
	bandNormal = iota
	bandSlow
	bandVerySlow
)

// bandOf returns the band of bucket b given the slow and very slow edges
// in seconds.
func bandOf(edges []float64, b int, slow, verySlow float64) int {
	mid := bucketMid(edges, b)
	switch {
	case mid >= verySlow*1000:
		return bandVerySlow
	case mid >= slow*1000:
		return bandSlow
	}
	return bandNormal
}

func shapeEqualizer(cfg Config, in Input) Output {
	r := first(in.Results, 0)
	slow, verySlow := cfg.Float("slow"), cfg.Float("very_slow")
	gb := cfg.String("group_by")
	type column struct {
		name  string
		bands [3]uint64
		total uint64
		order int
	}
	var cols []column
	if r != nil && r.Kind == KindHistograms {
		for i, h := range r.Histograms {
			c := column{name: h.Labels[gb], order: i}
			if c.name == "" {
				c.name = labelText(h.Labels)
			}
			for b := range max(len(h.Ok), len(h.Err)) {
				var n uint64
				if b < len(h.Ok) {
					n += h.Ok[b]
				}
				if b < len(h.Err) {
					n += h.Err[b]
				}
				if n > 0 {
					c.bands[bandOf(h.Edges, b, slow, verySlow)] += n
					c.total += n
				}
			}
			cols = append(cols, c)
		}
	}
	if n := cfg.Int("limit"); n > 0 && len(cols) > n {
		sort.SliceStable(cols, func(i, j int) bool { return cols[i].total > cols[j].total })
		cols = cols[:n]
		sort.Slice(cols, func(i, j int) bool { return cols[i].order < cols[j].order })
	}
	names := make([]any, len(cols))
	var bands [3][]any
	for i := range bands {
		bands[i] = make([]any, len(cols))
	}
	t := cfg.Thresholds()
	var w worst
	rule := Thresholds{Steps: []Threshold{{1, StateWarning}, {2, StateCritical}}}
	for i, c := range cols {
		names[i] = c.name
		for b := range bands {
			bands[b][i] = c.bands[b]
		}
		switch {
		case len(t.Steps) > 0:
			share := 0.0
			if c.total > 0 {
				share = float64(c.bands[bandSlow]+c.bands[bandVerySlow]) / float64(c.total) * 100
			}
			w.add(c.name, share, t)
		default:
			// Without thresholds: 2 when any transaction is very slow,
			// 1 when any is slow.
			v := 0.0
			if c.bands[bandVerySlow] > 0 {
				v = 2
			} else if c.bands[bandSlow] > 0 {
				v = 1
			}
			w.add(c.name, v, rule)
		}
	}
	data := map[string]any{
		"xAxis": []any{map[string]any{"data": names}},
		"series": []any{
			map[string]any{"id": "normal", "data": bands[bandNormal]},
			map[string]any{"id": "slow", "data": bands[bandSlow]},
			map[string]any{"id": "very_slow", "data": bands[bandVerySlow]},
		},
	}
	out := w.output(data, "percent", 1)
	if len(t.Steps) == 0 && out.State != StateOK && out.State != StateNoData {
		// The rule's "value" is a code, not a number to show.
		what := "slow"
		if out.State == StateCritical {
			what = "very slow"
		}
		out.Summary = fmt.Sprintf("%s transactions: %s", what, strings.Join(w.names, ", "))
	} else if len(t.Steps) > 0 && out.State != StateOK && out.State != StateNoData {
		out.Summary = strings.Replace(out.Summary, "%", "% slow or very slow", 1)
	}
	return out
}

// hasIsolated reports whether a value has no value on either side.
func hasIsolated(vs []Float) bool {
	ok := func(i int) bool { return i >= 0 && i < len(vs) && !math.IsNaN(float64(vs[i])) }
	for i := range vs {
		if ok(i) && !ok(i-1) && !ok(i+1) {
			return true
		}
	}
	return false
}
