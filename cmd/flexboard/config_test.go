package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
)

func TestHelpDocumentsEveryFlag(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help", "serve --help"} {
		t.Run(arg, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), strings.Fields(arg), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			help := stdout.String()
			for _, o := range serveOptions {
				for _, want := range []string{"--" + o.name, o.env, o.usage, `"` + o.def + `"`} {
					if !strings.Contains(help, want) {
						t.Errorf("help does not mention %q", want)
					}
				}
			}
			for _, want := range []string{"backup --db PATH --out FILE", "--out FILE", "version"} {
				if !strings.Contains(help, want) {
					t.Errorf("help does not mention %q", want)
				}
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"version"}, &stdout, &stderr); code != 0 || stdout.String() != "flexboard "+version+"\n" {
		t.Fatalf("version: exit %d, %q", code, stdout.String())
	}
}

func TestConfigPrecedence(t *testing.T) {
	env := map[string]string{"FLEXBOARD_ADDR": "127.0.0.1:9000", "FLEXBOARD_DB": "/tmp/env.db", "FLEXBOARD_LOG_LEVEL": "warn"}
	getenv := func(k string) string { return env[k] }
	cfg, err := parseServe([]string{"--db", "/tmp/flag.db"}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Addr: "127.0.0.1:9000", DB: "/tmp/flag.db", LogLevel: "warn", LogFormat: "text", ShutdownTimeout: 10 * time.Second,
		Limits: stream.DefaultLimits(), MaxDisplays: 20000, Retention: 7 * 24 * time.Hour, Demo: true, Auth: authPassword, FrameAncestors: "'self'"}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("config = %+v, want %+v", cfg, want)
	}
	origins, err := parseServe([]string{"--allowed-origins", "https://a.example, https://b.example"}, func(string) string { return "" })
	if err != nil || !reflect.DeepEqual(origins.AllowedOrigins, []string{"https://a.example", "https://b.example"}) {
		t.Fatalf("allowed origins = %q, %v", origins.AllowedOrigins, err)
	}
	def, err := parseServe(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if def.Addr != ":8080" || def.DB != "./flexboard.db" || def.LogLevel != "info" {
		t.Fatalf("defaults = %+v", def)
	}
}

func TestConfigRejected(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		msg  string
	}{
		{"BadAddr", []string{"--addr", "8080"}, nil, `--addr "8080": want host:port`},
		{"BadLevel", []string{"--log-level", "loud"}, nil, `--log-level "loud": use debug, info, warn or error`},
		{"BadFormat", []string{"--log-format", "xml"}, nil, `--log-format "xml": use text or json`},
		{"BadEnvDuration", nil, map[string]string{"FLEXBOARD_SHUTDOWN_TIMEOUT": "soon"}, `environment FLEXBOARD_SHUTDOWN_TIMEOUT: "soon" is not a duration`},
		{"NegativeTimeout", []string{"--shutdown-timeout", "-1s"}, nil, "must be positive"},
		{"UnknownFlag", []string{"--port", "1"}, nil, "flag provided but not defined: -port"},
		{"BadWindow", []string{"--memory-window", "10s"}, nil, "--memory-window must be 1m to 168h"},
		{"BadMaxSeries", []string{"--max-series", "lots"}, nil, `"lots" is not a whole number`},
		{"ShortRetention", []string{"--history-retention", "30m"}, nil, "--history-retention must be at least the memory window (1h0m0s)"},
		{"BadDemo", []string{"--demo", "maybe"}, nil, `"maybe" is not true or false`},
		{"ZeroDisplays", nil, map[string]string{"FLEXBOARD_MAX_DISPLAYS": "0"}, "--max-displays must be at least 1"},
		{"StrayArgument", []string{"now"}, nil, `unexpected argument "now"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseServe(c.args, func(k string) string { return c.env[k] })
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want it to say %q", err, c.msg)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"serve", "--addr", "nope"}, &stdout, &stderr); code != 2 {
		t.Fatalf("bad flag: exit %d, want 2", code)
	}
	if code := Main(context.Background(), []string{"frobnicate"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: exit %d, %q", code, stderr.String())
	}
}
