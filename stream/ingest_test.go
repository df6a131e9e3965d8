package stream_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
)

// ingestRecorder is an Appender that copies what it is given, since the
// parsers reuse their buffers after each call.
type ingestRecorder struct {
	samples []ingestSample
	txs     []ingestTx
	// reject, when set, is the metric or service the recorder refuses with
	// rejectErr.
	reject    string
	rejectErr error
}

type ingestSample struct {
	Metric string
	Labels [][2]string
	Value  float64
	TS     int64
}

type ingestTx struct {
	Service   string
	Labels    [][2]string
	TS        int64
	ElapsedMS float64
	Error     bool
}

func (r *ingestRecorder) AppendSample(s *stream.Sample) error {
	if r.reject != "" && string(s.Metric) == r.reject {
		return r.rejectErr
	}
	r.samples = append(r.samples, ingestSample{string(s.Metric), ingestCopyLabels(s.Labels), s.Value, s.TS})
	return nil
}

func (r *ingestRecorder) AppendTransaction(t *stream.Transaction) error {
	if r.reject != "" && t.Service == r.reject {
		return r.rejectErr
	}
	r.txs = append(r.txs, ingestTx{t.Service, ingestCopyLabels(t.Labels), t.TS, t.ElapsedMS, t.Error})
	return nil
}

func ingestCopyLabels(ls []stream.LabelPair) [][2]string {
	out := make([][2]string, len(ls))
	for i, l := range ls {
		out[i] = [2]string{string(l.Name), string(l.Value)}
	}
	return out
}

// got is what the recorder saw, one line each, in the form of ingestFormat.
func (r *ingestRecorder) got() []string {
	var out []string
	for _, s := range r.samples {
		out = append(out, s.String())
	}
	for _, t := range r.txs {
		out = append(out, t.String())
	}
	return out
}

// String is the sample in exposition format with the timestamp, if any,
// after an '@': `cpu{host="a"} 1.5 @1700000000000`. Labels stay in the
// order the parser gave them.
func (s ingestSample) String() string {
	var b strings.Builder
	b.WriteString(s.Metric)
	ingestWriteLabels(&b, s.Labels)
	b.WriteString(" " + strconv.FormatFloat(s.Value, 'g', -1, 64))
	if s.TS != 0 {
		fmt.Fprintf(&b, " @%d", s.TS)
	}
	return b.String()
}

// String is `tx service{labels} 12.5ms [error] [@ts]`.
func (t ingestTx) String() string {
	var b strings.Builder
	b.WriteString("tx " + t.Service)
	ingestWriteLabels(&b, t.Labels)
	b.WriteString(" " + strconv.FormatFloat(t.ElapsedMS, 'g', -1, 64) + "ms")
	if t.Error {
		b.WriteString(" error")
	}
	if t.TS != 0 {
		fmt.Fprintf(&b, " @%d", t.TS)
	}
	return b.String()
}

func ingestWriteLabels(b *strings.Builder, ls [][2]string) {
	if len(ls) == 0 {
		return
	}
	b.WriteByte('{')
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l[0] + "=" + strconv.Quote(l[1]))
	}
	b.WriteByte('}')
}

// ingestCase is one table test of a parser: the body, what the Appender
// must see, and the errors (exact messages, in order).
type ingestCase struct {
	name       string
	body       string
	precision  time.Duration // influx only
	want       []string
	errors     []stream.LineError
	unparsable bool
}

// ingestRun parses tc.body with parse and checks everything it produced.
func ingestRun(t *testing.T, tc ingestCase, parse func([]byte, stream.Appender, *stream.ParseResult)) {
	t.Helper()
	var rec ingestRecorder
	var res stream.ParseResult
	parse([]byte(tc.body), &rec, &res)
	if got := rec.got(); !slices.Equal(got, tc.want) {
		t.Errorf("appended:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
	}
	if res.Accepted != len(tc.want) {
		t.Errorf("Accepted = %d, want %d", res.Accepted, len(tc.want))
	}
	if res.Rejected != len(tc.errors) {
		t.Errorf("Rejected = %d, want %d", res.Rejected, len(tc.errors))
	}
	if !slices.Equal(res.Errors, tc.errors) {
		t.Errorf("Errors:\n  %v\nwant:\n  %v", res.Errors, tc.errors)
	}
	if res.Unparsable != tc.unparsable {
		t.Errorf("Unparsable = %v, want %v", res.Unparsable, tc.unparsable)
	}
}

// ingestParsers runs a test over the three formats.
var ingestParsers = []struct {
	name  string
	parse func([]byte, stream.Appender, *stream.ParseResult)
	// line is a body line of one sample named metric whose value is the
	// value; bad is a line with a syntax error.
	line func(metric string, value int) string
	bad  string
	// wrap turns lines into a body.
	wrap func(lines []string) string
}{
	{
		name: "Influx",
		parse: func(b []byte, app stream.Appender, res *stream.ParseResult) {
			stream.ParseInflux(b, 0, app, res)
		},
		line: func(m string, v int) string { return fmt.Sprintf("%s,host=a v=%d", m, v) },
		bad:  "cpu,host usage=1",
		wrap: func(lines []string) string { return strings.Join(lines, "\n") },
	},
	{
		name:  "Prometheus",
		parse: stream.ParsePrometheus,
		line:  func(m string, v int) string { return fmt.Sprintf(`%s_v{host="a"} %d`, m, v) },
		bad:   `cpu{host} 1`,
		wrap:  func(lines []string) string { return strings.Join(lines, "\n") },
	},
	{
		name:  "JSON",
		parse: stream.ParseJSON,
		line: func(m string, v int) string {
			return fmt.Sprintf(`{"metric": "%s_v", "labels": {"host": "a"}, "value": %d}`, m, v)
		},
		bad:  `{"metric": "cpu", "value": "1"}`,
		wrap: func(lines []string) string { return "{\"points\": [\n" + strings.Join(lines, ",\n") + "\n]}" },
	},
}

// ingestLineOf is the body line of item i for a body made by wrap: JSON
// bodies have the opening line first.
func ingestLineOf(format string, i int) int {
	if format == "JSON" {
		return i + 2
	}
	return i + 1
}

func TestIngestAppenderRejects(t *testing.T) {
	limit := &stream.LimitError{Limit: "max-series", Message: "too many series"}
	for _, p := range ingestParsers {
		t.Run(p.name, func(t *testing.T) {
			body := p.wrap([]string{p.line("good", 1), p.line("bad", 2), p.line("good", 3), p.line("bad", 4)})
			rec := ingestRecorder{reject: "bad_v", rejectErr: limit}
			var res stream.ParseResult
			p.parse([]byte(body), &rec, &res)
			if res.Accepted != 2 || res.Rejected != 2 || res.Unparsable {
				t.Fatalf("Accepted %d, Rejected %d, Unparsable %v; want 2, 2, false", res.Accepted, res.Rejected, res.Unparsable)
			}
			want := []stream.LineError{
				{Line: ingestLineOf(p.name, 1), Message: "limit max-series: too many series"},
				{Line: ingestLineOf(p.name, 3), Message: "limit max-series: too many series"},
			}
			if !slices.Equal(res.Errors, want) {
				t.Errorf("Errors = %v, want %v", res.Errors, want)
			}
			if res.Limit != limit {
				t.Errorf("Limit = %v, want the Appender's *LimitError", res.Limit)
			}
			if got := rec.got(); !slices.Equal(got, []string{`good_v{host="a"} 1`, `good_v{host="a"} 3`}) {
				t.Errorf("appended %q", got)
			}
		})
	}
}

// Every line refused by the Appender is still parsed: nothing is
// unparsable, the HTTP layer answers 429 from res.Limit instead.
func TestIngestAppenderRejectsEverything(t *testing.T) {
	for _, p := range ingestParsers {
		t.Run(p.name, func(t *testing.T) {
			rec := ingestRecorder{reject: "bad_v", rejectErr: errors.New("no")}
			var res stream.ParseResult
			p.parse([]byte(p.wrap([]string{p.line("bad", 1)})), &rec, &res)
			if res.Accepted != 0 || res.Rejected != 1 || res.Unparsable {
				t.Errorf("Accepted %d, Rejected %d, Unparsable %v; want 0, 1, false", res.Accepted, res.Rejected, res.Unparsable)
			}
		})
	}
}

func TestIngestMaxReportedErrors(t *testing.T) {
	const bad = 25
	for _, p := range ingestParsers {
		t.Run(p.name, func(t *testing.T) {
			var lines []string
			for range bad {
				lines = append(lines, p.bad)
			}
			lines = append(lines, p.line("good", 7))
			var rec ingestRecorder
			var res stream.ParseResult
			p.parse([]byte(p.wrap(lines)), &rec, &res)
			if res.Accepted != 1 || res.Rejected != bad || res.Unparsable {
				t.Fatalf("Accepted %d, Rejected %d, Unparsable %v; want 1, %d, false", res.Accepted, res.Rejected, res.Unparsable, bad)
			}
			if len(res.Errors) != stream.MaxReportedErrors {
				t.Fatalf("%d errors listed, want %d", len(res.Errors), stream.MaxReportedErrors)
			}
			for i, e := range res.Errors {
				if want := ingestLineOf(p.name, i); e.Line != want {
					t.Errorf("error %d on line %d, want %d", i, e.Line, want)
				}
			}
		})
	}
}

// Good lines around bad ones are kept, and each bad one is reported on its
// own line.
func TestIngestPartialAcceptance(t *testing.T) {
	for _, p := range ingestParsers {
		t.Run(p.name, func(t *testing.T) {
			body := p.wrap([]string{p.bad, p.line("a", 1), p.bad, p.line("b", 2), p.bad})
			var rec ingestRecorder
			var res stream.ParseResult
			p.parse([]byte(body), &rec, &res)
			if got := rec.got(); !slices.Equal(got, []string{`a_v{host="a"} 1`, `b_v{host="a"} 2`}) {
				t.Errorf("appended %q", got)
			}
			if res.Rejected != 3 || res.Unparsable {
				t.Errorf("Rejected %d, Unparsable %v; want 3, false", res.Rejected, res.Unparsable)
			}
			var lines []int
			for _, e := range res.Errors {
				lines = append(lines, e.Line)
			}
			if want := []int{ingestLineOf(p.name, 0), ingestLineOf(p.name, 2), ingestLineOf(p.name, 4)}; !slices.Equal(lines, want) {
				t.Errorf("error lines %v, want %v", lines, want)
			}
		})
	}
}

// The parsers allocate per call (their buffers), not per line.
func TestIngestAllocationsDoNotGrowWithLines(t *testing.T) {
	for _, p := range ingestParsers[:2] {
		t.Run(p.name, func(t *testing.T) {
			body := func(n int) []byte {
				var lines []string
				for i := range n {
					lines = append(lines, p.line(fmt.Sprintf("m%d", i), i))
				}
				return []byte(p.wrap(lines))
			}
			small, large := body(10), body(10_000)
			allocs := func(b []byte) float64 {
				return testing.AllocsPerRun(20, func() {
					var res stream.ParseResult
					p.parse(b, ingestDiscard{}, &res)
				})
			}
			if a, b := allocs(small), allocs(large); b > a {
				t.Errorf("%v allocations for 10 lines, %v for 10,000", a, b)
			}
		})
	}
}

// ingestDiscard is an Appender that takes everything and keeps nothing.
type ingestDiscard struct{}

func (ingestDiscard) AppendSample(*stream.Sample) error           { return nil }
func (ingestDiscard) AppendTransaction(*stream.Transaction) error { return nil }

// Bodies of another format are reported as unparsable with one error.
func TestIngestWrongFormat(t *testing.T) {
	bodies := map[string]string{
		"Influx":     "cpu,host=a usage_idle=98.5 1700000000000000000\n",
		"Prometheus": "# TYPE up gauge\nup{job=\"node\"} 1\n",
		"JSON":       `{"points": [{"metric": "up", "value": 1}]}`,
	}
	for _, p := range ingestParsers {
		for format, body := range bodies {
			if format == p.name {
				continue
			}
			t.Run(format+"To"+p.name, func(t *testing.T) {
				var rec ingestRecorder
				var res stream.ParseResult
				p.parse([]byte(body), &rec, &res)
				if !res.Unparsable || res.Accepted != 0 || res.Rejected != 1 || len(res.Errors) != 1 {
					t.Errorf("got %+v, want 1 error and Unparsable", res)
				}
			})
		}
	}
}

var (
	ingestMetricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	ingestLabelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// ingestReadFile reads a real-world sample from testdata/ingest.
func ingestReadFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ingest", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ingestFind returns the recorded samples that are in want (by String).
func ingestFind(rec *ingestRecorder, want []string) []string {
	var found []string
	for _, s := range rec.samples {
		if slices.Contains(want, s.String()) {
			found = append(found, s.String())
		}
	}
	return found
}

func ingestCheckNames(t *testing.T, rec *ingestRecorder) {
	t.Helper()
	for _, s := range rec.samples {
		if !ingestMetricName.MatchString(s.Metric) {
			t.Errorf("invalid metric name %q", s.Metric)
		}
		for _, l := range s.Labels {
			if !ingestLabelName.MatchString(l[0]) {
				t.Errorf("invalid label name %q in %s", l[0], s)
			}
		}
	}
}

func TestIngestRealWorld(t *testing.T) {
	t.Run("NodeExporterScrape", func(t *testing.T) {
		body := ingestReadFile(t, "node_exporter.prom")
		var rec ingestRecorder
		var res stream.ParseResult
		stream.ParsePrometheus(body, &rec, &res)
		samples := 0
		for _, l := range strings.Split(string(body), "\n") {
			if l != "" && !strings.HasPrefix(l, "#") {
				samples++
			}
		}
		if res.Accepted != 507 || samples != 507 || res.Rejected != 0 || res.Unparsable {
			t.Fatalf("got %+v from %d sample lines, want 507 accepted", res, samples)
		}
		ingestCheckNames(t, &rec)
		want := []string{
			`go_gc_duration_seconds{quantile="0.75"} 0`,
			`go_memstats_sys_bytes 1.4398728e+07`,
			`node_boot_time_seconds 1.795313321e+09`,
			`node_netstat_Udp_OutDatagrams 174`,
			`node_network_carrier{device="lo"} 1`,
			`node_network_carrier_changes_total{device="eth0"} 2`,
		}
		if got := ingestFind(&rec, want); !slices.Equal(got, want) {
			t.Errorf("found %q, want %q", got, want)
		}
	})

	t.Run("HistogramAndSummary", func(t *testing.T) {
		var rec ingestRecorder
		var res stream.ParseResult
		stream.ParsePrometheus(ingestReadFile(t, "histogram_summary.prom"), &rec, &res)
		if res.Accepted != 14+7+5 || res.Rejected != 0 {
			t.Fatalf("got %+v, want 26 accepted", res)
		}
		want := []string{
			`http_request_duration_seconds_bucket{handler="/api/query",method="GET",le="0.005"} 10244`,
			`http_request_duration_seconds_bucket{handler="/api/query",method="GET",le="+Inf"} 20415`,
			`http_request_duration_seconds_sum{handler="/api/query",method="GET"} 153.93474617300015`,
			`go_gc_duration_seconds{quantile="0.25"} 0`,
			`go_gc_duration_seconds_count 0`,
			`rpc_duration_seconds{service="exporter",quantile="0.99"} NaN`,
		}
		if got := ingestFind(&rec, want); !slices.Equal(got, want) {
			t.Errorf("found %q, want %q", got, want)
		}
	})

	t.Run("OpenMetrics", func(t *testing.T) {
		var rec ingestRecorder
		var res stream.ParseResult
		stream.ParsePrometheus(ingestReadFile(t, "openmetrics.txt"), &rec, &res)
		if res.Accepted != 14 || res.Rejected != 0 {
			t.Fatalf("got %+v, want 14 accepted", res)
		}
		want := []string{
			`acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283`,
			`foo_bucket{le="1"} 11`,
			`foo_bucket{le="10"} 17`,
			`acme_temperature_celsius{room="server \"A\""} 21.5 @1520879607789`,
			`acme_temperature_celsius{room="server \"B\""} 22.25 @1520879607`,
		}
		if got := ingestFind(&rec, want); !slices.Equal(got, want) {
			t.Errorf("found %q, want %q", got, want)
		}
	})

	t.Run("Telegraf", func(t *testing.T) {
		var rec ingestRecorder
		var res stream.ParseResult
		stream.ParseInflux(ingestReadFile(t, "telegraf.influx"), time.Nanosecond, &rec, &res)
		// 137 fields, 5 of them strings.
		if res.Accepted != 132 || res.Rejected != 5 || res.Unparsable {
			t.Fatalf("got %+v, want 132 accepted, 5 rejected", res)
		}
		wantErrors := []stream.LineError{
			{Line: 15, Message: `field "uptime_format" is a string; only numbers and booleans are stored`},
			{Line: 17, Message: `field "container_id" is a string; only numbers and booleans are stored`},
			{Line: 18, Message: `field "result_type" is a string; only numbers and booleans are stored`},
			{Line: 20, Message: `field "message" is a string; only numbers and booleans are stored`},
			{Line: 20, Message: `field "procid" is a string; only numbers and booleans are stored`},
		}
		if !slices.Equal(res.Errors, wantErrors) {
			t.Errorf("Errors = %v, want %v", res.Errors, wantErrors)
		}
		ingestCheckNames(t, &rec)
		const ts = " @1700000010000"
		want := []string{
			`cpu_usage_idle{cpu="cpu-total",host="web-01"} 96.34268537074148` + ts,
			`mem_total{host="web-01"} 1.6783781888e+10` + ts,
			`disk_used_percent{device="sdb1",fstype="ext4",host="web-01",mode="rw",path="/mnt/My Backups, 2024"} 2.2253` + ts,
			`disk_free{device="C:",fstype="NTFS",host="web-01",mode="rw",path="C:\\Program Files"} 1.23456789e+08` + ts,
			`net_bytes_recv{host="web-01",interface="eth0"} 1.23456789012e+11` + ts,
			`docker_container_status_oomkilled{container_image="nginx",container_name="web",container_status="running",engine_host="web-01",host="web-01"} 0` + ts,
			`http_response_response_time{host="web-01",method="GET",result="success",server="https://example.com/health?v=2,full",status_code="200"} 0.051234` + ts,
			`ping_reachable{host="web-01",url="10.0.0.1"} 1` + ts,
			`syslog_severity_code{appname="sshd",facility="auth",host="web-01",hostname="web-01",severity="info"} 6` + ts,
			`weather_station_temperature{location="Zürich, CH",sensor_id="7",sensor_kind="dht22"} 21.5` + ts,
			`weather_station_raining{location="Zürich, CH",sensor_id="7",sensor_kind="dht22"} 0` + ts,
		}
		if got := ingestFind(&rec, want); !slices.Equal(got, want) {
			t.Errorf("found\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	})
}

// ingestSameFloat compares values with NaN equal to itself.
func ingestSameFloat(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}
