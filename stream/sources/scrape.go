package sources

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/jsonx"
	"github.com/flexboard/flexboard/stream"
)

// ScrapeDriver is the prometheus_scrape source: it reads the text
// exposition of /metrics endpoints (node_exporter and friends) into the
// store, as Prometheus would scrape them.
//
// Config:
//
//	{"targets":["http://127.0.0.1:9100/metrics"], "interval":"15s", "timeout":"10s",
//	 "bearer_token":"", "labels":{"job":"node"}, "honor_timestamps":false}
//
// Every sample gets the labels instance (the target's host:port) and job
// ("scrape" unless labels sets it) plus the configured labels; a scraped
// label of the same name is kept as exported_<name>, as Prometheus does.
// Each target also yields up, scrape_duration_seconds and
// scrape_samples_scraped with those labels. Timestamps in the body are
// ignored unless honor_timestamps is set (a target's stale timestamps would
// otherwise be refused as too old). NaN and infinite values are skipped: the
// store keeps finite numbers only.
type ScrapeDriver struct{}

var _ Driver = ScrapeDriver{}

// Limits and defaults of prometheus_scrape.
const (
	ScrapeMaxTargets     = 100      // targets per source
	ScrapeMaxBody        = 16 << 20 // bytes of one /metrics answer
	scrapeConcurrency    = 8        // targets scraped at once
	scrapeDefaultJob     = "scrape"
	scrapeDefaultTimeout = 10 * time.Second
	scrapeKeepBuffer     = 4 << 20 // a target's body buffer bigger than this is dropped when mostly unused
	// scrapeAccept asks for the text format (what ParsePrometheus reads),
	// never protobuf.
	scrapeAccept = "text/plain;version=0.0.4;q=1,*/*;q=0.1"
)

type scrapeConfig struct {
	Targets         []string          `json:"targets"`
	Interval        string            `json:"interval"`
	Timeout         string            `json:"timeout"`
	BearerToken     string            `json:"bearer_token"`
	Labels          map[string]string `json:"labels"`
	HonorTimestamps bool              `json:"honor_timestamps"`
}

// Type implements Driver.
func (ScrapeDriver) Type() string { return TypeScrape }

// Defaults implements Driver: the local node_exporter.
func (ScrapeDriver) Defaults() json.RawMessage {
	return json.RawMessage(`{"targets":["http://127.0.0.1:9100/metrics"],"interval":"15s","timeout":"10s","labels":{"job":"node"}}`)
}

// New implements Driver.
func (d ScrapeDriver) New(config json.RawMessage) (Runner, error) {
	var c scrapeConfig
	if err := pullDecode(config, d.Defaults(), &c); err != nil {
		return nil, err
	}
	interval, timeout, err := pullTimes(c.Interval, 15*time.Second, c.Timeout, scrapeDefaultTimeout, false)
	if err != nil {
		return nil, err
	}
	switch {
	case len(c.Targets) == 0:
		return nil, errs.Invalidf("targets", "add at least one /metrics URL, such as http://127.0.0.1:9100/metrics")
	case len(c.Targets) > ScrapeMaxTargets:
		return nil, errs.Invalidf("targets", "has %d targets; the limit is %d: split them over several sources", len(c.Targets), ScrapeMaxTargets)
	}
	if err := pullHeaderValue("bearer_token", c.BearerToken); err != nil {
		return nil, err
	}
	labels, err := pullLabels("labels", c.Labels, "instance")
	if err != nil {
		return nil, err
	}
	if !pullHasLabel(labels, "job") {
		labels = append(labels, stream.LabelPair{Name: []byte("job"), Value: []byte(scrapeDefaultJob)})
	}
	r := &scrapeRunner{interval: interval, timeout: timeout, bearer: c.BearerToken, honorTS: c.HonorTimestamps,
		maxBody: ScrapeMaxBody, client: pullClient(false, true)}
	seen := map[string]int{}
	for i, raw := range c.Targets {
		field := fmt.Sprintf("targets[%d]", i)
		u, err := pullURL(field, raw)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[u.String()]; dup {
			return nil, errs.Invalidf(field, "%s is targets[%d] already", u, j)
		}
		seen[u.String()] = i
		t := &scrapeTarget{url: u.String(), instance: pullInstance(u)}
		t.app.extra = append(append(t.app.extra, labels...), stream.LabelPair{Name: []byte("instance"), Value: []byte(t.instance)})
		for _, l := range t.app.extra {
			t.app.exported = append(t.app.exported, []byte("exported_"+string(l.Name)))
		}
		r.targets = append(r.targets, t)
	}
	return r, nil
}

type scrapeRunner struct {
	interval, timeout time.Duration
	bearer            string
	honorTS           bool
	maxBody           int64
	client            *http.Client
	targets           []*scrapeTarget
}

// scrapeTarget is one /metrics URL and what is reused from one of its
// scrapes to the next. Only one scrape of a target runs at a time.
type scrapeTarget struct {
	url, instance string
	body          bytes.Buffer
	app           scrapeAppender
}

// Run implements Runner.
func (r *scrapeRunner) Run(ctx context.Context, env Env) {
	env = pullEnv(env)
	defer r.client.CloseIdleConnections()
	pullLoop(ctx, r.interval, func(ctx context.Context) { r.scrapeAll(ctx, env) })
}

// scrapeAll scrapes every target once and reports the run.
func (r *scrapeRunner) scrapeAll(ctx context.Context, env Env) {
	at := env.Now()
	points := make([]int, len(r.targets))
	failed := make([]string, len(r.targets))
	pullEach(len(r.targets), scrapeConcurrency, func(i int) {
		n, err := r.scrape(ctx, env, r.targets[i])
		points[i] = n
		if err != nil {
			failed[i] = r.targets[i].url + ": " + err.Error()
		}
	})
	if ctx.Err() != nil {
		return // stopping: a cancelled scrape is not the target's failure
	}
	total := 0
	for _, n := range points {
		total += n
	}
	err := pullJoin("targets", failed)
	env.Health.Report(at, total, err)
	if err != nil {
		env.Log.Debug("prometheus_scrape failed", "err", err)
	}
}

// scrape scrapes one target and returns the points it stored.
func (r *scrapeRunner) scrape(ctx context.Context, env Env, t *scrapeTarget) (int, error) {
	at, began := env.Now(), time.Now()
	status, err := pullGet(ctx, r.client, t.url, pullRequest{
		bearer: r.bearer, accept: scrapeAccept, timeout: r.timeout, maxBody: r.maxBody,
		header: map[string]string{"X-Prometheus-Scrape-Timeout-Seconds": strconv.FormatFloat(r.timeout.Seconds(), 'f', -1, 64)},
	}, &t.body)
	if err == nil && (status < 200 || status > 299) {
		err = fmt.Errorf("status %d", status)
	}
	elapsed := time.Since(began).Seconds()

	// Samples are stamped with the scrape's start, as Prometheus does.
	a := &t.app
	a.next, a.honorTS, a.ts, a.skipped = env.Appender(), r.honorTS, at.UnixMilli(), 0
	var res stream.ParseResult
	var rejected error
	if err == nil {
		stream.ParsePrometheus(t.body.Bytes(), a, &res)
		switch {
		case res.Unparsable:
			err = fmt.Errorf("the answer is not in the Prometheus text format: line %d: %s", res.Errors[0].Line, res.Errors[0].Message)
		case res.Rejected > 0:
			rejected = fmt.Errorf("%d of %d lines rejected; line %d: %s", res.Rejected, res.Accepted+res.Rejected, res.Errors[0].Line, res.Errors[0].Message)
		}
	}
	if t.body.Cap() > scrapeKeepBuffer && t.body.Len() < t.body.Cap()/4 {
		t.body = bytes.Buffer{} // one huge answer must not hold its memory forever
	}
	points := res.Accepted - a.skipped
	up := 1.0
	if err != nil {
		up, points = 0, 0
	}
	own := [...]struct {
		name  string
		value float64
	}{
		{"up", up},
		{"scrape_duration_seconds", elapsed},
		{"scrape_samples_scraped", float64(res.Accepted + res.Rejected)},
	}
	for _, s := range own {
		if e := a.appendOwn(s.name, s.value); e != nil && rejected == nil {
			rejected = fmt.Errorf("%s: %w", s.name, e)
		} else if e == nil {
			points++
		}
	}
	if err == nil {
		err = rejected
	}
	a.next = nil
	return points, err
}

// scrapeAppender adds a target's labels to every sample on its way to the
// store. It copies each sample's labels into one reused slice, so nothing
// is allocated per sample.
type scrapeAppender struct {
	next     stream.Appender
	extra    []stream.LabelPair // job, configured labels, instance
	exported [][]byte           // "exported_" + extra[i].Name
	honorTS  bool
	ts       int64 // the scrape's time, unix ms
	skipped  int   // NaN and infinite values dropped in this scrape

	labels []stream.LabelPair
	sample stream.Sample
}

// AppendSample implements stream.Appender.
func (a *scrapeAppender) AppendSample(s *stream.Sample) error {
	if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
		a.skipped++ // summaries without observations are NaN: not an error
		return nil
	}
	a.labels = a.labels[:0]
	for _, l := range s.Labels {
		for i, e := range a.extra {
			if bytes.Equal(l.Name, e.Name) {
				l.Name = a.exported[i] // the target's label wins, as in Prometheus
				break
			}
		}
		a.labels = append(a.labels, l)
	}
	a.labels = append(a.labels, a.extra...)
	a.sample = stream.Sample{Metric: s.Metric, Labels: a.labels, Value: s.Value, TS: a.ts}
	if a.honorTS && s.TS != 0 {
		a.sample.TS = s.TS
	}
	return a.next.AppendSample(&a.sample)
}

// AppendTransaction implements stream.Appender; the text format has none.
func (a *scrapeAppender) AppendTransaction(t *stream.Transaction) error {
	return a.next.AppendTransaction(t)
}

// appendOwn appends one of the scrape's own series (up, ...).
func (a *scrapeAppender) appendOwn(metric string, v float64) error {
	a.labels = append(a.labels[:0], a.extra...)
	a.sample = stream.Sample{Metric: []byte(metric), Labels: a.labels, Value: v, TS: a.ts}
	return a.next.AppendSample(&a.sample)
}

// Helpers shared by the pull sources (host, http_probe, prometheus_scrape,
// prometheus_query).

// MaxInterval is the longest interval a pull source may run at.
const MaxInterval = 24 * time.Hour

// pullMaxLabelValue bounds configured label values (the store's default
// max-label-value).
const pullMaxLabelValue = 1024

// pullEnv fills the parts of env a runner relies on.
func pullEnv(env Env) Env {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Log == nil {
		env.Log = slog.New(slog.DiscardHandler)
	}
	if env.Health == nil {
		env.Health = NewHealth()
	}
	return env
}

// pullLoop calls run at once, then every interval until ctx ends. A run
// longer than the interval delays the next one: ticks are dropped, never
// queued.
func pullLoop(ctx context.Context, interval time.Duration, run func(context.Context)) {
	if ctx.Err() != nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		run(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pullEach calls fn(0..n-1), at most limit at once, and waits for them.
func pullEach(n, limit int, fn func(i int)) {
	if n == 1 {
		fn(0)
		return
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// pullJoin turns the failures of one run ("" for success, one per target
// or query) into one health error: nil when all succeeded, the message
// itself when there is one item, else a count and the first few.
func pullJoin(noun string, failures []string) error {
	const shown = 3
	var msgs []string
	for _, f := range failures {
		if f != "" {
			msgs = append(msgs, f)
		}
	}
	switch {
	case len(msgs) == 0:
		return nil
	case len(failures) == 1:
		return errors.New(msgs[0])
	}
	n, more := len(msgs), ""
	if n > shown {
		msgs, more = msgs[:shown], fmt.Sprintf("; and %d more", n-shown)
	}
	return fmt.Errorf("%d of %d %s failed: %s%s", n, len(failures), noun, strings.Join(msgs, "; "), more)
}

// pullDecode decodes config strictly into dst; an empty or null config
// means defaults.
func pullDecode(config, defaults json.RawMessage, dst any) error {
	if t := bytes.TrimSpace(config); len(t) == 0 || string(t) == "null" {
		config = defaults
	}
	return jsonx.Decode(config, dst)
}

// pullDuration parses the duration in field; "" is def.
func pullDuration(field, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errs.Invalidf(field, "%q is not a duration: write a number and a unit, such as 15s, 500ms or 1m", s)
	}
	return d, nil
}

// pullTimes parses and checks an interval and a timeout. An unset timeout
// is defTimeout, or the interval (half of it when strict) if that is
// shorter. strict requires timeout < interval, otherwise timeout <=
// interval.
func pullTimes(interval string, defInterval time.Duration, timeout string, defTimeout time.Duration, strict bool) (time.Duration, time.Duration, error) {
	return pullTimesAt("", interval, defInterval, timeout, defTimeout, strict)
}

// pullTimesAt is pullTimes for the fields under prefix ("targets[2]").
func pullTimesAt(prefix, interval string, defInterval time.Duration, timeout string, defTimeout time.Duration, strict bool) (time.Duration, time.Duration, error) {
	fi, ft := jsonx.Join(prefix, "interval"), jsonx.Join(prefix, "timeout")
	iv, err := pullDuration(fi, interval, defInterval)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case iv < MinInterval:
		return 0, 0, errs.Invalidf(fi, "%s is shorter than the minimum interval %s", iv, MinInterval)
	case iv > MaxInterval:
		return 0, 0, errs.Invalidf(fi, "%s is longer than the maximum interval %s", iv, MaxInterval)
	}
	if timeout == "" {
		limit := iv
		if strict {
			limit = iv / 2
		}
		return iv, min(defTimeout, limit), nil
	}
	to, err := pullDuration(ft, timeout, defTimeout)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case to <= 0:
		return 0, 0, errs.Invalidf(ft, "must be positive, such as 5s")
	case strict && to >= iv:
		return 0, 0, errs.Invalidf(ft, "%s must be shorter than the interval (%s)", to, iv)
	case to > iv:
		return 0, 0, errs.Invalidf(ft, "%s must not be longer than the interval (%s)", to, iv)
	}
	return iv, to, nil
}

// pullURL checks an http or https URL with a host.
func pullURL(field, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errs.Invalidf(field, "is required: an http:// or https:// URL")
	}
	u, err := url.Parse(raw)
	switch {
	case !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://"):
		return nil, errs.Invalidf(field, "%q must start with http:// or https://", raw)
	case err != nil:
		return nil, errs.Invalidf(field, "%q is not a URL: %v", raw, errors.Unwrap(err))
	case u.Hostname() == "":
		return nil, errs.Invalidf(field, "%q has no host", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, errs.Invalidf(field, "%q has an invalid port", raw)
		}
	}
	u.Fragment = ""
	return u, nil
}

// pullInstance is the instance label of a URL: host:port, with the
// scheme's default port when the URL has none, as Prometheus does.
func pullInstance(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// pullLabels checks configured labels and returns them sorted by name.
// reserved names are set by the source itself.
func pullLabels(field string, m map[string]string, reserved ...string) ([]stream.LabelPair, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]stream.LabelPair, 0, len(m)+2)
	for _, k := range names {
		f, v := jsonx.Join(field, k), m[k]
		switch {
		case !pullLabelName(k):
			return nil, errs.Invalidf(f, "%q is not a valid label name: use [a-zA-Z_][a-zA-Z0-9_]*", k)
		case strings.HasPrefix(k, "__"):
			return nil, errs.Invalidf(f, "label names starting with __ are reserved")
		case v == "":
			return nil, errs.Invalidf(f, "needs a value (remove the label instead)")
		case len(v) > pullMaxLabelValue || !utf8.ValidString(v):
			return nil, errs.Invalidf(f, "must be valid UTF-8 of at most %d bytes", pullMaxLabelValue)
		}
		for _, r := range reserved {
			if k == r {
				return nil, errs.Invalidf(f, "%s is set by the source itself", k)
			}
		}
		out = append(out, stream.LabelPair{Name: []byte(k), Value: []byte(v)})
	}
	return out, nil
}

func pullHasLabel(ls []stream.LabelPair, name string) bool {
	for _, l := range ls {
		if string(l.Name) == name {
			return true
		}
	}
	return false
}

// pullHeaderValue checks a value that goes into an HTTP header.
func pullHeaderValue(field, v string) error {
	for _, c := range []byte(v) {
		if c < ' ' || c == 0x7f {
			return errs.Invalidf(field, "must not contain control characters or line breaks")
		}
	}
	return nil
}

// pullLabelName reports whether s is a valid label name.
func pullLabelName(s string) bool {
	for i, c := range []byte(s) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// pullMetricName reports whether s is a valid metric name.
func pullMetricName(s string) bool {
	for i, c := range []byte(s) {
		if !(c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != "" && len(s) <= stream.MaxMetricNameLength
}

// pullClient returns an HTTP client for one runner. Probes use fresh
// connections (keepAlive false) so that each one measures connecting and
// the TLS handshake and sees the current certificate.
func pullClient(insecure, keepAlive bool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = !keepAlive
	tr.MaxIdleConnsPerHost = 4
	if insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	return &http.Client{Transport: tr}
}

// pullRequest is how pullGet asks.
type pullRequest struct {
	bearer, accept string
	header         map[string]string
	timeout        time.Duration
	maxBody        int64
}

// pullGet GETs rawURL within req.timeout and reads at most req.maxBody
// bytes of the answer into buf. It returns the status; a body over the
// limit is an error.
func pullGet(ctx context.Context, c *http.Client, rawURL string, req pullRequest, buf *bytes.Buffer) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, req.timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, err
	}
	hr.Header.Set("User-Agent", "flexboard")
	if req.accept != "" {
		hr.Header.Set("Accept", req.accept)
	}
	if req.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+req.bearer)
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	resp, err := c.Do(hr)
	if err != nil {
		return 0, pullRequestError(ctx, err, req.timeout)
	}
	defer resp.Body.Close()
	buf.Reset()
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, req.maxBody+1))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read the answer: %w", pullRequestError(ctx, err, req.timeout))
	}
	if n > req.maxBody {
		return resp.StatusCode, fmt.Errorf("the answer is larger than the limit of %s", pullBytes(req.maxBody))
	}
	return resp.StatusCode, nil
}

// pullRequestError shortens an HTTP client error: "timeout after 5s", or
// the cause without the repeated method and URL.
func pullRequestError(ctx context.Context, err error, timeout time.Duration) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("timeout after %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// pullBytes formats a size limit.
func pullBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
