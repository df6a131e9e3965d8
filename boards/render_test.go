package boards_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/widgets"
)

func TestCatalogueIsAValidBoardWithEveryKind(t *testing.T) {
	kinds := widgets.Builtin()
	c := boards.Catalogue()
	if err := c.Content.Validate(kinds); err != nil {
		t.Fatalf("the catalogue board is invalid: %v", err)
	}
	seen := map[string]bool{}
	for _, w := range c.Widgets {
		seen[w.Kind] = true
	}
	for _, k := range kinds.Names() {
		if !seen[k] {
			t.Errorf("kind %s is missing from the catalogue", k)
		}
	}
	r, err := boards.Render(c, "", "light", kinds)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Widgets) != len(c.Widgets) || r.Theme != "light" || r.Palette.Name != "light" {
		t.Fatalf("render: %d widgets of %d, theme %s", len(r.Widgets), len(c.Widgets), r.Theme)
	}
	for _, w := range r.Widgets {
		if w.Chart != (w.Option != nil) {
			t.Errorf("%s: chart %v but option %v", w.ID, w.Chart, w.Option != nil)
		}
		if w.Rect.X+w.Rect.W > r.Canvas.Width || w.Rect.Y+w.Rect.H > r.Canvas.Height {
			t.Errorf("%s: rect %+v outside the canvas %+v", w.ID, w.Rect, r.Canvas)
		}
	}
}

func TestCellRectHasNoSeams(t *testing.T) {
	// 1366 / 48 = 28.46 px per column: neighbours must share their edge.
	v := boards.Variant{Canvas: boards.Canvas{Width: 1366, Height: 768}, Grid: boards.Grid{Columns: 48, Rows: 27}}
	for x := 0; x < 47; x++ {
		a := boards.CellRect(&v, boards.Placement{X: x, Y: 0, W: 1, H: 1})
		b := boards.CellRect(&v, boards.Placement{X: x + 1, Y: 0, W: 1, H: 1})
		if a.X+a.W != b.X {
			t.Fatalf("column %d ends at %d, column %d starts at %d", x, a.X+a.W, x+1, b.X)
		}
	}
	last := boards.CellRect(&v, boards.Placement{X: 47, Y: 26, W: 1, H: 1})
	if last.X+last.W != 1366 || last.Y+last.H != 768 {
		t.Fatalf("the last cell ends at %d,%d", last.X+last.W, last.Y+last.H)
	}
}

func TestRenderRefusals(t *testing.T) {
	kinds := widgets.Builtin()
	c := boards.Catalogue()
	_, err := boards.Render(c, "nope", "", kinds)
	var e *errs.Error
	if !errAs(err, &e) || e.Code != errs.NotFound || e.Field != "variant" || !strings.Contains(e.Message, "its variants: catalogue") {
		t.Fatalf("unknown variant: %v", err)
	}
	_, err = boards.Render(c, "", "sepia", kinds)
	if !errAs(err, &e) || e.Code != errs.Invalid || e.Field != "theme" || !strings.Contains(e.Message, "dark, light") {
		t.Fatalf("unknown theme: %v", err)
	}
}

func TestRenderText(t *testing.T) {
	kinds := widgets.Builtin()
	b := &boards.Board{ID: "b1", Revision: 2, Content: boards.Content{Name: "t", Widgets: []boards.Widget{
		{ID: "note", Kind: "text", Config: json.RawMessage(`{"markdown":"**hi** <script>alert(1)</script>"}`)}}}}
	b.Variants = []boards.Variant{boards.DefaultVariant()}
	b.Variants[0].Placements = []boards.Placement{{Widget: "note", X: 1, Y: 2, W: 12, H: 4}}
	b.Content.Normalize()
	r, err := boards.Render(b, "", "", kinds)
	if err != nil {
		t.Fatal(err)
	}
	w := r.Widgets[0]
	if r.Theme != "dark" || !strings.Contains(w.HTML, "<strong>hi</strong>") || strings.Contains(w.HTML, "<script") {
		t.Fatalf("text: theme %s, html %q", r.Theme, w.HTML)
	}
	if w.Rect != (boards.Box{X: 40, Y: 80, W: 480, H: 160}) || w.Cell != (boards.Box{X: 1, Y: 2, W: 12, H: 4}) {
		t.Fatalf("place: rect %+v cell %+v", w.Rect, w.Cell)
	}
	if w.Config.String("align") != "left" {
		t.Fatalf("config without defaults: %v", w.Config)
	}
}

func errAs(err error, e **errs.Error) bool { return errors.As(err, e) }
