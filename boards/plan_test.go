package boards_test

import (
	"strings"
	"testing"

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/layouts"
	"github.com/flexboard/flexboard/widgets"
)

func planBoard(t *testing.T) *boards.Board {
	t.Helper()
	c := boards.Content{Name: "p", Variants: []boards.Variant{
		{Name: "16:9", Canvas: boards.Canvas{Width: 1920, Height: 1080}, Grid: boards.Grid{Columns: 48, Rows: 27}},
		{Name: "32:9", Canvas: boards.Canvas{Width: 3840, Height: 1080}, Grid: boards.Grid{Columns: 96, Rows: 27}},
		{Name: "portrait", Canvas: boards.Canvas{Width: 1080, Height: 1920}, Grid: boards.Grid{Columns: 27, Rows: 48}},
	}, Walls: []boards.WallProfile{{Name: "room", Wall: layouts.Wall{Columns: 2, Rows: 2, Monitor: layouts.Size{W: 1920, H: 1080}, Bezel: 10}}}}
	c.Normalize()
	if err := c.Validate(widgets.Builtin()); err != nil {
		t.Fatal(err)
	}
	return &boards.Board{ID: "b", Revision: 3, Content: c}
}

func TestPlanFor(t *testing.T) {
	b := planBoard(t)
	cases := []struct {
		name    string
		req     boards.PlanRequest
		variant string
		fit     string
	}{
		{"ChoosesByRatio", boards.PlanRequest{Width: "5120", Height: "1440"}, "32:9", "contain"},
		{"Portrait", boards.PlanRequest{Width: "1080", Height: "1920", DPR: "2"}, "portrait", "contain"},
		{"Forced", boards.PlanRequest{Width: "1080", Height: "1920", Variant: "16:9", Fit: "cover"}, "16:9", "cover"},
		{"WallProfile", boards.PlanRequest{Wall: "room", Tile: "1,1"}, "16:9", "contain"},
		{"WallCxR", boards.PlanRequest{Wall: "4x1", Tile: "3,0", Width: "960", Height: "1080", Bezel: "5"}, "32:9", "contain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := boards.PlanFor(b, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if p.Variant != c.variant || p.Fit != c.fit || len(p.Variants) != 3 || p.Revision != 3 {
				t.Fatalf("plan = %+v", p.Plan)
			}
		})
	}
	p, _ := boards.PlanFor(b, boards.PlanRequest{Wall: "room", Tile: "1,1"})
	if p.Tile == nil || p.Screen != (layouts.Size{W: 1920, H: 1080}) || p.Visible.X < 960 || p.Visible.Y < 540 {
		t.Fatalf("bottom-right monitor of the room wall: %+v visible %+v", p.Tile, p.Visible)
	}
}

func TestPlanForRefusals(t *testing.T) {
	b := planBoard(t)
	cases := []struct {
		name       string
		req        boards.PlanRequest
		code       errs.Code
		field, msg string
	}{
		{"NoWidth", boards.PlanRequest{Height: "100"}, errs.Invalid, "width", "is required"},
		{"NotANumber", boards.PlanRequest{Width: "wide", Height: "100"}, errs.Invalid, "width", `"wide" is not a whole number`},
		{"ZeroHeight", boards.PlanRequest{Width: "100", Height: "0"}, errs.Invalid, "width", "the screen is 100×0; each side must be 16 to 32768 px"},
		{"BadDPR", boards.PlanRequest{Width: "100", Height: "100", DPR: "x"}, errs.Invalid, "dpr", "not a number"},
		{"HugeDPR", boards.PlanRequest{Width: "100", Height: "100", DPR: "100"}, errs.Invalid, "dpr", "up to 8"},
		{"BadFit", boards.PlanRequest{Width: "100", Height: "100", Fit: "zoom"}, errs.Invalid, "fit", "contain, cover or stretch"},
		{"UnknownVariant", boards.PlanRequest{Width: "100", Height: "100", Variant: "8k"}, errs.NotFound, "variant", "its variants: 16:9, 32:9, portrait"},
		{"UnknownWall", boards.PlanRequest{Wall: "lobby", Tile: "0,0"}, errs.Invalid, "wall", "neither a wall profile of this board (room)"},
		{"TileWithoutWall", boards.PlanRequest{Width: "100", Height: "100", Tile: "0,0"}, errs.Invalid, "wall", "is required with tile"},
		{"NoTile", boards.PlanRequest{Wall: "room"}, errs.Invalid, "tile", "is required with wall"},
		{"BadTile", boards.PlanRequest{Wall: "room", Tile: "a,b"}, errs.Invalid, "tile", "not column,row"},
		{"TileOutside", boards.PlanRequest{Wall: "room", Tile: "2,0"}, errs.Invalid, "tile", "is not a monitor of a 2×2 wall"},
		{"WrongMonitor", boards.PlanRequest{Wall: "room", Tile: "0,0", Width: "1366", Height: "768"}, errs.Invalid, "width", "the wall's monitors are 1920×1080"},
		{"CxRWithoutSize", boards.PlanRequest{Wall: "2x2", Tile: "0,0"}, errs.Invalid, "width", "one monitor's size"},
		{"CxRTooBig", boards.PlanRequest{Wall: "20x1", Tile: "0,0", Width: "100", Height: "100"}, errs.Invalid, "wall", "columns: is 20; a wall has 1 to 16 columns"},
		{"BezelOnProfile", boards.PlanRequest{Wall: "room", Tile: "0,0", Bezel: "3"}, errs.Invalid, "bezel", "comes from the wall profile"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := boards.PlanFor(b, c.req)
			e := errs.As(err)
			if e == nil || e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("err = %v (field %q), want %s %s %q", err, fieldOf(e), c.code, c.field, c.msg)
			}
		})
	}
}

func fieldOf(e *errs.Error) string {
	if e == nil {
		return ""
	}
	return e.Field
}

func TestWallProfilesValidated(t *testing.T) {
	c := planBoard(t).Content
	c.Walls = append(c.Walls, boards.WallProfile{Name: "room", Wall: c.Walls[0].Wall})
	if err := c.Validate(widgets.Builtin()); err == nil || !strings.Contains(err.Error(), "walls[1].name") {
		t.Fatalf("duplicate wall: %v", err)
	}
	c.Walls = []boards.WallProfile{{Name: "x", Wall: layouts.Wall{Columns: 0, Rows: 1, Monitor: layouts.Size{W: 100, H: 100}}}}
	err := c.Validate(widgets.Builtin())
	if e := errs.As(err); e == nil || e.Field != "walls[0].columns" || !strings.Contains(e.Message, "1 to 16 columns") {
		t.Fatalf("bad wall: %v", err)
	}
}
