package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestProbeConfig(t *testing.T) {
	const ok = `"name":"shop","url":"http://127.0.0.1:1/"`
	cases := []struct {
		name, config, field, msg string
	}{
		{"UnknownField", `{"targets":[{` + ok + `,"method":"POST"}]}`, "targets[0].method", "unknown field"},
		{"NoTargets", `{"targets":[]}`, "targets", "add at least one target"},
		{"NoName", `{"targets":[{"url":"http://a/"}]}`, "targets[0].name", "is required"},
		{"DuplicateName", `{"targets":[{` + ok + `},{` + ok + `}]}`, "targets[1].name", `"shop" is the name of targets[0] already`},
		{"NoURL", `{"targets":[{"name":"a"}]}`, "targets[0].url", "is required"},
		{"BadScheme", `{"targets":[{` + ok + `},{"name":"b","url":"tcp://a:1"}]}`, "targets[1].url", "must start with http:// or https://"},
		{"NoHost", `{"targets":[{"name":"a","url":"https://"}]}`, "targets[0].url", "has no host"},
		{"IntervalTooShort", `{"targets":[{` + ok + `,"interval":"999ms"}]}`, "targets[0].interval", "shorter than the minimum interval 1s"},
		{"TimeoutNotShorter", `{"targets":[{` + ok + `,"interval":"5s","timeout":"5s"}]}`, "targets[0].timeout", "must be shorter than the interval (5s)"},
		{"TimeoutNotDuration", `{"targets":[{` + ok + `,"timeout":"fast"}]}`, "targets[0].timeout", `"fast" is not a duration`},
		{"BadStatus", `{"targets":[{` + ok + `,"expect_status":[200,700]}]}`, "targets[0].expect_status[1]", "700 is not an HTTP status"},
		{"StatusNotInt", `{"targets":[{` + ok + `,"expect_status":["200"]}]}`, "targets[0].expect_status[0]", "must be a whole number"},
		{"BadRegexp", `{"targets":[{` + ok + `,"body_match":"ok("}]}`, "targets[0].body_match", "is not a valid regular expression"},
		{"NegativeFailures", `{"targets":[{` + ok + `,"failures_to_down":-1}]}`, "targets[0].failures_to_down", "use 1 to 100"},
		{"TooManyFailures", `{"targets":[{` + ok + `,"failures_to_down":101}]}`, "targets[0].failures_to_down", "use 1 to 100"},
		{"LongName", `{"targets":[{"name":"` + strings.Repeat("x", 129) + `","url":"http://a/"}]}`, "targets[0].name", "the limit is 128"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := HTTPProbeDriver{}.New(json.RawMessage(c.config))
			pullWantInvalid(t, err, c.field, c.msg)
		})
	}
	t.Run("TooManyTargets", func(t *testing.T) {
		var ts []map[string]string
		for i := range ProbeMaxTargets + 1 {
			ts = append(ts, map[string]string{"name": strconv.Itoa(i), "url": "http://a/"})
		}
		b, _ := json.Marshal(map[string]any{"targets": ts})
		_, err := HTTPProbeDriver{}.New(b)
		pullWantInvalid(t, err, "targets", "has 501 targets; the limit is 500")
	})
	t.Run("Defaults", func(t *testing.T) {
		r, err := HTTPProbeDriver{}.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		pt := r.(*probeRunner).targets[0]
		if pt.name != "flexboard" || pt.interval != 15*time.Second || pt.timeout != 5*time.Second || pt.failuresToDown != 3 {
			t.Fatalf("defaults = %+v", pt)
		}
	})
	t.Run("UnsetTimeoutFitsTheInterval", func(t *testing.T) {
		r, err := HTTPProbeDriver{}.New(json.RawMessage(`{"targets":[{` + ok + `,"interval":"2s"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if pt := r.(*probeRunner).targets[0]; pt.timeout != time.Second || pt.failuresToDown != 3 {
			t.Fatalf("timeout = %s, failures = %d", pt.timeout, pt.failuresToDown)
		}
	})
}

// probeTestServers are the local servers the probe tests check.
type probeTestServers struct {
	plain, tls *httptest.Server
	status     atomic.Int32 // the plain server's answer status; 0 is 200
	closed     string       // a URL where nobody listens
}

func newProbeTestServers(t *testing.T) *probeTestServers {
	s := &probeTestServers{}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		if st := s.status.Load(); st != 0 {
			w.WriteHeader(int(st))
			fmt.Fprintln(w, "status: broken")
			return
		}
		fmt.Fprintln(w, "status: healthy")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	})
	mux.HandleFunc("/missing", http.NotFound)
	s.plain = httptest.NewServer(mux)
	t.Cleanup(s.plain.Close)
	s.tls = httptest.NewUnstartedServer(mux)
	s.tls.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	s.tls.StartTLS()
	t.Cleanup(s.tls.Close)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.closed = "http://" + ln.Addr().String() + "/health"
	ln.Close()
	return s
}

func probeTestRunner(t *testing.T, targets ...string) *probeRunner {
	t.Helper()
	r, err := HTTPProbeDriver{}.New(json.RawMessage(`{"targets":[` + strings.Join(targets, ",") + `]}`))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r.(*probeRunner)
}

func TestProbeOnce(t *testing.T) {
	s := newProbeTestServers(t)
	certDays := time.Until(s.tls.Certificate().NotAfter).Hours() / 24
	cases := []struct {
		name, target string
		success      float64
		status       float64
		bodyMatch    float64 // -1: no series
		certDays     bool
		msg          string // of the health error
	}{
		{"OK", `{"name":"web","url":"` + s.plain.URL + `/health","body_match":"status: (healthy|ok)"}`, 1, 200, 1, false, ""},
		{"ExpectedStatus", `{"name":"web","url":"` + s.plain.URL + `/missing","expect_status":[404,410]}`, 1, 404, -1, false, ""},
		{"UnexpectedStatus", `{"name":"web","url":"` + s.plain.URL + `/missing","expect_status":[200]}`, 0, 404, -1, false, "web: status 404 (expected 200)"},
		{"BodyMismatch", `{"name":"web","url":"` + s.plain.URL + `/health","body_match":"^ready$"}`, 0, 200, 0, false, `web: body does not match "^ready$"`},
		{"Timeout", `{"name":"web","url":"` + s.plain.URL + `/slow","interval":"1s","timeout":"200ms"}`, 0, 0, -1, false, "web: timeout after 200ms"},
		{"Down", `{"name":"web","url":"` + s.closed + `"}`, 0, 0, -1, false, "connect: connection refused"},
		{"SelfSignedRefused", `{"name":"web","url":"` + s.tls.URL + `/health"}`, 0, 0, -1, true, "web: tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{"SelfSignedAccepted", `{"name":"web","url":"` + s.tls.URL + `/health","insecure_skip_verify":true,"body_match":"healthy"}`, 1, 200, 1, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := probeTestRunner(t, c.target)
			rec := newPullTestRecorder()
			r.check(context.Background(), rec.Env, r.targets[0])
			if c.msg == "" {
				pullWantHealth(t, rec.Health, "ok")
			} else {
				pullWantHealth(t, rec.Health, "error", c.msg)
			}
			web := map[string]string{"target": "web"}
			if v := rec.last(t, "probe_success", web); v != c.success {
				t.Errorf("probe_success = %v, want %v", v, c.success)
			}
			if v := rec.last(t, "probe_up", web); v != 1 {
				t.Errorf("probe_up = %v after one attempt, want 1 (down only after 3)", v)
			}
			if v := rec.last(t, "probe_status_code", web); v != c.status {
				t.Errorf("probe_status_code = %v, want %v", v, c.status)
			}
			if v := rec.last(t, "probe_duration_ms", web); v <= 0 || v > 5000 {
				t.Errorf("probe_duration_ms = %v", v)
			}
			if ps := rec.find("probe_body_match", web); c.bodyMatch < 0 && len(ps) != 0 || c.bodyMatch >= 0 && (len(ps) != 1 || ps[0].Value != c.bodyMatch) {
				t.Errorf("probe_body_match = %+v, want %v", ps, c.bodyMatch)
			}
			ps := rec.find("probe_tls_cert_days_left", web)
			switch {
			case !c.certDays && len(ps) != 0:
				t.Errorf("probe_tls_cert_days_left = %+v for plain http", ps)
			case c.certDays && (len(ps) != 1 || math.Abs(ps[0].Value-certDays) > 0.01):
				t.Errorf("probe_tls_cert_days_left = %+v, want ≈ %.2f", ps, certDays)
			}
		})
	}
}

// TestProbeDownAfterFailures: up turns 0 only after failures_to_down
// consecutive failures, and everything recovers with the first success.
func TestProbeDownAfterFailures(t *testing.T) {
	s := newProbeTestServers(t)
	r := probeTestRunner(t, `{"name":"shop","url":"`+s.plain.URL+`/health","failures_to_down":3}`)
	rec := newPullTestRecorder()
	shop := map[string]string{"target": "shop"}

	s.status.Store(http.StatusInternalServerError)
	for i, wantUp := range []float64{1, 1, 0, 0} {
		r.check(context.Background(), rec.Env, r.targets[0])
		if v := rec.last(t, "probe_success", shop); v != 0 {
			t.Fatalf("attempt %d: probe_success = %v", i+1, v)
		}
		if v := rec.last(t, "probe_up", shop); v != wantUp {
			t.Fatalf("attempt %d: probe_up = %v, want %v", i+1, v, wantUp)
		}
		pullWantHealth(t, rec.Health, "error", "shop: status 500 (expected 2xx)")
	}

	s.status.Store(0)
	r.check(context.Background(), rec.Env, r.targets[0])
	if v := rec.last(t, "probe_up", shop); v != 1 {
		t.Fatalf("probe_up = %v after a success", v)
	}
	pullWantHealth(t, rec.Health, "ok")
	if v := rec.Health.View(); v.Runs != 5 || v.Failures != 4 || v.LastError == "" {
		t.Fatalf("health = %+v: the last error stays visible", v)
	}
}

// TestProbeHealthCoversAllTargets: a target's success does not hide
// another's failure.
func TestProbeHealthCoversAllTargets(t *testing.T) {
	s := newProbeTestServers(t)
	r := probeTestRunner(t,
		`{"name":"good","url":"`+s.plain.URL+`/health"}`,
		`{"name":"bad","url":"`+s.plain.URL+`/missing"}`)
	rec := newPullTestRecorder()
	r.check(context.Background(), rec.Env, r.targets[1])
	r.check(context.Background(), rec.Env, r.targets[0])
	pullWantHealth(t, rec.Health, "error", "1 of 2 targets failed: bad: status 404 (expected 2xx)")
}

// TestProbeRunSlowTargetDoesNotBlock: targets run independently; a hanging
// one does not delay another, and Run returns when ctx ends.
func TestProbeRunSlowTargetDoesNotBlock(t *testing.T) {
	s := newProbeTestServers(t)
	r := probeTestRunner(t,
		`{"name":"slow","url":"`+s.plain.URL+`/slow","interval":"1m","timeout":"50s"}`,
		`{"name":"fast","url":"`+s.plain.URL+`/health","interval":"1s"}`)
	rec := newPullTestRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx, rec.Env); close(done) }()
	pullWaitFor(t, func() bool { return len(rec.find("probe_success", map[string]string{"target": "fast"})) >= 2 })
	if ps := rec.find("probe_success", map[string]string{"target": "slow"}); len(ps) != 0 {
		t.Fatalf("the slow target has answered: %+v", ps)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	// Cancelling the slow probe is not reported as its failure.
	pullWantHealth(t, rec.Health, "ok")
}
