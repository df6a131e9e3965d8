package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	streamclient "github.com/flexboard/flexboard/stream/client"
)

// Bounds of `flexboard loadtest`: it is a tool for measuring a server on
// this machine, not for flooding one.
const (
	maxLoadDisplays   = 20000
	maxLoadDuration   = 30 * time.Minute
	maxLoadRate       = 5_000_000
	maxLoadSeries     = 100_000
	loadRampStep      = 500                   // displays dialed at once
	loadRampTimeout   = 60 * time.Second      // for one step to connect or fail
	loadIngestEvery   = 10 * time.Millisecond // a batch per 10 ms keeps data at most 10 ms old at a tick
	loadMetricName    = "loadtest_value"      // what the board's widgets must query
	loadScrapeTimeout = 10 * time.Second
)

type loadtestOptions struct {
	url, board, variant, token string
	displays, series           int
	rate                       int
	duration                   time.Duration
	json                       bool
}

// loadtestCmd runs `flexboard loadtest`. Exit codes: 0 done, 1 the test ran
// but no display connected, 2 usage errors or an unreachable server.
func loadtestCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o loadtestOptions
	fs.StringVar(&o.url, "url", "", "")
	fs.StringVar(&o.board, "board", "", "")
	fs.StringVar(&o.variant, "variant", "", "")
	fs.StringVar(&o.token, "token", "", "")
	fs.IntVar(&o.displays, "displays", 100, "")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "")
	fs.IntVar(&o.rate, "ingest-rate", 1000, "")
	fs.IntVar(&o.series, "series", 10, "")
	fs.BoolVar(&o.json, "json", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "flexboard loadtest: %v (see flexboard --help)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "flexboard loadtest: unexpected argument %q (see flexboard --help)\n", fs.Arg(0))
		return 2
	}
	o.url, o.token = toolServer(o.url, o.token, getenv)
	if err := o.validate(ctx); err != nil {
		fmt.Fprintf(stderr, "flexboard loadtest: %v\n", err)
		return 2
	}
	rep, err := runLoadtest(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "flexboard loadtest: %v\n", err)
		return 2
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.print(stdout)
	}
	if rep.Displays.Connected == 0 {
		return 1
	}
	return 0
}

func (o *loadtestOptions) validate(ctx context.Context) error {
	u, err := url.Parse(o.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q: want the server's base URL, such as http://127.0.0.1:8080", o.url)
	}
	if err := checkLoopback(ctx, u.Hostname()); err != nil {
		return err
	}
	switch {
	case o.board == "":
		return errors.New("--board ID is required: the board the displays open (its widgets should query " + loadMetricName + ")")
	case o.displays < 1 || o.displays > maxLoadDisplays:
		return fmt.Errorf("--displays %d: must be 1 to %d", o.displays, maxLoadDisplays)
	case o.duration <= 0 || o.duration > maxLoadDuration:
		return fmt.Errorf("--duration %s: must be more than 0 and at most %s", o.duration, maxLoadDuration)
	case o.rate < 0 || o.rate > maxLoadRate:
		return fmt.Errorf("--ingest-rate %d: must be 0 to %d points per second", o.rate, maxLoadRate)
	case o.series < 1 || o.series > maxLoadSeries:
		return fmt.Errorf("--series %d: must be 1 to %d", o.series, maxLoadSeries)
	}
	return nil
}

// checkLoopback refuses any host but this machine's loopback: the load
// test sends traffic nowhere else.
func checkLoopback(ctx context.Context, host string) error {
	refuse := fmt.Errorf("--url host %q is not loopback: loadtest only runs against a server on this machine (127.0.0.0/8, ::1 or localhost)", host)
	if strings.EqualFold(host, "localhost") {
		ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		if err != nil || len(ips) == 0 {
			return refuse
		}
		for _, ip := range ips {
			if !ip.IP.IsLoopback() {
				return refuse
			}
		}
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return refuse
}

// raiseFileLimit lifts the open-files limit to need if it can (the hard
// limit too when running as root) and returns the limit in force.
func raiseFileLimit(need uint64) uint64 {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return 0
	}
	if lim.Cur >= need {
		return lim.Cur
	}
	want := syscall.Rlimit{Cur: need, Max: max(lim.Max, need)}
	if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) != nil {
		want = syscall.Rlimit{Cur: lim.Max, Max: lim.Max}
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want)
	}
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	return lim.Cur
}

// loadReport is what loadtest prints; --json prints it as is.
type loadReport struct {
	URL       string  `json:"url"`
	Board     string  `json:"board"`
	Variant   string  `json:"variant"`
	RefreshMS int64   `json:"refresh_ms"`
	RampS     float64 `json:"ramp_seconds"`
	DurationS float64 `json:"duration_seconds"` // the measured window, after the ramp

	Displays struct {
		Wanted    int   `json:"wanted"`
		Connected int64 `json:"connected"` // open at the end of the window
		Failed    int64 `json:"failed"`    // never connected
		Peak      int64 `json:"peak"`
	} `json:"displays"`

	Frames struct {
		Received      int64   `json:"received"`
		PerSecond     float64 `json:"per_second"`
		Expected      float64 `json:"expected_per_second"` // connected × 1000/refresh_ms
		Updates       int64   `json:"updates"`
		Snapshots     int64   `json:"snapshots"`
		AvgUpdateSize int64   `json:"avg_update_bytes"`
	} `json:"frames"`

	// Latency is receive time − ingest_ts of updates that carry data, in ms.
	Latency struct {
		Samples int64   `json:"samples"`
		P50     float64 `json:"p50_ms"`
		P95     float64 `json:"p95_ms"`
		P99     float64 `json:"p99_ms"`
		Max     float64 `json:"max_ms"`
	} `json:"latency"`

	Ingest struct {
		Rate      int     `json:"rate_wanted"`
		PerSecond float64 `json:"points_per_second"`
		Sent      int64   `json:"points_sent"`
		Accepted  int64   `json:"accepted"`
		Rejected  int64   `json:"rejected"`
		Errors    int64   `json:"errors"`
	} `json:"ingest"`

	Disconnects int64            `json:"disconnects"`
	Errors      int64            `json:"errors"`
	ErrorKinds  map[string]int64 `json:"error_kinds,omitempty"`

	Server *serverUsage `json:"server,omitempty"`
	// FileLimit is the loader's open-files limit; below the displays
	// wanted, connections fail.
	FileLimit uint64 `json:"file_limit"`
	// LoaderCPUCores is this process's CPU over the window: on the same
	// machine it competes with the server.
	LoaderCPUCores float64 `json:"loader_cpu_cores"`
}

// processCPU is the user and system CPU seconds of this process.
func processCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// serverUsage is the server's own account of the run, from /metrics.
type serverUsage struct {
	CPUCores        float64 `json:"cpu_cores"`   // CPU seconds over the window / its length
	CPUSeconds      float64 `json:"cpu_seconds"` // over the window
	FramesWritten   int64   `json:"frames_written"`
	CPUPerFrameUS   float64 `json:"cpu_us_per_frame_written"`
	RSSBytes        int64   `json:"rss_bytes"`
	HeapInuseBytes  int64   `json:"heap_inuse_bytes"`  // the lowest reading of the window
	StackInuseBytes int64   `json:"stack_inuse_bytes"` // at that reading
	GCCycles        int64   `json:"gc_cycles"`         // during the window
	Goroutines      int64   `json:"goroutines"`
	// PerDisplayBytes is (heap+stacks with the displays − before them) / displays.
	PerDisplayBytes float64 `json:"per_display_bytes"`
	BeforeBytes     int64   `json:"heap_stack_before_bytes"`
	SlowDisconnects int64   `json:"slow_disconnects"`
	IdleDisconnects int64   `json:"idle_disconnects"`
}

// latencyHist counts latencies without locks: 0.1 ms buckets up to 1 s,
// 10 ms buckets up to 60 s, then one overflow bucket.
type latencyHist struct {
	fine   [10000]atomic.Int64
	coarse [5901]atomic.Int64
	max    atomic.Int64 // µs
	n      atomic.Int64
}

func (h *latencyHist) observe(ms float64) {
	ms = max(ms, 0)
	if ms < 1000 {
		h.fine[int(ms*10)].Add(1)
	} else {
		h.coarse[min(int((ms-1000)/10), len(h.coarse)-1)].Add(1)
	}
	us := int64(ms * 1000)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			break
		}
	}
	h.n.Add(1)
}

// quantile returns the upper edge of the bucket holding quantile q.
func (h *latencyHist) quantile(q float64) float64 {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(n)))
	var acc int64
	for i := range h.fine {
		if acc += h.fine[i].Load(); acc >= rank {
			return float64(i+1) / 10
		}
	}
	for i := range h.coarse {
		if acc += h.coarse[i].Load(); acc >= rank {
			return 1000 + float64(i+1)*10
		}
	}
	return float64(h.max.Load()) / 1000
}

// loadRun is the state of one load test.
type loadRun struct {
	o       loadtestOptions
	closing atomic.Bool
	measure atomic.Bool

	live, peak, disconnects, errors atomic.Int64
	frames, updates, snapshots      atomic.Int64
	updateBytes                     atomic.Int64
	refreshMS                       atomic.Int64
	lat                             latencyHist

	errMu    sync.Mutex
	errKinds map[string]int64

	sent, accepted, rejected, ingestErrs atomic.Int64
}

var addrPortRE = regexp.MustCompile(`(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):\d+`)

// errorKind groups errors whose text differs only in addresses.
func errorKind(err error) string {
	var ce *streamclient.CloseError
	if errors.As(err, &ce) {
		return ce.Error()
	}
	s := addrPortRE.ReplaceAllString(err.Error(), "ADDR")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func (r *loadRun) addError(err error) {
	r.errors.Add(1)
	k := errorKind(err)
	r.errMu.Lock()
	if _, ok := r.errKinds[k]; ok || len(r.errKinds) < 10 {
		r.errKinds[k]++
	}
	r.errMu.Unlock()
}

// loadDisplay is one display connection.
type loadDisplay struct {
	sub      *streamclient.Subscription
	first    chan struct{} // closed at the first outcome: live, or a failed attempt
	once     sync.Once
	live     bool // owned by the subscription's goroutine (OnState)
	everLive atomic.Bool
}

func (d *loadDisplay) settle() { d.once.Do(func() { close(d.first) }) }

func (r *loadRun) onState(d *loadDisplay, c streamclient.StateChange) {
	switch c.State {
	case streamclient.Live:
		d.live = true
		d.everLive.Store(true)
		n := r.live.Add(1)
		for p := r.peak.Load(); n > p && !r.peak.CompareAndSwap(p, n); p = r.peak.Load() {
		}
		d.settle()
	case streamclient.Reconnecting, streamclient.Stopped:
		if d.live {
			d.live = false
			r.live.Add(-1)
			if !r.closing.Load() {
				r.disconnects.Add(1)
			}
		}
		if c.Err != nil && !r.closing.Load() {
			r.addError(c.Err)
		}
		d.settle()
	}
}

func (r *loadRun) onFrame(f streamclient.Frame) {
	if f.Type == "hello" && f.RefreshMS > 0 {
		r.refreshMS.Store(f.RefreshMS)
	}
	if !r.measure.Load() {
		return
	}
	switch f.Type {
	case "update":
		r.frames.Add(1)
		r.updates.Add(1)
		r.updateBytes.Add(int64(f.Size))
		if f.IngestTS > 0 {
			r.lat.observe(float64(f.ReceivedAt.UnixMicro())/1000 - float64(f.IngestTS))
		}
	case "snapshot":
		r.frames.Add(1)
		r.snapshots.Add(1)
	}
}

func runLoadtest(ctx context.Context, o loadtestOptions, stderr io.Writer) (*loadReport, error) {
	rep := &loadReport{URL: o.url, Board: o.board, Variant: o.variant}
	rep.Displays.Wanted = o.displays
	rep.Ingest.Rate = o.rate
	rep.FileLimit = raiseFileLimit(uint64(o.displays) + 256)
	if rep.FileLimit < uint64(o.displays)+64 {
		fmt.Fprintf(stderr, "flexboard loadtest: warning: the open-files limit is %d, too low for %d displays: raise it with ulimit -n\n", rep.FileLimit, o.displays)
	}
	api := &http.Client{Timeout: loadScrapeTimeout}
	if err := checkBoard(ctx, api, o); err != nil {
		return nil, err
	}
	before, err := scrapeMetrics(ctx, api, o.url)
	if err != nil {
		return nil, err
	}

	r := &loadRun{o: o, errKinds: map[string]int64{}}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	wg.Add(1)
	ingestStart := time.Now()
	go func() {
		defer wg.Done()
		r.ingest(runCtx)
	}()

	// Displays: every upgrade is its own connection, kept after it is
	// hijacked, so the transport pools nothing.
	ws := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		MaxIdleConns: -1, DisableCompression: true}}
	displays := make([]*loadDisplay, 0, o.displays)
	rampStart := time.Now()
	for len(displays) < o.displays && runCtx.Err() == nil {
		n := min(loadRampStep, o.displays-len(displays))
		batch := make([]*loadDisplay, n)
		for i := range batch {
			d := &loadDisplay{first: make(chan struct{})}
			sub, err := streamclient.Subscribe(runCtx, streamclient.Options{URL: o.url, Board: o.board, Variant: o.variant,
				HTTPClient: ws, HeaderOnly: true, OnFrame: r.onFrame, Header: tokenHeader(o.token),
				OnState: func(c streamclient.StateChange) { r.onState(d, c) }})
			if err != nil {
				stop()
				return nil, err
			}
			d.sub = sub
			batch[i] = d
		}
		// A step waits until each display has connected or failed once.
		stepCtx, stepDone := context.WithTimeout(runCtx, loadRampTimeout)
		for _, d := range batch {
			select {
			case <-d.first:
			case <-stepCtx.Done():
			}
		}
		stepDone()
		displays = append(displays, batch...)
	}
	rep.RampS = time.Since(rampStart).Seconds()

	// The measured window. Heap in use includes garbage not yet collected,
	// so memory is sampled every second and the lowest reading (just after
	// a collection) is the one reported: the closest to what the displays
	// hold.
	start, errStart := scrapeMetrics(runCtx, api, o.url)
	t0, cpu0 := time.Now(), processCPU()
	r.measure.Store(true)
	low := metrics{}
	tick := time.NewTicker(time.Second)
	for waiting := true; waiting; {
		select {
		case <-runCtx.Done():
			waiting = false
		case <-time.After(time.Until(t0.Add(o.duration))):
			waiting = false
		case <-tick.C:
			if m, err := scrapeMetrics(runCtx, api, o.url); err == nil && (len(low) == 0 || m.heapStack() < low.heapStack()) {
				low = m
			}
		}
	}
	tick.Stop()
	r.measure.Store(false)
	window := time.Since(t0)
	rep.LoaderCPUCores = (processCPU() - cpu0) / window.Seconds()
	end, errEnd := scrapeMetrics(runCtx, api, o.url)
	if errEnd == nil && len(low) > 0 && low.heapStack() < end.heapStack() {
		end["go_memstats_heap_inuse_bytes"] = low["go_memstats_heap_inuse_bytes"]
		end["go_memstats_stack_inuse_bytes"] = low["go_memstats_stack_inuse_bytes"]
	}
	connected := r.live.Load()

	r.closing.Store(true)
	stop()
	closeDisplays(displays)
	wg.Wait()
	ingestFor := time.Since(ingestStart).Seconds()

	rep.DurationS = window.Seconds()
	rep.RefreshMS = r.refreshMS.Load()
	rep.Displays.Connected = connected
	rep.Displays.Peak = r.peak.Load()
	for _, d := range displays {
		if !d.everLive.Load() {
			rep.Displays.Failed++
		}
	}
	rep.Displays.Failed += int64(o.displays - len(displays)) // never started: interrupted
	fr := &rep.Frames
	fr.Received, fr.Updates, fr.Snapshots = r.frames.Load(), r.updates.Load(), r.snapshots.Load()
	fr.PerSecond = float64(fr.Received) / window.Seconds()
	if rep.RefreshMS > 0 {
		fr.Expected = float64(connected) * 1000 / float64(rep.RefreshMS)
	}
	if fr.Updates > 0 {
		fr.AvgUpdateSize = r.updateBytes.Load() / fr.Updates
	}
	l := &rep.Latency
	l.Samples = r.lat.n.Load()
	l.P50, l.P95, l.P99 = r.lat.quantile(.50), r.lat.quantile(.95), r.lat.quantile(.99)
	l.Max = float64(r.lat.max.Load()) / 1000
	in := &rep.Ingest
	in.Sent, in.Accepted, in.Rejected, in.Errors = r.sent.Load(), r.accepted.Load(), r.rejected.Load(), r.ingestErrs.Load()
	in.PerSecond = float64(in.Sent) / ingestFor
	rep.Disconnects, rep.Errors = r.disconnects.Load(), r.errors.Load()
	if len(r.errKinds) > 0 {
		rep.ErrorKinds = r.errKinds
	}
	if errStart == nil && errEnd == nil {
		s := &serverUsage{}
		s.CPUSeconds = end["process_cpu_seconds_total"] - start["process_cpu_seconds_total"]
		s.CPUCores = s.CPUSeconds / window.Seconds()
		s.FramesWritten = int64(end["flexboard_frames_written_total"] - start["flexboard_frames_written_total"])
		if s.FramesWritten > 0 {
			s.CPUPerFrameUS = s.CPUSeconds / float64(s.FramesWritten) * 1e6
		}
		s.RSSBytes = int64(end["process_resident_memory_bytes"])
		s.HeapInuseBytes = int64(end["go_memstats_heap_inuse_bytes"])
		s.StackInuseBytes = int64(end["go_memstats_stack_inuse_bytes"])
		s.Goroutines = int64(end["go_goroutines"])
		s.GCCycles = int64(end["go_gc_cycles_total"] - start["go_gc_cycles_total"])
		s.BeforeBytes = int64(before.heapStack())
		if connected > 0 {
			s.PerDisplayBytes = (end.heapStack() - before.heapStack()) / float64(connected)
		}
		s.SlowDisconnects = int64(end["flexboard_display_slow_disconnects_total"] - before["flexboard_display_slow_disconnects_total"])
		s.IdleDisconnects = int64(end["flexboard_display_idle_disconnects_total"] - before["flexboard_display_idle_disconnects_total"])
		rep.Server = s
	} else {
		fmt.Fprintf(stderr, "flexboard loadtest: warning: no server figures: %v\n", errors.Join(errStart, errEnd))
	}
	return rep, nil
}

// closeDisplays closes the subscriptions, a few dozen at a time.
func closeDisplays(ds []*loadDisplay) {
	var wg sync.WaitGroup
	work := make(chan *loadDisplay)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				d.sub.Close()
			}
		}()
	}
	for _, d := range ds {
		work <- d
	}
	close(work)
	wg.Wait()
}

// checkBoard makes sure the board exists, so that a wrong id is one clear
// message rather than N failed displays.
func checkBoard(ctx context.Context, c *http.Client, o loadtestOptions) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(o.url, "/")+"/api/v1/boards/"+url.PathEscape(o.board), nil)
	if err != nil {
		return err
	}
	setBearer(req, o.token)
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("reach the server at %s: %w", o.url, err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	switch res.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusNotFound:
		return fmt.Errorf("board %q not found on %s: create one whose widgets query %s (see docs/benchmarks.md)", o.board, o.url, loadMetricName)
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("GET board %q: HTTP %d: the server needs a login; pass --token with an API token of scopes read and ingest (docs/operations.md)", o.board, res.StatusCode)
	}
	return fmt.Errorf("GET board %q: HTTP %d", o.board, res.StatusCode)
}

// ingest pushes loadtest_value points as influx lines, one batch per
// loadIngestEvery, keeping to o.rate on average. A server that cannot
// keep up is not sent a backlog: at most one second's worth is owed.
func (r *loadRun) ingest(ctx context.Context) {
	rate := r.o.rate
	if rate == 0 {
		return
	}
	p := &streamclient.Poster{URL: r.o.url, Token: r.o.token, Client: &http.Client{Timeout: 30 * time.Second}}
	t := time.NewTicker(loadIngestEvery)
	defer t.Stop()
	var owed float64 // points due, fractions carried over
	var series int64
	var body []byte
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			owed = min(owed+float64(rate)*now.Sub(last).Seconds(), float64(rate))
			last = now
		}
		n := int64(owed)
		if n <= 0 {
			continue
		}
		owed -= float64(n)
		body = body[:0]
		for range n {
			body = append(body, loadMetricName+",series="...)
			body = strconv.AppendInt(body, series, 10)
			body = append(body, " value="...)
			body = strconv.AppendFloat(body, rand.Float64()*100, 'f', 3, 64)
			body = append(body, '\n')
			series = (series + 1) % int64(r.o.series)
		}
		ack, err := p.Post(ctx, streamclient.FormatInflux, "", body)
		if ctx.Err() != nil {
			return
		}
		r.sent.Add(n)
		r.accepted.Add(int64(ack.Accepted))
		r.rejected.Add(int64(ack.Rejected))
		if err != nil {
			r.ingestErrs.Add(1)
			r.addError(fmt.Errorf("ingest: %w", err))
		}
	}
}

// metrics are the unlabelled samples of a /metrics page.
type metrics map[string]float64

func (m metrics) heapStack() float64 {
	return m["go_memstats_heap_inuse_bytes"] + m["go_memstats_stack_inuse_bytes"]
}

func scrapeMetrics(ctx context.Context, c *http.Client, base string) (metrics, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the server's /metrics: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read the server's /metrics: HTTP %d", res.StatusCode)
	}
	m := metrics{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok || strings.ContainsRune(name, '{') {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			m[name] = v
		}
	}
	return m, sc.Err()
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func (rep *loadReport) print(w io.Writer) {
	variant := rep.Variant
	if variant == "" {
		variant = "(first)"
	}
	fmt.Fprintf(w, "loadtest of %s, board %s variant %s, refresh %d ms: %.1f s measured after a %.1f s ramp\n",
		rep.URL, rep.Board, variant, rep.RefreshMS, rep.DurationS, rep.RampS)
	d := rep.Displays
	fmt.Fprintf(w, "displays     wanted %d, connected %d, failed %d (peak %d)\n", d.Wanted, d.Connected, d.Failed, d.Peak)
	f := rep.Frames
	fmt.Fprintf(w, "frames       %.1f/s received (%.1f/s expected), %d updates averaging %d bytes, %d snapshots\n",
		f.PerSecond, f.Expected, f.Updates, f.AvgUpdateSize, f.Snapshots)
	l := rep.Latency
	if l.Samples > 0 {
		fmt.Fprintf(w, "latency      ingest→display p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (%d frames)\n", l.P50, l.P95, l.P99, l.Max, l.Samples)
	} else {
		fmt.Fprintf(w, "latency      none measured: no update carried data (is --ingest-rate 0, or do no widgets query %s?)\n", loadMetricName)
	}
	in := rep.Ingest
	fmt.Fprintf(w, "ingest       %d points/s wanted, %.0f/s sent: %d accepted, %d rejected, %d failed requests\n",
		in.Rate, in.PerSecond, in.Accepted, in.Rejected, in.Errors)
	fmt.Fprintf(w, "loader       %.3f cores of CPU, open-files limit %d\n", rep.LoaderCPUCores, rep.FileLimit)
	fmt.Fprintf(w, "problems     %d disconnects, %d errors\n", rep.Disconnects, rep.Errors)
	kinds := make([]string, 0, len(rep.ErrorKinds))
	for k := range rep.ErrorKinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return rep.ErrorKinds[kinds[i]] > rep.ErrorKinds[kinds[j]] })
	for _, k := range kinds {
		fmt.Fprintf(w, "             %6d× %s\n", rep.ErrorKinds[k], k)
	}
	if s := rep.Server; s != nil {
		fmt.Fprintf(w, "server CPU   %.3f cores (%.2f s), %.1f µs per frame written (%d frames)\n", s.CPUCores, s.CPUSeconds, s.CPUPerFrameUS, s.FramesWritten)
		fmt.Fprintf(w, "server mem   RSS %s, heap %s, stacks %s (lowest of the window, %d GCs), %d goroutines; per display %.1f KB (heap+stacks − %s before)\n",
			mib(s.RSSBytes), mib(s.HeapInuseBytes), mib(s.StackInuseBytes), s.GCCycles, s.Goroutines, s.PerDisplayBytes/1000, mib(s.BeforeBytes))
		if s.SlowDisconnects+s.IdleDisconnects > 0 {
			fmt.Fprintf(w, "server saw   %d slow and %d idle disconnects\n", s.SlowDisconnects, s.IdleDisconnects)
		}
	}
}

// tokenHeader is the Authorization header of token for the displays'
// upgrades (nil without one).
func tokenHeader(token string) http.Header {
	if token == "" {
		return nil
	}
	return http.Header{"Authorization": {"Bearer " + token}}
}
