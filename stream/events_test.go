package stream_test

import (
	"strings"
	"testing"

	"github.com/flexboard/flexboard/stream"
)

func TestIngestEvents(t *testing.T) {
	st, _ := newTestStore(t, nil)
	now := ms(storeT0)
	body := `{"events":[
 {"severity":"warning","source":"deploy","object":"checkout","message":"v2.3 rolling out","ts":` + itoa(now-1000) + `},
 {"message":"  cache flushed  "},
 {"severity":"red","message":"x"},
 {"message":""},
 {"message":"x","colour":"red"},
 {"message":"` + strings.Repeat("y", 1025) + `"}
]}`
	var res stream.ParseResult
	stream.ParseJSON([]byte(body), st.Appender(), &res)
	if res.Accepted != 2 || res.Rejected != 4 {
		t.Fatalf("accepted %d rejected %d: %+v", res.Accepted, res.Rejected, res.Errors)
	}
	want := []string{
		`events[2].severity: must be "ok", "warning" or "critical"`,
		"events[3].message: required",
		`events[4]: must be an object with ts, severity, source, object, message (unknown field "colour")`,
		"events[5].message: is 1025 characters; at most 1024",
	}
	for i, w := range want {
		if !strings.Contains(res.Errors[i].Message, w) {
			t.Errorf("error %d = %q, want %q", i, res.Errors[i].Message, w)
		}
	}
	evs := st.Events("any-board", 10, true)
	if len(evs) != 2 || evs[0].Message != "cache flushed" || evs[0].Severity != "ok" || evs[0].TS != now ||
		evs[1].Severity != "warning" || evs[1].Title != "deploy" || evs[1].Object != "checkout" {
		t.Fatalf("events = %+v", evs)
	}
	if got := st.Events("any-board", 10, false); len(got) != 0 {
		t.Fatalf("board events without pushed ones: %+v", got)
	}
}
