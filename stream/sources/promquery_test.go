package sources

import (
	"context"
	"encoding/json"
	"fmt"
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

func TestQueryConfig(t *testing.T) {
	const q = `"queries":[{"name":"load","promql":"node_load1"}]`
	cases := []struct {
		name, config, field, msg string
	}{
		{"UnknownField", `{"url":"http://a:9090",` + q + `,"step":"1m"}`, "step", "unknown field"},
		{"NoURL", `{` + q + `}`, "url", "is required"},
		{"BadURL", `{"url":"127.0.0.1:9090",` + q + `}`, "url", "must start with http:// or https://"},
		{"URLWithQuery", `{"url":"http://a:9090/?x=1",` + q + `}`, "url", "without a query"},
		{"IntervalTooShort", `{"url":"http://a:9090","interval":"0s",` + q + `}`, "interval", "shorter than the minimum interval 1s"},
		{"TimeoutTooLong", `{"url":"http://a:9090","interval":"10s","timeout":"11s",` + q + `}`, "timeout", "must not be longer than the interval"},
		{"NoQueries", `{"url":"http://a:9090","queries":[]}`, "queries", "add at least one query"},
		{"NoName", `{"url":"http://a:9090","queries":[{"promql":"up"}]}`, "queries[0].name", "is required"},
		{"BadName", `{"url":"http://a:9090","queries":[{"name":"up","promql":"up"},{"name":"node-load","promql":"up"}]}`, "queries[1].name", `"node-load" is not a valid metric name`},
		{"DuplicateName", `{"url":"http://a:9090","queries":[{"name":"up","promql":"up"},{"name":"up","promql":"up == 1"}]}`, "queries[1].name", "is the name of queries[0] already"},
		{"NoPromQL", `{"url":"http://a:9090","queries":[{"name":"up","promql":"  "}]}`, "queries[0].promql", "is required"},
		{"BadLabel", `{"url":"http://a:9090","queries":[{"name":"up","promql":"up","labels":{"a.b":"c"}}]}`, "queries[0].labels[\"a.b\"]", "not a valid label name"},
		{"QueryNotObject", `{"url":"http://a:9090","queries":["up"]}`, "queries[0]", "must be an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := QueryDriver{}.New(json.RawMessage(c.config))
			pullWantInvalid(t, err, c.field, c.msg)
		})
	}
	t.Run("Defaults", func(t *testing.T) {
		r, err := QueryDriver{}.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		qr := r.(*queryRunner)
		if qr.endpoint != "http://127.0.0.1:9090/api/v1/query" || qr.interval != 30*time.Second || qr.timeout != 10*time.Second || qr.queries[0].name != "up" {
			t.Fatalf("defaults = %+v", qr)
		}
	})
}

// queryTestAPI is a fake Prometheus HTTP API under /prom.
type queryTestAPI struct {
	*httptest.Server
	broken atomic.Bool // answer 503 with HTML, like a proxy in front of a dead Prometheus
	times  atomic.Value
}

func newQueryTestAPI(t *testing.T) *queryTestAPI {
	api := &queryTestAPI{}
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if api.broken.Load() {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<html>Service Unavailable</html>")
			return
		}
		if r.URL.Path != "/prom/api/v1/query" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		api.times.Store(r.URL.Query().Get("time"))
		w.Header().Set("Content-Type", "application/json")
		var body string
		switch q := r.URL.Query().Get("query"); q {
		case "node_load1":
			body = `{"status":"success","data":{"resultType":"vector","result":[
				{"metric":{"__name__":"node_load1","instance":"a:9100","job":"node"},"value":[1700000000.123,"0.5"]},
				{"metric":{"__name__":"node_load1","instance":"b:9100","job":"node"},"value":[1700000000.123,"NaN"]},
				{"metric":{"__name__":"node_load1","instance":"c:9100","job":"node"},"value":[1700000000.123,"+Inf"]}]}}`
		case "sum(up)":
			body = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"3"]}]}}`
		case "scalar(sum(up))":
			body = `{"status":"success","data":{"resultType":"scalar","result":[1700000000,"3"]}}`
		case "up[5m]":
			body = `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"node"},"values":[[1700000000,"1"]]}]}}`
		case `"text"`:
			body = `{"status":"success","data":{"resultType":"string","result":[1700000000,"text"]}}`
		case "many":
			body = `{"status":"success","data":{"resultType":"vector","result":[
				{"metric":{"i":"1"},"value":[1,"1"]},{"metric":{"i":"2"},"value":[1,"2"]},{"metric":{"i":"3"},"value":[1,"3"]}]}}`
		case "slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		default:
			w.WriteHeader(http.StatusBadRequest)
			body = `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:6: parse error: unclosed left parenthesis"}`
		}
		fmt.Fprint(w, body)
	}))
	t.Cleanup(api.Close)
	return api
}

func queryTestRunner(t *testing.T, url string, extra string, queries ...string) *queryRunner {
	t.Helper()
	r, err := QueryDriver{}.New(json.RawMessage(`{"url":"` + url + `","bearer_token":"tok"` + extra + `,"queries":[` + strings.Join(queries, ",") + `]}`))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r.(*queryRunner)
}

func TestQueryStoresResults(t *testing.T) {
	api := newQueryTestAPI(t)
	r := queryTestRunner(t, api.URL+"/prom/", "",
		`{"name":"load","promql":"node_load1","labels":{"team":"infra","job":"mine"}}`,
		`{"name":"targets_up","promql":"sum(up)"}`,
		`{"name":"targets_up_scalar","promql":"scalar(sum(up))","labels":{"dc":"par1"}}`)
	rec := newPullTestRecorder()
	at := time.Now()
	r.runAll(context.Background(), rec.Env)
	pullWantHealth(t, rec.Health, "ok")

	ps := rec.find("load", nil)
	if len(ps) != 1 {
		t.Fatalf("load = %+v, want one series (NaN and Inf skipped)", ps)
	}
	want := map[string]string{"instance": "a:9100", "job": "mine", "team": "infra"}
	if fmt.Sprint(ps[0].Labels) != fmt.Sprint(want) || ps[0].Value != 0.5 {
		t.Fatalf("load = %+v, want labels %v (no __name__, configured labels win) and 0.5", ps[0], want)
	}
	if ps[0].TS < at.UnixMilli() || ps[0].TS > time.Now().UnixMilli() {
		t.Fatalf("load TS = %d, want the run's time %d", ps[0].TS, at.UnixMilli())
	}
	if v := rec.last(t, "targets_up", nil); v != 3 {
		t.Fatalf("targets_up = %v", v)
	}
	if ps := rec.find("targets_up_scalar", map[string]string{"dc": "par1"}); len(ps) != 1 || ps[0].Value != 3 || len(ps[0].Labels) != 1 {
		t.Fatalf("targets_up_scalar = %+v", ps)
	}
	if v := rec.Health.View(); v.Points != 3 {
		t.Fatalf("points = %d", v.Points)
	}
	// The query's time is the run's, in seconds.
	sent, _ := strconv.ParseFloat(api.times.Load().(string), 64)
	if math.Abs(sent-float64(at.UnixMilli())/1000) > 5 {
		t.Fatalf("time = %v, want about %v", sent, at.Unix())
	}
}

func TestQueryErrors(t *testing.T) {
	api := newQueryTestAPI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	cases := []struct {
		name, url, promql, msg string
	}{
		{"BadPromQL", api.URL + "/prom", "rate(", `query "q": bad_data: invalid parameter "query": 1:6: parse error: unclosed left parenthesis`},
		{"RangeVector", api.URL + "/prom", "up[5m]", `query "q": returns a range vector: use an instant vector query`},
		{"String", api.URL + "/prom", `"text"`, `query "q": returns a string: use an instant vector query`},
		{"TooManySeries", api.URL + "/prom", "many", `query "q": returned 3 series; the limit is 2`},
		{"NotPrometheus", api.URL + "/elsewhere", "up", `query "q": status 404 from ` + api.URL + "/elsewhere/api/v1/query: is url the Prometheus server?"},
		{"Down", closed, "up", `query "q": dial tcp ` + closed[len("http://"):] + ": connect: connection refused"},
		{"Timeout", api.URL + "/prom", "slow", `query "q": timeout after 300ms`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, _ := json.Marshal(map[string]string{"name": "q", "promql": c.promql})
			r := queryTestRunner(t, c.url, `,"timeout":"300ms"`, string(q))
			r.maxSeries = 2
			rec := newPullTestRecorder()
			r.runAll(context.Background(), rec.Env)
			pullWantHealth(t, rec.Health, "error", c.msg)
			if ps := rec.metrics(); len(ps) != 0 {
				t.Fatalf("stored %v", ps)
			}
		})
	}
	t.Run("OneOfTwoQueries", func(t *testing.T) {
		r := queryTestRunner(t, api.URL+"/prom", "", `{"name":"load","promql":"node_load1"}`, `{"name":"bad","promql":"rate("}`)
		rec := newPullTestRecorder()
		r.runAll(context.Background(), rec.Env)
		pullWantHealth(t, rec.Health, "error", `1 of 2 queries failed: query "bad": bad_data`)
		if v := rec.last(t, "load", nil); v != 0.5 {
			t.Fatalf("the good query's result = %v", v)
		}
	})
}

func TestQueryRecovers(t *testing.T) {
	api := newQueryTestAPI(t)
	r := queryTestRunner(t, api.URL+"/prom", "", `{"name":"load","promql":"node_load1"}`)
	rec := newPullTestRecorder()
	api.broken.Store(true)
	r.runAll(context.Background(), rec.Env)
	pullWantHealth(t, rec.Health, "error", `query "load": status 503`)
	api.broken.Store(false)
	r.runAll(context.Background(), rec.Env)
	pullWantHealth(t, rec.Health, "ok")
	if v := rec.last(t, "load", nil); v != 0.5 {
		t.Fatalf("load = %v", v)
	}
}
