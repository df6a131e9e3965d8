package widgets_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/widgets"
)

// labelCase is one case of testdata/category_labels.json, which the front
// end's unit tests (static/tests/unit/widgets.test.ts) run against its
// categoryLabelLayout too: the snapshot page and the wall fit labels alike.
type labelCase struct {
	Name  string             `json:"name"`
	Names []string           `json:"names"`
	PlotW float64            `json:"plotW"`
	PlotH float64            `json:"plotH"`
	Font  float64            `json:"font"`
	Want  map[string]float64 `json:"want"`
}

func TestCategoryLabelLayout(t *testing.T) {
	raw, err := os.ReadFile("testdata/category_labels.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []labelCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 5 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got := widgets.CategoryLabelLayout(c.Names, c.PlotW, c.PlotH, c.Font)
			// Every label shown, none hidden, long ones truncated with an ellipsis.
			if got["interval"] != 0.0 || got["hideOverlap"] != false || got["overflow"] != "truncate" || got["ellipsis"] != "…" {
				t.Errorf("got %v, want interval 0, hideOverlap false, overflow truncate, ellipsis …", got)
			}
			for _, k := range []string{"rotate", "width", "fontSize"} {
				want, wantOK := c.Want[k]
				g, gotOK := got[k]
				if wantOK != gotOK || (wantOK && g != want) {
					t.Errorf("%s = %v (set: %v), want %v (set: %v)", k, g, gotOK, want, wantOK)
				}
			}
		})
	}
}

// The snapshot page names every equalizer column, rotated and truncated
// to fit, as the wall does.
func TestRenderHTMLEqualizerLabels(t *testing.T) {
	_, cfg := chParse(t, "equalizer", `{}`)
	names := []any{}
	for _, n := range []string{"analytics", "auth", "cart", "catalog", "checkout", "fraud", "gateway", "inventory", "ledger", "loyalty",
		"notifications", "orders", "payment", "pricing", "recommendations", "reviews", "search", "shipping", "tax", "users"} {
		names = append(names, n)
	}
	out := widgets.Output{Data: map[string]any{"xAxis": []any{map[string]any{"data": names}}}}
	h, err := widgets.RenderHTML(widgets.Spec{ID: "eq", Kind: "equalizer", Config: cfg, Width: 480, Height: 320}, widgets.ThemeNamed("dark"), out, widgets.DefaultAssetsHost)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	// 480 px for 20 columns at 11 px: a line fits a column at 45°, and
	// "recommendations" (99 px estimated) fits the third of the plot's height.
	for _, want := range []string{`"interval":0`, `"hideOverlap":false`, `"rotate":45`, `"width":99`, `"overflow":"truncate"`, `"recommendations"`} {
		if !strings.Contains(s, want) {
			t.Errorf("snapshot HTML lacks %s:\n%s", want, s)
		}
	}
}
