//go:build pprof

package main

// A profiling build for benchmark sessions (docs/benchmarks.md): built with
// `go build -tags pprof`, the server serves net/http/pprof on the loopback
// address in FLEXBOARD_PPROF (e.g. 127.0.0.1:6060). Release builds have no
// such endpoint.

import (
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"strings"
)

func init() {
	addr := os.Getenv("FLEXBOARD_PPROF")
	if addr == "" {
		return
	}
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		log.Fatalf("FLEXBOARD_PPROF must be a 127.0.0.1 address, not %q", addr)
	}
	go func() { log.Println(http.ListenAndServe(addr, nil)) }()
}
