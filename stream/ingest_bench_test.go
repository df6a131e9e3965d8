package stream_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/flexboard/flexboard/stream"
)

// The parse benchmarks run on bodies of 100,000 distinct series with an
// Appender that keeps nothing, so they measure parsing alone; the server's
// target is 1,000,000 points/s over HTTP on 2 cores, of which parsing must
// be a small part. BenchmarkIngestBaselineLines walks the same bodies line
// by line without parsing: the ratio to it is what parsing costs above
// reading memory.

const ingestBenchSeries = 100_000

// ingestInfluxBody is Telegraf-like line protocol (3–5 tags, 1–4 fields)
// with at least n samples, all of distinct series, and their number.
func ingestInfluxBody(n int) ([]byte, int) {
	var b bytes.Buffer
	samples := 0
	const ts = 1700000010000000000
	for h := 0; samples < n; h++ {
		host, region, dc := fmt.Sprintf("web-%04d", h), []string{"eu-west-1", "us-east-2", "ap-south-1"}[h%3], fmt.Sprintf("dc%d", h%7)
		for c := 0; c < 8 && samples < n; c++ {
			fmt.Fprintf(&b, "cpu,cpu=cpu%d,dc=%s,host=%s,region=%s usage_user=%.4f,usage_system=%.4f,usage_idle=%.4f,usage_iowait=%.4f %d\n",
				c, dc, host, region, 2.7+float64(c), 1.1, 95.79158316633+float64(h%10), 0.2004008016032064, ts)
			samples += 4
		}
		fmt.Fprintf(&b, "mem,dc=%s,host=%s,region=%s used=%di,available_percent=%.6f %d\n", dc, host, region, 3586965504+h, 74.31780831098753, ts)
		samples += 2
		for d, path := range []string{"/", "/var/lib/docker", `/mnt/My\ Backups\,\ 2024`} {
			fmt.Fprintf(&b, "disk,device=sd%c1,fstype=ext4,host=%s,mode=rw,path=%s free=%du,used=%du,used_percent=%.5f %d\n",
				'a'+d, host, path, 41234567168+h, 58468036608, 58.638302146792654, ts)
			samples += 3
		}
		for _, iface := range []string{"eth0", "eth1"} {
			fmt.Fprintf(&b, "net,host=%s,interface=%s,region=%s bytes_recv=%di %d\n", host, iface, region, 123456789012+h, ts)
			samples++
		}
	}
	return b.Bytes(), samples
}

// ingestPromBody is a node_exporter-like exposition with at least n
// samples of distinct series, HELP and TYPE lines included, and their
// number.
func ingestPromBody(n int) ([]byte, int) {
	var b bytes.Buffer
	samples := 0
	for h := 0; samples < n; h++ {
		inst := fmt.Sprintf("web-%04d:9100", h)
		b.WriteString("# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\n")
		for c := 0; c < 4 && samples < n; c++ {
			for _, mode := range []string{"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"} {
				fmt.Fprintf(&b, "node_cpu_seconds_total{cpu=\"%d\",instance=\"%s\",job=\"node\",mode=\"%s\"} %g\n", c, inst, mode, 123456.78+float64(h))
				samples++
			}
		}
		b.WriteString("# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.\n# TYPE node_filesystem_avail_bytes gauge\n")
		for _, mp := range []string{"/", "/boot", "/var/lib/docker"} {
			fmt.Fprintf(&b, "node_filesystem_avail_bytes{device=\"/dev/sda1\",fstype=\"ext4\",instance=\"%s\",job=\"node\",mountpoint=\"%s\"} %g\n", inst, mp, 4.1234567168e+10)
			samples++
		}
		b.WriteString("# HELP node_network_receive_bytes_total Network device statistic receive_bytes.\n# TYPE node_network_receive_bytes_total counter\n")
		for _, dev := range []string{"eth0", "lo"} {
			fmt.Fprintf(&b, "node_network_receive_bytes_total{device=\"%s\",instance=\"%s\",job=\"node\"} %g\n", dev, inst, 1.23456789012e+11)
			samples++
		}
		fmt.Fprintf(&b, "node_load1{instance=\"%s\",job=\"node\"} 0.42\nnode_memory_MemAvailable_bytes{instance=\"%s\",job=\"node\"} 1.2473425920e+10\n", inst, inst)
		samples += 2
	}
	return b.Bytes(), samples
}

// ingestJSONBody is a JSON body of n points.
func ingestJSONBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"points": [`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n{\"metric\": \"app_queue_depth\", \"labels\": {\"host\": \"web-%04d\", \"queue\": \"q%d\"}, \"value\": %d, \"ts\": 1700000010000}", i/10, i%10, i)
	}
	b.WriteString("\n]}")
	return b.Bytes()
}

// ingestBench runs parse on body, which holds n samples, and reports
// samples/s besides the usual bytes/s and allocations per body.
func ingestBench(b *testing.B, body []byte, n int, parse func([]byte, stream.Appender, *stream.ParseResult)) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		var res stream.ParseResult
		parse(body, ingestDiscard{}, &res)
		if res.Accepted != n || res.Rejected != 0 {
			b.Fatalf("accepted %d, rejected %d (%v); want %d", res.Accepted, res.Rejected, res.Errors, n)
		}
		iters++
	}
	b.ReportMetric(float64(n)*float64(iters)/b.Elapsed().Seconds(), "samples/s")
}

func BenchmarkParseInflux(b *testing.B) {
	body, n := ingestInfluxBody(ingestBenchSeries)
	ingestBench(b, body, n, func(body []byte, app stream.Appender, res *stream.ParseResult) {
		stream.ParseInflux(body, 0, app, res)
	})
}

func BenchmarkParsePrometheus(b *testing.B) {
	body, n := ingestPromBody(ingestBenchSeries)
	ingestBench(b, body, n, stream.ParsePrometheus)
}

func BenchmarkParseJSON(b *testing.B) {
	const n = 10_000 // JSON is for scripts and small pushes
	ingestBench(b, ingestJSONBody(n), n, stream.ParseJSON)
}

func BenchmarkIngestBaselineLines(b *testing.B) {
	for _, bc := range []struct {
		name string
		body []byte
	}{{"Influx", ingestFirst(ingestInfluxBody(ingestBenchSeries))}, {"Prometheus", ingestFirst(ingestPromBody(ingestBenchSeries))}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			var app stream.Appender = ingestDiscard{}
			var s stream.Sample
			for b.Loop() {
				for rest := bc.body; len(rest) > 0; {
					i := bytes.IndexByte(rest, '\n')
					if i < 0 {
						i = len(rest) - 1
					}
					s.Metric = rest[:i]
					_ = app.AppendSample(&s)
					rest = rest[i+1:]
				}
			}
		})
	}
}

func ingestFirst(b []byte, _ int) []byte { return b }
