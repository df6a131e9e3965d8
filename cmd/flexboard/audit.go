package main

import (
	"encoding/json"
	"fmt"
	"mime"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/audit"
	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/internal/errs"
)

// auditRoute says how the audit log records one change route: its action,
// what it changes, and how to say it in a line. A route that changes
// nothing worth a record says why in Skip. TestAuditRouteTable fails for a
// POST, PUT, PATCH or DELETE route missing here, as TestAuthorizationMatrix
// does for a route without an authorization rule.
type auditRoute struct {
	// Action is "<target>.<verb>", e.g. "board.update".
	Action string
	// Target is the type of what is changed ("board"); Param the route
	// parameter holding its id, or "" when the answer's id is (a creation).
	Target, Param string
	// Verb starts the summary: "updated" → `updated board ops "Checkout"`.
	Verb string
	// Describe, if set, writes the summary instead (d has the ids and
	// what the answer said).
	Describe func(d *auditDetail) string
	// Skip says why the route is not recorded (Action is then empty).
	Skip string
}

// auditRoutes is the table of every change route, keyed "METHOD /pattern".
func auditRoutes() map[string]auditRoute {
	const post, put, del = "POST ", "PUT ", "DELETE "
	r := func(action, target, param, verb string) auditRoute {
		return auditRoute{Action: action, Target: target, Param: param, Verb: verb}
	}
	skip := func(why string) auditRoute { return auditRoute{Skip: why} }
	const ingest = "data pushes are not changes, and far too many to log (the metrics count them)"
	return map[string]auditRoute{
		// Sign-in and sessions.
		post + "/setup/:token": {Action: "auth.setup", Target: "user", Describe: func(d *auditDetail) string {
			return fmt.Sprintf("created the first admin %q with the setup link", d.Actor)
		}},
		post + "/api/v1/auth/login": {Action: "auth.login", Target: "user", Describe: func(d *auditDetail) string {
			if d.Status >= 400 {
				return fmt.Sprintf("failed login as %q: %s", d.TargetID, d.ErrMessage)
			}
			return "logged in"
		}},
		post + "/api/v1/auth/logout": {Action: "auth.logout", Target: "user", Describe: func(*auditDetail) string { return "logged out" }},
		post + "/api/v1/auth/logout-all": {Action: "auth.logout_all", Target: "user", Describe: func(d *auditDetail) string {
			if d.Answer.Ended != nil {
				return fmt.Sprintf("logged out everywhere (%d sessions ended)", *d.Answer.Ended)
			}
			return "logged out everywhere"
		}},

		// Users and tokens.
		post + "/api/v1/users": r("user.create", "user", "", "created"),
		put + "/api/v1/users/:id": {Action: "user.update", Target: "user", Param: "id", Describe: func(d *auditDetail) string {
			s := "changed " + d.subject()
			if len(d.BodyKeys) > 0 {
				s += ": " + strings.Join(d.BodyKeys, ", ")
			}
			return s
		}},
		del + "/api/v1/users/:id":  r("user.delete", "user", "id", "deleted"),
		post + "/api/v1/tokens":    r("token.create", "token", "", "created"),
		del + "/api/v1/tokens/:id": r("token.revoke", "token", "id", "revoked"),

		// Boards, versions, trash.
		post + "/api/v1/boards":         r("board.create", "board", "", "created"),
		post + "/api/v1/boards/import":  r("board.import", "board", "", "imported"),
		post + "/api/v1/boards/preview": skip("renders a board that is not saved: changes nothing"),
		put + "/api/v1/boards/:id":      r("board.update", "board", "id", "updated"),
		del + "/api/v1/boards/:id": {Action: "board.delete", Target: "board", Param: "id", Describe: func(d *auditDetail) string {
			return "moved " + d.subject() + " to the trash"
		}},
		post + "/api/v1/boards/:id/restore": {Action: "board.restore", Target: "board", Param: "id", Describe: func(d *auditDetail) string {
			return "restored " + d.subject() + " from the trash"
		}},
		post + "/api/v1/boards/:id/duplicate": {Action: "board.duplicate", Target: "board", Param: "id", Describe: func(d *auditDetail) string {
			s := "duplicated board " + d.TargetID
			if d.Answer.ID != "" {
				s += " as board " + string(d.Answer.ID)
				if d.Answer.Name != "" {
					s += fmt.Sprintf(" %q", d.Answer.Name)
				}
			}
			return s
		}},
		post + "/api/v1/boards/:id/versions/:rev/restore": {Action: "board.version_restore", Target: "board", Param: "id", Describe: func(d *auditDetail) string {
			s := fmt.Sprintf("restored %s to version %s", d.subject(), d.Params["rev"])
			if d.Answer.Revision > 0 && d.Status < 400 {
				s += fmt.Sprintf(" (now revision %d)", d.Answer.Revision)
			}
			return s
		}},
		del + "/api/v1/trash/:id": {Action: "board.purge", Target: "board", Param: "id", Describe: func(d *auditDetail) string {
			return "deleted " + d.subject() + " for good (from the trash)"
		}},

		// Board access: privacy and published links.
		put + "/api/v1/boards/:id/access":      r("board.access", "board", "id", "changed who may see"),
		post + "/api/v1/boards/:id/links":      r("board.publish", "board", "id", "published a read-only link to"),
		del + "/api/v1/boards/:id/links/:link": r("board.unpublish", "board", "id", "revoked a published link to"),

		// Screens.
		post + "/api/v1/pair":                 skip("a screen asks for a pairing code: nothing is stored until an editor claims it (POST /api/v1/screens, recorded)"),
		post + "/api/v1/screens":              r("screen.pair", "screen", "", "paired"),
		put + "/api/v1/screens/:id":           r("screen.update", "screen", "id", "changed"),
		del + "/api/v1/screens/:id":           r("screen.forget", "screen", "id", "forgot"),
		post + "/api/v1/screens/:id/revoke":   r("screen.revoke", "screen", "id", "revoked"),
		post + "/api/v1/screens/:id/reload":   r("screen.reload", "screen", "id", "reloaded"),
		post + "/api/v1/screens/:id/identify": r("screen.identify", "screen", "id", "identified"),
		post + "/api/v1/screens/switch": {Action: "screen.switch", Target: "screen", Describe: func(d *auditDetail) string {
			return "switched every screen" + groupOf(d) + " to one board (restore puts each back)"
		}},
		post + "/api/v1/screens/restore": {Action: "screen.restore", Target: "screen", Describe: func(d *auditDetail) string {
			return "restored every switched screen" + groupOf(d)
		}},

		// Playlists.
		post + "/api/v1/playlists":    r("playlist.create", "playlist", "", "created"),
		put + "/api/v1/playlists/:id": r("playlist.update", "playlist", "id", "updated"),
		del + "/api/v1/playlists/:id": r("playlist.delete", "playlist", "id", "deleted"),

		// Snapshots.
		post + "/api/v1/boards/:id/snapshots": {Action: "snapshot.create", Target: "snapshot", Describe: func(d *auditDetail) string {
			s := "took snapshot"
			if d.TargetID != "" {
				s += " " + d.TargetID
			}
			s += " of board " + d.Params["id"]
			if d.Answer.BoardName != "" {
				s += fmt.Sprintf(" %q", d.Answer.BoardName)
			}
			return s
		}},
		del + "/api/v1/snapshots/:id": r("snapshot.delete", "snapshot", "id", "deleted"),

		// Images.
		post + "/api/v1/images":            r("image.upload", "image", "", "uploaded"),
		del + "/api/v1/images/:id":         r("image.delete", "image", "id", "deleted"),
		post + "/api/v1/ingest":            skip(ingest),
		post + "/api/v1/ingest/influx":     skip(ingest),
		post + "/api/v1/ingest/prometheus": skip(ingest),
		post + "/api/v1/query":             skip("a query reads data: POST only to carry its body"),
		post + "/api/v1/displays/log":      skip("a display reporting its own errors: a log, not a change"),

		// Sources.
		post + "/api/v1/sources":    r("source.create", "source", "", "created"),
		put + "/api/v1/sources/:id": r("source.update", "source", "id", "updated"),
		del + "/api/v1/sources/:id": r("source.delete", "source", "id", "deleted"),
		post + "/api/v1/sources/:id/incidents": {Action: "source.incident", Target: "source", Param: "id", Describe: func(d *auditDetail) string {
			if d.Answer.Scenario != "" {
				return fmt.Sprintf("started incident %q on %s", d.Answer.Scenario, d.subject())
			}
			return "started an incident on " + d.subject()
		}},
	}
}

// auditDetail is what a summary is written from.
type auditDetail struct {
	Route      *auditRoute
	Actor      string
	Status     int
	TargetID   string
	Params     map[string]string
	Answer     auditAnswer
	BodyKeys   []string // the request's JSON keys, for user.update
	ErrMessage string   // a refusal's message
	Group      string   // the group a screens switch or restore named
}

// auditAnswer holds the fields of a JSON answer a summary may use.
type auditAnswer struct {
	ID        auditID  `json:"id"`
	Name      string   `json:"name"`
	Revision  int64    `json:"revision"`
	Role      string   `json:"role"`
	Scopes    []string `json:"scopes"`
	BoardName string   `json:"board_name"`
	Scenario  string   `json:"scenario"`
	Ended     *int64   `json:"ended"`
	User      *struct {
		ID   auditID `json:"id"`
		Name string  `json:"name"`
	} `json:"user"`
}

// auditID reads an id that is a string (boards) or a number (users).
type auditID string

func (a *auditID) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*a = auditID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return nil // neither: no id
	}
	*a = auditID(n.String())
	return nil
}

// subject is `board ops "Checkout"`: the target, its id and the name the
// answer gave.
func (d *auditDetail) subject() string {
	s := d.Route.Target
	if d.TargetID != "" {
		s += " " + d.TargetID
	}
	if d.Answer.Name != "" && d.Status < 400 {
		s += fmt.Sprintf(" %q", d.Answer.Name)
	}
	return s
}

func (d *auditDetail) summary() string {
	if d.Route.Describe != nil {
		return d.Route.Describe(d)
	}
	s := d.Route.Verb + " " + d.subject()
	a := d.Answer
	switch {
	case d.Status >= 400:
	case a.Role != "":
		s += " (role " + a.Role + ")"
	case len(a.Scopes) > 0:
		s += " (scopes " + strings.Join(a.Scopes, ", ") + ")"
	case a.Revision > 1 && d.Route.Param != "":
		s += fmt.Sprintf(" to revision %d", a.Revision)
	}
	return s
}

// maxAuditAnswer is the largest JSON answer read for a summary's details
// (a board's name and revision); a larger board is recorded without them
// rather than parsed on the request path.
const maxAuditAnswer = 256 << 10

// auditLog records every change answered through the app (a POST, PUT,
// PATCH or DELETE under 400) with who made it, and refusals (401, 403) of
// known users and tokens and failed logins; see docs/operations.md. It is
// installed before the auth guard so it sees the guard's refusals; the
// guard leaves who was asking in the request's locals either way. Writing
// is the recorder's: this only builds the entry.
func auditLog(rec *audit.Recorder, routes map[string]auditRoute) fiber.Handler {
	// Matches a path to its pattern when the router did not get to a
	// route (the guard refused first), as the guard's own table does.
	var patterns auth.Rules
	for k := range routes {
		m, p, _ := strings.Cut(k, " ")
		patterns = append(patterns, auth.Rule{Method: m, Path: p, Public: true})
	}
	return func(c *fiber.Ctx) error {
		method := c.Method()
		if method != fiber.MethodPost && method != fiber.MethodPut && method != fiber.MethodPatch && method != fiber.MethodDelete {
			return c.Next()
		}
		err := c.Next()
		if err != nil {
			// Answer the error here (as RequestLog does) so the status
			// recorded is the one the client gets.
			if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		status := c.Response().StatusCode()
		if status >= 400 && status != fiber.StatusUnauthorized && status != fiber.StatusForbidden {
			return nil
		}
		// The route the router reached; after a refusal by the guard that
		// is a middleware's ("/"), so the path is matched to the table.
		pattern := c.Route().Path
		route, ok := routes[method+" "+pattern]
		if !ok {
			if m := patterns.Match(method, c.Path()); m != nil {
				pattern = m.Path
				route, ok = routes[method+" "+pattern]
			}
		}
		if !ok || route.Action == "" {
			return nil
		}
		e, ok := auditEntry(c, &route, method+" "+pattern, status, err)
		if ok {
			rec.Record(e)
		}
		return nil
	}
}

// auditEntry builds the entry of one answered change; ok is false for a
// refusal not worth recording (see auditLog).
func auditEntry(c *fiber.Ctx, route *auditRoute, key string, status int, err error) (audit.Entry, bool) {
	e := audit.Entry{Action: route.Action, Route: key, Status: status, IP: c.IP(), TargetType: route.Target}
	e.Actor, e.ActorKind = audit.Anonymous, audit.KindAnonymous
	if u := auth.UserOf(c); u != nil {
		e.Actor, e.ActorKind = u.Name, audit.KindUser
	} else if t := auth.TokenOf(c); t != nil {
		e.Actor, e.ActorKind = "token:"+t.Name, audit.KindToken
	} else if dp := auth.DisplayOf(c); dp != nil {
		e.Actor, e.ActorKind = "display:"+dp.Name, audit.KindDisplay
	}
	// From the path, not c.Params: after the guard refused, the router
	// never reached the route.
	d := auditDetail{Route: route, Status: status, Params: patternParams(strings.TrimPrefix(key, c.Method()+" "), c.Path())}
	if ae := errs.As(err); ae != nil {
		d.ErrMessage = ae.Message
	}
	if status < 400 {
		readAnswer(c, &d.Answer)
	}
	switch {
	case route.Param != "":
		d.TargetID = d.Params[route.Param]
	case d.Answer.User != nil:
		d.TargetID = string(d.Answer.User.ID)
	default:
		d.TargetID = string(d.Answer.ID)
	}
	switch route.Action {
	case "screen.switch", "screen.restore":
		var in struct {
			Group string `json:"group"`
		}
		_ = json.Unmarshal(c.Body(), &in)
		d.Group = in.Group
	case "auth.login":
		var in struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(c.Body(), &in)
		if status < 400 && d.Answer.User != nil {
			e.Actor, e.ActorKind = d.Answer.User.Name, audit.KindUser
		} else {
			d.TargetID = in.Name // who someone tried to log in as
		}
	case "auth.setup":
		if status >= 400 {
			break // anonymous: not recorded
		}
		if d.Answer.User != nil {
			e.Actor, d.TargetID = d.Answer.User.Name, string(d.Answer.User.ID)
		} else {
			e.Actor = c.FormValue("name") // the form: answered with a redirect
		}
		e.ActorKind = audit.KindUser
	case "auth.logout", "auth.logout_all":
		if u := auth.UserOf(c); u != nil {
			d.TargetID = fmt.Sprint(u.ID)
		}
	case "user.update":
		d.BodyKeys = jsonKeys(c.Body())
	}
	if status >= 400 && e.ActorKind == audit.KindAnonymous && route.Action != "auth.login" {
		// Anyone can make these without limit; they would crowd real
		// changes out of the retention (the guard logs token refusals).
		return e, false
	}
	d.Actor = e.Actor
	e.TargetID = d.TargetID
	e.Summary = d.summary()
	if status >= 400 && route.Action != "auth.login" {
		what := route.Target
		if d.TargetID != "" {
			what += " " + d.TargetID
		}
		e.Summary = fmt.Sprintf("refused %s on %s: %s", route.Action, what, d.ErrMessage)
	}
	return e, true
}

// readAnswer decodes the fields a summary uses from a JSON answer.
func readAnswer(c *fiber.Ctx, a *auditAnswer) {
	body := c.Response().Body()
	if len(body) == 0 || len(body) > maxAuditAnswer {
		return
	}
	if mt, _, err := mime.ParseMediaType(string(c.Response().Header.ContentType())); err != nil || mt != fiber.MIMEApplicationJSON {
		return
	}
	_ = json.Unmarshal(body, a) // an answer of another shape: no details
}

// jsonKeys lists a JSON object's keys, sorted: what a change set (never
// the values: one is a password).
func jsonKeys(body []byte) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// patternParams reads a route pattern's ":name" parameters from a path
// ("/api/v1/boards/:id", "/api/v1/boards/ops" → id=ops).
func patternParams(pattern, path string) map[string]string {
	out := map[string]string{}
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range ps {
		if strings.HasPrefix(p, ":") && i < len(segs) {
			out[strings.TrimSuffix(p[1:], "?")] = segs[i]
		}
	}
	return out
}

// groupOf is " of group G" for a switch or restore that named a group.
func groupOf(d *auditDetail) string {
	if d.Group == "" {
		return ""
	}
	return fmt.Sprintf(" of group %q", d.Group)
}
