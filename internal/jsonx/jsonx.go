// Package jsonx decodes request bodies strictly and explains what is wrong
// in the user's terms: the path of the offending field ("widgets[2].x"), what
// was expected and what was found, or the line and column of a syntax error.
//
// encoding/json alone reports unknown fields without a path and type errors
// without array indices, so Decode first parses into generic values, walks
// them against the destination type, and only then decodes for real.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/flexboard/flexboard/internal/errs"
)

// Decode parses data, which must hold exactly one JSON value, into dst (a
// non-nil pointer). Unknown object keys, wrong JSON types, fractional or
// out-of-range integers and trailing data are errors of code errs.Invalid
// naming the field.
func Decode(data []byte, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("jsonx.Decode: dst must be a non-nil pointer, got %T", dst)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errs.Invalidf("", "the request body is empty: send a JSON document")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return syntaxError(data, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		off := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
		line, col := position(data, off)
		return errs.Invalidf("", "malformed JSON at line %d, column %d: unexpected data after the JSON document", line, col)
	}
	if err := check(generic, rv.Type().Elem(), ""); err != nil {
		return err
	}
	if err := json.Unmarshal(data, dst); err != nil {
		// check accepts exactly what Unmarshal accepts, except for custom
		// unmarshalers (time.Time and the like), whose errors land here.
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return errs.Invalidf(ute.Field, "must be %s, got %s", describe(ute.Type), article(ute.Value))
		}
		return errs.Invalidf("", "invalid value: %v", err)
	}
	return nil
}

func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(data, se.Offset-1) // Offset is just past the bad byte
		return errs.Invalidf("", "malformed JSON at line %d, column %d: %s", line, col, se.Error())
	}
	if err.Error() == "unexpected EOF" {
		line, col := position(data, int64(len(data)))
		return errs.Invalidf("", "malformed JSON at line %d, column %d: the document ends too early", line, col)
	}
	return errs.Invalidf("", "malformed JSON: %v", err)
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

var (
	unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	rawMessageType  = reflect.TypeOf(json.RawMessage(nil))
)

// check walks the generic value v against type t, as encoding/json would
// fill it, and reports the first mismatch.
func check(v any, t reflect.Type, path string) error {
	if v == nil {
		return nil // null leaves the zero value, as encoding/json does
	}
	if t == rawMessageType || t.Kind() == reflect.Interface {
		return nil
	}
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil // custom decoding: its errors surface from json.Unmarshal
	}
	switch t.Kind() {
	case reflect.Pointer:
		return check(v, t.Elem(), path)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return mismatch(path, t, v)
		}
		fields := structFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys) // report errors in a stable order
		for _, k := range keys {
			f, ok := fields[k]
			if !ok {
				return errs.Invalidf(Join(path, k), "unknown field; allowed here: %s", allowed(fields))
			}
			if err := check(obj[k], f.Type, Join(path, k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return mismatch(path, t, v)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := check(obj[k], t.Elem(), Join(path, k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if _, ok := v.(string); !ok {
				return mismatch(path, t, v)
			}
			return nil
		}
		arr, ok := v.([]any)
		if !ok {
			return mismatch(path, t, v)
		}
		for i, e := range arr {
			if err := check(e, t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	case reflect.String:
		if _, ok := v.(string); !ok {
			return mismatch(path, t, v)
		}
		return nil
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return mismatch(path, t, v)
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		i, err := strconv.ParseInt(string(n), 10, t.Bits())
		if err != nil {
			return intError(path, n, err)
		}
		_ = i
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			return intError(path, n, err)
		}
		return nil
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch(path, t, v)
		}
		f, err := strconv.ParseFloat(string(n), t.Bits())
		if err != nil || math.IsInf(f, 0) {
			return errs.Invalidf(path, "number %s is out of range", n)
		}
		return nil
	}
	return fmt.Errorf("jsonx: unsupported destination type %s at %q", t, path)
}

func intError(path string, n json.Number, err error) error {
	var ne *strconv.NumError
	s := string(n)
	switch {
	case errors.As(err, &ne) && ne.Err == strconv.ErrRange:
		return errs.Invalidf(path, "number %s is out of range", n)
	case strings.HasPrefix(s, "-") && !strings.ContainsAny(s, ".eE"):
		return errs.Invalidf(path, "must be zero or more, got %s", n)
	case strings.ContainsAny(s, "eE") && !strings.Contains(s, "."):
		return errs.Invalidf(path, "must be a whole number written without an exponent, got %s", n)
	}
	return errs.Invalidf(path, "must be a whole number, got %s", n)
}

// article puts "a" or "an" before a JSON type name from encoding/json.
func article(v string) string {
	if v == "" {
		return "nothing"
	}
	if strings.ContainsAny(v[:1], "aeiou") {
		return "an " + v
	}
	return "a " + v
}

func mismatch(path string, t reflect.Type, v any) error {
	return errs.Invalidf(path, "must be %s, got %s", describe(t), jsonKind(v))
}

// describe names a Go type the way a JSON user thinks of it.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + string(x)
	}
	return "null"
}

type field struct {
	Type reflect.Type
}

// structFields lists the JSON keys of t as encoding/json sees them,
// including fields promoted from embedded structs.
func structFields(t reflect.Type) map[string]field {
	out := map[string]field{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range structFields(et) {
					if _, dup := out[k]; !dup {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = field{Type: f.Type}
	}
	return out
}

func allowed(fields map[string]field) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Join appends an object key to a field path ("a.b", or `a["odd key"]` for
// keys that are not plain identifiers), the way Decode names fields.
func Join(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			plain = false
			break
		}
	}
	if !plain {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
