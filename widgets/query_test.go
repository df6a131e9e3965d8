package widgets_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/widgets"
)

func TestQueryCompile(t *testing.T) {
	m := func(label, op, value string) []widgets.Matcher {
		return []widgets.Matcher{{Label: label, Op: op, Value: value}}
	}
	bad := []struct {
		name  string
		q     widgets.Query
		field string
		msg   string
	}{
		{"NoMetric", widgets.Query{}, "metric", "is required"},
		{"BadMetric", widgets.Query{Metric: "cpu-usage"}, "metric", `"cpu-usage" is not a metric name`},
		{"BadSource", widgets.Query{Source: "logs", Metric: "x"}, "source", `"logs" is not a source`},
		{"TxWithMetric", widgets.Query{Source: "transactions", Metric: "x"}, "source", "takes only match, group_by, range, step and offset"},
		{"BadLabel", widgets.Query{Metric: "x", Match: m("1a", "=", "v")}, "match[0].label", "is not a label name"},
		{"BadOp", widgets.Query{Metric: "x", Match: m("a", "==", "v")}, "match[0].op", `"==" is not an operator`},
		{"BadRegex", widgets.Query{Metric: "x", Match: m("a", "=~", "(")}, "match[0].value", "is not a regular expression"},
		{"BadFn", widgets.Query{Metric: "x", Fn: "deriv"}, "fn", `"deriv" is not a function`},
		{"BadReduce", widgets.Query{Metric: "x", Reduce: "median"}, "reduce", `"median" is not a reducer`},
		{"FnAndReduce", widgets.Query{Metric: "x", Fn: "rate", Reduce: "avg"}, "reduce", "cannot be combined with fn"},
		{"BadAgg", widgets.Query{Metric: "x", Agg: "mean"}, "agg", `"mean" is not an aggregation`},
		{"GroupWithoutAgg", widgets.Query{Metric: "x", GroupBy: []string{"host"}}, "group_by", "needs agg"},
		{"TopAndBottom", widgets.Query{Metric: "x", TopK: 1, BottomK: 1}, "bottomk", "cannot be combined with topk"},
		{"TopKTooBig", widgets.Query{Metric: "x", TopK: 5000}, "topk", "allowed: 1 to 1000"},
		{"BadRange", widgets.Query{Metric: "x", Range: "soon"}, "range", `"soon" is not a duration`},
		{"RangeTooLong", widgets.Query{Metric: "x", Range: "30d"}, "range", "allowed: 1s to 168h0m0s"},
		{"StepWithoutRange", widgets.Query{Metric: "x", Step: "10s"}, "step", "needs range"},
		{"TooManyPoints", widgets.Query{Metric: "x", Range: "1d", Step: "1s"}, "step", "gives 86400 points"},
		{"ObjectWithRange", widgets.Query{Metric: "x", Object: "host", Range: "1h"}, "object", "cannot be combined with range"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.q.Compile()
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("err = %#v, want invalid %s %q", err, c.field, c.msg)
			}
		})
	}
	good := []struct {
		name                 string
		q                    widgets.Query
		window, rng, step, o time.Duration
	}{
		{"Defaults", widgets.Query{Metric: "x"}, time.Minute, 0, 0, 0},
		{"RangeLastLooksBackAMinute", widgets.Query{Metric: "x", Range: "1h"}, time.Minute, time.Hour, 30 * time.Second, 0},
		{"RangeAvgWindowIsStep", widgets.Query{Metric: "x", Range: "1h", Reduce: "avg"}, 30 * time.Second, time.Hour, 30 * time.Second, 0},
		{"RangeRateLooksBackAMinute", widgets.Query{Metric: "x", Range: "15m", Fn: "rate"}, time.Minute, 15 * time.Minute, 8 * time.Second, 0},
		{"RangeLongStepIsItsWindow", widgets.Query{Metric: "x", Range: "1d"}, 12 * time.Minute, 24 * time.Hour, 12 * time.Minute, 0},
		{"Days", widgets.Query{Metric: "x", Range: "1d", Step: "15m", Offset: "1d"}, 15 * time.Minute, 24 * time.Hour, 15 * time.Minute, 24 * time.Hour},
		{"Hitmap", widgets.Query{Source: "transactions"}, 8 * time.Second, 15 * time.Minute, 8 * time.Second, 0},
	}
	for _, c := range good {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.q.Compile()
			if err != nil {
				t.Fatal(err)
			}
			if got.Window != c.window || got.Range != c.rng || got.Step != c.step || got.Offset != c.o {
				t.Fatalf("window %s range %s step %s offset %s", got.Window, got.Range, got.Step, got.Offset)
			}
		})
	}
}

func TestMatcher(t *testing.T) {
	q, err := widgets.Query{Metric: "x", Match: []widgets.Matcher{{Label: "a", Op: "=~", Value: "web-.*"}, {Label: "b", Op: "!~", Value: "x|y"}}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m    int
		v    string
		want bool
	}{{0, "web-1", true}, {0, "xweb-1", false}, {0, "", false}, {1, "x", false}, {1, "xy", true}, {1, "", true}} {
		if got := q.Matchers[c.m].Matches(c.v); got != c.want {
			t.Errorf("matcher %d on %q = %v", c.m, c.v, got)
		}
	}
}
