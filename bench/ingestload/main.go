// Command ingestload measures how fast a Flexboard server on this machine
// takes InfluxDB line protocol, and what it costs the server.
//
// It pre-generates Telegraf-like bodies (3–5 tags a line, one "value" field
// or a few fields) covering --series series in rotation, POSTs them to
// /api/v1/ingest/influx from --concurrency connections for --duration,
// checks that every answer accepted every point, and prints the server's
// accepted points/s, its CPU-seconds per million points and its resident
// memory (all read from its /metrics before and after), and its own CPU.
//
// With --baseline it sends the same bodies the same way to a trivial
// fasthttp server (this program, started as a child process on
// 127.0.0.1:0) that reads and discards them: the ratio of the two shows how
// much of the budget is Flexboard's own work rather than HTTP on loopback.
//
//	go run ./bench/ingestload --url http://127.0.0.1:18282 --duration 60s
//	go run ./bench/ingestload --baseline --duration 60s
//
// Each series is in exactly one body and each body is sent by one
// connection, one request at a time, so every series gets its points in
// time order (timestamps are the current time, in ns, at least 1 ms apart
// for one series: the server keeps milliseconds).
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// Bounds: the tool stops by itself however it is called.
const (
	maxDuration = 5 * time.Minute
	maxBatch    = 100_000 // lines; the server takes at most 8 MiB a body
	tsDigits    = 19      // a unix-ns timestamp of this century
)

type config struct {
	url         string
	series      int
	duration    time.Duration
	batch       int
	concurrency int
	gzip        bool
	baseline    bool
	maxPoints   int64
	warmup      bool
	token       string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve-discard" {
		serveDiscard()
		return
	}
	var c config
	flag.StringVar(&c.url, "url", "http://127.0.0.1:18282", "base URL of the Flexboard server (loopback only)")
	flag.IntVar(&c.series, "series", 100_000, "distinct series, sent in rotation")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "how long to send (at most 5m)")
	flag.IntVar(&c.batch, "batch", 10_000, "lines per request")
	flag.IntVar(&c.concurrency, "concurrency", 2, "connections sending at once")
	flag.BoolVar(&c.gzip, "gzip", false, "send bodies gzipped (compressed per request, at BestSpeed)")
	flag.BoolVar(&c.baseline, "baseline", false, "send to a trivial server that discards bodies instead of --url")
	flag.Int64Var(&c.maxPoints, "max-points", 1_000_000_000, "stop after sending this many points")
	flag.BoolVar(&c.warmup, "warmup", true, "send every series once before measuring, so that series creation is not measured")
	flag.Parse()
	c.token = os.Getenv("FLEXBOARD_INGEST_TOKEN")
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "ingestload:", err)
		os.Exit(1)
	}
}

func (c config) validate() error {
	switch {
	case c.series < 1 || c.series > 10_000_000:
		return errors.New("--series must be 1 to 10000000")
	case c.duration <= 0 || c.duration > maxDuration:
		return fmt.Errorf("--duration must be more than 0 and at most %s", maxDuration)
	case c.batch < 1 || c.batch > maxBatch:
		return fmt.Errorf("--batch must be 1 to %d lines", maxBatch)
	case c.concurrency < 1 || c.concurrency > 64:
		return errors.New("--concurrency must be 1 to 64")
	case c.maxPoints < 1:
		return errors.New("--max-points must be at least 1")
	}
	if !c.baseline {
		return checkLoopback(c.url)
	}
	return nil
}

// checkLoopback refuses to load anything but this machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--url: %w", err)
	}
	if u.Scheme != "http" {
		return fmt.Errorf("--url: %q: use http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--url: %q is not a loopback address: this tool only loads a server on this machine (127.0.0.1, ::1 or localhost)", host)
	}
	return nil
}

// batch is one pre-generated body. Its lines all end with a tsDigits-wide
// timestamp that is rewritten in place before each send; only one worker
// ever sends a given batch.
type batch struct {
	body   []byte
	tsAt   []int // offsets of the timestamps
	points int
	lastTS int64
}

func (b *batch) stamp(now time.Time) {
	ts := max(now.UnixNano(), b.lastTS+int64(time.Millisecond))
	b.lastTS = ts
	var d [tsDigits]byte
	strconv.AppendInt(d[:0], ts, 10)
	for _, at := range b.tsAt {
		copy(b.body[at:at+tsDigits], d[:])
	}
}

// generate builds bodies of at most perBatch lines covering exactly series
// series, Telegraf-like: per host 8 cpu lines (4 tags, 4 fields), mem (3
// tags, 2 fields), 3 disk lines (5 tags, 3 fields), 2 net lines (3 tags, 2
// fields), 3 temp lines and system_load1 (one "value" field each): 51
// series in 18 lines.
func generate(series, perBatch int) []*batch {
	var batches []*batch
	cur := &batch{}
	lines, left := 0, series
	placeholder := strings.Repeat("0", tsDigits)
	emit := func(head string, fields ...string) {
		if left == 0 {
			return
		}
		if len(fields) > left {
			fields = fields[:left]
		}
		left -= len(fields)
		cur.body = append(cur.body, head...)
		cur.body = append(cur.body, ' ')
		cur.body = append(cur.body, strings.Join(fields, ",")...)
		cur.body = append(cur.body, ' ')
		cur.tsAt = append(cur.tsAt, len(cur.body))
		cur.body = append(cur.body, placeholder...)
		cur.body = append(cur.body, '\n')
		cur.points += len(fields)
		if lines++; lines == perBatch {
			batches = append(batches, cur)
			cur, lines = &batch{}, 0
		}
	}
	regions := []string{"eu-west-1", "us-east-2", "ap-south-1", "eu-central-1"}
	for h := 0; left > 0; h++ {
		host, region, dc := fmt.Sprintf("web-%05d", h), regions[h%len(regions)], fmt.Sprintf("dc%d", h%7)
		common := fmt.Sprintf("dc=%s,host=%s,region=%s", dc, host, region)
		f := func(format string, a ...any) string { return fmt.Sprintf(format, a...) }
		for c := 0; c < 8; c++ {
			emit(f("cpu,cpu=cpu%d,%s", c, common),
				f("usage_user=%.4f", 2.7+float64(c)), f("usage_system=%.4f", 1.1+float64(h%5)/10),
				f("usage_idle=%.4f", 95.79158316633-float64(h%10)), "usage_iowait=0.2004008016032064")
		}
		emit("mem,"+common, f("used=%di", 3586965504+h), f("available_percent=%.6f", 74.31780831098753))
		for d, path := range []string{"/", "/var/lib/docker", `/mnt/My\ Backups`} {
			emit(f("disk,device=sd%c1,fstype=ext4,host=%s,mode=rw,path=%s", 'a'+d, host, path),
				f("free=%du", 41234567168+h), "used=58468036608u", "used_percent=58.638302146792654")
		}
		for i := 0; i < 2; i++ {
			emit(f("net,host=%s,interface=eth%d,region=%s", host, i, region), f("bytes_recv=%di", 123456789012+h), f("bytes_sent=%di", 98765432101+h))
		}
		for s := 0; s < 3; s++ {
			emit(f("temp,%s,sensor=coretemp_core%d", common, s), f("value=%.1f", 41.5+float64(s)))
		}
		emit("system_load1,"+common, f("value=%.2f", 0.42+float64(h%20)/10))
	}
	if lines > 0 {
		batches = append(batches, cur)
	}
	return batches
}

// answer is the JSON of an ingest answer.
type answer struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	Errors   []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// tally is what the workers saw.
type tally struct {
	requests, points, accepted, rejected, bytes atomic.Int64
	failed                                      atomic.Int64 // requests not answered 200
	latencyNS, maxLatencyNS                     atomic.Int64

	mu       sync.Mutex
	problems map[string]int // first words of each kind of problem → count
	start    time.Time      // of the measured run
	slow     []string       // the first requests slower than slowRequest
}

// slowRequest is the latency above which a request is listed (up to 10):
// stalls show when they happened.
const slowRequest = 500 * time.Millisecond

func (t *tally) problem(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.problems == nil {
		t.problems = map[string]int{}
	}
	if len(t.problems) < 20 || t.problems[msg] > 0 {
		t.problems[msg]++
	}
}

type sender struct {
	// reqCtx ends only on SIGINT: the end of the run lets requests in
	// flight finish, so that the loader and the server count the same.
	reqCtx context.Context
	cfg    config
	client *http.Client
	target string
	tally  *tally
}

// send posts one batch and checks its answer.
func (s *sender) send(ctx context.Context, b *batch, zw *gzip.Writer, zbuf *bytes.Buffer) error {
	b.stamp(time.Now())
	body := b.body
	if s.cfg.gzip {
		zbuf.Reset()
		zw.Reset(zbuf)
		zw.Write(body)
		zw.Close()
		body = zbuf.Bytes()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	if s.cfg.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if s.cfg.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.token)
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	lat := time.Since(start).Nanoseconds()
	t := s.tally
	t.requests.Add(1)
	t.bytes.Add(int64(len(body)))
	t.latencyNS.Add(lat)
	for m := t.maxLatencyNS.Load(); lat > m && !t.maxLatencyNS.CompareAndSwap(m, lat); m = t.maxLatencyNS.Load() {
	}
	if time.Duration(lat) > slowRequest && !t.start.IsZero() {
		t.mu.Lock()
		if len(t.slow) < 10 {
			t.slow = append(t.slow, fmt.Sprintf("%s at %.1fs", time.Duration(lat).Round(time.Millisecond), start.Sub(t.start).Seconds()))
		}
		t.mu.Unlock()
	}
	t.points.Add(int64(b.points))
	if resp.StatusCode != http.StatusOK {
		t.failed.Add(1)
		t.problem(fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, raw))
		return nil
	}
	if s.cfg.baseline {
		t.accepted.Add(int64(b.points))
		return nil
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.problem(fmt.Sprintf("unreadable answer: %v: %.200s", err, raw))
		return nil
	}
	t.accepted.Add(int64(a.Accepted))
	t.rejected.Add(int64(a.Rejected))
	if a.Rejected > 0 {
		for _, e := range a.Errors {
			t.problem(fmt.Sprintf("rejected: %.160s", e.Message))
		}
	}
	if a.Accepted+a.Rejected != b.points {
		t.problem(fmt.Sprintf("answer counts %d accepted + %d rejected for a body of %d points", a.Accepted, a.Rejected, b.points))
	}
	return nil
}

// work sends its batches in turn until ctx ends or the point budget is
// spent; one round when once is set.
func (s *sender) work(ctx context.Context, mine []*batch, once bool, budget *atomic.Int64) error {
	var zbuf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zbuf, gzip.BestSpeed)
	for {
		for _, b := range mine {
			if ctx.Err() != nil || budget.Add(-int64(b.points)) < 0 {
				return nil
			}
			if err := s.send(s.reqCtx, b, zw, &zbuf); err != nil {
				if s.reqCtx.Err() != nil {
					return nil
				}
				return err
			}
		}
		if once {
			return nil
		}
	}
}

// serverStats are the lines of /metrics the tool reads.
type serverStats struct {
	cpu, points, rejected, rss, series, inMemory, gcCycles float64
	seen                                                   map[string]bool
}

func scrape(client *http.Client, base string) (serverStats, error) {
	st := serverStats{seen: map[string]bool{}}
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return st, fmt.Errorf("read %s/metrics: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("read %s/metrics: HTTP %d", base, resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		name := line[:sp]
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = name[:i]
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		st.seen[name] = true
		switch name {
		case "process_cpu_seconds_total":
			st.cpu = v
		case "flexboard_ingest_points_total":
			st.points = v
		case "flexboard_ingest_rejected_total":
			st.rejected += v
		case "process_resident_memory_bytes":
			st.rss = v
		case "flexboard_series_active":
			st.series = v
		case "flexboard_points_in_memory":
			st.inMemory = v
		case "go_gc_cycles_total":
			st.gcCycles = v
		}
	}
	if !st.seen["process_cpu_seconds_total"] {
		return st, fmt.Errorf("%s/metrics has no process_cpu_seconds_total", base)
	}
	return st, sc.Err()
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func run(cfg config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	base := strings.TrimRight(cfg.url, "/")
	if cfg.baseline {
		addr, stopChild, err := startDiscard()
		if err != nil {
			return err
		}
		defer stopChild()
		base = "http://" + addr
	}
	batches := generate(cfg.series, cfg.batch)
	var bodyBytes, points int
	for _, b := range batches {
		bodyBytes += len(b.body)
		points += b.points
	}
	conc := min(cfg.concurrency, len(batches))
	mode := "flexboard"
	if cfg.baseline {
		mode = "baseline"
	}
	fmt.Printf("ingestload: %s %s: %d series in %d bodies of up to %d lines (%.1f MiB a round, %.1f bytes/point), %d connections, gzip %v, %s\n",
		mode, base, points, len(batches), cfg.batch, float64(bodyBytes)/(1<<20), float64(bodyBytes)/float64(points), conc, cfg.gzip, cfg.duration)
	if conc < cfg.concurrency {
		fmt.Printf("ingestload: only %d bodies: %d connections, not %d\n", len(batches), conc, cfg.concurrency)
	}

	client := &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: conc + 1,
			DisableCompression:  true,
			// Bodies go out in large writes; the default 4 KiB buffer
			// would split each into hundreds of syscalls.
			WriteBufferSize: 256 << 10,
		},
	}
	s := &sender{reqCtx: ctx, cfg: cfg, client: client, target: base + "/api/v1/ingest/influx", tally: &tally{}}
	shares := make([][]*batch, conc)
	for i, b := range batches {
		shares[i%conc] = append(shares[i%conc], b)
	}
	runWorkers := func(ctx context.Context, once bool, budget *atomic.Int64) error {
		var wg sync.WaitGroup
		errc := make(chan error, conc)
		for _, mine := range shares {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.work(ctx, mine, once, budget); err != nil {
					errc <- err
				}
			}()
		}
		wg.Wait()
		close(errc)
		return <-errc
	}

	if cfg.warmup {
		var unlimited atomic.Int64
		unlimited.Store(1 << 62)
		start := time.Now()
		if err := runWorkers(ctx, true, &unlimited); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
		fmt.Printf("ingestload: warm-up: every series sent once in %s\n", time.Since(start).Round(time.Millisecond))
		s.tally = &tally{}
	}

	before, err := scrape(client, base)
	if err != nil {
		return err
	}
	cpu0, start := selfCPU(), time.Now()
	s.tally.start = start
	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var budget atomic.Int64
	budget.Store(cfg.maxPoints)
	peakRSS := before.rss
	progressDone := make(chan struct{})
	go func() { // progress and peak memory every 10 s
		defer close(progressDone)
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		last, lastAt := before, start
		for {
			select {
			case <-runCtx.Done():
				return
			case now := <-tick.C:
				st, err := scrape(client, base)
				if err != nil {
					continue
				}
				peakRSS = max(peakRSS, st.rss)
				dt := now.Sub(lastAt).Seconds()
				fmt.Printf("  %4.0fs  %9.0f points/s  server %.2f CPUs  rss %4.0f MiB  %d points in memory\n",
					now.Sub(start).Seconds(), (st.points-last.points)/dt, (st.cpu-last.cpu)/dt, st.rss/(1<<20), int64(st.inMemory))
				last, lastAt = st, now
			}
		}
	}()
	werr := runWorkers(runCtx, false, &budget)
	wall := time.Since(start)
	loaderCPU := selfCPU() - cpu0
	cancel()
	<-progressDone
	after, err := scrape(client, base)
	if err != nil {
		return err
	}
	peakRSS = max(peakRSS, after.rss)
	if werr != nil {
		fmt.Printf("ingestload: a connection stopped early: %v\n", werr)
	}
	report(cfg, s.tally, before, after, wall, loaderCPU, peakRSS, float64(bodyBytes)/float64(points))
	return nil
}

func report(cfg config, t *tally, before, after serverStats, wall time.Duration, loaderCPU time.Duration, peakRSS, bytesPerPoint float64) {
	secs := wall.Seconds()
	sent := float64(t.points.Load())
	accepted := after.points - before.points
	if cfg.baseline {
		accepted = float64(t.accepted.Load())
	}
	cpu := after.cpu - before.cpu
	reqs := t.requests.Load()
	fmt.Printf("ingestload: %d requests in %.1fs, %.1f MB sent (%.1f MB/s), mean latency %s, max %s\n",
		reqs, secs, float64(t.bytes.Load())/1e6, float64(t.bytes.Load())/1e6/secs,
		time.Duration(t.latencyNS.Load()/max(reqs, 1)).Round(time.Microsecond), time.Duration(t.maxLatencyNS.Load()).Round(time.Microsecond))
	fmt.Printf("  points sent            %12.0f  (%.0f/s)\n", sent, sent/secs)
	if cfg.baseline {
		fmt.Printf("  points/s (discarded)   %12.0f  (bytes/s %.0f ÷ %.1f bytes/point)\n", accepted/secs, float64(t.bytes.Load())/secs, bytesPerPoint)
	} else {
		fmt.Printf("  points/s accepted      %12.0f  (server counter: %.0f points)\n", accepted/secs, accepted)
		fmt.Printf("  rejected (answers)     %12d  (server counter: %.0f)\n", t.rejected.Load(), after.rejected-before.rejected)
		fmt.Printf("  series in memory       %12.0f  points in memory %.0f\n", after.series, after.inMemory)
		fmt.Printf("  GC cycles              %12.0f\n", after.gcCycles-before.gcCycles)
	}
	fmt.Printf("  server CPU             %12.2f s  (%.2f CPUs)\n", cpu, cpu/secs)
	fmt.Printf("  server CPU-s / Mpoints %12.3f\n", cpu/accepted*1e6)
	fmt.Printf("  server RSS             %12.0f MiB  (peak seen %.0f MiB)\n", after.rss/(1<<20), peakRSS/(1<<20))
	fmt.Printf("  loader CPU             %12.2f s  (%.2f CPUs, %.3f CPU-s / Mpoints)\n", loaderCPU.Seconds(), loaderCPU.Seconds()/secs, loaderCPU.Seconds()/sent*1e6)
	if len(t.slow) > 0 {
		fmt.Printf("  slow requests (> %s): %s\n", slowRequest, strings.Join(t.slow, ", "))
	}
	if t.failed.Load() > 0 || len(t.problems) > 0 {
		fmt.Printf("  PROBLEMS: %d requests not answered 200\n", t.failed.Load())
		var keys []string
		for k := range t.problems {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("    %6d × %s\n", t.problems[k], k)
		}
	}
	fmt.Printf("RESULT mode=%s series=%d batch=%d conc=%d gzip=%v wall_s=%.1f points_per_s=%.0f server_cpu_s_per_mpoints=%.3f server_cpus=%.2f rss_mib=%.0f loader_cpus=%.2f rejected=%d failed=%d\n",
		map[bool]string{false: "flexboard", true: "baseline"}[cfg.baseline], cfg.series, cfg.batch, cfg.concurrency, cfg.gzip,
		secs, accepted/secs, cpu/accepted*1e6, cpu/secs, after.rss/(1<<20), loaderCPU.Seconds()/secs, t.rejected.Load(), t.failed.Load())
}

// startDiscard starts this program as the baseline server and returns its
// address and a function that stops it. A child process, so that its CPU
// is measured apart from the loader's, as the real server's is.
func startDiscard() (string, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(exe, "serve-discard")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // the child exits when it closes
	if err != nil {
		return "", nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start the baseline server: %w", err)
	}
	stopChild := func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stopChild()
		return "", nil, fmt.Errorf("the baseline server did not start: %w", err)
	}
	return strings.TrimSpace(line), stopChild, nil
}

// serveDiscard is the baseline server: fasthttp, as under Fiber, with the
// same body limit; it reads each body whole, as Fiber does, and discards
// it. It prints its address, then serves until its stdin closes (its parent
// is gone) or for at most maxDuration plus a margin.
func serveDiscard() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve-discard:", err)
		os.Exit(1)
	}
	var bodies, bytesIn atomic.Int64
	srv := &fasthttp.Server{
		MaxRequestBodySize: 8 << 20,
		ReadTimeout:        30 * time.Second,
		WriteTimeout:       30 * time.Second,
		Handler: func(c *fasthttp.RequestCtx) {
			switch string(c.Path()) {
			case "/api/v1/ingest/influx":
				bodies.Add(1)
				bytesIn.Add(int64(len(c.Request.Body())))
				c.SetContentType("application/json")
				c.SetBodyString(`{"accepted":0,"rejected":0,"errors":[]}`)
			case "/metrics":
				var ru syscall.Rusage
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
				cpu := float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
				fmt.Fprintf(c, "process_cpu_seconds_total %g\nprocess_resident_memory_bytes %d\nbaseline_bodies_total %d\nbaseline_bytes_total %d\n",
					cpu, rss(), bodies.Load(), bytesIn.Load())
			default:
				c.SetStatusCode(fasthttp.StatusNotFound)
			}
		},
	}
	fmt.Println(ln.Addr().String())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	time.AfterFunc(maxDuration+2*time.Minute, func() { os.Exit(0) })
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "serve-discard:", err)
		os.Exit(1)
	}
}

func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
