package widgets

import "github.com/flexboard/flexboard/internal/errs"

func ptr(x float64) *float64 { return &x }

// The units the number formatter understands.
var units = []string{"", "short", "percent", "ratio", "ms", "s", "bytes", "bits/s", "req/s"}

func unitField() Field {
	return Field{Name: "unit", Label: "Unit", Type: TypeEnum, Enum: units, Default: "",
		Description: "How values are formatted: short is 1.2k / 3.4M."}
}

// thresholdFields are the thresholds and direction every data kind takes.
func thresholdFields() []Field {
	return []Field{
		{Name: "thresholds", Label: "Thresholds", Type: TypeThresholds, Default: []Threshold{},
			Description: "Ordered steps: from each value on the state is the step's state, e.g. 80 → warning, 95 → critical."},
		{Name: "direction", Label: "Worse when", Type: TypeEnum, Enum: []string{HigherIsWorse, LowerIsWorse}, Default: HigherIsWorse,
			Description: "higher_is_worse: steps go up (CPU); lower_is_worse: steps go down (free disk, availability)."},
	}
}

func decimalsField(def float64) Field {
	return Field{Name: "decimals", Label: "Decimals", Type: TypeInteger, Min: ptr(0), Max: ptr(6), Default: def}
}

// Builtin returns a new registry with the kinds this version ships.
func Builtin() *Registry {
	return NewRegistry(append(chartKinds(), otherKinds()...)...)
}

// otherKinds are the kinds the front end draws with its own components.
func otherKinds() []*Kind {
	return []*Kind{
		&Kind{
			Name: "stat", Label: "Stat", DefaultSize: Size{W: 8, H: 5}, MaxQueries: 1,
			Description: "One big number with its unit, coloured by state.",
			Fields: append([]Field{
				unitField(),
				decimalsField(1),
				{Name: "color_mode", Label: "Colour", Type: TypeEnum, Enum: []string{"background", "text"}, Default: "background",
					Description: "Colour the background or only the number by state."},
				{Name: "sparkline", Label: "Sparkline", Type: TypeEnum, Enum: []string{"off", "15m", "1h", "6h", "24h"}, Default: "1h",
					Description: "A small graph of the same query over this range behind the number."},
				{Name: "compare", Label: "Delta against", Type: TypeEnum, Enum: []string{"off", "1h", "1d", "7d"}, Default: "1d",
					Description: "Show the change against the same query this long ago."},
			}, thresholdFields()...),
			Expand: expandStat("sparkline", "compare"),
			Shape:  shapeStat("sparkline", "compare"),
		},
		&Kind{
			Name: "status", Label: "Status check", DefaultSize: Size{W: 8, H: 5}, MaxQueries: 1,
			Description: "OK / WARNING / CRITICAL in big letters, optionally over a small graph.",
			Fields: append([]Field{
				unitField(),
				decimalsField(1),
				{Name: "graph", Label: "Graph", Type: TypeEnum, Enum: []string{"off", "15m", "1h", "6h", "24h"}, Default: "off",
					Description: "A small graph of the query over this range under the status."},
				{Name: "show_value", Label: "Value", Type: TypeBoolean, Default: true, Description: "Show the value under the status."},
			}, thresholdFields()...),
			Expand: expandStat("graph", ""),
			Shape:  shapeStat("graph", ""),
		},
		&Kind{
			Name: "table", Label: "Table", DefaultSize: Size{W: 16, H: 10}, MaxQueries: MaxQueriesPerWidget,
			Description: "A row per label group, a column per query, cells coloured by state; sortable.",
			Fields: append([]Field{
				unitField(),
				decimalsField(1),
				{Name: "row_label", Label: "Row label", Type: TypeString, MaxLength: 128, Default: "",
					Description: "The label that names a row (say service); empty: every label of the row."},
				{Name: "sort_by", Label: "Sort by column", Type: TypeInteger, Min: ptr(0), Max: ptr(MaxQueriesPerWidget - 1), Default: 0.0},
				{Name: "sort", Label: "Order", Type: TypeEnum, Enum: []string{"desc", "asc", "name"}, Default: "desc"},
				{Name: "max_rows", Label: "Rows", Type: TypeInteger, Min: ptr(1), Max: ptr(MaxTableRows), Default: 50.0},
			}, thresholdFields()...),
			Shape: shapeTable,
		},
		&Kind{
			Name: "topn", Label: "Top N", DefaultSize: Size{W: 10, H: 10}, MaxQueries: 1,
			Description: "A ranked list with inline bars: the busiest services, the fullest disks.",
			Fields: append([]Field{
				unitField(),
				decimalsField(1),
				{Name: "limit", Label: "Entries", Type: TypeInteger, Min: ptr(1), Max: ptr(MaxTopN), Default: 10.0},
				{Name: "order", Label: "Order", Type: TypeEnum, Enum: []string{"desc", "asc"}, Default: "desc",
					Description: "desc: the highest first; asc: the lowest first."},
				{Name: "name_label", Label: "Name label", Type: TypeString, MaxLength: 128, Default: "",
					Description: "The label that names an entry; empty: every label."},
			}, thresholdFields()...),
			Shape: shapeTopN,
		},
		&Kind{
			Name: "honeycomb", Label: "Honeycomb", DefaultSize: Size{W: 16, H: 12}, MaxQueries: 1,
			Description: "One hexagon per object (host, database, site), coloured by state, grey when silent. Thousands of objects.",
			Fields: append([]Field{
				{Name: "object_label", Label: "Object label", Type: TypeString, MaxLength: 128, Default: "host",
					Description: "The label that identifies an object, when the query does not name one."},
				unitField(),
				decimalsField(1),
				{Name: "labels", Label: "Names on hexagons", Type: TypeEnum, Enum: []string{"auto", "on", "off"}, Default: "auto",
					Description: "auto: names when the hexagons are big enough to read them."},
				{Name: "sort", Label: "Order", Type: TypeEnum, Enum: []string{"name", "state"}, Default: "name",
					Description: "state: the worst first, so trouble gathers in one corner."},
			}, thresholdFields()...),
			Check: func(cfg map[string]any) error {
				if l, _ := cfg["object_label"].(string); !ValidLabelName(l) {
					return errs.Invalidf("object_label", "%q is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)", l)
				}
				return nil
			},
			Expand: expandHoneycomb,
			Shape:  shapeHoneycomb,
		},
		&Kind{
			Name: "events", Label: "Events", DefaultSize: Size{W: 12, H: 10},
			Description: "State changes of this board's widgets and events pushed over ingest, newest first.",
			Fields: []Field{
				{Name: "max_rows", Label: "Rows", Type: TypeInteger, Min: ptr(1), Max: ptr(100), Default: 20.0},
				{Name: "pushed", Label: "Pushed events", Type: TypeBoolean, Default: true,
					Description: "Also list events pushed over POST /api/v1/ingest."},
				{Name: "min_severity", Label: "At least", Type: TypeEnum, Enum: []string{"ok", "warning", "critical"}, Default: "ok",
					Description: "Hide events less severe than this."},
			},
			Shape: shapeEvents,
		},
		&Kind{
			Name: "text", Label: "Text", DefaultSize: Size{W: 12, H: 4},
			Description: "Markdown text: titles, notes, runbook links. Raw HTML is not rendered.",
			Fields: []Field{
				{Name: "markdown", Label: "Text (markdown)", Type: TypeText, MaxLength: 20000, Default: ""},
				{Name: "align", Label: "Alignment", Type: TypeEnum, Enum: []string{"left", "center", "right"}, Default: "left"},
				{Name: "color", Label: "Text colour", Type: TypeColor, Description: "Empty: the theme's."},
				{Name: "background", Label: "Background", Type: TypeColor, Description: "Empty: the theme's panel colour."},
			},
		},
		&Kind{
			Name: "clock", Label: "Clock", DefaultSize: Size{W: 8, H: 4},
			Description: "The time and date, in the display's or a chosen time zone.",
			Fields: []Field{
				{Name: "timezone", Label: "Time zone", Type: TypeTimezone, Default: "",
					Description: "An IANA name such as Europe/Paris; empty for the display's own."},
				{Name: "format", Label: "Format", Type: TypeEnum, Enum: []string{"24h", "12h"}, Default: "24h"},
				{Name: "show_seconds", Label: "Seconds", Type: TypeBoolean, Default: true},
				{Name: "show_date", Label: "Date", Type: TypeBoolean, Default: true},
			},
		},
		&Kind{
			Name: "image", Label: "Image", DefaultSize: Size{W: 8, H: 6},
			Description: "A logo or a floor plan uploaded to the server (never fetched from elsewhere).",
			Fields: []Field{
				{Name: "image", Label: "Image", Type: TypeImage, Default: "", Description: "Upload with POST /api/v1/images."},
				{Name: "fit", Label: "Fit", Type: TypeEnum, Enum: []string{"contain", "cover"}, Default: "contain"},
				{Name: "background", Label: "Background", Type: TypeColor, Description: "Empty: the theme's panel colour."},
			},
		},
	}
}
