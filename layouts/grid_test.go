package layouts_test

import (
	"math/rand"
	"testing"

	"github.com/flexboard/flexboard/layouts"
)

func TestOverlaps(t *testing.T) {
	r := func(x, y, w, h int) layouts.Rect { return layouts.Rect{X: x, Y: y, W: w, H: h} }
	cases := []struct {
		name string
		a, b layouts.Rect
		want bool
	}{
		{"Same", r(0, 0, 2, 2), r(0, 0, 2, 2), true},
		{"TouchingEdgeRight", r(0, 0, 2, 2), r(2, 0, 2, 2), false},
		{"TouchingEdgeBelow", r(0, 0, 2, 2), r(0, 2, 2, 2), false},
		{"CornerCell", r(0, 0, 2, 2), r(1, 1, 2, 2), true},
		{"Contained", r(0, 0, 10, 10), r(3, 3, 1, 1), true},
		{"Apart", r(0, 0, 1, 1), r(5, 5, 1, 1), false},
		{"Cross", r(2, 0, 1, 5), r(0, 2, 5, 1), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := layouts.Overlaps(c.a, c.b); got != c.want {
				t.Fatalf("Overlaps(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
			}
			if got := layouts.Overlaps(c.b, c.a); got != c.want {
				t.Fatalf("Overlaps is not symmetric for %v, %v", c.a, c.b)
			}
		})
	}
}

func TestFitsGrid(t *testing.T) {
	cases := []struct {
		name string
		r    layouts.Rect
		want string
	}{
		{"Fits", layouts.Rect{X: 0, Y: 0, W: 48, H: 27}, ""},
		{"LastCell", layouts.Rect{X: 47, Y: 26, W: 1, H: 1}, ""},
		{"ZeroWidth", layouts.Rect{X: 0, Y: 0, W: 0, H: 1}, "size 0×1 is empty: w and h must be at least 1 cell"},
		{"NegativeX", layouts.Rect{X: -1, Y: 0, W: 1, H: 1}, "position x=-1 y=0 is outside the grid: x and y start at 0"},
		{"PastRight", layouts.Rect{X: 40, Y: 0, W: 9, H: 1}, "x=40 w=9 reaches column 49, past the grid's 48 columns"},
		{"HugeXOverflow", layouts.Rect{X: 1<<63 - 1, Y: 0, W: 8, H: 1}, "x=9223372036854775807 w=8 reaches beyond any column, past the grid's 48 columns"},
		{"HugeWOverflow", layouts.Rect{X: 1, Y: 0, W: 1<<63 - 1, H: 1}, "x=1 w=9223372036854775807 reaches beyond any column, past the grid's 48 columns"},
		{"HugeYOverflow", layouts.Rect{X: 0, Y: 1<<63 - 1, W: 1, H: 1}, "y=9223372036854775807 h=1 reaches beyond any row, past the grid's 27 rows"},
		{"PastBottom", layouts.Rect{X: 0, Y: 20, W: 1, H: 8}, "y=20 h=8 reaches row 28, past the grid's 27 rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := layouts.FitsGrid(c.r, 48, 27); got != c.want {
				t.Fatalf("FitsGrid(%v) = %q, want %q", c.r, got, c.want)
			}
		})
	}
}

// TestFirstOverlapMatchesPairwise checks the occupancy-grid scan against the
// obvious pairwise comparison on random layouts.
func TestFirstOverlapMatchesPairwise(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 2000; iter++ {
		cols, rows := 1+rng.Intn(20), 1+rng.Intn(20)
		n := rng.Intn(8)
		rects := make([]layouts.Rect, n)
		for i := range rects {
			w, h := 1+rng.Intn(cols), 1+rng.Intn(rows)
			rects[i] = layouts.Rect{X: rng.Intn(cols - w + 1), Y: rng.Intn(rows - h + 1), W: w, H: h}
		}
		want := false
		for i := range rects {
			for j := i + 1; j < len(rects); j++ {
				if layouts.Overlaps(rects[i], rects[j]) {
					want = true
				}
			}
		}
		o, got := layouts.FirstOverlap(rects, cols, rows)
		if got != want {
			t.Fatalf("FirstOverlap(%v) = %v, pairwise says %v", rects, got, want)
		}
		if got {
			if o.A >= o.B || !layouts.Overlaps(rects[o.A], rects[o.B]) {
				t.Fatalf("FirstOverlap(%v) reported %+v, which do not overlap", rects, o)
			}
			cell := layouts.Rect{X: o.X, Y: o.Y, W: 1, H: 1}
			if !layouts.Overlaps(cell, rects[o.A]) || !layouts.Overlaps(cell, rects[o.B]) {
				t.Fatalf("reported cell (%d,%d) is not shared by %v and %v", o.X, o.Y, rects[o.A], rects[o.B])
			}
		}
	}
}

func BenchmarkFirstOverlap500(b *testing.B) {
	// 500 one-cell widgets on the largest grid: the worst case of a full board.
	rects := make([]layouts.Rect, 500)
	for i := range rects {
		rects[i] = layouts.Rect{X: i % 256, Y: i / 256, W: 1, H: 1}
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := layouts.FirstOverlap(rects, 256, 256); ok {
			b.Fatal("unexpected overlap")
		}
	}
}
