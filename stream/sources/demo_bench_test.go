package sources_test

import (
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/stream/sources"
)

// BenchmarkDemoTick10kHosts measures what the default demo (10,000 hosts,
// 24 services) costs the server: one op is one tick, one simulated second,
// so ns/op over 1e9 is the share of one core, reported as core-%. The
// budget is 5% (50 ms a tick). "store" appends into a real store, as the
// server does; "generate" hands the points to an appender that drops them,
// the simulation alone; "hosts-every-1s" sends every host every second
// (host_interval 1s). cpu-ms/tick is the process's CPU time from getrusage,
// garbage collection included, where the platform has it.
func BenchmarkDemoTick10kHosts(b *testing.B) {
	cases := []struct {
		name, config string
		store        bool
	}{
		{"store", `{}`, true},
		{"generate", `{}`, false},
		{"hosts-every-1s", `{"host_interval":"1s"}`, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			now := demoDay
			clock := func() time.Time { return now }
			limits := stream.DefaultLimits()
			limits.MaxPoints = 1 << 40 // bounded by b.N here, not by the limit
			st := stream.NewStore(limits, clock)
			var app stream.Appender = demoDiscard{}
			env := sources.Env{Health: sources.NewHealth(), Now: clock, Appender: func() stream.Appender { return app }}
			if c.store {
				env.Appender = func() stream.Appender { return st.Appender() }
			}
			r, err := sources.NewDemoRunner(c.config, clock)
			if err != nil {
				b.Fatal(err)
			}
			// Warm up: the first ticks create every series.
			for range 20 {
				now = now.Add(time.Second)
				r.Tick(env, now)
			}
			runs := env.Health.View()
			cpu0 := processCPU()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				now = now.Add(time.Second)
				r.Tick(env, now)
			}
			b.StopTimer()
			cpu := processCPU() - cpu0
			v := env.Health.View()
			if v.Failures > runs.Failures {
				b.Fatalf("refused points: %s", v.LastError)
			}
			perTick := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(100*perTick.Seconds(), "core-%")
			b.ReportMetric(float64(v.Points-runs.Points)/float64(b.N), "points/tick")
			if cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/tick")
			}
			if c.store {
				b.Logf("%s: %d series, %d points in memory after %d ticks", c.name, st.SeriesCount(), st.PointCount(), b.N+20)
			}
		})
	}
}
