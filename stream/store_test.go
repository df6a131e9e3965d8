package stream_test

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/widgets"
)

// storeClock is a settable clock for store tests.
type storeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *storeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *storeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var storeT0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newTestStore(t *testing.T, mut func(*stream.Limits)) (*stream.Store, *storeClock) {
	t.Helper()
	l := stream.DefaultLimits()
	if mut != nil {
		mut(&l)
	}
	c := &storeClock{t: storeT0}
	return stream.NewStore(l, c.now), c
}

// storePut appends one sample with labels given as "k=v" pairs.
func storePut(st *stream.Store, metric string, v float64, ts int64, labels ...string) error {
	s := &stream.Sample{Metric: []byte(metric), Value: v, TS: ts}
	for _, kv := range labels {
		k, val, _ := strings.Cut(kv, "=")
		s.Labels = append(s.Labels, stream.LabelPair{Name: []byte(k), Value: []byte(val)})
	}
	return st.Appender().AppendSample(s)
}

func mustPut(t *testing.T, st *stream.Store, metric string, v float64, ts int64, labels ...string) {
	t.Helper()
	if err := storePut(st, metric, v, ts, labels...); err != nil {
		t.Fatalf("append %s=%v: %v", metric, v, err)
	}
}

func compile(t *testing.T, q widgets.Query) *widgets.Compiled {
	t.Helper()
	c, err := q.Compile()
	if err != nil {
		t.Fatalf("compile %+v: %v", q, err)
	}
	return c
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func TestStoreRejects(t *testing.T) {
	st, _ := newTestStore(t, func(l *stream.Limits) { l.MaxLabels = 2; l.MaxLabelName = 8; l.MaxLabelValue = 8 })
	now := ms(storeT0)
	mustPut(t, st, "ok", 1, now, "a=1")
	cases := []struct {
		name   string
		metric string
		v      float64
		ts     int64
		labels []string
		msg    string
	}{
		{"BadMetricName", "1abc", 1, now, nil, `metric name "1abc" is invalid`},
		{"BadLabelName", "m", 1, now, []string{"a-b=1"}, `label name "a-b" is invalid`},
		{"TooManyLabels", "m", 1, now, []string{"a=1", "b=2", "c=3"}, "has 3 labels; the limit max-labels is 2"},
		{"LongLabelName", "m", 1, now, []string{"abcdefghi=1"}, "the limit max-label-name is 8"},
		{"LongLabelValue", "m", 1, now, []string{"a=123456789"}, "the limit max-label-value is 8"},
		{"DuplicateLabel", "m", 1, now, []string{"a=1", "a=2"}, "label a appears twice"},
		{"NaN", "m", math.NaN(), now, nil, "value NaN is not stored"},
		{"Inf", "m", math.Inf(1), now, nil, "value +Inf is not stored"},
		{"TooOld", "m", 1, now - time.Hour.Milliseconds() - 1, nil, "is older than the memory window (1h0m0s)"},
		{"Future", "m", 1, now + 5*time.Minute.Milliseconds() + 1, nil, "is more than 5m0s in the future"},
		{"OutOfOrder", "ok", 1, now - 1000, []string{"a=1"}, "is out of order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := storePut(st, c.metric, c.v, c.ts, c.labels...)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want %q", err, c.msg)
			}
		})
	}
	if st.SeriesCount() != 1 || st.PointCount() != 1 {
		t.Fatalf("rejected input was stored: %d series, %d points", st.SeriesCount(), st.PointCount())
	}
}

func TestStoreSeriesLimit(t *testing.T) {
	st, _ := newTestStore(t, func(l *stream.Limits) { l.MaxSeries = 3 })
	for i := 0; i < 3; i++ {
		mustPut(t, st, "m", 1, 0, fmt.Sprintf("i=%d", i))
	}
	err := storePut(st, "m", 1, 0, "i=new")
	le, ok := err.(*stream.LimitError)
	if !ok || le.Limit != "max-series" || le.RetryAfter <= 0 || !strings.Contains(le.Error(), "limit of 3 series") {
		t.Fatalf("err = %#v", err)
	}
	mustPut(t, st, "m", 2, 0, "i=1") // existing series still take points
	if st.SeriesCount() != 3 {
		t.Fatalf("series = %d", st.SeriesCount())
	}
}

func TestStorePointLimit(t *testing.T) {
	st, _ := newTestStore(t, func(l *stream.Limits) { l.MaxPoints = 1024 })
	base := ms(storeT0) - 2000
	for i := 0; i < 1024; i++ {
		mustPut(t, st, "m", float64(i), base+int64(i))
	}
	err := storePut(st, "m", 1, base+2000)
	if le, ok := err.(*stream.LimitError); !ok || le.Limit != "max-points" {
		t.Fatalf("err = %v", err)
	}
	if st.PointCount() != 1024 {
		t.Fatalf("points = %d", st.PointCount())
	}
}

func TestStoreSameTimestampOverwrites(t *testing.T) {
	st, _ := newTestStore(t, nil)
	now := ms(storeT0)
	mustPut(t, st, "m", 1, now-2000)
	mustPut(t, st, "m", 2, now-1000)
	mustPut(t, st, "m", 3, now)
	mustPut(t, st, "m", 20, now-1000) // a retried batch: same time, overwritten
	mustPut(t, st, "m", 30, now)
	res := st.Query(compile(t, widgets.Query{Metric: "m", Reduce: "sum", Window: "10s"}), now)
	if len(res.Series) != 1 || res.Series[0].Value != 51 || st.PointCount() != 3 {
		t.Fatalf("sum = %+v, points %d", res.Series, st.PointCount())
	}
}

func TestStoreEvictionAndExpiry(t *testing.T) {
	st, clock := newTestStore(t, nil)
	mustPut(t, st, "m", 1, 0, "a=1")
	mustPut(t, st, "m", 1, 0, "a=2")
	clock.add(30 * time.Minute)
	mustPut(t, st, "m", 2, 0, "a=2")
	clock.add(31 * time.Minute) // the first points are now older than the window
	st.Sweep()
	if st.SeriesCount() != 1 || st.PointCount() != 1 {
		t.Fatalf("after sweep: %d series, %d points; want 1, 1", st.SeriesCount(), st.PointCount())
	}
	if ms := st.Metrics(); len(ms) != 1 || ms[0].Series != 1 {
		t.Fatalf("metrics = %+v", ms)
	}
	clock.add(time.Hour)
	st.Sweep()
	if st.SeriesCount() != 0 || st.PointCount() != 0 || len(st.Metrics()) != 0 {
		t.Fatalf("after a silent hour: %d series, %d points", st.SeriesCount(), st.PointCount())
	}
	mustPut(t, st, "m", 3, 0, "a=1") // a new series with the same name comes back
	if st.SeriesCount() != 1 {
		t.Fatal("series not recreated")
	}
}

// TestStoreRingGrowsAndShrinks pushes many points through one series and
// checks order and count stay right across growth, wrap-around and shrink.
func TestStoreRingGrowsAndShrinks(t *testing.T) {
	st, clock := newTestStore(t, nil)
	for i := 0; i < 5000; i++ {
		clock.add(time.Second)
		mustPut(t, st, "m", float64(i), 0)
	}
	now := st.Now()
	res := st.Query(compile(t, widgets.Query{Metric: "m", Range: "1h", Step: "1m", Window: "1m", Reduce: "max"}), now)
	vals := res.Matrix[0].Values
	// Point i is at T0+(i+1) s. The window keeps points at or after now-1h:
	// 3601 of them. The last column is the minute still filling: it holds
	// the newest point, 4999; the one before ends at now rounded down to
	// the minute (now-20 s), where the newest point is 4979.
	if st.PointCount() != 3601 || float64(vals[len(vals)-1]) != 4999 || float64(vals[len(vals)-2]) != 4979 {
		t.Fatalf("points %d, last %v, %v", st.PointCount(), vals[len(vals)-2], vals[len(vals)-1])
	}
	// A sum leaves the filling minute out: half a minute's sum is no drop.
	sum := st.Query(compile(t, widgets.Query{Metric: "m", Range: "1h", Step: "1m", Window: "1m", Reduce: "sum"}), now)
	if sv := sum.Matrix[0].Values; sum.Start != res.Start-60_000 || len(sv) != len(vals) {
		t.Fatalf("sum columns start %d (max: %d), %d columns", sum.Start, res.Start, len(sv))
	}
	clock.add(59 * time.Minute)
	st.Sweep()
	if got := st.PointCount(); got != 61 {
		t.Fatalf("after 59 min: %d points, want 61", got)
	}
	res = st.Query(compile(t, widgets.Query{Metric: "m", Reduce: "min", Window: "2h"}), st.Now())
	if res.Series[0].Value != 4939 {
		t.Fatalf("oldest kept = %v, want 4939", res.Series[0].Value)
	}
}

func TestQueryVector(t *testing.T) {
	st, _ := newTestStore(t, nil)
	now := ms(storeT0)
	for i, v := range []float64{10, 20, 30, 40} {
		ts := now - int64(3-i)*10_000
		mustPut(t, st, "cpu", v, ts, "host=a", "dc=x")
		mustPut(t, st, "cpu", v*2, ts, "host=b", "dc=x")
		mustPut(t, st, "cpu", v*3, ts, "host=c", "dc=y")
	}
	q := func(q widgets.Query) string {
		res := st.Query(compile(t, q), now)
		var parts []string
		for _, s := range res.Series {
			name := s.Labels["host"]
			if name == "" {
				name = s.Labels["dc"]
			}
			parts = append(parts, fmt.Sprintf("%s=%g", name, s.Value))
		}
		return strings.Join(parts, " ")
	}
	cases := []struct {
		name string
		q    widgets.Query
		want string
	}{
		{"Last", widgets.Query{Metric: "cpu"}, "a=40 b=80 c=120"},
		{"MatchEq", widgets.Query{Metric: "cpu", Match: []widgets.Matcher{{Label: "host", Op: "=", Value: "b"}}}, "b=80"},
		{"MatchNe", widgets.Query{Metric: "cpu", Match: []widgets.Matcher{{Label: "host", Op: "!=", Value: "b"}}}, "a=40 c=120"},
		{"MatchRe", widgets.Query{Metric: "cpu", Match: []widgets.Matcher{{Label: "host", Op: "=~", Value: "a|c"}}}, "a=40 c=120"},
		{"MatchReAnchored", widgets.Query{Metric: "cpu", Match: []widgets.Matcher{{Label: "host", Op: "=~", Value: "a|"}}}, "a=40"},
		{"MatchNotRe", widgets.Query{Metric: "cpu", Match: []widgets.Matcher{{Label: "dc", Op: "!~", Value: "x"}}}, "c=120"},
		{"MatchAbsentLabel", widgets.Query{Metric: "cpu", Match: []widgets.Matcher{{Label: "zone", Op: "=", Value: ""}}}, "a=40 b=80 c=120"},
		{"Avg", widgets.Query{Metric: "cpu", Reduce: "avg", Window: "1m", Match: []widgets.Matcher{{Label: "host", Op: "=", Value: "a"}}}, "a=25"},
		{"WindowExcludesOld", widgets.Query{Metric: "cpu", Reduce: "avg", Window: "15s", Match: []widgets.Matcher{{Label: "host", Op: "=", Value: "a"}}}, "a=35"},
		{"Min", widgets.Query{Metric: "cpu", Reduce: "min", Match: []widgets.Matcher{{Label: "host", Op: "=", Value: "a"}}}, "a=10"},
		{"Count", widgets.Query{Metric: "cpu", Reduce: "count", Match: []widgets.Matcher{{Label: "host", Op: "=", Value: "a"}}}, "a=4"},
		{"P50", widgets.Query{Metric: "cpu", Reduce: "p50", Match: []widgets.Matcher{{Label: "host", Op: "=", Value: "a"}}}, "a=25"},
		{"SumAll", widgets.Query{Metric: "cpu", Agg: "sum"}, "=240"},
		{"SumByDC", widgets.Query{Metric: "cpu", Agg: "sum", GroupBy: []string{"dc"}}, "x=120 y=120"},
		{"MaxByDC", widgets.Query{Metric: "cpu", Agg: "max", GroupBy: []string{"dc"}}, "x=80 y=120"},
		{"CountByDC", widgets.Query{Metric: "cpu", Agg: "count", GroupBy: []string{"dc"}}, "x=2 y=1"},
		{"TopK", widgets.Query{Metric: "cpu", TopK: 2}, "c=120 b=80"},
		{"BottomK", widgets.Query{Metric: "cpu", BottomK: 1}, "a=40"},
		{"UnknownMetric", widgets.Query{Metric: "nope"}, ""},
		{"Offset", widgets.Query{Metric: "cpu", Offset: "20s", Match: []widgets.Matcher{{Label: "host", Op: "=", Value: "a"}}}, "a=20"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := q(c.q); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestQueryRateAndIncrease(t *testing.T) {
	st, _ := newTestStore(t, nil)
	now := ms(storeT0)
	// A counter growing 10/s with a reset in the middle.
	vals := []float64{100, 200, 300, 50, 150, 250}
	for i, v := range vals {
		mustPut(t, st, "req_total", v, now-int64(len(vals)-1-i)*10_000)
	}
	rate := st.Query(compile(t, widgets.Query{Metric: "req_total", Fn: "rate", Window: "1m"}), now)
	// Increases: 100+100+50(reset)+100+100 = 450 over 50 s = 9/s.
	if len(rate.Series) != 1 || rate.Series[0].Value != 9 {
		t.Fatalf("rate = %+v", rate.Series)
	}
	inc := st.Query(compile(t, widgets.Query{Metric: "req_total", Fn: "increase", Window: "1m"}), now)
	if inc.Series[0].Value != 540 {
		t.Fatalf("increase = %v, want 9/s over 60 s = 540", inc.Series[0].Value)
	}
}

func TestQueryMatrix(t *testing.T) {
	st, _ := newTestStore(t, nil)
	now := ms(storeT0)
	for i := 0; i < 60; i++ {
		ts := now - int64(59-i)*1000
		mustPut(t, st, "tps", float64(i), ts, "svc=a")
		if i%2 == 0 {
			mustPut(t, st, "tps", 100, ts, "svc=b")
		}
	}
	res := st.Query(compile(t, widgets.Query{Metric: "tps", Range: "1m", Step: "10s", Reduce: "max"}), now)
	if res.Kind != "matrix" || res.Step != 10_000 || res.Start != now-50_000 || len(res.Matrix) != 2 {
		t.Fatalf("matrix = %+v", res)
	}
	if got := fmt.Sprint(res.Matrix[0].Values); got != "[9 19 29 39 49 59]" {
		t.Fatalf("svc a = %s", got)
	}
	sum := st.Query(compile(t, widgets.Query{Metric: "tps", Range: "1m", Step: "10s", Reduce: "max", Agg: "sum"}), now)
	if got := fmt.Sprint(sum.Matrix[0].Values); got != "[109 119 129 139 149 159]" {
		t.Fatalf("sum = %s", got)
	}
	// Gaps are null in JSON.
	gap := st.Query(compile(t, widgets.Query{Metric: "tps", Range: "3m", Step: "1m", Match: []widgets.Matcher{{Label: "svc", Op: "=", Value: "a"}}}), now)
	b, _ := json.Marshal(gap.Matrix[0].Values)
	if string(b) != "[null,null,59]" {
		t.Fatalf("values with gaps = %s", b)
	}
	if gap.Newest != now {
		t.Fatalf("newest = %d, want the ingest time %d", gap.Newest, now)
	}
}

func TestQueryObjects(t *testing.T) {
	st, clock := newTestStore(t, nil)
	for i := 0; i < 100; i++ {
		mustPut(t, st, "host_cpu", float64(i), 0, fmt.Sprintf("host=h%03d", i))
	}
	clock.add(2 * time.Minute)
	for i := 0; i < 90; i++ { // ten hosts go silent
		mustPut(t, st, "host_cpu", float64(i), 0, fmt.Sprintf("host=h%03d", i))
	}
	res := st.Query(compile(t, widgets.Query{Metric: "host_cpu", Object: "host"}), st.Now())
	if res.Kind != "objects" || len(res.Objects) != 100 {
		t.Fatalf("objects = %d", len(res.Objects))
	}
	silent := 0
	for _, o := range res.Objects {
		if math.IsNaN(float64(o.Value)) {
			silent++
			if o.TS != ms(storeT0) {
				t.Errorf("silent %s: last seen %d, want %d", o.ID, o.TS, ms(storeT0))
			}
		}
	}
	if silent != 10 || !sort.SliceIsSorted(res.Objects, func(i, j int) bool { return res.Objects[i].ID < res.Objects[j].ID }) {
		t.Fatalf("%d silent objects, want 10 (sorted by id)", silent)
	}
}

func TestQueryHitmap(t *testing.T) {
	st, _ := newTestStore(t, nil)
	now := ms(storeT0)
	app := st.Appender()
	add := func(svc string, ts int64, elapsed float64, isErr bool) {
		if err := app.AppendTransaction(&stream.Transaction{Service: svc, TS: ts, ElapsedMS: elapsed, Error: isErr}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 100; i++ {
		add("checkout", now-1000, 1.0, false)
		add("checkout", now-1000, 6.0, false)
		add("search", now-1000, 1.0, false)
	}
	add("checkout", now-61_000, 2000, true)
	res := st.Query(compile(t, widgets.Query{Source: "transactions", Range: "5m", Step: "1m", Match: []widgets.Matcher{{Label: "service", Op: "=", Value: "checkout"}}}), now)
	h := res.Hitmap
	if res.Kind != "hitmap" || h.Columns != 5 || h.TotalOk != 200 || h.TotalErr != 1 {
		t.Fatalf("hitmap = %+v", h)
	}
	// Columns are 11:56 … 12:00; the last one (now) is still filling, so
	// transactions ending at 11:59:59 are in column 3 and at 11:58:59 in 2.
	b1, b6, b2000 := uint64(stream.ElapsedBucket(1)), uint64(stream.ElapsedBucket(6)), uint64(stream.ElapsedBucket(2000))
	want := fmt.Sprint([][3]uint64{{3, b1, 100}, {3, b6, 100}})
	if fmt.Sprint(h.Ok) != want || fmt.Sprint(h.Err) != fmt.Sprint([][3]uint64{{2, b2000, 1}}) {
		t.Fatalf("ok = %v (want %s), err = %v", h.Ok, want, h.Err)
	}
	if !(h.Edges[b6] <= 6 && 6 < h.Edges[b6+1]) || h.Edges[0] != 0 {
		t.Fatalf("edges around bucket %d: %v", b6, h.Edges[b6:b6+2])
	}
}

func TestQueryTransactionHistograms(t *testing.T) {
	st, _ := newTestStore(t, nil)
	now := ms(storeT0)
	app := st.Appender()
	add := func(svc string, ts int64, elapsed float64, isErr bool) {
		if err := app.AppendTransaction(&stream.Transaction{Service: svc, TS: ts, ElapsedMS: elapsed, Error: isErr}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 10; i++ {
		add("search", now-2000, 100, false)
		add("checkout", now-2000, 5000, i%2 == 0)
	}
	add("checkout", now-5*60_000, 100, false) // outside the 1m range
	res := st.Query(compile(t, widgets.Query{Source: "transactions", Range: "1m", GroupBy: []string{"service"}}), now)
	if res.Kind != "histograms" || len(res.Histograms) != 2 {
		t.Fatalf("result = %+v", res)
	}
	co, se := res.Histograms[0], res.Histograms[1]
	if co.Labels["service"] != "checkout" || se.Labels["service"] != "search" {
		t.Fatalf("groups out of order: %v, %v", co.Labels, se.Labels)
	}
	b100, b5000 := stream.ElapsedBucket(100), stream.ElapsedBucket(5000)
	if co.Ok[b5000] != 5 || co.Err[b5000] != 5 || co.Ok[b100] != 0 || se.Ok[b100] != 10 || len(co.Edges) != stream.ElapsedBuckets {
		t.Fatalf("checkout ok[%d]=%d err=%d ok[%d]=%d; search ok[%d]=%d", b5000, co.Ok[b5000], co.Err[b5000], b100, co.Ok[b100], b100, se.Ok[b100])
	}
}

func TestElapsedBuckets(t *testing.T) {
	prev := -1
	for _, ms := range []float64{0, 0.05, 0.1, 0.2, 1, 1.2, 6, 100, 3000, 8000, 1e6, 1e9} {
		b := stream.ElapsedBucket(ms)
		if b < prev || b < 0 || b >= stream.ElapsedBuckets {
			t.Fatalf("bucket(%g) = %d after %d", ms, b, prev)
		}
		if ms >= stream.HitmapMinElapsed && b < stream.ElapsedBuckets-1 && !(stream.ElapsedEdge(b) <= ms*1.0000001 && ms < stream.ElapsedEdge(b+1)) {
			t.Fatalf("%g ms in bucket %d = [%g, %g)", ms, b, stream.ElapsedEdge(b), stream.ElapsedEdge(b+1))
		}
		prev = b
	}
}

// TestStoreConcurrent appends and queries from many goroutines (run with
// -race) and checks the totals.
func TestStoreConcurrent(t *testing.T) {
	st, _ := newTestStore(t, nil)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				storePut(st, "c", 1, ms(storeT0)-int64(500-i), fmt.Sprintf("w=%d", w), fmt.Sprintf("i=%d", i%50))
				if i%100 == 0 {
					st.Query(compile(t, widgets.Query{Metric: "c", Agg: "sum"}), ms(storeT0))
					st.Sweep()
				}
			}
		}(w)
	}
	wg.Wait()
	if st.SeriesCount() != 400 {
		t.Fatalf("series = %d, want 400", st.SeriesCount())
	}
	res := st.Query(compile(t, widgets.Query{Metric: "c", Reduce: "count", Window: "1m", Agg: "sum"}), ms(storeT0))
	if res.Series[0].Value != 4000 {
		t.Fatalf("points = %v, want 4000", res.Series[0].Value)
	}
}

func TestStoreTxSeriesLimit(t *testing.T) {
	st, _ := newTestStore(t, func(l *stream.Limits) { l.MaxTxSeries = 2 })
	app := st.Appender()
	for _, svc := range []string{"a", "b"} {
		if err := app.AppendTransaction(&stream.Transaction{Service: svc, ElapsedMS: 1}); err != nil {
			t.Fatal(err)
		}
	}
	err := app.AppendTransaction(&stream.Transaction{Service: "c", ElapsedMS: 1})
	if le, ok := err.(*stream.LimitError); !ok || le.Limit != "max-tx-series" {
		t.Fatalf("err = %v", err)
	}
	if err := app.AppendTransaction(&stream.Transaction{Service: "a", ElapsedMS: -1}); err == nil || !strings.Contains(err.Error(), "elapsed_ms -1 must be a finite number") {
		t.Fatalf("negative elapsed: %v", err)
	}
	if err := app.AppendTransaction(&stream.Transaction{Service: "", ElapsedMS: 1}); err == nil || !strings.Contains(err.Error(), "service must be 1 to 256 characters") {
		t.Fatalf("empty service: %v", err)
	}
	if st.TxSeriesCount() != 2 {
		t.Fatalf("tx series = %d", st.TxSeriesCount())
	}
}

func TestStoreLabels(t *testing.T) {
	st, _ := newTestStore(t, nil)
	for i := 0; i < 30; i++ {
		mustPut(t, st, "up", 1, 0, fmt.Sprintf("host=h%d", i), "dc=a")
	}
	mustPut(t, st, "up", 1, 0, "host=x", "dc=b")
	ls, sampled := st.Labels("up", 20)
	if sampled || len(ls) != 2 || ls[0].Name != "dc" || ls[0].Values[0].Value != "a" || ls[0].Values[0].Series != 30 {
		t.Fatalf("labels = %+v", ls)
	}
	if ls[1].Name != "host" || ls[1].Distinct != 31 || len(ls[1].Values) != 20 {
		t.Fatalf("host label = %+v", ls[1])
	}
}

// influxInto parses line protocol into st and returns the result.
func influxInto(st *stream.Store, body string) stream.ParseResult {
	var res stream.ParseResult
	stream.ParseInflux([]byte(body), time.Millisecond, st.Appender(), &res)
	return res
}

// TestStoreInfluxLineLabels checks that the fields of a line share its
// labels, that a refusal of those labels rejects every field with the same
// message, and that a line whose first field is refused before its labels
// are looked at does not inherit the labels of the line before.
func TestStoreInfluxLineLabels(t *testing.T) {
	st, _ := newTestStore(t, func(l *stream.Limits) { l.MaxLabelValue = 8 })
	now := ms(storeT0)
	long := strings.Repeat("m", 250) // + "_" + a 6-byte field: 257 bytes, over MaxMetricNameLength
	body := fmt.Sprintf("cpu,host=a,dc=x user=1,sys=2 %d\n", now) +
		fmt.Sprintf("cpu,host=toolongvalue user=1,sys=2 %d\n", now) +
		fmt.Sprintf("%s,host=b field6=1,value=2 %d\n", long, now)
	res := influxInto(st, body)
	if res.Accepted != 3 || res.Rejected != 3 {
		t.Fatalf("accepted %d, rejected %d (%v); want 3, 3", res.Accepted, res.Rejected, res.Errors)
	}
	for i, want := range []string{"the limit max-label-value is 8", "the limit max-label-value is 8", "is invalid: use"} {
		if e := res.Errors[i]; !strings.Contains(e.Message, want) {
			t.Errorf("error %d = %+v, want %q", i, e, want)
		}
	}
	for _, c := range []struct{ metric, want string }{
		{"cpu_user", `dc=x host=a 1`},
		{"cpu_sys", `dc=x host=a 2`},
		{long, `host=b 2`},
	} {
		res := st.Query(compile(t, widgets.Query{Metric: c.metric}), now)
		if len(res.Series) != 1 {
			t.Fatalf("%s: %d series, want 1", c.metric[:8], len(res.Series))
		}
		s := res.Series[0]
		var parts []string
		for _, k := range []string{"dc", "host"} {
			if v, ok := s.Labels[k]; ok {
				parts = append(parts, k+"="+v)
			}
		}
		if got := fmt.Sprintf("%s %g", strings.Join(parts, " "), s.Value); got != c.want || len(s.Labels) != len(parts) {
			t.Errorf("%s = %v %g, want %s", c.metric[:8], s.Labels, s.Value, c.want)
		}
	}
}

// TestStoreKeysDistinct: series whose names and labels would run together
// if simply concatenated stay apart.
func TestStoreKeysDistinct(t *testing.T) {
	st, _ := newTestStore(t, nil)
	mustPut(t, st, "m", 1, 0, "a=bc")
	mustPut(t, st, "m", 2, 0, "ab=c")
	mustPut(t, st, "m", 3, 0, "a=b", "c=d")
	mustPut(t, st, "bm", 4, 0, "a=")
	mustPut(t, st, "m", 5, 0)
	if st.SeriesCount() != 5 {
		t.Fatalf("series = %d, want 5", st.SeriesCount())
	}
	res := st.Query(compile(t, widgets.Query{Metric: "m", Agg: "sum"}), st.Now())
	if res.Series[0].Value != 11 {
		t.Fatalf("sum = %v, want 11", res.Series[0].Value)
	}
}

// TestStoreBatchCounters: a parse settles the counters once at its end,
// and they come out exact, at max-points too.
func TestStoreBatchCounters(t *testing.T) {
	st, _ := newTestStore(t, func(l *stream.Limits) { l.MaxPoints = 1024 })
	now := ms(storeT0)
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "m,i=%d a=1,b=2 %d\n", i, now)
	}
	res := influxInto(st, b.String())
	if res.Accepted != 1024 || res.Rejected != 976 || res.Limit == nil || res.Limit.Limit != "max-points" {
		t.Fatalf("accepted %d, rejected %d, limit %v; want 1024, 976, max-points", res.Accepted, res.Rejected, res.Limit)
	}
	if st.PointCount() != 1024 || st.Stats.Accepted.Load() != 1024 {
		t.Fatalf("points %d, accepted %d; want 1024, 1024", st.PointCount(), st.Stats.Accepted.Load())
	}
	// Rewriting points at the same times takes no room.
	res = influxInto(st, fmt.Sprintf("m,i=0 a=5,b=6 %d\n", now))
	if res.Accepted != 2 || st.PointCount() != 1024 || st.Stats.Accepted.Load() != 1026 {
		t.Fatalf("accepted %d, points %d, counter %d; want 2, 1024, 1026", res.Accepted, st.PointCount(), st.Stats.Accepted.Load())
	}
}

// TestStoreBatchCountersConcurrent runs parses beside each other near
// max-points (with -race): the limit is never passed and the counters
// settle to what the answers say.
func TestStoreBatchCountersConcurrent(t *testing.T) {
	st, _ := newTestStore(t, func(l *stream.Limits) { l.MaxPoints = 5000 })
	now := ms(storeT0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < 10; r++ {
				var b strings.Builder
				for i := 0; i < 200; i++ {
					fmt.Fprintf(&b, "m,w=%d,i=%d v=1 %d\n", w, i, now-int64(10-r))
				}
				res := influxInto(st, b.String())
				mu.Lock()
				accepted += res.Accepted
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if st.PointCount() > 5000 || st.PointCount() != int64(accepted) || st.Stats.Accepted.Load() != int64(accepted) {
		t.Fatalf("points %d, counter %d, answers %d (limit 5000)", st.PointCount(), st.Stats.Accepted.Load(), accepted)
	}
	if accepted < 5000-4*256 {
		t.Fatalf("accepted %d: more room was held back than the appenders' credit", accepted)
	}
}

// TestStoreChunksAgainstModel feeds series at changing rates (growth from
// a small chunk, full chunks, compaction, eviction of whole chunks,
// emptying and shrinking) and compares what the store holds with a plain
// list after every step.
func TestStoreChunksAgainstModel(t *testing.T) {
	for _, c := range []struct {
		name  string
		steps []time.Duration // clock step before each point, cycled through phases
		n     []int
	}{
		{"Steady", []time.Duration{time.Second}, []int{9000}},
		{"Sparse", []time.Duration{47 * time.Second}, []int{400}},
		{"BurstThenSparse", []time.Duration{10 * time.Millisecond, 70 * time.Second, 3 * time.Millisecond}, []int{1000, 100, 700}},
		{"BurstThenShrink", []time.Duration{10 * time.Millisecond, 10 * time.Minute, time.Second}, []int{1000, 12, 300}},
		{"GapsEmptyTheSeries", []time.Duration{time.Second, 61 * time.Minute, 2 * time.Second}, []int{300, 2, 500}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, clock := newTestStore(t, nil)
			window := time.Hour.Milliseconds()
			var model []float64 // values are their times, so order shows
			var times []int64
			check := func(step int) {
				t.Helper()
				if st.PointCount() != int64(len(model)) {
					t.Fatalf("step %d: %d points, model %d", step, st.PointCount(), len(model))
				}
				if len(model) == 0 {
					return
				}
				for _, r := range []struct {
					reduce string
					want   float64
				}{{"count", float64(len(model))}, {"min", model[0]}, {"max", model[len(model)-1]}} {
					res := st.Query(compile(t, widgets.Query{Metric: "m", Reduce: r.reduce, Window: "3h"}), st.Now())
					if len(res.Series) != 1 || float64(res.Series[0].Value) != r.want {
						t.Fatalf("step %d: %s = %+v, want %v", step, r.reduce, res.Series, r.want)
					}
				}
			}
			step := 0
			for phase, d := range c.steps {
				for i := 0; i < c.n[phase]; i++ {
					clock.add(d)
					now := st.Now()
					for len(times) > 0 && times[0] < now-window {
						times, model = times[1:], model[1:]
					}
					mustPut(t, st, "m", float64(now), now)
					times, model = append(times, now), append(model, float64(now))
					if step%97 == 0 {
						check(step)
					}
					step++
				}
			}
			check(step)
			clock.add(90 * time.Minute)
			st.Sweep()
			if st.PointCount() != 0 || st.SeriesCount() != 0 {
				t.Fatalf("after the window: %d points, %d series", st.PointCount(), st.SeriesCount())
			}
		})
	}
}

// TestStoreTablesGrowAndRebuild creates enough series for every shard's
// table to grow, lets half of them expire, and checks that the rest are
// still found (not created again) and the expired ones come back new.
func TestStoreTablesGrowAndRebuild(t *testing.T) {
	st, clock := newTestStore(t, nil)
	const n = 20_000
	for i := 0; i < n; i++ {
		mustPut(t, st, "m", 1, 0, fmt.Sprintf("i=%d", i))
	}
	clock.add(40 * time.Minute)
	for i := 0; i < n; i += 2 {
		mustPut(t, st, "m", 2, 0, fmt.Sprintf("i=%d", i))
	}
	clock.add(40 * time.Minute) // the odd series have been silent for 80 minutes
	st.Sweep()
	if st.SeriesCount() != n/2 || st.Stats.SeriesCreated.Load() != n {
		t.Fatalf("after sweep: %d series, %d created; want %d, %d", st.SeriesCount(), st.Stats.SeriesCreated.Load(), n/2, n)
	}
	for i := 0; i < n; i++ {
		mustPut(t, st, "m", 3, 0, fmt.Sprintf("i=%d", i))
	}
	if st.SeriesCount() != n || st.Stats.SeriesCreated.Load() != n+n/2 {
		t.Fatalf("after refill: %d series, %d created; want %d, %d", st.SeriesCount(), st.Stats.SeriesCreated.Load(), n, n+n/2)
	}
	res := st.Query(compile(t, widgets.Query{Metric: "m", Reduce: "count", Window: "2h", Agg: "sum"}), st.Now())
	if res.Series[0].Value != n/2*2+n/2 { // evens: 2 points, odds: 1 (their first expired)
		t.Fatalf("points = %v, want %d", res.Series[0].Value, n/2*2+n/2)
	}
}
