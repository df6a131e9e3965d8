package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestWSFrame(t *testing.T) {
	cases := []struct {
		name   string
		n      int
		header []byte
	}{
		{"Short", 125, []byte{0x81, 125}},
		{"Medium", 126, []byte{0x81, 126, 0, 126}},
		{"MediumMax", 65535, []byte{0x81, 126, 0xFF, 0xFF}},
		{"Long", 65536, []byte{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := wsFrame(bytes.Repeat([]byte("x"), c.n))
			if !bytes.Equal(f[:len(c.header)], c.header) || len(f) != len(c.header)+c.n {
				t.Fatalf("header % x, length %d; want % x and %d", f[:len(c.header)], len(f), c.header, len(c.header)+c.n)
			}
		})
	}
}

func TestMeasure(t *testing.T) {
	frame := wsFrame([]byte(`{"type":"update","widgets":{}}`))
	for _, mode := range []string{"loop", "goroutines"} {
		t.Run(mode, func(t *testing.T) {
			c := config{conns: 5, rate: 50, duration: 300 * time.Millisecond, inProcessSink: true}
			r, err := measure(context.Background(), c, mode, frame)
			if err != nil {
				t.Fatal(err)
			}
			if r.FramesWritten == 0 || r.FramesWritten%5 != 0 && mode == "loop" || r.WriteErrors != 0 || r.FrameBytes != len(frame) || r.Conns != 5 {
				t.Fatalf("result %+v", r)
			}
		})
	}
}

func TestRefused(t *testing.T) {
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"RemoteCapture", []string{"--url", "http://example.com", "--board", "b", "--conns", "1"}, `rawtcp: --url host "example.com" is not loopback`},
		{"TooManyConns", []string{"--conns", "20001"}, "rawtcp: --conns must be 1 to 20000"},
		{"TooLong", []string{"--duration", "31m"}, "rawtcp: --duration must be more than 0 and at most 30m0s"},
		{"Mode", []string{"--mode", "udp"}, "rawtcp: --mode is loop, goroutines or both"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), c.args, &out, &errOut); code != 2 || !strings.HasPrefix(errOut.String(), c.msg) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errOut.String(), c.msg)
			}
		})
	}
	if err := runSink(context.Background(), "10.1.2.3:80", 1, nil); err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("sink to 10.1.2.3: %v", err)
	}
}
