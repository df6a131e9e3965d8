package stream_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/stream"
)

func TestParsePrometheus(t *testing.T) {
	type E = stream.LineError
	var many, manyDup strings.Builder
	many.WriteString("wide{")
	manyDup.WriteString("wide{")
	for i := range 40 {
		fmt.Fprintf(&many, `l%d="%d",`, i, i)
		fmt.Fprintf(&manyDup, `l%d="%d",`, i, i)
	}
	many.WriteString("} 1")
	manyDup.WriteString(`l33="again"} 1`)

	tests := []ingestCase{
		// Constructs.
		{name: "Plain", body: "up 1", want: []string{"up 1"}},
		{
			name: "LabelsAndTimestamp",
			body: `http_requests_total{method="post",code="200"} 1027 1395066363000`,
			want: []string{`http_requests_total{method="post",code="200"} 1027 @1395066363000`},
		},
		{name: "EmptyBraces", body: "up{} 1", want: []string{"up 1"}},
		{name: "TrailingComma", body: `up{job="a",} 1`, want: []string{`up{job="a"} 1`}},
		{name: "SpacesInBraces", body: `up{ job = "a" , x="b" } 1`, want: []string{`up{job="a",x="b"} 1`}},
		{
			name: "LabelValueEscapes",
			body: `msg{path="C:\\dir",quote="say \"hi\"",nl="a\nb",other="a\tb"} 1`,
			want: []string{`msg{path="C:\\dir",quote="say \"hi\"",nl="a\nb",other="a\\tb"} 1`},
		},
		{name: "UTF8LabelValue", body: `temp{room="Zürich ☃"} 21`, want: []string{`temp{room="Zürich ☃"} 21`}},
		{name: "LabelValueWithBraces", body: `q{expr="sum(x{a=\"1\"}) > 0"} 1`, want: []string{`q{expr="sum(x{a=\"1\"}) > 0"} 1`}},
		{
			name: "SpecialValues",
			body: "a NaN\nb +Inf\nc -Inf\nd Inf\ne 1e-3\nf -0.5\ng 1.7976931348623157e308",
			want: []string{"a NaN", "b +Inf", "c -Inf", "d +Inf", "e 0.001", "f -0.5", "g 1.7976931348623157e+308"},
		},
		{name: "ColonInName", body: "job:http_requests:rate5m 3.5", want: []string{"job:http_requests:rate5m 3.5"}},
		{name: "NegativeTimestamp", body: "up 1 -5", want: []string{"up 1 @-5"}},
		{name: "FloatTimestampIsSeconds", body: "up 1 1520879607.789", want: []string{"up 1 @1520879607789"}},
		{name: "ExponentTimestampIsSeconds", body: "up 1 1.52e9", want: []string{"up 1 @1520000000000"}},
		{
			name: "Histogram",
			body: "# TYPE lat histogram\nlat_bucket{le=\"0.5\"} 3\nlat_bucket{le=\"+Inf\"} 4\nlat_sum 1.25\nlat_count 4\n",
			want: []string{`lat_bucket{le="0.5"} 3`, `lat_bucket{le="+Inf"} 4`, "lat_sum 1.25", "lat_count 4"},
		},
		{
			name: "Summary",
			body: "# TYPE rpc summary\nrpc{quantile=\"0.99\"} 0.25\nrpc_sum 10\nrpc_count 40\n",
			want: []string{`rpc{quantile="0.99"} 0.25`, "rpc_sum 10", "rpc_count 40"},
		},
		{
			name: "Exemplars",
			body: "foo_bucket{le=\"1\"} 11 # {trace_id=\"KOO5S4vxi0o\"} 0.67\nfoo_bucket{le=\"10\"} 17 1520879607.789 # {trace_id=\"x\"} 9.8 1520879607.789",
			want: []string{`foo_bucket{le="1"} 11`, `foo_bucket{le="10"} 17 @1520879607789`},
		},
		{name: "OpenMetricsEOF", body: "up 1\n# EOF\n", want: []string{"up 1"}},
		{
			name: "Comments",
			body: "# HELP up Whether the target is up.\n# TYPE up gauge\n# TYPE up bogus\n#plain\n  # indented\nup 1",
			want: []string{"up 1"},
		},
		{name: "TabsAndSpaces", body: "up\t1 \t1000\t", want: []string{"up 1 @1000"}},
		{name: "CRLF", body: "a 1\r\nb{x=\"y\"} 2 3\r\n", want: []string{"a 1", `b{x="y"} 2 @3`}},
		{name: "ManyLabels", body: many.String(), want: []string{ingestPromWide(40)}},
		{name: "OnlyComments", body: "# HELP x y\n\n"},
		{name: "Empty", body: ""},

		// Errors.
		{name: "NoName", body: `{a="b"} 1`, errors: []E{{Line: 1, Message: `expected a metric name at column 1, found '{'`}}, unparsable: true},
		{name: "DigitFirst", body: "1up 1", errors: []E{{Line: 1, Message: `expected a metric name at column 1, found '1'`}}, unparsable: true},
		{name: "BadNameCharacter", body: "up-time 1", errors: []E{{Line: 1, Message: `invalid character '-' in metric name "up" at column 3`}}, unparsable: true},
		{name: "NonASCIIName", body: "tëmp 1", errors: []E{{Line: 1, Message: `invalid character 'ë' in metric name "t" at column 2`}}, unparsable: true},
		{name: "LabelWithoutValue", body: "up{job} 1", errors: []E{{Line: 1, Message: `expected '=' after label name "job" at column 7, found '}'`}}, unparsable: true},
		{name: "UnquotedValue", body: "up{job=a} 1", errors: []E{{Line: 1, Message: `expected '"' to open the value of label "job" at column 8, found 'a'`}}, unparsable: true},
		{name: "UnterminatedValue", body: `up{job="a} 1`, errors: []E{{Line: 1, Message: `unterminated value of label "job" at column 8`}}, unparsable: true},
		{name: "EscapedQuoteAtEnd", body: `up{job="a\"} 1`, errors: []E{{Line: 1, Message: `unterminated value of label "job" at column 8`}}, unparsable: true},
		{name: "MissingComma", body: `up{job="a" x="b"} 1`, errors: []E{{Line: 1, Message: `expected ',' or '}' after the value of label "job" at column 12, found 'x'`}}, unparsable: true},
		{name: "UnclosedBraces", body: `up{job="a"`, errors: []E{{Line: 1, Message: `expected ',' or '}' after the value of label "job" at column 11, found end of line`}}, unparsable: true},
		{name: "DuplicateLabel", body: `up{job="a",job="b"} 1`, errors: []E{{Line: 1, Message: `duplicate label "job" at column 12`}}, unparsable: true},
		{name: "DuplicateAmongMany", body: manyDup.String(), errors: []E{{Line: 1, Message: `duplicate label "l33" at column 346`}}, unparsable: true},
		{name: "LoneComma", body: "up{,} 1", errors: []E{{Line: 1, Message: `expected a label name or '}' at column 4, found ','`}}, unparsable: true},
		{name: "BadLabelName", body: `up{0a="b"} 1`, errors: []E{{Line: 1, Message: `expected a label name or '}' at column 4, found '0'`}}, unparsable: true},
		{name: "QuotedLabelName", body: `up{"a"="b"} 1`, errors: []E{{Line: 1, Message: `expected a label name or '}' at column 4, found '"'`}}, unparsable: true},
		{name: "NoValue", body: "up", errors: []E{{Line: 1, Message: "missing value at column 3"}}, unparsable: true},
		{name: "NoValueAfterLabels", body: `up{job="a"}   `, errors: []E{{Line: 1, Message: "missing value at column 15"}}, unparsable: true},
		{name: "NoSpaceBeforeValue", body: `up{job="a"}1`, errors: []E{{Line: 1, Message: "expected ' ' before the value at column 12"}}, unparsable: true},
		{name: "BadValue", body: "up abc", errors: []E{{Line: 1, Message: `invalid value "abc" at column 4`}}, unparsable: true},
		{name: "ValueOutOfRange", body: "up 1e400", errors: []E{{Line: 1, Message: `value "1e400" is out of range at column 4`}}, unparsable: true},
		{name: "BadTimestamp", body: "up 1 abc", errors: []E{{Line: 1, Message: `invalid timestamp "abc" at column 6`}}, unparsable: true},
		{name: "NaNTimestamp", body: "up 1 NaN", errors: []E{{Line: 1, Message: `invalid timestamp "NaN" at column 6`}}, unparsable: true},
		{name: "HugeSecondsTimestamp", body: "up 1 1e300", errors: []E{{Line: 1, Message: `invalid timestamp "1e300" at column 6`}}, unparsable: true},
		{name: "AfterTimestamp", body: "up 1 100 200", errors: []E{{Line: 1, Message: `unexpected "200" after the timestamp at column 10`}}, unparsable: true},
		{
			name:   "BadLinesAmongGood",
			body:   "# TYPE up gauge\nup 1\nup{ 2\n\ndown 0\n",
			want:   []string{"up 1", "down 0"},
			errors: []E{{Line: 3, Message: `expected a label name or '}' at column 5, found '2'`}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ingestRun(t, tc, stream.ParsePrometheus)
		})
	}
}

// ingestPromWide is how the recorder shows wide{l0="0",...} 1.
func ingestPromWide(n int) string {
	var b strings.Builder
	b.WriteString("wide{")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `l%d="%d"`, i, i)
	}
	b.WriteString("} 1")
	return b.String()
}
