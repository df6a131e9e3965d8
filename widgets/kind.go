// Package widgets knows the kinds of widget a board can hold: each kind's
// config schema, its defaults and its validation. The editor builds its forms
// from the same schema the server validates with.
package widgets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/jsonx"
)

// Limits of a widget config.
const (
	MaxConfigBytes  = 64 << 10 // one widget's config as JSON: room for long markdown
	MaxStringLength = 1000     // characters in a string field unless the field says otherwise
)

// FieldType is the type of one config field.
type FieldType string

// Field types.
const (
	TypeString   FieldType = "string"   // one line of text
	TypeText     FieldType = "text"     // multi-line text (markdown)
	TypeNumber   FieldType = "number"   // any finite number
	TypeInteger  FieldType = "integer"  // a whole number
	TypeBoolean  FieldType = "boolean"  // true or false
	TypeEnum     FieldType = "enum"     // one of Enum
	TypeColor    FieldType = "color"    // #rgb, #rrggbb or #rrggbbaa
	TypeTimezone FieldType = "timezone" // an IANA name such as Europe/Paris, or "" for the display's own
	// TypeThresholds is a list of {value, state} steps; the field named
	// "direction" (higher_is_worse or lower_is_worse) orders them.
	TypeThresholds FieldType = "thresholds"
	// TypeImage is the id of an image uploaded to the server ("" for none).
	TypeImage FieldType = "image"
)

// Field describes one key of a kind's config.
type Field struct {
	Name        string    `json:"name"`
	Label       string    `json:"label"`
	Type        FieldType `json:"type"`
	Description string    `json:"description,omitempty"`
	Default     any       `json:"default,omitempty"`
	Enum        []string  `json:"enum,omitempty"`
	Min         *float64  `json:"min,omitempty"`
	Max         *float64  `json:"max,omitempty"`
	MaxLength   int       `json:"max_length,omitempty"` // characters; 0 means MaxStringLength
}

// Size is a widget's size in grid cells.
type Size struct {
	W int `json:"w"`
	H int `json:"h"`
}

// Kind is one kind of widget.
type Kind struct {
	Name        string  `json:"name"`
	Label       string  `json:"label"`
	Description string  `json:"description"`
	DefaultSize Size    `json:"default_size"` // on the default 48×27 grid
	Fields      []Field `json:"config"`
	// MaxQueries is how many queries a widget of this kind takes (0: it
	// shows no data, like text or a clock).
	MaxQueries int `json:"max_queries"`
	// Chart kinds are drawn by ECharts from the option Option builds; the
	// others by the front end's own components.
	Chart bool `json:"chart"`
	// Check validates combinations of fields once each field is valid on its
	// own; cfg holds the config with defaults applied.
	Check func(cfg map[string]any) error `json:"-"`
	// Expand returns the queries the server runs for a widget, from the ones
	// the user bound (a stat adds its sparkline and previous-period copies).
	// Nil: the bound queries as they are.
	Expand func(cfg Config, qs []Query) []Query `json:"-"`
	// Shape turns the results of the expanded queries into what the display
	// draws and the widget's state. Nil for kinds without data.
	Shape func(cfg Config, in Input) Output `json:"-"`
	// Option builds the ECharts option of a chart kind without its data
	// (axes, styles, thresholds); the data Shape returns merges into it.
	Option func(w Spec, th Theme) (map[string]any, error) `json:"-"`
}

// Defaults returns the config a new widget of this kind starts with.
func (k *Kind) Defaults() map[string]any {
	out := make(map[string]any, len(k.Fields))
	for _, f := range k.Fields {
		if f.Default != nil {
			out[f.Name] = f.Default
		}
	}
	return out
}

// ValidateConfig checks a widget's config (a JSON object, or empty/null for
// all defaults) against the kind's schema. Errors name the config key; the
// caller places them under the widget's path.
func (k *Kind) ValidateConfig(raw json.RawMessage) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	if len(trimmed) > MaxConfigBytes {
		return errs.E(errs.TooLarge, "", "config is %d bytes; a widget config may be at most %d bytes", len(trimmed), MaxConfigBytes)
	}
	if trimmed[0] != '{' {
		return errs.Invalidf("", "must be a JSON object of %s settings", k.Name)
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var cfg map[string]any
	if err := dec.Decode(&cfg); err != nil {
		return errs.Invalidf("", "malformed JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errs.Invalidf("", "malformed JSON: unexpected data after the config object")
	}
	byName := make(map[string]*Field, len(k.Fields))
	for i := range k.Fields {
		byName[k.Fields[i].Name] = &k.Fields[i]
	}
	keys := make([]string, 0, len(cfg))
	for key := range cfg {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		f, ok := byName[key]
		if !ok {
			return errs.Invalidf(jsonx.Join("", key), "unknown setting for a %s widget; allowed: %s", k.Name, k.fieldNames())
		}
		if err := f.validate(cfg[key]); err != nil {
			return errs.Prefix(jsonx.Join("", key), err)
		}
	}
	full := k.withDefaults(cfg)
	if f, ok := byName["thresholds"]; ok && f.Type == TypeThresholds {
		dir, _ := full["direction"].(string)
		if err := checkThresholdOrder(parseThresholds(full["thresholds"], dir)); err != nil {
			return err
		}
	}
	if k.Check != nil {
		return k.Check(full)
	}
	return nil
}

// withDefaults returns cfg over the kind's defaults, numbers as float64 at
// any depth.
func (k *Kind) withDefaults(cfg map[string]any) Config {
	full := Config(normalize(k.Defaults()).(map[string]any))
	for key, v := range cfg {
		if v == nil {
			continue // null means the default
		}
		full[key] = normalize(v)
	}
	return full
}

// normalize turns json.Numbers into float64 and copies maps and slices.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case int:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case []Threshold:
		out := make([]any, len(x))
		for i, t := range x {
			out[i] = map[string]any{"value": t.Value, "state": string(t.State)}
		}
		return out
	}
	return v
}

// ParseConfig validates raw and returns it over the kind's defaults.
func (k *Kind) ParseConfig(raw json.RawMessage) (Config, error) {
	if err := k.ValidateConfig(raw); err != nil {
		return nil, err
	}
	var cfg map[string]any
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && !bytes.Equal(trimmed, []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&cfg); err != nil {
			return nil, errs.Invalidf("", "malformed JSON: %v", err)
		}
	}
	return k.withDefaults(cfg), nil
}

func (k *Kind) fieldNames() string {
	if len(k.Fields) == 0 {
		return "none"
	}
	names := make([]string, len(k.Fields))
	for i, f := range k.Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

var colorRE = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)

func (f *Field) validate(v any) error {
	if v == nil {
		return nil // null means "use the default"
	}
	switch f.Type {
	case TypeString, TypeText:
		s, ok := v.(string)
		if !ok {
			return errs.Invalidf("", "must be a string")
		}
		limit := f.MaxLength
		if limit == 0 {
			limit = MaxStringLength
		}
		if n := utf8.RuneCountInString(s); n > limit {
			return errs.Invalidf("", "is %d characters long; at most %d allowed", n, limit)
		}
		if f.Type == TypeString && strings.ContainsAny(s, "\n\r") {
			return errs.Invalidf("", "must be a single line")
		}
	case TypeNumber, TypeInteger:
		n, ok := v.(json.Number)
		if !ok {
			return errs.Invalidf("", "must be a number")
		}
		x, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(x, 0) {
			return errs.Invalidf("", "number %s is out of range", n)
		}
		if f.Type == TypeInteger && x != math.Trunc(x) {
			return errs.Invalidf("", "must be a whole number, got %s", n)
		}
		if f.Min != nil && x < *f.Min {
			return errs.Invalidf("", "is %s; the minimum is %s", n, num(*f.Min))
		}
		if f.Max != nil && x > *f.Max {
			return errs.Invalidf("", "is %s; the maximum is %s", n, num(*f.Max))
		}
	case TypeBoolean:
		if _, ok := v.(bool); !ok {
			return errs.Invalidf("", "must be true or false")
		}
	case TypeEnum:
		s, ok := v.(string)
		if !ok || !contains(f.Enum, s) {
			quoted := make([]string, len(f.Enum))
			for i, e := range f.Enum {
				quoted[i] = strconv.Quote(e)
			}
			return errs.Invalidf("", "must be one of: %s", strings.Join(quoted, ", "))
		}
	case TypeColor:
		s, ok := v.(string)
		if !ok || !colorRE.MatchString(s) {
			return errs.Invalidf("", "must be a colour written #rgb, #rrggbb or #rrggbbaa")
		}
	case TypeTimezone:
		s, ok := v.(string)
		if !ok {
			return errs.Invalidf("", "must be a string")
		}
		if s == "" {
			return nil
		}
		if s == "Local" || len(s) > 64 {
			return errs.Invalidf("", "%q is not a time zone name; use an IANA name such as Europe/Paris or UTC, or \"\" for the display's own", s)
		}
		if _, err := time.LoadLocation(s); err != nil {
			return errs.Invalidf("", "%q is not a known time zone; use an IANA name such as Europe/Paris or UTC", s)
		}
	case TypeThresholds:
		return validateThresholds(v)
	case TypeImage:
		s, ok := v.(string)
		if !ok || len(s) > 64 || strings.ContainsAny(s, "/?#\\ ") {
			return errs.Invalidf("", "must be the id of an uploaded image (POST /api/v1/images), or \"\" for none")
		}
	default:
		return fmt.Errorf("widgets: field %s has unknown type %q", f.Name, f.Type)
	}
	return nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
