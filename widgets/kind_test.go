package widgets_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	_ "time/tzdata" // as in cmd/flexboard: time zones resolve without a system zoneinfo

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/widgets"
)

// wantErr fails unless err is an *errs.Error of code on field whose message
// holds msg.
func wantErr(t *testing.T, err error, code errs.Code, field, msg string) {
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

func TestBuiltinRegistry(t *testing.T) {
	r := widgets.Builtin()
	t.Run("NamesSorted", func(t *testing.T) {
		// Every kind issue #5 lists.
		want := []string{"bar", "clock", "equalizer", "events", "gauge", "hitmap", "honeycomb", "image", "pie", "stat", "status", "table", "text", "timeseries", "topn"}
		if got := r.Names(); !reflect.DeepEqual(got, want) {
			t.Fatalf("Names() = %v, want %v", got, want)
		}
	})
	t.Run("KindsInRegistrationOrder", func(t *testing.T) {
		var got []string
		for _, k := range r.Kinds() {
			got = append(got, k.Name)
		}
		// Chart kinds first, then the others, each once.
		want := r.Names()
		sorted := append([]string(nil), got...)
		sort.Strings(sorted)
		if !reflect.DeepEqual(sorted, want) || !r.Lookup(got[0]).Chart || r.Lookup(got[len(got)-1]).Chart {
			t.Fatalf("Kinds() = %v, want chart kinds then the others, each of %v once", got, want)
		}
	})
	t.Run("KindsIsACopy", func(t *testing.T) {
		ks := r.Kinds()
		ks[0] = nil
		if r.Kinds()[0] == nil {
			t.Fatal("changing the slice from Kinds() changed the registry")
		}
	})
	t.Run("LookupKnown", func(t *testing.T) {
		if k := r.Lookup("gauge"); k == nil || k.Name != "gauge" {
			t.Fatalf("Lookup(gauge) = %v", k)
		}
	})
	t.Run("LookupUnknown", func(t *testing.T) {
		for _, name := range []string{"", "piechart", "Stat", "stat "} {
			if k := r.Lookup(name); k != nil {
				t.Errorf("Lookup(%q) = %v, want nil", name, k.Name)
			}
		}
	})
	t.Run("BuiltinIsFresh", func(t *testing.T) {
		if widgets.Builtin().Lookup("stat") == r.Lookup("stat") {
			t.Fatal("two Builtin() registries share kinds: there must be no global registry")
		}
	})
}

func TestDefaults(t *testing.T) {
	cases := []struct {
		kind string
		want map[string]any
	}{
		{"stat", map[string]any{"unit": "", "decimals": 1.0, "color_mode": "background", "sparkline": "1h", "compare": "1d",
			"thresholds": []widgets.Threshold{}, "direction": "higher_is_worse"}},
		{"timeseries", map[string]any{"style": "line", "unit": "", "decimals": 1.0, "range": "1h", "compare": "off", "legend": true,
			"threshold_style": "lines", "thresholds": []widgets.Threshold{}, "direction": "higher_is_worse"}},
		{"gauge", map[string]any{"min": 0.0, "max": 100.0, "unit": "", "decimals": 0.0,
			"thresholds": []widgets.Threshold{}, "direction": "higher_is_worse"}},
		{"text", map[string]any{"markdown": "", "align": "left"}},
		{"clock", map[string]any{"timezone": "", "format": "24h", "show_seconds": true, "show_date": true}},
	}
	r := widgets.Builtin()
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			k := r.Lookup(c.kind)
			got := k.Defaults()
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Defaults() = %v, want %v", got, c.want)
			}
			// The defaults, sent back as a config, are valid.
			raw, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if err := k.ValidateConfig(raw); err != nil {
				t.Fatalf("ValidateConfig(defaults %s) = %v", raw, err)
			}
			// Each call returns a map of its own.
			got["unit"] = "changed"
			if again := k.Defaults(); !reflect.DeepEqual(again, c.want) {
				t.Fatalf("changing one Defaults() map changed the next: %v", again)
			}
		})
	}
}

func TestDefaultsSkipsFieldsWithoutDefault(t *testing.T) {
	k := &widgets.Kind{Name: "custom", Fields: []widgets.Field{
		{Name: "with", Type: widgets.TypeBoolean, Default: false},
		{Name: "without", Type: widgets.TypeString},
	}}
	want := map[string]any{"with": false}
	if got := k.Defaults(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Defaults() = %v, want %v", got, want)
	}
}

type configCase struct {
	name   string
	kind   string
	config string
	code   errs.Code // "" when the config is valid
	field  string
	msg    string
}

func runConfigCases(t *testing.T, r *widgets.Registry, cases []configCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := r.Lookup(c.kind)
			if k == nil {
				t.Fatalf("no kind %q", c.kind)
			}
			err := k.ValidateConfig(json.RawMessage(c.config))
			if c.code == "" {
				if err != nil {
					t.Fatalf("ValidateConfig(%.80s) = %v, want no error", c.config, err)
				}
				return
			}
			wantErr(t, err, c.code, c.field, c.msg)
		})
	}
}

func TestValidateConfigBuiltin(t *testing.T) {
	inv := errs.Invalid
	longTZ := strings.Repeat("A", 65)
	cases := []configCase{
		// Empty, null and {} mean "all defaults".
		{"EmptyConfig", "stat", ``, "", "", ""},
		{"NullConfig", "stat", `null`, "", "", ""},
		{"NullConfigWithSpaces", "stat", " \n null \t", "", "", ""},
		{"EmptyObject", "gauge", `{}`, "", "", ""},
		{"NullValueMeansDefault", "stat", `{"unit":null,"decimals":null}`, "", "", ""},

		// Config shape.
		{"ConfigArray", "stat", `[1]`, inv, "", "must be a JSON object of stat settings"},
		{"ConfigString", "clock", `"Europe/Paris"`, inv, "", "must be a JSON object of clock settings"},
		{"ConfigNumber", "gauge", `5`, inv, "", "must be a JSON object of gauge settings"},
		{"ConfigMalformed", "stat", `{"unit":`, inv, "", "malformed JSON"},

		// stat
		{"StatAllSettings", "stat", `{"unit":"percent","decimals":2,"color_mode":"text"}`, "", "", ""},
		{"StatUnknownSetting", "stat", `{"unit":"s","colour":"red"}`, inv, "colour",
			"unknown setting for a stat widget; allowed: unit, decimals, color_mode"},
		{"StatEnumBad", "stat", `{"color_mode":"border"}`, inv, "color_mode", "must be one of: \"background\", \"text\""},
		{"StatEnumCaseSensitive", "stat", `{"color_mode":"Text"}`, inv, "color_mode", "must be one of: \"background\", \"text\""},
		{"StatEnumNotString", "stat", `{"color_mode":1}`, inv, "color_mode", "must be one of: \"background\", \"text\""},
		{"StatUnitEmptyIsAllowed", "stat", `{"unit":""}`, "", "", ""},
		{"StatUnitBad", "stat", `{"unit":"furlongs"}`, inv, "unit", "must be one of: \"\", \"short\", \"percent\", \"ratio\", \"ms\", \"s\", \"bytes\", \"bits/s\", \"req/s\""},
		{"StatDecimalsMin", "stat", `{"decimals":0}`, "", "", ""},
		{"StatDecimalsMax", "stat", `{"decimals":6}`, "", "", ""},
		{"StatDecimalsBelowMin", "stat", `{"decimals":-1}`, inv, "decimals", "is -1; the minimum is 0"},
		{"StatDecimalsAboveMax", "stat", `{"decimals":7}`, inv, "decimals", "is 7; the maximum is 6"},
		{"StatDecimalsFraction", "stat", `{"decimals":1.5}`, inv, "decimals", "must be a whole number, got 1.5"},
		{"StatDecimalsWholeWithPoint", "stat", `{"decimals":2.0}`, "", "", ""},
		{"StatDecimalsString", "stat", `{"decimals":"2"}`, inv, "decimals", "must be a number"},
		{"StatDecimalsHuge", "stat", `{"decimals":1e400}`, inv, "decimals", "number 1e400 is out of range"},
		{"StatFirstErrorInKeyOrder", "stat", `{"unit":"x","decimals":9}`, inv, "decimals", "the maximum is 6"},

		// timeseries
		{"TimeseriesAllSettings", "timeseries", `{"style":"stacked","unit":"req/s","decimals":6}`, "", "", ""},
		{"TimeseriesStyleBad", "timeseries", `{"style":"bar"}`, inv, "style", "must be one of: \"line\", \"area\", \"stacked\""},
		{"TimeseriesUnknownSetting", "timeseries", `{"color_mode":"text"}`, inv, "color_mode",
			"unknown setting for a timeseries widget; allowed: style, unit, decimals"},

		// gauge
		{"GaugeRange", "gauge", `{"min":-50,"max":50,"unit":"percent","decimals":2}`, "", "", ""},
		{"GaugeMinBelowDefaultMax", "gauge", `{"min":99.5}`, "", "", ""},
		{"GaugeMaxAboveDefaultMin", "gauge", `{"max":0.001}`, "", "", ""},
		{"GaugeMinEqualsDefaultMax", "gauge", `{"min":100}`, inv, "max", "must be greater than min (100)"},
		{"GaugeMinEqualsMax", "gauge", `{"min":5,"max":5}`, inv, "max", "must be greater than min (5)"},
		{"GaugeMinAboveMax", "gauge", `{"min":10,"max":-10}`, inv, "max", "must be greater than min (10)"},
		{"GaugeMaxAtDefaultMin", "gauge", `{"max":0}`, inv, "max", "must be greater than min (0)"},
		{"GaugeMinNotNumber", "gauge", `{"min":"low"}`, inv, "min", "must be a number"},
		{"GaugeMaxOutOfRange", "gauge", `{"max":1e400}`, inv, "max", "number 1e400 is out of range"},
		{"GaugeFractions", "gauge", `{"min":0.25,"max":0.5}`, "", "", ""},
		// null means "use the default" (Field.validate), so {"max":null} is
		// the same config as {}: min 0, max 100.
		{"GaugeNullMaxMeansDefault", "gauge", `{"max":null}`, "", "", ""},

		// text
		{"TextMarkdown", "text", `{"markdown":"# Title\n\n* one\n* two","align":"center"}`, "", "", ""},
		{"TextMarkdownAtLimit", "text", `{"markdown":"` + strings.Repeat("é", 20000) + `"}`, "", "", ""},
		{"TextMarkdownOverLimit", "text", `{"markdown":"` + strings.Repeat("é", 20001) + `"}`, inv, "markdown",
			"is 20001 characters long; at most 20000 allowed"},
		{"TextMarkdownNotString", "text", `{"markdown":["a"]}`, inv, "markdown", "must be a string"},
		{"TextAlignBad", "text", `{"align":"justify"}`, inv, "align", "must be one of: \"left\", \"center\", \"right\""},
		{"TextUnknownSetting", "text", `{"font":"serif"}`, inv, "font", "unknown setting for a text widget; allowed: markdown, align"},

		// clock
		{"ClockAllSettings", "clock", `{"timezone":"Europe/Paris","format":"12h","show_seconds":false,"show_date":false}`, "", "", ""},
		{"ClockTimezoneUTC", "clock", `{"timezone":"UTC"}`, "", "", ""},
		{"ClockTimezoneEmpty", "clock", `{"timezone":""}`, "", "", ""},
		{"ClockTimezoneMars", "clock", `{"timezone":"Mars/Base"}`, inv, "timezone",
			`"Mars/Base" is not a known time zone; use an IANA name such as Europe/Paris or UTC`},
		{"ClockTimezoneLocal", "clock", `{"timezone":"Local"}`, inv, "timezone", `"Local" is not a time zone name`},
		{"ClockTimezoneTooLong", "clock", `{"timezone":"` + longTZ + `"}`, inv, "timezone", `"` + longTZ + `" is not a time zone name`},
		{"ClockTimezonePath", "clock", `{"timezone":"../../etc/passwd"}`, inv, "timezone", "is not a known time zone"},
		{"ClockTimezoneNotString", "clock", `{"timezone":1}`, inv, "timezone", "must be a string"},
		{"ClockFormatBad", "clock", `{"format":"am/pm"}`, inv, "format", "must be one of: \"24h\", \"12h\""},
		{"ClockBooleanGotString", "clock", `{"show_seconds":"yes"}`, inv, "show_seconds", "must be true or false"},
		{"ClockBooleanGotNumber", "clock", `{"show_date":1}`, inv, "show_date", "must be true or false"},

		// Size.
		{"ConfigAtMaxBytes", "stat", "{" + strings.Repeat(" ", widgets.MaxConfigBytes-2) + "}", "", "", ""},
		{"ConfigOverMaxBytes", "stat", "{" + strings.Repeat(" ", widgets.MaxConfigBytes-1) + "}", errs.TooLarge, "",
			fmt.Sprintf("config is %d bytes; a widget config may be at most %d bytes", widgets.MaxConfigBytes+1, widgets.MaxConfigBytes)},
		{"ConfigAtMaxBytesWithOuterSpace", "stat", "\n  {" + strings.Repeat(" ", widgets.MaxConfigBytes-2) + "}  \n", "", "", ""},
		{"ConfigOverMaxBytesBeforeShape", "stat", "[" + strings.Repeat(" ", widgets.MaxConfigBytes) + "]", errs.TooLarge, "", "at most 65536 bytes"},
	}
	runConfigCases(t, widgets.Builtin(), cases)
}

func fp(x float64) *float64 { return &x }

// customRegistry has a field of every type the built-in kinds leave out or
// use without limits, so that Field.validate is tested through its API.
func customRegistry(checked *map[string]any) *widgets.Registry {
	return widgets.NewRegistry(
		&widgets.Kind{Name: "custom", Fields: []widgets.Field{
			{Name: "label", Type: widgets.TypeString, MaxLength: 5},
			{Name: "line", Type: widgets.TypeString},
			{Name: "notes", Type: widgets.TypeText},
			{Name: "color", Type: widgets.TypeColor, Default: "#000"},
			{Name: "ratio", Type: widgets.TypeNumber, Min: fp(0.5), Max: fp(2.5)},
			{Name: "steps", Type: widgets.TypeInteger, Min: fp(-3)},
			{Name: "on", Type: widgets.TypeBoolean, Default: true},
		}, Check: func(cfg map[string]any) error {
			*checked = cfg
			if cfg["on"] == false && cfg["label"] != nil {
				return errs.Invalidf("label", "must be empty when off")
			}
			return nil
		}},
		&widgets.Kind{Name: "empty"},
		&widgets.Kind{Name: "broken", Fields: []widgets.Field{{Name: "x", Type: "weird"}}},
	)
}

func TestValidateConfigFieldTypes(t *testing.T) {
	inv := errs.Invalid
	var checked map[string]any
	r := customRegistry(&checked)
	const colour = "must be a colour written #rgb, #rrggbb or #rrggbbaa"
	cases := []configCase{
		{"StringAtMaxLength", "custom", `{"label":"héllo"}`, "", "", ""},
		{"StringOverMaxLength", "custom", `{"label":"héllo!"}`, inv, "label", "is 6 characters long; at most 5 allowed"},
		{"StringDefaultLimit", "custom", `{"line":"` + strings.Repeat("x", widgets.MaxStringLength) + `"}`, "", "", ""},
		{"StringOverDefaultLimit", "custom", `{"line":"` + strings.Repeat("x", widgets.MaxStringLength+1) + `"}`, inv, "line",
			"is 1001 characters long; at most 1000 allowed"},
		{"StringNewline", "custom", `{"line":"a\nb"}`, inv, "line", "must be a single line"},
		{"StringCarriageReturn", "custom", `{"line":"a\rb"}`, inv, "line", "must be a single line"},
		{"StringNotString", "custom", `{"line":true}`, inv, "line", "must be a string"},
		{"TextMultiLine", "custom", `{"notes":"a\nb\r\nc"}`, "", "", ""},
		{"TextOverDefaultLimit", "custom", `{"notes":"` + strings.Repeat("x", widgets.MaxStringLength+1) + `"}`, inv, "notes",
			"at most 1000 allowed"},
		{"ColorShort", "custom", `{"color":"#fff"}`, "", "", ""},
		{"ColorLong", "custom", `{"color":"#A0b1C2"}`, "", "", ""},
		{"ColorAlpha", "custom", `{"color":"#a0b1c2ff"}`, "", "", ""},
		{"ColorNoHash", "custom", `{"color":"fff"}`, inv, "color", colour},
		{"ColorFourDigits", "custom", `{"color":"#ffff"}`, inv, "color", colour},
		{"ColorSevenDigits", "custom", `{"color":"#fffffff"}`, inv, "color", colour},
		{"ColorNotHex", "custom", `{"color":"#ggg"}`, inv, "color", colour},
		{"ColorName", "custom", `{"color":"red"}`, inv, "color", colour},
		{"ColorTrailingNewline", "custom", `{"color":"#fff\n"}`, inv, "color", colour},
		{"ColorNotString", "custom", `{"color":255}`, inv, "color", colour},
		{"NumberAtMin", "custom", `{"ratio":0.5}`, "", "", ""},
		{"NumberAtMax", "custom", `{"ratio":2.5}`, "", "", ""},
		{"NumberFraction", "custom", `{"ratio":1.25}`, "", "", ""},
		{"NumberBelowMin", "custom", `{"ratio":0.4}`, inv, "ratio", "is 0.4; the minimum is 0.5"},
		{"NumberAboveMax", "custom", `{"ratio":2.6}`, inv, "ratio", "is 2.6; the maximum is 2.5"},
		{"NumberExponent", "custom", `{"ratio":2e0}`, "", "", ""},
		{"IntegerNoMax", "custom", `{"steps":1e15}`, "", "", ""},
		{"IntegerBelowMin", "custom", `{"steps":-4}`, inv, "steps", "is -4; the minimum is -3"},
		{"IntegerFraction", "custom", `{"steps":0.5}`, inv, "steps", "must be a whole number, got 0.5"},
		{"CheckError", "custom", `{"on":false,"label":"x"}`, inv, "label", "must be empty when off"},
		{"NoFields", "empty", `{"x":1}`, inv, "x", "unknown setting for a empty widget; allowed: none"},
		{"NoFieldsEmptyObject", "empty", `{}`, "", "", ""},
	}
	runConfigCases(t, r, cases)

	t.Run("CheckSeesDefaultsAndFloats", func(t *testing.T) {
		checked = nil
		if err := r.Lookup("custom").ValidateConfig(json.RawMessage(`{"ratio":2,"label":"ab"}`)); err != nil {
			t.Fatalf("ValidateConfig = %v", err)
		}
		want := map[string]any{"color": "#000", "on": true, "ratio": 2.0, "label": "ab"}
		if !reflect.DeepEqual(checked, want) {
			t.Fatalf("Check got %v, want %v", checked, want)
		}
	})
	t.Run("UnknownFieldTypeIsProgrammingError", func(t *testing.T) {
		err := r.Lookup("broken").ValidateConfig(json.RawMessage(`{"x":1}`))
		if err == nil {
			t.Fatal("no error")
		}
		if errs.CodeOf(err) != errs.Internal {
			t.Errorf("code = %q, want %q: a bad schema is not the client's fault", errs.CodeOf(err), errs.Internal)
		}
		if want := `widgets: field x has unknown type "weird"`; err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
	})
	t.Run("NullFieldSkipsTypeCheck", func(t *testing.T) {
		if err := r.Lookup("broken").ValidateConfig(json.RawMessage(`{"x":null}`)); err != nil {
			t.Fatalf("ValidateConfig = %v, want no error: null means the default", err)
		}
	})
}

func TestNewRegistry(t *testing.T) {
	t.Run("NamesSorted", func(t *testing.T) {
		r := widgets.NewRegistry(&widgets.Kind{Name: "b"}, &widgets.Kind{Name: "c"}, &widgets.Kind{Name: "a"})
		if got, want := r.Names(), []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Names() = %v, want %v", got, want)
		}
		if got := r.Kinds(); len(got) != 3 || got[0].Name != "b" || got[2].Name != "a" {
			t.Fatalf("Kinds() not in registration order: %v", got)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		r := widgets.NewRegistry()
		if got := r.Names(); len(got) != 0 {
			t.Fatalf("Names() = %v, want none", got)
		}
		if r.Lookup("stat") != nil {
			t.Fatal("Lookup in an empty registry found a kind")
		}
	})
	panics := []struct {
		name  string
		kinds []*widgets.Kind
		want  string
	}{
		{"DuplicatePanics", []*widgets.Kind{{Name: "stat"}, {Name: "gauge"}, {Name: "stat"}}, `widgets: kind "stat" registered twice`},
		{"NamelessPanics", []*widgets.Kind{{Name: "stat"}, {}}, "widgets: kind without a name"},
	}
	for _, c := range panics {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				got := recover()
				if got != c.want {
					t.Fatalf("panic = %v, want %q", got, c.want)
				}
			}()
			widgets.NewRegistry(c.kinds...)
		})
	}
}

// TestKindJSON checks the schema the editor builds its forms from.
func TestKindJSON(t *testing.T) {
	raw, err := json.Marshal(widgets.Builtin().Lookup("stat"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Name        string           `json:"name"`
		DefaultSize widgets.Size     `json:"default_size"`
		Config      []map[string]any `json:"config"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "stat" || got.DefaultSize != (widgets.Size{W: 8, H: 5}) || len(got.Config) != 7 {
		t.Fatalf("stat as JSON = %s", raw)
	}
	decimals := got.Config[1]
	if decimals["name"] != "decimals" || decimals["type"] != "integer" || decimals["min"] != 0.0 || decimals["max"] != 6.0 {
		t.Fatalf("decimals as JSON = %v", decimals)
	}
	if strings.Contains(string(raw), "Check") {
		t.Fatalf("the Check func leaked into JSON: %s", raw)
	}
}
