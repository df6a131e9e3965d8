// Package layouts is Flexboard's geometry: grid cells, bounds and overlap
// rules. It is pure: no I/O, no HTTP, nothing of ours imported.
package layouts

import (
	"fmt"
	"math"
)

// Limits of a design canvas and its grid, shared by validation and docs.
const (
	MinCanvasSide = 320   // px: smaller than any real screen a board is designed for
	MaxCanvasSide = 32768 // px: a 16-monitor 8K video wall, and Chromium's canvas limit
	MinGridCells  = 1
	MaxGridCells  = 256 // columns or rows: finer than 8 px cells on an 8K-wide canvas
)

// Rect is a rectangle of grid cells: column X, row Y (0-based, from the top
// left), W columns wide and H rows high.
type Rect struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// String prints r as "x=2 y=0 w=8 h=5".
func (r Rect) String() string {
	return fmt.Sprintf("x=%d y=%d w=%d h=%d", r.X, r.Y, r.W, r.H)
}

// Overlaps reports whether a and b share at least one cell.
func Overlaps(a, b Rect) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// FitsGrid explains why r does not fit a grid of columns × rows, or returns
// "" when it does. Sizes must be at least one cell.
func FitsGrid(r Rect, columns, rows int) string {
	switch {
	case r.W < 1 || r.H < 1:
		return fmt.Sprintf("size %d×%d is empty: w and h must be at least 1 cell", r.W, r.H)
	case r.X < 0 || r.Y < 0:
		return fmt.Sprintf("position x=%d y=%d is outside the grid: x and y start at 0", r.X, r.Y)
	// Compared by subtraction: x+w could overflow for absurd input.
	case r.X >= columns || r.W > columns-r.X:
		return fmt.Sprintf("x=%d w=%d reaches %s, past the grid's %d columns", r.X, r.W, end("column", r.X, r.W), columns)
	case r.Y >= rows || r.H > rows-r.Y:
		return fmt.Sprintf("y=%d h=%d reaches %s, past the grid's %d rows", r.Y, r.H, end("row", r.Y, r.H), rows)
	}
	return ""
}

// end names the cell after start+size, or says it is beyond counting.
func end(what string, start, size int) string {
	if size > math.MaxInt-start {
		return "beyond any " + what
	}
	return fmt.Sprintf("%s %d", what, start+size)
}

// Overlap names two rectangles, by index, that share the cell (X, Y).
type Overlap struct {
	A, B int // A < B: indexes into the slice given to FirstOverlap
	X, Y int // the first shared cell in reading order of B
}

// FirstOverlap returns the first pair of rects that share a cell, scanning in
// order, or ok=false. Every rect must fit the columns × rows grid (check with
// FitsGrid first). It paints an occupancy grid, so it costs at most
// columns×rows cell writes before finding an overlap, however many rects.
func FirstOverlap(rects []Rect, columns, rows int) (o Overlap, ok bool) {
	owner := make([]int32, columns*rows) // 0 = free, else index+1
	for i, r := range rects {
		for y := r.Y; y < r.Y+r.H; y++ {
			for x := r.X; x < r.X+r.W; x++ {
				c := y*columns + x
				if prev := owner[c]; prev != 0 {
					return Overlap{A: int(prev) - 1, B: i, X: x, Y: y}, true
				}
				owner[c] = int32(i) + 1
			}
		}
	}
	return Overlap{}, false
}
