package widgets

import "github.com/flexboard/flexboard/internal/errs"

// chartKinds are the kinds drawn by ECharts from options built in Go.
func chartKinds() []*Kind {
	return []*Kind{
		&Kind{
			Name: "timeseries", Label: "Time series", DefaultSize: Size{W: 16, H: 8}, MaxQueries: MaxQueriesPerWidget,
			Description: "Lines or areas over time.",
			Fields: []Field{
				{Name: "style", Label: "Style", Type: TypeEnum, Enum: []string{"line", "area", "stacked"}, Default: "line"},
				unitField(),
				decimalsField(1),
			},
		},
		&Kind{
			Name: "gauge", Label: "Gauge", DefaultSize: Size{W: 8, H: 8}, MaxQueries: 1,
			Description: "A speed meter between a minimum and a maximum.",
			Fields: []Field{
				{Name: "min", Label: "Minimum", Type: TypeNumber, Default: 0.0},
				{Name: "max", Label: "Maximum", Type: TypeNumber, Default: 100.0},
				unitField(),
				decimalsField(0),
			},
			Check: func(cfg map[string]any) error {
				lo, _ := cfg["min"].(float64)
				hi, _ := cfg["max"].(float64)
				if lo >= hi {
					return errs.Invalidf("max", "must be greater than min (%g)", lo)
				}
				return nil
			},
		},
	}
}
