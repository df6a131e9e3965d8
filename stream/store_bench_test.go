package stream_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
)

// The store benchmarks append to 100,000 Telegraf-like series (4 labels
// each), the scale of the ingest target (1,000,000 points/s over HTTP on 2
// cores, docs/benchmarks.md): the store's share of that budget is what is
// left after HTTP and parsing. Each reports points/s; one op is one point,
// so allocs/op is allocations per point (ring growth, amortized, rounds
// to 0).

const storeBenchSeries = 100_000

// storeBenchSamples returns n samples of distinct series, labels already
// sorted by name as the store would sort them.
func storeBenchSamples(n int) []stream.Sample {
	out := make([]stream.Sample, n)
	regions := []string{"eu-west-1", "us-east-2", "ap-south-1"}
	for i := range out {
		h := i / 8
		out[i] = stream.Sample{
			Metric: []byte("cpu_usage_user"),
			Labels: []stream.LabelPair{
				{Name: []byte("cpu"), Value: fmt.Appendf(nil, "cpu%d", i%8)},
				{Name: []byte("dc"), Value: fmt.Appendf(nil, "dc%d", h%7)},
				{Name: []byte("host"), Value: fmt.Appendf(nil, "web-%05d", h)},
				{Name: []byte("region"), Value: []byte(regions[h%3])},
			},
		}
	}
	return out
}

// storeBenchBatch is how many points one Appender takes, as one ingest
// request of a few thousand lines would.
const storeBenchBatch = 5000

// storeBenchStore returns a store whose clock stands still at t0: points
// from t0-55m on are inside the window, and the benchmarks step timestamps
// by 1 ms per round, far from ever reaching t0+5m.
func storeBenchStore() (*stream.Store, int64) {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	l := stream.DefaultLimits()
	l.MaxPoints = 1 << 40 // the benchmarks bound memory by b.N, not by the limit
	st := stream.NewStore(l, func() time.Time { return t0 })
	return st, t0.Add(-55 * time.Minute).UnixMilli()
}

func reportPoints(b *testing.B, n int) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkStoreAppendExisting appends one point to each of 100,000 existing
// series in turn, each round one millisecond later than the last.
func BenchmarkStoreAppendExisting(b *testing.B) {
	st, ts0 := storeBenchStore()
	samples := storeBenchSamples(storeBenchSeries)
	app := st.Appender()
	for i := range samples {
		samples[i].TS = ts0
		if err := app.AppendSample(&samples[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%storeBenchBatch == 0 {
			app = st.Appender()
		}
		s := &samples[i%storeBenchSeries]
		s.TS = ts0 + 1 + int64(i/storeBenchSeries)
		s.Value = float64(i)
		if err := app.AppendSample(s); err != nil {
			b.Fatal(err)
		}
	}
	reportPoints(b, b.N)
}

// BenchmarkStoreAppendNewSeries creates one series per point. The store
// starts again empty (outside the timer) every 100,000 series, so its maps
// stay the size of the target.
func BenchmarkStoreAppendNewSeries(b *testing.B) {
	samples := storeBenchSamples(storeBenchSeries)
	var st *stream.Store
	var app *stream.BatchAppender
	var ts0 int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % storeBenchSeries
		if k == 0 {
			b.StopTimer()
			st = nil
			runtime.GC() // the last store's garbage is not this round's cost
			st, ts0 = storeBenchStore()
			b.StartTimer()
		}
		if k%storeBenchBatch == 0 {
			app = st.Appender()
		}
		s := &samples[k]
		s.TS, s.Value = ts0, float64(i)
		if err := app.AppendSample(s); err != nil {
			b.Fatal(err)
		}
	}
	reportPoints(b, b.N)
}

// BenchmarkStoreAppendParallel is BenchmarkStoreAppendExisting from
// GOMAXPROCS goroutines, each on its own share of the series (a series'
// points come in time order from one sender), so what they meet is the
// store's locks and shared counters.
func BenchmarkStoreAppendParallel(b *testing.B) {
	st, ts0 := storeBenchStore()
	samples := storeBenchSamples(storeBenchSeries)
	app := st.Appender()
	for i := range samples {
		samples[i].TS = ts0
		if err := app.AppendSample(&samples[i]); err != nil {
			b.Fatal(err)
		}
	}
	// RunParallel starts GOMAXPROCS goroutines: each takes every procs-th
	// series, split up before the timer starts.
	procs := runtime.GOMAXPROCS(0)
	shares := make([][]stream.Sample, procs)
	for k := range samples {
		shares[k%procs] = append(shares[k%procs], samples[k])
	}
	var workers, total atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		own := shares[workers.Add(1)-1]
		app := st.Appender()
		n := 0
		for pb.Next() {
			if n%storeBenchBatch == 0 {
				app = st.Appender()
			}
			s := &own[n%len(own)]
			s.TS = ts0 + 1 + int64(n/len(own))
			s.Value = float64(n)
			if err := app.AppendSample(s); err != nil {
				b.Error(err)
				return
			}
			n++
		}
		total.Add(int64(n))
	})
	reportPoints(b, int(total.Load()))
}

// BenchmarkStoreIngestInflux parses the line protocol of
// BenchmarkParseInflux (100,000 series) into a store, each round one
// millisecond later: the server's work per request without HTTP. Its
// ns/point is the floor of the server's CPU per point.
func BenchmarkStoreIngestInflux(b *testing.B) {
	body, n := ingestInfluxBody(ingestBenchSeries)
	const raw = "1700000010000000000" // the bodies' timestamp
	t0 := time.Unix(0, 1700000010000000000)
	l := stream.DefaultLimits()
	l.MaxPoints = 1 << 40
	st := stream.NewStore(l, func() time.Time { return t0 })
	stamped := make([]byte, len(body))
	stamp := func(round int) {
		copy(stamped, body)
		ts := []byte(strconv.FormatInt(t0.Add(time.Duration(round)*time.Millisecond-50*time.Minute).UnixNano(), 10))
		for at := 0; ; {
			j := bytes.Index(stamped[at:], []byte(raw))
			if j < 0 {
				break
			}
			copy(stamped[at+j:], ts)
			at += j + len(raw)
		}
	}
	parse := func() {
		var res stream.ParseResult
		stream.ParseInflux(stamped, 0, st.Appender(), &res)
		if res.Accepted != n || res.Rejected != 0 {
			b.Fatalf("accepted %d, rejected %d (%v); want %d", res.Accepted, res.Rejected, res.Errors, n)
		}
	}
	stamp(0)
	parse() // creates the series: BenchmarkStoreAppendNewSeries measures that
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		stamp(i + 1)
		b.StartTimer()
		parse()
	}
	reportPoints(b, n*b.N)
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(n*b.N), "ns/point")
}
