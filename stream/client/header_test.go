package client

import (
	"testing"
)

// headerSamples are messages as the server writes them, and some it never
// writes, for the fast header scanner's agreement with encoding/json.
var headerSamples = []string{
	`{"type":"update","epoch":"3f9a0c1d2e4b5a69","seq":1234,"ts":1795000000123,"ingest_ts":1795000000101,"widgets":{"a":{"state":"ok"}}}`,
	`{"type":"snapshot","epoch":"e1","seq":5,"ts":1,"ingest_ts":0,"widgets":{}}`,
	`{"type":"ping","ts":1795000000000}`,
	`{"type":"hello","protocol":1,"server_time":1795000000000,"board":"b1","variant":"16:9","revision":3,"refresh_ms":1000,"epoch":"ab","seq":0}`,
	`{"type":"board","revision":4,"board":{"id":"b1","widgets":[]}}`,
	`{"type":"shutdown","reconnect_ms":1000}`,
	` { "type" : "update" , "seq" : 7 , "widgets" : {} } `,
	`{"type":"upd\"ate","seq":1}`,
	`{"type":"update","seq":1.5}`,
	`{"type":"update","seq":-1}`,
	`{"type":"update","ts":1e3}`,
	`{"type":"update","extra":[1,2],"seq":2}`,
	`{"type":"ünïcode","seq":3}`,
	`{"type":"update","seq":99999999999999999999}`,
	`{"type":"update"`,
	`[]`,
	``,
}

func FuzzScanHeader(f *testing.F) {
	for _, s := range headerSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		var fast, slow wireFrame
		if !scanHeader(msg, &fast) {
			return // the slow path decides
		}
		if err := decodeHeaderJSON(msg, &slow); err != nil {
			// The fast path accepted what encoding/json refuses: only
			// acceptable for garbage after the fields it reads.
			return
		}
		fast.Board, slow.Board = nil, nil
		if fast.Type != slow.Type || fast.Epoch != slow.Epoch || fast.Seq != slow.Seq || fast.TS != slow.TS ||
			fast.IngestTS != slow.IngestTS || fast.ServerTime != slow.ServerTime || fast.Variant != slow.Variant ||
			fast.Revision != slow.Revision || fast.RefreshMS != slow.RefreshMS || fast.ReconnectMS != slow.ReconnectMS ||
			fast.Protocol != slow.Protocol {
			t.Fatalf("%q: fast %+v, encoding/json %+v", msg, fast, slow)
		}
	})
}

func TestScanHeaderTakesServerMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  string
		fast bool
		want wireFrame
	}{
		{"Update", headerSamples[0], true, wireFrame{Type: "update", Epoch: "3f9a0c1d2e4b5a69", Seq: 1234, TS: 1795000000123, IngestTS: 1795000000101}},
		{"Ping", headerSamples[2], true, wireFrame{Type: "ping", TS: 1795000000000}},
		{"Hello", headerSamples[3], false, wireFrame{Type: "hello", Protocol: 1, ServerTime: 1795000000000, Board: []byte(`"b1"`), Variant: "16:9", Revision: 3, RefreshMS: 1000, Epoch: "ab"}},
		{"Escaped", headerSamples[7], false, wireFrame{Type: `upd"ate`, Seq: 1}},
		{"Spaces", headerSamples[6], true, wireFrame{Type: "update", Seq: 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w wireFrame
			if got := scanHeader([]byte(tc.msg), &w); got != tc.fast {
				t.Fatalf("scanHeader = %v, want %v", got, tc.fast)
			}
			w = wireFrame{}
			if err := decodeHeader([]byte(tc.msg), &w); err != nil {
				t.Fatal(err)
			}
			if w.Type != tc.want.Type || w.Epoch != tc.want.Epoch || w.Seq != tc.want.Seq || w.TS != tc.want.TS ||
				w.IngestTS != tc.want.IngestTS || string(w.Board) != string(tc.want.Board) || w.Revision != tc.want.Revision {
				t.Fatalf("decodeHeader = %+v, want %+v", w, tc.want)
			}
		})
	}
}

// BenchmarkDecodeHeader compares the fast path with encoding/json on an
// update frame's header.
func BenchmarkDecodeHeader(b *testing.B) {
	msg := []byte(headerSamples[0])
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w wireFrame
			decodeHeader(msg, &w)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w wireFrame
			decodeHeaderJSON(msg, &w)
		}
	})
}
