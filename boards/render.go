package boards

import (
	"fmt"
	"math"
	"strings"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/widgets"
)

// Rendered is what a page needs to draw a board variant before its data
// arrives (docs/widgets.md): each widget's place, config with defaults,
// number format and, for chart kinds, the base ECharts option.
type Rendered struct {
	Board    string        `json:"board"`
	Name     string        `json:"name"`
	Revision int64         `json:"revision"`
	Variant  string        `json:"variant"`
	Variants []string      `json:"variants"`
	Theme    string        `json:"theme"`
	Canvas   Canvas        `json:"canvas"`
	Grid     Grid          `json:"grid"`
	Palette  widgets.Theme `json:"palette"`
	Refresh  int           `json:"refresh_ms"`
	// Background is the board's colour (the palette's when the board sets
	// none); AlertSound asks displays to sound a tone on critical.
	Background string           `json:"background"`
	AlertSound bool             `json:"alert_sound"`
	Widgets    []RenderedWidget `json:"widgets"`
}

// Box is a rectangle in cells or in canvas pixels.
type Box struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// Format is how a widget's numbers are written.
type Format struct {
	Unit     string `json:"unit"`
	Decimals int    `json:"decimals"`
}

// RenderedWidget is one placed widget.
type RenderedWidget struct {
	ID     string          `json:"id"`
	Kind   string          `json:"kind"`
	Title  string          `json:"title"`
	Chart  bool            `json:"chart"`
	Cell   Box             `json:"cell"`
	Rect   Box             `json:"rect"`
	Config widgets.Config  `json:"config"`
	Format Format          `json:"format"`
	Option map[string]any  `json:"option,omitempty"`
	HTML   string          `json:"html,omitempty"`
	Spec   *widgets.Spec   `json:"-"`
	Query  []widgets.Query `json:"queries"`
}

// CellRect returns a placement's rectangle in canvas pixels. Edges are
// rounded from the exact cell edges, so neighbours share their edge: no
// 1-pixel gaps or overlaps whatever the cell size.
func CellRect(v *Variant, p Placement) Box {
	cw := float64(v.Canvas.Width) / float64(v.Grid.Columns)
	ch := float64(v.Canvas.Height) / float64(v.Grid.Rows)
	x0, x1 := int(math.Round(float64(p.X)*cw)), int(math.Round(float64(p.X+p.W)*cw))
	y0, y1 := int(math.Round(float64(p.Y)*ch)), int(math.Round(float64(p.Y+p.H)*ch))
	return Box{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

// Render lays out variant (the first when empty) of b in theme (the board's
// when empty).
func Render(b *Board, variant, theme string, kinds *widgets.Registry) (*Rendered, error) {
	v, err := b.FindVariant(variant)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(b.Variants))
	for i := range b.Variants {
		names[i] = b.Variants[i].Name
	}
	if theme == "" {
		theme = b.Theme
	}
	if !contains(Themes, theme) {
		return nil, errs.Invalidf("theme", "%q is not a theme; use one of: %s", theme, strings.Join(Themes, ", "))
	}
	th := widgets.ThemeNamed(theme)
	out := &Rendered{Board: b.ID, Name: b.Name, Revision: b.Revision, Variant: v.Name, Variants: names, Theme: theme,
		Canvas: v.Canvas, Grid: v.Grid, Palette: th, Refresh: b.RefreshMS, Widgets: []RenderedWidget{},
		Background: b.Background, AlertSound: b.AlertSound}
	if out.Background == "" {
		out.Background = th.Background
	}
	byID := make(map[string]*Widget, len(b.Widgets))
	for i := range b.Widgets {
		byID[b.Widgets[i].ID] = &b.Widgets[i]
	}
	for _, p := range v.Placements {
		w := byID[p.Widget]
		if w == nil {
			continue // Validate forbids it; a stored board is never like this
		}
		k := kinds.Lookup(w.Kind)
		if k == nil {
			return nil, fmt.Errorf("board %s widget %s: unknown kind %q", b.ID, w.ID, w.Kind)
		}
		cfg, err := k.ParseConfig(w.Config)
		if err != nil {
			return nil, fmt.Errorf("board %s widget %s: %w", b.ID, w.ID, err)
		}
		rw := RenderedWidget{ID: w.ID, Kind: w.Kind, Title: w.Title, Chart: k.Chart, Cell: Box(p.Rect()),
			Rect: CellRect(v, p), Config: cfg, Format: Format{Unit: cfg.String("unit"), Decimals: cfg.Int("decimals")},
			Query: w.Queries}
		if rw.Query == nil {
			rw.Query = []widgets.Query{}
		}
		spec := widgets.Spec{ID: w.ID, Kind: w.Kind, Title: w.Title, Config: cfg, Queries: w.Queries, Width: rw.Rect.W, Height: rw.Rect.H}
		rw.Spec = &spec
		if k.Option != nil {
			if rw.Option, err = k.Option(spec, th); err != nil {
				return nil, fmt.Errorf("board %s widget %s: option: %w", b.ID, w.ID, err)
			}
		}
		if w.Kind == "text" {
			rw.HTML = widgets.RenderMarkdown(cfg.String("markdown"))
		}
		out.Widgets = append(out.Widgets, rw)
	}
	return out, nil
}
