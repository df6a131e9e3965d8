package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The real-service test runs prometheus_scrape against a real
// node_exporter and prometheus_query against a real Prometheus, both from
// Debian's packages, on 127.0.0.1 ports of their own.
const (
	realNodeExporter = "/usr/bin/prometheus-node-exporter"
	realPrometheus   = "/usr/bin/prometheus"
	realSkipEnv      = "FLEXBOARD_SKIP_REAL_SERVICES"
	realWait         = 60 * time.Second // for a service to start or catch up
)

func TestRealServices(t *testing.T) {
	if os.Getenv(realSkipEnv) == "1" {
		t.Skip(realSkipEnv + "=1: not testing against a real node_exporter and Prometheus")
	}
	for _, bin := range []string{realNodeExporter, realPrometheus} {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("%s is missing: install it with `apt-get install -y prometheus prometheus-node-exporter` "+
				"(make test does), or set %s=1 to skip this test", bin, realSkipEnv)
		}
	}
	dir := t.TempDir()

	nodeAddr := realFreeAddr(t)
	realStartNodeExporter(t, dir, "node_exporter", nodeAddr)
	realWaitFor(t, "node_exporter", "http://"+nodeAddr+"/metrics", "node_load1 ")

	promAddr := realFreeAddr(t)
	config := filepath.Join(dir, "prometheus.yml")
	err := os.WriteFile(config, []byte(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['`+nodeAddr+`']
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	realStart(t, dir, "prometheus", realPrometheus, "--config.file="+config,
		"--storage.tsdb.path="+filepath.Join(dir, "tsdb"), "--web.listen-address="+promAddr)
	realWaitFor(t, "Prometheus", "http://"+promAddr+"/-/ready", "")

	node := map[string]string{"instance": nodeAddr, "job": "node"}

	t.Run("ScrapeNodeExporter", func(t *testing.T) {
		rec := realRunOnce(t, ScrapeDriver{}, `{"targets":["http://`+nodeAddr+`/metrics"],"labels":{"job":"node"}}`)
		pullWantHealth(t, rec.Health, "ok")
		if v := rec.last(t, "node_load1", node); v < 0 {
			t.Fatalf("node_load1 = %v", v)
		}
		if v := rec.last(t, "up", node); v != 1 {
			t.Fatalf("up = %v", v)
		}
		n := 0
		for _, m := range rec.metrics() {
			if strings.HasPrefix(m, "node_") {
				n++
			}
		}
		if n < 24 {
			t.Fatalf("%d node_* metrics stored, want dozens: %v", n, rec.metrics())
		}
		t.Logf("%d node_* metrics, %d points", n, rec.Health.View().Points)
		// Every sample carries the target's labels.
		for _, m := range []string{"node_cpu_seconds_total", "node_memory_MemTotal_bytes", "node_network_receive_bytes_total"} {
			if ps := rec.find(m, node); len(ps) == 0 {
				t.Errorf("no %s%v", m, node)
			}
		}
		if ps := rec.find("node_cpu_seconds_total", map[string]string{"mode": "idle"}); len(ps) == 0 {
			t.Errorf("node_cpu_seconds_total has lost its own labels")
		}
	})

	t.Run("QueryPrometheus", func(t *testing.T) {
		// Prometheus must have scraped node_exporter at least once.
		realWaitFor(t, "Prometheus to have node_load1", "http://"+promAddr+"/api/v1/query?query=node_load1", `"result":[{`)
		rec := realRunOnce(t, QueryDriver{}, `{"url":"http://`+promAddr+`","queries":[
			{"name":"node_load1","promql":"node_load1"},
			{"name":"up","promql":"up","labels":{"source":"prometheus"}}]}`)
		pullWantHealth(t, rec.Health, "ok")
		if v := rec.last(t, "node_load1", node); v < 0 {
			t.Fatalf("node_load1 = %v", v)
		}
		if v := rec.last(t, "up", map[string]string{"instance": nodeAddr, "job": "node", "source": "prometheus"}); v != 1 {
			t.Fatalf("up = %v", v)
		}
	})

	t.Run("BadPromQL", func(t *testing.T) {
		rec := realRunOnce(t, QueryDriver{}, `{"url":"http://`+promAddr+`","queries":[{"name":"broken","promql":"rate("}]}`)
		pullWantHealth(t, rec.Health, "error", `query "broken": bad_data: `, "parse error")
		t.Logf("health error: %s", rec.Health.View().LastError)
	})

	t.Run("TargetDownThenBack", func(t *testing.T) {
		addr := realFreeAddr(t)
		r, err := ScrapeDriver{}.New(json.RawMessage(`{"targets":["http://` + addr + `/metrics"],"interval":"1s","timeout":"1s"}`))
		if err != nil {
			t.Fatal(err)
		}
		rec := newPullTestRecorder()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx, rec.Env); close(done) }()
		defer func() { cancel(); <-done }()

		realWaitUntil(t, "the scrape of a closed port to fail", func() bool { return rec.Health.View().Status == "error" })
		pullWantHealth(t, rec.Health, "error", "http://"+addr+"/metrics: ", "connection refused")
		t.Logf("health error: %s", rec.Health.View().LastError)

		realStartNodeExporter(t, dir, "node_exporter_late", addr)
		realWaitUntil(t, "the scrape to recover", func() bool { return rec.Health.View().Status == "ok" })
		if v := rec.last(t, "up", map[string]string{"instance": addr, "job": "scrape"}); v != 1 {
			t.Fatalf("up = %v after recovery", v)
		}
		if len(rec.find("node_load1", map[string]string{"instance": addr})) == 0 {
			t.Fatal("no node_load1 after recovery")
		}
	})
}

// realRunOnce runs a source of driver until its first run is reported.
func realRunOnce(t *testing.T, d Driver, config string) *pullTestRecorder {
	t.Helper()
	r, err := d.New(json.RawMessage(config))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	rec := newPullTestRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx, rec.Env); close(done) }()
	realWaitUntil(t, d.Type()+" to run", func() bool { return rec.Health.View().Runs >= 1 })
	cancel()
	<-done
	return rec
}

// realStartNodeExporter starts node_exporter on addr with a few
// collectors: enough for dozens of node_* metrics, little CPU.
func realStartNodeExporter(t *testing.T, dir, name, addr string) {
	realStart(t, dir, name, realNodeExporter, "--web.listen-address="+addr,
		"--collector.disable-defaults", "--collector.loadavg", "--collector.cpu", "--collector.meminfo",
		"--collector.diskstats", "--collector.filesystem", "--collector.netdev", "--collector.stat", "--collector.time")
}

// realStart starts a service that is killed when the test ends; its output
// goes to dir/name.log, shown if the test fails.
func realStart(t *testing.T, dir, name, bin string, args ...string) {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("%s log (end):\n%s", name, b)
		}
	})
}

// realFreeAddr returns a 127.0.0.1 address with a port nobody listens on
// (for now).
func realFreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// realWaitFor polls url until it answers 200 with a body containing want.
func realWaitFor(t *testing.T, what, url, want string) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	realWaitUntil(t, what, func() bool {
		resp, err := client.Get(url)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		return resp.StatusCode == http.StatusOK && bytes.Contains(b, []byte(want))
	})
}

// realWaitUntil polls cond every 200ms for up to realWait.
func realWaitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(realWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", realWait, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
