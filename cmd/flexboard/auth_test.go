package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/internal/sqlitedb"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/stream/sources"
	"github.com/flexboard/flexboard/widgets"
)

const (
	testPassword    = "a long enough password"
	testIngestToken = "ingest-secret-for-the-matrix"
)

// addUser runs `flexboard user add NAME --role ROLE --password-stdin`.
func addUser(t *testing.T, db, name, role string) {
	t.Helper()
	var out, errb strings.Builder
	if code := userCmd(context.Background(), []string{"add", name, "--role", role, "--db", db, "--password-stdin"},
		strings.NewReader(testPassword+"\n"), &out, &errb); code != 0 {
		t.Fatalf("flexboard user add %s: exit %d: %s", name, code, errb.String())
	}
}

// identity is who sends a request in the matrix.
type identity struct {
	name string
	role auth.Role // "" for none
	// token, instead of a session: the ingest token or an API token with
	// scope (revoked: refused).
	token   string
	scope   auth.Scope
	revoked bool
	// display: token is a paired screen's display token.
	display bool
	cookie  string
	csrf    string
}

// login logs a user in over HTTP and returns the cookie and CSRF token.
func login(t *testing.T, base, name string) (cookie, csrf string) {
	t.Helper()
	r := do(t, "POST", base+"/api/v1/auth/login", map[string]string{"name": name, "password": testPassword})
	wantStatus(t, r, 200)
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == auth.CookieName {
			cookie = c.Name + "=" + c.Value
		}
	}
	csrf = str(r.JSON(t)["csrf_token"])
	if cookie == "" || csrf == "" {
		t.Fatalf("login %s: no cookie or csrf token: %v %s", name, r.Header, r.Body)
	}
	return cookie, csrf
}

// passwordServer starts a server with --auth=password on a fresh database
// holding an editor "ed" and a viewer "vera", both signed in.
func passwordServer(t *testing.T) (base string, ed, vera *identity) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "ed", "editor")
	addUser(t, db, "vera", "viewer")
	base = startWithFlags(t, "--db", db, "--auth", "password")
	return base, signedIn(t, base, "ed", auth.Editor), signedIn(t, base, "vera", auth.Viewer)
}

// signedIn logs in a user (made with addUser) and returns them as an identity.
func signedIn(t *testing.T, base, name string, role auth.Role) *identity {
	t.Helper()
	id := &identity{name: name, role: role}
	id.cookie, id.csrf = login(t, base, name)
	return id
}

func (id *identity) headers() []string {
	switch {
	case id.token != "":
		return []string{"Authorization", "Bearer " + id.token}
	case id.cookie != "":
		return []string{"Cookie", id.cookie, auth.CSRFHeader, id.csrf}
	}
	return nil
}

// appRoutes builds the app exactly as Run does (newApp) for cfg and returns
// its route table.
func appRoutes(t *testing.T, cfg Config) []struct{ Method, Path string } {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "routes.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := stream.NewStore(cfg.Limits, nil)
	kinds := widgets.Builtin()
	hub := stream.NewHub(stream.DefaultHubConfig(), store, viewLoader{kinds: kinds}, log)
	manager := sources.NewManager(func() stream.Appender { return store.Appender() }, log)
	defer manager.Shutdown()
	app, err := newApp(cfg, db, kinds, store, hub, manager, &pictureTaker{log: log}, auth.NewService(auth.NewSQLiteStore(db), log, nil), log)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Shutdown() // not listening: this only runs the shutdown hooks (the audit recorder)
	var out []struct{ Method, Path string }
	for _, r := range app.GetRoutes(true) {
		out = append(out, struct{ Method, Path string }{r.Method, r.Path})
	}
	return out
}

// concrete fills a route pattern's parameters with values that name
// nothing, so no request in the matrix changes or reveals anything.
func concrete(pattern string) string {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		switch {
		case strings.HasPrefix(s, ":"):
			segs[i] = "zz404"
		case s == "*":
			segs[i] = "no-such-asset.js"
		}
	}
	return strings.Join(segs, "/")
}

// TestAuthorizationMatrix is issue 9's acceptance for this slice: every
// route of the server's route table × {anonymous, viewer, editor, admin,
// the ingest token, API tokens with scope read, write and ingest, a revoked
// token} on a real server with a real SQLite file, each answer
// allowed or 401/403 as routeRules says. A route without a rule fails, and
// so does a rule for a route that no longer exists.
func TestAuthorizationMatrix(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "vera", "viewer")
	addUser(t, db, "ed", "editor")
	addUser(t, db, "ada", "admin")
	flags := []string{"--db", db, "--auth", "password", "--ingest-token", testIngestToken}
	base := startWithFlags(t, flags...)
	cfg, err := parseServe(append([]string{"--addr", "127.0.0.1:0"}, flags...), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	rules := routeRules()
	routes := appRoutes(t, cfg)

	ids := []*identity{{name: "anonymous"}, {name: "vera", role: auth.Viewer}, {name: "ed", role: auth.Editor},
		{name: "ada", role: auth.Admin}, {name: "ingest-token", token: testIngestToken, scope: auth.ScopeIngest},
		{name: "read-token", scope: auth.ScopeRead}, {name: "write-token", scope: auth.ScopeWrite},
		{name: "api-ingest-token", scope: auth.ScopeIngest}, {name: "revoked-token", scope: auth.ScopeWrite, revoked: true},
		{name: "display", display: true}, {name: "revoked-display", display: true, revoked: true}}
	for _, id := range ids {
		if id.role != "" {
			id.cookie, id.csrf = login(t, base, id.name)
		}
	}
	// Two paired screens showing a board of their own (the matrix's
	// requests name other boards), one of them revoked.
	board := str(do(t, "POST", base+"/api/v1/boards", sampleBoard("Screen board"), ids[2].headers()...).JSON(t)["id"])
	for _, id := range ids {
		if id.display {
			var sid int64
			sid, id.token = pairScreen(t, base, ids[2], map[string]any{"kind": "board", "board": board})
			if id.revoked {
				wantStatus(t, do(t, "POST", fmt.Sprintf("%s/api/v1/screens/%d/revoke", base, sid), nil, ids[2].headers()...), 200)
			}
		}
	}
	for _, id := range ids {
		if id.scope != "" && id.token == "" && !id.display {
			ada := ids[3]
			var tid int64
			tid, id.token = createToken(t, base, ada, id.name, string(id.scope))
			if id.revoked {
				wantStatus(t, do(t, "DELETE", fmt.Sprintf("%s/api/v1/tokens/%d", base, tid), nil, ada.headers()...), 204)
			}
		}
	}

	covered := map[string]bool{}
	checked := 0
	for _, rt := range routes {
		rule := rules.Find(rt.Method, rt.Path)
		if rule == nil {
			t.Errorf("%s %s has no rule in routeRules (cmd/flexboard/rules.go): say who may call it", rt.Method, rt.Path)
			continue
		}
		covered[rule.Method+" "+rule.Path] = true
		path := concrete(rt.Path)
		if m := rules.Match(rt.Method, path); m != rule {
			t.Errorf("%s %s: the guard matches %s to %v, not to its own rule", rt.Method, rt.Path, path, m)
		}
		if rt.Method == "HEAD" || rt.Method == "OPTIONS" {
			continue // HEAD is checked as GET; asked as GET below
		}
		for _, id := range ids {
			if id.name == "anonymous" && rule.IsPage() {
				// A browser without a session is sent to the sign-in page.
				wantLoginRedirect(t, base+path, path)
				checked++
				continue
			}
			if id.display && rule.IsPage() {
				// A screen opening a page not its own (or revoked) is sent
				// to the pairing page, which shows what it should.
				want := auth.PairPath
				if id.revoked {
					want += "?revoked=1"
				}
				wantRedirect(t, base+path, want, id.headers()...)
				checked++
				continue
			}
			var body any
			if rt.Method != "GET" {
				body = "{}"
			}
			r := do(t, rt.Method, base+path, body, id.headers()...)
			want := "allowed"
			switch {
			case rule.Public && rule.Display.Kind != "" && (!id.display || id.revoked):
				want = "401" // only for paired screens: checked by the screens handler
			case rule.Public:
			case id.revoked:
				want = "401"
			case id.display && rule.Display.Kind == auth.DisplayAny:
			case id.display:
				want = "403" // not for displays, or another board than its own
			case id.token != "" && id.scope.Grants(rule.Scope):
			case id.token != "":
				want = "403" // a valid token, not one for this route
			case id.role == "":
				want = "401"
			case !id.role.Includes(rule.Min):
				want = "403"
			}
			got := "allowed"
			if r.Status == 401 || r.Status == 403 {
				got = fmt.Sprint(r.Status)
				code := map[int]string{401: "unauthorized", 403: "forbidden"}[r.Status]
				if e := r.Err(t); e["code"] != code {
					t.Errorf("%s %s as %s: %d with error code %v, want %s", rt.Method, path, id.name, r.Status, e["code"], code)
				}
			}
			if got != want {
				t.Errorf("%s %s as %s: %s (status %d: %.200s), want %s", rt.Method, path, id.name, got, r.Status, r.Body, want)
			}
			checked++
			if strings.HasPrefix(rt.Path, "/api/v1/auth/logout") && id.role != "" && r.Status < 300 {
				id.cookie, id.csrf = login(t, base, id.name) // that request ended the session
			}
		}
	}
	for _, r := range rules {
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("routeRules has %s %s, but the server has no such route: remove the rule", r.Method, r.Path)
		}
	}
	if len(routes) < 60 || checked < 11*50 {
		t.Fatalf("only %d routes, %d requests: the route table was not read", len(routes), checked)
	}
	t.Logf("%d routes, %d requests checked", len(routes), checked)
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// wantRedirect asks for url and wants a 303 to location.
func wantRedirect(t *testing.T, url, location string, headers ...string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || res.Header.Get("Location") != location {
		t.Errorf("GET %s: %d to %q, want 303 to %q", url, res.StatusCode, res.Header.Get("Location"), location)
	}
}

// wantLoginRedirect asks for url without a session and wants a 303 to the
// sign-in page coming back to next.
func wantLoginRedirect(t *testing.T, url, next string, headers ...string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	want := "/login?next=" + neturl.QueryEscape(next)
	if res.StatusCode != 303 || res.Header.Get("Location") != want {
		t.Errorf("GET %s without a session: %d to %q, want 303 to %q", url, res.StatusCode, res.Header.Get("Location"), want)
	}
}

// TestLoginRedirect: under --auth=password a browser without a session (or
// with an ended one) opening a page is sent to /login?next=<the page>, query
// included; API routes keep answering 401 JSON; /login itself is served to
// anyone, and with --auth=none too.
func TestLoginRedirect(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "ada", "admin")
	base := startWithFlags(t, "--db", db, "--auth", "password")
	wantLoginRedirect(t, base+"/", "/")
	wantLoginRedirect(t, base+"/d/abc?fit=cover&variant=wide", "/d/abc?fit=cover&variant=wide")
	wantLoginRedirect(t, base+"/edit/abc", "/edit/abc")
	wantLoginRedirect(t, base+"/widgets", "/widgets", "Accept", "text/html")
	// A session that ended: redirected too.
	cookie, csrf := login(t, base, "ada")
	wantStatus(t, do(t, "GET", base+"/", nil, "Cookie", cookie), 200)
	wantStatus(t, do(t, "POST", base+"/api/v1/auth/logout", nil, "Cookie", cookie, auth.CSRFHeader, csrf), 204)
	wantLoginRedirect(t, base+"/p/abc", "/p/abc", "Cookie", cookie)
	// The API and unknown paths keep their 401 JSON.
	wantError(t, do(t, "GET", base+"/api/v1/boards", nil, "Accept", "text/html"), 401, "unauthorized", "", "log in first")
	wantError(t, do(t, "GET", base+"//evil.example/", nil), 401, "unauthorized", "", "log in first")
	// A token is no browser: 401, not a redirect.
	r := do(t, "GET", base+"/", nil, "Authorization", "Bearer nope")
	wantStatus(t, r, 401)
	page := do(t, "GET", base+"/login?next=%2Fedit%2Fabc", nil)
	wantStatus(t, page, 200)
	if !strings.Contains(string(page.Body), `id="app"`) {
		t.Fatalf("/login is not the front end's page: %.300s", page.Body)
	}
	open := startInProcess(t, "")
	wantStatus(t, do(t, "GET", open+"/login", nil), 200)
}

// createToken makes an API token as admin (an identity with a session) and
// returns its id and secret.
func createToken(t *testing.T, base string, admin *identity, name string, scopes ...string) (int64, string) {
	t.Helper()
	r := do(t, "POST", base+"/api/v1/tokens", map[string]any{"name": name, "scopes": scopes}, admin.headers()...)
	wantStatus(t, r, 201)
	m := r.JSON(t)
	secret := str(m["secret"])
	if !strings.HasPrefix(secret, auth.TokenPrefix) {
		t.Fatalf("created token %s: secret %q lacks the %s prefix", name, secret, auth.TokenPrefix)
	}
	return num(m["id"]), secret
}

// TestAuthNoneUnchanged: with the default --auth=none no route asks for a
// login, and /api/v1/auth/me says so.
func TestAuthNoneUnchanged(t *testing.T) {
	base := startInProcess(t, "")
	r := do(t, "GET", base+"/api/v1/auth/me", nil)
	wantStatus(t, r, 200)
	if string(r.Body) != `{"auth":"none"}` {
		t.Fatalf("me = %s", r.Body)
	}
	wantStatus(t, do(t, "POST", base+"/api/v1/boards", sampleBoard("open")), 201)
	wantStatus(t, do(t, "GET", base+"/api/v1/sources", nil), 200)
	wantStatus(t, do(t, "POST", base+"/api/v1/auth/login", "{}"), 404)
}

func TestAuthNoneWarnsBeyondLoopback(t *testing.T) {
	const warning = "--auth=none and listening beyond this machine"
	p := startProcess(t, filepath.Join(t.TempDir(), "a.db"), "--addr", "0.0.0.0:0")
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if !strings.Contains(p.logs.String(), warning) {
		t.Fatalf("no warning for --auth=none on 0.0.0.0:\n%s", p.logs.String())
	}
	q := startProcess(t, filepath.Join(t.TempDir(), "b.db")) // 127.0.0.1
	if err := q.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if strings.Contains(q.logs.String(), warning) {
		t.Fatalf("a loopback server was warned about:\n%s", q.logs.String())
	}
}

var setupLinkRE = regexp.MustCompile(`link=(http://\S+/setup/(\S+))`)

// TestSetupLinkFirstRun: a password server on an empty database logs a
// setup link; it shows a form, creates the first admin once (logged in),
// and is refused after.
func TestSetupLinkFirstRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	p := startProcess(t, db, "--auth", "password")
	m := setupLinkRE.FindStringSubmatch(p.logs.String())
	if m == nil {
		t.Fatalf("no setup link logged:\n%s", p.logs.String())
	}
	link := m[1]
	if len(m[2]) != 43 {
		t.Fatalf("setup token %q: want 43 characters (256 bits)", m[2])
	}
	// Everything else needs a login meanwhile.
	wantError(t, do(t, "GET", p.URL+"/api/v1/boards", nil), 401, "unauthorized", "", "log in first")
	page := do(t, "GET", link, nil)
	wantStatus(t, page, 200)
	if !strings.Contains(string(page.Body), `<form method="post">`) || page.Header.Get("Referrer-Policy") != "same-origin" {
		t.Fatalf("setup page: %s %v", page.Body, page.Header)
	}
	// A password too short is refused and the link stays usable.
	wantError(t, do(t, "POST", link, map[string]string{"name": "root", "password": "short"}), 400, "invalid", "password", "at least 12")
	r := do(t, "POST", link, map[string]string{"name": "root", "password": testPassword})
	wantStatus(t, r, 201)
	var cookie string
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == auth.CookieName {
			cookie = c.Name + "=" + c.Value
		}
	}
	me := do(t, "GET", p.URL+"/api/v1/auth/me", nil, "Cookie", cookie)
	wantStatus(t, me, 200)
	if u := me.JSON(t)["user"].(map[string]any); u["name"] != "root" || u["role"] != "admin" {
		t.Fatalf("me after setup = %s", me.Body)
	}
	wantError(t, do(t, "POST", link, map[string]string{"name": "again", "password": testPassword}), 404, "not_found", "", "works once")
	gone := do(t, "GET", link, nil)
	wantStatus(t, gone, 404)
	if !strings.Contains(string(gone.Body), "not valid") {
		t.Fatalf("spent link page: %s", gone.Body)
	}
	// A cross-site form posting to a setup link is refused.
	wantError(t, do(t, "POST", link, map[string]string{"name": "x", "password": testPassword}, "Sec-Fetch-Site", "cross-site"),
		403, "forbidden", "Sec-Fetch-Site", "another site")
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The next start has a user: no link.
	q := startProcess(t, db, "--auth", "password")
	if strings.Contains(q.logs.String(), "setup link") {
		t.Fatalf("a setup link with a user present:\n%s", q.logs.String())
	}
}

// TestPasswordServer walks one user through a password server: login,
// CSRF refusal of a cross-site post, users managed by an admin, logout
// everywhere.
func TestPasswordServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "ada", "admin")
	base := startWithFlags(t, "--db", db, "--auth", "password")
	wantError(t, do(t, "POST", base+"/api/v1/auth/login", map[string]string{"name": "ada", "password": "wrong password!"}), 401, "unauthorized", "", "wrong user name or password")
	cookie, csrf := login(t, base, "ada")
	// A form on another site posting with the cookie: refused, nothing made.
	r := do(t, "POST", base+"/api/v1/boards", "name=x", "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	wantError(t, r, 403, "forbidden", "Sec-Fetch-Site", "another site")
	wantError(t, do(t, "POST", base+"/api/v1/boards", sampleBoard("no token"), "Cookie", cookie), 403, "forbidden", auth.CSRFHeader, "CSRF token")
	live, _ := boardCountAs(t, base, cookie)
	if live != 0 {
		t.Fatalf("%d boards after refused posts", live)
	}
	wantStatus(t, do(t, "POST", base+"/api/v1/boards", sampleBoard("with token"), "Cookie", cookie, auth.CSRFHeader, csrf), 201)

	// Users.
	wantError(t, do(t, "POST", base+"/api/v1/users", map[string]string{"name": "vic", "role": "viewer", "password": "short"}, "Cookie", cookie, auth.CSRFHeader, csrf),
		400, "invalid", "password", "at least 12")
	r = do(t, "POST", base+"/api/v1/users", map[string]string{"name": "vic", "role": "viewer", "password": testPassword}, "Cookie", cookie, auth.CSRFHeader, csrf)
	wantStatus(t, r, 201)
	vic := r.JSON(t)
	if _, leaked := vic["password_hash"]; leaked || vic["role"] != "viewer" || r.Header.Get("Location") != fmt.Sprintf("/api/v1/users/%d", num(vic["id"])) {
		t.Fatalf("created user = %s (Location %s)", r.Body, r.Header.Get("Location"))
	}
	vc, vcsrf := login(t, base, "vic")
	wantError(t, do(t, "GET", base+"/api/v1/users", nil, "Cookie", vc), 403, "forbidden", "", "needs the admin role; vic is viewer")
	wantError(t, do(t, "POST", base+"/api/v1/boards", sampleBoard("viewer"), "Cookie", vc, auth.CSRFHeader, vcsrf), 403, "forbidden", "", "needs the editor role")
	// Promoted, the same session may edit at once.
	uid := fmt.Sprint(num(vic["id"]))
	wantStatus(t, do(t, "PUT", base+"/api/v1/users/"+uid, map[string]string{"role": "editor"}, "Cookie", cookie, auth.CSRFHeader, csrf), 200)
	wantStatus(t, do(t, "POST", base+"/api/v1/boards", sampleBoard("editor now"), "Cookie", vc, auth.CSRFHeader, vcsrf), 201)
	wantError(t, do(t, "PUT", base+"/api/v1/users/1", map[string]string{"role": "viewer"}, "Cookie", cookie, auth.CSRFHeader, csrf), 409, "conflict", "", "last admin")
	list := do(t, "GET", base+"/api/v1/users", nil, "Cookie", cookie)
	wantStatus(t, list, 200)
	if n := len(list.JSON(t)["users"].([]any)); n != 2 {
		t.Fatalf("%d users listed, want 2", n)
	}

	// Log out everywhere: both of vic's sessions end.
	vc2, _ := login(t, base, "vic")
	r = do(t, "POST", base+"/api/v1/auth/logout-all", nil, "Cookie", vc, auth.CSRFHeader, vcsrf)
	wantStatus(t, r, 200)
	if num(r.JSON(t)["ended"]) != 2 {
		t.Fatalf("logout-all = %s, want 2 ended", r.Body)
	}
	wantStatus(t, do(t, "GET", base+"/api/v1/auth/me", nil, "Cookie", vc2), 401)
	wantStatus(t, do(t, "DELETE", base+"/api/v1/users/"+uid, nil, "Cookie", cookie, auth.CSRFHeader, csrf), 204)
	wantError(t, do(t, "POST", base+"/api/v1/auth/login", map[string]string{"name": "vic", "password": testPassword}), 401, "unauthorized", "", "wrong user name")
}

func boardCountAs(t *testing.T, base, cookie string) (int, int) {
	t.Helper()
	l := do(t, "GET", base+"/api/v1/boards", nil, "Cookie", cookie)
	wantStatus(t, l, 200)
	return len(l.JSON(t)["boards"].([]any)), 0
}

func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "fb.db")
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb strings.Builder
		code := userCmd(ctx, args, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	cases := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		out     string
		errPart string
	}{
		{"NoSubcommand", "", nil, 2, "", "want add, reset-password or list"},
		{"AddNeedsRole", "", []string{"add", "ann", "--db", db}, 2, "", "--role is required"},
		{"AddBadRole", "", []string{"add", "ann", "--role", "boss", "--db", db}, 1, "", `role: "boss" is not a role`},
		{"AddShortPassword", "short\n", []string{"add", "ann", "--role", "admin", "--db", db, "--password-stdin"}, 1, "", "password: is 5 characters; a password needs at least 12"},
		{"Add", testPassword + "\n", []string{"add", "ann", "--role", "admin", "--db", db, "--password-stdin"}, 0, "created user ann (id 1, admin)\n", ""},
		{"AddFlagsFirst", "", []string{"add", "--db", db, "--role", "viewer", "bob"}, 0, "created user bob (id 2, viewer)\npassword: ", ""},
		{"AddTaken", "", []string{"add", "ANN", "--role", "viewer", "--db", db}, 1, "", `a user named "ANN" already exists`},
		{"ResetUnknown", "", []string{"reset-password", "zed", "--db", db}, 1, "", `no user named "zed"`},
		{"ResetNoRole", "", []string{"reset-password", "ann", "--role", "viewer", "--db", db}, 2, "", "--role only goes with add"},
		{"TwoNames", "", []string{"reset-password", "ann", "bob", "--db", db}, 2, "", "exactly one user NAME"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(c.stdin, c.args...)
			if code != c.code || !strings.HasPrefix(out, c.out) || !strings.Contains(errOut, c.errPart) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q…, stderr with %q", code, out, errOut, c.code, c.out, c.errPart)
			}
		})
	}
	// A generated password is printed once and works.
	_, out, _ := run("", "reset-password", "bob", "--db", db)
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	if m == nil || len(m[1]) != 20 || !strings.Contains(out, "sessions are ended") {
		t.Fatalf("reset output %q", out)
	}
	conn, err := sqlitedb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	svc := auth.NewService(auth.NewSQLiteStore(conn), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	_, sess, err := svc.Login(ctx, "bob", m[1], auth.Client{IP: "127.0.0.1"}, "")
	if err != nil {
		t.Fatalf("login with the generated password: %v", err)
	}
	// Resetting again ends that session.
	if code, _, e := run(testPassword+"\n", "reset-password", "bob", "--db", db, "--password-stdin"); code != 0 {
		t.Fatalf("reset: %s", e)
	}
	if u, _, _ := svc.Authenticate(ctx, sess); u != nil {
		t.Fatal("a session survived a password reset")
	}
	code, out, _ := run("", "list", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !regexp.MustCompile(`^ID\s+NAME\s+ROLE\s+CREATED\s+LAST LOGIN$`).MatchString(lines[0]) ||
		!regexp.MustCompile(`^1\s+ann\s+admin\s+\S+Z\s+never$`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^2\s+bob\s+viewer\s+\S+Z\s+\d{4}-\S+Z$`).MatchString(lines[2]) {
		t.Fatalf("list:\n%s", out)
	}
}

func TestAuthFlag(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := parseServe(nil, env(nil))
	if err != nil || cfg.Auth != authPassword {
		t.Fatalf("default --auth = %q, %v; want password (the open mode is asked for)", cfg.Auth, err)
	}
	if cfg, err := parseServe(nil, env(map[string]string{"FLEXBOARD_AUTH": "none"})); err != nil || cfg.Auth != authNone {
		t.Fatalf("FLEXBOARD_AUTH=none: %q, %v", cfg.Auth, err)
	}
	if _, err := parseServe([]string{"--auth", "ldap"}, env(nil)); err == nil || err.Error() != `--auth "ldap": use password or none` {
		t.Fatalf("--auth ldap: %v", err)
	}
}
