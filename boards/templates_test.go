package boards_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/widgets"
)

// TestTemplatesValid: every template is a valid board as the API would take
// it, every widget is placed somewhere, every data widget has a query, and
// every variant covers its whole grid (no holes on a wall) without overlap.
func TestTemplatesValid(t *testing.T) {
	kinds := widgets.Builtin()
	ts := boards.Templates()
	if len(ts) < 6 {
		t.Fatalf("%d templates, want at least 6", len(ts))
	}
	want := []string{"service-overview", "kubernetes-pods", "databases", "host-estate", "url-monitoring", "situation-room"}
	if got := boards.TemplateIDs(); !slices.Equal(got[:len(want)], want) {
		t.Errorf("template ids %v, want %v first", got, want)
	}
	seen := map[string]bool{}
	for _, tpl := range ts {
		t.Run(tpl.ID, func(t *testing.T) {
			if seen[tpl.ID] {
				t.Fatalf("duplicate template id %q", tpl.ID)
			}
			seen[tpl.ID] = true
			if tpl.Name == "" || tpl.Description == "" || tpl.Content.Name != tpl.Name || tpl.Content.Description != tpl.Description {
				t.Errorf("name %q / description %q do not match the content's (%q, %q)", tpl.Name, tpl.Description, tpl.Content.Name, tpl.Content.Description)
			}
			// Through JSON, as a client would send it back.
			raw, err := json.Marshal(tpl.Content)
			if err != nil {
				t.Fatal(err)
			}
			var c boards.Content
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			c.Normalize()
			if err := c.Validate(kinds); err != nil {
				t.Fatalf("invalid: %v", err)
			}
			placed := map[string]bool{}
			for _, v := range c.Variants {
				cells := make([]int, v.Grid.Columns*v.Grid.Rows)
				for _, pl := range v.Placements {
					placed[pl.Widget] = true
					for y := pl.Y; y < pl.Y+pl.H; y++ {
						for x := pl.X; x < pl.X+pl.W; x++ {
							cells[y*v.Grid.Columns+x]++
						}
					}
				}
				for i, n := range cells {
					if n != 1 {
						t.Errorf("variant %s: cell x=%d y=%d is covered %d times, want once (no holes, no overlap)", v.Name, i%v.Grid.Columns, i/v.Grid.Columns, n)
						break
					}
				}
				if cw, ch := v.Canvas.Width/v.Grid.Columns, v.Canvas.Height/v.Grid.Rows; cw != ch || cw*v.Grid.Columns != v.Canvas.Width || ch*v.Grid.Rows != v.Canvas.Height {
					t.Errorf("variant %s: cells of %d×%d px (canvas %d×%d, grid %d×%d), want square whole cells",
						v.Name, cw, ch, v.Canvas.Width, v.Canvas.Height, v.Grid.Columns, v.Grid.Rows)
				}
			}
			for _, w := range c.Widgets {
				if !placed[w.ID] {
					t.Errorf("widget %s is placed in no variant", w.ID)
				}
				if k := kinds.Lookup(w.Kind); k.MaxQueries > 0 && len(w.Queries) == 0 && w.Kind != "hitmap" {
					t.Errorf("widget %s (%s) has no query: it would draw nothing", w.ID, w.Kind)
				}
				for _, q := range w.Queries {
					if q.Source != "transactions" && !strings.HasPrefix(q.Metric, "demo_") {
						t.Errorf("widget %s queries %q, not a demo series", w.ID, q.Metric)
					}
				}
			}
		})
	}
}

// TestTemplateSituationRoom: the situation room is a 32:9 wall with a 16:9
// variant, picked by the screens they are made for.
func TestTemplateSituationRoom(t *testing.T) {
	tpl, ok := boards.FindTemplate("situation-room")
	if !ok {
		t.Fatal("no situation-room template")
	}
	var sizes []string
	for _, v := range tpl.Content.Variants {
		sizes = append(sizes, fmt.Sprintf("%s=%dx%d", v.Name, v.Canvas.Width, v.Canvas.Height))
	}
	if strings.Join(sizes, " ") != "32:9=3840x1080 16:9=1920x1080" {
		t.Fatalf("variants %v, want 32:9 at 3840×1080 then 16:9 at 1920×1080", sizes)
	}
	b := &boards.Board{ID: "x", Revision: 1, Content: tpl.Content}
	for screen, want := range map[[2]string]string{{"3840", "1080"}: "32:9", {"1920", "1080"}: "16:9", {"1280", "720"}: "16:9", {"5120", "1440"}: "32:9"} {
		plan, err := boards.PlanFor(b, boards.PlanRequest{Width: screen[0], Height: screen[1]})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Variant != want {
			t.Errorf("a %s×%s screen gets variant %s, want %s", screen[0], screen[1], plan.Variant, want)
		}
	}
}

// TestTemplatesAreCopies: a caller changing a template changes nobody
// else's.
func TestTemplatesAreCopies(t *testing.T) {
	a, _ := boards.FindTemplate("service-overview")
	a.Content.Name = "changed"
	a.Content.Variants[0].Placements[0].X = 40
	a.Content.Widgets[0].Config[1] = 'X'
	b, _ := boards.FindTemplate("service-overview")
	if b.Content.Name != "Service overview" || b.Content.Variants[0].Placements[0].X != 0 || b.Content.Widgets[0].Config[1] == 'X' {
		t.Fatalf("a change to one template's content reached the next: %q, x=%d, config %s",
			b.Content.Name, b.Content.Variants[0].Placements[0].X, b.Content.Widgets[0].Config)
	}
	if _, ok := boards.FindTemplate("nope"); ok {
		t.Error("FindTemplate found an unknown id")
	}
}
