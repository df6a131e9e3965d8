package boards

import (
	"encoding/json"
	"strings"
)

// Template is a ready board a user creates a board from: the list shows its
// name and description, and a new board starts from a copy of its Content.
// Every template is bound to the demo source's series (stream/sources/
// demo.go), so it draws live data on a new server at once; with real data,
// the queries are the first thing to change.
type Template struct {
	ID          string
	Name        string
	Description string
	Content     Content
}

// Templates returns the built-in templates, in the order the board list
// shows them. Each call builds new values: a caller may change them.
func Templates() []Template {
	out := make([]Template, 0, len(templateDefs))
	for _, d := range templateDefs {
		out = append(out, d.build())
	}
	return out
}

// FindTemplate returns the template called id.
func FindTemplate(id string) (Template, bool) {
	for _, d := range templateDefs {
		if d.id == id {
			return d.build(), true
		}
	}
	return Template{}, false
}

// TemplateIDs lists the templates' ids, in order.
func TemplateIDs() []string {
	ids := make([]string, len(templateDefs))
	for i, d := range templateDefs {
		ids[i] = d.id
	}
	return ids
}

// tplWidget is a widget of a template: config and queries as JSON text,
// which reads like what the API takes.
type tplWidget struct {
	id, kind, title string
	config, queries string
}

// tplVariant places widgets: each placement is {widget, x, y, w, h}.
type tplVariant struct {
	name          string
	width, height int
	cols, rows    int
	places        []Placement
}

type templateDef struct {
	id, name, description string
	widgets               []tplWidget
	variants              []tplVariant
}

func (d templateDef) build() Template {
	c := Content{Name: d.name, Description: d.description, Theme: "dark", RefreshMS: DefaultRefreshMS}
	for _, tw := range d.widgets {
		w := Widget{ID: tw.id, Kind: tw.kind, Title: tw.title, Config: json.RawMessage(tw.config)}
		if tw.queries != "" {
			if err := json.Unmarshal([]byte(tw.queries), &w.Queries); err != nil {
				panic("template " + d.id + " widget " + tw.id + ": " + err.Error()) // a typo here fails every test
			}
		}
		c.Widgets = append(c.Widgets, w)
	}
	for _, tv := range d.variants {
		c.Variants = append(c.Variants, Variant{Name: tv.name, Canvas: Canvas{Width: tv.width, Height: tv.height},
			Grid: Grid{Columns: tv.cols, Rows: tv.rows}, Placements: append([]Placement(nil), tv.places...)})
	}
	c.Normalize()
	return Template{ID: d.id, Name: d.name, Description: d.description, Content: c}
}

// at is a placement, short for the tables below.
func at(widget string, x, y, w, h int) Placement {
	return Placement{Widget: widget, X: x, Y: y, W: w, H: h}
}

// fullHD is the 16:9 variant every template starts with: 1920×1080 in
// square 40 px cells.
func fullHD(places ...Placement) tplVariant {
	return tplVariant{name: "16:9", width: 1920, height: 1080, cols: 48, rows: 27, places: places}
}

// Threshold sets, as config fragments.
const (
	thrRatio    = `"thresholds":[{"value":0.7,"state":"warning"},{"value":0.9,"state":"critical"}]`
	thrErrRatio = `"thresholds":[{"value":0.02,"state":"warning"},{"value":0.05,"state":"critical"}]`
	thrHealth   = `"thresholds":[{"value":1,"state":"warning"},{"value":2,"state":"critical"}]`
	thrP95      = `"thresholds":[{"value":1000,"state":"warning"},{"value":3000,"state":"critical"}]`
	thrDBMS     = `"thresholds":[{"value":3,"state":"warning"},{"value":5,"state":"critical"}]`
	thrURLUp    = `"direction":"lower_is_worse","thresholds":[{"value":0,"state":"critical"}]`
)

// noCompare turns off a stat's delta against yesterday: operational
// numbers are read against their thresholds, business numbers against
// yesterday.
const noCompare = `"compare":"off"`

// conf joins config fragments into a JSON object.
func conf(parts ...string) string { return "{" + strings.Join(parts, ",") + "}" }

// Widgets shared by several templates.
var (
	wTPS = tplWidget{"tps", "stat", "Transactions / s", conf(`"unit":"req/s"`, `"decimals":0`, `"sparkline":"15m"`, noCompare),
		`[{"metric":"demo_http_tps","agg":"sum"}]`}
	wErrRatio = tplWidget{"error-ratio", "stat", "Error ratio", conf(`"unit":"ratio"`, `"decimals":2`, `"sparkline":"15m"`, noCompare, thrErrRatio),
		`[{"metric":"demo_http_error_ratio","agg":"avg"}]`}
	wP95 = tplWidget{"p95", "stat", "p95 response, worst service", conf(`"unit":"ms"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, thrP95),
		`[{"metric":"demo_http_response_ms","match":[{"label":"quantile","op":"=","value":"p95"}],"agg":"max"}]`}
	wOrders = tplWidget{"orders", "stat", "Orders / min", conf(`"unit":"short"`, `"decimals":0`, `"sparkline":"15m"`, `"direction":"lower_is_worse"`),
		`[{"metric":"demo_orders_total","fn":"increase","window":"1m"}]`}
	wHitmap = tplWidget{"hitmap", "hitmap", "Response times (hitmap)", `{"range":"15m"}`,
		`[{"source":"transactions"}]`}
	wEqualizer = tplWidget{"equalizer", "equalizer", "Duration bands per service", `{"window":"1m","limit":10,"thresholds":[{"value":5,"state":"warning"},{"value":20,"state":"critical"}]}`,
		`[{"source":"transactions","group_by":["service"]}]`}
	wHostHoney = tplWidget{"hosts", "honeycomb", "Host CPU, every host", conf(`"object_label":"host"`, `"unit":"ratio"`, `"decimals":0`, thrRatio),
		`[{"metric":"demo_host_cpu_ratio","object":"host","window":"30s"}]`}
	wHostsUp = tplWidget{"hosts-up", "stat", "Hosts reporting", conf(`"decimals":0`, `"sparkline":"15m"`, noCompare),
		`[{"metric":"demo_hosts_up"}]`}
	wDBHoney = tplWidget{"db-instances", "honeycomb", "Databases (query time)", conf(`"object_label":"db"`, `"unit":"ms"`, `"decimals":2`, `"labels":"off"`, thrDBMS),
		`[{"metric":"demo_db_query_ms","object":"db"}]`}
	wEvents = tplWidget{"events", "events", "Events", `{"max_rows":20}`, ""}
	wClock  = tplWidget{"clock", "clock", "", `{}`, ""}
)

// templateDefs are the templates. Layouts: no overlap, nothing outside the
// grid (TestTemplatesValid), every data widget drawing within seconds of
// the demo source starting (cmd/flexboard's TestTemplatesLive).
var templateDefs = []templateDef{
	{
		id: "service-overview", name: "Service overview",
		description: "A microservice estate: transactions per second, response times, errors, the response-time hitmap and transactions in flight per service.",
		widgets: []tplWidget{
			wTPS, wP95, wErrRatio,
			{"errors", "stat", "Errors / min", conf(`"unit":"short"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":1500,"state":"warning"},{"value":5000,"state":"critical"}]`),
				`[{"metric":"demo_http_errors_total","fn":"increase","window":"1m","agg":"sum"}]`},
			{"health", "status", "Services", conf(`"graph":"15m"`, `"show_value":false`, thrHealth),
				`[{"metric":"demo_service_health","agg":"max"}]`},
			wOrders,
			{"tps-by-service", "timeseries", "Transactions / s by service", conf(`"unit":"req/s"`, `"range":"15m"`, `"style":"stacked"`),
				`[{"metric":"demo_http_tps","agg":"sum","group_by":["service"],"topk":8}]`},
			{"p95-by-service", "timeseries", "p95 response time, slowest services", conf(`"unit":"ms"`, `"range":"15m"`, thrP95, `"threshold_style":"bands"`),
				`[{"metric":"demo_http_response_ms","match":[{"label":"quantile","op":"=","value":"p95"}],"agg":"max","group_by":["service"],"topk":6}]`},
			wHitmap, wEqualizer,
			{"services", "table", "Services", conf(`"row_label":"service"`, `"decimals":0`, `"max_rows":20`),
				`[{"name":"req/s","metric":"demo_http_tps","agg":"sum","group_by":["service"]},` +
					`{"name":"errors/min","metric":"demo_http_errors_total","fn":"increase","window":"1m","agg":"sum","group_by":["service"]},` +
					`{"name":"p95 ms","metric":"demo_http_response_ms","match":[{"label":"quantile","op":"=","value":"p95"}],"agg":"max","group_by":["service"]}]`},
		},
		variants: []tplVariant{fullHD(
			at("tps", 0, 0, 8, 5), at("p95", 8, 0, 8, 5), at("error-ratio", 16, 0, 8, 5), at("errors", 24, 0, 8, 5),
			at("health", 32, 0, 8, 5), at("orders", 40, 0, 8, 5),
			at("tps-by-service", 0, 5, 16, 9), at("p95-by-service", 16, 5, 16, 9),
			at("hitmap", 0, 14, 16, 13), at("equalizer", 16, 14, 16, 13),
			at("services", 32, 5, 16, 22),
		)},
	},
	{
		id: "kubernetes-pods", name: "Kubernetes pods",
		description: "Every pod's CPU and memory, the busiest pods and restarts.",
		widgets: []tplWidget{
			{"pods", "stat", "Pods running", conf(`"decimals":0`, `"sparkline":"15m"`, noCompare),
				`[{"metric":"demo_pod_cpu_ratio","agg":"count"}]`},
			{"restarts", "stat", "Restarts, last 30 min", conf(`"decimals":0`, `"sparkline":"off"`, noCompare, `"thresholds":[{"value":1,"state":"warning"},{"value":5,"state":"critical"}]`),
				`[{"metric":"demo_pod_restarts_total","fn":"increase","window":"30m","agg":"sum"}]`},
			{"cpu-avg", "stat", "Average pod CPU", conf(`"unit":"ratio"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, thrRatio),
				`[{"metric":"demo_pod_cpu_ratio","agg":"avg"}]`},
			{"cpu-max", "stat", "Busiest pod CPU", conf(`"unit":"ratio"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":0.8,"state":"warning"},{"value":0.95,"state":"critical"}]`),
				`[{"metric":"demo_pod_cpu_ratio","agg":"max"}]`},
			{"memory", "stat", "Memory in use", conf(`"unit":"bytes"`, `"decimals":1`, `"sparkline":"15m"`, noCompare),
				`[{"metric":"demo_pod_memory_bytes","agg":"sum"}]`},
			{"memory-max", "stat", "Largest pod memory", conf(`"unit":"bytes"`, `"decimals":1`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":2147483648,"state":"warning"},{"value":3221225472,"state":"critical"}]`),
				`[{"metric":"demo_pod_memory_bytes","agg":"max"}]`},
			{"pod-cpu", "honeycomb", "Pods by CPU", conf(`"object_label":"pod"`, `"unit":"ratio"`, `"decimals":0`, `"labels":"off"`, thrRatio),
				`[{"metric":"demo_pod_cpu_ratio","object":"pod"}]`},
			{"cpu-by-pod", "timeseries", "CPU, busiest pods", conf(`"range":"15m"`, `"unit":"ratio"`, `"decimals":0`, thrRatio, `"legend":true`),
				`[{"metric":"demo_pod_cpu_ratio","agg":"max","group_by":["pod"],"topk":8}]`},
			{"top-cpu", "topn", "Busiest pods (CPU)", conf(`"unit":"ratio"`, `"decimals":0`, `"name_label":"pod"`, thrRatio),
				`[{"metric":"demo_pod_cpu_ratio","agg":"max","group_by":["pod"],"topk":10}]`},
			{"top-memory", "topn", "Largest pods (memory)", conf(`"unit":"bytes"`, `"decimals":1`, `"name_label":"pod"`),
				`[{"metric":"demo_pod_memory_bytes","agg":"max","group_by":["pod"],"topk":10}]`},
			{"top-restarts", "topn", "Most restarted pods", conf(`"decimals":0`, `"name_label":"pod"`, `"thresholds":[{"value":3,"state":"warning"},{"value":10,"state":"critical"}]`),
				`[{"metric":"demo_pod_restarts_total","agg":"max","group_by":["pod"],"topk":10}]`},
			{"memory-by-service", "timeseries", "Memory by service", conf(`"unit":"bytes"`, `"range":"15m"`),
				`[{"metric":"demo_pod_memory_bytes","agg":"sum","group_by":["service"],"topk":6}]`},
		},
		variants: []tplVariant{fullHD(
			at("pods", 0, 0, 8, 5), at("restarts", 8, 0, 8, 5), at("cpu-avg", 16, 0, 8, 5), at("cpu-max", 24, 0, 8, 5),
			at("memory", 32, 0, 8, 5), at("memory-max", 40, 0, 8, 5),
			at("pod-cpu", 0, 5, 18, 11), at("cpu-by-pod", 18, 5, 30, 11),
			at("top-cpu", 0, 16, 12, 11), at("top-memory", 12, 16, 12, 11), at("top-restarts", 24, 16, 12, 11),
			at("memory-by-service", 36, 16, 12, 11),
		)},
	},
	{
		id: "databases", name: "Databases",
		description: "Every database instance at a glance (a honeycomb), query times, locks, slow queries, replication lag and connections.",
		widgets: []tplWidget{
			{"dbs-up", "stat", "Databases up", conf(`"decimals":0`, `"sparkline":"off"`, noCompare),
				`[{"metric":"demo_db_up","agg":"sum"}]`},
			{"qps", "stat", "Queries / s", conf(`"unit":"short"`, `"decimals":1`, `"sparkline":"15m"`, noCompare),
				`[{"metric":"demo_db_queries_total","fn":"rate","window":"1m","agg":"sum"}]`},
			{"query-ms", "stat", "Mean query time", conf(`"unit":"ms"`, `"decimals":2`, `"sparkline":"15m"`, noCompare, thrDBMS),
				`[{"metric":"demo_db_query_ms","agg":"avg"}]`},
			{"locks", "stat", "Locks held", conf(`"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":150,"state":"warning"},{"value":400,"state":"critical"}]`),
				`[{"metric":"demo_db_locks","agg":"sum"}]`},
			{"slow", "stat", "Slow queries / min", conf(`"unit":"short"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":1000,"state":"warning"},{"value":5000,"state":"critical"}]`),
				`[{"metric":"demo_db_slow_queries_total","fn":"increase","window":"1m","agg":"sum"}]`},
			{"lag", "stat", "Worst replication lag", conf(`"unit":"s"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":1,"state":"warning"},{"value":3,"state":"critical"}]`),
				`[{"metric":"demo_db_replication_lag_seconds","agg":"max"}]`},
			{wDBHoney.id, wDBHoney.kind, "Instances by mean query time", wDBHoney.config, wDBHoney.queries},
			{"query-time", "timeseries", "Query time: mean and slowest instance", conf(`"unit":"ms"`, `"range":"1h"`, thrDBMS, `"threshold_style":"bands"`),
				`[{"name":"mean","metric":"demo_db_query_ms","agg":"avg"},{"name":"slowest instance","metric":"demo_db_query_ms","agg":"max"}]`},
			{"top-locks", "topn", "Most locks held", conf(`"decimals":0`, `"name_label":"db"`),
				`[{"metric":"demo_db_locks","agg":"max","group_by":["db"],"topk":10}]`},
			{"top-slow", "topn", "Slow queries, last 5 min", conf(`"decimals":0`, `"name_label":"db"`),
				`[{"metric":"demo_db_slow_queries_total","fn":"increase","window":"5m","agg":"sum","group_by":["db"],"topk":10}]`},
			{"busiest", "table", "Busiest instances (connections)", conf(`"row_label":"db"`, `"decimals":0`, `"max_rows":10`),
				`[{"name":"primary","metric":"demo_db_connections","match":[{"label":"role","op":"=","value":"primary"}],"agg":"max","group_by":["db"]},` +
					`{"name":"replica","metric":"demo_db_connections","match":[{"label":"role","op":"=","value":"replica"}],"agg":"max","group_by":["db"]},` +
					`{"name":"locks","metric":"demo_db_locks","agg":"max","group_by":["db"]}]`},
			{"connections", "timeseries", "Connections by role", conf(`"range":"1h"`, `"style":"area"`, `"decimals":0`),
				`[{"metric":"demo_db_connections","agg":"sum","group_by":["role"]}]`},
		},
		variants: []tplVariant{fullHD(
			at("dbs-up", 0, 0, 8, 5), at("qps", 8, 0, 8, 5), at("query-ms", 16, 0, 8, 5), at("locks", 24, 0, 8, 5),
			at("slow", 32, 0, 8, 5), at("lag", 40, 0, 8, 5),
			at("db-instances", 0, 5, 20, 11), at("query-time", 20, 5, 28, 11),
			at("top-locks", 0, 16, 10, 11), at("top-slow", 10, 16, 10, 11), at("busiest", 20, 16, 14, 11),
			at("connections", 34, 16, 14, 11),
		)},
	},
	{
		id: "host-estate", name: "Host estate",
		description: "The 10,000-host estate over its sites: a honeycomb of every host (grey when silent), the sites, and the hottest hosts.",
		widgets: []tplWidget{
			wHostsUp,
			{"sites-up", "stat", "Sites reporting", conf(`"decimals":0`, `"sparkline":"15m"`, noCompare),
				`[{"metric":"demo_site_up_ratio","agg":"sum"}]`},
			{"cpu-avg", "stat", "Average CPU", conf(`"unit":"ratio"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, thrRatio),
				`[{"metric":"demo_host_cpu_ratio","agg":"avg","window":"30s"}]`},
			{"memory-avg", "stat", "Average memory", conf(`"unit":"ratio"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":0.8,"state":"warning"},{"value":0.9,"state":"critical"}]`),
				`[{"metric":"demo_host_memory_ratio","agg":"avg","window":"30s"}]`},
			{"disk-avg", "stat", "Average disk use", conf(`"unit":"ratio"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":0.8,"state":"warning"},{"value":0.9,"state":"critical"}]`),
				`[{"metric":"demo_host_disk_ratio","agg":"avg","window":"30s"}]`},
			wClock,
			{wHostHoney.id, wHostHoney.kind, "Host CPU, 10,000 hosts (grey: silent)", wHostHoney.config, wHostHoney.queries},
			{"sites", "honeycomb", "Sites (red: down)", conf(`"object_label":"site"`, `"unit":"ratio"`, `"decimals":0`, `"labels":"off"`, `"direction":"lower_is_worse"`, `"thresholds":[{"value":0.99,"state":"warning"},{"value":0.5,"state":"critical"}]`),
				`[{"metric":"demo_site_up_ratio","object":"site"}]`},
			{"top-cpu", "topn", "Hottest hosts (CPU)", conf(`"unit":"ratio"`, `"decimals":0`, `"name_label":"host"`, thrRatio),
				`[{"metric":"demo_host_cpu_ratio","window":"30s","agg":"max","group_by":["host"],"topk":10}]`},
		},
		variants: []tplVariant{fullHD(
			at("hosts-up", 0, 0, 8, 5), at("sites-up", 8, 0, 8, 5), at("cpu-avg", 16, 0, 8, 5), at("memory-avg", 24, 0, 8, 5),
			at("disk-avg", 32, 0, 8, 5), at("clock", 40, 0, 8, 5),
			at("hosts", 0, 5, 32, 22),
			at("sites", 32, 5, 16, 9), at("top-cpu", 32, 14, 16, 13),
		)},
	},
	{
		id: "url-monitoring", name: "URL monitoring",
		description: "Checks of public URLs: up or down, status codes, response times, availability and certificate expiry.",
		widgets: []tplWidget{
			{"urls-up", "stat", "URLs up", conf(`"decimals":0`, `"sparkline":"15m"`, noCompare),
				`[{"metric":"demo_url_up","agg":"sum"}]`},
			{"all-up", "status", "All URLs", conf(`"graph":"off"`, `"show_value":false`, thrURLUp),
				`[{"metric":"demo_url_up","agg":"min"}]`},
			{"availability", "stat", "Availability, last 30 min", conf(`"unit":"ratio"`, `"decimals":2`, `"sparkline":"off"`, noCompare, `"direction":"lower_is_worse"`, `"thresholds":[{"value":0.999,"state":"warning"},{"value":0.99,"state":"critical"}]`),
				`[{"metric":"demo_url_success","reduce":"avg","window":"30m","agg":"avg"}]`},
			{"response-avg", "stat", "Average response", conf(`"unit":"ms"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":500,"state":"warning"},{"value":2000,"state":"critical"}]`),
				`[{"metric":"demo_url_response_ms","agg":"avg"}]`},
			{"response-max", "stat", "Slowest response", conf(`"unit":"ms"`, `"decimals":0`, `"sparkline":"15m"`, noCompare, `"thresholds":[{"value":1000,"state":"warning"},{"value":3000,"state":"critical"}]`),
				`[{"metric":"demo_url_response_ms","agg":"max"}]`},
			{"cert", "stat", "Next certificate expiry (days)", conf(`"decimals":0`, `"sparkline":"off"`, noCompare, `"direction":"lower_is_worse"`, `"thresholds":[{"value":14,"state":"warning"},{"value":7,"state":"critical"}]`),
				`[{"metric":"demo_url_cert_days_left","agg":"min"}]`},
			{"checks", "honeycomb", "Checks (red: down)", conf(`"object_label":"target"`, `"decimals":0`, `"labels":"on"`, thrURLUp),
				`[{"metric":"demo_url_up","object":"target"}]`},
			{"response", "timeseries", "Response time, slowest URLs", conf(`"unit":"ms"`, `"range":"15m"`),
				`[{"metric":"demo_url_response_ms","agg":"max","group_by":["target"],"topk":6}]`},
			{"table", "table", "Every check (down first)", conf(`"row_label":"target"`, `"decimals":0`, `"max_rows":16`, `"sort_by":0`, `"sort":"asc"`),
				`[{"name":"up","metric":"demo_url_up","agg":"min","group_by":["target"]},` +
					`{"name":"status","metric":"demo_url_status_code","agg":"max","group_by":["target"]},` +
					`{"name":"ms","metric":"demo_url_response_ms","agg":"max","group_by":["target"]}]`},
			{"slowest", "topn", "Slowest URLs, last 5 min (avg)", conf(`"unit":"ms"`, `"decimals":0`, `"name_label":"target"`, `"thresholds":[{"value":500,"state":"warning"},{"value":2000,"state":"critical"}]`),
				`[{"metric":"demo_url_response_ms","reduce":"avg","window":"5m","agg":"max","group_by":["target"],"topk":10}]`},
		},
		variants: []tplVariant{fullHD(
			at("urls-up", 0, 0, 8, 5), at("all-up", 8, 0, 8, 5), at("availability", 16, 0, 8, 5), at("response-avg", 24, 0, 8, 5),
			at("response-max", 32, 0, 8, 5), at("cert", 40, 0, 8, 5),
			at("table", 0, 5, 18, 22), at("response", 18, 5, 30, 9),
			at("checks", 18, 14, 14, 13), at("slowest", 32, 14, 16, 13),
		)},
	},
	{
		id: "situation-room", name: "Situation room",
		description: "A 32:9 wall (3840×1080) for a projector: business KPIs, applications and infrastructure side by side; a 16:9 variant for ordinary screens.",
		widgets: []tplWidget{
			wOrders,
			{"revenue", "stat", "Revenue / min (EUR)", conf(`"unit":"short"`, `"decimals":0`, `"sparkline":"15m"`),
				`[{"metric":"demo_revenue_total","match":[{"label":"currency","op":"=","value":"EUR"}],"fn":"increase","window":"1m"}]`},
			{"users", "stat", "Active users", conf(`"unit":"short"`, `"decimals":1`, `"sparkline":"15m"`),
				`[{"metric":"demo_active_users"}]`},
			{"conversion", "stat", "Conversion", conf(`"unit":"ratio"`, `"decimals":2`, `"sparkline":"15m"`, `"direction":"lower_is_worse"`),
				`[{"metric":"demo_conversion_ratio"}]`},
			{"tps-compare", "timeseries", "Transactions / s, against yesterday", conf(`"unit":"req/s"`, `"range":"1h"`, `"compare":"1d"`, `"style":"area"`),
				`[{"name":"req/s","metric":"demo_http_tps","agg":"sum"}]`},
			{"revenue-split", "pie", "Revenue by currency", `{"style":"donut"}`,
				`[{"metric":"demo_revenue_total","fn":"increase","window":"30m","agg":"sum","group_by":["currency"]}]`},
			{"busiest", "bar", "Busiest services (req/s)", `{"unit":"req/s","limit":10}`,
				`[{"metric":"demo_http_tps","agg":"sum","group_by":["service"]}]`},
			wTPS, wErrRatio, wP95,
			{"checkout", "status", "Checkout", conf(`"graph":"15m"`, `"show_value":false`, thrHealth),
				`[{"metric":"demo_service_health","match":[{"label":"service","op":"=","value":"checkout"}],"agg":"max"}]`},
			wHitmap, wEqualizer,
			{"pods", "topn", "Busiest pods (CPU)", conf(`"unit":"ratio"`, `"decimals":0`, `"name_label":"pod"`, `"limit":8`, thrRatio),
				`[{"metric":"demo_pod_cpu_ratio","agg":"max","group_by":["pod"],"topk":8}]`},
			wClock, wHostsUp,
			{"db-time", "stat", "Database query time", conf(`"unit":"ms"`, `"decimals":2`, `"sparkline":"15m"`, noCompare, thrDBMS),
				`[{"metric":"demo_db_query_ms","agg":"avg"}]`},
			{"incidents", "stat", "Incidents playing", conf(`"decimals":0`, `"sparkline":"off"`, noCompare, `"thresholds":[{"value":1,"state":"critical"}]`),
				`[{"metric":"demo_incident_active","agg":"sum"}]`},
			wHostHoney, wDBHoney, wEvents,
		},
		variants: []tplVariant{
			{name: "32:9", width: 3840, height: 1080, cols: 96, rows: 27, places: []Placement{
				// Business.
				at("orders", 0, 0, 8, 5), at("revenue", 8, 0, 8, 5), at("users", 16, 0, 8, 5), at("conversion", 24, 0, 8, 5),
				at("tps-compare", 0, 5, 32, 11),
				at("revenue-split", 0, 16, 13, 11), at("busiest", 13, 16, 19, 11),
				// Applications.
				at("tps", 32, 0, 8, 5), at("error-ratio", 40, 0, 8, 5), at("p95", 48, 0, 8, 5), at("checkout", 56, 0, 8, 5),
				at("hitmap", 32, 5, 32, 12),
				at("equalizer", 32, 17, 19, 10), at("pods", 51, 17, 13, 10),
				// Infrastructure.
				at("hosts-up", 64, 0, 8, 5), at("db-time", 72, 0, 8, 5), at("incidents", 80, 0, 8, 5), at("clock", 88, 0, 8, 5),
				at("hosts", 64, 5, 20, 14), at("db-instances", 84, 5, 12, 14),
				at("events", 64, 19, 32, 8),
			}},
			fullHD(
				at("orders", 0, 0, 8, 5), at("tps", 8, 0, 8, 5), at("error-ratio", 16, 0, 8, 5), at("p95", 24, 0, 8, 5),
				at("hosts-up", 32, 0, 8, 5), at("clock", 40, 0, 8, 5),
				at("hitmap", 0, 5, 24, 12), at("tps-compare", 24, 5, 24, 12),
				at("hosts", 0, 17, 16, 10), at("equalizer", 16, 17, 16, 10), at("events", 32, 17, 16, 10),
			),
		},
	},
}
