package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
)

// MaxBodyBytes bounds the JSON (or form) body of the auth and user
// endpoints: a name, a role and a password fit in far less.
const MaxBodyBytes = 4096

// Handler serves login, logout, the current user, user management and the
// first run's setup page, and guards every route with Guard.
type Handler struct {
	Service *Service
	Log     *slog.Logger
	// Displays checks the display tokens of paired screens; nil: the
	// server has no screens and such tokens are refused.
	Displays DisplayChecker
}

// Register mounts the auth and user endpoints on r (the /api/v1 group).
func (h *Handler) Register(r fiber.Router) {
	r.Post("/auth/login", h.login)
	r.Post("/auth/logout", h.logout)
	r.Post("/auth/logout-all", h.logoutAll)
	r.Get("/auth/me", h.me)
	r.Get("/users", h.listUsers)
	r.Post("/users", h.createUser)
	r.Put("/users/:id", h.updateUser)
	r.Delete("/users/:id", h.deleteUser)
	r.Get("/tokens", h.listTokens)
	r.Post("/tokens", h.createToken)
	r.Delete("/tokens/:id", h.revokeToken)
}

// RegisterPages mounts the setup page on the app root.
func (h *Handler) RegisterPages(r fiber.Router) {
	r.Get("/setup/:token", h.setupPage)
	r.Post("/setup/:token", h.setupSubmit)
}

// userKey is the Fiber Locals key of the request's user.
type userKey struct{}

// sessionKey is the Fiber Locals key of the request's session id.
type sessionKey struct{}

// sessionInfoKey is the Fiber Locals key of the request's *Session.
type sessionInfoKey struct{}

// UserOf returns the user the request was authenticated as, or nil. After
// Guard refused a request (403), it is the user who was refused.
func UserOf(c *fiber.Ctx) *User {
	u, _ := c.Locals(userKey{}).(*User)
	return u
}

func sessionOf(c *fiber.Ctx) string {
	s, _ := c.Locals(sessionKey{}).(string)
	return s
}

func client(c *fiber.Ctx) Client {
	return Client{IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)}
}

// TokenChecker returns the token a bearer secret is: (nil, nil) for a
// secret it does not know, an error for one it refuses (revoked). nil
// knows no token.
type TokenChecker func(ctx context.Context, secret string) (*APIToken, error)

// tokenKey is the Fiber Locals key of the request's *APIToken.
type tokenKey struct{}

// TokenOf returns the API token the request was authenticated with, or nil.
// After Guard refused a request for a scope (403), it is the token refused.
func TokenOf(c *fiber.Ctx) *APIToken {
	t, _ := c.Locals(tokenKey{}).(*APIToken)
	return t
}

// Guard is the one middleware that applies rules to every request:
// anonymous → 401 (a page: 303 to the sign-in page), a role too low → 403
// (a page a browser asked for as HTML: a 403 page saying why), a cookie-authenticated change
// without its CSRF token or from another site → 403; a bearer token
// (tokens) unknown or revoked → 401, without a scope the rule grants → 403.
// A request that
// matches no rule (an unknown path) needs an admin: the table fails
// closed, and the authorization matrix test makes sure every real route has
// its rule.
func (h *Handler) Guard(rules Rules, tokens TokenChecker) fiber.Handler {
	fallback := Rule{Min: Admin}
	return func(c *fiber.Ctx) error {
		rule := rules.Match(c.Method(), c.Path())
		if rule == nil {
			rule = &fallback
		}
		if rule.Public {
			if rule.Identify {
				// Public, but the handler asks who it is (a private
				// board's snapshot): a valid session is noted, nothing
				// is refused here.
				if token := c.Cookies(CookieName); token != "" {
					if u, ss, err := h.Service.Authenticate(c.UserContext(), token); err == nil && u != nil {
						c.Locals(userKey{}, u)
						c.Locals(sessionKey{}, token)
						c.Locals(sessionInfoKey{}, ss)
					}
				}
			}
			return c.Next()
		}
		if bearer, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok && !isDisplayToken(bearer) {
			// Not cookie-authenticated, so no CSRF check: a browser never
			// adds this header by itself.
			return h.bearer(c, rule, tokens, bearer)
		}
		token := c.Cookies(CookieName)
		u, ss, err := h.Service.Authenticate(c.UserContext(), token)
		if err != nil {
			return err
		}
		if u == nil {
			// A paired screen (or a player with ?token=) has no session:
			// a person signed in on the same browser comes first.
			if dt, inQuery := DisplayToken(c); dt != "" {
				if token != "" {
					clearCookie(c)
				}
				return h.display(c, rule, h.Displays, dt, inQuery)
			}
			if token != "" {
				clearCookie(c)
			}
			if rule != &fallback && rule.IsPage() {
				// A person opening a page gets the sign-in page, which
				// brings them back here; an API caller gets the 401 below.
				c.Set(fiber.HeaderCacheControl, "no-store")
				return c.Redirect(LoginRedirect(c.OriginalURL()), fiber.StatusSeeOther)
			}
			return errs.E(errs.Unauthorized, "", "log in first: POST /api/v1/auth/login (your session is missing or has expired)")
		}
		// Known before any refusal below, so the audit log can say who
		// was refused; no handler runs after a refusal.
		c.Locals(userKey{}, u)
		if !u.Role.Includes(rule.Min) {
			if rule != &fallback && rule.IsPage() && wantsHTML(c) {
				// A person following a link gets a page that says why, not
				// the API's JSON.
				return h.forbiddenPage(c, u, rule.Min)
			}
			return errs.E(errs.Forbidden, "", "%s %s needs the %s role; %s is %s", c.Method(), c.Path(), rule.Min, u.Name, u.Role)
		}
		if unsafeMethod(c.Method()) {
			if err := sameOrigin(c); err != nil {
				h.Log.Warn("cross-site request refused", "method", c.Method(), "path", c.Path(), "user", u.Name, "ip", c.IP(), "reason", err.Error())
				return err
			}
			if !equalTokens(c.Get(CSRFHeader), csrfToken(token)) {
				return errs.E(errs.Forbidden, CSRFHeader, "a change needs the session's CSRF token in the %s header (csrf_token of GET /api/v1/auth/me)", CSRFHeader)
			}
		}
		c.Locals(sessionKey{}, token)
		c.Locals(sessionInfoKey{}, ss)
		return c.Next()
	}
}

func unsafeMethod(m string) bool {
	return m != fiber.MethodGet && m != fiber.MethodHead && m != fiber.MethodOptions
}

// sameOrigin refuses a request a browser marks as coming from another site,
// as Go's http.CrossOriginProtection does: Sec-Fetch-Site (sent by every
// current browser) decides when present, and must be same-origin or none;
// without it, an Origin header must name this server's host. A request with
// neither is not from a browser (curl, an agent) and passes.
func sameOrigin(c *fiber.Ctx) error {
	if sfs := c.Get("Sec-Fetch-Site"); sfs != "" {
		if sfs == "same-origin" || sfs == "none" {
			return nil
		}
		return errs.E(errs.Forbidden, "Sec-Fetch-Site", "a request from another site (Sec-Fetch-Site: %s) may not change anything here", sfs)
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		u, err := url.Parse(o)
		// Hostname: the Host header, or a trusted proxy's X-Forwarded-Host.
		if o == "null" || err != nil || !strings.EqualFold(u.Host, c.Hostname()) {
			return errs.E(errs.Forbidden, "Origin", "a request from %s may not change anything on %s", o, c.Hostname())
		}
	}
	return nil
}

func setCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: CookieName, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c)})
}

func clearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: CookieName, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c)})
}

// secure reports whether the browser reached the server over HTTPS: the
// server's own TLS, or a reverse proxy's that says so in X-Forwarded-Proto
// (Fiber believes that header only from the app's trusted proxies, when
// the app checks them, as cmd/flexboard's does).
func secure(c *fiber.Ctx) bool {
	return c.Protocol() == "https"
}

// sessionBody is the answer of a login and of GET /auth/me.
type sessionBody struct {
	Auth      string    `json:"auth"`
	User      *User     `json:"user"`
	CSRFToken string    `json:"csrf_token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (h *Handler) login(c *fiber.Ctx) error {
	if err := sameOrigin(c); err != nil {
		h.Log.Warn("cross-site login refused", "ip", c.IP(), "reason", err.Error())
		return err
	}
	var in struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	if in.Name == "" {
		return errs.Invalidf("name", "is required")
	}
	if in.Password == "" {
		return errs.Invalidf("password", "is required")
	}
	u, token, err := h.Service.Login(c.UserContext(), in.Name, in.Password, client(c), c.Cookies(CookieName))
	var le *limitedError
	if errors.As(err, &le) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(le.retry.Seconds())+1))
	}
	if err != nil {
		return err
	}
	return h.startSession(c, u, token, fiber.StatusOK)
}

func (h *Handler) startSession(c *fiber.Ctx, u *User, token string, status int) error {
	expires := h.Service.now().Add(SessionMaxAge)
	setCookie(c, token, expires)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(sessionBody{Auth: "password", User: u, CSRFToken: csrfToken(token), ExpiresAt: expires.UTC()})
}

func (h *Handler) me(c *fiber.Ctx) error {
	if d := DisplayOf(c); d != nil {
		// A paired screen: no user and no CSRF token (it changes nothing).
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"auth": "password", "display": fiber.Map{"id": d.ID, "name": d.Name}})
	}
	u := UserOf(c)
	ss, _ := c.Locals(sessionInfoKey{}).(*Session)
	if u == nil || ss == nil { // only if mounted without Guard
		return errs.E(errs.Unauthorized, "", "log in first: POST /api/v1/auth/login")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(sessionBody{Auth: "password", User: u, CSRFToken: csrfToken(sessionOf(c)), ExpiresAt: ss.ExpiresAt().UTC()})
}

func (h *Handler) logout(c *fiber.Ctx) error {
	if err := h.Service.Logout(c.UserContext(), sessionOf(c)); err != nil {
		return err
	}
	clearCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) logoutAll(c *fiber.Ctx) error {
	u := UserOf(c)
	n, err := h.Service.LogoutAll(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	h.Log.Info("logged out everywhere", "user", u.Name, "sessions", n)
	clearCookie(c)
	return c.JSON(fiber.Map{"ended": n})
}

func (h *Handler) listUsers(c *fiber.Ctx) error {
	us, err := h.Service.store.FindUsers(c.UserContext())
	if err != nil {
		return err
	}
	// The password minimum comes along, so a form can say it before a
	// person types.
	return c.JSON(fiber.Map{"users": us, "min_password_length": MinPasswordLength})
}

func (h *Handler) createUser(c *fiber.Ctx) error {
	var in NewUser
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	u, err := h.Service.CreateUser(c.UserContext(), in)
	if err != nil {
		return err
	}
	h.Log.Info("user created", "user", u.Name, "role", string(u.Role), "by", UserOf(c).Name)
	c.Location(fmt.Sprintf("/api/v1/users/%d", u.ID))
	return c.Status(fiber.StatusCreated).JSON(u)
}

func userID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errs.Invalidf("id", "%q is not a user id (a positive whole number)", c.Params("id"))
	}
	return id, nil
}

func (h *Handler) updateUser(c *fiber.Ctx) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	var in UserUpdate
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	u, err := h.Service.UpdateUser(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	h.Log.Info("user changed", "user", u.Name, "role", string(u.Role), "password_changed", in.Password != nil, "by", UserOf(c).Name)
	return c.JSON(u)
}

func (h *Handler) deleteUser(c *fiber.Ctx) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	if err := h.Service.store.DeleteUser(c.UserContext(), id); err != nil {
		return err
	}
	h.Log.Info("user deleted", "id", id, "by", UserOf(c).Name)
	return c.SendStatus(fiber.StatusNoContent)
}

// wantsHTML reports whether the request is a browser's navigation: its
// Accept header names text/html (curl and API clients send */* or JSON).
func wantsHTML(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

// forbiddenTemplate is the 403 page of a signed-in person whose role is too
// low for a page: plain, no script, styled inline like the setup page.
var forbiddenTemplate = template.Must(template.New("forbidden").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Not allowed · Flexboard</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#111217;color:#d8d9e3;margin:0;padding:48px 16px}
main{max-width:520px;margin:0 auto}h1{color:#f0f1f6;font-size:24px;margin:0 0 12px}code{font-family:ui-monospace,monospace}
a{display:inline-block;margin:16px 12px 0 0;padding:6px 14px;border-radius:4px;border:1px solid #3b4150;color:#d8d9e3;text-decoration:none}
a.primary{background:#3d71d9;border-color:#3d71d9;color:#fff}.hint{color:#9a9db0}</style></head>
<body><main data-testid="forbidden"><h1>This page needs the {{.Need}} role</h1>
<p>You are signed in as <strong>{{.Name}}</strong>, with the {{.Role}} role, and <code>{{.Path}}</code> is for {{.Need}}s only.</p>
<p class="hint">Ask an admin to change your role, or sign in as someone else.</p>
<a class="primary" href="/">Go to the board list</a><a href="{{.Login}}">Sign in as someone else</a>
</main></body></html>`))

// forbiddenPage answers 403 with forbiddenTemplate.
func (h *Handler) forbiddenPage(c *fiber.Ctx, u *User, need Role) error {
	var b strings.Builder
	err := forbiddenTemplate.Execute(&b, map[string]any{"Name": u.Name, "Role": string(u.Role), "Need": string(need),
		"Path": c.Path(), "Login": LoginRedirect(c.OriginalURL())})
	if err != nil {
		return fmt.Errorf("render forbidden page: %w", err)
	}
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.Status(fiber.StatusForbidden).SendString(b.String())
}

// setupTemplate is the first run's page: a plain form, no script, styled
// inline so it needs no asset.
var setupTemplate = template.Must(template.New("setup").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Flexboard — create the first admin</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#111827;color:#e5e7eb;margin:0;padding:48px 16px}
main{max-width:420px;margin:0 auto}label{display:block;margin:16px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;font:inherit;border-radius:4px;border:1px solid #4b5563;background:#1f2937;color:inherit}
button{margin-top:20px;padding:8px 16px;font:inherit;border:0;border-radius:4px;background:#2563eb;color:#fff}
.err{background:#7f1d1d;padding:8px 12px;border-radius:4px}.hint{color:#9ca3af;font-size:14px}</style></head>
<body><main><h1>Create the first admin</h1>
{{if .Gone}}<p class="err">{{.Error}}</p>{{else}}
<p class="hint">This link works once. The account you create here can add everyone else.</p>
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
<form method="post"><label for="name">User name</label><input id="name" name="name" value="{{.Name}}" autocomplete="username" required maxlength="{{.MaxName}}">
<label for="password">Password (at least {{.MinPassword}} characters)</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="{{.MinPassword}}">
<button type="submit">Create admin and log in</button></form>{{end}}
</main></body></html>`))

func (h *Handler) renderSetup(c *fiber.Ctx, status int, name string, err error) error {
	data := map[string]any{"Name": name, "MinPassword": MinPasswordLength, "MaxName": MaxNameLength}
	if err != nil {
		data["Error"] = err.Error()
		data["Gone"] = errs.CodeOf(err) == errs.NotFound || errs.CodeOf(err) == errs.Conflict
	}
	var b strings.Builder
	if err := setupTemplate.Execute(&b, data); err != nil {
		return fmt.Errorf("render setup page: %w", err)
	}
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The token is in the URL: it goes to no other site. (no-referrer would
	// make the browser send "Origin: null" with the form.)
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Type("html", "utf-8")
	return c.Status(status).SendString(b.String())
}

func (h *Handler) setupPage(c *fiber.Ctx) error {
	if err := h.Service.CheckSetup(c.Params("token")); err != nil {
		return h.renderSetup(c, fiber.StatusNotFound, "", err)
	}
	return h.renderSetup(c, fiber.StatusOK, "", nil)
}

// setupSubmit takes the form (application/x-www-form-urlencoded: answered
// with the page, or a redirect to / once created) or JSON {name, password}
// (answered like a login, 201).
func (h *Handler) setupSubmit(c *fiber.Ctx) error {
	isJSON := strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON)
	fail := func(name string, err error) error {
		if isJSON {
			return err
		}
		return h.renderSetup(c, httpx.Status(errs.CodeOf(err)), name, err)
	}
	if err := sameOrigin(c); err != nil {
		return fail("", err)
	}
	var in struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if isJSON {
		if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
			return err
		}
	} else {
		if len(c.Request().Body()) > MaxBodyBytes {
			return fail("", errs.E(errs.TooLarge, "", "the form is over %d bytes", MaxBodyBytes))
		}
		in.Name, in.Password = c.FormValue("name"), c.FormValue("password")
	}
	u, token, err := h.Service.CompleteSetup(c.UserContext(), c.Params("token"), in.Name, in.Password, client(c))
	if err != nil {
		if errs.As(err) == nil {
			return err // internal: the error handler logs it
		}
		return fail(in.Name, err)
	}
	if isJSON {
		return h.startSession(c, u, token, fiber.StatusCreated)
	}
	setCookie(c, token, h.Service.now().Add(SessionMaxAge))
	return c.Redirect("/", fiber.StatusSeeOther)
}

// StaticToken is a configured token (the --ingest-token) with one scope,
// named name; an empty token is no token.
func StaticToken(name string, scope Scope, token string) TokenChecker {
	t := &APIToken{Name: name, Scopes: []Scope{scope}, CreatedBy: "configuration"}
	return func(_ context.Context, got string) (*APIToken, error) {
		if token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1 {
			return t, nil
		}
		return nil, nil
	}
}
