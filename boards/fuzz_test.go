package boards_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/jsonx"
	"github.com/flexboard/flexboard/widgets"
)

// FuzzDecodeBoard feeds request bodies through the handlers' path (strict
// decoding, Normalize, Validate). Nothing may panic; a rejection must be a
// client error with a message; and a board that is accepted is checked again
// against every documented rule by the plain, separately written code below,
// so that a hole in Validate (or in the geometry it relies on) shows up as an
// accepted board that breaks a rule. The committed corpus in
// testdata/fuzz/FuzzDecodeBoard holds valid boards and near-misses of each
// rule.
func FuzzDecodeBoard(f *testing.F) {
	f.Add([]byte(`{"name":"Ops"}`))
	f.Add([]byte(`{"name":"Ops","widgets":[{"id":"cpu","kind":"stat"}],"variants":[{"name":"v","canvas":{"width":320,"height":320},"grid":{"columns":2,"rows":2},"placements":[{"widget":"cpu","x":1,"y":1,"w":1,"h":1}]}]}`))
	f.Add([]byte(`{"name":"Ops","allow_overlap":true,"widgets":[{"id":"a","kind":"text","config":{"markdown":"x"}},{"id":"b","kind":"clock","config":{"timezone":"UTC"}}],"variants":[{"name":"v","canvas":{"width":1920,"height":1080},"grid":{"columns":4,"rows":4},"placements":[{"widget":"a","x":0,"y":0,"w":4,"h":4},{"widget":"b","x":1,"y":1,"w":2,"h":2}]}]}`))
	f.Add([]byte(`{"name":"Ops","widgets":[{"id":"a","kind":"gauge","config":{"min":1,"max":0}}]}`))
	kinds := widgets.Builtin()
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > boards.MaxBodyBytes {
			return // the handlers answer 413 before decoding
		}
		var c boards.Content
		err := jsonx.Decode(body, &c)
		if err == nil {
			c.Normalize()
			err = c.Validate(kinds)
		}
		if err != nil {
			e := errs.As(err)
			if e == nil {
				t.Fatalf("rejected with %T %q, want an *errs.Error", err, err)
			}
			if e.Code != errs.Invalid && e.Code != errs.TooLarge {
				t.Fatalf("rejected with code %q (%v), want invalid or too_large", e.Code, err)
			}
			if strings.TrimSpace(e.Message) == "" {
				t.Fatalf("rejected with an empty message (field %q)", e.Field)
			}
			return
		}
		if why := fuzzBreaksRule(&c); why != "" {
			t.Fatalf("accepted a board that breaks a rule: %s", why)
		}
		// What is stored is sent back to editors: it must come back in.
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal accepted board: %v", err)
		}
		var again boards.Content
		if err := jsonx.Decode(out, &again); err != nil {
			t.Fatalf("accepted board does not decode again: %v\n%s", err, out)
		}
		again.Normalize()
		if err := again.Validate(kinds); err != nil {
			t.Fatalf("accepted board is rejected once re-encoded: %v\n%s", err, out)
		}
	})
}

// The rules of docs/api.md, restated independently of boards and widgets.
var (
	fuzzThemes = map[string]bool{"dark": true, "light": true}
	fuzzUnits  = map[string]bool{"": true, "short": true, "percent": true, "ms": true, "s": true, "bytes": true, "bits/s": true, "req/s": true}
	// fuzzSettings: the kinds issue #5 names, each with its schema's keys
	// (the values of the keys below are checked independently).
	fuzzSettings = func() map[string]map[string]bool {
		out := map[string]map[string]bool{}
		reg := widgets.Builtin()
		for _, name := range []string{"timeseries", "bar", "pie", "gauge", "stat", "table", "topn", "honeycomb", "hitmap",
			"equalizer", "events", "status", "text", "clock", "image"} {
			out[name] = map[string]bool{}
			if k := reg.Lookup(name); k != nil {
				for _, f := range k.Fields {
					out[name][f.Name] = true
				}
			}
		}
		return out
	}()
	fuzzEnums = map[string]map[string]bool{
		"color_mode": {"background": true, "text": true},
		"style":      {"line": true, "area": true, "stacked": true},
		"align":      {"left": true, "center": true, "right": true},
		"format":     {"24h": true, "12h": true},
		"unit":       fuzzUnits,
	}
)

// fuzzBreaksRule returns the first rule c breaks, or "".
func fuzzBreaksRule(c *boards.Content) string {
	if why := fuzzText(c.Name, 1, 200, false); why != "" {
		return "name " + why
	}
	if c.Name != strings.TrimSpace(c.Name) {
		return fmt.Sprintf("name %q is not trimmed", c.Name)
	}
	if why := fuzzText(c.Description, 0, 2000, true); why != "" {
		return "description " + why
	}
	if !fuzzThemes[c.Theme] {
		return fmt.Sprintf("theme %q", c.Theme)
	}
	if len(c.Widgets) > 500 {
		return fmt.Sprintf("%d widgets", len(c.Widgets))
	}
	kindOf := map[string]string{}
	for i, w := range c.Widgets {
		if !fuzzWidgetID(w.ID) {
			return fmt.Sprintf("widgets[%d].id %q", i, w.ID)
		}
		for j := 0; j < i; j++ {
			if c.Widgets[j].ID == w.ID {
				return fmt.Sprintf("widgets[%d] and widgets[%d] share id %q", j, i, w.ID)
			}
		}
		if fuzzSettings[w.Kind] == nil {
			return fmt.Sprintf("widgets[%d].kind %q", i, w.Kind)
		}
		if why := fuzzText(w.Title, 0, 200, false); why != "" {
			return fmt.Sprintf("widgets[%d].title %s", i, why)
		}
		if why := fuzzConfig(w.Kind, w.Config); why != "" {
			return fmt.Sprintf("widgets[%d].config %s", i, why)
		}
		kindOf[w.ID] = w.Kind
	}
	if len(c.Variants) < 1 || len(c.Variants) > 16 {
		return fmt.Sprintf("%d variants", len(c.Variants))
	}
	for i, v := range c.Variants {
		if why := fuzzText(v.Name, 1, 64, false); why != "" {
			return fmt.Sprintf("variants[%d].name %s", i, why)
		}
		for j := 0; j < i; j++ {
			if c.Variants[j].Name == v.Name {
				return fmt.Sprintf("variants[%d] and variants[%d] share name %q", j, i, v.Name)
			}
		}
		if v.Canvas.Width < 320 || v.Canvas.Width > 32768 || v.Canvas.Height < 320 || v.Canvas.Height > 32768 {
			return fmt.Sprintf("variants[%d].canvas %+v", i, v.Canvas)
		}
		cols, rows := v.Grid.Columns, v.Grid.Rows
		if cols < 1 || cols > 256 || rows < 1 || rows > 256 {
			return fmt.Sprintf("variants[%d].grid %+v", i, v.Grid)
		}
		ps := v.Placements
		for k, p := range ps {
			if _, ok := kindOf[p.Widget]; !ok {
				return fmt.Sprintf("variants[%d].placements[%d] places unknown widget %q", i, k, p.Widget)
			}
			// Written without adding, so that no sum can wrap around.
			if p.W < 1 || p.H < 1 || p.X < 0 || p.Y < 0 || p.W > cols || p.H > rows || p.X > cols-p.W || p.Y > rows-p.H {
				return fmt.Sprintf("variants[%d].placements[%d] %+v is outside the %d×%d grid", i, k, p, cols, rows)
			}
			for j := 0; j < k; j++ {
				q := ps[j]
				if q.Widget == p.Widget {
					return fmt.Sprintf("variants[%d] places %q twice", i, p.Widget)
				}
				// Both fit the grid, so these sums are small.
				apart := p.X >= q.X+q.W || q.X >= p.X+p.W || p.Y >= q.Y+q.H || q.Y >= p.Y+p.H
				if !apart && !c.AllowOverlap {
					return fmt.Sprintf("variants[%d].placements[%d] %+v overlaps placements[%d] %+v", i, k, p, j, q)
				}
			}
		}
	}
	return ""
}

// fuzzText checks a length in characters and the absence of control
// characters (C0, DEL, C1), allowing \n \r \t when multiline.
func fuzzText(s string, min, max int, multiline bool) string {
	if !utf8.ValidString(s) {
		return "is not UTF-8"
	}
	n := 0
	for _, r := range s {
		n++
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			if !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
				return fmt.Sprintf("has control character %U", r)
			}
		}
	}
	if n < min || n > max {
		return fmt.Sprintf("has %d characters, want %d to %d", n, min, max)
	}
	return ""
}

func fuzzWidgetID(id string) bool {
	if len(id) < 1 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		alnum := b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
		if !alnum && (i == 0 || b != '-' && b != '_') {
			return false
		}
	}
	return true
}

// fuzzConfig checks one widget's config: an object of at most 64 KiB with
// the kind's settings only, each of the right type and range.
func fuzzConfig(kind string, raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 64<<10 {
		return fmt.Sprintf("is %d bytes", len(raw))
	}
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil || cfg == nil {
		return fmt.Sprintf("%.40q is not an object", raw)
	}
	min, max := 0.0, 100.0
	for key, v := range cfg {
		if !fuzzSettings[kind][key] {
			return fmt.Sprintf("has unknown setting %q", key)
		}
		if v == nil {
			continue
		}
		switch key {
		case "unit", "color_mode", "style", "align", "format":
			if s, ok := v.(string); !ok || !fuzzEnums[key][s] {
				return fmt.Sprintf("%s is %v", key, v)
			}
		case "decimals":
			d, ok := v.(float64)
			if !ok || d < 0 || d > 6 || d != math.Trunc(d) {
				return fmt.Sprintf("decimals is %v", v)
			}
		case "min", "max":
			x, ok := v.(float64)
			if !ok {
				return fmt.Sprintf("%s is %v", key, v)
			}
			if key == "min" {
				min = x
			} else {
				max = x
			}
		case "markdown":
			s, ok := v.(string)
			if !ok || utf8.RuneCountInString(s) > 20000 {
				return "markdown is not a string of at most 20000 characters"
			}
		case "show_seconds", "show_date":
			if _, ok := v.(bool); !ok {
				return fmt.Sprintf("%s is %v", key, v)
			}
		case "timezone":
			s, ok := v.(string)
			if !ok {
				return fmt.Sprintf("timezone is %v", v)
			}
			if s != "" {
				if _, err := time.LoadLocation(s); err != nil || s == "Local" {
					return fmt.Sprintf("timezone %q", s)
				}
			}
		}
	}
	if kind == "gauge" && min >= max {
		return fmt.Sprintf("gauge min %g >= max %g", min, max)
	}
	return ""
}
