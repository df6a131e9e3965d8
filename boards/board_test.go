package boards_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	_ "time/tzdata" // as in cmd/flexboard: clock widgets' time zones resolve anywhere

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/jsonx"
	"github.com/flexboard/flexboard/widgets"
)

// boardFixture returns a valid, normalized board: one widget of every kind,
// a landscape variant placing them all edge to edge and a portrait variant
// placing two.
//
//	widgets[0] cpu   stat        16:9  x=0  y=0 w=8  h=5    9:16  x=0 y=0 w=8  h=5
//	widgets[1] tps   timeseries  16:9  x=8  y=0 w=16 h=8    9:16  x=0 y=5 w=16 h=8
//	widgets[2] temp  gauge       16:9  x=24 y=0 w=8  h=8
//	widgets[3] note  text        16:9  x=32 y=0 w=12 h=4
//	widgets[4] clock clock       16:9  x=40 y=4 w=8  h=4
func boardFixture() boards.Content {
	return boards.Content{
		Name:        "Ops",
		Description: "Production at a glance",
		Theme:       "dark",
		RefreshMS:   1000,
		Widgets: []boards.Widget{
			{ID: "cpu", Kind: "stat", Title: "CPU", Config: json.RawMessage(`{"unit":"percent","decimals":0}`)},
			{ID: "tps", Kind: "timeseries", Title: "Transactions", Config: json.RawMessage(`{"style":"area","unit":"req/s"}`)},
			{ID: "temp", Kind: "gauge", Title: "Temperature", Config: json.RawMessage(`{"min":-20,"max":60}`)},
			{ID: "note", Kind: "text", Title: "", Config: json.RawMessage(`{"markdown":"# On call\nAlice"}`)},
			{ID: "clock", Kind: "clock", Title: "Paris", Config: json.RawMessage(`{"timezone":"Europe/Paris"}`)},
		},
		Variants: []boards.Variant{
			{Name: "16:9", Canvas: boards.Canvas{Width: 1920, Height: 1080}, Grid: boards.Grid{Columns: 48, Rows: 27},
				Placements: []boards.Placement{
					{Widget: "cpu", X: 0, Y: 0, W: 8, H: 5},
					{Widget: "tps", X: 8, Y: 0, W: 16, H: 8},
					{Widget: "temp", X: 24, Y: 0, W: 8, H: 8},
					{Widget: "note", X: 32, Y: 0, W: 12, H: 4},
					{Widget: "clock", X: 40, Y: 4, W: 8, H: 4},
				}},
			{Name: "9:16", Canvas: boards.Canvas{Width: 1080, Height: 1920}, Grid: boards.Grid{Columns: 27, Rows: 48},
				Placements: []boards.Placement{
					{Widget: "cpu", X: 0, Y: 0, W: 8, H: 5},
					{Widget: "tps", X: 0, Y: 5, W: 16, H: 8},
				}},
		},
	}
}

// assertBoardErr fails unless err is an *errs.Error of code on field whose
// message holds msg.
func assertBoardErr(t *testing.T, err error, code errs.Code, field, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s on %q: %q", code, field, msg)
	}
	e := errs.As(err)
	if e == nil {
		t.Fatalf("error %T %q is not an *errs.Error", err, err)
	}
	if e.Code != code {
		t.Errorf("code = %q, want %q (%v)", e.Code, code, err)
	}
	if e.Field != field {
		t.Errorf("field = %q, want %q (%v)", e.Field, field, err)
	}
	if !strings.Contains(e.Message, msg) {
		t.Errorf("message %q does not contain %q", e.Message, msg)
	}
}

func manyWidgets(n int) []boards.Widget {
	ws := make([]boards.Widget, n)
	for i := range ws {
		ws[i] = boards.Widget{ID: fmt.Sprintf("w%d", i), Kind: "text"}
	}
	return ws
}

func manyVariants(n int) []boards.Variant {
	vs := make([]boards.Variant, n)
	for i := range vs {
		vs[i] = boards.DefaultVariant()
		vs[i].Name = fmt.Sprintf("v%d", i)
	}
	return vs
}

func TestNormalize(t *testing.T) {
	t.Run("EmptyGetsDefaults", func(t *testing.T) {
		var c boards.Content
		c.Normalize()
		if c.Theme != "dark" {
			t.Errorf("Theme = %q, want dark", c.Theme)
		}
		if c.Widgets == nil || len(c.Widgets) != 0 {
			t.Errorf("Widgets = %#v, want an empty, non-nil slice", c.Widgets)
		}
		want := []boards.Variant{{Name: "16:9", Canvas: boards.Canvas{Width: 1920, Height: 1080},
			Grid: boards.Grid{Columns: 48, Rows: 27}, Placements: []boards.Placement{}}}
		if !reflect.DeepEqual(c.Variants, want) {
			t.Errorf("Variants = %#v, want %#v", c.Variants, want)
		}
		if c.Variants[0].Placements == nil {
			t.Errorf("default variant's Placements is nil")
		}
	})
	t.Run("EmptyListsMarshalAsArrays", func(t *testing.T) {
		c := boards.Content{Name: "x"}
		c.Normalize()
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"widgets":[]`, `"placements":[]`, `"theme":"dark"`} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("%s does not contain %s", raw, want)
			}
		}
	})
	t.Run("EmptyVariantListGetsDefault", func(t *testing.T) {
		c := boards.Content{Variants: []boards.Variant{}}
		c.Normalize()
		if len(c.Variants) != 1 || c.Variants[0].Name != "16:9" {
			t.Fatalf("Variants = %+v, want the default variant", c.Variants)
		}
	})
	t.Run("DefaultVariantIsFresh", func(t *testing.T) {
		a := boards.DefaultVariant()
		a.Placements = append(a.Placements, boards.Placement{Widget: "x"})
		if b := boards.DefaultVariant(); len(b.Placements) != 0 {
			t.Fatalf("DefaultVariant() shares its placements: %+v", b.Placements)
		}
	})
	t.Run("TrimsNameDescriptionTitles", func(t *testing.T) {
		c := boards.Content{Name: " \t Ops \n", Description: "\n  line one\nline two  \n",
			Widgets: []boards.Widget{{ID: "a", Title: "  CPU  "}}}
		c.Normalize()
		if c.Name != "Ops" || c.Description != "line one\nline two" || c.Widgets[0].Title != "CPU" {
			t.Fatalf("got name %q description %q title %q", c.Name, c.Description, c.Widgets[0].Title)
		}
	})
	t.Run("KeepsThemeAndVariants", func(t *testing.T) {
		c := boards.Content{Theme: "light", Variants: []boards.Variant{{Name: "a"}, {Name: "b", Placements: []boards.Placement{{Widget: "x"}}}}}
		c.Normalize()
		if c.Theme != "light" {
			t.Errorf("Theme = %q, want light", c.Theme)
		}
		if len(c.Variants) != 2 || c.Variants[0].Name != "a" || c.Variants[0].Placements == nil || len(c.Variants[1].Placements) != 1 {
			t.Errorf("Variants = %+v", c.Variants)
		}
	})
	configs := []struct {
		name, in, want string
	}{
		{"ConfigNilBecomesObject", "", "{}"},
		{"ConfigNullBecomesObject", "null", "{}"},
		{"ConfigSpacedNullBecomesObject", " \n null ", "{}"},
		{"ConfigSpacesBecomeObject", "  ", "{}"},
		{"ConfigKept", `{"unit":"s"}`, `{"unit":"s"}`},
		{"ConfigNonObjectKept", `[]`, `[]`},
	}
	for _, cc := range configs {
		t.Run(cc.name, func(t *testing.T) {
			w := boards.Widget{ID: "a", Kind: "stat"}
			if cc.in != "" {
				w.Config = json.RawMessage(cc.in)
			}
			c := boards.Content{Widgets: []boards.Widget{w}}
			c.Normalize()
			if got := string(c.Widgets[0].Config); got != cc.want {
				t.Fatalf("Config = %q, want %q", got, cc.want)
			}
		})
	}
	t.Run("Idempotent", func(t *testing.T) {
		c := boards.Content{Name: " x ", Widgets: []boards.Widget{{ID: "a", Title: " t "}}}
		c.Normalize()
		once := fmt.Sprintf("%#v", c)
		c.Normalize()
		if twice := fmt.Sprintf("%#v", c); twice != once {
			t.Fatalf("second Normalize changed the board:\n%s\n%s", once, twice)
		}
	})
}

func TestValidate(t *testing.T) {
	s := strings.Repeat
	cases := []struct {
		name   string
		mutate func(c *boards.Content)
		code   errs.Code // invalid unless set
		field  string    // "" when the board is valid
		msg    string
	}{
		{"Fixture", func(c *boards.Content) {}, "", "", ""},

		// name
		{"NameAtMaxLength", func(c *boards.Content) { c.Name = s("é", 200) }, "", "", ""},
		{"NameOverMaxLength", func(c *boards.Content) { c.Name = s("é", 201) }, "", "name", "is 201 characters long; at most 200 allowed"},
		{"NameAtMaxLengthAfterTrim", func(c *boards.Content) { c.Name = "  " + s("n", 200) + "\n" }, "", "", ""},
		{"NameEmpty", func(c *boards.Content) { c.Name = "" }, "", "name", "is required (1 to 200 characters)"},
		{"NameWhitespaceOnly", func(c *boards.Content) { c.Name = " \t\n\u00a0 " }, "", "name", "is required (1 to 200 characters)"},
		{"NameOneCharacter", func(c *boards.Content) { c.Name = "x" }, "", "", ""},
		{"NameControlCharacter", func(c *boards.Content) { c.Name = "Ops\x07" }, "", "name", "contains a control character (U+0007); remove it"},
		{"NameNewline", func(c *boards.Content) { c.Name = "Ops\nboard" }, "", "name", "contains a control character (U+000A)"},
		{"NameC1Control", func(c *boards.Content) { c.Name = "Ops\u009bboard" }, "", "name", "contains a control character (U+009B)"},
		{"NameInvalidUTF8", func(c *boards.Content) { c.Name = "Ops\xff" }, "", "name", "is not valid UTF-8"},

		// description
		{"DescriptionEmpty", func(c *boards.Content) { c.Description = "" }, "", "", ""},
		{"DescriptionMultiLine", func(c *boards.Content) { c.Description = "one\r\ntwo\n\tthree" }, "", "", ""},
		{"DescriptionAtMaxLength", func(c *boards.Content) { c.Description = s("d", 2000) }, "", "", ""},
		{"DescriptionOverMaxLength", func(c *boards.Content) { c.Description = s("d", 2001) }, "", "description",
			"is 2001 characters long; at most 2000 allowed"},
		{"DescriptionControlCharacter", func(c *boards.Content) { c.Description = "a\x00b" }, "", "description",
			"contains a control character (U+0000)"},

		// theme
		{"ThemeLight", func(c *boards.Content) { c.Theme = "light" }, "", "", ""},
		{"ThemeEmptyBecomesDark", func(c *boards.Content) { c.Theme = "" }, "", "", ""},
		{"ThemeUnknown", func(c *boards.Content) { c.Theme = "blue" }, "", "theme", `"blue" is not a theme; use one of: dark, light`},
		{"ThemeCaseSensitive", func(c *boards.Content) { c.Theme = "Dark" }, "", "theme", `"Dark" is not a theme`},

		// widgets
		{"NoWidgets", func(c *boards.Content) {
			c.Widgets = nil
			c.Variants = nil
		}, "", "", ""},
		{"WidgetsAtMax", func(c *boards.Content) {
			c.Widgets = manyWidgets(500)
			c.Variants = nil
		}, "", "", ""},
		{"WidgetsOverMax", func(c *boards.Content) {
			c.Widgets = manyWidgets(501)
			c.Variants = nil
		}, "", "widgets", "a board holds at most 500 widgets, this one has 501"},
		{"WidgetIDEmpty", func(c *boards.Content) { c.Widgets[1].ID = "" }, "", "widgets[1].id",
			`is required: a short name such as "cpu" that placements refer to`},
		{"WidgetIDWithSpace", func(c *boards.Content) { c.Widgets[3].ID = "on call" }, "", "widgets[3].id",
			`"on call" is not a valid widget id: use 1 to 64 letters, digits, '-' or '_', starting with a letter or digit`},
		{"WidgetIDLeadingDash", func(c *boards.Content) { c.Widgets[0].ID = "-cpu" }, "", "widgets[0].id", `"-cpu" is not a valid widget id`},
		{"WidgetIDLeadingUnderscore", func(c *boards.Content) { c.Widgets[0].ID = "_cpu" }, "", "widgets[0].id", `"_cpu" is not a valid widget id`},
		{"WidgetIDNonASCII", func(c *boards.Content) { c.Widgets[0].ID = "café" }, "", "widgets[0].id", `"café" is not a valid widget id`},
		{"WidgetIDTrailingNewline", func(c *boards.Content) { c.Widgets[0].ID = "cpu\n" }, "", "widgets[0].id", "is not a valid widget id"},
		{"WidgetIDAllCharacterClasses", func(c *boards.Content) {
			c.Widgets[0].ID = "9Cpu_load-1"
			c.Variants[0].Placements[0].Widget = "9Cpu_load-1"
			c.Variants[1].Placements[0].Widget = "9Cpu_load-1"
		}, "", "", ""},
		{"WidgetIDAtMaxLength", func(c *boards.Content) { c.Widgets[4].ID = s("c", 64); c.Variants[0].Placements[4].Widget = s("c", 64) }, "", "", ""},
		{"WidgetIDOverMaxLength", func(c *boards.Content) { c.Widgets[4].ID = s("c", 65) }, "", "widgets[4].id",
			`"` + s("c", 64) + `…" is not a valid widget id`},
		{"WidgetIDDuplicate", func(c *boards.Content) { c.Widgets[3].ID = "cpu" }, "", "widgets[3].id",
			`"cpu" is already the id of widgets[0]; widget ids must be unique`},
		{"BackgroundNotAColour", func(c *boards.Content) { c.Background = "navy" }, "", "background", `"navy" is not a colour`},
		{"WidgetKindUnknown", func(c *boards.Content) { c.Widgets[2].Kind = "sparkles" }, "", "widgets[2].kind",
			`"sparkles" is not a widget kind; known kinds: bar, clock, equalizer, events, gauge, hitmap, honeycomb, image, pie, stat, status, table, text, timeseries, topn`},
		{"WidgetKindEmpty", func(c *boards.Content) { c.Widgets[2].Kind = "" }, "", "widgets[2].kind", `"" is not a widget kind`},
		{"WidgetKindCaseSensitive", func(c *boards.Content) { c.Widgets[0].Kind = "Stat" }, "", "widgets[0].kind", `"Stat" is not a widget kind`},
		{"WidgetTitleEmpty", func(c *boards.Content) { c.Widgets[0].Title = "" }, "", "", ""},
		{"WidgetTitleAtMaxLength", func(c *boards.Content) { c.Widgets[0].Title = s("t", 200) }, "", "", ""},
		{"WidgetTitleOverMaxLength", func(c *boards.Content) { c.Widgets[1].Title = s("t", 201) }, "", "widgets[1].title",
			"is 201 characters long; at most 200 allowed"},
		{"WidgetTitleTab", func(c *boards.Content) { c.Widgets[1].Title = "a\tb" }, "", "widgets[1].title",
			"contains a control character (U+0009)"},
		{"WidgetConfigNull", func(c *boards.Content) { c.Widgets[2].Config = nil }, "", "", ""},
		{"WidgetConfigUnknownSetting", func(c *boards.Content) { c.Widgets[0].Config = json.RawMessage(`{"colour":"red"}`) }, "",
			"widgets[0].config.colour", "unknown setting for a stat widget; allowed: unit, decimals, color_mode"},
		{"WidgetConfigGaugeRange", func(c *boards.Content) { c.Widgets[2].Config = json.RawMessage(`{"min":10,"max":5}`) }, "",
			"widgets[2].config.max", "must be greater than min (10)"},
		{"WidgetConfigBadTimezone", func(c *boards.Content) { c.Widgets[4].Config = json.RawMessage(`{"timezone":"Mars/Base"}`) }, "",
			"widgets[4].config.timezone", `"Mars/Base" is not a known time zone`},
		{"WidgetConfigNotObject", func(c *boards.Content) { c.Widgets[3].Config = json.RawMessage(`["# hi"]`) }, "",
			"widgets[3].config", "must be a JSON object of text settings"},
		{"WidgetConfigTooLarge", func(c *boards.Content) {
			c.Widgets[3].Config = json.RawMessage(`{"markdown":"` + s("x", widgets.MaxConfigBytes) + `"}`)
		}, errs.TooLarge, "widgets[3].config", "a widget config may be at most 65536 bytes"},

		// variants
		{"NoVariantsGetsDefault", func(c *boards.Content) { c.Variants = nil }, "", "", ""},
		{"VariantsAtMax", func(c *boards.Content) { c.Variants = manyVariants(16) }, "", "", ""},
		{"VariantsOverMax", func(c *boards.Content) { c.Variants = manyVariants(17) }, "", "variants",
			"a board holds at most 16 variants, this one has 17"},
		{"VariantNameEmpty", func(c *boards.Content) { c.Variants[1].Name = "" }, "", "variants[1].name", "is required (1 to 64 characters)"},
		{"VariantNameAtMaxLength", func(c *boards.Content) { c.Variants[1].Name = s("v", 64) }, "", "", ""},
		{"VariantNameOverMaxLength", func(c *boards.Content) { c.Variants[1].Name = s("v", 65) }, "", "variants[1].name",
			"is 65 characters long; at most 64 allowed"},
		{"VariantNameControlCharacter", func(c *boards.Content) { c.Variants[0].Name = "16\r:9" }, "", "variants[0].name",
			"contains a control character (U+000D)"},
		{"VariantNameBlankAfterTrim", func(c *boards.Content) { c.Variants[0].Name = "   " }, "", "variants[0].name",
			"is required"},
		{"VariantNameDuplicateAfterTrim", func(c *boards.Content) { c.Variants[1].Name = "16:9 " }, "", "variants[1].name",
			`"16:9" is already the name of variants[0]; variant names must be unique`},
		{"ConfigOddKeyQuoted", func(c *boards.Content) { c.Widgets[0].Config = json.RawMessage(`{"a b":1}`) }, "", `widgets[0].config["a b"]`,
			"unknown setting"},
		{"VariantNameDuplicate", func(c *boards.Content) { c.Variants[1].Name = "16:9" }, "", "variants[1].name",
			`"16:9" is already the name of variants[0]; variant names must be unique`},
		{"CanvasAtMin", func(c *boards.Content) { c.Variants[0].Canvas = boards.Canvas{Width: 320, Height: 320} }, "", "", ""},
		{"CanvasWidthUnderMin", func(c *boards.Content) { c.Variants[0].Canvas.Width = 319 }, "", "variants[0].canvas.width",
			"is 319 px; a canvas side must be 320 to 32768 px"},
		{"CanvasHeightUnderMin", func(c *boards.Content) { c.Variants[1].Canvas.Height = 319 }, "", "variants[1].canvas.height",
			"is 319 px; a canvas side must be 320 to 32768 px"},
		{"CanvasAtMax", func(c *boards.Content) { c.Variants[1].Canvas = boards.Canvas{Width: 32768, Height: 32768} }, "", "", ""},
		{"CanvasWidthOverMax", func(c *boards.Content) { c.Variants[1].Canvas.Width = 32769 }, "", "variants[1].canvas.width",
			"is 32769 px; a canvas side must be 320 to 32768 px"},
		{"CanvasHeightOverMax", func(c *boards.Content) { c.Variants[1].Canvas.Height = 32769 }, "", "variants[1].canvas.height",
			"is 32769 px"},
		{"CanvasZero", func(c *boards.Content) { c.Variants[0].Canvas = boards.Canvas{} }, "", "variants[0].canvas.width", "is 0 px"},
		{"CanvasNegative", func(c *boards.Content) { c.Variants[0].Canvas.Height = -1080 }, "", "variants[0].canvas.height", "is -1080 px"},
		{"GridAtMax", func(c *boards.Content) { c.Variants[0].Grid = boards.Grid{Columns: 256, Rows: 256} }, "", "", ""},
		{"GridColumnsOverMax", func(c *boards.Content) { c.Variants[0].Grid.Columns = 257 }, "", "variants[0].grid.columns",
			"is 257; a grid has 1 to 256 columns"},
		{"GridRowsOverMax", func(c *boards.Content) { c.Variants[1].Grid.Rows = 257 }, "", "variants[1].grid.rows",
			"is 257; a grid has 1 to 256 rows"},
		{"GridColumnsZero", func(c *boards.Content) { c.Variants[0].Grid.Columns = 0 }, "", "variants[0].grid.columns",
			"is 0; a grid has 1 to 256 columns"},
		{"GridSingleCell", func(c *boards.Content) {
			c.Variants[0].Grid = boards.Grid{Columns: 1, Rows: 1}
			c.Variants[0].Placements = []boards.Placement{{Widget: "note", X: 0, Y: 0, W: 1, H: 1}}
		}, "", "", ""},

		// placements
		{"PlacementsNone", func(c *boards.Content) { c.Variants[0].Placements = nil }, "", "", ""},
		{"PlacementUnknownWidget", func(c *boards.Content) { c.Variants[0].Placements[2].Widget = "gpu" }, "",
			"variants[0].placements[2].widget", `"gpu" is not the id of a widget on this board`},
		{"PlacementEmptyWidget", func(c *boards.Content) { c.Variants[1].Placements[1].Widget = "" }, "",
			"variants[1].placements[1].widget", `"" is not the id of a widget on this board`},
		{"PlacementDuplicateWidget", func(c *boards.Content) { c.Variants[0].Placements[3].Widget = "cpu" }, "",
			"variants[0].placements[3].widget", `"cpu" is already placed by placements[0]; a widget is placed at most once per variant`},
		{"PlacementsMoreThanWidgets", func(c *boards.Content) {
			c.Variants[0].Placements = append(c.Variants[0].Placements, boards.Placement{Widget: "cpu", X: 0, Y: 20, W: 1, H: 1})
		}, "", "variants[0].placements", "has 6 placements for 5 widgets; each widget is placed at most once per variant"},
		{"PlacementTouchingLastColumn", func(c *boards.Content) { c.Variants[0].Placements[4].X = 40 }, "", "", ""},
		{"PlacementOnePastLastColumn", func(c *boards.Content) { c.Variants[0].Placements[4].X = 41 }, "", "variants[0].placements[4]",
			`"clock" does not fit the 48×27 grid: x=41 w=8 reaches column 49, past the grid's 48 columns`},
		{"PlacementTouchingLastRow", func(c *boards.Content) { c.Variants[1].Placements[1].Y = 40 }, "", "", ""},
		{"PlacementOnePastLastRow", func(c *boards.Content) { c.Variants[1].Placements[1].Y = 41 }, "", "variants[1].placements[1]",
			`"tps" does not fit the 27×48 grid: y=41 h=8 reaches row 49, past the grid's 48 rows`},
		{"PlacementWholeGrid", func(c *boards.Content) {
			c.Variants[1].Placements = []boards.Placement{{Widget: "tps", X: 0, Y: 0, W: 27, H: 48}}
		}, "", "", ""},
		{"PlacementZeroWidth", func(c *boards.Content) { c.Variants[0].Placements[0].W = 0 }, "", "variants[0].placements[0]",
			`"cpu" does not fit the 48×27 grid: size 0×5 is empty: w and h must be at least 1 cell`},
		{"PlacementNegativeHeight", func(c *boards.Content) { c.Variants[0].Placements[0].H = -1 }, "", "variants[0].placements[0]",
			"size 8×-1 is empty"},
		{"PlacementNegativeX", func(c *boards.Content) { c.Variants[0].Placements[1].X = -1 }, "", "variants[0].placements[1]",
			"position x=-1 y=0 is outside the grid: x and y start at 0"},
		{"PlacementNegativeY", func(c *boards.Content) { c.Variants[0].Placements[1].Y = -3 }, "", "variants[0].placements[1]",
			"position x=8 y=-3 is outside the grid"},
		// x+w overflows int: the placement is far outside the grid all the same.
		{"PlacementXOverflowRejected", func(c *boards.Content) {
			c.Variants[0].Placements[4] = boards.Placement{Widget: "clock", X: math.MaxInt, Y: 4, W: 1, H: 4}
		}, "", "variants[0].placements[4]", `"clock" does not fit the 48×27 grid`},
		{"OverlapRejected", func(c *boards.Content) {
			// note moves under tps: its first cell in reading order shared
			// with tps is x=9 y=2.
			c.Variants[0].Placements[3] = boards.Placement{Widget: "note", X: 9, Y: 2, W: 2, H: 2}
		}, "", "variants[0].placements[3]", `"note" overlaps "tps" at x=9 y=2; move it, or set allow_overlap on the board`},
		{"OverlapReportsFirstSharedCell", func(c *boards.Content) {
			// tps after cpu: tps at x=4..19 y=2..9 first meets cpu at x=4 y=2.
			c.Variants[0].Placements = []boards.Placement{
				{Widget: "tps", X: 0, Y: 0, W: 8, H: 5},
				{Widget: "note", X: 20, Y: 20, W: 1, H: 1},
				{Widget: "cpu", X: 4, Y: 2, W: 16, H: 8},
			}
		}, "", "variants[0].placements[2]", `"cpu" overlaps "tps" at x=4 y=2`},
		{"OverlapInSecondVariant", func(c *boards.Content) { c.Variants[1].Placements[1].Y = 4 }, "", "variants[1].placements[1]",
			`"tps" overlaps "cpu" at x=0 y=4`},
		{"OverlapSameCell", func(c *boards.Content) {
			c.Variants[1].Placements = []boards.Placement{{Widget: "cpu", X: 3, Y: 3, W: 1, H: 1}, {Widget: "tps", X: 3, Y: 3, W: 1, H: 1}}
		}, "", "variants[1].placements[1]", `"tps" overlaps "cpu" at x=3 y=3`},
		{"OverlapAllowed", func(c *boards.Content) {
			c.AllowOverlap = true
			c.Variants[0].Placements[3] = boards.Placement{Widget: "note", X: 9, Y: 2, W: 2, H: 2}
			c.Variants[1].Placements[1] = c.Variants[1].Placements[0]
			c.Variants[1].Placements[1].Widget = "tps"
		}, "", "", ""},
		{"OverlapAllowedStillInsideGrid", func(c *boards.Content) {
			c.AllowOverlap = true
			c.Variants[0].Placements[3] = boards.Placement{Widget: "note", X: 47, Y: 2, W: 2, H: 2}
		}, "", "variants[0].placements[3]", "x=47 w=2 reaches column 49, past the grid's 48 columns"},
		{"OverlapAllowedStillOncePerVariant", func(c *boards.Content) {
			c.AllowOverlap = true
			c.Variants[1].Placements[1].Widget = "cpu"
		}, "", "variants[1].placements[1].widget", `"cpu" is already placed by placements[0]`},

		// Rules are checked in order: the first broken one is reported.
		{"FirstErrorWins", func(c *boards.Content) {
			c.Theme = "blue"
			c.Widgets[0].ID = ""
			c.Variants[0].Canvas.Width = 1
		}, "", "theme", `"blue" is not a theme`},
	}
	kinds := widgets.Builtin()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := boardFixture()
			c.mutate(&b)
			b.Normalize()
			err := b.Validate(kinds)
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want no error", err)
				}
				return
			}
			code := c.code
			if code == "" {
				code = errs.Invalid
			}
			assertBoardErr(t, err, code, c.field, c.msg)
		})
	}
}

// TestValidateWithoutNormalize covers what Normalize otherwise fills in.
func TestValidateWithoutNormalize(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(c *boards.Content)
		field  string
		msg    string
	}{
		{"NoVariants", func(c *boards.Content) { c.Variants = nil }, "variants", "a board needs at least one variant"},
		{"EmptyTheme", func(c *boards.Content) { c.Theme = "" }, "theme", `"" is not a theme; use one of: dark, light`},
		{"NoRefresh", func(c *boards.Content) { c.RefreshMS = 0 }, "refresh_ms", "is 0; displays refresh every 100 to 60000 ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := boardFixture()
			c.mutate(&b)
			assertBoardErr(t, b.Validate(widgets.Builtin()), errs.Invalid, c.field, c.msg)
		})
	}
}

// TestRequestPath runs documents through what the handlers do: strict
// decoding, Normalize, Validate.
func TestRequestPath(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		field string // "" when accepted
		msg   string
	}{
		{"MinimalBoard", `{"name":"Ops"}`, "", ""},
		{"FullBoard", `{
			"name": "  Ops  ", "description": "Production\nat a glance", "theme": "light", "allow_overlap": false,
			"widgets": [
				{"id": "cpu", "kind": "stat", "title": "CPU", "config": {"unit": "percent", "decimals": 0, "color_mode": "text"}},
				{"id": "tps", "kind": "timeseries", "config": null},
				{"id": "temp", "kind": "gauge", "config": {"min": -20, "max": 60}},
				{"id": "note", "kind": "text", "config": {"markdown": "# On call", "align": "center"}},
				{"id": "clock", "kind": "clock"}
			],
			"variants": [
				{"name": "16:9", "canvas": {"width": 1920, "height": 1080}, "grid": {"columns": 48, "rows": 27},
				 "placements": [{"widget": "cpu", "x": 0, "y": 0, "w": 8, "h": 5}, {"widget": "tps", "x": 8, "y": 0, "w": 40, "h": 27}]},
				{"name": "wall", "canvas": {"width": 7680, "height": 2160}, "grid": {"columns": 256, "rows": 72}, "placements": null}
			]}`, "", ""},
		{"UnknownPlacementField", `{"name":"a","variants":[{"name":"v","placements":[{"widget":"cpu","x":0,"z":1}]}]}`,
			"variants[0].placements[0].z", "unknown field; allowed here: h, w, widget, x, y"},
		{"CanvasWidthString", `{"name":"a","variants":[{"name":"v","canvas":{"width":1920,"height":1080}},{"name":"w","canvas":{"width":"1920"}}]}`,
			"variants[1].canvas.width", "must be a whole number, got a string"},
		{"FractionalCell", `{"name":"a","variants":[{"name":"v","placements":[{"widget":"cpu","x":1.5}]}]}`,
			"variants[0].placements[0].x", "must be a whole number, got 1.5"},
		{"WhitespaceName", `{"name":"   "}`, "name", "is required"},
		{"ConfigArrayFromJSON", `{"name":"a","widgets":[{"id":"cpu","kind":"stat","config":[]}]}`,
			"widgets[0].config", "must be a JSON object of stat settings"},
		{"DefaultVariantBounds", `{"name":"a","widgets":[{"id":"cpu","kind":"stat"}],"variants":[{"name":"v","canvas":{"width":1920,"height":1080},"grid":{"columns":48,"rows":27},"placements":[{"widget":"cpu","x":47,"y":26,"w":2,"h":1}]}]}`,
			"variants[0].placements[0]", "x=47 w=2 reaches column 49"},
		{"MissingCanvas", `{"name":"a","variants":[{"name":"v","grid":{"columns":48,"rows":27}}]}`,
			"variants[0].canvas.width", "is 0 px"},
	}
	kinds := widgets.Builtin()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var content boards.Content
			err := jsonx.Decode([]byte(c.body), &content)
			if err == nil {
				content.Normalize()
				err = content.Validate(kinds)
			}
			if c.field == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			assertBoardErr(t, err, errs.Invalid, c.field, c.msg)
		})
	}
}

func TestPlacementRect(t *testing.T) {
	p := boards.Placement{Widget: "cpu", X: 1, Y: 2, W: 3, H: 4}
	if got, want := p.Rect().String(), "x=1 y=2 w=3 h=4"; got != want {
		t.Fatalf("Rect() = %s, want %s", got, want)
	}
}

func TestNewID(t *testing.T) {
	idRE := regexp.MustCompile(`^[0-9A-Za-z]{12}$`)
	const n = 10000
	seen := make(map[string]bool, n)
	chars := make(map[rune]bool)
	for i := 0; i < n; i++ {
		id := boards.NewID()
		if !idRE.MatchString(id) {
			t.Fatalf("NewID() = %q: want 12 URL-safe characters [0-9A-Za-z]", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q after %d calls", id, i)
		}
		seen[id] = true
		for _, r := range id {
			chars[r] = true
		}
	}
	// 120,000 characters drawn: every one of the 62 turns up.
	if len(chars) != 62 {
		t.Fatalf("NewID used %d distinct characters, want all 62", len(chars))
	}
}
