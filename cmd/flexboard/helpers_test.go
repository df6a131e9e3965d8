package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestMain lets a test start the real binary: the test executable re-runs
// itself with FLEXBOARD_TEST_MAIN=1 and behaves as `flexboard`, so tests can
// restart it, send it signals and kill -9 it without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("FLEXBOARD_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// startInProcess runs the server in this process on a free loopback port
// with a fresh database and returns its base URL. It stops at test end.
func startInProcess(t *testing.T, dbPath string) string {
	t.Helper()
	if dbPath == "" {
		dbPath = filepath.Join(t.TempDir(), "fb.db")
	}
	return startWithFlags(t, "--db", dbPath, "--log-level", "debug")
}

// startWithFlags runs the server in this process on a free loopback port,
// without the demo source, with the given serve flags, and returns its base
// URL. It stops at test end.
func startWithFlags(t *testing.T, flags ...string) string {
	t.Helper()
	// No demo source: tests make their own data (TestFirstRunDemo covers the demo).
	// Open mode unless the flags ask for sign-in (a later --auth wins).
	args := append([]string{"--addr", "127.0.0.1:0", "--shutdown-timeout", "5s", "--demo=false", "--auth=none"}, flags...)
	cfg, err := parseServe(args, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	urlc := make(chan string, 1)
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() {
		done <- Run(ctx, cfg, newLogger(logs, cfg.LogLevel, cfg.LogFormat), func(u string) { urlc <- u })
	}()
	select {
	case u := <-urlc:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run returned %v", err)
			}
			if t.Failed() {
				t.Logf("server log:\n%s", logs.String())
			}
		})
		return u
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("server did not start in 30 s\n%s", logs.String())
	}
	return ""
}

// proc is the flexboard binary running as a child process.
type proc struct {
	cmd  *exec.Cmd
	URL  string
	logs *syncBuffer
	done chan struct{}
	err  error
}

var urlRE = regexp.MustCompile(`msg="flexboard listening".* url=(\S+)`)

// startProcess starts `flexboard serve` as a child process on the database
// at dbPath and waits until it listens.
func startProcess(t *testing.T, dbPath string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath, "--demo=false", "--auth=none"}, extra...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FLEXBOARD_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, logs: &syncBuffer{}, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start flexboard: %v", err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.logs.WriteString(line + "\n")
			if m := urlRE.FindStringSubmatch(line); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("flexboard process log:\n%s", p.logs.String())
		}
	})
	select {
	case p.URL = <-urlc:
		return p
	case <-p.done:
		t.Fatalf("flexboard exited before listening: %v\n%s", p.err, p.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("flexboard did not listen within 60 s\n%s", p.logs.String())
	}
	return nil
}

// stop sends sig and waits for the process to exit.
func (p *proc) stop(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal: %v", err)
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(30 * time.Second):
		t.Fatalf("flexboard did not exit within 30 s of %v\n%s", sig, p.logs.String())
	}
	return nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) WriteString(x string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.WriteString(x)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// response is an HTTP answer, read whole.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map (or fails the test).
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Err returns the {"error":{...}} object of an error answer.
func (r response) Err(t *testing.T) map[string]any {
	t.Helper()
	e, ok := r.JSON(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", r.Body)
	}
	return e
}

var client = &http.Client{Timeout: 30 * time.Second}

// do sends a request; a string or []byte body is sent as is with
// Content-Type application/json unless headers say otherwise; any other
// body is JSON-encoded.
func do(t *testing.T, method, url string, body any, headers ...string) response {
	t.Helper()
	r, err := tryDo(method, url, body, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

func tryDo(method, url string, body any, headers ...string) (response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	res, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}, nil
}

// wantStatus fails the test unless r has status code.
func wantStatus(t *testing.T, r response, code int) {
	t.Helper()
	if r.Status != code {
		t.Fatalf("status %d, want %d; body: %s", r.Status, code, r.Body)
	}
}

// wantError checks an error answer's status, code, field and message.
func wantError(t *testing.T, r response, status int, code, field, msgPart string) {
	t.Helper()
	wantStatus(t, r, status)
	e := r.Err(t)
	if e["code"] != code {
		t.Errorf("error code %v, want %s (%s)", e["code"], code, r.Body)
	}
	if got, _ := e["field"].(string); got != field {
		t.Errorf("error field %q, want %q (%s)", got, field, r.Body)
	}
	if msg, _ := e["message"].(string); !strings.Contains(msg, msgPart) {
		t.Errorf("error message %q does not contain %q", msg, msgPart)
	}
}

// sampleBoard is a valid board body with two placed widgets.
func sampleBoard(name string) map[string]any {
	return map[string]any{
		"name": name,
		"widgets": []any{
			map[string]any{"id": "tps", "kind": "stat", "title": "TPS", "config": map[string]any{"unit": "req/s"}},
			map[string]any{"id": "cpu", "kind": "gauge", "title": "CPU"},
		},
		"variants": []any{map[string]any{
			"name": "16:9", "canvas": map[string]any{"width": 1920, "height": 1080},
			"grid": map[string]any{"columns": 48, "rows": 27},
			"placements": []any{
				map[string]any{"widget": "tps", "x": 0, "y": 0, "w": 8, "h": 5},
				map[string]any{"widget": "cpu", "x": 8, "y": 0, "w": 8, "h": 8},
			},
		}},
	}
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func str(v any) string { s, _ := v.(string); return s }

func fmtRev(r int64) string { return fmt.Sprintf(`"%d"`, r) }

// dialStream opens a display stream of board id on the server at base, with
// a read limit; the connection and its 30 s context end with the test.
func dialStream(t *testing.T, base, id string, readLimit int64) (*websocket.Conn, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, strings.Replace(base, "http://", "ws://", 1)+"/api/v1/stream?board="+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	c.SetReadLimit(readLimit)
	return c, ctx
}
