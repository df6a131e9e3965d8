package widgets

import (
	"encoding/json"
	"math"
)

// Config is a widget's config with the kind's defaults applied; numbers are
// float64 at any depth.
type Config map[string]any

// Float returns a number setting (NaN when absent).
func (c Config) Float(name string) float64 { return toFloat(c[name]) }

// Int returns a whole-number setting (0 when absent).
func (c Config) Int(name string) int {
	f := c.Float(name)
	if math.IsNaN(f) {
		return 0
	}
	return int(f)
}

// String returns a text setting.
func (c Config) String(name string) string { s, _ := c[name].(string); return s }

// Bool returns a boolean setting.
func (c Config) Bool(name string) bool { b, _ := c[name].(bool); return b }

// Thresholds returns the widget's thresholds and direction.
func (c Config) Thresholds() Thresholds {
	return parseThresholds(c["thresholds"], c.String("direction"))
}

// Spec is a widget as placed in a board variant: what building its ECharts
// option needs. Width and Height are its size in pixels on the design canvas:
// fonts and line widths derive from them, never from the browser window.
type Spec struct {
	ID      string
	Kind    string
	Title   string
	Config  Config
	Queries []Query
	Width   int
	Height  int
}

// Event is a state change of a widget or an event pushed over ingest.
type Event struct {
	TS       int64  `json:"ts"`               // unix ms
	Severity State  `json:"severity"`         // ok, warning, critical (or nodata)
	Widget   string `json:"widget,omitempty"` // the widget whose state changed
	Title    string `json:"title,omitempty"`  // its title, or the pushed event's source
	Object   string `json:"object,omitempty"` // the object concerned, if any
	Message  string `json:"message"`
}

// Input is what shaping a widget's data starts from.
type Input struct {
	Now     int64     // unix ms, the server's clock
	Results []*Result // one per expanded query, in order
	Queries []Query   // the expanded queries, in the same order
	Events  []Event   // events kind: the board's state changes and pushed events, newest first
}

// Output is a widget's shaped data and state.
type Output struct {
	State State `json:"state"`
	// Data is what the display draws: for chart kinds a partial ECharts
	// option (series and axis data) merged into the kind's option; for the
	// others the kind's own shape (docs/widgets.md).
	Data any `json:"data"`
	// Summary explains the state in an event ("3 hosts critical: web-01, …").
	Summary string `json:"-"`
	// Newest is when the newest data behind it reached the server (unix
	// ms, the server's clock; 0: none): a display greys a widget whose data
	// is too old even when its values did not change.
	Newest int64 `json:"newest,omitempty"`
}

// DecodeOutput reads a widget's {state, data} back from JSON (a frame, or
// data frozen in a snapshot) into the types Shape produced, so WidgetHTML
// can draw it.
func DecodeOutput(kind string, raw []byte) (Output, error) {
	var env struct {
		State State           `json:"state"`
		Data  json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return Output{}, err
	}
	out := Output{State: env.State}
	var err error
	decode := func(v any) any {
		if len(env.Data) > 0 && string(env.Data) != "null" {
			err = json.Unmarshal(env.Data, v)
		}
		return v
	}
	switch kind {
	case "stat", "status":
		out.Data = *decode(&StatData{}).(*StatData)
	case "table":
		out.Data = *decode(&TableData{}).(*TableData)
	case "topn":
		out.Data = *decode(&TopNData{}).(*TopNData)
	case "honeycomb":
		out.Data = *decode(&HoneycombData{}).(*HoneycombData)
	case "events":
		out.Data = *decode(&EventsData{}).(*EventsData)
	default:
		m := map[string]any{}
		decode(&m)
		out.Data = m
	}
	return out, err
}
