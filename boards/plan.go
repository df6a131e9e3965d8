package boards

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/layouts"
)

// PlanRequest is a screen's description as the display sends it (query
// parameters, unparsed).
type PlanRequest struct {
	Width, Height string // the screen (or one wall monitor) in CSS px
	DPR           string // device pixel ratio; default 1
	Variant       string // forces a variant
	Fit           string // contain (default), cover, stretch
	Wall          string // a wall profile's name, or CxR
	Tile          string // c,r: which monitor of the wall (0-based)
	Bezel         string // px, with the CxR form
}

// ScreenPlan is a layouts.Plan with the variants the board offers.
type ScreenPlan struct {
	*layouts.Plan
	Variants []string `json:"variants"`
	Revision int64    `json:"revision"`
}

// PlanFor plans a screen for b. Bad input is an errs.Invalid naming the
// query parameter.
func PlanFor(b *Board, r PlanRequest) (*ScreenPlan, error) {
	num := func(field, s string, def int) (int, error) {
		if s == "" {
			if def >= 0 {
				return def, nil
			}
			return 0, errs.Invalidf(field, "is required: the screen's %s in CSS pixels", field)
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, errs.Invalidf(field, "%q is not a whole number", clip(s))
		}
		return n, nil
	}
	var tile *layouts.Tile
	var err error
	if r.Wall != "" {
		if tile, err = wallTile(b, r); err != nil {
			return nil, err
		}
	} else if r.Tile != "" || r.Bezel != "" {
		return nil, errs.Invalidf("wall", "is required with tile and bezel: a wall profile's name or CxR such as 2x2")
	}
	var screen layouts.Size
	if tile == nil || r.Width != "" || r.Height != "" {
		if screen.W, err = num("width", r.Width, -1); err != nil {
			return nil, err
		}
		if screen.H, err = num("height", r.Height, -1); err != nil {
			return nil, err
		}
	}
	dpr := 1.0
	if r.DPR != "" {
		if dpr, err = strconv.ParseFloat(r.DPR, 64); err != nil || math.IsNaN(dpr) {
			return nil, errs.Invalidf("dpr", "%q is not a number", clip(r.DPR))
		}
	}
	names := make([]string, len(b.Variants))
	cands := make([]layouts.Candidate, len(b.Variants))
	vi := -1
	for i, v := range b.Variants {
		names[i] = v.Name
		cands[i] = layouts.Candidate{Name: v.Name, Canvas: layouts.Size{W: v.Canvas.Width, H: v.Canvas.Height}}
		if r.Variant != "" && v.Name == r.Variant {
			vi = i
		}
	}
	if r.Variant != "" && vi < 0 {
		return nil, errs.E(errs.NotFound, "variant", "board %q has no variant %q; its variants: %s", b.ID, clip(r.Variant), strings.Join(names, ", "))
	}
	if vi < 0 {
		target := screen
		if tile != nil {
			target = tile.Wall.Size()
		}
		if vi = layouts.ChooseVariant(cands, target); vi < 0 {
			vi = 0 // a degenerate screen: PlanScreen says what is wrong with it
		}
	}
	if tile != nil && screen.W == 0 {
		screen = tile.Wall.Monitor
	}
	if tile != nil && screen != tile.Wall.Monitor {
		return nil, errs.Invalidf("width", "this screen is %d×%d but the wall's monitors are %d×%d: open the page on the wall's monitor, or fix the wall profile",
			screen.W, screen.H, tile.Wall.Monitor.W, tile.Wall.Monitor.H)
	}
	p, err := layouts.PlanScreen(names[vi], cands[vi].Canvas, screen, dpr, r.Fit, tile)
	if err != nil {
		field, msg, _ := strings.Cut(err.Error(), ": ")
		return nil, errs.Invalidf(field, "%s", msg)
	}
	return &ScreenPlan{Plan: p, Variants: names, Revision: b.Revision}, nil
}

// wallTile reads the wall and tile parameters: a profile of the board by
// name, or CxR with the screen as the monitor size.
func wallTile(b *Board, r PlanRequest) (*layouts.Tile, error) {
	t := &layouts.Tile{}
	found := false
	for _, w := range b.Walls {
		if w.Name == r.Wall {
			t.Wall, found = w.Wall, true
		}
	}
	if !found {
		var c, rows int
		if n, err := fmt.Sscanf(strings.ToLower(r.Wall), "%dx%d", &c, &rows); err != nil || n != 2 || fmt.Sprintf("%dx%d", c, rows) != strings.ToLower(r.Wall) {
			profiles := make([]string, len(b.Walls))
			for i, w := range b.Walls {
				profiles[i] = w.Name
			}
			return nil, errs.Invalidf("wall", "%q is neither a wall profile of this board (%s) nor columns x rows such as 2x2", clip(r.Wall), strings.Join(append(profiles, "none")[:max(1, len(profiles))], ", "))
		}
		w, errW := strconv.Atoi(r.Width)
		h, errH := strconv.Atoi(r.Height)
		if errW != nil || errH != nil {
			return nil, errs.Invalidf("width", "is required with wall=%s: width and height are one monitor's size in CSS pixels", r.Wall)
		}
		bezel := 0
		if r.Bezel != "" {
			var err error
			if bezel, err = strconv.Atoi(r.Bezel); err != nil {
				return nil, errs.Invalidf("bezel", "%q is not a whole number of pixels", clip(r.Bezel))
			}
		}
		t.Wall = layouts.Wall{Columns: c, Rows: rows, Monitor: layouts.Size{W: w, H: h}, Bezel: bezel}
	} else if r.Bezel != "" {
		return nil, errs.Invalidf("bezel", "comes from the wall profile %q; give bezel only with the CxR form", r.Wall)
	}
	if r.Tile == "" {
		return nil, errs.Invalidf("tile", "is required with wall: which monitor this screen is, as column,row from 0,0 at the top left")
	}
	if n, err := fmt.Sscanf(r.Tile, "%d,%d", &t.Column, &t.Row); err != nil || n != 2 || fmt.Sprintf("%d,%d", t.Column, t.Row) != r.Tile {
		return nil, errs.Invalidf("tile", "%q is not column,row such as 0,1", clip(r.Tile))
	}
	return t, nil
}
