package widgets_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/flexboard/flexboard/widgets"
)

// formatCase is one line of testdata/format_cases.json, which the front
// end's unit tests read too: both formatters must agree.
type formatCase struct {
	Value    *float64 `json:"value"` // null: no value (NaN)
	Unit     string   `json:"unit"`
	Decimals int      `json:"decimals"`
	Want     string   `json:"want"`
}

func TestFormatValue(t *testing.T) {
	raw, err := os.ReadFile("testdata/format_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []formatCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		v := math.NaN()
		if c.Value != nil {
			v = *c.Value
		}
		if got := widgets.FormatValue(v, c.Unit, c.Decimals); got != c.Want {
			t.Errorf("FormatValue(%v, %q, %d) = %q, want %q", v, c.Unit, c.Decimals, got, c.Want)
		}
	}
}
