package sources

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/stream"
)

// HTTPProbeDriver is the http_probe source: it checks URLs, each on its own
// interval, and stores whether they answer as expected.
//
// Config:
//
//	{"targets":[{"name":"shop", "url":"https://shop.example/health", "interval":"15s",
//	  "timeout":"5s", "expect_status":[200], "body_match":"ok|healthy",
//	  "failures_to_down":3, "insecure_skip_verify":false}]}
//
// Series, labelled target=<name>: probe_success (this attempt), probe_up
// (0 only after failures_to_down consecutive failures), probe_duration_ms
// (request to end of body), probe_status_code (0 without an answer),
// probe_body_match (with body_match) and probe_tls_cert_days_left (https).
//
// The certificate's days left are reported even when its verification
// fails, from the unverified leaf: an expired or wrongly issued
// certificate then shows both the failure (in probe_success and the
// source's health) and its date. Redirects are followed; the last answer
// counts. The source's health is an error while any target's last attempt
// failed, naming the targets and reasons.
type HTTPProbeDriver struct{}

var _ Driver = HTTPProbeDriver{}

// Limits and defaults of http_probe.
const (
	ProbeMaxTargets       = 500
	ProbeMaxBody          = 1 << 20 // bytes of an answer read (and matched)
	ProbeMaxName          = 128
	ProbeMaxFailures      = 100
	probeConcurrency      = 32 // probes in flight at once, all targets together
	probeDefaultInterval  = 15 * time.Second
	probeDefaultTimeout   = 5 * time.Second
	probeDefaultFailures  = 3
	probeMaxBodyMatchExpr = 1024
)

type probeConfig struct {
	Targets []probeConfigTarget `json:"targets"`
}

type probeConfigTarget struct {
	Name               string `json:"name"`
	URL                string `json:"url"`
	Interval           string `json:"interval"`
	Timeout            string `json:"timeout"`
	ExpectStatus       []int  `json:"expect_status"`
	BodyMatch          string `json:"body_match"`
	FailuresToDown     int    `json:"failures_to_down"`
	InsecureSkipVerify bool   `json:"insecure_skip_verify"`
}

// Type implements Driver.
func (HTTPProbeDriver) Type() string { return TypeHTTPProbe }

// Defaults implements Driver: the Flexboard server's own health check.
func (HTTPProbeDriver) Defaults() json.RawMessage {
	return json.RawMessage(`{"targets":[{"name":"flexboard","url":"http://127.0.0.1:8080/healthz","interval":"15s","timeout":"5s","expect_status":[200],"failures_to_down":3}]}`)
}

// New implements Driver.
func (d HTTPProbeDriver) New(config json.RawMessage) (Runner, error) {
	var c probeConfig
	if err := pullDecode(config, d.Defaults(), &c); err != nil {
		return nil, err
	}
	switch {
	case len(c.Targets) == 0:
		return nil, errs.Invalidf("targets", `add at least one target, such as {"name":"shop","url":"https://shop.example/health"}`)
	case len(c.Targets) > ProbeMaxTargets:
		return nil, errs.Invalidf("targets", "has %d targets; the limit is %d: split them over several sources", len(c.Targets), ProbeMaxTargets)
	}
	r := &probeRunner{}
	var verify, insecure *http.Client
	names := map[string]int{}
	for i, ct := range c.Targets {
		field := fmt.Sprintf("targets[%d]", i)
		t, err := probeNewTarget(field, ct)
		if err != nil {
			return nil, err
		}
		if j, dup := names[t.name]; dup {
			return nil, errs.Invalidf(field+".name", "%q is the name of targets[%d] already: give each target its own name", t.name, j)
		}
		names[t.name] = i
		// Two clients for all targets: one verifying certificates, one not.
		if ct.InsecureSkipVerify {
			if insecure == nil {
				insecure = pullClient(true, false)
			}
			t.client = insecure
		} else {
			if verify == nil {
				verify = pullClient(false, false)
			}
			t.client = verify
		}
		r.targets = append(r.targets, t)
	}
	return r, nil
}

func probeNewTarget(field string, c probeConfigTarget) (*probeTarget, error) {
	switch {
	case c.Name == "":
		return nil, errs.Invalidf(field+".name", "is required: it is the target label of the target's series")
	case len(c.Name) > ProbeMaxName:
		return nil, errs.Invalidf(field+".name", "is %d bytes; the limit is %d", len(c.Name), ProbeMaxName)
	}
	u, err := pullURL(field+".url", c.URL)
	if err != nil {
		return nil, err
	}
	interval, timeout, err := pullTimesAt(field, c.Interval, probeDefaultInterval, c.Timeout, probeDefaultTimeout, true)
	if err != nil {
		return nil, err
	}
	t := &probeTarget{name: c.Name, url: u.String(), interval: interval, timeout: timeout, failuresToDown: c.FailuresToDown,
		labels: []stream.LabelPair{{Name: []byte("target"), Value: []byte(c.Name)}}}
	for j, s := range c.ExpectStatus {
		if s < 100 || s > 599 {
			return nil, errs.Invalidf(fmt.Sprintf("%s.expect_status[%d]", field, j), "%d is not an HTTP status: use 100 to 599", s)
		}
	}
	t.expect = slices.Clone(c.ExpectStatus)
	if c.BodyMatch != "" {
		if len(c.BodyMatch) > probeMaxBodyMatchExpr {
			return nil, errs.Invalidf(field+".body_match", "is %d bytes; the limit is %d", len(c.BodyMatch), probeMaxBodyMatchExpr)
		}
		if t.match, err = regexp.Compile(c.BodyMatch); err != nil {
			return nil, errs.Invalidf(field+".body_match", "is not a valid regular expression (RE2 syntax): %v", err)
		}
	}
	switch {
	case c.FailuresToDown == 0:
		t.failuresToDown = probeDefaultFailures
	case c.FailuresToDown < 0 || c.FailuresToDown > ProbeMaxFailures:
		return nil, errs.Invalidf(field+".failures_to_down", "%d is out of range: use 1 to %d", c.FailuresToDown, ProbeMaxFailures)
	}
	return t, nil
}

type probeRunner struct {
	targets []*probeTarget

	// mu orders the health reports of targets probed concurrently and
	// guards the targets' state.
	mu sync.Mutex
}

type probeTarget struct {
	name, url         string
	interval, timeout time.Duration
	expect            []int // empty: any 2xx
	match             *regexp.Regexp
	failuresToDown    int
	client            *http.Client
	labels            []stream.LabelPair // target=<name>

	// State, guarded by probeRunner.mu.
	failures int    // consecutive failed attempts
	lastErr  string // of the last attempt; "" when it succeeded
}

// probeResult is one attempt.
type probeResult struct {
	err       error
	status    int // 0: no answer
	duration  time.Duration
	bodyMatch float64 // 1, 0, or -1 when not checked
	certDays  float64
	hasCert   bool
}

// Run implements Runner: each target loops on its own interval, with at
// most probeConcurrency probes in flight.
func (r *probeRunner) Run(ctx context.Context, env Env) {
	env = pullEnv(env)
	sem := make(chan struct{}, probeConcurrency)
	var wg sync.WaitGroup
	for _, t := range r.targets {
		wg.Go(func() {
			pullLoop(ctx, t.interval, func(ctx context.Context) {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				defer func() { <-sem }()
				r.check(ctx, env, t)
			})
		})
	}
	wg.Wait()
}

// check probes t once, stores the result and reports the source's health.
func (r *probeRunner) check(ctx context.Context, env Env, t *probeTarget) {
	at := env.Now()
	res := t.probe(ctx, at)
	if ctx.Err() != nil {
		return // stopping: not the target's failure
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if res.err != nil {
		t.failures++
		t.lastErr = res.err.Error()
	} else {
		t.failures, t.lastErr = 0, ""
	}
	points := r.store(env, t, &res, at)
	failed := make([]string, len(r.targets))
	for i, o := range r.targets {
		if o.lastErr != "" {
			failed[i] = o.name + ": " + o.lastErr
		}
	}
	err := pullJoin("targets", failed)
	env.Health.Report(at, points, err)
	if res.err != nil {
		env.Log.Debug("http_probe failed", "target", t.name, "err", res.err)
	}
}

// store appends the series of one attempt, stamped with its start.
func (r *probeRunner) store(env Env, t *probeTarget, res *probeResult, at time.Time) int {
	b := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	app := env.Appender()
	points := 0
	add := func(metric string, v float64) {
		s := stream.Sample{Metric: []byte(metric), Labels: append([]stream.LabelPair(nil), t.labels...), Value: v, TS: at.UnixMilli()}
		if err := app.AppendSample(&s); err != nil {
			env.Log.Warn("http_probe: store refused a point", "target", t.name, "metric", metric, "err", err)
			return
		}
		points++
	}
	add("probe_up", b(t.failures < t.failuresToDown))
	add("probe_success", b(res.err == nil))
	add("probe_duration_ms", float64(res.duration)/float64(time.Millisecond))
	add("probe_status_code", float64(res.status))
	if res.bodyMatch >= 0 {
		add("probe_body_match", res.bodyMatch)
	}
	if res.hasCert {
		add("probe_tls_cert_days_left", res.certDays)
	}
	return points
}

// probe makes one attempt.
func (t *probeTarget) probe(ctx context.Context, now time.Time) probeResult {
	res := probeResult{bodyMatch: -1}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		res.err = err
		return res
	}
	req.Header.Set("User-Agent", "flexboard-probe")
	start := time.Now()
	resp, err := t.client.Do(req)
	if err != nil {
		res.duration = time.Since(start)
		// A certificate that fails verification still has a date.
		var cve *tls.CertificateVerificationError
		if errors.As(err, &cve) && len(cve.UnverifiedCertificates) > 0 {
			res.setCert(cve.UnverifiedCertificates[0], now)
		}
		res.err = pullRequestError(ctx, err, t.timeout)
		return res
	}
	defer resp.Body.Close()
	res.status = resp.StatusCode
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		res.setCert(resp.TLS.PeerCertificates[0], now)
	}
	var body []byte
	if t.match != nil {
		body, err = io.ReadAll(io.LimitReader(resp.Body, ProbeMaxBody))
	} else {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, ProbeMaxBody))
	}
	res.duration = time.Since(start)
	switch {
	case err != nil:
		res.err = fmt.Errorf("read the body: %w", pullRequestError(ctx, err, t.timeout))
	case !t.expected(resp.StatusCode):
		res.err = fmt.Errorf("status %d (expected %s)", resp.StatusCode, t.expectation())
	}
	if t.match != nil && err == nil {
		res.bodyMatch = 0
		if t.match.Match(body) {
			res.bodyMatch = 1
		} else if res.err == nil {
			res.err = fmt.Errorf("body does not match %q", t.match.String())
		}
	}
	return res
}

func (r *probeResult) setCert(c *x509.Certificate, now time.Time) {
	r.hasCert = true
	r.certDays = c.NotAfter.Sub(now).Hours() / 24
}

func (t *probeTarget) expected(status int) bool {
	if len(t.expect) == 0 {
		return status >= 200 && status <= 299
	}
	return slices.Contains(t.expect, status)
}

func (t *probeTarget) expectation() string {
	if len(t.expect) == 0 {
		return "2xx"
	}
	s := ""
	for i, e := range t.expect {
		if i > 0 {
			s += " or "
		}
		s += strconv.Itoa(e)
	}
	return s
}
