package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
)

// startToolServer runs the server in this process like startInProcess, with
// extra flags of serve (such as --ingest-token).
func startToolServer(t *testing.T, flags ...string) string {
	t.Helper()
	return startWithFlags(t, append([]string{"--db", filepath.Join(t.TempDir(), "fb.db"), "--log-level", "warn"}, flags...)...)
}

func envOf(kv ...string) func(string) string {
	return func(k string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1]
			}
		}
		return ""
	}
}

// runPushCmd runs `flexboard push args` with stdin and returns the exit
// code, stdout and stderr.
func runPushCmd(t *testing.T, env func(string) string, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := pushCmd(ctx, args, stdin, &stdout, &stderr, env)
	return code, stdout.String(), stderr.String()
}

func TestPush(t *testing.T) {
	base := startToolServer(t)
	now := time.Now().Unix()
	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string
	}{
		{"JSON", []string{"--url", base}, `{"points":[{"metric":"cpu","labels":{"host":"a"},"value":0.5}],"transactions":[{"service":"api","elapsed_ms":12}]}`,
			0, "accepted 2, rejected 0\n"},
		{"JSONSomeRejected", []string{"--url", base, "--format", "json"}, "{\"points\":[\n{\"metric\":\"cpu\",\"value\":1},\n{\"metric\":7,\"value\":1}\n]}",
			1, "accepted 1, rejected 1\nline 3: points[1].metric: must be a string\n"},
		{"InfluxSeconds", []string{"--url", base, "--format", "influx", "--precision", "s"},
			fmt.Sprintf("disk,host=a used=1 %d\ndisk,host=b used=2 %d\n", now, now), 0, "accepted 2, rejected 0\n"},
		{"InfluxBadLine", []string{"--url", base, "--format", "influx"}, "mem,host=a v=1\nmem,host=a v=\nmem v=2\n",
			1, "accepted 2, rejected 1\nline 2: "},
		{"PrometheusGzip", []string{"--url", base, "--format", "prometheus", "--gzip"}, "# TYPE up gauge\nup{job=\"a\"} 1\nup{job=\"b\"} 0\n",
			0, "accepted 2, rejected 0\n"},
		{"Unparsable", []string{"--url", base}, `[1,2]`,
			1, "accepted 0, rejected 1\nrequest from line 1: HTTP 400: nothing could be parsed: line 1: the body must be a JSON object"},
		{"Empty", []string{"--url", base, "--format", "influx"}, "\n\n", 0, "accepted 0, rejected 0\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runPushCmd(t, envOf(), strings.NewReader(c.stdin), c.args...)
			if code != c.code || !strings.HasPrefix(out, c.stdout) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d, stdout starting %q", code, out, errOut, c.code, c.stdout)
			}
		})
	}
}

// TestPushToken checks the token flag, its environment fallback and the
// URL's.
func TestPushToken(t *testing.T) {
	base := startToolServer(t, "--ingest-token", "s3cret")
	body := `{"points":[{"metric":"cpu","value":1}]}`
	code, out, errOut := runPushCmd(t, envOf("FLEXBOARD_URL", base, "FLEXBOARD_INGEST_TOKEN", "s3cret"), strings.NewReader(body))
	if code != 0 || out != "accepted 1, rejected 0\n" {
		t.Fatalf("with the token from the environment: exit %d, %q %q", code, out, errOut)
	}
	code, out, errOut = runPushCmd(t, envOf("FLEXBOARD_INGEST_TOKEN", "s3cret"), strings.NewReader(body), "--url", base, "--token", "wrong")
	want := "flexboard push: HTTP 401: Authorization: ingest needs the ingest token: send Authorization: Bearer <token>\n"
	if code != 2 || out != "" || errOut != want {
		t.Fatalf("with a wrong token: exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errOut, want)
	}
}

func TestPushUsageErrors(t *testing.T) {
	tooBig := io.MultiReader(strings.NewReader(`{"points":[`), strings.NewReader(strings.Repeat(" ", stream.MaxIngestBody)))
	cases := []struct {
		name  string
		args  []string
		stdin io.Reader
		msg   string
	}{
		{"BadFormat", []string{"--format", "csv"}, nil, `flexboard push: --format "csv": use json, influx or prometheus`},
		{"PrecisionWithJSON", []string{"--precision", "s"}, nil, "flexboard push: --precision is for --format influx; json carries its own time unit"},
		{"BadPrecision", []string{"--format", "influx", "--precision", "h"}, nil, `flexboard push: --precision "h": use ns (the default), us, ms or s`},
		{"BadURL", []string{"--url", "ftp://x"}, nil, `flexboard push: --url "ftp://x": want the server's base URL, such as http://127.0.0.1:8080`},
		{"Argument", []string{"data.json"}, nil, `flexboard push: unexpected argument "data.json": the data comes on stdin`},
		{"UnknownFlag", []string{"--colour"}, nil, "flexboard push: flag provided but not defined: -colour"},
		{"JSONTooLarge", []string{"--url", "http://127.0.0.1:1"}, tooBig, "flexboard push: stdin holds more than 8388608 bytes of JSON, the most one ingest request takes"},
		{"Unreachable", []string{"--url", "http://127.0.0.1:1"}, strings.NewReader(`{}`), "flexboard push: Post \"http://127.0.0.1:1/api/v1/ingest\": dial tcp 127.0.0.1:1: connect: connection refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.stdin
			if in == nil {
				in = strings.NewReader("")
			}
			code, out, errOut := runPushCmd(t, envOf(), in, c.args...)
			if code != 2 || out != "" || !strings.HasPrefix(errOut, c.msg) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errOut, c.msg)
			}
		})
	}
}

// TestPushChunked sends a line format in requests smaller than the input:
// every line arrives once and errors carry the line numbers of stdin.
func TestPushChunked(t *testing.T) {
	base := startToolServer(t)
	var in strings.Builder
	for i := 1; i <= 40; i++ {
		if i == 27 {
			in.WriteString("chunked,n=27 value=oops\n")
			continue
		}
		fmt.Fprintf(&in, "chunked,n=%d value=%d\n", i, i)
	}
	var stdout, stderr bytes.Buffer
	o := pushOptions{format: "influx", url: base, chunk: 100}
	code := runPush(context.Background(), o, strings.NewReader(in.String()), &stdout, &stderr)
	if code != 1 || !strings.HasPrefix(stdout.String(), "accepted 39, rejected 1\nline 27: ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	r := do(t, "POST", base+"/api/v1/query", map[string]any{"metric": "chunked", "agg": "count"})
	wantStatus(t, r, 200)
	series, _ := r.JSON(t)["series"].([]any)
	if len(series) != 1 || num(series[0].(map[string]any)["value"]) != 39 {
		t.Errorf("count of chunked series: %s, want 39", r.Body)
	}
}

func TestChunkLines(t *testing.T) {
	type chunk struct {
		first int
		text  string
	}
	cases := []struct {
		name  string
		in    string
		limit int
		want  []chunk
		err   string
	}{
		{"OneChunk", "a 1\nb 2\n", 100, []chunk{{1, "a 1\nb 2\n"}}, ""},
		{"SplitAtLines", "aaa\nbbb\nccc\nddd", 8, []chunk{{1, "aaa\nbbb\n"}, {3, "ccc\nddd"}}, ""},
		{"ExactFit", "aaa\nbbb\n", 8, []chunk{{1, "aaa\nbbb\n"}}, ""},
		{"LineEachChunk", "aaaaa\nbbbbb\nc\n", 6, []chunk{{1, "aaaaa\n"}, {2, "bbbbb\n"}, {3, "c\n"}}, ""},
		{"BlankTailDropped", "aaa\n\n\n", 4, []chunk{{1, "aaa\n"}}, ""},
		{"Empty", "", 10, nil, ""},
		{"LineTooLong", "ok\n" + strings.Repeat("x", 11) + "\n", 10, nil, "line 2 is longer than 10 bytes"},
		{"LongerThanReadBuffer", strings.Repeat("y", 100<<10) + "\nz\n", 200 << 10, []chunk{{1, strings.Repeat("y", 100<<10) + "\nz\n"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []chunk
			err := chunkLines(strings.NewReader(c.in), c.limit, func(b []byte, first int) error {
				if len(b) > c.limit {
					t.Errorf("chunk of %d bytes over the limit %d", len(b), c.limit)
				}
				got = append(got, chunk{first, string(b)})
				return nil
			})
			if c.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("chunks %v, want %v", got, c.want)
			}
		})
	}
}

func TestMainDispatchesPushAndLoadtest(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"push --format csv", `flexboard push: --format "csv"`},
		{"loadtest --url http://example.com --board x", `flexboard loadtest: --url host "example.com" is not loopback`},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), strings.Fields(c.args), &stdout, &stderr)
		if code != 2 || !strings.HasPrefix(stderr.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
	var stdout bytes.Buffer
	Main(context.Background(), []string{"--help"}, &stdout, io.Discard)
	for _, want := range []string{"flexboard push", "flexboard loadtest", "--ingest-rate R", "--precision UNIT", "FLEXBOARD_INGEST_TOKEN", "8388608 bytes"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("help does not mention %q", want)
		}
	}
}
