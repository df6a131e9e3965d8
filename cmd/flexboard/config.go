package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/stream"
)

// Config is everything `flexboard serve` can be told.
type Config struct {
	Addr            string
	DB              string
	LogLevel        string
	LogFormat       string
	ShutdownTimeout time.Duration
	Limits          stream.Limits
	IngestToken     string
	AllowedOrigins  []string
	MaxDisplays     int
	Retention       time.Duration
	Demo            bool
	// Auth is "none" (open, for one trusted machine) or "password" (users,
	// roles and sessions; routeRules applies).
	Auth string
	// FrameAncestors is the frame-ancestors source list of every page:
	// 'self', 'none' or origins (parseFrameAncestors's form).
	FrameAncestors string
	// TLSCert and TLSKey are PEM files; both set, the server speaks HTTPS.
	TLSCert, TLSKey string
	// TrustedProxies are the reverse proxies whose X-Forwarded-* headers
	// are believed: IP addresses and CIDR ranges.
	TrustedProxies []string
	// Banner, if set, gets the first run's welcome (the boards' URLs): the
	// command line sets it to standard output.
	Banner io.Writer
}

// The --auth modes.
const (
	authNone     = "none"
	authPassword = "password"
)

// option is one flag with its environment fallback; help is generated from
// these so it cannot drift from what is parsed.
type option struct {
	name, env, def, usage string
	set                   func(c *Config, v string) error
}

var serveOptions = []option{
	{"addr", "FLEXBOARD_ADDR", ":8080", "address to listen on, host:port (port 0 picks a free port)",
		func(c *Config, v string) error { c.Addr = v; return nil }},
	{"db", "FLEXBOARD_DB", "./flexboard.db", "SQLite database file; created with its schema if missing",
		func(c *Config, v string) error { c.DB = v; return nil }},
	{"log-level", "FLEXBOARD_LOG_LEVEL", "info", "debug, info, warn or error; debug logs one line per request",
		func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{"log-format", "FLEXBOARD_LOG_FORMAT", "text", "text or json",
		func(c *Config, v string) error { c.LogFormat = v; return nil }},
	{"shutdown-timeout", "FLEXBOARD_SHUTDOWN_TIMEOUT", "10s", "how long in-flight requests may run after SIGINT/SIGTERM",
		func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%q is not a duration such as 10s", v)
			}
			c.ShutdownTimeout = d
			return nil
		}},
	{"demo", "FLEXBOARD_DEMO", "true", "on the first start of an empty database, create a demo source (a simulated estate) and three boards on its data, so a wall moves at once",
		func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			c.Demo = b
			return nil
		}},
	{"auth", "FLEXBOARD_AUTH", "password", "password: users sign in and each route needs a role; wall screens pair with a code (the first run prints a one-time setup link for the first admin; docs/api.md); none: no sign-in, anyone who reaches the server may do anything — for a single trusted machine (warned at start unless it listens on loopback only; make run uses it on 127.0.0.1)",
		func(c *Config, v string) error { c.Auth = v; return nil }},
	{"memory-window", "FLEXBOARD_MEMORY_WINDOW", "1h", "how far back points are kept in memory at full resolution (1m to 168h)",
		durOpt(func(c *Config) *time.Duration { return &c.Limits.Window })},
	{"history-retention", "FLEXBOARD_HISTORY_RETENTION", "168h", "how long 10-second roll-ups are kept in SQLite for ranges beyond the memory window",
		durOpt(func(c *Config) *time.Duration { return &c.Retention })},
	{"max-series", "FLEXBOARD_MAX_SERIES", "1000000", "active series in memory; new series beyond it are refused (429)",
		intOpt(func(c *Config) *int { return &c.Limits.MaxSeries })},
	{"max-points", "FLEXBOARD_MAX_POINTS", "67108864", "points in memory, all series together, 16 bytes each (default 1 GiB)",
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			c.Limits.MaxPoints = n
			return nil
		}},
	{"max-tx-series", "FLEXBOARD_MAX_TX_SERIES", "1000", "transaction series (service and labels) kept for hitmaps",
		intOpt(func(c *Config) *int { return &c.Limits.MaxTxSeries })},
	{"max-labels", "FLEXBOARD_MAX_LABELS", "32", "labels per series",
		intOpt(func(c *Config) *int { return &c.Limits.MaxLabels })},
	{"max-label-name", "FLEXBOARD_MAX_LABEL_NAME", "128", "bytes in a label name",
		intOpt(func(c *Config) *int { return &c.Limits.MaxLabelName })},
	{"max-label-value", "FLEXBOARD_MAX_LABEL_VALUE", "1024", "bytes in a label value",
		intOpt(func(c *Config) *int { return &c.Limits.MaxLabelValue })},
	{"ingest-token", "FLEXBOARD_INGEST_TOKEN", "", "when set, ingest requires Authorization: Bearer <token> (under --auth=password an editor's session may push too)",
		func(c *Config, v string) error { c.IngestToken = v; return nil }},
	{"allowed-origins", "FLEXBOARD_ALLOWED_ORIGINS", "", "comma-separated browser origins, besides the server's own, that may open websockets (display stream, ingest)",
		func(c *Config, v string) error {
			c.AllowedOrigins = nil
			for _, o := range strings.Split(v, ",") {
				if o = strings.TrimSpace(o); o != "" {
					c.AllowedOrigins = append(c.AllowedOrigins, o)
				}
			}
			return nil
		}},
	{"max-displays", "FLEXBOARD_MAX_DISPLAYS", "20000", "display websockets accepted at once",
		intOpt(func(c *Config) *int { return &c.MaxDisplays })},
	{"tls-cert", "FLEXBOARD_TLS_CERT", "", "PEM certificate (chain) file: with --tls-key the server speaks HTTPS only; a renewed file is picked up within a minute",
		func(c *Config, v string) error { c.TLSCert = v; return nil }},
	{"tls-key", "FLEXBOARD_TLS_KEY", "", "PEM private key file of --tls-cert",
		func(c *Config, v string) error { c.TLSKey = v; return nil }},
	{"trusted-proxies", "FLEXBOARD_TRUSTED_PROXIES", "", "comma-separated IP addresses and CIDR ranges of reverse proxies whose X-Forwarded-For, -Proto and -Host are believed; from anyone else they are ignored",
		func(c *Config, v string) error { c.TrustedProxies = splitList(v); return nil }},
	{"frame-ancestors", "FLEXBOARD_FRAME_ANCESTORS", frameAncestorsDefault, "who may show the pages in a frame: 'self', 'none', or origins separated by spaces (https://portal.example.com)",
		func(c *Config, v string) error { c.FrameAncestors = v; return nil }},
}

// splitList reads a comma-separated flag value, ignoring blanks.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func intOpt(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*field(c) = n
		return nil
	}
}

func durOpt(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 1h or 90m", v)
		}
		*field(c) = d
		return nil
	}
}

// parseServe reads flags over environment variables over defaults.
func parseServe(args []string, getenv func(string) string) (Config, error) {
	cfg := Config{Limits: stream.DefaultLimits()}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, o := range serveOptions {
		val := o.def
		if v := getenv(o.env); v != "" {
			if err := o.set(&cfg, v); err != nil {
				return cfg, fmt.Errorf("environment %s: %v", o.env, err)
			}
			val = v
		} else if err := o.set(&cfg, val); err != nil {
			return cfg, fmt.Errorf("default of --%s: %v", o.name, err)
		}
		o := o
		fs.Func(o.name, o.usage, func(v string) error { return o.set(&cfg, v) })
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, fmt.Errorf("%v (see flexboard --help)", err)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see flexboard --help)", fs.Arg(0))
	}
	return cfg, cfg.Validate()
}

// Validate checks the config as a whole.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: want host:port such as :8080 or 127.0.0.1:8080", c.Addr)
	}
	if strings.TrimSpace(c.DB) == "" {
		return errors.New("--db: a database file path is required")
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: use text or json", c.LogFormat)
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("--shutdown-timeout %s: must be positive", c.ShutdownTimeout)
	}
	if c.Retention < c.Limits.Window || c.Retention > 366*24*time.Hour {
		return fmt.Errorf("--history-retention must be at least the memory window (%s) and at most 8784h", c.Limits.Window)
	}
	if c.Auth != authNone && c.Auth != authPassword {
		return fmt.Errorf("--auth %q: use password or none", c.Auth)
	}
	if c.MaxDisplays < 1 {
		return fmt.Errorf("--max-displays must be at least 1")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("--tls-cert and --tls-key go together: give both (the certificate and its key) or neither")
	}
	if _, err := parseFrameAncestors(c.FrameAncestors); err != nil {
		return err
	}
	if _, err := parseTrustedProxies(c.TrustedProxies); err != nil {
		return err
	}
	return c.Limits.Validate()
}

func parseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("--log-level %q: use debug, info, warn or error", s)
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	lv, _ := parseLevel(level)
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `flexboard %s — wall-display dashboards: boards of live widgets for situation
rooms, office monitors and video walls.

Usage:
  flexboard [serve] [flags]              start the server (the default command)
  flexboard backup --db PATH --out FILE  copy a database safely, even while the server runs
  flexboard push [flags] < DATA          send metrics on stdin to a server's ingest endpoint
  flexboard loadtest --board ID [flags]  hold many displays on a server on this machine and measure it
  flexboard demo incident NAME [flags]   play an incident on a server's demo source (traffic-spike,
                                         db-zone-move, error-burst, host-down); it ends by itself
  flexboard snapshot --board ID --out F  freeze a board on a server and save its picture (PNG, 2x)
  flexboard user add NAME --role ROLE    create a user (admin, editor or viewer) in the database
  flexboard user reset-password NAME     set a new password and end the user's sessions
  flexboard user list                    list users with role, creation and last login
  flexboard version                      print the version
  flexboard help                         print this help (also -h, --help)

Flags of serve (a flag wins over its environment variable, which wins over the default):
`, version)
	width := 0
	for _, o := range serveOptions {
		width = max(width, len(o.name)+len(" VALUE"))
	}
	for _, o := range serveOptions {
		fmt.Fprintf(w, "  --%-*s  %s\n  %*s    env %s, default %q\n", width, o.name+" VALUE", o.usage, width, "", o.env, o.def)
	}
	fmt.Fprintf(w, `
Flags of backup:
  --db PATH             the database to copy (env FLEXBOARD_DB, default "./flexboard.db")
  --out FILE            where to write the copy; written beside it first, then renamed

Flags of push (the data comes on stdin; exit status 0: all accepted, 1: some
rejected, 2: usage or connection error):
  --format FORMAT       json (the default: {"points":[...],"transactions":[...]}),
                        influx (line protocol) or prometheus (text format)
  --url URL             the server (env FLEXBOARD_URL, default "http://127.0.0.1:8080")
  --token TOKEN         an API token with scope ingest, or the --ingest-token, when the
                        server needs one (env FLEXBOARD_TOKEN, then FLEXBOARD_INGEST_TOKEN)
  --precision UNIT      unit of influx timestamps: ns (the default), us, ms or s
  --gzip                compress the requests
  Line formats are sent in requests of at most %d bytes, split at line ends;
  JSON must fit in one.

Flags of loadtest (it only talks to 127.0.0.1, ::1 or localhost, and stops by
itself after the duration):
  --url URL             the server (env FLEXBOARD_URL, default "http://127.0.0.1:8080")
  --board ID            the board every display opens (required): give it widgets
                        that query loadtest_value, which the test pushes
  --variant NAME        the board's variant (default: its first)
  --displays N          display websockets to hold, 1 to 20000 (default 100);
                        opened in steps of 500
  --duration D          how long to measure once they are open, up to 30m (default 30s)
  --ingest-rate R       points per second pushed as influx lines
                        loadtest_value,series=0..S-1, 0 to 5000000 (default 1000)
  --series S            series of loadtest_value, 1 to 100000 (default 10)
  --token TOKEN         with --auth=password: an API token with scopes read and ingest
                        (env FLEXBOARD_TOKEN, then FLEXBOARD_INGEST_TOKEN)
  --json                print the report as JSON
  It reports displays held, frames per second, ingest-to-display latency
  percentiles, disconnects and errors, and the server's CPU and memory read
  from its /metrics (docs/benchmarks.md).

Flags of user (it works on the database file directly, also while the server
runs; users matter with --auth=password):
  --db PATH             the database (env FLEXBOARD_DB, default "./flexboard.db")
  --role ROLE           add only: admin, editor or viewer
  --password-stdin      read the password from the first line of stdin; without it
                        a random 20-character password is generated and printed once
  Passwords have at least %d characters and at most %d bytes.

Flags of demo incident:
  --url URL             the server (env FLEXBOARD_URL, default "http://127.0.0.1:8080")
  --source ID           the demo source (default: the server's first)
  --duration D          how long the incident plays (default: the scenario's own)
  --token TOKEN         with --auth=password: an API token with scope write (env
                        FLEXBOARD_TOKEN); then give --source, as only an admin lists sources

Flags of snapshot (needs a Chromium on this machine: $CHROMIUM, /usr/bin/chromium,
chromium-browser or google-chrome; it never downloads one):
  --url URL             the server (env FLEXBOARD_URL, default "http://127.0.0.1:8080")
  --board ID            the board to freeze (required)
  --out FILE            where to write the PNG, twice the canvas size (required)
  --variant NAME        the board's variant (default: its first)
  --at TIME             a past moment (RFC 3339) within the history kept (default: now)
  --note TEXT           a note shown on the snapshot page
  --token TOKEN         with --auth=password: an API token with scope write (env
                        FLEXBOARD_TOKEN)
  It prints the snapshot's permanent link; the server keeps the snapshot.

The server answers on http://HOST:PORT/ (https:// with --tls-cert) (the board
list), /api/v1/... (the API, see docs/api.md) and /healthz. Stop it with Ctrl-C or SIGTERM: it finishes
in-flight requests and closes the database cleanly.
`, stream.MaxIngestBody, auth.MinPasswordLength, auth.MaxPasswordBytes)
}

func getenvOS(k string) string { return os.Getenv(k) }
