package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/auth"
)

// TestAPITokens walks the API tokens through a real --auth=password server
// on a real SQLite file: made by an admin, the secret shown once and never
// listed, each scope allowed what it says and refused the rest, last use
// recorded, revoked → 401.
func TestAPITokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "ada", "admin")
	addUser(t, db, "ed", "editor")
	base := startWithFlags(t, "--db", db, "--auth", "password")
	ada := &identity{name: "ada", role: auth.Admin}
	ada.cookie, ada.csrf = login(t, base, "ada")
	ed := &identity{name: "ed", role: auth.Editor}
	ed.cookie, ed.csrf = login(t, base, "ed")
	bearer := func(secret string) []string { return []string{"Authorization", "Bearer " + secret} }

	t.Run("BadInputRejected", func(t *testing.T) {
		cases := []struct {
			name, body, field, msg string
		}{
			{"NoName", `{"scopes":["read"]}`, "name", "is required"},
			{"NoScopes", `{"name":"x"}`, "scopes", "one or more of ingest, read, write"},
			{"UnknownScope", `{"name":"x","scopes":["read","admin"]}`, "scopes[1]", `"admin" is not a scope: use ingest, read or write`},
			{"LongName", `{"name":"` + strings.Repeat("n", auth.MaxTokenName+1) + `","scopes":["read"]}`, "name", fmt.Sprintf("at most %d", auth.MaxTokenName)},
			{"UnknownField", `{"name":"x","scopes":["read"],"secret":"mine"}`, "secret", "unknown field"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantError(t, do(t, "POST", base+"/api/v1/tokens", c.body, ada.headers()...), 400, "invalid", c.field, c.msg)
			})
		}
		l := do(t, "GET", base+"/api/v1/tokens", nil, ada.headers()...)
		wantStatus(t, l, 200)
		if n := len(l.JSON(t)["tokens"].([]any)); n != 0 {
			t.Fatalf("%d tokens after refused creations", n)
		}
	})

	// Only an admin makes or lists tokens; no token may.
	wantError(t, do(t, "POST", base+"/api/v1/tokens", map[string]any{"name": "x", "scopes": []string{"read"}}, ed.headers()...),
		403, "forbidden", "", "needs the admin role")

	readID, readSecret := createToken(t, base, ada, "dashboard script", "read")
	_, writeSecret := createToken(t, base, ada, "deploy pipeline", "write", "write")
	ingestID, ingestSecret := createToken(t, base, ada, "agent on web-1", "ingest")
	if len(readSecret) != len(auth.TokenPrefix)+43 {
		t.Fatalf("secret %q: want %s and 43 characters (256 bits)", readSecret, auth.TokenPrefix)
	}
	wantError(t, do(t, "GET", base+"/api/v1/tokens", nil, bearer(writeSecret)...), 403, "forbidden", "Authorization", "takes no token")

	// Listed without secrets or hashes; scopes deduplicated.
	l := do(t, "GET", base+"/api/v1/tokens", nil, ada.headers()...)
	wantStatus(t, l, 200)
	for _, s := range []string{readSecret, writeSecret, ingestSecret, "secret", "hash"} {
		if strings.Contains(string(l.Body), s) {
			t.Fatalf("the list shows %q: %s", s, l.Body)
		}
	}
	list := l.JSON(t)["tokens"].([]any)
	if len(list) != 3 {
		t.Fatalf("%d tokens listed, want 3: %s", len(list), l.Body)
	}
	first := list[2].(map[string]any) // newest first
	if first["name"] != "dashboard script" || fmt.Sprint(first["scopes"]) != "[read]" || first["created_by"] != "ada" ||
		first["last_used_at"] != nil || str(first["created_at"]) == "" {
		t.Fatalf("listed token = %v", first)
	}
	if w := list[1].(map[string]any); fmt.Sprint(w["scopes"]) != "[write]" {
		t.Fatalf("write token scopes = %v", w["scopes"])
	}

	// A board made by an editor.
	r := do(t, "POST", base+"/api/v1/boards", sampleBoard("tokens"), ed.headers()...)
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])
	board := base + "/api/v1/boards/" + id

	// read: GET yes, PUT no, ingest no.
	g := do(t, "GET", board, nil, bearer(readSecret)...)
	wantStatus(t, g, 200)
	b := g.JSON(t)
	b["name"] = "renamed by a token"
	wantError(t, do(t, "PUT", board, b, bearer(readSecret)...), 403, "forbidden", "Authorization",
		`PUT /api/v1/boards/`+id+` needs a token with scope write; token "dashboard script" has read`)
	wantError(t, do(t, "POST", base+"/api/v1/ingest", `{"points":[{"metric":"m","value":1}]}`, bearer(readSecret)...), 403, "forbidden", "Authorization", "needs a token with scope ingest")

	// write: PUT yes (no CSRF token needed: not a cookie), and it implies read.
	p := do(t, "PUT", board, b, bearer(writeSecret)...)
	wantStatus(t, p, 200)
	if num(p.JSON(t)["revision"]) != 2 {
		t.Fatalf("PUT with the write token: %s", p.Body)
	}
	wantStatus(t, do(t, "GET", base+"/api/v1/boards", nil, bearer(writeSecret)...), 200)
	wantError(t, do(t, "GET", base+"/api/v1/sources", nil, bearer(writeSecret)...), 403, "forbidden", "Authorization", "takes no token")
	wantError(t, do(t, "GET", base+"/api/v1/users", nil, bearer(writeSecret)...), 403, "forbidden", "Authorization", "takes no token")

	// ingest: pushes, reads nothing, writes nothing.
	wantStatus(t, do(t, "POST", base+"/api/v1/ingest", `{"points":[{"metric":"m","value":1}]}`, bearer(ingestSecret)...), 200)
	wantError(t, do(t, "GET", board, nil, bearer(ingestSecret)...), 403, "forbidden", "Authorization", "needs a token with scope read")
	wantError(t, do(t, "DELETE", board, nil, bearer(ingestSecret)...), 403, "forbidden", "Authorization", "needs a token with scope write")

	// Last use is recorded.
	for _, tk := range do(t, "GET", base+"/api/v1/tokens", nil, ada.headers()...).JSON(t)["tokens"].([]any) {
		if m := tk.(map[string]any); str(m["last_used_at"]) == "" {
			t.Fatalf("token %v: no last_used_at after use", m["name"])
		}
	}

	// Unknown secrets: 401 with the reason and a WWW-Authenticate header.
	u := do(t, "GET", board, nil, bearer(auth.TokenPrefix+"not-a-real-one")...)
	wantError(t, u, 401, "unauthorized", "Authorization", "no such token")
	if u.Header.Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}

	// Revoked: 401 at once, still listed with its time; twice is a conflict.
	wantStatus(t, do(t, "DELETE", fmt.Sprintf("%s/api/v1/tokens/%d", base, readID), nil, ada.headers()...), 204)
	wantError(t, do(t, "GET", board, nil, bearer(readSecret)...), 401, "unauthorized", "Authorization", `the bearer token "dashboard script" was revoked`)
	wantError(t, do(t, "DELETE", fmt.Sprintf("%s/api/v1/tokens/%d", base, readID), nil, ada.headers()...), 409, "conflict", "", "already revoked")
	wantError(t, do(t, "DELETE", base+"/api/v1/tokens/999", nil, ada.headers()...), 404, "not_found", "", "no API token with id 999")
	wantError(t, do(t, "DELETE", base+"/api/v1/tokens/abc", nil, ada.headers()...), 400, "invalid", "id", "not a token id")
	wantStatus(t, do(t, "POST", base+"/api/v1/ingest", `{"points":[{"metric":"m","value":2}]}`, bearer(ingestSecret)...), 200)
	wantStatus(t, do(t, "DELETE", fmt.Sprintf("%s/api/v1/tokens/%d", base, ingestID), nil, ada.headers()...), 204)
	wantError(t, do(t, "POST", base+"/api/v1/ingest", `{"points":[{"metric":"m","value":3}]}`, bearer(ingestSecret)...), 401, "unauthorized", "Authorization", "was revoked")
	l = do(t, "GET", base+"/api/v1/tokens", nil, ada.headers()...)
	revoked := 0
	for _, tk := range l.JSON(t)["tokens"].([]any) {
		if str(tk.(map[string]any)["revoked_at"]) != "" {
			revoked++
		}
	}
	if revoked != 2 {
		t.Fatalf("%d tokens listed as revoked, want 2: %s", revoked, l.Body)
	}
}
