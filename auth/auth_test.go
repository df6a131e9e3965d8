package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/internal/sqlitedb"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// env is a Service on a real SQLite file with a fake clock and captured logs.
type env struct {
	svc   *auth.Service
	store *auth.SQLiteStore
	clock *clock
	logs  *logBuffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "auth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{store: auth.NewSQLiteStore(db), clock: &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, logs: &logBuffer{}}
	e.svc = auth.NewService(e.store, slog.New(slog.NewTextHandler(e.logs, nil)), e.clock.Now)
	e.svc.SetHashCost(bcrypt.MinCost)
	return e
}

const goodPassword = "correct horse battery"

func (e *env) user(t *testing.T, name string, role auth.Role) *auth.User {
	t.Helper()
	u, err := e.svc.CreateUser(context.Background(), auth.NewUser{Name: name, Role: string(role), Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var cl = auth.Client{IP: "192.0.2.7", UserAgent: "test"}

func wantCode(t *testing.T, err error, code errs.Code, field, msgPart string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != code || e.Field != field || !strings.Contains(e.Message, msgPart) {
		t.Fatalf("error = %#v (%v), want code %s field %q message containing %q", e, err, code, field, msgPart)
	}
}

func TestPasswordMinimumLength(t *testing.T) {
	cases := []struct {
		name, pw string
		ok       bool
		msg      string
	}{
		{"TooShort", "elevenchars", false, "is 11 characters; a password needs at least 12"},
		{"Exactly12", "twelve chars", true, ""},
		{"CountsCharactersNotBytes", "ääääääääääää", true, ""},
		{"OverBcryptLimit", strings.Repeat("x", auth.MaxPasswordBytes+1), false, "is 73 bytes; at most 72"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := auth.ValidatePassword("password", c.pw)
			if c.ok {
				if err != nil {
					t.Fatalf("ValidatePassword = %v", err)
				}
				return
			}
			wantCode(t, err, errs.Invalid, "password", c.msg)
		})
	}
	e := newEnv(t)
	_, err := e.svc.CreateUser(context.Background(), auth.NewUser{Name: "ann", Role: "viewer", Password: "short"})
	wantCode(t, err, errs.Invalid, "password", "at least 12")
	if n, _ := e.store.CountUsers(context.Background()); n != 0 {
		t.Fatalf("a refused user was stored: %d users", n)
	}
}

func TestUserValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.svc.CreateUser(ctx, auth.NewUser{Name: "ann smith", Role: "viewer", Password: goodPassword})
	wantCode(t, err, errs.Invalid, "name", "may use letters")
	_, err = e.svc.CreateUser(ctx, auth.NewUser{Name: "ann", Role: "owner", Password: goodPassword})
	wantCode(t, err, errs.Invalid, "role", `"owner" is not a role: use admin, editor or viewer`)
	e.user(t, "ann", auth.Admin)
	_, err = e.svc.CreateUser(ctx, auth.NewUser{Name: "ANN", Role: "viewer", Password: goodPassword})
	wantCode(t, err, errs.Conflict, "name", "already exists")
}

func TestLastAdminKept(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.user(t, "root", auth.Admin)
	viewer := "viewer"
	_, err := e.svc.UpdateUser(ctx, a.ID, auth.UserUpdate{Role: &viewer})
	wantCode(t, err, errs.Conflict, "", "last admin")
	wantCode(t, e.store.DeleteUser(ctx, a.ID), errs.Conflict, "", "last admin")
	b := e.user(t, "second", auth.Admin)
	if _, err := e.svc.UpdateUser(ctx, a.ID, auth.UserUpdate{Role: &viewer}); err != nil {
		t.Fatalf("demote with another admin: %v", err)
	}
	wantCode(t, e.store.DeleteUser(ctx, b.ID), errs.Conflict, "", "last admin")
}

func TestSessionRotatedOnLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user(t, "ann", auth.Editor)
	_, first, err := e.svc.Login(ctx, "ann", goodPassword, cl, "")
	if err != nil {
		t.Fatal(err)
	}
	// Logging in again with the first session's cookie replaces it.
	_, second, err := e.svc.Login(ctx, "ANN", goodPassword, cl, first)
	if err != nil {
		t.Fatal(err)
	}
	if second == first || len(second) != 43 {
		t.Fatalf("second session id %q (first %q): want a new 43-character id", second, first)
	}
	if u, _, _ := e.svc.Authenticate(ctx, first); u != nil {
		t.Fatal("the session from before the login still works")
	}
	if u, _, _ := e.svc.Authenticate(ctx, second); u == nil || u.Name != "ann" {
		t.Fatalf("the new session does not work: %v", u)
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user(t, "ann", auth.Viewer)
	_, tok, err := e.svc.Login(ctx, "ann", goodPassword, cl, "")
	if err != nil {
		t.Fatal(err)
	}
	// Used a little before the idle timeout each time: the session lives on.
	for range 3 {
		e.clock.Add(auth.SessionIdleTimeout - time.Hour)
		if u, _, _ := e.svc.Authenticate(ctx, tok); u == nil {
			t.Fatal("a session used within the idle timeout expired")
		}
	}
	e.clock.Add(auth.SessionIdleTimeout)
	if u, _, _ := e.svc.Authenticate(ctx, tok); u != nil {
		t.Fatal("a session idle for the idle timeout still works")
	}
	if !strings.Contains(e.logs.String(), "reason=idle") {
		t.Fatalf("expiry not logged with its reason:\n%s", e.logs)
	}
	// Ended for good: going back in time does not revive it.
	e.clock.Add(-auth.SessionIdleTimeout)
	if u, _, _ := e.svc.Authenticate(ctx, tok); u != nil {
		t.Fatal("an expired session came back")
	}
}

func TestSessionAbsoluteExpiry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user(t, "ann", auth.Viewer)
	_, tok, err := e.svc.Login(ctx, "ann", goodPassword, cl, "")
	if err != nil {
		t.Fatal(err)
	}
	// Used every day, it still ends at the absolute limit.
	for elapsed := 24 * time.Hour; elapsed < auth.SessionMaxAge; elapsed += 24 * time.Hour {
		e.clock.Add(24 * time.Hour)
		if u, _, _ := e.svc.Authenticate(ctx, tok); u == nil {
			t.Fatalf("session ended after %s, before the absolute limit", elapsed)
		}
	}
	e.clock.Add(auth.SessionMaxAge - (auth.SessionMaxAge/(24*time.Hour)-1)*24*time.Hour)
	if u, _, _ := e.svc.Authenticate(ctx, tok); u != nil {
		t.Fatal("a session in daily use outlived the absolute limit")
	}
	if !strings.Contains(e.logs.String(), "reason=absolute") {
		t.Fatalf("expiry not logged with its reason:\n%s", e.logs)
	}
}

func TestLogoutEverywhere(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.user(t, "ann", auth.Viewer)
	e.user(t, "bob", auth.Viewer)
	var toks []string
	for range 3 {
		_, tok, err := e.svc.Login(ctx, "ann", goodPassword, cl, "")
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	_, bobs, _ := e.svc.Login(ctx, "bob", goodPassword, cl, "")
	n, err := e.svc.LogoutAll(ctx, u.ID)
	if err != nil || n != 3 {
		t.Fatalf("LogoutAll = %d, %v; want 3 sessions ended", n, err)
	}
	for _, tok := range toks {
		if u, _, _ := e.svc.Authenticate(ctx, tok); u != nil {
			t.Fatal("a session survived logout everywhere")
		}
	}
	if u, _, _ := e.svc.Authenticate(ctx, bobs); u == nil {
		t.Fatal("another user's session was ended")
	}
}

func TestSetupLink(t *testing.T) {
	ctx := context.Background()
	t.Run("UsableOnce", func(t *testing.T) {
		e := newEnv(t)
		tok, exp, err := e.svc.NewSetupLink(ctx)
		if err != nil || tok == "" || !exp.Equal(e.clock.Now().Add(time.Hour)) {
			t.Fatalf("NewSetupLink = %q, %v, %v", tok, exp, err)
		}
		wantCode(t, e.svc.CheckSetup("wrong"), errs.NotFound, "", "not valid")
		// A refused password does not spend the link.
		_, _, err = e.svc.CompleteSetup(ctx, tok, "root", "short", cl)
		wantCode(t, err, errs.Invalid, "password", "at least 12")
		u, sess, err := e.svc.CompleteSetup(ctx, tok, "root", goodPassword, cl)
		if err != nil || u.Role != auth.Admin || sess == "" {
			t.Fatalf("CompleteSetup = %v, %q, %v", u, sess, err)
		}
		if got, _, _ := e.svc.Authenticate(ctx, sess); got == nil || got.Name != "root" {
			t.Fatal("the setup did not log the admin in")
		}
		_, _, err = e.svc.CompleteSetup(ctx, tok, "other", goodPassword, cl)
		wantCode(t, err, errs.NotFound, "", "works once")
		if n, _ := e.store.CountUsers(ctx); n != 1 {
			t.Fatalf("%d users after a second use, want 1", n)
		}
		// With a user, no new link is made.
		if tok, _, err := e.svc.NewSetupLink(ctx); tok != "" || err != nil {
			t.Fatalf("NewSetupLink with a user = %q, %v", tok, err)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		e := newEnv(t)
		tok, _, _ := e.svc.NewSetupLink(ctx)
		e.clock.Add(auth.SetupLinkValidity - time.Second)
		if err := e.svc.CheckSetup(tok); err != nil {
			t.Fatalf("the link failed before its hour: %v", err)
		}
		e.clock.Add(time.Second)
		_, _, err := e.svc.CompleteSetup(ctx, tok, "root", goodPassword, cl)
		wantCode(t, err, errs.NotFound, "", "not valid")
	})
	t.Run("UserAddedMeanwhile", func(t *testing.T) {
		e := newEnv(t)
		tok, _, _ := e.svc.NewSetupLink(ctx)
		e.user(t, "cli-admin", auth.Admin) // flexboard user add while the link waits
		_, _, err := e.svc.CompleteSetup(ctx, tok, "root", goodPassword, cl)
		wantCode(t, err, errs.Conflict, "", "a user already exists")
	})
}

// newApp mounts the handler and its guard with a small rule table.
func newApp(e *env) *fiber.App {
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	h := &auth.Handler{Service: e.svc, Log: slog.New(slog.NewTextHandler(e.logs, nil))}
	rules := auth.Rules{
		auth.Public("POST", "/api/v1/auth/login", "login"),
		auth.View("GET", "/api/v1/auth/me"),
		auth.View("POST", "/api/v1/auth/logout"),
		auth.Edit("POST", "/api/v1/things"),
	}
	app.Use(h.Guard(rules, nil))
	h.Register(app.Group("/api/v1"))
	app.Post("/api/v1/things", func(c *fiber.Ctx) error { return c.SendStatus(201) })
	return app
}

func call(t *testing.T, app *fiber.App, method, path, body string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func errorOf(t *testing.T, r *http.Response) *errs.Error {
	t.Helper()
	var b httpx.ErrorBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.Error == nil {
		t.Fatalf("status %d: not an error body: %v", r.StatusCode, err)
	}
	return b.Error
}

func TestLoginRateLimited(t *testing.T) {
	e := newEnv(t)
	e.user(t, "ann", auth.Editor)
	app := newApp(e)
	login := func(name, pw string) *http.Response {
		return call(t, app, "POST", "/api/v1/auth/login", `{"name":"`+name+`","password":"`+pw+`"}`, nil)
	}
	for i := range auth.MaxLoginFailuresUser {
		r := login("ann", "wrong password "+string(rune('a'+i)))
		if r.StatusCode != 401 {
			t.Fatalf("failure %d: status %d, want 401", i+1, r.StatusCode)
		}
		if e := errorOf(t, r); e.Code != errs.Unauthorized || e.Message != "wrong user name or password" {
			t.Fatalf("failure %d: %+v", i+1, e)
		}
	}
	if got := strings.Count(e.logs.String(), `msg="login failed"`); got != auth.MaxLoginFailuresUser {
		t.Fatalf("%d failures logged, want %d:\n%s", got, auth.MaxLoginFailuresUser, e.logs)
	}
	// The next attempt is refused even with the right password.
	r := login("ann", goodPassword)
	if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" || len(r.Header.Values("Set-Cookie")) != 0 {
		t.Fatalf("attempt %d: status %d, Retry-After %q: want 429 and no session", auth.MaxLoginFailuresUser+1, r.StatusCode, r.Header.Get("Retry-After"))
	}
	if er := errorOf(t, r); er.Code != errs.RateLimited || !strings.Contains(er.Message, "too many failed logins from this user: try again in 15m0s") {
		t.Fatalf("refusal = %+v", er)
	}
	if !strings.Contains(e.logs.String(), `msg="login refused: too many failed logins for this user"`) || !strings.Contains(e.logs.String(), "user=ann") {
		t.Fatalf("refusal not logged:\n%s", e.logs)
	}
	// After the window the right password works.
	e.clock.Add(auth.LoginWindow)
	if r := login("ann", goodPassword); r.StatusCode != 200 {
		t.Fatalf("after the window: status %d", r.StatusCode)
	}
}

func TestLoginRateLimitedPerIP(t *testing.T) {
	e := newEnv(t)
	e.user(t, "ann", auth.Editor)
	app := newApp(e)
	// Many names from one address: the address is stopped.
	for i := range auth.MaxLoginFailuresIP {
		r := call(t, app, "POST", "/api/v1/auth/login", `{"name":"guess`+string(rune('a'+i))+`","password":"nope nope nope"}`, nil)
		if r.StatusCode != 401 {
			t.Fatalf("failure %d: status %d", i+1, r.StatusCode)
		}
	}
	r := call(t, app, "POST", "/api/v1/auth/login", `{"name":"ann","password":"`+goodPassword+`"}`, nil)
	if r.StatusCode != 429 {
		t.Fatalf("attempt %d from one address: status %d, want 429", auth.MaxLoginFailuresIP+1, r.StatusCode)
	}
	if er := errorOf(t, r); !strings.Contains(er.Message, "from this address") {
		t.Fatalf("refusal = %+v", er)
	}
}

// session logs in through the app and returns the cookie and CSRF token.
func session(t *testing.T, app *fiber.App, name string) (cookie, csrf string) {
	t.Helper()
	r := call(t, app, "POST", "/api/v1/auth/login", `{"name":"`+name+`","password":"`+goodPassword+`"}`, nil)
	if r.StatusCode != 200 {
		t.Fatalf("login %s: status %d", name, r.StatusCode)
	}
	var body struct {
		CSRFToken string `json:"csrf_token"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	for _, c := range r.Cookies() {
		if c.Name == auth.CookieName {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
				t.Fatalf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c)
			}
			return auth.CookieName + "=" + c.Value, body.CSRFToken
		}
	}
	t.Fatal("login set no session cookie")
	return "", ""
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	e.user(t, "ann", auth.Editor)
	app := newApp(e)
	cookie, csrf := session(t, app, "ann")
	cases := []struct {
		name    string
		hdr     map[string]string
		status  int
		field   string
		message string
	}{
		{"Allowed", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf, "Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, 201, "", ""},
		{"NoToken", map[string]string{"Cookie": cookie}, 403, auth.CSRFHeader, "needs the session's CSRF token"},
		{"WrongToken", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf[:10]}, 403, auth.CSRFHeader, "needs the session's CSRF token"},
		// A form on another site posting with the cookie (and even a token).
		{"CrossSiteFetchMetadata", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf, "Sec-Fetch-Site": "cross-site"}, 403, "Sec-Fetch-Site", "another site"},
		{"CrossSiteOrigin", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf, "Origin": "https://evil.example"}, 403, "Origin", "https://evil.example may not change anything"},
		// Fetch metadata decides when the browser sends it (a privacy
		// setting may turn Origin into "null" on a same-origin form).
		{"SameOriginNullOrigin", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf, "Origin": "null", "Sec-Fetch-Site": "same-origin"}, 201, "", ""},
		{"CrossSiteSameHostOrigin", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf, "Origin": "http://example.com", "Sec-Fetch-Site": "cross-site"}, 403, "Sec-Fetch-Site", "another site"},
		{"NullOrigin", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf, "Origin": "null"}, 403, "Origin", "may not change"},
		{"SameSiteSubdomain", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf, "Sec-Fetch-Site": "same-site"}, 403, "Sec-Fetch-Site", "another site"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// httptest's host is example.com.
			r := call(t, app, "POST", "/api/v1/things", "", c.hdr)
			if r.StatusCode != c.status {
				t.Fatalf("status %d, want %d", r.StatusCode, c.status)
			}
			if c.status == 201 {
				return
			}
			if er := errorOf(t, r); er.Code != errs.Forbidden || er.Field != c.field || !strings.Contains(er.Message, c.message) {
				t.Fatalf("error %+v", er)
			}
		})
	}
	// A cross-site form posting a login (login CSRF) is refused too.
	r := call(t, app, "POST", "/api/v1/auth/login", `{"name":"ann","password":"`+goodPassword+`"}`, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if r.StatusCode != 403 {
		t.Fatalf("cross-site login: status %d, want 403", r.StatusCode)
	}
	// GET needs no token.
	if r := call(t, app, "GET", "/api/v1/auth/me", "", map[string]string{"Cookie": cookie}); r.StatusCode != 200 {
		t.Fatalf("GET me: status %d", r.StatusCode)
	}
}

func TestGuardStatuses(t *testing.T) {
	e := newEnv(t)
	e.user(t, "vic", auth.Viewer)
	app := newApp(e)
	r := call(t, app, "POST", "/api/v1/things", "", nil)
	if er := errorOf(t, r); r.StatusCode != 401 || er.Code != errs.Unauthorized || !strings.Contains(er.Message, "log in first") {
		t.Fatalf("anonymous: %d %+v", r.StatusCode, er)
	}
	cookie, csrf := session(t, app, "vic")
	r = call(t, app, "POST", "/api/v1/things", "", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf})
	if er := errorOf(t, r); r.StatusCode != 403 || er.Code != errs.Forbidden || er.Message != "POST /api/v1/things needs the editor role; vic is viewer" {
		t.Fatalf("viewer: %d %+v", r.StatusCode, er)
	}
	// An unknown path is not open: it needs an admin (the table fails closed).
	r = call(t, app, "GET", "/api/v1/nothing", "", map[string]string{"Cookie": cookie})
	if r.StatusCode != 403 {
		t.Fatalf("unknown path as viewer: status %d, want 403", r.StatusCode)
	}
	// Logout ends the session and clears the cookie.
	r = call(t, app, "POST", "/api/v1/auth/logout", "", map[string]string{"Cookie": cookie, auth.CSRFHeader: csrf})
	if r.StatusCode != 204 || !strings.Contains(r.Header.Get("Set-Cookie"), auth.CookieName+"=;") {
		t.Fatalf("logout: %d, Set-Cookie %q", r.StatusCode, r.Header.Get("Set-Cookie"))
	}
	if r := call(t, app, "GET", "/api/v1/auth/me", "", map[string]string{"Cookie": cookie}); r.StatusCode != 401 {
		t.Fatalf("after logout: status %d, want 401", r.StatusCode)
	}
}

func TestSetupForm(t *testing.T) {
	e := newEnv(t)
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	(&auth.Handler{Service: e.svc, Log: slog.New(slog.NewTextHandler(e.logs, nil))}).RegisterPages(app)
	tok, _, err := e.svc.NewSetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}
	r := call(t, app, "POST", "/setup/"+tok, "name=root&password=short", form)
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != 400 || !strings.Contains(string(body), "password: is 5 characters; a password needs at least 12") || !strings.Contains(string(body), `value="root"`) {
		t.Fatalf("short password: %d\n%s", r.StatusCode, body)
	}
	r = call(t, app, "POST", "/setup/"+tok, "name=root&password=correct+horse+battery", form)
	if r.StatusCode != 303 || r.Header.Get("Location") != "/" || !strings.HasPrefix(r.Header.Get("Set-Cookie"), auth.CookieName+"=") {
		t.Fatalf("created: %d, Location %q, Set-Cookie %q", r.StatusCode, r.Header.Get("Location"), r.Header.Get("Set-Cookie"))
	}
	r = call(t, app, "GET", "/setup/"+tok, "", nil)
	body, _ = io.ReadAll(r.Body)
	if r.StatusCode != 404 || !strings.Contains(string(body), "this setup link is not valid") || strings.Contains(string(body), "<form") {
		t.Fatalf("spent link: %d\n%s", r.StatusCode, body)
	}
}

// TestDefaultHashCost: the server's Service (no SetHashCost) stores
// passwords at BcryptCost.
func TestDefaultHashCost(t *testing.T) {
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "auth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := auth.NewService(auth.NewSQLiteStore(db), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	u, err := svc.CreateUser(context.Background(), auth.NewUser{Name: "ann", Role: "viewer", Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil || cost != auth.BcryptCost {
		t.Fatalf("stored cost %d (%v), want %d", cost, err, auth.BcryptCost)
	}
}
