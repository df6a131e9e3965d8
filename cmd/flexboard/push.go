package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/flexboard/flexboard/stream"
	streamclient "github.com/flexboard/flexboard/stream/client"
)

// pushOptions is what `flexboard push` was told.
type pushOptions struct {
	format, url, token, precision string
	gzip                          bool
	// chunk is the most bytes of a line format sent per request: the
	// server's limit; tests make it small.
	chunk int
}

// pushCmd runs `flexboard push`: it sends stdin to the ingest endpoint of
// its format and reports what the server accepted. Exit codes: 0 all
// accepted, 1 some rejected, 2 usage or connection errors.
func pushCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("push", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := pushOptions{chunk: stream.MaxIngestBody}
	fs.StringVar(&o.format, "format", streamclient.FormatJSON, "")
	fs.StringVar(&o.url, "url", "", "")
	fs.StringVar(&o.token, "token", "", "")
	fs.StringVar(&o.precision, "precision", "", "")
	fs.BoolVar(&o.gzip, "gzip", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "flexboard push: %v (see flexboard --help)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "flexboard push: unexpected argument %q: the data comes on stdin (see flexboard --help)\n", fs.Arg(0))
		return 2
	}
	o.url, o.token = toolServer(o.url, o.token, getenv)
	if err := o.validate(); err != nil {
		fmt.Fprintf(stderr, "flexboard push: %v\n", err)
		return 2
	}
	return runPush(ctx, o, stdin, stdout, stderr)
}

func (o pushOptions) validate() error {
	switch o.format {
	case streamclient.FormatJSON, streamclient.FormatPrometheus:
		if o.precision != "" {
			return fmt.Errorf("--precision is for --format influx; %s carries its own time unit", o.format)
		}
	case streamclient.FormatInflux:
		switch o.precision {
		case "", "ns", "us", "ms", "s":
		default:
			return fmt.Errorf("--precision %q: use ns (the default), us, ms or s", o.precision)
		}
	default:
		return fmt.Errorf("--format %q: use json, influx or prometheus", o.format)
	}
	u, err := url.Parse(o.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q: want the server's base URL, such as http://127.0.0.1:8080", o.url)
	}
	return nil
}

// pushTally adds up the answers to every request of one push.
type pushTally struct {
	accepted, rejected int
	errors             []streamclient.LineError
	notes              []string // refusals that came with counts (400, 429)
}

func (t *pushTally) add(ack streamclient.Ack, firstLine int) {
	t.accepted += ack.Accepted
	t.rejected += ack.Rejected
	for _, e := range ack.Errors {
		if e.Line > 0 {
			e.Line += firstLine - 1
		}
		t.errors = append(t.errors, e)
	}
}

func (t *pushTally) print(w io.Writer) {
	fmt.Fprintf(w, "accepted %d, rejected %d\n", t.accepted, t.rejected)
	for _, n := range t.notes {
		fmt.Fprintln(w, n)
	}
	for _, e := range t.errors {
		fmt.Fprintf(w, "line %d: %s\n", e.Line, e.Message)
	}
	if n := t.rejected - len(t.errors); n > 0 && len(t.errors) > 0 {
		fmt.Fprintf(w, "(%d more rejected lines not listed: the server reports the first %d of each request)\n", n, stream.MaxReportedErrors)
	}
}

func runPush(ctx context.Context, o pushOptions, stdin io.Reader, stdout, stderr io.Writer) int {
	p := &streamclient.Poster{URL: o.url, Token: o.token, Gzip: o.gzip, Client: &http.Client{Timeout: 2 * time.Minute}}
	var tally pushTally
	requests := 0
	send := func(body []byte, firstLine int) error {
		requests++
		ack, err := p.Post(ctx, o.format, o.precision, body)
		var he *streamclient.HTTPError
		if errors.As(err, &he) && (he.Status == http.StatusBadRequest || he.Status == http.StatusTooManyRequests) {
			// The server counted what it could: report and go on.
			tally.add(ack, firstLine)
			tally.notes = append(tally.notes, fmt.Sprintf("request from line %d: %v", firstLine, err))
			return nil
		}
		if err != nil {
			return err
		}
		tally.add(ack, firstLine)
		return nil
	}

	var err error
	if o.format == streamclient.FormatJSON {
		err = pushJSON(o, stdin, send)
	} else {
		err = chunkLines(stdin, o.chunk, send)
	}
	if err != nil {
		if requests > 1 || tally.accepted+tally.rejected > 0 {
			tally.print(stdout)
		}
		fmt.Fprintf(stderr, "flexboard push: %v\n", err)
		return 2
	}
	tally.print(stdout)
	if tally.rejected > 0 {
		return 1
	}
	return 0
}

// pushJSON sends stdin as one JSON body: JSON cannot be split without
// parsing it, so a body over the limit is refused.
func pushJSON(o pushOptions, stdin io.Reader, send func([]byte, int) error) error {
	limit := o.chunk
	if o.gzip {
		limit = stream.MaxIngestDecompressed // compressed, it must still fit o.chunk: Post checks
	}
	body, err := io.ReadAll(io.LimitReader(stdin, int64(limit)+1))
	if err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	if len(body) > limit {
		return fmt.Errorf("stdin holds more than %d bytes of JSON, the most one ingest request takes: split the batch, or send a line format (influx, prometheus), which push splits by itself", limit)
	}
	return send(body, 1)
}

// chunkLines reads r and calls send with chunks of at most limit bytes
// that end at line ends, and the number of each chunk's first line. A
// single line longer than limit is an error.
func chunkLines(r io.Reader, limit int, send func(chunk []byte, firstLine int) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	first, line := 1, 1 // first line of buf; line being read
	start := 0          // where the line being read begins in buf
	for {
		frag, err := br.ReadSlice('\n')
		buf = append(buf, frag...)
		if len(buf)-start > limit {
			return fmt.Errorf("line %d is longer than %d bytes, the most one ingest request takes", line, limit)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // the line goes on
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read stdin: %w", err)
		}
		if len(buf) > limit { // this line does not fit: send the lines before it
			if err := send(buf[:start], first); err != nil {
				return err
			}
			// A new array: the transport may still hold the old one.
			buf, first, start = append([]byte(nil), buf[start:]...), line, 0
		}
		if err == io.EOF {
			if len(bytes.TrimSpace(buf)) > 0 {
				return send(buf, first)
			}
			return nil
		}
		line++
		start = len(buf)
	}
}
