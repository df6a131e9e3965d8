package audit_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/audit"
	"github.com/flexboard/flexboard/internal/errs"
)

func TestParseFilter(t *testing.T) {
	cases := []struct {
		name, query string
		want        audit.Filter
		field, msg  string
	}{
		{"Empty", "", audit.Filter{Limit: audit.DefaultLimit}, "", ""},
		{"All", "actor=ada&action=board.update&target=board:ops&before=40&limit=10",
			audit.Filter{Actor: "ada", Action: "board.update", TargetType: "board", TargetID: "ops", Before: 40, Limit: 10}, "", ""},
		{"ActionGroup", "action=board", audit.Filter{Action: "board", Limit: audit.DefaultLimit}, "", ""},
		{"TargetTypeOnly", "target=user", audit.Filter{TargetType: "user", Limit: audit.DefaultLimit}, "", ""},
		{"TokenActor", "actor=token:deploy", audit.Filter{Actor: "token:deploy", Limit: audit.DefaultLimit}, "", ""},
		{"UnknownParameter", "who=ada", audit.Filter{}, "who", "is not a parameter: use actor, action, target, before or limit"},
		{"Repeated", "actor=a&actor=b", audit.Filter{}, "actor", "given 2 times"},
		{"BadBefore", "before=x", audit.Filter{}, "before", `"x" is not an entry id`},
		{"ZeroBefore", "before=0", audit.Filter{}, "before", "positive whole number"},
		{"LimitTooBig", "limit=501", audit.Filter{}, "limit", "from 1 to 500"},
		{"LimitZero", "limit=0", audit.Filter{}, "limit", "from 1 to 500"},
		{"BadAction", "action=Board Update", audit.Filter{}, "action", "is not an action: use one such as board.update"},
		{"IDWithoutType", "target=:ops", audit.Filter{}, "target", "give the type before the id: board:ops"},
		{"BadTargetType", "target=Bo%20ard:1", audit.Filter{}, "target", "is not a target type"},
		{"LongActor", "actor=" + strings.Repeat("a", audit.MaxActor+1), audit.Filter{}, "actor", "over 128 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			f, err := audit.ParseFilter(q)
			if c.field == "" {
				if err != nil || f != c.want {
					t.Fatalf("ParseFilter(%q) = %+v, %v; want %+v", c.query, f, err, c.want)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("ParseFilter(%q) error = %#v; want invalid %s containing %q", c.query, e, c.field, c.msg)
			}
		})
	}
}

func TestEntryValidate(t *testing.T) {
	ok := audit.Entry{At: time.Unix(1, 0), Actor: "ada", ActorKind: audit.KindUser, Action: "board.update", Status: 200}
	cases := []struct {
		name   string
		change func(*audit.Entry)
		field  string
	}{
		{"Valid", func(*audit.Entry) {}, ""},
		{"NoTime", func(e *audit.Entry) { e.At = time.Time{} }, "at"},
		{"NoActor", func(e *audit.Entry) { e.Actor = "" }, "actor"},
		{"BadKind", func(e *audit.Entry) { e.ActorKind = "robot" }, "actor_kind"},
		{"BadAction", func(e *audit.Entry) { e.Action = "Board.Update" }, "action"},
		{"BadStatus", func(e *audit.Entry) { e.Status = 42 }, "status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := ok
			c.change(&e)
			err := e.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if ee := errs.As(err); ee == nil || ee.Field != c.field || ee.Code != errs.Invalid {
				t.Fatalf("Validate() = %v; want invalid %s", err, c.field)
			}
		})
	}
}

func TestEntryClip(t *testing.T) {
	e := audit.Entry{At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)), Summary: strings.Repeat("é", audit.MaxSummary+10)}
	e.Clip()
	if n := len([]rune(e.Summary)); n != audit.MaxSummary || !strings.HasSuffix(e.Summary, "…") {
		t.Fatalf("clipped summary has %d characters (want %d ending in …)", n, audit.MaxSummary)
	}
	if e.At.Location() != time.UTC || e.At.Hour() != 2 {
		t.Fatalf("At = %v, want UTC 02:04", e.At)
	}
}
