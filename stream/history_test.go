package stream_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/flexboard/flexboard/internal/sqlitedb"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/widgets"
)

func newHistoryStore(t *testing.T, retention time.Duration) (*stream.Store, *stream.History, *storeClock) {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, clock := newTestStore(t, nil)
	return st, stream.NewHistory(db, st, retention, slog.New(slog.NewTextHandler(io.Discard, nil))), clock
}

// TestHistoryBeyondMemory: two hours of one point per 10 s, flushed as it
// goes; the memory window is one hour, so the first hour is answered from
// the roll-ups, with the values that were ingested.
func TestHistoryBeyondMemory(t *testing.T) {
	st, h, clock := newHistoryStore(t, 7*24*time.Hour)
	ctx := context.Background()
	for i := 0; i < 720; i++ { // 2 h
		mustPut(t, st, "temp", float64(i), 0, "room=a")
		mustPut(t, st, "temp", 1000+float64(i), 0, "room=b")
		if i%6 == 5 {
			if _, err := h.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			st.Sweep()
		}
		clock.add(10 * time.Second)
	}
	if _, err := h.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st.Sweep()
	now := st.Now()
	res := st.Query(compile(t, widgets.Query{Metric: "temp", Range: "2h", Step: "10m", Reduce: "max", Match: []widgets.Matcher{{Label: "room", Op: "=", Value: "a"}}}), now)
	if len(res.Matrix) != 1 {
		t.Fatalf("matrix = %+v", res.Matrix)
	}
	vals := res.Matrix[0].Values
	// Column k ends at t = start + k*10m; point i was taken at T0 + i*10 s,
	// so the max in (t-10m, t] is the point at t (from memory), or the one
	// before it (from roll-ups, whose buckets start before t).
	for k, v := range vals {
		tEnd := res.Start + int64(k)*res.Step
		want := float64((tEnd - ms(storeT0)) / 10_000)
		if tEnd-ms(storeT0) <= 0 || want > 719 {
			continue
		}
		if math.IsNaN(float64(v)) || float64(v) < want-1 || float64(v) > want {
			t.Errorf("column %d (%s): %v, want about %v", k, time.UnixMilli(tEnd).UTC().Format("15:04"), v, want)
		}
	}
	// A past moment: 90 minutes ago, outside memory.
	at := now - 90*time.Minute.Milliseconds()
	v := st.Query(compile(t, widgets.Query{Metric: "temp", Agg: "sum", Reduce: "avg", Window: "1m"}), at)
	if len(v.Series) != 1 {
		t.Fatalf("vector at -90m: %+v", v)
	}
	if got, want := v.Series[0].Value, 2*(float64(at-ms(storeT0))/10_000-3.5)+1000; math.Abs(got-want) > 12 {
		t.Fatalf("sum of averages at -90m = %v, want about %v", got, want)
	}
}

// TestPastWindowWithoutRollups: a server 20 minutes old, nothing flushed
// yet; a past moment whose one-hour window starts before memory is
// answered from what memory holds of it, not with no data.
func TestPastWindowWithoutRollups(t *testing.T) {
	st, _, clock := newHistoryStore(t, 7*24*time.Hour)
	clock.add(time.Hour)       // the memory window starts at T0: the store is an hour old, data only from now
	for i := 0; i < 120; i++ { // 20 min of one point per 10 s
		mustPut(t, st, "temp", float64(i), 0)
		clock.add(10 * time.Second)
	}
	at := st.Now() - 5*time.Minute.Milliseconds()
	v := st.Query(compile(t, widgets.Query{Metric: "temp", Reduce: "max", Window: "1h"}), at)
	if len(v.Series) != 1 {
		t.Fatalf("max over the hour before -5m: %+v, want one series from memory", v)
	}
	if got, want := v.Series[0].Value, 90.0; got != want { // point 90 was taken at that moment
		t.Fatalf("max over the hour before -5m = %v, want %v", got, want)
	}
}

func TestHistoryPrune(t *testing.T) {
	st, h, clock := newHistoryStore(t, time.Hour)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		mustPut(t, st, "m", float64(i), 0)
		clock.add(10 * time.Second)
	}
	n, err := h.Flush(ctx)
	if err != nil || n != 10 {
		t.Fatalf("flush wrote %d rows, %v; want 10", n, err)
	}
	if n, _ := h.Flush(ctx); n != 0 {
		t.Fatalf("a second flush rewrote %d rows", n)
	}
	clock.add(2 * time.Hour)
	h.Prune(ctx)
	st.Sweep()
	res := st.Query(compile(t, widgets.Query{Metric: "m", Range: "3h", Step: "10m"}), st.Now())
	for _, r := range res.Matrix {
		for _, v := range r.Values {
			if !math.IsNaN(float64(v)) {
				t.Fatalf("pruned data still answers: %v", r.Values)
			}
		}
	}
}

func BenchmarkHistoryFlush(b *testing.B) {
	db, _ := sqlitedb.Open(context.Background(), filepath.Join(b.TempDir(), "fb.db"))
	defer db.Close()
	c := &storeClock{t: storeT0}
	st := stream.NewStore(stream.DefaultLimits(), c.now)
	h := stream.NewHistory(db, st, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const series = 10000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for s := 0; s < series; s++ {
			storePut(st, "bench", float64(i), 0, fmt.Sprintf("s=%d", s))
		}
		c.add(10 * time.Second)
		if _, err := h.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(series*b.N)/b.Elapsed().Seconds(), "rows/s")
}
