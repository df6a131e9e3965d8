package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAdminPage: /admin is the front end's page for admins. A signed-in
// viewer or editor whose browser asks for HTML gets a 403 page saying which
// role it needs and who they are (not the API's JSON); an API client asking
// the same gets the JSON 403; GET /users tells the form the password
// minimum; with --auth=none the page is served to everyone (it says there
// are no users).
func TestAdminPage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "vera", "viewer")
	addUser(t, db, "ed", "editor")
	addUser(t, db, "ada", "admin")
	base := startWithFlags(t, "--db", db, "--auth", "password")
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

	for _, name := range []string{"vera", "ed"} {
		t.Run("PageRefused_"+name, func(t *testing.T) {
			cookie, _ := login(t, base, name)
			r := do(t, "GET", base+"/admin", nil, "Cookie", cookie, "Accept", browser)
			wantStatus(t, r, 403)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("Content-Type %q, want text/html", ct)
			}
			body := string(r.Body)
			for _, want := range []string{"This page needs the admin role", "signed in as <strong>" + name + "</strong>", `href="/login?next=%2Fadmin"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q:\n%s", want, body)
				}
			}
			if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("CSP %q", csp)
			}
			// An API client (no text/html in Accept) keeps the JSON answer.
			wantError(t, do(t, "GET", base+"/admin", nil, "Cookie", cookie), 403, "forbidden", "", "needs the admin role")
		})
	}

	t.Run("AdminGetsThePage", func(t *testing.T) {
		cookie, _ := login(t, base, "ada")
		r := do(t, "GET", base+"/admin", nil, "Cookie", cookie, "Accept", browser)
		wantStatus(t, r, 200)
		if !strings.Contains(string(r.Body), `<div id="app">`) {
			t.Fatalf("not the front end's page:\n%s", r.Body)
		}
		r = do(t, "GET", base+"/api/v1/users", nil, "Cookie", cookie)
		wantStatus(t, r, 200)
		if got := num(r.JSON(t)["min_password_length"]); got != 12 {
			t.Fatalf("min_password_length = %d, want 12 (auth.MinPasswordLength)", got)
		}
	})

	t.Run("AuthNoneServesThePage", func(t *testing.T) {
		open := startInProcess(t, "")
		wantStatus(t, do(t, "GET", open+"/admin", nil, "Accept", browser), 200)
		// No user endpoints to fail: the page asks /auth/me, which says none.
		wantStatus(t, do(t, "GET", open+"/api/v1/users", nil), 404)
	})
}
