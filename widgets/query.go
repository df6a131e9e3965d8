package widgets

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
)

// Limits of a widget's data binding.
const (
	MaxQueriesPerWidget = 8
	MaxQueryName        = 100 // characters
	MaxMatchers         = 16
	MaxGroupBy          = 8
	MaxTopK             = 1000
	MaxRange            = 7 * 24 * time.Hour // the longest history kept
	MaxPointsPerSeries  = 1000               // range/step: points in one time-series result
	MinStep             = time.Second
	DefaultWindow       = time.Minute
	DefaultHitmapRange  = 15 * time.Minute
)

// Query selects and shapes the data of a widget. docs/queries.md describes
// it; stream executes it.
type Query struct {
	// Name is what the widget calls this query's data: a series or a column
	// name ("p95 latency"); empty means a name made of the metric and labels.
	Name string `json:"name,omitempty"`
	// Source is "series" (the default: metric points) or "transactions"
	// (response-time hitmap bins).
	Source string `json:"source,omitempty"`
	// Metric names the series (source "series").
	Metric string `json:"metric,omitempty"`
	// Match filters series by label; for transactions "service" is a label.
	Match []Matcher `json:"match,omitempty"`
	// Fn applies to counters before reducing: "rate" (per second) or
	// "increase" (over Window).
	Fn string `json:"fn,omitempty"`
	// Reduce turns the points of Window into one value: last (default), avg,
	// min, max, sum, count, p50, p95, p99.
	Reduce string `json:"reduce,omitempty"`
	// Window is the span reduced (and the span of rate), a duration such as
	// "1m". In a time-series result it defaults to Step, or to at least 1m
	// for the last value and for rate and increase.
	Window string `json:"window,omitempty"`
	// Agg combines the series of each group: sum, avg, min, max, count.
	// Without Agg every series is its own result.
	Agg string `json:"agg,omitempty"`
	// GroupBy lists the labels that make a group when Agg is set (none: one
	// group of everything).
	GroupBy []string `json:"group_by,omitempty"`
	// TopK / BottomK keep the k highest / lowest results.
	TopK    int `json:"topk,omitempty"`
	BottomK int `json:"bottomk,omitempty"`
	// Range asks for a time series over the last Range, one point per Step.
	Range string `json:"range,omitempty"`
	Step  string `json:"step,omitempty"`
	// Offset shifts the query into the past ("1d": the same range
	// yesterday), for comparing with a previous period.
	Offset string `json:"offset,omitempty"`
	// Object names the label that identifies an object (say "host"): the
	// result is the latest value per object, for honeycombs.
	Object string `json:"object,omitempty"`
}

// Matcher is one label condition: = != =~ !~ (regular expressions match
// the whole value, as in Prometheus).
type Matcher struct {
	Label string `json:"label"`
	Op    string `json:"op"`
	Value string `json:"value"`
}

// Allowed values.
var (
	Reducers = []string{"last", "avg", "min", "max", "sum", "count", "p50", "p95", "p99"}
	Aggs     = []string{"sum", "avg", "min", "max", "count"}
	Fns      = []string{"rate", "increase"}
	MatchOps = []string{"=", "!=", "=~", "!~"}
)

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// ValidMetricName reports whether s follows the Prometheus rules for
// metric names.
func ValidMetricName(s string) bool { return metricNameRE.MatchString(s) }

// ValidLabelName reports whether s follows the Prometheus rules for label
// names.
func ValidLabelName(s string) bool { return labelNameRE.MatchString(s) }

// ParseDuration reads a duration such as "90s", "15m", "1h" or "1d" (24 h).
func ParseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration such as 30s, 15m, 1h or 1d", s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 || n > 3650 {
			return 0, bad
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, bad
	}
	return d, nil
}

// Compiled is a validated query with its durations and regular expressions
// parsed, ready to run.
type Compiled struct {
	Query
	Matchers []CompiledMatcher
	Window   time.Duration
	Range    time.Duration // 0: instant result
	Step     time.Duration
	Offset   time.Duration
}

// CompiledMatcher is a Matcher with its expression compiled.
type CompiledMatcher struct {
	Matcher
	RE *regexp.Regexp
}

// Matches reports whether the label value v (empty when the label is
// absent) satisfies m.
func (m *CompiledMatcher) Matches(v string) bool {
	switch m.Op {
	case "=":
		return v == m.Value
	case "!=":
		return v != m.Value
	case "=~":
		return m.RE.MatchString(v)
	case "!~":
		return !m.RE.MatchString(v)
	}
	return false
}

func durationField(field, s string, def, min, max time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, errs.Invalidf(field, "%v", err)
	}
	if d < min || d > max {
		return 0, errs.Invalidf(field, "is %s; allowed: %s to %s", s, min, max)
	}
	return d, nil
}

// Compile validates q and prepares it. Errors name the field relative to
// the query ("match[1].op").
func (q Query) Compile() (*Compiled, error) {
	c := &Compiled{Query: q}
	if utf8.RuneCountInString(q.Name) > MaxQueryName || strings.ContainsAny(q.Name, "\n\r") {
		return nil, errs.Invalidf("name", "must be one line of at most %d characters", MaxQueryName)
	}
	switch q.Source {
	case "", "series":
		if q.Metric == "" {
			return nil, errs.Invalidf("metric", "is required: the name of the series to show")
		}
		if !ValidMetricName(q.Metric) || len(q.Metric) > 256 {
			return nil, errs.Invalidf("metric", "%q is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, at most 256 characters)", clipText(q.Metric))
		}
	case "transactions":
		if q.Metric != "" || q.Fn != "" || q.Reduce != "" || q.Agg != "" || q.Object != "" || q.TopK != 0 || q.BottomK != 0 {
			return nil, errs.Invalidf("source", "a transactions query takes only match, group_by, range, step and offset")
		}
	default:
		return nil, errs.Invalidf("source", "%q is not a source; use series or transactions", clipText(q.Source))
	}
	if len(q.Match) > MaxMatchers {
		return nil, errs.Invalidf("match", "has %d matchers; at most %d", len(q.Match), MaxMatchers)
	}
	for i, m := range q.Match {
		f := fmt.Sprintf("match[%d]", i)
		if !ValidLabelName(m.Label) {
			return nil, errs.Invalidf(f+".label", "%q is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)", clipText(m.Label))
		}
		cm := CompiledMatcher{Matcher: m}
		switch m.Op {
		case "=", "!=":
		case "=~", "!~":
			re, err := regexp.Compile("^(?:" + m.Value + ")$")
			if err != nil {
				return nil, errs.Invalidf(f+".value", "is not a regular expression: %v", err)
			}
			cm.RE = re
		default:
			return nil, errs.Invalidf(f+".op", "%q is not an operator; use one of = != =~ !~", clipText(m.Op))
		}
		if len(m.Value) > 1024 {
			return nil, errs.Invalidf(f+".value", "is %d bytes; at most 1024", len(m.Value))
		}
		c.Matchers = append(c.Matchers, cm)
	}
	if q.Fn != "" && !contains(Fns, q.Fn) {
		return nil, errs.Invalidf("fn", "%q is not a function; use rate or increase", clipText(q.Fn))
	}
	if q.Reduce != "" && !contains(Reducers, q.Reduce) {
		return nil, errs.Invalidf("reduce", "%q is not a reducer; use one of: %s", clipText(q.Reduce), strings.Join(Reducers, ", "))
	}
	if q.Fn != "" && q.Reduce != "" {
		return nil, errs.Invalidf("reduce", "cannot be combined with fn %q, which already turns the window into one value", q.Fn)
	}
	if q.Agg != "" && !contains(Aggs, q.Agg) {
		return nil, errs.Invalidf("agg", "%q is not an aggregation; use one of: %s", clipText(q.Agg), strings.Join(Aggs, ", "))
	}
	if len(q.GroupBy) > 0 && q.Agg == "" && q.Source != "transactions" {
		return nil, errs.Invalidf("group_by", "needs agg (sum, avg, min, max or count) to say how each group's series combine")
	}
	if len(q.GroupBy) > MaxGroupBy {
		return nil, errs.Invalidf("group_by", "has %d labels; at most %d", len(q.GroupBy), MaxGroupBy)
	}
	for i, l := range q.GroupBy {
		if !ValidLabelName(l) {
			return nil, errs.Invalidf(fmt.Sprintf("group_by[%d]", i), "%q is not a label name", clipText(l))
		}
	}
	if q.TopK < 0 || q.TopK > MaxTopK {
		return nil, errs.Invalidf("topk", "is %d; allowed: 1 to %d", q.TopK, MaxTopK)
	}
	if q.BottomK < 0 || q.BottomK > MaxTopK {
		return nil, errs.Invalidf("bottomk", "is %d; allowed: 1 to %d", q.BottomK, MaxTopK)
	}
	if q.TopK > 0 && q.BottomK > 0 {
		return nil, errs.Invalidf("bottomk", "cannot be combined with topk")
	}
	if q.Object != "" {
		if !ValidLabelName(q.Object) {
			return nil, errs.Invalidf("object", "%q is not a label name", clipText(q.Object))
		}
		if q.Range != "" {
			return nil, errs.Invalidf("object", "gives the latest value per object and cannot be combined with range")
		}
		if len(q.GroupBy) > 0 {
			return nil, errs.Invalidf("group_by", "cannot be combined with object: objects are grouped by the object label")
		}
	}
	var err error
	defRange := time.Duration(0)
	if q.Source == "transactions" {
		defRange = DefaultHitmapRange
	}
	if c.Range, err = durationField("range", q.Range, defRange, MinStep, MaxRange); err != nil {
		return nil, err
	}
	defStep := time.Duration(0)
	if c.Range > 0 {
		defStep = c.Range / 120
		if defStep < MinStep {
			defStep = MinStep
		}
		defStep = defStep.Round(time.Second)
	}
	if c.Step, err = durationField("step", q.Step, defStep, MinStep, MaxRange); err != nil {
		return nil, err
	}
	if q.Step != "" && c.Range == 0 {
		return nil, errs.Invalidf("step", "needs range: a step divides a time range")
	}
	if c.Range > 0 && q.Source != "transactions" && c.Range/c.Step > MaxPointsPerSeries {
		return nil, errs.Invalidf("step", "gives %d points over range %s; at most %d: use a longer step", c.Range/c.Step, q.Range, MaxPointsPerSeries)
	}
	defWindow := DefaultWindow
	if c.Range > 0 {
		// A column reduces its own step; but the last value and a rate
		// look back at least DefaultWindow, as Prometheus does, so a series
		// scraped every 30 s still draws a line at a 7.5 s step instead of
		// one point in four (and a rate has two points to work with).
		defWindow = c.Step
		if q.Source != "transactions" && (q.Fn != "" || q.Reduce == "" || q.Reduce == "last") && defWindow < DefaultWindow {
			defWindow = DefaultWindow
		}
	}
	if c.Window, err = durationField("window", q.Window, defWindow, time.Second, MaxRange); err != nil {
		return nil, err
	}
	if c.Offset, err = durationField("offset", q.Offset, 0, 0, MaxRange); err != nil {
		return nil, err
	}
	return c, nil
}

func clipText(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
