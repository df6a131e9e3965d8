package widgets

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Shaping: each kind's Shape turns query results into what its display
// component or ECharts option draws. docs/widgets.md documents every shape.

// MaxSparkPoints is how many points a sparkline keeps; SparkPoints is how
// many its query asks for (a sparkline is a few dozen pixels wide).
const (
	MaxSparkPoints = 120
	SparkPoints    = 60
)

// first returns results[i] when it exists.
func first(rs []*Result, i int) *Result {
	if i < len(rs) {
		return rs[i]
	}
	return nil
}

// latest returns the first value of a vector result (NaN when none) and its
// labels.
func latest(r *Result) (float64, map[string]string, int64) {
	if r == nil {
		return math.NaN(), nil, 0
	}
	switch r.Kind {
	case KindVector:
		if len(r.Series) > 0 {
			return r.Series[0].Value, r.Series[0].Labels, r.Series[0].TS
		}
	case KindMatrix:
		if len(r.Matrix) > 0 {
			vs := r.Matrix[0].Values
			for i := len(vs) - 1; i >= 0; i-- {
				if !math.IsNaN(float64(vs[i])) {
					return float64(vs[i]), r.Matrix[0].Labels, r.Start + int64(i)*r.Step
				}
			}
		}
	case KindObjects:
		for _, o := range r.Objects {
			if !math.IsNaN(float64(o.Value)) {
				return float64(o.Value), map[string]string{"object": o.ID}, o.TS
			}
		}
	}
	return math.NaN(), nil, 0
}

// Spark is a small series: Values[i] is at Start + i*Step.
type Spark struct {
	Start  int64   `json:"start"`
	Step   int64   `json:"step"`
	Values []Drawn `json:"values"`
}

func sparkOf(r *Result) *Spark {
	if r == nil || r.Kind != KindMatrix || len(r.Matrix) == 0 {
		return nil
	}
	vs := r.Matrix[0].Values
	s := &Spark{Start: r.Start, Step: r.Step}
	if len(vs) > MaxSparkPoints {
		s.Start += int64(len(vs)-MaxSparkPoints) * r.Step
		vs = vs[len(vs)-MaxSparkPoints:]
	}
	s.Values = make([]Drawn, len(vs))
	for i, v := range vs {
		s.Values[i] = Drawn(v)
	}
	return s
}

// withRange returns q as a time series over rng (a sparkline or a graph).
func withRange(q Query, rng string) Query {
	q.Range, q.Step = rng, ""
	if d, err := ParseDuration(rng); err == nil && d/SparkPoints >= MinStep {
		q.Step = strconv.Itoa(int((d / SparkPoints).Seconds())) + "s"
	}
	if q.Fn == "" && q.Window == "" && q.Reduce == "" {
		q.Reduce = "last"
	}
	q.TopK, q.BottomK = 0, 0
	return q
}

// StatData is the data of a stat or status widget.
type StatData struct {
	Value    Float             `json:"value"`              // null: no data
	Labels   map[string]string `json:"labels,omitempty"`   // of the series shown
	TS       int64             `json:"ts,omitempty"`       // time of its newest point
	Spark    *Spark            `json:"spark,omitempty"`    // when the sparkline (or graph) is on
	Previous *Float            `json:"previous,omitempty"` // the same query a period ago, when compare is set
	DeltaPct *Float            `json:"delta_pct,omitempty"`
}

// expandStat adds a stat's sparkline and previous-period queries, in that
// order, after the bound query.
func expandStat(sparkKey, compareKey string) func(cfg Config, qs []Query) []Query {
	return func(cfg Config, qs []Query) []Query {
		if len(qs) == 0 {
			return nil
		}
		out := []Query{qs[0]}
		if qs[0].Object == "" && qs[0].Source != "transactions" {
			if rng := cfg.String(sparkKey); rng != "" && rng != "off" {
				out = append(out, withRange(qs[0], rng))
			}
			if off := cfg.String(compareKey); off != "" && off != "off" {
				q := qs[0]
				q.Offset = off
				out = append(out, q)
			}
		}
		return out
	}
}

func shapeStat(sparkKey, compareKey string) func(cfg Config, in Input) Output {
	return func(cfg Config, in Input) Output {
		v, labels, ts := latest(first(in.Results, 0))
		d := StatData{Value: Float(v), Labels: labels, TS: ts}
		i := 1
		if rng := cfg.String(sparkKey); rng != "" && rng != "off" {
			d.Spark = sparkOf(first(in.Results, i))
			i++
		}
		if off := cfg.String(compareKey); off != "" && off != "off" {
			pv, _, _ := latest(first(in.Results, i))
			p := Float(pv)
			d.Previous = &p
			if !math.IsNaN(pv) && !math.IsNaN(v) && pv != 0 {
				delta := Float((v - pv) / math.Abs(pv) * 100)
				d.DeltaPct = &delta
			}
		}
		return Output{State: cfg.Thresholds().StateOf(v), Data: d}
	}
}

// Limits of shaped data.
const (
	MaxTableRows = 500
	MaxTopN      = 100
)

// seriesName names a series by one label, or by all its labels.
func seriesName(labels map[string]string, label string) string {
	if label != "" {
		if v, ok := labels[label]; ok {
			return v
		}
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = labels[k]
	}
	if len(parts) == 0 {
		return "total"
	}
	return strings.Join(parts, " / ")
}

// columnName is what a query's data is called: its name, else its metric.
func columnName(q Query) string {
	if q.Name != "" {
		return q.Name
	}
	if q.Metric != "" {
		return q.Metric
	}
	return "transactions"
}

// worstSummary says which items are worst, for an event: "2 critical:
// web-01, web-07".
func worstSummary(names []string, states []State) (State, string) {
	worst := StateOK
	for _, s := range states {
		worst = Worse(worst, s)
	}
	if worst == StateOK {
		return worst, ""
	}
	var which []string
	for i, s := range states {
		if s == worst {
			which = append(which, names[i])
		}
	}
	n := len(which)
	if len(which) > 5 {
		which = append(which[:5], "…")
	}
	return worst, strconv.Itoa(n) + " " + string(worst) + ": " + strings.Join(which, ", ")
}

// TableColumn heads a table column (one query).
type TableColumn struct {
	Name     string `json:"name"`
	Unit     string `json:"unit"`
	Decimals int    `json:"decimals"`
}

// TableCell is one value and its state.
type TableCell struct {
	Value Float `json:"value"`
	State State `json:"state"`
}

// TableRow is one label group.
type TableRow struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Cells  []*TableCell      `json:"cells"` // nil: the group has no value in that column
}

// TableData is the data of a table widget.
type TableData struct {
	Columns []TableColumn `json:"columns"`
	Rows    []TableRow    `json:"rows"`
	Total   int           `json:"total"` // rows before max_rows cut
}

func shapeTable(cfg Config, in Input) Output {
	th := cfg.Thresholds()
	d := TableData{Columns: []TableColumn{}, Rows: []TableRow{}}
	byKey := map[string]int{}
	for qi, r := range in.Results {
		name := "query " + strconv.Itoa(qi+1)
		if qi < len(in.Queries) {
			name = columnName(in.Queries[qi])
		}
		d.Columns = append(d.Columns, TableColumn{Name: name, Unit: cfg.String("unit"), Decimals: cfg.Int("decimals")})
		if r == nil {
			continue
		}
		for _, sv := range r.Series {
			key := seriesName(sv.Labels, "") + "\x00" + labelsString(sv.Labels)
			i, ok := byKey[key]
			if !ok {
				i = len(d.Rows)
				byKey[key] = i
				d.Rows = append(d.Rows, TableRow{Name: seriesName(sv.Labels, cfg.String("row_label")), Labels: sv.Labels, Cells: make([]*TableCell, len(in.Results))})
			}
			d.Rows[i].Cells[qi] = &TableCell{Value: Float(sv.Value), State: th.StateOf(sv.Value)}
		}
	}
	col := min(cfg.Int("sort_by"), len(in.Results)-1)
	order := cfg.String("sort")
	val := func(r TableRow) float64 {
		if col < 0 || r.Cells[col] == nil || math.IsNaN(float64(r.Cells[col].Value)) {
			return math.Inf(-1)
		}
		return float64(r.Cells[col].Value)
	}
	sort.SliceStable(d.Rows, func(i, j int) bool {
		switch order {
		case "name":
			return d.Rows[i].Name < d.Rows[j].Name
		case "asc":
			a, b := val(d.Rows[i]), val(d.Rows[j])
			if math.IsInf(a, -1) != math.IsInf(b, -1) {
				return !math.IsInf(a, -1) // rows without a value last
			}
			return a < b
		}
		return val(d.Rows[i]) > val(d.Rows[j])
	})
	d.Total = len(d.Rows)
	if n := cfg.Int("max_rows"); n > 0 && len(d.Rows) > n {
		d.Rows = d.Rows[:n]
	}
	if len(d.Rows) == 0 {
		return Output{State: StateNoData, Data: d}
	}
	var names []string
	var states []State
	for _, r := range d.Rows {
		for _, c := range r.Cells {
			if c != nil {
				names = append(names, r.Name)
				states = append(states, c.State)
			}
		}
	}
	st, sum := worstSummary(names, states)
	return Output{State: st, Data: d, Summary: sum}
}

func labelsString(ls map[string]string) string {
	keys := make([]string, 0, len(ls))
	for k := range ls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(ls[k])
		b.WriteByte(',')
	}
	return b.String()
}

// TopNItem is one entry of a top-N list.
type TopNItem struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
	State  State             `json:"state"`
}

// TopNData is the data of a topn widget; Max scales the inline bars.
type TopNData struct {
	Items []TopNItem `json:"items"`
	Max   float64    `json:"max"`
}

func shapeTopN(cfg Config, in Input) Output {
	th := cfg.Thresholds()
	d := TopNData{Items: []TopNItem{}}
	if r := first(in.Results, 0); r != nil {
		for _, sv := range r.Series {
			if math.IsNaN(sv.Value) {
				continue
			}
			d.Items = append(d.Items, TopNItem{Name: seriesName(sv.Labels, cfg.String("name_label")), Labels: sv.Labels, Value: sv.Value, State: th.StateOf(sv.Value)})
		}
	}
	asc := cfg.String("order") == "asc"
	sort.SliceStable(d.Items, func(i, j int) bool {
		if asc {
			return d.Items[i].Value < d.Items[j].Value
		}
		return d.Items[i].Value > d.Items[j].Value
	})
	if n := cfg.Int("limit"); n > 0 && len(d.Items) > n {
		d.Items = d.Items[:n]
	}
	if len(d.Items) == 0 {
		return Output{State: StateNoData, Data: d}
	}
	names := make([]string, len(d.Items))
	states := make([]State, len(d.Items))
	for i, it := range d.Items {
		d.Max = math.Max(d.Max, math.Abs(it.Value))
		names[i], states[i] = it.Name, it.State
	}
	st, sum := worstSummary(names, states)
	return Output{State: st, Data: d, Summary: sum}
}

// Honeycomb states are sent as small integers, in this order.
var honeycombStates = []State{StateOK, StateWarning, StateCritical, StateNoData}

// HoneycombData is the data of a honeycomb: parallel arrays, compact for
// 10,000 objects. States[i] indexes ok, warning, critical, nodata.
type HoneycombData struct {
	IDs    []string      `json:"ids"`
	Values []Float       `json:"values"`
	States []int8        `json:"states"` // int8, not uint8: Go writes []uint8 as base64
	Counts map[State]int `json:"counts"`
}

func expandHoneycomb(cfg Config, qs []Query) []Query {
	if len(qs) == 0 {
		return nil
	}
	q := qs[0]
	if q.Object == "" && q.Source != "transactions" {
		q.Object = cfg.String("object_label")
		q.Range, q.Step, q.GroupBy, q.Agg = "", "", nil, ""
	}
	return []Query{q}
}

func shapeHoneycomb(cfg Config, in Input) Output {
	th := cfg.Thresholds()
	r := first(in.Results, 0)
	d := HoneycombData{IDs: []string{}, Values: []Float{}, States: []int8{}, Counts: map[State]int{}}
	for _, s := range honeycombStates {
		d.Counts[s] = 0
	}
	if r == nil || len(r.Objects) == 0 {
		return Output{State: StateNoData, Data: d}
	}
	type obj struct {
		id string
		v  Float
		s  int8
	}
	objs := make([]obj, len(r.Objects))
	for i, o := range r.Objects {
		s := th.StateOf(float64(o.Value))
		var si int8
		for k, hs := range honeycombStates {
			if hs == s {
				si = int8(k)
			}
		}
		objs[i] = obj{o.ID, o.Value, si}
		d.Counts[s]++
	}
	if cfg.String("sort") == "state" {
		rank := []int{3, 1, 0, 2} // critical, warning, nodata, ok
		sort.SliceStable(objs, func(i, j int) bool { return rank[objs[i].s] < rank[objs[j].s] })
	}
	d.IDs = make([]string, len(objs))
	d.Values = make([]Float, len(objs))
	d.States = make([]int8, len(objs))
	worst := StateOK
	for i, o := range objs {
		d.IDs[i], d.Values[i], d.States[i] = o.id, o.v, o.s
		worst = Worse(worst, honeycombStates[o.s])
	}
	summary := ""
	if worst != StateOK {
		var which []string
		for _, o := range objs {
			if honeycombStates[o.s] == worst && len(which) < 5 {
				which = append(which, o.id)
			}
		}
		summary = strconv.Itoa(d.Counts[worst]) + " " + string(worst) + ": " + strings.Join(which, ", ")
		if d.Counts[worst] > len(which) {
			summary += ", …"
		}
	}
	// A fleet where only some objects are silent is still watched: nodata
	// alone (no warning or critical) counts as the widget's nodata only when
	// every object is silent.
	if worst == StateNoData && d.Counts[StateNoData] < len(objs) {
		worst = StateOK
	}
	return Output{State: worst, Data: d, Summary: summary}
}

// EventsData is the data of an events widget.
type EventsData struct {
	Events []Event `json:"events"`
}

func shapeEvents(cfg Config, in Input) Output {
	minSev := State(cfg.String("min_severity")).Severity()
	if cfg.String("min_severity") == string(StateOK) {
		minSev = 0
	}
	d := EventsData{Events: []Event{}}
	n := cfg.Int("max_rows")
	for _, e := range in.Events {
		if e.Severity.Severity() < minSev || n > 0 && len(d.Events) >= n {
			continue
		}
		d.Events = append(d.Events, e)
	}
	return Output{State: StateOK, Data: d}
}
