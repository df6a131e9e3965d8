package widgets

import (
	"math"
	"time"
)

// Shaping: each kind's Shape turns query results into what its display
// component or ECharts option draws. docs/widgets.md documents every shape.

// MaxSparkPoints is how many points a sparkline keeps.
const MaxSparkPoints = 120

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
	Values []Float `json:"values"`
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
	s.Values = append([]Float(nil), vs...)
	return s
}

// withRange returns q as a time series over rng (a sparkline or a graph).
func withRange(q Query, rng string) Query {
	q.Range, q.Step = rng, ""
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

// durationOK reports whether s parses as a duration of the query language.
func durationOK(s string) bool {
	_, err := ParseDuration(s)
	return err == nil
}

var _ = time.Second
