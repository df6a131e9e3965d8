// Package boards holds boards (named design canvases with widgets placed per
// layout variant), their validation, their versioned SQLite store and their
// HTTP API.
package boards

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/layouts"
	"github.com/flexboard/flexboard/widgets"
)

// Limits of a board. They keep one board's validation, storage and
// rendering bounded; docs/api.md lists them.
const (
	MaxNameLength        = 200  // characters in a board's name
	MaxDescriptionLength = 2000 // characters in a board's description
	MaxWidgets           = 500  // widgets on one board
	MaxVariants          = 16   // layout variants of one board
	MaxWalls             = 8    // video-wall profiles of one board
	MaxWidgetIDLength    = 64   // characters in a widget id
	MaxTitleLength       = 200  // characters in a widget title
	MaxVariantNameLength = 64   // characters in a variant name
	MaxBodyBytes         = 1 << 20
	DefaultRefreshMS     = 1000  // how often displays get new data
	MinRefreshMS         = 100   // faster costs CPU for nothing a person can see
	MaxRefreshMS         = 60000 // slower looks dead on a wall
)

// Themes a board can use.
var Themes = []string{"dark", "light"}

// Board is a board with its identity and revision.
type Board struct {
	ID        string    `json:"id"`
	Revision  int64     `json:"revision"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Content
}

// Content is what an editor changes and what every version keeps.
type Content struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	Theme        string `json:"theme"`
	AllowOverlap bool   `json:"allow_overlap"`
	// Background colours the board and the letterbox bars (#rgb or
	// #rrggbb); empty: the theme's.
	Background string `json:"background,omitempty"`
	// AlertSound plays a short tone on displays when a widget turns
	// critical. Off by default: a silent wall surprises nobody.
	AlertSound bool      `json:"alert_sound,omitempty"`
	RefreshMS  int       `json:"refresh_ms"`
	Widgets    []Widget  `json:"widgets"`
	Variants   []Variant `json:"variants"`
	// Walls are video-wall profiles: a screen opened with ?wall=NAME&tile=c,r
	// shows its monitor's slice of the board.
	Walls []WallProfile `json:"walls,omitempty"`
}

// WallProfile names a video wall: Columns × Rows monitors of Monitor size
// (CSS px) with Bezel px of frame on each side of each monitor.
type WallProfile struct {
	Name string `json:"name"`
	layouts.Wall
}

// Widget is defined once per board and placed by each variant.
type Widget struct {
	ID     string          `json:"id"`
	Kind   string          `json:"kind"`
	Title  string          `json:"title"`
	Config json.RawMessage `json:"config"`
	// Queries bind the widget to data; how many a kind takes is in its
	// schema.
	Queries []widgets.Query `json:"queries,omitempty"`
}

// Variant is one arrangement of the board's widgets for one screen shape.
type Variant struct {
	Name       string      `json:"name"`
	Canvas     Canvas      `json:"canvas"`
	Grid       Grid        `json:"grid"`
	Placements []Placement `json:"placements"`
}

// Canvas is a variant's design size in CSS pixels.
type Canvas struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Grid divides a canvas into cells that placements snap to.
type Grid struct {
	Columns int `json:"columns"`
	Rows    int `json:"rows"`
}

// Placement puts a widget on a variant's grid.
type Placement struct {
	Widget string `json:"widget"`
	X      int    `json:"x"`
	Y      int    `json:"y"`
	W      int    `json:"w"`
	H      int    `json:"h"`
}

// Rect returns the placement's cells.
func (p Placement) Rect() layouts.Rect { return layouts.Rect{X: p.X, Y: p.Y, W: p.W, H: p.H} }

// FindVariant returns the variant called name, or the first when name is
// empty; an unknown name is an errs.NotFound naming the board's variants.
func (b *Board) FindVariant(name string) (*Variant, error) {
	names := make([]string, len(b.Variants))
	for i := range b.Variants {
		names[i] = b.Variants[i].Name
		if name == "" && i == 0 || b.Variants[i].Name == name {
			return &b.Variants[i], nil
		}
	}
	return nil, errs.E(errs.NotFound, "variant", "board %q has no variant %q; its variants: %s", b.ID, clip(name), strings.Join(names, ", "))
}

// DefaultVariant is what a board gets when it is created without variants:
// full HD with square 40 px cells.
func DefaultVariant() Variant {
	return Variant{Name: "16:9", Canvas: Canvas{Width: 1920, Height: 1080}, Grid: Grid{Columns: 48, Rows: 27}, Placements: []Placement{}}
}

// Normalize fills what a client may leave out: a trimmed name and titles, the
// dark theme, one default variant, empty lists and configs instead of null.
func (c *Content) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.Description = strings.TrimSpace(c.Description)
	if c.Theme == "" {
		c.Theme = "dark"
	}
	if c.RefreshMS == 0 {
		c.RefreshMS = DefaultRefreshMS
	}
	if c.Widgets == nil {
		c.Widgets = []Widget{}
	}
	for i := range c.Widgets {
		w := &c.Widgets[i]
		w.Title = strings.TrimSpace(w.Title)
		if cfg := strings.TrimSpace(string(w.Config)); cfg == "" || cfg == "null" {
			w.Config = json.RawMessage("{}")
		}
	}
	if len(c.Variants) == 0 {
		c.Variants = []Variant{DefaultVariant()}
	}
	for i := range c.Variants {
		c.Variants[i].Name = strings.TrimSpace(c.Variants[i].Name)
		if c.Variants[i].Placements == nil {
			c.Variants[i].Placements = []Placement{}
		}
	}
}

var colorRE = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

var widgetIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// Validate checks every rule of a board, after Normalize, and returns the
// first broken one as an errs.Invalid naming the field.
func (c *Content) Validate(kinds *widgets.Registry) error {
	if err := checkText("name", c.Name, 1, MaxNameLength, false); err != nil {
		return err
	}
	if err := checkText("description", c.Description, 0, MaxDescriptionLength, true); err != nil {
		return err
	}
	if !contains(Themes, c.Theme) {
		return errs.Invalidf("theme", "%q is not a theme; use one of: %s", c.Theme, strings.Join(Themes, ", "))
	}
	if c.Background != "" && !colorRE.MatchString(c.Background) {
		return errs.Invalidf("background", "%q is not a colour; write it #rgb or #rrggbb, or leave it empty for the theme's", clip(c.Background))
	}
	if c.RefreshMS < MinRefreshMS || c.RefreshMS > MaxRefreshMS {
		return errs.Invalidf("refresh_ms", "is %d; displays refresh every %d to %d ms", c.RefreshMS, MinRefreshMS, MaxRefreshMS)
	}
	if len(c.Widgets) > MaxWidgets {
		return errs.Invalidf("widgets", "a board holds at most %d widgets, this one has %d", MaxWidgets, len(c.Widgets))
	}
	ids := make(map[string]int, len(c.Widgets))
	for i, w := range c.Widgets {
		field := fmt.Sprintf("widgets[%d]", i)
		if err := w.validate(field, kinds); err != nil {
			return err
		}
		if j, dup := ids[w.ID]; dup {
			return errs.Invalidf(field+".id", "%q is already the id of widgets[%d]; widget ids must be unique", w.ID, j)
		}
		ids[w.ID] = i
	}
	if len(c.Variants) == 0 {
		return errs.Invalidf("variants", "a board needs at least one variant")
	}
	if len(c.Variants) > MaxVariants {
		return errs.Invalidf("variants", "a board holds at most %d variants, this one has %d", MaxVariants, len(c.Variants))
	}
	names := make(map[string]int, len(c.Variants))
	for i := range c.Variants {
		v := &c.Variants[i]
		field := fmt.Sprintf("variants[%d]", i)
		if err := v.validate(field, ids, c.AllowOverlap); err != nil {
			return err
		}
		if j, dup := names[v.Name]; dup {
			return errs.Invalidf(field+".name", "%q is already the name of variants[%d]; variant names must be unique", v.Name, j)
		}
		names[v.Name] = i
	}
	if len(c.Walls) > MaxWalls {
		return errs.Invalidf("walls", "a board holds at most %d wall profiles, this one has %d", MaxWalls, len(c.Walls))
	}
	walls := make(map[string]int, len(c.Walls))
	for i, w := range c.Walls {
		field := fmt.Sprintf("walls[%d]", i)
		if err := checkText(field+".name", w.Name, 1, MaxVariantNameLength, false); err != nil {
			return err
		}
		if j, dup := walls[w.Name]; dup {
			return errs.Invalidf(field+".name", "%q is already the name of walls[%d]; wall names must be unique", w.Name, j)
		}
		walls[w.Name] = i
		if err := w.Wall.Validate(); err != nil {
			sub, msg, _ := strings.Cut(err.Error(), ": ")
			return errs.Invalidf(field+"."+sub, "%s", msg)
		}
	}
	return nil
}

func (w *Widget) validate(field string, kinds *widgets.Registry) error {
	if w.ID == "" {
		return errs.Invalidf(field+".id", "is required: a short name such as \"cpu\" that placements refer to")
	}
	if len(w.ID) > MaxWidgetIDLength || !widgetIDRE.MatchString(w.ID) {
		return errs.Invalidf(field+".id", "%q is not a valid widget id: use 1 to %d letters, digits, '-' or '_', starting with a letter or digit", clip(w.ID), MaxWidgetIDLength)
	}
	kind := kinds.Lookup(w.Kind)
	if kind == nil {
		return errs.Invalidf(field+".kind", "%q is not a widget kind; known kinds: %s", clip(w.Kind), strings.Join(kinds.Names(), ", "))
	}
	if err := checkText(field+".title", w.Title, 0, MaxTitleLength, false); err != nil {
		return err
	}
	if err := kind.ValidateConfig(w.Config); err != nil {
		return errs.Prefix(field+".config", err)
	}
	if len(w.Queries) > kind.MaxQueries {
		if kind.MaxQueries == 0 {
			return errs.Invalidf(field+".queries", "a %s widget shows no data: remove its queries", kind.Name)
		}
		return errs.Invalidf(field+".queries", "has %d queries; a %s widget takes at most %d", len(w.Queries), kind.Name, kind.MaxQueries)
	}
	for j, q := range w.Queries {
		if _, err := q.Compile(); err != nil {
			return errs.Prefix(fmt.Sprintf("%s.queries[%d]", field, j), err)
		}
	}
	return nil
}

func (v *Variant) validate(field string, widgetIDs map[string]int, allowOverlap bool) error {
	if err := checkText(field+".name", v.Name, 1, MaxVariantNameLength, false); err != nil {
		return err
	}
	for _, side := range []struct {
		name string
		px   int
	}{{"width", v.Canvas.Width}, {"height", v.Canvas.Height}} {
		if side.px < layouts.MinCanvasSide || side.px > layouts.MaxCanvasSide {
			return errs.Invalidf(field+".canvas."+side.name, "is %d px; a canvas side must be %d to %d px", side.px, layouts.MinCanvasSide, layouts.MaxCanvasSide)
		}
	}
	for _, dim := range []struct {
		name string
		n    int
	}{{"columns", v.Grid.Columns}, {"rows", v.Grid.Rows}} {
		if dim.n < layouts.MinGridCells || dim.n > layouts.MaxGridCells {
			return errs.Invalidf(field+".grid."+dim.name, "is %d; a grid has %d to %d %s", dim.n, layouts.MinGridCells, layouts.MaxGridCells, dim.name)
		}
	}
	if len(v.Placements) > len(widgetIDs) {
		return errs.Invalidf(field+".placements", "has %d placements for %d widgets; each widget is placed at most once per variant", len(v.Placements), len(widgetIDs))
	}
	placed := make(map[string]int, len(v.Placements))
	rects := make([]layouts.Rect, len(v.Placements))
	for i, p := range v.Placements {
		pf := fmt.Sprintf("%s.placements[%d]", field, i)
		if _, ok := widgetIDs[p.Widget]; !ok {
			return errs.Invalidf(pf+".widget", "%q is not the id of a widget on this board", clip(p.Widget))
		}
		if j, dup := placed[p.Widget]; dup {
			return errs.Invalidf(pf+".widget", "%q is already placed by placements[%d]; a widget is placed at most once per variant", p.Widget, j)
		}
		placed[p.Widget] = i
		if why := layouts.FitsGrid(p.Rect(), v.Grid.Columns, v.Grid.Rows); why != "" {
			return errs.Invalidf(pf, "%q does not fit the %d×%d grid: %s", p.Widget, v.Grid.Columns, v.Grid.Rows, why)
		}
		rects[i] = p.Rect()
	}
	if !allowOverlap {
		if o, ok := layouts.FirstOverlap(rects, v.Grid.Columns, v.Grid.Rows); ok {
			return errs.Invalidf(fmt.Sprintf("%s.placements[%d]", field, o.B),
				"%q overlaps %q at x=%d y=%d; move it, or set allow_overlap on the board",
				v.Placements[o.B].Widget, v.Placements[o.A].Widget, o.X, o.Y)
		}
	}
	return nil
}

// checkText checks a length in characters and forbids control characters
// (newlines too, unless multiline).
func checkText(field, s string, min, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return errs.Invalidf(field, "is not valid UTF-8")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return errs.Invalidf(field, "is required (1 to %d characters)", max)
		}
		return errs.Invalidf(field, "is %d characters long; at least %d needed", n, min)
	}
	if n > max {
		return errs.Invalidf(field, "is %d characters long; at most %d allowed", n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return errs.Invalidf(field, "contains a control character (%U); remove it", r)
		}
	}
	return nil
}

// clip shortens a user value quoted in an error message.
func clip(s string) string {
	const max = 64
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Summary is a board in a list.
type Summary struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Revision    int64            `json:"revision"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	DeletedAt   *time.Time       `json:"deleted_at,omitempty"`
	WidgetCount int              `json:"widget_count"`
	Variants    []VariantSummary `json:"variants"`
	// Thumb is what the board list draws the board's thumbnail from; nil
	// only for a stored board without variants, which Validate forbids.
	Thumb *Thumb `json:"thumb"`
}

// VariantSummary names a variant and its canvas.
type VariantSummary struct {
	Name   string `json:"name"`
	Canvas Canvas `json:"canvas"`
}

// Thumb is the layout of a board's first variant, reduced to what a
// thumbnail draws: the canvas, the grid and per placement its cells and its
// widget's kind. A variant places each widget at most once, so Items holds at
// most MaxWidgets entries.
type Thumb struct {
	Variant string      `json:"variant"`
	Canvas  Canvas      `json:"canvas"`
	Grid    Grid        `json:"grid"`
	Items   []ThumbItem `json:"items"`
}

// ThumbItem is one placement of a Thumb, in grid cells.
type ThumbItem struct {
	X    int    `json:"x"`
	Y    int    `json:"y"`
	W    int    `json:"w"`
	H    int    `json:"h"`
	Kind string `json:"kind"`
}

// thumbOf returns the Thumb of the first of variants, kindOf giving each
// placed widget's kind; nil when there is no variant.
func thumbOf(variants []Variant, kindOf map[string]string) *Thumb {
	if len(variants) == 0 {
		return nil
	}
	v := &variants[0]
	t := &Thumb{Variant: v.Name, Canvas: v.Canvas, Grid: v.Grid, Items: make([]ThumbItem, len(v.Placements))}
	for i, p := range v.Placements {
		t.Items[i] = ThumbItem{X: p.X, Y: p.Y, W: p.W, H: p.H, Kind: kindOf[p.Widget]}
	}
	return t
}

// Version is one saved revision of a board, as listed in its history.
type Version struct {
	Revision  int64     `json:"revision"`
	UpdatedAt time.Time `json:"updated_at"`
	Name      string    `json:"name"`
}

// NewID returns a random, URL-safe board id of 12 characters (71 bits).
func NewID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("boards: crypto/rand failed: %v", err)) // never on Linux
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
