package stream_test

import (
	"testing"

	"github.com/flexboard/flexboard/stream"
)

func TestParseJSON(t *testing.T) {
	type E = stream.LineError
	// point wraps items (JSON text) as the body's "points".
	point := func(items string) string { return `{"points": [` + items + `]}` }
	tx := func(items string) string { return `{"transactions": [` + items + `]}` }

	tests := []ingestCase{
		// Constructs.
		{
			name: "Point",
			body: point(`{"metric": "cpu", "labels": {"host": "a"}, "value": 1.5, "ts": 1700000000000}`),
			want: []string{`cpu{host="a"} 1.5 @1700000000000`},
		},
		{
			name: "LabelsInBodyOrder",
			body: point(`{"metric": "cpu", "labels": {"z": "1", "a b": "2", "m": "", "z": "again"}, "value": 1}`),
			want: []string{`cpu{z="1",a b="2",m="",z="again"} 1`},
		},
		{
			name: "OptionalFields",
			body: point(`{"metric": "a", "value": -2e3}, {"metric": "b", "value": 0, "ts": 0, "labels": null}, {"metric": "c", "value": 1, "ts": null, "labels": {}}`),
			want: []string{"a -2000", "b 0", "c 1"},
		},
		{name: "StringEscapes", body: point(`{"metric": "a\u00e9", "labels": {"q": "say \"hi\"\n", "\u0041": "\ud83d\ude00"}, "value": 1}`), want: []string{`aé{q="say \"hi\"\n",A="😀"} 1`}},
		{name: "InvalidUTF8", body: point("{\"metric\": \"a\xff\", \"value\": 1}"), want: []string{"a\uFFFD 1"}},
		{name: "EscapedKeys", body: point(`{"m\u0065tric": "a", "value": 1, "labels": {"x": "1"}}`), want: []string{`a{x="1"} 1`}},
		{name: "NestedValuesSkipped", body: `{"points": [{"metric": "a", "value": 1, "labels": {"x": "}]"}}, {"metric": "b", "labels": {"y": {"z": ["]"]}}, "value": 2}]}`, want: []string{`a{x="}]"} 1`}, errors: []E{{Line: 1, Message: "points[1].labels.y: must be a string"}}},
		{
			name: "Transaction",
			body: tx(`{"service": "api", "labels": {"route": "/x"}, "ts": 5, "elapsed_ms": 12.5, "error": true}, {"service": "db", "elapsed_ms": 0}`),
			want: []string{`tx api{route="/x"} 12.5ms error @5`, "tx db 0ms"},
		},
		{
			name: "PointsAndTransactions",
			body: `{"transactions": [{"service": "api", "elapsed_ms": 3, "error": false}], "points": [{"metric": "up", "value": 1}]}`,
			want: []string{"up 1", "tx api 3ms"},
		},
		{name: "EmptyObject", body: "{}"},
		{name: "EmptyLists", body: `{"points": [], "transactions": null}`},
		{name: "Empty", body: ""},
		{name: "Whitespace", body: " \n\t\r\n"},

		// Item errors.
		{
			name:       "ItemNotObject",
			body:       point(`1, "x", null, []`),
			unparsable: true,
			errors: []E{
				{Line: 1, Message: "points[0]: must be an object"},
				{Line: 1, Message: "points[1]: must be an object"},
				{Line: 1, Message: "points[2]: must be an object"},
				{Line: 1, Message: "points[3]: must be an object"},
			},
		},
		{
			name:   "UnknownField",
			body:   point(`{"metric": "a", "value": 1, "unit": "s", "help": "x"}, {"metric": "b", "value": 2}`),
			want:   []string{"b 2"},
			errors: []E{{Line: 1, Message: `points[0]: unknown field "unit"; expected metric, labels, value, ts`}},
		},
		{name: "FieldNamesAreExact", body: point(`{"Metric": "a", "value": 1}`), unparsable: true, errors: []E{{Line: 1, Message: `points[0]: unknown field "Metric"; expected metric, labels, value, ts`}}},
		{name: "MetricMissing", body: point(`{"value": 1}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].metric: required"}}},
		{name: "MetricNotString", body: point(`{"metric": 5, "value": 1}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].metric: must be a string"}}},
		{name: "MetricNull", body: point(`{"metric": null, "value": 1}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].metric: must be a string"}}},
		{name: "LabelsNotObject", body: point(`{"metric": "a", "labels": ["x"], "value": 1}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].labels: must be an object of strings"}}},
		{name: "LabelNotString", body: point(`{"metric": "a", "labels": {"b": "x", "host": 1, "c": 2}, "value": 1}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].labels.host: must be a string"}}},
		{name: "OddLabelNotString", body: point(`{"metric": "a", "labels": {"a b": true}, "value": 1}`), unparsable: true, errors: []E{{Line: 1, Message: `points[0].labels["a b"]: must be a string`}}},
		{name: "ValueMissing", body: point(`{"metric": "a"}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].value: required"}}},
		{name: "ValueString", body: point(`{"metric": "a", "value": "1"}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].value: must be a number"}}},
		{name: "ValueNull", body: point(`{"metric": "a", "value": null}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].value: must be a number"}}},
		{name: "ValueOutOfRange", body: point(`{"metric": "a", "value": 1e400}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].value: 1e400 is out of range"}}},
		{name: "TSFraction", body: point(`{"metric": "a", "value": 1, "ts": 1.5}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].ts: must be an integer (unix milliseconds)"}}},
		{name: "TSString", body: point(`{"metric": "a", "value": 1, "ts": "2024-01-01"}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].ts: must be an integer (unix milliseconds)"}}},
		{name: "TSOutOfRange", body: point(`{"metric": "a", "value": 1, "ts": 99999999999999999999}`), unparsable: true, errors: []E{{Line: 1, Message: "points[0].ts: 99999999999999999999 is out of range"}}},
		{name: "ServiceMissing", body: tx(`{"elapsed_ms": 1}`), unparsable: true, errors: []E{{Line: 1, Message: "transactions[0].service: required"}}},
		{name: "ServiceEmpty", body: tx(`{"service": "", "elapsed_ms": 1}`), unparsable: true, errors: []E{{Line: 1, Message: "transactions[0].service: must not be empty"}}},
		{name: "ElapsedMissing", body: tx(`{"service": "api"}`), unparsable: true, errors: []E{{Line: 1, Message: "transactions[0].elapsed_ms: required"}}},
		{name: "ElapsedNegative", body: tx(`{"service": "api", "elapsed_ms": -1}`), unparsable: true, errors: []E{{Line: 1, Message: "transactions[0].elapsed_ms: must be a number >= 0"}}},
		{name: "ElapsedString", body: tx(`{"service": "api", "elapsed_ms": "1"}`), unparsable: true, errors: []E{{Line: 1, Message: "transactions[0].elapsed_ms: must be a number >= 0"}}},
		{name: "ErrorNotBool", body: tx(`{"service": "api", "elapsed_ms": 1, "error": "yes"}`), unparsable: true, errors: []E{{Line: 1, Message: "transactions[0].error: must be true or false"}}},
		{name: "TxUnknownField", body: tx(`{"service": "api", "elapsed_ms": 1, "status": 500}`), unparsable: true, errors: []E{{Line: 1, Message: `transactions[0]: unknown field "status"; expected service, labels, ts, elapsed_ms, error`}}},
		{name: "TxLabelNotString", body: tx(`{"service": "api", "elapsed_ms": 1, "labels": {"code": 200}}`), unparsable: true, errors: []E{{Line: 1, Message: "transactions[0].labels.code: must be a string"}}},
		{
			name: "PrettyPrintedLines",
			body: `{
  "points": [
    {"metric": "a", "value": 1},
    {
      "metric": "b",
      "value": "x"
    },
    {"metric": "c", "value": 3}
  ],
  "transactions": [

    {"service": "api"}
  ]
}`,
			want: []string{"a 1", "c 3"},
			errors: []E{
				{Line: 4, Message: "points[1].value: must be a number"},
				{Line: 12, Message: "transactions[0].elapsed_ms: required"},
			},
		},

		// Whole-body errors.
		{name: "NotJSON", body: "cpu,host=a v=1", unparsable: true, errors: []E{{Line: 1, Message: "invalid JSON at column 1: invalid character 'c' looking for beginning of value"}}},
		{name: "NotObject", body: `[{"metric": "a", "value": 1}]`, unparsable: true, errors: []E{{Line: 1, Message: `the body must be a JSON object: {"points":[...],"transactions":[...]}`}}},
		{name: "Scalar", body: "\n  42", unparsable: true, errors: []E{{Line: 2, Message: `the body must be a JSON object: {"points":[...],"transactions":[...]}`}}},
		{
			name:       "UnknownTopLevelKey",
			body:       "{\"points\": [{\"metric\": \"a\", \"value\": 1}],\n \"point\": []}",
			unparsable: true,
			errors:     []E{{Line: 2, Message: `unknown field "point": the body has "points", "transactions" and "events"`}},
		},
		{name: "PointsNotArray", body: `{"points": {"metric": "a"}}`, unparsable: true, errors: []E{{Line: 1, Message: "points: must be an array"}}},
		{
			name:       "SyntaxErrorInItem",
			body:       "{\"points\": [\n{\"metric\": \"a\", \"value\": 1},\n{\"metric\": \"b\", \"value\": }\n]}",
			unparsable: true,
			errors:     []E{{Line: 3, Message: "invalid JSON at column 26: invalid character '}' looking for beginning of value"}},
		},
		{
			name:       "Truncated",
			body:       "{\"points\": [\n{\"metric\": \"a\", \"value\": 1},\n{\"metric\": \"b\"",
			unparsable: true,
			errors:     []E{{Line: 3, Message: "invalid JSON at column 15: unexpected end of JSON input"}},
		},
		{name: "TrailingData", body: `{"points": []} {}`, unparsable: true, errors: []E{{Line: 1, Message: "invalid JSON at column 16: invalid character '{' after top-level value"}}},
		{name: "TrailingGarbage", body: `{"points": []} x`, unparsable: true, errors: []E{{Line: 1, Message: "invalid JSON at column 16: invalid character 'x' after top-level value"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ingestRun(t, tc, stream.ParseJSON)
		})
	}
}
