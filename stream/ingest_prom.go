package stream

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// ParsePrometheus parses the Prometheus text exposition format:
//
//	name{label="value",...} value [timestamp]
//
// Comments (# HELP, # TYPE, OpenMetrics' # EOF) are skipped, and so is an
// OpenMetrics exemplar ("# {trace_id="a"} 0.5") after the value. Histogram
// and summary series are ordinary lines. Values may be NaN, +Inf, -Inf. An
// integer timestamp is unix milliseconds; one with a fraction or an exponent
// is OpenMetrics' seconds.
func ParsePrometheus(body []byte, app Appender, res *ParseResult) {
	p := promParser{body: body, app: app, res: res}
	defer batch(app)()
	p.run()
}

// promParser holds the state of one ParsePrometheus call; its buffers are
// reused from line to line.
type promParser struct {
	body []byte
	app  Appender
	res  *ParseResult

	start, end int // the current line's content, without "\n" or "\r\n"

	scratch []byte // unescaped label values of the line
	labels  []LabelPair
	seen    map[string]struct{} // duplicate check for lines with many labels
	sample  Sample
}

// promLinearDupCheck is how many labels a line may have before duplicates
// are found with a map rather than by comparing each pair: real lines have
// a handful, a hostile one could have a hundred thousand.
const promLinearDupCheck = 16

func (p *promParser) run() {
	b := p.body
	before := p.res.Rejected
	parsed := false
	for pos, line := 0, 1; pos < len(b); line++ {
		p.start, p.end = pos, len(b)
		next := len(b)
		if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
			p.end, next = pos+i, pos+i+1
		}
		if p.end > pos && b[p.end-1] == '\r' {
			p.end--
		}
		pos = next
		ok, err := p.parseLine()
		if err != nil {
			p.res.Reject(line, err)
			continue
		}
		if !ok {
			continue
		}
		parsed = true
		if err := p.app.AppendSample(&p.sample); err != nil {
			p.res.Reject(line, err)
			continue
		}
		p.res.Accepted++
	}
	if !parsed && p.res.Rejected > before {
		p.res.Unparsable = true
	}
}

func (p *promParser) column(i int) int { return i - p.start + 1 }

// parseLine parses the current line into p.sample. It reports false for
// blank lines and comments.
func (p *promParser) parseLine() (bool, error) {
	b, end := p.body, p.end
	i := promSkipBlank(b, p.start, end)
	if i == end || b[i] == '#' {
		return false, nil
	}

	// Name.
	if !promMetricStart(b[i]) {
		return false, fmt.Errorf("expected a metric name at column %d, found %s", p.column(i), promShow(b[i:end]))
	}
	j := i + 1
	for j < end && (promLabelChar(b[j]) || b[j] == ':') {
		j++
	}
	s := &p.sample
	s.Metric = b[i:j]
	i = j

	// Labels.
	p.scratch, p.labels = p.scratch[:0], p.labels[:0]
	if i < end && b[i] == '{' {
		var err error
		if i, err = p.parseLabels(i + 1); err != nil {
			return false, err
		}
	} else if i < end && b[i] != ' ' && b[i] != '\t' {
		return false, fmt.Errorf("invalid character %s in metric name %q at column %d", promShow(b[i:end]), s.Metric, p.column(i))
	}
	s.Labels = p.labels

	// Value.
	if i < end && b[i] != ' ' && b[i] != '\t' {
		return false, fmt.Errorf("expected ' ' before the value at column %d", p.column(i))
	}
	i = promSkipBlank(b, i, end)
	if i == end {
		return false, fmt.Errorf("missing value at column %d", p.column(i))
	}
	j = promToken(b, i, end)
	v, err := strconv.ParseFloat(string(b[i:j]), 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return false, fmt.Errorf("value %q is out of range at column %d", b[i:j], p.column(i))
		}
		return false, fmt.Errorf("invalid value %q at column %d", b[i:j], p.column(i))
	}
	s.Value = v

	// Timestamp, then maybe an exemplar.
	s.TS = 0
	i = promSkipBlank(b, j, end)
	if i == end || b[i] == '#' {
		return true, nil
	}
	j = promToken(b, i, end)
	ts, ok := promTimestamp(b[i:j])
	if !ok {
		return false, fmt.Errorf("invalid timestamp %q at column %d", b[i:j], p.column(i))
	}
	s.TS = ts
	i = promSkipBlank(b, j, end)
	if i < end && b[i] != '#' {
		return false, fmt.Errorf("unexpected %q after the timestamp at column %d", b[i:end], p.column(i))
	}
	return true, nil
}

// parseLabels parses the labels after the '{' at b[i-1] into p.labels and
// returns the offset after the '}'.
func (p *promParser) parseLabels(i int) (int, error) {
	b, end := p.body, p.end
	for {
		i = promSkipBlank(b, i, end)
		if i < end && b[i] == '}' {
			return i + 1, nil
		}
		if i == end || !promLabelStart(b[i]) {
			return 0, fmt.Errorf("expected a label name or '}' at column %d, found %s", p.column(i), promShow(b[i:end]))
		}
		at, j := i, i+1
		for j < end && promLabelChar(b[j]) {
			j++
		}
		name := b[i:j]
		i = promSkipBlank(b, j, end)
		if i == end || b[i] != '=' {
			return 0, fmt.Errorf("expected '=' after label name %q at column %d, found %s", name, p.column(i), promShow(b[i:end]))
		}
		i = promSkipBlank(b, i+1, end)
		if i == end || b[i] != '"' {
			return 0, fmt.Errorf("expected '\"' to open the value of label %q at column %d, found %s", name, p.column(i), promShow(b[i:end]))
		}
		open := i
		esc := false
		for i++; i < end && b[i] != '"'; i++ {
			if b[i] == '\\' {
				esc = true
				i++
			}
		}
		if i >= end {
			return 0, fmt.Errorf("unterminated value of label %q at column %d", name, p.column(open))
		}
		value := b[open+1 : i]
		if esc {
			n := len(p.scratch)
			p.scratch = promAppendUnescaped(p.scratch, value)
			value = p.scratch[n:]
		}
		if p.duplicate(name) {
			return 0, fmt.Errorf("duplicate label %q at column %d", name, p.column(at))
		}
		p.labels = append(p.labels, LabelPair{Name: name, Value: value})
		i = promSkipBlank(b, i+1, end)
		switch {
		case i < end && b[i] == ',':
			i++
		case i < end && b[i] == '}':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("expected ',' or '}' after the value of label %q at column %d, found %s", name, p.column(i), promShow(b[i:end]))
		}
	}
}

// duplicate reports whether the line already has a label called name.
func (p *promParser) duplicate(name []byte) bool {
	if len(p.labels) < promLinearDupCheck {
		for _, l := range p.labels {
			if bytes.Equal(l.Name, name) {
				return true
			}
		}
		return false
	}
	if len(p.labels) == promLinearDupCheck {
		if p.seen == nil {
			p.seen = make(map[string]struct{})
		}
		clear(p.seen)
		for _, l := range p.labels {
			p.seen[string(l.Name)] = struct{}{}
		}
	}
	if _, ok := p.seen[string(name)]; ok {
		return true
	}
	p.seen[string(name)] = struct{}{}
	return false
}

// promTimestamp parses a sample's timestamp: integer milliseconds, or
// seconds when it has a fraction or an exponent (OpenMetrics).
func promTimestamp(tok []byte) (int64, bool) {
	if bytes.IndexAny(tok, ".eE") < 0 {
		ts, err := strconv.ParseInt(string(tok), 10, 64)
		return ts, err == nil
	}
	for _, c := range tok {
		if !ingestIsDigit(c) && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return 0, false // no NaN, Inf or hex
		}
	}
	sec, err := strconv.ParseFloat(string(tok), 64)
	ms := math.Round(sec * 1000)
	if err != nil || !(ms >= math.MinInt64 && ms < math.MaxInt64) {
		return 0, false
	}
	return int64(ms), true
}

// promAppendUnescaped appends a label value with \\, \" and \n unescaped;
// other backslashes stay, as Prometheus keeps them.
func promAppendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\\' && i+1 < len(raw) {
			switch raw[i+1] {
			case '\\', '"':
				i++
				c = raw[i]
			case 'n':
				i++
				c = '\n'
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// promSkipBlank returns the offset of the first byte of b[i:end] that is
// neither a space nor a tab, or end.
func promSkipBlank(b []byte, i, end int) int {
	for i < end && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// promToken returns the offset of the first space or tab in b[i:end], or end.
func promToken(b []byte, i, end int) int {
	for i < end && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	return i
}

// promShow names the character at the start of rest for an error message.
func promShow(rest []byte) string {
	if len(rest) == 0 {
		return "end of line"
	}
	r, _ := utf8.DecodeRune(rest)
	return strconv.QuoteRune(r)
}

// promMetricStart reports whether c may start a metric name: [a-zA-Z_:].
func promMetricStart(c byte) bool { return promLabelStart(c) || c == ':' }

// promLabelStart reports whether c may start a label name: [a-zA-Z_].
func promLabelStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// promLabelChar reports whether c may be in a label name: [a-zA-Z0-9_].
// Metric names may also have ':'.
func promLabelChar(c byte) bool { return promLabelStart(c) || ingestIsDigit(c) }
