// Package audit is Flexboard's audit log: who changed what, when, from
// where, and whether it was allowed. cmd/flexboard records one Entry per
// change answered through the API (its middleware knows the routes and who
// is asking); this package validates entries, writes them off the request
// path in batches (Recorder), keeps them in SQLite within a retention
// limit, and serves them to admins (GET /api/v1/audit).
package audit

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
)

// ActorKind says how the one who made a change was known.
type ActorKind string

// The actor kinds.
const (
	// KindUser is a signed-in user (or one logging in); Actor is the name.
	KindUser ActorKind = "user"
	// KindToken is an API token (or the --ingest-token); Actor is "token:<name>".
	KindToken ActorKind = "token"
	// KindDisplay is a paired display's token; Actor is "display:<name>".
	KindDisplay ActorKind = "display"
	// KindAnonymous is nobody known: every request under --auth=none, and
	// failed logins. Actor is "anonymous"; the IP says where from.
	KindAnonymous ActorKind = "anonymous"
)

// Anonymous is the Actor of KindAnonymous entries.
const Anonymous = "anonymous"

// Valid reports whether k is one of the kinds.
func (k ActorKind) Valid() bool {
	switch k {
	case KindUser, KindToken, KindDisplay, KindAnonymous:
		return true
	}
	return false
}

// Limits of an entry's text fields (in characters). Entries longer are
// clipped by Clip, not refused: the log must not lose a change because its
// summary was long.
const (
	MaxActor   = 128
	MaxIP      = 64
	MaxAction  = 64
	MaxRoute   = 200
	MaxTarget  = 128 // type and id each
	MaxSummary = 500
)

// Entry is one change (or refused attempt) in the log.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	ActorKind ActorKind `json:"actor_kind"`
	IP        string    `json:"ip"`
	// Action names what was done, "<target type>.<verb>": "board.update".
	Action string `json:"action"`
	// Route is the method and route pattern: "PUT /api/v1/boards/:id".
	Route      string `json:"route"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	// Summary is one line for a person: `updated board "ops" "Checkout" (revision 5)`.
	Summary string `json:"summary"`
	// Status is the HTTP status answered: < 400 done, 401/403 refused.
	Status int `json:"status"`
}

// actionRE is the shape of an action name: lower-case words joined by dots.
var actionRE = regexp.MustCompile(`^[a-z][a-z_]*(\.[a-z][a-z_]*)*$`)

// Validate checks an entry before it is stored. Its failures are the
// recording code's mistakes, not a client's, so they name the field.
func (e *Entry) Validate() error {
	switch {
	case e.At.IsZero():
		return errs.Invalidf("at", "is required")
	case e.Actor == "":
		return errs.Invalidf("actor", "is required")
	case !e.ActorKind.Valid():
		return errs.Invalidf("actor_kind", "%q is not a kind: use user, token, display or anonymous", e.ActorKind)
	case !actionRE.MatchString(e.Action) || len(e.Action) > MaxAction:
		return errs.Invalidf("action", "%q is not an action name (lower-case words joined by dots, at most %d characters)", e.Action, MaxAction)
	case e.Status < 100 || e.Status > 599:
		return errs.Invalidf("status", "%d is not an HTTP status", e.Status)
	}
	return nil
}

// Clip shortens the text fields to their limits (at a character boundary,
// with "…") and sets At to UTC.
func (e *Entry) Clip() {
	e.At = e.At.UTC()
	e.Actor = clip(e.Actor, MaxActor)
	e.IP = clip(e.IP, MaxIP)
	e.Route = clip(e.Route, MaxRoute)
	e.TargetType = clip(e.TargetType, MaxTarget)
	e.TargetID = clip(e.TargetID, MaxTarget)
	e.Summary = clip(e.Summary, MaxSummary)
}

func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// Page sizes of GET /api/v1/audit.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Filter selects entries, newest first.
type Filter struct {
	// Actor matches the actor exactly, ignoring case ("ada", "token:deploy", "anonymous").
	Actor string
	// Action matches one action ("board.update") or, without a dot, every
	// action on that target type ("board").
	Action string
	// TargetType and TargetID select what was changed; TargetID needs TargetType.
	TargetType string
	TargetID   string
	// Before, if > 0, returns only entries with a smaller id: the next page.
	Before int64
	// Limit is the most entries returned, 1…MaxLimit.
	Limit int
}

// ParseFilter reads the query of GET /api/v1/audit: actor, action,
// target ("board" or "board:ops"), before (an entry id) and limit. Unknown
// parameters are refused, so a typo does not silently show everything.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Limit: DefaultLimit}
	for k := range q {
		switch k {
		case "actor", "action", "target", "before", "limit":
			if len(q[k]) > 1 {
				return f, errs.Invalidf(k, "is given %d times: give it once", len(q[k]))
			}
		default:
			return f, errs.Invalidf(k, "is not a parameter: use actor, action, target, before or limit")
		}
	}
	f.Actor = strings.TrimSpace(q.Get("actor"))
	f.Action = strings.TrimSpace(q.Get("action"))
	if t := strings.TrimSpace(q.Get("target")); t != "" {
		f.TargetType, f.TargetID, _ = strings.Cut(t, ":")
	}
	if s := q.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return f, errs.Invalidf("before", "%q is not an entry id: give the id of the oldest entry you have (a positive whole number)", s)
		}
		f.Before = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return f, errs.Invalidf("limit", "%q is not a page size: use a whole number from 1 to %d", s, MaxLimit)
		}
		f.Limit = n
	}
	return f, f.Validate()
}

// Validate checks a filter's fields.
func (f Filter) Validate() error {
	switch {
	case utf8.RuneCountInString(f.Actor) > MaxActor:
		return errs.Invalidf("actor", "is over %d characters", MaxActor)
	case f.Action != "" && !actionRE.MatchString(f.Action):
		return errs.Invalidf("action", "%q is not an action: use one such as board.update, or a target type such as board for all of its actions", f.Action)
	case f.TargetID != "" && f.TargetType == "":
		return errs.Invalidf("target", "give the type before the id: board:%s", f.TargetID)
	case f.TargetType != "" && !actionRE.MatchString(f.TargetType):
		return errs.Invalidf("target", "%q is not a target type: use one such as board, or board:<id>", f.TargetType)
	case utf8.RuneCountInString(f.TargetID) > MaxTarget:
		return errs.Invalidf("target", "the id is over %d characters", MaxTarget)
	case f.Before < 0:
		return errs.Invalidf("before", "must be a positive entry id")
	case f.Limit < 1 || f.Limit > MaxLimit:
		return errs.Invalidf("limit", "%d is not a page size: use 1 to %d", f.Limit, MaxLimit)
	}
	return nil
}

// Retention bounds the log: entries older than MaxAge go, and beyond the
// newest MaxEntries the oldest go, whichever removes more.
type Retention struct {
	MaxAge     time.Duration
	MaxEntries int
}

// DefaultRetention keeps a year or 100,000 entries (a few tens of MB):
// enough for a year of a busy team's edits, while a script that changes
// things in a loop cannot grow the database without bound.
var DefaultRetention = Retention{MaxAge: 365 * 24 * time.Hour, MaxEntries: 100_000}

// Validate checks the limits.
func (r Retention) Validate() error {
	if r.MaxAge < time.Hour {
		return fmt.Errorf("audit retention: max age %s is under an hour", r.MaxAge)
	}
	if r.MaxEntries < 1 {
		return fmt.Errorf("audit retention: max entries %d is under 1", r.MaxEntries)
	}
	return nil
}
