package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestE2ESourcesAPI: the real drivers behind the API: bad configs are
// refused naming the field; a probe of a local server produces series and
// health.
func TestE2ESourcesAPI(t *testing.T) {
	base := startInProcess(t, "")
	cases := []struct {
		name  string
		body  string
		field string
		msg   string
	}{
		{"UnknownType", `{"name":"x","type":"snmp"}`, "type", `"snmp" is not a source type; use one of: demo, host, http_probe, prometheus_query, prometheus_scrape`},
		{"BadURL", `{"name":"x","type":"http_probe","config":{"targets":[{"name":"a","url":"ftp://x"}]}}`, "config.targets[0].url", ""},
		{"IntervalTooShort", `{"name":"x","type":"prometheus_scrape","config":{"targets":["http://127.0.0.1:9100/metrics"],"interval":"100ms"}}`, "config.interval", ""},
		{"DemoTooManyHosts", `{"name":"x","type":"demo","config":{"hosts":1000000}}`, "config.hosts", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, do(t, "POST", base+"/api/v1/sources", c.body), 400, "invalid", c.field, c.msg)
		})
	}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("shop is up")) }))
	defer target.Close()
	r := do(t, "POST", base+"/api/v1/sources", map[string]any{"name": "Shop", "type": "http_probe",
		"config": map[string]any{"targets": []any{map[string]any{"name": "shop", "url": target.URL, "interval": "1s", "body_match": "up"}}}})
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := do(t, "GET", base+"/api/v1/sources/"+id, nil).JSON(t)
		res := do(t, "POST", base+"/api/v1/query", map[string]any{"metric": "probe_up", "match": []any{map[string]any{"label": "target", "op": "=", "value": "shop"}}}).JSON(t)
		if s["health"].(map[string]any)["status"] == "ok" && value(res) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("probe never reported: health %v, probe_up %v", s["health"], res)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
