package jsonx_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/jsonx"
)

type canvas struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

type variant struct {
	Name   string `json:"name"`
	Canvas canvas `json:"canvas"`
}

type widget struct {
	ID     string          `json:"id"`
	Kind   string          `json:"kind"`
	Config json.RawMessage `json:"config"`
}

// doc has one field of every shape Decode walks.
type doc struct {
	Name     string         `json:"name"`
	Count    int            `json:"count"`
	Small    int8           `json:"small"`
	Unsigned uint16         `json:"unsigned"`
	Ratio    float64        `json:"ratio"`
	Ratio32  float32        `json:"ratio32"`
	On       bool           `json:"on"`
	Tags     []string       `json:"tags"`
	Labels   map[string]int `json:"labels"`
	Widgets  []widget       `json:"widgets"`
	Variants []variant      `json:"variants"`
	Ptr      *canvas        `json:"ptr,omitempty"`
	Blob     []byte         `json:"blob"`
	Any      any            `json:"any"`
	When     time.Time      `json:"when"`
	Ignored  string         `json:"-"`
	Untagged string
	hidden   string
}

const docFields = "Untagged, any, blob, count, labels, name, on, ptr, ratio, ratio32, small, tags, unsigned, variants, when, widgets"

// wantInvalid fails unless err is an *errs.Error of code invalid on field
// whose message holds every one of msgs.
func wantInvalid(t *testing.T, err error, field string, msgs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want invalid %q", field)
	}
	e := errs.As(err)
	if e == nil {
		t.Fatalf("error %T %q is not an *errs.Error", err, err)
	}
	if e.Code != errs.Invalid {
		t.Errorf("code = %q, want %q (%v)", e.Code, errs.Invalid, err)
	}
	if e.Field != field {
		t.Errorf("field = %q, want %q (%v)", e.Field, field, err)
	}
	for _, m := range msgs {
		if !strings.Contains(e.Message, m) {
			t.Errorf("message %q does not contain %q", e.Message, m)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		field string
		msgs  []string
	}{
		{"UnknownTopLevelField", `{"name":"a","colour":"red"}`, "colour",
			[]string{"unknown field; allowed here: " + docFields}},
		{"UnknownFieldInArrayElement", `{"widgets":[{"id":"a","kind":"stat","x":1}]}`, "widgets[0].x",
			[]string{"unknown field; allowed here: config, id, kind"}},
		{"UnknownFieldInNestedObject", `{"variants":[{"name":"a"},{"name":"b","canvas":{"width":1,"depth":2}}]}`, "variants[1].canvas.depth",
			[]string{"unknown field; allowed here: height, width"}},
		{"UnknownFieldOddName", `{"we ird":1}`, `["we ird"]`, []string{"unknown field"}},
		{"IgnoredFieldIsUnknown", `{"Ignored":"x"}`, "Ignored", []string{"unknown field"}},
		{"DashFieldIsUnknown", `{"-":"x"}`, "-", []string{"unknown field"}},
		{"UnexportedFieldIsUnknown", `{"hidden":"x"}`, "hidden", []string{"unknown field"}},
		{"KeysAreCaseSensitive", `{"NAME":"x"}`, "NAME", []string{"unknown field"}},
		{"FirstUnknownInKeyOrder", `{"zz":1,"aa":2}`, "aa", []string{"unknown field"}},
		{"WholeNumberGotString",
			`{"variants":[{"name":"a","canvas":{"width":1,"height":2}},{"name":"b","canvas":{"width":"wide"}}]}`,
			"variants[1].canvas.width", []string{"must be a whole number, got a string"}},
		{"WholeNumberGotBoolean", `{"count":true}`, "count", []string{"must be a whole number, got a boolean"}},
		{"FractionIntoInt", `{"count":1.5}`, "count", []string{"must be a whole number, got 1.5"}},
		{"FractionIntoIntInArray", `{"variants":[{"canvas":{"height":1080.25}}]}`, "variants[0].canvas.height",
			[]string{"must be a whole number, got 1080.25"}},
		{"IntOutOfRange", `{"count":9223372036854775808}`, "count", []string{"number 9223372036854775808 is out of range"}},
		{"IntBelowRange", `{"count":-9223372036854775809}`, "count", []string{"number -9223372036854775809 is out of range"}},
		{"Int8OutOfRange", `{"small":128}`, "small", []string{"number 128 is out of range"}},
		{"UintOutOfRange", `{"unsigned":65536}`, "unsigned", []string{"number 65536 is out of range"}},
		{"FloatOutOfRange", `{"ratio":1e400}`, "ratio", []string{"number 1e400 is out of range"}},
		{"NegativeFloatOutOfRange", `{"ratio":-1e400}`, "ratio", []string{"number -1e400 is out of range"}},
		{"Float32OutOfRange", `{"ratio32":1e39}`, "ratio32", []string{"number 1e39 is out of range"}},
		{"NumberGotString", `{"ratio":"0.5"}`, "ratio", []string{"must be a number, got a string"}},
		{"StringGotNumber", `{"name":5}`, "name", []string{"must be a string, got the number 5"}},
		{"ArrayElementWrongType", `{"tags":["a",null,3]}`, "tags[2]", []string{"must be a string, got the number 3"}},
		{"BoolGotString", `{"on":"yes"}`, "on", []string{"must be true or false, got a string"}},
		{"ArrayGotObject", `{"tags":{}}`, "tags", []string{"must be an array, got an object"}},
		{"ObjectGotArray", `{"ptr":[]}`, "ptr", []string{"must be an object, got an array"}},
		{"ObjectGotString", `{"widgets":[{}, "cpu"]}`, "widgets[1]", []string{"must be an object, got a string"}},
		{"TopLevelGotArray", `[1]`, "", []string{"must be an object, got an array"}},
		{"TopLevelGotNumber", `42`, "", []string{"must be an object, got the number 42"}},
		{"BytesGotNumber", `{"blob":5}`, "blob", []string{"must be a base64 string, got the number 5"}},
		{"MapKeyWithSpaceQuoted", `{"labels":{"a b":"x"}}`, `labels["a b"]`, []string{"must be a whole number, got a string"}},
		{"MapKeyWithDotQuoted", `{"labels":{"a.b":1.5}}`, `labels["a.b"]`, []string{"must be a whole number, got 1.5"}},
		{"MapKeyWithQuoteEscaped", `{"labels":{"say \"hi\"":true}}`, `labels["say \"hi\""]`, []string{"got a boolean"}},
		{"MapKeyEmptyQuoted", `{"labels":{"":"x"}}`, `labels[""]`, []string{"got a string"}},
		{"MapKeyPlain", `{"labels":{"cpu_load-1":false}}`, "labels.cpu_load-1", []string{"must be a whole number, got a boolean"}},
		{"MapGotArray", `{"labels":[1]}`, "labels", []string{"must be an object, got an array"}},
		{"TrailingDocument", `{"name":"a"} {"name":"b"}`, "", []string{"malformed JSON at line 1", "unexpected data after the JSON document"}},
		{"TrailingGarbageOnLaterLine", "{}\n\nx", "", []string{"malformed JSON at line 3, column 1: unexpected data after the JSON document"}},
		{"SyntaxErrorLine", "{\n  \"name\": \"a\",\n  \"count\": ,\n  \"on\": true\n}", "",
			[]string{"malformed JSON at line 3, column ", "invalid character ','"}},
		{"SyntaxErrorTrailingComma", "{\n  \"tags\": [\"a\",]\n}", "", []string{"malformed JSON at line 2, column ", "invalid character ']'"}},
		{"SyntaxErrorBadLiteral", `{"on": tru}`, "", []string{"malformed JSON at line 1", "in literal true"}},
		{"DocumentEndsEarly", "{\n  \"name\": \"a\",\n", "", []string{"malformed JSON at line 3, column 1: the document ends too early"}},
		{"DocumentEndsInString", `{"name":"a`, "", []string{"malformed JSON at line 1, column 11: the document ends too early"}},
		{"EmptyBody", "", "", []string{"the request body is empty: send a JSON document"}},
		{"WhitespaceBody", " \n\t\r\n ", "", []string{"the request body is empty"}},
		// A duplicate key whose first value has the wrong type passes the walk
		// (which sees the last value) and is caught by encoding/json itself.
		{"DuplicateKeyFirstValueWrong", `{"count":"a","count":5}`, "count", []string{"must be a whole number"}},
		{"DuplicateKeyLastValueWrong", `{"count":5,"count":"a"}`, "count", []string{"must be a whole number, got a string"}},
		{"CustomUnmarshalerError", `{"when":"yesterday"}`, "", []string{"invalid value:", "yesterday"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			wantInvalid(t, jsonx.Decode([]byte(c.in), &d), c.field, c.msgs...)
		})
	}
}

// TestSyntaxErrorColumn checks that the column of a syntax error is the
// column of the offending character, as an editor shows it (1-based).
func TestSyntaxErrorColumn(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want string
	}{
		// The ',' is the 12th character of line 3.
		{"MultiLine", "{\n  \"name\": \"a\",\n  \"count\": ,\n  \"on\": true\n}", "line 3, column 12:"},
		// The '}' is the 11th character.
		{"SingleLine", `{"on": tru}`, "line 1, column 11:"},
		{"FirstLine", `x`, "line 1, column 1:"},
		// The 'x' is the 4th character.
		{"TrailingGarbage", `{} x`, "line 1, column 4:"},
		// The second document starts at the 14th character.
		{"TrailingDocument", `{"name":"a"} {"name":"b"}`, "line 1, column 14:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			wantInvalid(t, jsonx.Decode([]byte(c.in), &d), "", "malformed JSON at "+c.want)
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name string
		in   string
		want doc
	}{
		{"EmptyObject", `{}`, doc{}},
		{"TopLevelNull", `null`, doc{}},
		{"NullEverywhere", `{"name":null,"count":null,"on":null,"tags":null,"labels":null,"ptr":null,"widgets":[null],"blob":null,"any":null,"when":null}`,
			doc{Widgets: []widget{{}}}},
		{"NullInsideArray", `{"tags":["a",null]}`, doc{Tags: []string{"a", ""}}},
		{"Boundaries", `{"count":-9223372036854775808,"small":-128,"unsigned":65535,"ratio":1.7976931348623157e308,"ratio32":-3.4e38}`,
			doc{Count: -9223372036854775808, Small: -128, Unsigned: 65535, Ratio: 1.7976931348623157e308, Ratio32: -3.4e38}},
		{"NegativeZeroAndExponentFloat", `{"count":-0,"ratio":-2.5e-3}`, doc{Ratio: -2.5e-3}},
		{"Nested", `{"name":"ops","on":true,"tags":["a","b"],"labels":{"a b":1,"c":2},"variants":[{"name":"v","canvas":{"width":1920,"height":1080}}],"ptr":{"width":3}}`,
			doc{Name: "ops", On: true, Tags: []string{"a", "b"}, Labels: map[string]int{"a b": 1, "c": 2},
				Variants: []variant{{Name: "v", Canvas: canvas{Width: 1920, Height: 1080}}}, Ptr: &canvas{Width: 3}}},
		{"UntaggedUsesGoName", `{"Untagged":"x"}`, doc{Untagged: "x"}},
		{"Base64Bytes", `{"blob":"aGk="}`, doc{Blob: []byte("hi")}},
		{"AnyHoldsAnything", `{"any":{"a":[1,"b",null,true]}}`, doc{Any: map[string]any{"a": []any{1.0, "b", nil, true}}}},
		{"CustomUnmarshaler", `{"when":"2024-01-02T03:04:05Z"}`, doc{When: when}},
		{"SurroundingWhitespace", " \n {\"name\":\"a\"} \n\t", doc{Name: "a"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			if err := jsonx.Decode([]byte(c.in), &d); err != nil {
				t.Fatalf("Decode(%s) = %v, want no error", c.in, err)
			}
			got, _ := json.Marshal(d)
			want, _ := json.Marshal(c.want)
			if !bytes.Equal(got, want) {
				t.Fatalf("Decode(%s) gave\n%s\nwant\n%s", c.in, got, want)
			}
		})
	}
}

// TestRawMessageAcceptsAnything checks that a json.RawMessage field takes
// any JSON value unchecked and keeps its bytes.
func TestRawMessageAcceptsAnything(t *testing.T) {
	cases := []struct {
		name   string
		config string
	}{
		{"Object", `{"deep":[1,{"x":null}],"y":"z","unknown field":1.5}`},
		{"Array", `[1,"two",{"three":3}]`},
		{"String", `"text"`},
		{"Number", `1e400`},
		{"Fraction", `0.25`},
		{"Bool", `false`},
		{"Null", `null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			in := `{"widgets":[{"id":"a","kind":"stat","config":` + c.config + `}]}`
			if err := jsonx.Decode([]byte(in), &d); err != nil {
				t.Fatalf("Decode(%s) = %v, want no error", in, err)
			}
			if len(d.Widgets) != 1 || string(d.Widgets[0].Config) != c.config {
				t.Fatalf("config = %q, want %q", d.Widgets[0].Config, c.config)
			}
		})
	}
}

// Meta is exported so that encoding/json can allocate it through a pointer.
type Meta struct {
	Rev int `json:"rev"`
}

type meta struct {
	ID string `json:"id"`
}

type withEmbedded struct {
	meta
	*Meta
	Name string `json:"name"`
}

type shadowing struct {
	meta
	ID int `json:"id"` // shadows meta.ID, as in encoding/json
}

type taggedEmbedded struct {
	Meta `json:"meta"`
}

func TestEmbeddedStructs(t *testing.T) {
	t.Run("PromotedFieldsAccepted", func(t *testing.T) {
		var v withEmbedded
		if err := jsonx.Decode([]byte(`{"id":"b1","rev":7,"name":"ops"}`), &v); err != nil {
			t.Fatalf("Decode = %v, want no error", err)
		}
		if v.ID != "b1" || v.Meta == nil || v.Rev != 7 || v.Name != "ops" {
			t.Fatalf("decoded %+v (Meta %+v)", v, v.Meta)
		}
	})
	t.Run("PromotedFieldsListedAsAllowed", func(t *testing.T) {
		var v withEmbedded
		wantInvalid(t, jsonx.Decode([]byte(`{"meta":{}}`), &v), "meta", "unknown field; allowed here: id, name, rev")
	})
	t.Run("PromotedFieldTypeChecked", func(t *testing.T) {
		var v withEmbedded
		wantInvalid(t, jsonx.Decode([]byte(`{"rev":"7"}`), &v), "rev", "must be a whole number, got a string")
	})
	t.Run("OuterFieldShadowsEmbedded", func(t *testing.T) {
		var v shadowing
		wantInvalid(t, jsonx.Decode([]byte(`{"id":"x"}`), &v), "id", "must be a whole number, got a string")
		if err := jsonx.Decode([]byte(`{"id":3}`), &v); err != nil || v.ID != 3 {
			t.Fatalf("Decode = %v, ID %d; want no error, ID 3", err, v.ID)
		}
	})
	t.Run("TaggedEmbeddedIsAField", func(t *testing.T) {
		var v taggedEmbedded
		if err := jsonx.Decode([]byte(`{"meta":{"rev":2}}`), &v); err != nil || v.Rev != 2 {
			t.Fatalf("Decode = %v, Rev %d; want no error, Rev 2", err, v.Rev)
		}
		wantInvalid(t, jsonx.Decode([]byte(`{"rev":2}`), &v), "rev", "unknown field; allowed here: meta")
	})
}

// TestDecodeProgrammingErrors checks that misuse by the caller is not
// reported as the client's fault: the error is not an *errs.Error, so the
// HTTP layer answers "internal error".
func TestDecodeProgrammingErrors(t *testing.T) {
	type withChan struct {
		C chan int `json:"c"`
	}
	cases := []struct {
		name string
		dst  any
		in   string
		msg  string
	}{
		{"NonPointer", doc{}, `{}`, "dst must be a non-nil pointer, got jsonx_test.doc"},
		{"NilPointer", (*doc)(nil), `{}`, "dst must be a non-nil pointer, got *jsonx_test.doc"},
		{"UnsupportedType", &withChan{}, `{"c":1}`, `unsupported destination type chan int at "c"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := jsonx.Decode([]byte(c.in), c.dst)
			if err == nil {
				t.Fatal("no error")
			}
			if errs.CodeOf(err) != errs.Internal {
				t.Errorf("code = %q, want %q", errs.CodeOf(err), errs.Internal)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not contain %q", err, c.msg)
			}
		})
	}
}
