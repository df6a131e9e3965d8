package widgets_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/widgets"
)

func TestThresholdStates(t *testing.T) {
	up := widgets.Thresholds{Steps: []widgets.Threshold{{Value: 80, State: "warning"}, {Value: 95, State: "critical"}}}
	down := widgets.Thresholds{LowerIsWorse: true, Steps: []widgets.Threshold{{Value: 20, State: "warning"}, {Value: 5, State: "critical"}}}
	cases := []struct {
		name string
		t    widgets.Thresholds
		v    float64
		want widgets.State
	}{
		{"UpBelow", up, 79.999, "ok"},
		{"UpAtWarning", up, 80, "warning"},
		{"UpBetween", up, 94.9, "warning"},
		{"UpAtCritical", up, 95, "critical"},
		{"UpFarAbove", up, 1e9, "critical"},
		{"UpNegative", up, -5, "ok"},
		{"DownAbove", down, 20.01, "ok"},
		{"DownAtWarning", down, 20, "warning"},
		{"DownBetween", down, 6, "warning"},
		{"DownAtCritical", down, 5, "critical"},
		{"DownZero", down, 0, "critical"},
		{"NaNIsNoData", up, math.NaN(), "nodata"},
		{"NoStepsIsOK", widgets.Thresholds{}, 1e12, "ok"},
		{"OkStepAfterWarning", widgets.Thresholds{Steps: []widgets.Threshold{{Value: 10, State: "warning"}, {Value: 20, State: "ok"}}}, 25, "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.t.StateOf(c.v); got != c.want {
				t.Fatalf("StateOf(%v) = %s, want %s", c.v, got, c.want)
			}
		})
	}
}

func TestThresholdConfig(t *testing.T) {
	stat := widgets.Builtin().Lookup("stat")
	cases := []struct {
		name, config, field, msg string
	}{
		{"Good", `{"thresholds":[{"value":80,"state":"warning"},{"value":95,"state":"critical"}]}`, "", ""},
		{"GoodDown", `{"direction":"lower_is_worse","thresholds":[{"value":20,"state":"warning"},{"value":5,"state":"critical"}]}`, "", ""},
		{"Empty", `{"thresholds":[]}`, "", ""},
		{"NotAList", `{"thresholds":80}`, "thresholds", "must be a list of steps"},
		{"StepNotObject", `{"thresholds":[80]}`, "thresholds[0]", "must be an object"},
		{"NoValue", `{"thresholds":[{"state":"warning"}]}`, "thresholds[0].value", "must be a number"},
		{"BadState", `{"thresholds":[{"value":1,"state":"red"}]}`, "thresholds[0].state", `must be one of: "ok", "warning", "critical"`},
		{"UnknownKey", `{"thresholds":[{"value":1,"state":"ok","color":"red"}]}`, "thresholds[0].color", "unknown key"},
		{"OutOfOrderUp", `{"thresholds":[{"value":80,"state":"warning"},{"value":70,"state":"critical"}]}`, "thresholds[1].value", "is 70, not above the step before (80)"},
		{"EqualSteps", `{"thresholds":[{"value":80,"state":"warning"},{"value":80,"state":"critical"}]}`, "thresholds[1].value", "not above"},
		{"OutOfOrderDown", `{"direction":"lower_is_worse","thresholds":[{"value":5,"state":"warning"},{"value":20,"state":"critical"}]}`, "thresholds[1].value", "is 20, not below the step before (5)"},
		{"BadDirection", `{"direction":"up"}`, "direction", `must be one of: "higher_is_worse", "lower_is_worse"`},
		{"TooMany", `{"thresholds":[` + strings.Repeat(`{"value":1,"state":"ok"},`, 10) + `{"value":1,"state":"ok"}]}`, "thresholds", "has 11 steps; at most 10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := stat.ValidateConfig(json.RawMessage(c.config))
			if c.msg == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			e, ok := err.(*errs.Error)
			if !ok || e.Code != errs.Invalid || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("err = %#v, want invalid %s %q", err, c.field, c.msg)
			}
		})
	}
}

func TestPaletteContrast(t *testing.T) {
	for _, th := range widgets.Themes() {
		for _, s := range widgets.States {
			c, ok := th.States[s]
			if !ok {
				t.Fatalf("%s: no colour for %s", th.Name, s)
			}
			for name, bg := range map[string]string{"background": th.Background, "surface": th.Surface} {
				if r := contrast(c, bg); r < 3 {
					t.Errorf("%s: %s %s on the %s %s: contrast %.2f, want ≥ 3", th.Name, s, c, name, bg, r)
				}
			}
			if r := contrast(th.OnState[s], c); r < 4.5 {
				t.Errorf("%s: text %s on %s %s: contrast %.2f, want ≥ 4.5", th.Name, th.OnState[s], s, c, r)
			}
		}
		if r := contrast(th.Text, th.Surface); r < 7 {
			t.Errorf("%s: text on surface: contrast %.2f, want ≥ 7", th.Name, r)
		}
		if r := contrast(th.Muted, th.Surface); r < 4.5 {
			t.Errorf("%s: muted text on surface: contrast %.2f, want ≥ 4.5", th.Name, r)
		}
	}
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range rgb {
		var v int
		for _, ch := range hex[1+2*i : 3+2*i] {
			v *= 16
			switch {
			case ch >= '0' && ch <= '9':
				v += int(ch - '0')
			case ch >= 'a' && ch <= 'f':
				v += int(ch-'a') + 10
			case ch >= 'A' && ch <= 'F':
				v += int(ch-'A') + 10
			}
		}
		c := float64(v) / 255
		if c <= 0.03928 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}
