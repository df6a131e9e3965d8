package layouts

import (
	"fmt"
	"math"
)

// Planning a screen: which variant of a board a screen shows, how the
// variant's canvas is scaled and placed on it (fit), and for a video wall
// which slice of the picture each monitor shows. The display page applies a
// Plan and computes nothing itself.

// Limits of a screen as a display reports it.
const (
	MinScreenSide = 16    // px: smaller is a hidden or minimised window, not a screen
	MaxScreenSide = 32768 // px
	MaxDPR        = 8.0   // device pixel ratio
	MaxWallSide   = 16    // monitors per row or column of a video wall
	MaxBezel      = 500   // px of one monitor's bezel
)

// Size is a width and a height in CSS pixels.
type Size struct {
	W int `json:"width"`
	H int `json:"height"`
}

// Fit modes.
const (
	FitContain = "contain" // the whole canvas visible, bars on two sides (default)
	FitCover   = "cover"   // the screen filled, the overflow cropped evenly
	FitStretch = "stretch" // the screen filled, the canvas distorted: only when asked
)

// FitModes lists the fit modes.
var FitModes = []string{FitContain, FitCover, FitStretch}

// Candidate is a variant a screen may show.
type Candidate struct {
	Name   string
	Canvas Size
}

// ChooseVariant returns the index of the candidate whose aspect ratio is
// closest to the screen's, comparing ratios on a log scale (16:9 is as far
// from 4:3 as 4:3 is from 1:1); ties go to the larger canvas, then to the
// first. -1 when there is none.
func ChooseVariant(cands []Candidate, screen Size) int {
	best, bestDist, bestArea := -1, math.Inf(1), 0
	if screen.W <= 0 || screen.H <= 0 {
		return -1
	}
	sr := math.Log(float64(screen.W) / float64(screen.H))
	for i, c := range cands {
		if c.Canvas.W <= 0 || c.Canvas.H <= 0 {
			continue
		}
		d := math.Abs(math.Log(float64(c.Canvas.W)/float64(c.Canvas.H)) - sr)
		area := c.Canvas.W * c.Canvas.H
		// Ratios that differ by under 0.1 % are the same ratio.
		if d < bestDist-1e-3 || math.Abs(d-bestDist) <= 1e-3 && area > bestArea {
			best, bestDist, bestArea = i, d, area
		}
	}
	return best
}

// Transform places the canvas on a surface: canvas point (x, y) is drawn
// at (OffsetX + x·ScaleX, OffsetY + y·ScaleY).
type Transform struct {
	ScaleX  float64 `json:"scale_x"`
	ScaleY  float64 `json:"scale_y"`
	OffsetX float64 `json:"offset_x"`
	OffsetY float64 `json:"offset_y"`
}

// FitCanvas fits canvas onto a surface of size area in mode.
func FitCanvas(canvas, area Size, mode string) Transform {
	sx := float64(area.W) / float64(canvas.W)
	sy := float64(area.H) / float64(canvas.H)
	switch mode {
	case FitStretch:
		return Transform{ScaleX: sx, ScaleY: sy}
	case FitCover:
		s := math.Max(sx, sy)
		return Transform{ScaleX: s, ScaleY: s, OffsetX: (float64(area.W) - float64(canvas.W)*s) / 2, OffsetY: (float64(area.H) - float64(canvas.H)*s) / 2}
	}
	s := math.Min(sx, sy)
	return Transform{ScaleX: s, ScaleY: s, OffsetX: (float64(area.W) - float64(canvas.W)*s) / 2, OffsetY: (float64(area.H) - float64(canvas.H)*s) / 2}
}

// Wall is a video wall: Columns × Rows monitors of Monitor size each, with
// Bezel pixels of frame on every side of every monitor (so 2·Bezel between
// two pictures). Sizes are in the monitors' own CSS pixels.
type Wall struct {
	Columns int  `json:"columns"`
	Rows    int  `json:"rows"`
	Monitor Size `json:"monitor"`
	Bezel   int  `json:"bezel"`
}

// Validate checks a wall profile; field names are relative to it.
func (w Wall) Validate() error {
	switch {
	case w.Columns < 1 || w.Columns > MaxWallSide:
		return fmt.Errorf("columns: is %d; a wall has 1 to %d columns", w.Columns, MaxWallSide)
	case w.Rows < 1 || w.Rows > MaxWallSide:
		return fmt.Errorf("rows: is %d; a wall has 1 to %d rows", w.Rows, MaxWallSide)
	case w.Monitor.W < MinScreenSide || w.Monitor.W > MaxScreenSide || w.Monitor.H < MinScreenSide || w.Monitor.H > MaxScreenSide:
		return fmt.Errorf("monitor: is %d×%d; each side must be %d to %d px", w.Monitor.W, w.Monitor.H, MinScreenSide, MaxScreenSide)
	case w.Bezel < 0 || w.Bezel > MaxBezel:
		return fmt.Errorf("bezel: is %d; allowed 0 to %d px", w.Bezel, MaxBezel)
	}
	return nil
}

// Size returns the size of the whole picture, bezels included: what the
// canvas is fitted into.
func (w Wall) Size() Size {
	return Size{W: w.Columns*w.Monitor.W + (w.Columns-1)*2*w.Bezel, H: w.Rows*w.Monitor.H + (w.Rows-1)*2*w.Bezel}
}

// Origin returns where monitor (col, row) starts in the whole picture.
// Whole pixels: a monitor's picture starts exactly where its neighbour's
// ends plus the bezels, so the wall shows no seam, gap or overlap.
func (w Wall) Origin(col, row int) (x, y int) {
	return col * (w.Monitor.W + 2*w.Bezel), row * (w.Monitor.H + 2*w.Bezel)
}

// Plan is what a display applies.
type Plan struct {
	Variant string `json:"variant"`
	Canvas  Size   `json:"canvas"`
	Screen  Size   `json:"screen"`
	Fit     string `json:"fit"`
	// Transform places the canvas on this screen (for a wall monitor, the
	// whole wall's transform shifted to this monitor's slice).
	Transform Transform `json:"transform"`
	// Visible is the part of the canvas this screen shows, in canvas px
	// (clipped to the canvas): everything for contain, the middle for
	// cover, one slice for a wall monitor.
	Visible Rect `json:"visible"`
	// RenderScale is how many device pixels a canvas pixel covers (the
	// largest of the two scales × the device pixel ratio): charts are drawn
	// at it so they stay sharp on a 4K wall.
	RenderScale float64 `json:"render_scale"`
	// Tile is set on a wall monitor.
	Tile *Tile `json:"tile,omitempty"`
}

// Tile says which monitor of which wall a screen is.
type Tile struct {
	Wall   Wall `json:"wall"`
	Column int  `json:"column"`
	Row    int  `json:"row"`
}

// PlanScreen plans a screen of size screen (CSS px, device pixel ratio dpr)
// showing canvas in mode. With a tile, the screen is that monitor of the
// wall and its size is the wall's monitor size.
func PlanScreen(variant string, canvas, screen Size, dpr float64, mode string, tile *Tile) (*Plan, error) {
	if canvas.W < 1 || canvas.H < 1 {
		return nil, fmt.Errorf("canvas: is %d×%d; both sides must be positive", canvas.W, canvas.H)
	}
	if mode == "" {
		mode = FitContain
	}
	if mode != FitContain && mode != FitCover && mode != FitStretch {
		return nil, fmt.Errorf("fit: %q is not a fit mode; use contain, cover or stretch", mode)
	}
	if dpr == 0 {
		dpr = 1
	}
	if !(dpr > 0 && dpr <= MaxDPR) {
		return nil, fmt.Errorf("dpr: is %g; allowed above 0 and up to %g", dpr, MaxDPR)
	}
	area := screen
	p := &Plan{Variant: variant, Canvas: canvas, Fit: mode}
	if tile != nil {
		if err := tile.Wall.Validate(); err != nil {
			return nil, fmt.Errorf("wall: %w", err)
		}
		if tile.Column < 0 || tile.Column >= tile.Wall.Columns || tile.Row < 0 || tile.Row >= tile.Wall.Rows {
			return nil, fmt.Errorf("tile: %d,%d is not a monitor of a %d×%d wall (columns 0–%d, rows 0–%d)",
				tile.Column, tile.Row, tile.Wall.Columns, tile.Wall.Rows, tile.Wall.Columns-1, tile.Wall.Rows-1)
		}
		area = tile.Wall.Size()
		screen = tile.Wall.Monitor
		p.Tile = tile
	}
	if screen.W < MinScreenSide || screen.H < MinScreenSide || screen.W > MaxScreenSide || screen.H > MaxScreenSide {
		return nil, fmt.Errorf("width: the screen is %d×%d; each side must be %d to %d px", screen.W, screen.H, MinScreenSide, MaxScreenSide)
	}
	p.Screen = screen
	t := FitCanvas(canvas, area, mode)
	if tile != nil {
		ox, oy := tile.Wall.Origin(tile.Column, tile.Row)
		t.OffsetX -= float64(ox)
		t.OffsetY -= float64(oy)
	}
	p.Transform = t
	p.RenderScale = math.Max(t.ScaleX, t.ScaleY) * dpr
	// The canvas part that lands on the screen [0, W) × [0, H).
	x0 := clampF((0-t.OffsetX)/t.ScaleX, 0, float64(canvas.W))
	x1 := clampF((float64(screen.W)-t.OffsetX)/t.ScaleX, 0, float64(canvas.W))
	y0 := clampF((0-t.OffsetY)/t.ScaleY, 0, float64(canvas.H))
	y1 := clampF((float64(screen.H)-t.OffsetY)/t.ScaleY, 0, float64(canvas.H))
	fx, fy := math.Floor(x0+1e-9), math.Floor(y0+1e-9)
	p.Visible = Rect{X: int(fx), Y: int(fy), W: int(math.Ceil(x1-1e-9) - fx), H: int(math.Ceil(y1-1e-9) - fy)}
	return p, nil
}

func clampF(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
