package widgets


func ptr(x float64) *float64 { return &x }

// The units the number formatter understands.
var units = []string{"", "short", "percent", "ms", "s", "bytes", "bits/s", "req/s"}

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
			Name: "text", Label: "Text", DefaultSize: Size{W: 12, H: 4},
			Description: "Markdown text: titles, notes, runbook links.",
			Fields: []Field{
				{Name: "markdown", Label: "Text (markdown)", Type: TypeText, MaxLength: 20000, Default: ""},
				{Name: "align", Label: "Alignment", Type: TypeEnum, Enum: []string{"left", "center", "right"}, Default: "left"},
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
	}
}
