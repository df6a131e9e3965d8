package stream_test

import (
	"testing"
	"time"

	"github.com/flexboard/flexboard/stream"
)

func TestParseInflux(t *testing.T) {
	type E = stream.LineError
	tests := []ingestCase{
		// Constructs.
		{name: "FloatField", body: "cpu usage=1.5", want: []string{"cpu_usage 1.5"}},
		{
			name: "TagsFieldsTimestamp",
			body: "cpu,host=a,cpu=cpu0 usage_idle=98.5,usage_user=1.5 1700000000123456789",
			want: []string{
				`cpu_usage_idle{host="a",cpu="cpu0"} 98.5 @1700000000123`,
				`cpu_usage_user{host="a",cpu="cpu0"} 1.5 @1700000000123`,
			},
		},
		{name: "FieldNamedValue", body: "temp,room=a value=21,value_max=25", want: []string{`temp{room="a"} 21`, `temp_value_max{room="a"} 25`}},
		{name: "FieldNamedValueSanitized", body: `1\ room.temp value=21`, want: []string{`_1_room_temp 21`}},
		{name: "Integers", body: "m a=12i,b=-3i,c=0i", want: []string{"m_a 12", "m_b -3", "m_c 0"}},
		{name: "Unsigned", body: "m a=12u,b=18446744073709551615u", want: []string{"m_a 12", "m_b 1.8446744073709552e+19"}},
		{
			name: "Floats",
			body: "m a=-2e3,b=1.,c=.5,d=+1.5,e=1E-3,f=0",
			want: []string{"m_a -2000", "m_b 1", "m_c 0.5", "m_d 1.5", "m_e 0.001", "m_f 0"},
		},
		{
			name: "Booleans",
			body: "m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE",
			want: []string{"m_a 1", "m_b 1", "m_c 1", "m_d 1", "m_e 1", "m_f 0", "m_g 0", "m_h 0", "m_i 0", "m_j 0"},
		},
		{
			name:   "StringFieldRejectedOthersKept",
			body:   `syslog,host=a msg="hello, world",severity=3i`,
			want:   []string{`syslog_severity{host="a"} 3`},
			errors: []E{{Line: 1, Message: `field "msg" is a string; only numbers and booleans are stored`}},
		},
		{
			name:   "StringEscapes",
			body:   `m s="say \"hi\", \\ and = too",x=1`,
			want:   []string{"m_x 1"},
			errors: []E{{Line: 1, Message: `field "s" is a string; only numbers and booleans are stored`}},
		},
		{
			name:   "OnlyStringFields",
			body:   `m s="a"`,
			errors: []E{{Line: 1, Message: `field "s" is a string; only numbers and booleans are stored`}},
		},
		{
			name: "StringSpanningLines",
			body: "m s=\"line one\nline two\",x=1 1000000\nm y=2\ncpu,host usage=1",
			want: []string{"m_x 1 @1", "m_y 2"},
			errors: []E{
				{Line: 1, Message: `field "s" is a string; only numbers and booleans are stored`},
				{Line: 4, Message: `expected '=' after tag key "host" at column 9`},
			},
		},
		{name: "MeasurementEscapes", body: `disk\ io\,x,host=a v=1`, want: []string{`disk_io_x_v{host="a"} 1`}},
		{
			name: "TagEscapes",
			body: `disk,path=/mnt/My\ Backups\,\ 2024,k\=ey=a\=b v=1`,
			want: []string{`disk_v{path="/mnt/My Backups, 2024",k_ey="a=b"} 1`},
		},
		{
			name: "OtherBackslashesLiteral",
			body: `win,path=C:\Program\ Files,x=a\b v=1`,
			want: []string{`win_v{path="C:\\Program Files",x="a\\b"} 1`},
		},
		{
			name: "FieldKeyEscapes",
			body: `m used\ pct=1,a\,b=2,c\=d=3`,
			want: []string{"m_used_pct 1", "m_a_b 2", "m_c_d 3"},
		},
		{
			name: "SanitizedNames",
			body: "http.requests,host.name=a,ho:st=b résumé=1,rate:5m=2",
			want: []string{
				`http_requests_r_sum_{host_name="a",ho_st="b"} 1`,
				`http_requests_rate:5m{host_name="a",ho_st="b"} 2`,
			},
		},
		{name: "LeadingDigits", body: "1m,5x=a 2load=1", want: []string{`_1m_2load{_5x="a"} 1`}},
		{name: "EqualsInTagValue", body: "m,q=a=b v=1", want: []string{`m_v{q="a=b"} 1`}},
		{name: "QuotesInTags", body: `m,q="a" v=1`, want: []string{`m_v{q="\"a\""} 1`}},
		{name: "NegativeTimestamp", body: "m v=1 -2000000", want: []string{"m_v 1 @-2"}},
		{name: "CRLF", body: "cpu v=1 1000000\r\ncpu v=2\r\n", want: []string{"cpu_v 1 @1", "cpu_v 2"}},
		{name: "ExtraSpaces", body: "  cpu,host=a  v=1   1000000  ", want: []string{`cpu_v{host="a"} 1 @1`}},
		{
			name: "BlankLinesAndComments",
			body: "\n# comment\n   \n  # indented, v=1\ncpu v=1\n\n",
			want: []string{"cpu_v 1"},
		},
		{name: "OnlyComments", body: "# nothing\n\n"},
		{name: "Empty", body: ""},

		// Precision.
		{name: "PrecisionDefault", body: "m v=1 1700000000123456789", want: []string{"m_v 1 @1700000000123"}},
		{name: "PrecisionMicrosecond", precision: time.Microsecond, body: "m v=1 1700000000123456", want: []string{"m_v 1 @1700000000123"}},
		{name: "PrecisionMillisecond", precision: time.Millisecond, body: "m v=1 1700000000123", want: []string{"m_v 1 @1700000000123"}},
		{name: "PrecisionSecond", precision: time.Second, body: "m v=1 1700000000", want: []string{"m_v 1 @1700000000000"}},

		// Errors.
		{name: "NoFields", body: "cpu", errors: []E{{Line: 1, Message: "missing fields at column 4"}}, unparsable: true},
		{name: "NoFieldsAfterTags", body: "cpu,host=a  ", errors: []E{{Line: 1, Message: "missing fields at column 13"}}, unparsable: true},
		{name: "TagWithoutEquals", body: "cpu,host usage=1", errors: []E{{Line: 1, Message: `expected '=' after tag key "host" at column 9`}}, unparsable: true},
		{name: "TagWithoutKey", body: "cpu,=a v=1", errors: []E{{Line: 1, Message: "missing tag key at column 5"}}, unparsable: true},
		{name: "TagWithoutValue", body: "cpu,host= v=1", errors: []E{{Line: 1, Message: `missing value for tag "host" at column 10`}}, unparsable: true},
		{name: "NoMeasurement", body: ",host=a v=1", errors: []E{{Line: 1, Message: "missing measurement at column 1"}}, unparsable: true},
		{name: "FieldWithoutEquals", body: "cpu v", errors: []E{{Line: 1, Message: `expected '=' after field key "v" at column 6`}}, unparsable: true},
		{name: "FieldWithoutValue", body: "cpu v=", errors: []E{{Line: 1, Message: `missing value for field "v" at column 7`}}, unparsable: true},
		{name: "FieldWithoutKey", body: "cpu =1", errors: []E{{Line: 1, Message: "missing field key at column 5"}}, unparsable: true},
		{name: "TrailingComma", body: "cpu v=1,", errors: []E{{Line: 1, Message: "missing field key at column 9"}}, unparsable: true},
		{name: "BadNumber", body: "cpu v=abc", errors: []E{{Line: 1, Message: `invalid value "abc" for field "v" at column 7`}}, unparsable: true},
		{name: "NaN", body: "cpu v=NaN", errors: []E{{Line: 1, Message: `invalid value "NaN" for field "v" at column 7`}}, unparsable: true},
		{name: "Hex", body: "cpu v=0x10", errors: []E{{Line: 1, Message: `invalid value "0x10" for field "v" at column 7`}}, unparsable: true},
		{name: "FloatInteger", body: "cpu v=1.5i", errors: []E{{Line: 1, Message: `invalid value "1.5i" for field "v" at column 7`}}, unparsable: true},
		{name: "NegativeUnsigned", body: "cpu v=-1u", errors: []E{{Line: 1, Message: `invalid value "-1u" for field "v" at column 7`}}, unparsable: true},
		{
			name:       "IntegerOutOfRange",
			body:       "cpu v=9223372036854775808i",
			errors:     []E{{Line: 1, Message: `value "9223372036854775808i" for field "v" is out of range at column 7`}},
			unparsable: true,
		},
		{name: "FloatOutOfRange", body: "cpu v=1e400", errors: []E{{Line: 1, Message: `value "1e400" for field "v" is out of range at column 7`}}, unparsable: true},
		{name: "UnterminatedString", body: "cpu v=\"abc\ncpu w=1", errors: []E{{Line: 1, Message: `unterminated string for field "v" at column 7`}}, want: []string{"cpu_w 1"}},
		{name: "JunkAfterString", body: `cpu v="a"x`, errors: []E{{Line: 1, Message: `expected ',' or ' ' after field "v" at column 10`}}, unparsable: true},
		{name: "BadTimestamp", body: "cpu v=1 12abc", errors: []E{{Line: 1, Message: `invalid timestamp "12abc" at column 9`}}, unparsable: true},
		{
			name:       "TimestampOutOfRange",
			body:       "cpu v=1 9223372036854775808",
			errors:     []E{{Line: 1, Message: `timestamp "9223372036854775808" is out of range at column 9`}},
			unparsable: true,
		},
		{
			name:       "SecondsOutOfRange",
			precision:  time.Second,
			body:       "cpu v=1 9223372036854776",
			errors:     []E{{Line: 1, Message: `timestamp "9223372036854776" is out of range at column 9`}},
			unparsable: true,
		},
		{name: "AfterTimestamp", body: "cpu v=1 100 200", errors: []E{{Line: 1, Message: `unexpected "200" after the timestamp at column 13`}}, unparsable: true},
		{
			name:   "BadFieldRejectsWholeLine",
			body:   "cpu a=1,b=x,c=3\ncpu d=4",
			want:   []string{"cpu_d 4"},
			errors: []E{{Line: 1, Message: `invalid value "x" for field "b" at column 11`}},
		},
		{
			name:       "NotLineProtocol",
			body:       "<html>\n<body>oops</body>\n</html>\n",
			unparsable: true,
			errors: []E{
				{Line: 1, Message: "missing fields at column 7"},
				{Line: 2, Message: "missing fields at column 18"},
				{Line: 3, Message: "missing fields at column 8"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ingestRun(t, tc, func(b []byte, app stream.Appender, res *stream.ParseResult) {
				stream.ParseInflux(b, tc.precision, app, res)
			})
		})
	}
}
