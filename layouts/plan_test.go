package layouts_test

import (
	"math"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/layouts"
)

var presets = []layouts.Candidate{
	{Name: "16:9", Canvas: layouts.Size{W: 1920, H: 1080}},
	{Name: "4K", Canvas: layouts.Size{W: 3840, H: 2160}},
	{Name: "32:9", Canvas: layouts.Size{W: 3840, H: 1080}},
	{Name: "21:9", Canvas: layouts.Size{W: 2560, H: 1080}},
	{Name: "4:3", Canvas: layouts.Size{W: 1024, H: 768}},
	{Name: "portrait", Canvas: layouts.Size{W: 1080, H: 1920}},
}

func TestChooseVariant(t *testing.T) {
	cases := []struct {
		name   string
		screen layouts.Size
		want   string
	}{
		{"FullHD", layouts.Size{W: 1920, H: 1080}, "4K"}, // same ratio as 16:9: the larger canvas
		{"Laptop1366", layouts.Size{W: 1366, H: 768}, "4K"},
		{"UltraWide2560", layouts.Size{W: 2560, H: 1080}, "21:9"},
		{"Projector32to9", layouts.Size{W: 5120, H: 1440}, "32:9"},
		{"OldProjector", layouts.Size{W: 1400, H: 1050}, "4:3"},
		{"PortraitTV", layouts.Size{W: 1080, H: 1920}, "portrait"},
		{"Square", layouts.Size{W: 1000, H: 1000}, "4:3"},
		{"Tiny", layouts.Size{W: 16, H: 9}, "4K"},
		{"Huge", layouts.Size{W: 32768, H: 9216}, "32:9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i := layouts.ChooseVariant(presets, c.screen)
			if i < 0 || presets[i].Name != c.want {
				t.Fatalf("chose %d, want %s", i, c.want)
			}
		})
	}
	if layouts.ChooseVariant(nil, layouts.Size{W: 1, H: 1}) != -1 || layouts.ChooseVariant(presets, layouts.Size{}) != -1 {
		t.Fatal("no candidate or no screen must give -1")
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestPlanFit(t *testing.T) {
	canvas := layouts.Size{W: 1920, H: 1080}
	cases := []struct {
		name           string
		screen         layouts.Size
		fit            string
		sx, sy, ox, oy float64
		visible        layouts.Rect
	}{
		{"ContainSameRatio", layouts.Size{W: 3840, H: 2160}, "", 2, 2, 0, 0, layouts.Rect{W: 1920, H: 1080}},
		{"ContainLaptop", layouts.Size{W: 1366, H: 768}, "contain", 768.0 / 1080, 768.0 / 1080, (1366 - 1920*768.0/1080) / 2, 0, layouts.Rect{W: 1920, H: 1080}}, // 1366×768 is a hair wider than 16:9
		{"ContainUltraWide", layouts.Size{W: 2560, H: 1080}, "contain", 1, 1, 320, 0, layouts.Rect{W: 1920, H: 1080}},
		{"ContainPortrait", layouts.Size{W: 1080, H: 1920}, "contain", 0.5625, 0.5625, 0, (1920 - 607.5) / 2, layouts.Rect{W: 1920, H: 1080}},
		{"CoverUltraWide", layouts.Size{W: 2560, H: 1080}, "cover", 2560.0 / 1920, 2560.0 / 1920, 0, (1080 - 1440) / 2.0, layouts.Rect{X: 0, Y: 135, W: 1920, H: 810}},
		{"Stretch", layouts.Size{W: 2560, H: 1080}, "stretch", 2560.0 / 1920, 1, 0, 0, layouts.Rect{W: 1920, H: 1080}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := layouts.PlanScreen("16:9", canvas, c.screen, 1, c.fit, nil)
			if err != nil {
				t.Fatal(err)
			}
			tr := p.Transform
			if !near(tr.ScaleX, c.sx) || !near(tr.ScaleY, c.sy) || !near(tr.OffsetX, c.ox) || !near(tr.OffsetY, c.oy) || p.Visible != c.visible {
				t.Fatalf("plan %+v visible %+v", tr, p.Visible)
			}
		})
	}
	p, _ := layouts.PlanScreen("4K", layouts.Size{W: 3840, H: 2160}, layouts.Size{W: 1920, H: 1080}, 2, "", nil)
	if !near(p.RenderScale, 1) {
		t.Fatalf("a 4K canvas on a 1080p screen at dpr 2 renders at %g", p.RenderScale)
	}
}

func TestPlanWallHasNoSeams(t *testing.T) {
	wall := layouts.Wall{Columns: 3, Rows: 2, Monitor: layouts.Size{W: 1366, H: 768}, Bezel: 7}
	canvas := layouts.Size{W: 3840, H: 1080}
	var prevRight float64
	for c := 0; c < 3; c++ {
		p, err := layouts.PlanScreen("32:9", canvas, layouts.Size{}, 1, "", &layouts.Tile{Wall: wall, Column: c, Row: 0})
		if err != nil {
			t.Fatal(err)
		}
		// Canvas x shown at the monitor's left and right edges.
		left := (0 - p.Transform.OffsetX) / p.Transform.ScaleX
		right := (1366 - p.Transform.OffsetX) / p.Transform.ScaleX
		if c > 0 {
			// The bezels hide exactly 2·7 px of the picture between monitors.
			if gap := (left - prevRight) * p.Transform.ScaleX; !near(gap, 14) {
				t.Fatalf("monitor %d starts %g wall px after monitor %d ends, want 14 (the bezels)", c, gap, c-1)
			}
		}
		prevRight = right
		if p.Screen != wall.Monitor || p.Tile == nil {
			t.Fatalf("plan %+v", p)
		}
	}
	// All monitors share one scale: the wall is one picture.
	a, _ := layouts.PlanScreen("", canvas, layouts.Size{}, 1, "", &layouts.Tile{Wall: wall, Column: 0, Row: 0})
	b, _ := layouts.PlanScreen("", canvas, layouts.Size{}, 1, "", &layouts.Tile{Wall: wall, Column: 2, Row: 1})
	if a.Transform.ScaleX != b.Transform.ScaleX || b.Transform.OffsetY-a.Transform.OffsetY != -float64(768+14) {
		t.Fatalf("tiles disagree: %+v %+v", a.Transform, b.Transform)
	}
}

func TestPlanRefusals(t *testing.T) {
	canvas := layouts.Size{W: 1920, H: 1080}
	wall := layouts.Wall{Columns: 2, Rows: 2, Monitor: layouts.Size{W: 1920, H: 1080}}
	cases := []struct {
		name   string
		screen layouts.Size
		dpr    float64
		fit    string
		tile   *layouts.Tile
		msg    string
	}{
		{"ZeroScreen", layouts.Size{}, 1, "", nil, "width: the screen is 0×0; each side must be 16 to 32768 px"},
		{"HugeScreen", layouts.Size{W: 40000, H: 100}, 1, "", nil, "each side must be 16 to 32768 px"},
		{"BadFit", layouts.Size{W: 100, H: 100}, 1, "zoom", nil, `fit: "zoom" is not a fit mode`},
		{"BadDPR", layouts.Size{W: 100, H: 100}, -1, "", nil, "dpr: is -1"},
		{"NaNDPR", layouts.Size{W: 100, H: 100}, math.NaN(), "", nil, "dpr: is NaN"},
		{"TileOutside", layouts.Size{}, 1, "", &layouts.Tile{Wall: wall, Column: 2, Row: 0}, "tile: 2,0 is not a monitor of a 2×2 wall"},
		{"WallTooBig", layouts.Size{}, 1, "", &layouts.Tile{Wall: layouts.Wall{Columns: 17, Rows: 1, Monitor: wall.Monitor}}, "wall: columns: is 17"},
		{"NegativeBezel", layouts.Size{}, 1, "", &layouts.Tile{Wall: layouts.Wall{Columns: 1, Rows: 1, Monitor: wall.Monitor, Bezel: -1}}, "wall: bezel: is -1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := layouts.PlanScreen("", canvas, c.screen, c.dpr, c.fit, c.tile)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want %q", err, c.msg)
			}
		})
	}
}
