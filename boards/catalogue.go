package boards

import (
	"encoding/json"
	"time"
)

// CatalogueID is the reserved id of the widget catalogue: a built-in board
// holding every kind at several sizes, bound to the demo source's series.
// It is never stored (stored ids are 12 characters), and the render
// endpoint and the stream serve it like a board, so /widgets shows every
// kind drawing live data through the same code as a wall.
const CatalogueID = "catalogue"

type catItem struct {
	id, kind, title string
	config          string
	queries         string
	w, h            int
}

// The catalogue: each kind at a large and a small size, row by row on a
// 48-column grid.
var catalogueItems = []catItem{
	{"ts", "timeseries", "p99 response time by service", `{"unit":"ms","thresholds":[{"value":400,"state":"warning"},{"value":800,"state":"critical"}]}`,
		`[{"name":"p99","metric":"demo_http_response_ms","match":[{"label":"quantile","op":"=","value":"p99"}],"agg":"max","group_by":["service"],"topk":5,"range":"15m"}]`, 24, 10},
	{"ts-area", "timeseries", "Requests per second", `{"style":"area","unit":"req/s"}`,
		`[{"name":"req/s","metric":"demo_http_tps","agg":"sum","range":"15m"}]`, 16, 10},
	{"stat", "stat", "Orders per minute", `{"unit":"short","thresholds":[{"value":5000,"state":"warning"}],"direction":"higher_is_worse"}`,
		`[{"metric":"demo_orders_total","fn":"increase","window":"1m"}]`, 8, 5},
	{"stat-err", "stat", "Error ratio", `{"decimals":3,"color_mode":"text","thresholds":[{"value":0.02,"state":"warning"},{"value":0.05,"state":"critical"}]}`,
		`[{"metric":"demo_http_error_ratio","agg":"avg"}]`, 8, 5},
	{"gauge", "gauge", "Cache hit ratio", `{"min":0,"max":1,"decimals":2,"direction":"lower_is_worse","thresholds":[{"value":0.9,"state":"warning"},{"value":0.8,"state":"critical"}]}`,
		`[{"metric":"demo_cache_hit_ratio","agg":"avg"}]`, 10, 10},
	{"gauge-s", "gauge", "Host CPU", `{"min":0,"max":1,"decimals":2,"thresholds":[{"value":0.7,"state":"warning"},{"value":0.9,"state":"critical"}]}`,
		`[{"metric":"demo_host_cpu_ratio","agg":"avg"}]`, 6, 6},
	{"bar", "bar", "Requests per second by service", `{"unit":"req/s"}`,
		`[{"metric":"demo_http_tps","agg":"sum","group_by":["service"],"topk":10}]`, 16, 10},
	{"pie", "pie", "Revenue by currency", `{}`,
		`[{"metric":"demo_revenue_total","fn":"rate","window":"5m","agg":"sum","group_by":["currency"]}]`, 10, 10},
	{"table", "table", "Services", `{"row_label":"service","decimals":1,"max_rows":12}`,
		`[{"name":"req/s","metric":"demo_http_tps","agg":"sum","group_by":["service"]},{"name":"error ratio","metric":"demo_http_error_ratio","agg":"avg","group_by":["service"]},{"name":"p95 ms","metric":"demo_http_response_ms","match":[{"label":"quantile","op":"=","value":"p95"}],"agg":"max","group_by":["service"]}]`, 16, 12},
	{"topn", "topn", "Busiest pods (CPU)", `{"decimals":2,"thresholds":[{"value":0.7,"state":"warning"},{"value":0.9,"state":"critical"}]}`,
		`[{"metric":"demo_pod_cpu_ratio","agg":"max","group_by":["pod"],"topk":10}]`, 12, 12},
	{"status", "status", "Checkout service", `{"graph":"15m","thresholds":[{"value":1,"state":"warning"},{"value":2,"state":"critical"}]}`,
		`[{"metric":"demo_service_health","match":[{"label":"service","op":"=","value":"checkout"}],"agg":"max"}]`, 8, 6},
	{"honeycomb", "honeycomb", "Host CPU, 10,000 hosts", `{"object_label":"host","decimals":2,"thresholds":[{"value":0.7,"state":"warning"},{"value":0.9,"state":"critical"}]}`,
		`[{"metric":"demo_host_cpu_ratio","object":"host","window":"30s"}]`, 24, 14},
	{"honeycomb-db", "honeycomb", "Databases, query time", `{"object_label":"db","unit":"ms","thresholds":[{"value":5,"state":"warning"},{"value":20,"state":"critical"}]}`,
		`[{"metric":"demo_db_query_ms","object":"db"}]`, 12, 8},
	{"hitmap", "hitmap", "Response times (hitmap)", `{}`,
		`[{"source":"transactions","range":"15m"}]`, 24, 12},
	{"equalizer", "equalizer", "Transactions by duration", `{"thresholds":[{"value":5,"state":"warning"},{"value":20,"state":"critical"}]}`,
		`[{"source":"transactions","group_by":["service"],"range":"1m"}]`, 16, 10},
	// Narrow: the font shrinks to keep the three columns, or says which it hides.
	{"table-s", "table", "Services (narrow)", `{"row_label":"service","decimals":1,"max_rows":12}`,
		`[{"name":"req/s","metric":"demo_http_tps","agg":"sum","group_by":["service"]},{"name":"error ratio","metric":"demo_http_error_ratio","agg":"avg","group_by":["service"]},{"name":"p95 ms","metric":"demo_http_response_ms","match":[{"label":"quantile","op":"=","value":"p95"}],"agg":"max","group_by":["service"]}]`, 6, 12},
	{"events", "events", "Events", `{"max_rows":12}`, `[]`, 12, 10},
	{"text", "text", "Runbook", `{"markdown":"### Checkout is slow?\n1. Check the **hitmap** for a band that moved up.\n2. Look at *database* query times.\n3. Call the on-call: ext. 4242."}`, `[]`, 12, 6},
	{"clock", "clock", "Paris", `{"timezone":"Europe/Paris"}`, `[]`, 8, 4},
	{"clock-ny", "clock", "New York", `{"timezone":"America/New_York","format":"12h","show_seconds":false}`, `[]`, 6, 4},
	{"image", "image", "Floor plan", `{}`, `[]`, 8, 6},
}

// Catalogue returns the catalogue board, laid out on a 1920-wide canvas as
// tall as the widgets need.
func Catalogue() *Board {
	const cols, cell = 48, 40
	c := Content{Name: "Widget catalogue", Description: "Every kind of widget, on live demo data.", Theme: "dark", RefreshMS: DefaultRefreshMS}
	var ps []Placement
	x, y, rowH := 0, 0, 0
	for _, it := range catalogueItems {
		w := Widget{ID: it.id, Kind: it.kind, Title: it.title, Config: json.RawMessage(it.config)}
		if err := json.Unmarshal([]byte(it.queries), &w.Queries); err != nil {
			panic("catalogue item " + it.id + ": " + err.Error())
		}
		c.Widgets = append(c.Widgets, w)
		if x+it.w > cols {
			x, y, rowH = 0, y+rowH, 0
		}
		ps = append(ps, Placement{Widget: it.id, X: x, Y: y, W: it.w, H: it.h})
		x += it.w
		rowH = max(rowH, it.h)
	}
	rows := y + rowH
	c.Variants = []Variant{{Name: "catalogue", Canvas: Canvas{Width: cols * cell, Height: rows * cell}, Grid: Grid{Columns: cols, Rows: rows}, Placements: ps}}
	c.Normalize()
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &Board{ID: CatalogueID, Revision: 1, CreatedAt: t, UpdatedAt: t, Content: c}
}
