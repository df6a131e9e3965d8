package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// loadBoard is a board with one stat widget summing metric, placed in the
// default 48×27 variant.
func loadBoard(metric string) map[string]any {
	return map[string]any{
		"name": "load test",
		"widgets": []any{map[string]any{"id": "w0", "kind": "stat",
			"queries": []any{map[string]any{"metric": metric, "agg": "sum"}}}},
		"variants": []any{map[string]any{
			"name": "16:9", "canvas": map[string]any{"width": 1920, "height": 1080},
			"grid":       map[string]any{"columns": 48, "rows": 27},
			"placements": []any{map[string]any{"widget": "w0", "x": 0, "y": 0, "w": 8, "h": 5}},
		}},
	}
}

func TestLoadtest(t *testing.T) {
	base := startToolServer(t)
	r := do(t, "POST", base+"/api/v1/boards", loadBoard("loadtest_value"))
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])

	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := loadtestCmd(ctx, []string{"--url", base, "--board", id, "--displays", "20", "--duration", "3s",
		"--ingest-rate", "500", "--series", "4", "--json"}, &stdout, &stderr, envOf())
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	var rep loadReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout.String())
	}
	d := rep.Displays
	if d.Wanted != 20 || d.Connected != 20 || d.Failed != 0 || d.Peak != 20 {
		t.Errorf("displays %+v, want all 20 connected", d)
	}
	if rep.Board != id || rep.RefreshMS != 1000 || rep.DurationS < 3 {
		t.Errorf("report header %+v", rep)
	}
	if rep.Frames.Updates == 0 || rep.Frames.PerSecond <= 0 || rep.Frames.AvgUpdateSize == 0 {
		t.Errorf("frames %+v, want updates received", rep.Frames)
	}
	l := rep.Latency
	if l.Samples == 0 || l.P50 <= 0 || l.P50 > l.P95 || l.P95 > l.P99 || l.P99 > l.Max+0.1 {
		t.Errorf("latency %+v, want ordered percentiles from measured frames", l)
	}
	if rep.Ingest.Sent == 0 || rep.Ingest.Accepted != rep.Ingest.Sent || rep.Ingest.Rejected != 0 || rep.Ingest.Errors != 0 {
		t.Errorf("ingest %+v, want every point accepted", rep.Ingest)
	}
	if rep.Disconnects != 0 || rep.Errors != 0 {
		t.Errorf("%d disconnects, %d errors: %v", rep.Disconnects, rep.Errors, rep.ErrorKinds)
	}
	s := rep.Server
	if s == nil {
		t.Fatalf("no server figures; stderr %s", stderr.String())
	}
	if s.CPUSeconds <= 0 || s.CPUCores <= 0 || s.FramesWritten == 0 || s.CPUPerFrameUS <= 0 || s.RSSBytes == 0 || s.HeapInuseBytes == 0 || s.StackInuseBytes == 0 || s.Goroutines == 0 {
		t.Errorf("server figures %+v", *s)
	}

	// The text report, for a board without data.
	r = do(t, "POST", base+"/api/v1/boards", loadBoard("nothing_here"))
	wantStatus(t, r, 201)
	stdout.Reset()
	code = loadtestCmd(ctx, []string{"--url", base, "--board", str(r.JSON(t)["id"]), "--displays", "2", "--duration", "1s", "--ingest-rate", "0"}, &stdout, &stderr, envOf())
	out := stdout.String()
	for _, want := range []string{"displays     wanted 2, connected 2, failed 0", "latency      none measured", "server CPU ", "per display "} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d; text report lacks %q:\n%s", code, want, out)
		}
	}
}

func TestLoadtestRefused(t *testing.T) {
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"RemoteHost", []string{"--url", "http://example.com:8080", "--board", "b"}, `--url host "example.com" is not loopback: loadtest only runs against a server on this machine (127.0.0.0/8, ::1 or localhost)`},
		{"PrivateIP", []string{"--url", "http://10.0.0.1:8080", "--board", "b"}, `--url host "10.0.0.1" is not loopback`},
		{"PublicIPv6", []string{"--url", "http://[2001:db8::1]:8080", "--board", "b"}, `--url host "2001:db8::1" is not loopback`},
		{"Unspecified", []string{"--url", "http://0.0.0.0:8080", "--board", "b"}, `--url host "0.0.0.0" is not loopback`},
		{"EnvURL", []string{"--board", "b"}, `--url host "192.168.1.5" is not loopback`},
		{"NoBoard", []string{"--url", "http://127.0.0.1:1"}, "--board ID is required"},
		{"TooManyDisplays", []string{"--url", "http://127.0.0.2:1", "--board", "b", "--displays", "20001"}, "--displays 20001: must be 1 to 20000"},
		{"NoDisplays", []string{"--url", "http://[::1]:1", "--board", "b", "--displays", "0"}, "--displays 0: must be 1 to 20000"},
		{"TooLong", []string{"--url", "http://localhost:1", "--board", "b", "--duration", "31m"}, "--duration 31m0s: must be more than 0 and at most 30m0s"},
		{"RateTooHigh", []string{"--url", "http://127.0.0.1:1", "--board", "b", "--ingest-rate", "5000001"}, "--ingest-rate 5000001: must be 0 to 5000000 points per second"},
		{"NoSeries", []string{"--url", "http://127.0.0.1:1", "--board", "b", "--series", "0"}, "--series 0: must be 1 to 100000"},
		{"Unreachable", []string{"--url", "http://127.0.0.1:1", "--board", "b"}, `reach the server at http://127.0.0.1:1: Get "http://127.0.0.1:1/api/v1/boards/b"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := loadtestCmd(context.Background(), c.args, &stdout, &stderr, envOf("FLEXBOARD_URL", "http://192.168.1.5:8080"))
			want := "flexboard loadtest: " + c.msg
			if code != 2 || stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout.String(), stderr.String(), want)
			}
		})
	}
}

func TestLoadtestUnknownBoard(t *testing.T) {
	base := startToolServer(t)
	var stdout, stderr bytes.Buffer
	code := loadtestCmd(context.Background(), []string{"--url", base, "--board", "nope", "--duration", "1s"}, &stdout, &stderr, envOf())
	want := `flexboard loadtest: board "nope" not found on ` + base + ": create one whose widgets query loadtest_value"
	if code != 2 || !strings.HasPrefix(stderr.String(), want) {
		t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), want)
	}
}

func TestLatencyHist(t *testing.T) {
	var h latencyHist
	for i := 1; i <= 100; i++ {
		h.observe(float64(i)) // 1 … 100 ms
	}
	h.observe(2500)
	if got := h.quantile(.5); got < 50 || got > 51.1 {
		t.Errorf("p50 = %v, want about 50", got)
	}
	if got := h.quantile(.99); got < 99 || got > 100.1 {
		t.Errorf("p99 = %v, want about 100", got)
	}
	if got := h.quantile(1); got < 2500 || got > 2510 {
		t.Errorf("p100 = %v, want the 2500 ms bucket", got)
	}
	if got := float64(h.max.Load()) / 1000; got != 2500 {
		t.Errorf("max = %v", got)
	}
}
