package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/stream"
)

// QueryDriver is the prometheus_query source: it runs instant PromQL
// queries against a Prometheus server's HTTP API (/api/v1/query) and stores
// the results, so a board can show what a team's Prometheus already knows.
//
// Config:
//
//	{"url":"http://127.0.0.1:9090", "interval":"30s", "timeout":"10s", "bearer_token":"",
//	 "queries":[{"name":"node_load", "promql":"node_load1", "labels":{}}]}
//
// A vector result becomes one series per sample, named after the query,
// with the sample's labels (without __name__) and the query's labels (which
// win over the result's); a scalar becomes one series. Range vectors and
// strings are errors: use an instant vector query. NaN and infinite values
// are skipped.
type QueryDriver struct{}

var _ Driver = QueryDriver{}

// Limits and defaults of prometheus_query.
const (
	QueryMaxQueries      = 100
	QueryMaxSeries       = 10_000   // series one query may return
	QueryMaxBody         = 16 << 20 // bytes of one API answer
	QueryMaxPromQL       = 10_000   // bytes of one query's PromQL
	queryConcurrency     = 4
	queryDefaultInterval = 30 * time.Second
	queryDefaultTimeout  = 10 * time.Second
)

type queryConfig struct {
	URL         string             `json:"url"`
	Interval    string             `json:"interval"`
	Timeout     string             `json:"timeout"`
	BearerToken string             `json:"bearer_token"`
	Queries     []queryConfigQuery `json:"queries"`
}

type queryConfigQuery struct {
	Name   string            `json:"name"`
	PromQL string            `json:"promql"`
	Labels map[string]string `json:"labels"`
}

// Type implements Driver.
func (QueryDriver) Type() string { return TypeQuery }

// Defaults implements Driver: a local Prometheus and its up series.
func (QueryDriver) Defaults() json.RawMessage {
	return json.RawMessage(`{"url":"http://127.0.0.1:9090","interval":"30s","timeout":"10s","queries":[{"name":"up","promql":"up"}]}`)
}

// New implements Driver.
func (d QueryDriver) New(config json.RawMessage) (Runner, error) {
	var c queryConfig
	if err := pullDecode(config, d.Defaults(), &c); err != nil {
		return nil, err
	}
	u, err := pullURL("url", c.URL)
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" {
		return nil, errs.Invalidf("url", "must be the server's base URL without a query, such as http://127.0.0.1:9090")
	}
	interval, timeout, err := pullTimes(c.Interval, queryDefaultInterval, c.Timeout, queryDefaultTimeout, false)
	if err != nil {
		return nil, err
	}
	if err := pullHeaderValue("bearer_token", c.BearerToken); err != nil {
		return nil, err
	}
	switch {
	case len(c.Queries) == 0:
		return nil, errs.Invalidf("queries", `add at least one query, such as {"name":"node_load1","promql":"node_load1"}`)
	case len(c.Queries) > QueryMaxQueries:
		return nil, errs.Invalidf("queries", "has %d queries; the limit is %d: split them over several sources", len(c.Queries), QueryMaxQueries)
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/api/v1/query"
	r := &queryRunner{endpoint: u.String(), interval: interval, timeout: timeout, bearer: c.BearerToken,
		maxBody: QueryMaxBody, maxSeries: QueryMaxSeries, client: pullClient(false, true)}
	names := map[string]int{}
	for i, q := range c.Queries {
		field := fmt.Sprintf("queries[%d]", i)
		switch {
		case q.Name == "":
			return nil, errs.Invalidf(field+".name", "is required: the metric name the results are stored under, such as node_load1")
		case !pullMetricName(q.Name):
			return nil, errs.Invalidf(field+".name", "%q is not a valid metric name: use [a-zA-Z_:][a-zA-Z0-9_:]*, at most %d characters", q.Name, stream.MaxMetricNameLength)
		case strings.TrimSpace(q.PromQL) == "":
			return nil, errs.Invalidf(field+".promql", "is required: a PromQL expression, such as node_load1")
		case len(q.PromQL) > QueryMaxPromQL:
			return nil, errs.Invalidf(field+".promql", "is %d bytes; the limit is %d", len(q.PromQL), QueryMaxPromQL)
		}
		if j, dup := names[q.Name]; dup {
			return nil, errs.Invalidf(field+".name", "%q is the name of queries[%d] already: give each query its own name", q.Name, j)
		}
		names[q.Name] = i
		labels, err := pullLabels(field+".labels", q.Labels)
		if err != nil {
			return nil, err
		}
		r.queries = append(r.queries, queryItem{name: q.Name, promql: q.PromQL, labels: labels})
	}
	return r, nil
}

type queryRunner struct {
	endpoint          string // .../api/v1/query
	interval, timeout time.Duration
	bearer            string
	maxBody           int64
	maxSeries         int
	client            *http.Client
	queries           []queryItem
}

type queryItem struct {
	name, promql string
	labels       []stream.LabelPair // sorted by name
}

// Run implements Runner.
func (r *queryRunner) Run(ctx context.Context, env Env) {
	env = pullEnv(env)
	defer r.client.CloseIdleConnections()
	pullLoop(ctx, r.interval, func(ctx context.Context) { r.runAll(ctx, env) })
}

// runAll runs every query once, as of one time, and reports the run.
func (r *queryRunner) runAll(ctx context.Context, env Env) {
	at := env.Now()
	points := make([]int, len(r.queries))
	failed := make([]string, len(r.queries))
	pullEach(len(r.queries), queryConcurrency, func(i int) {
		n, err := r.query(ctx, env, &r.queries[i], at)
		points[i] = n
		if err != nil {
			failed[i] = fmt.Sprintf("query %q: %v", r.queries[i].name, err)
		}
	})
	if ctx.Err() != nil {
		return
	}
	total := 0
	for _, n := range points {
		total += n
	}
	err := pullJoin("queries", failed)
	env.Health.Report(at, total, err)
	if err != nil {
		env.Log.Debug("prometheus_query failed", "err", err)
	}
}

// queryResponse is the envelope of Prometheus' HTTP API.
type queryResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

// querySample is one element of a vector result; Value is [time, "value"].
type querySample struct {
	Metric map[string]string `json:"metric"`
	Value  []any             `json:"value"`
}

// query runs one query and stores its result.
func (r *queryRunner) query(ctx context.Context, env Env, q *queryItem, at time.Time) (int, error) {
	params := url.Values{
		"query":   {q.promql},
		"time":    {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)},
		"timeout": {strconv.FormatFloat(r.timeout.Seconds(), 'f', -1, 64)},
	}
	var body bytes.Buffer
	status, err := pullGet(ctx, r.client, r.endpoint+"?"+params.Encode(), pullRequest{
		bearer: r.bearer, accept: "application/json", timeout: r.timeout, maxBody: r.maxBody,
	}, &body)
	if err != nil {
		return 0, err
	}
	var resp queryResponse
	if err := json.Unmarshal(body.Bytes(), &resp); err != nil || resp.Status == "" {
		if status != http.StatusOK {
			return 0, fmt.Errorf("status %d from %s: is url the Prometheus server?", status, r.endpoint)
		}
		return 0, fmt.Errorf("the answer of %s is not a Prometheus API response: is url the Prometheus server?", r.endpoint)
	}
	if resp.Status != "success" {
		return 0, fmt.Errorf("%s: %s", resp.ErrorType, resp.Error)
	}

	var samples []querySample
	switch resp.Data.ResultType {
	case "vector":
		if err := json.Unmarshal(resp.Data.Result, &samples); err != nil {
			return 0, fmt.Errorf("malformed vector result: %v", err)
		}
		if len(samples) > r.maxSeries {
			return 0, fmt.Errorf("returned %d series; the limit is %d: aggregate them (sum by (...), topk)", len(samples), r.maxSeries)
		}
	case "scalar":
		var v []any
		if err := json.Unmarshal(resp.Data.Result, &v); err != nil {
			return 0, fmt.Errorf("malformed scalar result: %v", err)
		}
		samples = []querySample{{Value: v}}
	case "matrix":
		return 0, fmt.Errorf("returns a range vector: use an instant vector query (no [5m] selector without a function such as rate)")
	default:
		return 0, fmt.Errorf("returns a %s: use an instant vector query", resp.Data.ResultType)
	}

	app := env.Appender()
	var (
		points int
		first  error
		labels []stream.LabelPair
		names  []string
	)
	metric, ts := []byte(q.name), at.UnixMilli() // the evaluation time
	for _, s := range samples {
		v, ok := queryValue(s.Value)
		if !ok {
			continue // NaN, ±Inf or a native histogram: nothing the store keeps
		}
		names = names[:0]
		for k := range s.Metric {
			if k != "__name__" && !pullHasLabel(q.labels, k) {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		labels = labels[:0]
		for _, k := range names {
			labels = append(labels, stream.LabelPair{Name: []byte(k), Value: []byte(s.Metric[k])})
		}
		labels = append(labels, q.labels...)
		if err := app.AppendSample(&stream.Sample{Metric: metric, Labels: labels, Value: v, TS: ts}); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		points++
	}
	if first != nil {
		return points, fmt.Errorf("result rejected by the store: %w", first)
	}
	return points, nil
}

// queryValue reads the value of a [time, "value"] pair; false for values
// the store does not keep.
func queryValue(pair []any) (float64, bool) {
	if len(pair) != 2 {
		return 0, false
	}
	s, ok := pair[1].(string)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}
