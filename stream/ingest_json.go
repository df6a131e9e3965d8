package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flexboard/flexboard/widgets"
)

// ParseJSON parses Flexboard's JSON ingest body:
//
//	{"points": [{"metric": "cpu", "labels": {"host": "a"}, "value": 0.5, "ts": 1700000000000}],
//	 "transactions": [{"service": "api", "labels": {}, "ts": 0, "elapsed_ms": 12.5, "error": false}],
//	 "events": [{"ts": 0, "severity": "warning", "source": "deploy", "object": "checkout", "message": "v2.3 rolling out"}]}
//
// ts is unix milliseconds, absent or 0 for now. A body that is not JSON, not
// an object, or has another top-level key is rejected whole, before any item
// reaches the Appender. Otherwise each item stands alone: a bad one is
// rejected with the line it starts on and its path ("points[3].value: must
// be a number") and the others are kept.
func ParseJSON(body []byte, app Appender, res *ParseResult) {
	p := jsonIngestParser{body: body, app: app, res: res, lineNo: 1}
	p.run()
}

// jsonIngestParser holds the state of one ParseJSON call.
//
// encoding/json checks the body once (json.Valid); the items are then read
// by walking the checked text, which costs a fraction of an Unmarshal per
// item and keeps the fields in their order. encoding/json still decodes
// strings that have escapes or invalid UTF-8, and explains syntax errors.
type jsonIngestParser struct {
	body []byte
	app  Appender
	res  *ParseResult

	lineOff, lineNo int // line lineNo starts at or before lineOff, for lineAt

	scratch []byte // decoded strings of the current item
	labels  []LabelPair
	sample  Sample
	tx      Transaction
	ev      widgets.Event
}

// jsonIngestItem locates one element of "points" or "transactions". Items
// are collected while the top level is checked and only then parsed, so a
// body with a bad top level stores nothing.
type jsonIngestItem struct {
	tx         bool
	event      bool
	index      int
	start, end int
}

// jsonIngestFields are the fields of each kind of item, for messages.
const (
	jsonIngestPointFields = "metric, labels, value, ts"
	jsonIngestTxFields    = "service, labels, ts, elapsed_ms, error"
	jsonIngestEventFields = "ts, severity, source, object, message"
)

func (p *jsonIngestParser) run() {
	b := p.body
	i := jsonIngestSpace(b, 0)
	if i == len(b) {
		return
	}
	if !json.Valid(b) {
		p.fail()
		return
	}
	if b[i] != '{' {
		p.failAt(i, `the body must be a JSON object: {"points":[...],"transactions":[...]}`)
		return
	}
	var items []jsonIngestItem
	for obj := (jsonIngestObject{b: b, i: i}); ; {
		key, value, ok := obj.next()
		if !ok {
			break
		}
		name := jsonIngestName(key)
		if string(name) != "points" && string(name) != "transactions" && string(name) != "events" {
			p.failAt(obj.keyAt, fmt.Sprintf(`unknown field %q: the body has "points", "transactions" and "events"`, name))
			return
		}
		if string(value) == "null" {
			continue
		}
		if value[0] != '[' {
			p.failAt(obj.valueAt, string(name)+": must be an array")
			return
		}
		tx, event := string(name) == "transactions", string(name) == "events"
		for j, n := jsonIngestSpace(b, obj.valueAt+1), 0; b[j] != ']'; n++ {
			end := jsonIngestValueEnd(b, j)
			items = append(items, jsonIngestItem{tx: tx, event: event, index: n, start: j, end: end})
			j = jsonIngestSpace(b, end)
			if b[j] == ',' {
				j = jsonIngestSpace(b, j+1)
			}
		}
	}

	before := p.res.Rejected
	parsed := false
	for _, it := range items {
		line := p.lineAt(it.start)
		var err error
		switch {
		case it.event:
			err = p.event(it)
		case it.tx:
			err = p.transaction(it)
		default:
			err = p.point(it)
		}
		if err != nil {
			p.res.Reject(line, err)
			continue
		}
		parsed = true
		switch {
		case it.event:
			ea, ok := p.app.(EventAppender)
			if !ok {
				err = p.errorf(it, "", "this endpoint does not keep events")
			} else {
				err = ea.AppendEvent(&p.ev)
			}
		case it.tx:
			err = p.app.AppendTransaction(&p.tx)
		default:
			err = p.app.AppendSample(&p.sample)
		}
		if err != nil {
			p.res.Reject(line, err)
			continue
		}
		p.res.Accepted++
	}
	if !parsed && p.res.Rejected > before {
		p.res.Unparsable = true
	}
}

// point parses a "points" item into p.sample.
func (p *jsonIngestParser) point(it jsonIngestItem) error {
	b := p.body[it.start:it.end]
	if b[0] != '{' {
		return p.errorf(it, "", "must be an object")
	}
	var metric, labels, value, ts []byte
	for obj := (jsonIngestObject{b: b}); ; {
		key, v, ok := obj.next()
		if !ok {
			break
		}
		switch name := jsonIngestName(key); string(name) {
		case "metric":
			metric = v
		case "labels":
			labels = v
		case "value":
			value = v
		case "ts":
			ts = v
		default:
			return p.errorf(it, "", fmt.Sprintf("unknown field %q; expected %s", name, jsonIngestPointFields))
		}
	}
	s := &p.sample
	p.scratch = p.scratch[:0]
	if metric == nil {
		return p.errorf(it, "metric", "required")
	}
	if metric[0] != '"' {
		return p.errorf(it, "metric", "must be a string")
	}
	p.scratch, _ = jsonIngestString(metric, p.scratch)
	n := len(p.scratch)
	if err := p.readLabels(it, labels); err != nil {
		return err
	}
	// Taken after the labels: p.scratch may have moved as it grew.
	s.Metric, s.Labels = p.scratch[:n], p.labels
	if value == nil {
		return p.errorf(it, "value", "required")
	}
	var err error
	if s.Value, err = jsonIngestNumber(value); err != nil {
		return p.errorf(it, "value", err.Error())
	}
	s.TS, err = p.ts(it, ts)
	return err
}

// transaction parses a "transactions" item into p.tx.
func (p *jsonIngestParser) transaction(it jsonIngestItem) error {
	b := p.body[it.start:it.end]
	if b[0] != '{' {
		return p.errorf(it, "", "must be an object")
	}
	var service, labels, ts, elapsed, isErr []byte
	for obj := (jsonIngestObject{b: b}); ; {
		key, v, ok := obj.next()
		if !ok {
			break
		}
		switch name := jsonIngestName(key); string(name) {
		case "service":
			service = v
		case "labels":
			labels = v
		case "ts":
			ts = v
		case "elapsed_ms":
			elapsed = v
		case "error":
			isErr = v
		default:
			return p.errorf(it, "", fmt.Sprintf("unknown field %q; expected %s", name, jsonIngestTxFields))
		}
	}
	t := &p.tx
	p.scratch = p.scratch[:0]
	if service == nil {
		return p.errorf(it, "service", "required")
	}
	if service[0] != '"' {
		return p.errorf(it, "service", "must be a string")
	}
	t.Service = string(jsonIngestName(service))
	if t.Service == "" {
		return p.errorf(it, "service", "must not be empty")
	}
	if err := p.readLabels(it, labels); err != nil {
		return err
	}
	t.Labels = p.labels
	var err error
	if t.TS, err = p.ts(it, ts); err != nil {
		return err
	}
	if elapsed == nil {
		return p.errorf(it, "elapsed_ms", "required")
	}
	if t.ElapsedMS, err = jsonIngestNumber(elapsed); err != nil || t.ElapsedMS < 0 {
		return p.errorf(it, "elapsed_ms", "must be a number >= 0")
	}
	switch string(isErr) {
	case "", "null", "false":
		t.Error = false
	case "true":
		t.Error = true
	default:
		return p.errorf(it, "error", "must be true or false")
	}
	return nil
}

// readLabels parses the optional "labels" object into p.labels, in the
// order of the body; the store sorts and checks them.
func (p *jsonIngestParser) readLabels(it jsonIngestItem, raw []byte) error {
	p.labels = p.labels[:0]
	if raw == nil || string(raw) == "null" {
		return nil
	}
	if raw[0] != '{' {
		return p.errorf(it, "labels", "must be an object of strings")
	}
	// Each label's bytes go to p.scratch; slices taken before it grows stay
	// valid, pointing at the old array.
	for obj := (jsonIngestObject{b: raw}); ; {
		key, v, ok := obj.next()
		if !ok {
			return nil
		}
		n := len(p.scratch)
		p.scratch, _ = jsonIngestString(key, p.scratch)
		k := len(p.scratch)
		if v[0] != '"' {
			return p.errorf(it, "labels"+jsonIngestKey(string(p.scratch[n:k])), "must be a string")
		}
		p.scratch, _ = jsonIngestString(v, p.scratch)
		p.labels = append(p.labels, LabelPair{Name: p.scratch[n:k], Value: p.scratch[k:]})
	}
}

// ts parses the optional "ts": integer unix milliseconds.
func (p *jsonIngestParser) ts(it jsonIngestItem, raw []byte) (int64, error) {
	if raw == nil || string(raw) == "null" {
		return 0, nil
	}
	ts, err := strconv.ParseInt(string(raw), 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, p.errorf(it, "ts", fmt.Sprintf("%s is out of range", raw))
	}
	if err != nil {
		return 0, p.errorf(it, "ts", "must be an integer (unix milliseconds)")
	}
	return ts, nil
}

// jsonIngestNumber parses a JSON number.
func jsonIngestNumber(raw []byte) (float64, error) {
	if raw[0] != '-' && !ingestIsDigit(raw[0]) {
		return 0, errors.New("must be a number")
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, fmt.Errorf("%s is out of range", raw) // the syntax was checked
	}
	return v, nil
}

// jsonIngestString appends the JSON string raw (quotes included) to dst,
// decoded, and returns dst and the decoded part.
func jsonIngestString(raw, dst []byte) ([]byte, []byte) {
	n := len(dst)
	if s := jsonIngestUnquoted(raw); s != nil {
		dst = append(dst, s...)
	} else {
		var s string
		_ = json.Unmarshal(raw, &s) // checked already
		dst = append(dst, s...)
	}
	return dst, dst[n:]
}

// jsonIngestName is the decoded JSON string raw, without allocating when
// decoding changes nothing.
func jsonIngestName(raw []byte) []byte {
	if s := jsonIngestUnquoted(raw); s != nil {
		return s
	}
	_, s := jsonIngestString(raw, nil)
	return s
}

// jsonIngestUnquoted is the content of the checked JSON string raw when
// decoding it would not change it (no escapes, valid UTF-8), else nil.
func jsonIngestUnquoted(raw []byte) []byte {
	s := raw[1 : len(raw)-1]
	if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) {
		return nil
	}
	return s
}

// event parses an "events" item into p.ev. Events are few: encoding/json
// reads them.
func (p *jsonIngestParser) event(it jsonIngestItem) error {
	var e struct {
		TS       *int64  `json:"ts"`
		Severity string  `json:"severity"`
		Source   string  `json:"source"`
		Object   string  `json:"object"`
		Message  *string `json:"message"`
	}
	dec := json.NewDecoder(bytes.NewReader(p.body[it.start:it.end]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return p.errorf(it, "", "must be an object with "+jsonIngestEventFields+" ("+strings.TrimPrefix(err.Error(), "json: ")+")")
	}
	p.ev = widgets.Event{Severity: widgets.State(e.Severity), Title: e.Source, Object: e.Object}
	if e.TS != nil {
		p.ev.TS = *e.TS
	}
	switch p.ev.Severity {
	case "":
		p.ev.Severity = widgets.StateOK
	case widgets.StateOK, widgets.StateWarning, widgets.StateCritical:
	default:
		return p.errorf(it, "severity", `must be "ok", "warning" or "critical"`)
	}
	if e.Message == nil || strings.TrimSpace(*e.Message) == "" {
		return p.errorf(it, "message", "required: what happened")
	}
	p.ev.Message = strings.TrimSpace(*e.Message)
	for _, f := range []struct {
		name, v string
		max     int
	}{{"message", p.ev.Message, MaxEventText}, {"source", p.ev.Title, MaxEventName}, {"object", p.ev.Object, MaxEventName}} {
		if n := utf8.RuneCountInString(f.v); n > f.max {
			return p.errorf(it, f.name, fmt.Sprintf("is %d characters; at most %d", n, f.max))
		}
	}
	return nil
}

// errorf is an item's error: its path, then msg.
func (p *jsonIngestParser) errorf(it jsonIngestItem, field, msg string) error {
	list := "points"
	if it.tx {
		list = "transactions"
	}
	if it.event {
		list = "events"
	}
	if field != "" {
		field = "." + field
	}
	return fmt.Errorf("%s[%d]%s: %s", list, it.index, field, msg)
}

// jsonIngestKey is the path step for a label name: .name, or ["odd name"].
func jsonIngestKey(k string) string {
	if k == "" || strings.IndexFunc(k, func(r rune) bool { return r >= utf8.RuneSelf || !promLabelChar(byte(r)) }) >= 0 {
		return "[" + strconv.Quote(k) + "]"
	}
	return "." + k
}

// fail rejects a body that is not JSON, at the first error.
func (p *jsonIngestParser) fail() {
	var v json.RawMessage
	var syn *json.SyntaxError
	if !errors.As(json.Unmarshal(p.body, &v), &syn) {
		p.unparsable(1, "invalid JSON")
		return
	}
	// Offset counts the byte in error, except at the end of the body.
	off := min(max(int(syn.Offset)-1, 0), len(p.body))
	if strings.HasPrefix(syn.Error(), "unexpected end") {
		off = len(p.body)
	}
	line, col := p.position(off)
	p.unparsable(line, fmt.Sprintf("invalid JSON at column %d: %s", col, syn.Error()))
}

// failAt rejects the whole body for what is at offset off.
func (p *jsonIngestParser) failAt(off int, msg string) {
	line, _ := p.position(off)
	p.unparsable(line, msg)
}

func (p *jsonIngestParser) unparsable(line int, msg string) {
	p.res.Reject(line, errors.New(msg))
	p.res.Unparsable = true
}

// lineAt is the 1-based line of offset off, counted on from the previous
// call: items come in body order.
func (p *jsonIngestParser) lineAt(off int) int {
	if off < p.lineOff {
		p.lineOff, p.lineNo = 0, 1
	}
	p.lineNo += bytes.Count(p.body[p.lineOff:off], []byte{'\n'})
	p.lineOff = off
	return p.lineNo
}

// position is the 1-based line and byte column of offset off.
func (p *jsonIngestParser) position(off int) (line, col int) {
	b := p.body[:off]
	return bytes.Count(b, []byte{'\n'}) + 1, off - bytes.LastIndexByte(b, '\n')
}

// jsonIngestObject walks the members of a JSON object that json.Valid has
// accepted, so it does not check the syntax again.
type jsonIngestObject struct {
	b       []byte
	i       int // offset of the '{', then of what follows the last member
	keyAt   int // offset of the last key returned
	valueAt int // and of its value
}

// next returns the next member's key (with its quotes) and value (raw), or
// false after the last.
func (o *jsonIngestObject) next() (key, value []byte, ok bool) {
	b := o.b
	if b[o.i] == '}' {
		return nil, nil, false
	}
	i := jsonIngestSpace(b, o.i+1) // past the '{' or the ','
	if b[i] == '}' {
		o.i = i
		return nil, nil, false
	}
	o.keyAt = i
	end := jsonIngestStringEnd(b, i)
	key = b[i:end]
	i = jsonIngestSpace(b, end)
	o.valueAt = jsonIngestSpace(b, i+1) // past the ':'
	end = jsonIngestValueEnd(b, o.valueAt)
	value = b[o.valueAt:end]
	o.i = jsonIngestSpace(b, end) // at the ',' or '}'
	return key, value, true
}

// jsonIngestValueEnd returns the offset just past the valid JSON value that
// starts at b[i].
func jsonIngestValueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return jsonIngestStringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = jsonIngestStringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	default: // a number, true, false or null
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// jsonIngestStringEnd returns the offset just past the valid JSON string
// that starts at b[i].
func jsonIngestStringEnd(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// jsonIngestSpace returns the offset of the first byte from i on that is not
// JSON whitespace.
func jsonIngestSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
