// Command rawtcp is the floor that Flexboard's display fan-out is measured
// against (docs/benchmarks.md, "CPU per frame vs raw TCP"): it writes the
// same bytes as the server — one update frame, websocket-framed exactly as
// the server frames it — to the same number of loopback sockets at the same
// rate, and reports the CPU that cost the writing process.
//
//	go run ./bench/rawtcp --url http://127.0.0.1:18181 --board ID --save frame.json
//	go run ./bench/rawtcp --conns 10000 --rate 1 --duration 60s --frame frame.json
//
// The reading ends live in a child process (this program re-run with
// --sink), as the load tool's displays live outside the server, so the CPU
// reported is the writer's alone. Two writers are measured:
//
//   - loop: one goroutine writes the frame to every socket in turn: the
//     syscalls and nothing else, the floor.
//   - goroutines: one goroutine per socket, woken through a one-slot
//     channel per tick and writing with a deadline, as the hub's writers
//     do, without websocket or JSON code.
//
// Two kinds of reading end (--sink-kind):
//
//   - raw (the default): one goroutine per socket reading into a 4 KB
//     buffer, the least a reader can do.
//   - display: each socket is opened as a Flexboard display by the same
//     code as flexboard loadtest's displays (stream/client with HeaderOnly,
//     over github.com/coder/websocket): the writer answers the websocket
//     handshake and a hello, then writes the frames. The readers then cost
//     the machine what the load tool's cost, so the writer's kernel time is
//     measured against the same reading ends as the server's.
//
// It only connects to loopback addresses and stops after --duration.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// Bounds, as for flexboard loadtest.
const (
	maxConns    = 20000
	maxDuration = 30 * time.Minute
)

type config struct {
	conns    int
	rate     float64 // frames per second per socket
	duration time.Duration
	size     int    // payload bytes when no frame is captured or read
	frame    string // file holding a payload
	url      string // server to capture an update frame from
	board    string
	mode     string // loop, goroutines or both
	json     bool
	sinkKind string // raw or display
	// inProcessSink reads in this process (tests): the CPU figures then
	// include the reading.
	inProcessSink bool
}

// result is one writer's measurement.
type result struct {
	Mode          string  `json:"mode"`
	Sink          string  `json:"sink"`
	Conns         int     `json:"conns"`
	Rate          float64 `json:"rate_per_conn"`
	FrameBytes    int     `json:"frame_bytes"` // on the wire, websocket header included
	Seconds       float64 `json:"seconds"`
	FramesWritten int64   `json:"frames_written"`
	FramesPerSec  float64 `json:"frames_per_second"`
	CPUSeconds    float64 `json:"cpu_seconds"`
	CPUCores      float64 `json:"cpu_cores"`
	CPUPerFrameUS float64 `json:"cpu_us_per_frame"`
	WriteErrors   int64   `json:"write_errors"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rawtcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	sink := fs.String("sink", "", "internal: connect --conns sockets to this address and read them")
	fs.StringVar(&c.sinkKind, "sink-kind", "raw", "the reading ends: raw (plain reads) or display (flexboard loadtest's display client)")
	fs.IntVar(&c.conns, "conns", 1000, "sockets to write to (1 to 20000)")
	fs.Float64Var(&c.rate, "rate", 1, "frames per second per socket")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "how long each writer is measured (at most 30m)")
	fs.IntVar(&c.size, "size", 2048, "payload bytes, when neither --frame nor --url is given")
	fs.StringVar(&c.frame, "frame", "", "file holding the payload (an update frame's JSON)")
	fs.StringVar(&c.url, "url", "", "capture the payload from a running Flexboard server (loopback only), e.g. http://127.0.0.1:18181")
	fs.StringVar(&c.board, "board", "", "the board to capture an update frame of, with --url")
	fs.StringVar(&c.mode, "mode", "both", "loop, goroutines or both")
	fs.BoolVar(&c.json, "json", false, "print the results as JSON")
	save := fs.String("save", "", "write the payload to this file and exit (capture once, measure with --frame)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if c.sinkKind != "raw" && c.sinkKind != "display" {
		fmt.Fprintln(stderr, "rawtcp: --sink-kind is raw or display")
		return 2
	}
	if *sink != "" {
		run := runSink
		if c.sinkKind == "display" {
			run = runDisplaySink
		}
		if err := run(ctx, *sink, c.conns, nil); err != nil {
			fmt.Fprintf(stderr, "rawtcp sink: %v\n", err)
			return 1
		}
		return 0
	}
	switch {
	case c.conns < 1 || c.conns > maxConns:
		fmt.Fprintf(stderr, "rawtcp: --conns must be 1 to %d\n", maxConns)
		return 2
	case c.duration <= 0 || c.duration > maxDuration:
		fmt.Fprintf(stderr, "rawtcp: --duration must be more than 0 and at most %s\n", maxDuration)
		return 2
	case c.rate <= 0 || c.rate > 100:
		fmt.Fprintln(stderr, "rawtcp: --rate must be more than 0 and at most 100 frames per second per socket")
		return 2
	case c.mode != "loop" && c.mode != "goroutines" && c.mode != "both":
		fmt.Fprintln(stderr, "rawtcp: --mode is loop, goroutines or both")
		return 2
	}
	payload, src, err := loadPayload(ctx, c)
	if err != nil {
		fmt.Fprintf(stderr, "rawtcp: %v\n", err)
		return 2
	}
	if *save != "" {
		if err := os.WriteFile(*save, payload, 0o644); err != nil {
			fmt.Fprintf(stderr, "rawtcp: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "saved %d bytes (%s) to %s\n", len(payload), src, *save)
		return 0
	}
	frame := wsFrame(payload)
	if !c.json {
		fmt.Fprintf(stdout, "payload: %d bytes (%s), %d on the wire; %d sockets at %g frames/s each for %s\n",
			len(payload), src, len(frame), c.conns, c.rate, c.duration)
	}
	var results []result
	for _, mode := range []string{"loop", "goroutines"} {
		if c.mode != "both" && c.mode != mode {
			continue
		}
		r, err := measure(ctx, c, mode, frame)
		if err != nil {
			fmt.Fprintf(stderr, "rawtcp: %s: %v\n", mode, err)
			return 1
		}
		results = append(results, r)
		if !c.json {
			fmt.Fprintf(stdout, "%-10s %d frames in %.1f s (%.0f/s): CPU %.3f s = %.3f cores, %.2f µs per frame, %d write errors\n",
				r.Mode, r.FramesWritten, r.Seconds, r.FramesPerSec, r.CPUSeconds, r.CPUCores, r.CPUPerFrameUS, r.WriteErrors)
		}
	}
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(results)
	}
	return 0
}

// loadPayload returns the bytes to send and where they came from.
func loadPayload(ctx context.Context, c config) ([]byte, string, error) {
	switch {
	case c.url != "":
		b, err := captureUpdate(ctx, c.url, c.board)
		return b, "an update frame of board " + c.board, err
	case c.frame != "":
		b, err := os.ReadFile(c.frame)
		return b, c.frame, err
	}
	if c.size < 2 {
		return nil, "", errors.New("--size must be at least 2")
	}
	b := make([]byte, c.size)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	b[0], b[len(b)-1] = '{', '}'
	return b, "synthetic", nil
}

// captureUpdate reads a display stream until an update that carries
// widget data, and returns it.
func captureUpdate(ctx context.Context, base, board string) ([]byte, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("--url %q: want http://127.0.0.1:PORT", base)
	}
	if ip := net.ParseIP(u.Hostname()); !strings.EqualFold(u.Hostname(), "localhost") && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--url host %q is not loopback: rawtcp only talks to this machine", u.Hostname())
	}
	if board == "" {
		return nil, errors.New("--board is required with --url")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, strings.TrimRight(base, "/")+"/api/v1/stream?board="+url.QueryEscape(board), nil)
	if err != nil {
		return nil, fmt.Errorf("capture a frame: %w", err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(64 << 20)
	for {
		_, msg, err := conn.Read(ctx)
		if err != nil {
			return nil, fmt.Errorf("capture a frame (is data being pushed to the board's metrics?): %w", err)
		}
		var m struct {
			Type    string                     `json:"type"`
			Widgets map[string]json.RawMessage `json:"widgets"`
		}
		if json.Unmarshal(msg, &m) == nil && m.Type == "update" && len(m.Widgets) > 0 {
			return msg, nil
		}
	}
}

// wsFrame frames payload as one unmasked, final text frame: what a server
// sends (RFC 6455 §5.2).
func wsFrame(payload []byte) []byte {
	n := len(payload)
	var h []byte
	switch {
	case n < 126:
		h = []byte{0x81, byte(n)}
	case n <= 0xFFFF:
		h = []byte{0x81, 126, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h = make([]byte, 10)
		h[0], h[1] = 0x81, 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
	return append(h, payload...)
}

// measure runs one writer over c.conns fresh sockets for c.duration.
func measure(ctx context.Context, c config, mode string, frame []byte) (result, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var sinkErr chan error
	var child *exec.Cmd
	if c.inProcessSink {
		sinkErr = make(chan error, 1)
		run := runSink
		if c.sinkKind == "display" {
			run = runDisplaySink
		}
		go func() { sinkErr <- run(ctx, ln.Addr().String(), c.conns, nil) }()
	} else {
		exe, err := os.Executable()
		if err != nil {
			return result{}, err
		}
		child = exec.CommandContext(ctx, exe, "--sink", ln.Addr().String(), "--conns", strconv.Itoa(c.conns), "--sink-kind", c.sinkKind)
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			return result{}, fmt.Errorf("start the sink: %w", err)
		}
		defer child.Wait()
	}

	conns := make([]net.Conn, 0, c.conns)
	defer func() {
		for _, cn := range conns {
			cn.Close()
		}
	}()
	for len(conns) < c.conns {
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(60 * time.Second))
		cn, err := ln.Accept()
		if err != nil {
			return result{}, fmt.Errorf("accept socket %d of %d: %w", len(conns)+1, c.conns, err)
		}
		if c.sinkKind == "display" {
			if err := acceptDisplay(cn); err != nil {
				cn.Close()
				return result{}, fmt.Errorf("handshake of socket %d: %w", len(conns)+1, err)
			}
		}
		conns = append(conns, cn)
	}

	var written, errs atomic.Int64
	interval := time.Duration(float64(time.Second) / c.rate)
	before := cpuTime()
	start := time.Now()
	wctx, wcancel := context.WithTimeout(ctx, c.duration)
	defer wcancel()
	switch mode {
	case "loop":
		t := time.NewTicker(interval)
		for done := false; !done; {
			select {
			case <-wctx.Done():
				done = true
			case <-t.C:
				for _, cn := range conns {
					if _, err := cn.Write(frame); err != nil {
						errs.Add(1)
						continue
					}
					written.Add(1)
				}
			}
		}
		t.Stop()
	case "goroutines":
		var wg sync.WaitGroup
		wakes := make([]chan struct{}, len(conns))
		for i, cn := range conns {
			wake := make(chan struct{}, 1)
			wakes[i] = wake
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-wctx.Done():
						return
					case <-wake:
					}
					cn.SetWriteDeadline(time.Now().Add(5 * time.Second))
					if _, err := cn.Write(frame); err != nil {
						errs.Add(1)
						continue
					}
					written.Add(1)
				}
			}()
		}
		t := time.NewTicker(interval)
		for done := false; !done; {
			select {
			case <-wctx.Done():
				done = true
			case <-t.C:
				for _, w := range wakes {
					select {
					case w <- struct{}{}:
					default:
					}
				}
			}
		}
		t.Stop()
		wg.Wait()
	}
	elapsed := time.Since(start).Seconds()
	cpu := cpuTime() - before
	for _, cn := range conns {
		cn.Close()
	}
	conns = nil
	if sinkErr != nil {
		if err := <-sinkErr; err != nil {
			return result{}, err
		}
	}
	r := result{Mode: mode, Sink: c.sinkKind, Conns: c.conns, Rate: c.rate, FrameBytes: len(frame), Seconds: elapsed,
		FramesWritten: written.Load(), CPUSeconds: cpu, CPUCores: cpu / elapsed, WriteErrors: errs.Load()}
	r.FramesPerSec = float64(r.FramesWritten) / elapsed
	if r.FramesWritten > 0 {
		r.CPUPerFrameUS = cpu / float64(r.FramesWritten) * 1e6
	}
	return r, nil
}

// cpuTime is the user and system CPU seconds of this process.
func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// runSink opens n sockets to addr and reads them until the writer closes
// them; read counts the bytes (may be nil).
func runSink(ctx context.Context, addr string, n int, read *atomic.Int64) error {
	if host, _, err := net.SplitHostPort(addr); err != nil || net.ParseIP(host) == nil || !net.ParseIP(host).IsLoopback() {
		return fmt.Errorf("%q is not a loopback address", addr)
	}
	raiseFileLimit(uint64(n) + 64)
	var wg sync.WaitGroup
	errc := make(chan error, 1)
	d := net.Dialer{Timeout: 10 * time.Second}
	for i := range n {
		cn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("socket %d: %w", i+1, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cn.Close()
			buf := make([]byte, 4096)
			for {
				k, err := cn.Read(buf)
				if read != nil {
					read.Add(int64(k))
				}
				if err != nil {
					if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, syscall.ECONNRESET) {
						select {
						case errc <- err:
						default:
						}
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// raiseFileLimit lifts the open-files limit to need where allowed.
func raiseFileLimit(need uint64) {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil || lim.Cur >= need {
		return
	}
	want := syscall.Rlimit{Cur: need, Max: max(lim.Max, need)}
	if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) != nil {
		want = syscall.Rlimit{Cur: lim.Max, Max: lim.Max}
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want)
	}
}
