package stream_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
)

// The seed corpora are in testdata/fuzz/Fuzz*: excerpts of the real-world
// samples in testdata/ingest, every construct, and what the fuzzers found.

// ingestFuzzAppender records like ingestRecorder but refuses every sample
// or transaction worth 13, so that the Appender's rejections are fuzzed too.
type ingestFuzzAppender struct {
	ingestRecorder
	refused int
}

var errIngestUnlucky = errors.New("unlucky number")

func (a *ingestFuzzAppender) AppendSample(s *stream.Sample) error {
	if s.Value == 13 {
		a.refused++
		return errIngestUnlucky
	}
	return a.ingestRecorder.AppendSample(s)
}

func (a *ingestFuzzAppender) AppendTransaction(t *stream.Transaction) error {
	if t.ElapsedMS == 13 {
		a.refused++
		return errIngestUnlucky
	}
	return a.ingestRecorder.AppendTransaction(t)
}

// ingestCheckResult checks what holds for any body: the counts agree with
// what the Appender saw, errors are listed up to the cap on lines of the
// body, and nothing handed over is bigger than the body.
func ingestCheckResult(t *testing.T, body []byte, res *stream.ParseResult, app *ingestFuzzAppender) {
	t.Helper()
	if got := len(app.samples) + len(app.txs); res.Accepted != got {
		t.Fatalf("Accepted = %d, the Appender took %d", res.Accepted, got)
	}
	if res.Rejected < app.refused {
		t.Fatalf("Rejected = %d, the Appender refused %d", res.Rejected, app.refused)
	}
	if len(res.Errors) != min(res.Rejected, stream.MaxReportedErrors) {
		t.Fatalf("%d errors listed for %d rejected", len(res.Errors), res.Rejected)
	}
	lines := bytes.Count(body, []byte{'\n'}) + 1
	for _, e := range res.Errors {
		if e.Line < 1 || e.Line > lines || e.Message == "" {
			t.Fatalf("error %+v in a body of %d lines", e, lines)
		}
	}
	if res.Unparsable && (res.Accepted != 0 || res.Rejected == 0 || app.refused != 0) {
		t.Fatalf("Unparsable with %d accepted, %d rejected, %d refused", res.Accepted, res.Rejected, app.refused)
	}
	for _, s := range app.samples {
		if len(s.Metric) > len(body)+2 {
			t.Fatalf("metric of %d bytes from a body of %d", len(s.Metric), len(body))
		}
		for _, l := range s.Labels {
			if len(l[0]) > len(body) || len(l[1]) > len(body) {
				t.Fatalf("label %q bigger than the body", l)
			}
		}
	}
}

func FuzzInflux(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, unit uint8) {
		precision := []time.Duration{time.Nanosecond, time.Microsecond, time.Millisecond, time.Second}[unit%4]
		var app ingestFuzzAppender
		var res stream.ParseResult
		stream.ParseInflux(body, precision, &app, &res)
		ingestCheckResult(t, body, &res, &app)
		ingestCheckNames(t, &app.ingestRecorder)
	})
}

func FuzzPrometheus(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var app ingestFuzzAppender
		var res stream.ParseResult
		stream.ParsePrometheus(body, &app, &res)
		ingestCheckResult(t, body, &res, &app)
		ingestCheckNames(t, &app.ingestRecorder)

		// What was taken, written out again, parses to the same samples.
		var out bytes.Buffer
		for _, s := range app.samples {
			out.WriteString(s.Metric + "{")
			for _, l := range s.Labels {
				out.WriteString(l[0] + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(l[1]) + `",`)
			}
			out.WriteString("} " + strconv.FormatFloat(s.Value, 'g', -1, 64))
			if s.TS != 0 {
				out.WriteString(" " + strconv.FormatInt(s.TS, 10))
			}
			out.WriteByte('\n')
		}
		var again ingestRecorder
		var res2 stream.ParseResult
		stream.ParsePrometheus(out.Bytes(), &again, &res2)
		ingestCheckSame(t, out.Bytes(), app.samples, again.samples, res2)
	})
}

func FuzzJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var app ingestFuzzAppender
		var res stream.ParseResult
		stream.ParseJSON(body, &app, &res)
		ingestCheckResult(t, body, &res, &app)
		if len(bytes.TrimLeft(body, " \t\r\n")) > 0 && !json.Valid(body) &&
			(!res.Unparsable || res.Rejected != 1) {
			t.Fatalf("invalid JSON gave %+v, want one error and Unparsable", res)
		}

		// What was taken, encoded again, parses to the same samples.
		var out bytes.Buffer
		str := func(s string) {
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			out.Write(b)
		}
		out.WriteString(`{"points": [`)
		for i, s := range app.samples {
			if i > 0 {
				out.WriteByte(',')
			}
			out.WriteString(`{"metric": `)
			str(s.Metric)
			out.WriteString(`, "labels": {`)
			for j, l := range s.Labels {
				if j > 0 {
					out.WriteByte(',')
				}
				str(l[0])
				out.WriteByte(':')
				str(l[1])
			}
			out.WriteString(`}, "value": ` + strconv.FormatFloat(s.Value, 'g', -1, 64) + `, "ts": ` + strconv.FormatInt(s.TS, 10) + "}\n")
		}
		out.WriteString("]}")
		var again ingestRecorder
		var res2 stream.ParseResult
		stream.ParseJSON(out.Bytes(), &again, &res2)
		ingestCheckSame(t, out.Bytes(), app.samples, again.samples, res2)
	})
}

// ingestCheckSame checks that body, written from want, parsed to want.
func ingestCheckSame(t *testing.T, body []byte, want, got []ingestSample, res stream.ParseResult) {
	t.Helper()
	if res.Rejected != 0 || len(got) != len(want) {
		t.Fatalf("rewritten body\n%s\ngave %d samples, %+v; want %d", body, len(got), res, len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Metric != g.Metric || w.TS != g.TS || !ingestSameFloat(w.Value, g.Value) || len(w.Labels) != len(g.Labels) {
			t.Fatalf("rewritten as %s, parsed as %s", w, g)
		}
		for j := range w.Labels {
			if w.Labels[j] != g.Labels[j] {
				t.Fatalf("rewritten as %s, parsed as %s", w, g)
			}
		}
	}
}
