package stream

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// ParseInflux parses InfluxDB line protocol:
//
//	measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// Each numeric or boolean field becomes one Sample named
// measurement_field, with the tags as labels; a field called "value" is
// named after the measurement alone ("temp,room=a value=21" is temp), as
// Prometheus' influxdb_exporter does. precision is the unit of the
// timestamps: time.Nanosecond (also when 0), time.Microsecond,
// time.Millisecond or time.Second; they are converted to unix milliseconds by
// integer division. String fields are not stored: each is counted as
// rejected while the other fields of its line are kept.
//
// Metric and label names are made valid Prometheus names: every character
// that [a-zA-Z0-9_:] (labels: [a-zA-Z0-9_]) does not allow, escaped
// separators and non-ASCII runes included, becomes '_', and a name that
// starts with a digit gets a leading '_'. So `disk\ io,dev.id=sda1 r.ops=1`
// gives disk_io_r_ops{dev_id="sda1"}. Tag values are kept as they are, with
// their escapes undone.
func ParseInflux(body []byte, precision time.Duration, app Appender, res *ParseResult) {
	p := influxParser{body: body, app: app, res: res, tsMul: 1, tsDiv: 1}
	p.store, _ = app.(*BatchAppender)
	switch {
	case precision <= 0:
		p.tsDiv = int64(time.Millisecond)
	case precision >= time.Millisecond:
		p.tsMul = int64(precision / time.Millisecond)
	default:
		p.tsDiv = int64(time.Millisecond / precision)
	}
	defer batch(app)()
	p.run()
}

// influxParser holds the state of one ParseInflux call. Its buffers are
// reused from line to line, so a parse allocates only while they grow.
type influxParser struct {
	body  []byte
	app   Appender
	store *BatchAppender // app, when it is the store's: see emit
	res   *ParseResult
	tsMul int64 // timestamp → ms: ts*tsMul/tsDiv, one of them is 1
	tsDiv int64

	line  int // 1-based number of the line being parsed
	start int // offset of the line's first byte, for columns
	end   int // offset just past its content (before "\n" or "\r\n")
	next  int // offset of the next line
	extra int // newlines inside string fields, which belong to this line

	lastRaw []byte // the last valid timestamp as written
	lastTS  int64  // and in ms

	scratch []byte // unescaped and sanitized label bytes of the line
	metric  []byte // "measurement_" followed by one field key at a time
	labels  []LabelPair
	fields  []influxField
	sample  Sample
}

// influxField is a field parsed but not yet handed to the Appender: a line
// with a syntax error anywhere must not store any of its fields.
type influxField struct {
	key   []byte // as written, escapes included
	value float64
	str   bool // a string value: rejected, not stored
}

func (p *influxParser) run() {
	b := p.body
	before := p.res.Rejected
	parsed := false
	line := 1
	for pos := 0; pos < len(b); {
		p.line, p.start, p.extra = line, pos, 0
		p.end, p.next = len(b), len(b)
		if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
			p.end, p.next = pos+i, pos+i+1
		}
		if p.end > pos && b[p.end-1] == '\r' {
			p.end--
		}
		ok, err := p.parseLine()
		switch {
		case err != nil:
			p.res.Reject(line, err)
		case ok:
			parsed = true
			p.emit(line)
		}
		line += 1 + p.extra
		pos = p.next
	}
	if !parsed && p.res.Rejected > before {
		p.res.Unparsable = true
	}
}

// column is the 1-based column of offset i in the current line.
func (p *influxParser) column(i int) int { return i - p.start + 1 }

// parseLine parses the current line into p.metric (the measurement prefix),
// p.labels, p.fields and p.sample.TS. It reports false for blank lines and
// comments.
func (p *influxParser) parseLine() (bool, error) {
	b, end := p.body, p.end
	i := p.start
	for i < end && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i == end || b[i] == '#' {
		return false, nil
	}

	// Measurement.
	j, _ := influxScan(b, i, end, false)
	if j == i {
		return false, fmt.Errorf("missing measurement at column %d", p.column(i))
	}
	p.metric = p.metric[:0]
	if ingestIsDigit(b[i]) {
		p.metric = append(p.metric, '_')
	}
	p.metric = influxAppendName(p.metric, b[i:j], false, true)
	p.metric = append(p.metric, '_')
	i = j

	// Tags.
	p.scratch, p.labels = p.scratch[:0], p.labels[:0]
	for i < end && b[i] == ',' {
		i++
		j, _ = influxScan(b, i, end, true)
		if j == i {
			return false, fmt.Errorf("missing tag key at column %d", p.column(i))
		}
		if j == end || b[j] != '=' {
			return false, fmt.Errorf("expected '=' after tag key %q at column %d", influxUnescape(b[i:j]), p.column(j))
		}
		key := b[i:j]
		i = j + 1
		j, esc := influxScan(b, i, end, false)
		if j == i {
			return false, fmt.Errorf("missing value for tag %q at column %d", influxUnescape(key), p.column(i))
		}
		name := key
		if ingestIsDigit(key[0]) || influxValidPrefix(key, true) < len(key) {
			n := len(p.scratch)
			if ingestIsDigit(key[0]) {
				p.scratch = append(p.scratch, '_')
			}
			p.scratch = influxAppendName(p.scratch, key, true, false)
			name = p.scratch[n:]
		}
		value := b[i:j]
		if esc {
			n := len(p.scratch)
			p.scratch = influxAppendUnescaped(p.scratch, value)
			value = p.scratch[n:]
		}
		p.labels = append(p.labels, LabelPair{Name: name, Value: value})
		i = j
	}
	if i == end {
		return false, fmt.Errorf("missing fields at column %d", p.column(i))
	}
	for i < end && b[i] == ' ' {
		i++
	}
	if i == end {
		return false, fmt.Errorf("missing fields at column %d", p.column(i))
	}

	// Fields.
	p.fields = p.fields[:0]
	for {
		j, _ = influxScan(b, i, end, true)
		if j == i {
			return false, fmt.Errorf("missing field key at column %d", p.column(i))
		}
		if j == end || b[j] != '=' {
			return false, fmt.Errorf("expected '=' after field key %q at column %d", influxUnescape(b[i:j]), p.column(j))
		}
		f := influxField{key: b[i:j]}
		i = j + 1
		if i == end || b[i] == ',' || b[i] == ' ' {
			return false, fmt.Errorf("missing value for field %q at column %d", influxUnescape(f.key), p.column(i))
		}
		if b[i] == '"' {
			j = p.scanString(i)
			if j < 0 {
				return false, fmt.Errorf("unterminated string for field %q at column %d", influxUnescape(f.key), p.column(i))
			}
			f.str = true
			i = j + 1
			end = p.end // a string may have extended the line
		} else {
			j, _ = influxScan(b, i, end, false)
			v, err := influxNumber(b[i:j])
			if err != nil {
				if errors.Is(err, strconv.ErrRange) {
					return false, fmt.Errorf("value %q for field %q is out of range at column %d", b[i:j], influxUnescape(f.key), p.column(i))
				}
				return false, fmt.Errorf("invalid value %q for field %q at column %d", b[i:j], influxUnescape(f.key), p.column(i))
			}
			f.value = v
			i = j
		}
		p.fields = append(p.fields, f)
		if i == end || b[i] == ' ' {
			break
		}
		if b[i] != ',' {
			return false, fmt.Errorf("expected ',' or ' ' after field %q at column %d", influxUnescape(f.key), p.column(i))
		}
		i++
	}

	// Timestamp.
	for i < end && b[i] == ' ' {
		i++
	}
	p.sample.TS = 0
	if i < end {
		j = i
		for j < end && b[j] != ' ' {
			j++
		}
		// Batches share timestamps: parse each new one once.
		ts, err := p.lastTS, error(nil)
		if !bytes.Equal(b[i:j], p.lastRaw) {
			ts, err = strconv.ParseInt(string(b[i:j]), 10, 64)
			if err == nil {
				ts, err = p.millis(ts)
			}
			if err == nil {
				p.lastRaw, p.lastTS = b[i:j], ts
			}
		}
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return false, fmt.Errorf("timestamp %q is out of range at column %d", b[i:j], p.column(i))
			}
			return false, fmt.Errorf("invalid timestamp %q at column %d", b[i:j], p.column(i))
		}
		p.sample.TS = ts
		for i = j; i < end && b[i] == ' '; i++ {
		}
		if i < end {
			return false, fmt.Errorf("unexpected %q after the timestamp at column %d", b[i:end], p.column(i))
		}
	}
	return true, nil
}

// scanString returns the offset of the quote that closes the string field
// value opening at b[i], or -1. As in InfluxDB, a string may span lines:
// then the current line is extended to the end of the line it closes on.
func (p *influxParser) scanString(i int) int {
	b := p.body
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++ // \" and \\; other backslashes are literal and harmless to skip
		case '"':
			if j >= p.end {
				p.extra += bytes.Count(b[p.end:j], []byte{'\n'})
				p.end, p.next = len(b), len(b)
				if k := bytes.IndexByte(b[j:], '\n'); k >= 0 {
					p.end, p.next = j+k, j+k+1
				}
				if p.end > j && b[p.end-1] == '\r' {
					p.end--
				}
			}
			return j
		}
	}
	return -1
}

// millis converts a timestamp in the request's precision to unix ms.
func (p *influxParser) millis(ts int64) (int64, error) {
	if p.tsMul > 1 {
		if ts > math.MaxInt64/p.tsMul || ts < math.MinInt64/p.tsMul {
			return 0, strconv.ErrRange
		}
		return ts * p.tsMul, nil
	}
	return ts / p.tsDiv, nil
}

// emit hands the fields of a parsed line to the Appender. The store's own
// is told when a sample carries the same labels as the one before, so that
// it prepares them once per line.
func (p *influxParser) emit(line int) {
	prefix := len(p.metric)
	s := &p.sample
	same := false
	for _, f := range p.fields {
		if f.str {
			p.res.Reject(line, fmt.Errorf("field %q is a string; only numbers and booleans are stored", influxUnescape(f.key)))
			continue
		}
		if string(f.key) == "value" {
			s.Metric = p.metric[:prefix-1] // without the '_'
		} else {
			p.metric = influxAppendName(p.metric[:prefix], f.key, false, false)
			s.Metric = p.metric
		}
		s.Labels, s.Value = p.labels, f.value
		var err error
		if p.store != nil {
			err = p.store.appendSample(s, same)
			same = true
		} else {
			err = p.app.AppendSample(s)
		}
		if err != nil {
			p.res.Reject(line, err)
			continue
		}
		p.res.Accepted++
	}
}

// influxScan returns the offset of the first ',' or ' ' (and '=' if eq) in
// b[i:end] that no backslash precedes, or end, and whether it passed a
// backslash. As in InfluxDB, a backslash always protects the next byte from
// being a separator, though only some pairs unescape.
func influxScan(b []byte, i, end int, eq bool) (int, bool) {
	esc := false
	for ; i < end; i++ {
		switch b[i] {
		case ',', ' ':
			return i, esc
		case '=':
			if eq {
				return i, esc
			}
		case '\\':
			esc = true
			i++
		}
	}
	return end, esc
}

// influxAppendName appends the tag key, field key or measurement (tag is
// false for the last two) raw to dst as part of a Prometheus name: each
// character not in [a-zA-Z0-9_] (plus ':' in metric names, where label is
// false) becomes one '_', an escape pair ("\ ", "\,", "\=" except in a
// measurement) counting as one character. The caller adds the '_' that a
// leading digit needs.
func influxAppendName(dst, raw []byte, label, measurement bool) []byte {
	// Most names need no change: copy them whole.
	i := influxValidPrefix(raw, label)
	dst = append(dst, raw[:i]...)
	for i < len(raw) {
		c := raw[i]
		switch {
		case promLabelChar(c) || c == ':' && !label:
			dst = append(dst, c)
			i++
		case c == '\\' && i+1 < len(raw) && influxEscaped(raw[i+1], !measurement):
			dst = append(dst, '_')
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, '_')
			i++
		default:
			_, n := utf8.DecodeRune(raw[i:])
			dst = append(dst, '_')
			i += n
		}
	}
	return dst
}

// influxValidPrefix is the length of the longest prefix of raw that is
// valid in a label name (or a metric name, where label is false).
func influxValidPrefix(raw []byte, label bool) int {
	for i, c := range raw {
		if !promLabelChar(c) && (c != ':' || label) {
			return i
		}
	}
	return len(raw)
}

// influxEscaped reports whether a backslash before c is an escape.
func influxEscaped(c byte, eq bool) bool {
	return c == ',' || c == ' ' || c == '=' && eq
}

// influxAppendUnescaped appends a tag value with "\,", "\=" and "\ "
// unescaped; other backslashes stay.
func influxAppendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\\' && i+1 < len(raw) && influxEscaped(raw[i+1], true) {
			i++
			c = raw[i]
		}
		dst = append(dst, c)
	}
	return dst
}

// influxUnescape is influxAppendUnescaped for error messages.
func influxUnescape(raw []byte) string { return string(influxAppendUnescaped(nil, raw)) }

// influxNumber parses a field value other than a string: a float (1.5,
// -2e3), an integer (12i), an unsigned integer (12u) or a boolean (1 or 0).
// The error wraps strconv.ErrRange when the number does not fit.
func influxNumber(tok []byte) (float64, error) {
	switch string(tok) {
	case "t", "T", "true", "True", "TRUE":
		return 1, nil
	case "f", "F", "false", "False", "FALSE":
		return 0, nil
	}
	n := len(tok)
	switch tok[n-1] {
	case 'i':
		v, err := strconv.ParseInt(string(tok[:n-1]), 10, 64)
		return float64(v), err
	case 'u':
		v, err := strconv.ParseUint(string(tok[:n-1]), 10, 64)
		return float64(v), err
	}
	// ParseFloat also takes "NaN", "Inf", hex and underscores, which line
	// protocol does not.
	for _, c := range tok {
		if !ingestIsDigit(c) && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseFloat(string(tok), 64)
}

// ingestIsDigit reports whether c is an ASCII digit.
func ingestIsDigit(c byte) bool { return '0' <= c && c <= '9' }
