package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	ada := signedIn(t, base, "ada", auth.Admin)
	ed := signedIn(t, base, "ed", auth.Editor)
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

// TestToolsSendToken: under --auth=password, push, loadtest and demo
// incident work with --token (or FLEXBOARD_TOKEN) and are refused without.
func TestToolsSendToken(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "ada", "admin")
	base := startWithFlags(t, "--db", db, "--auth", "password")
	ada := signedIn(t, base, "ada", auth.Admin)
	_, pushSecret := createToken(t, base, ada, "push", "ingest")
	_, loadSecret := createToken(t, base, ada, "loadtest", "ingest", "read")
	_, writeSecret := createToken(t, base, ada, "demo", "write")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("Push", func(t *testing.T) {
		line := "tool_token_metric 42\n"
		var out, errb bytes.Buffer
		if code := pushCmd(ctx, []string{"--url", base, "--format", "prometheus"}, strings.NewReader(line), &out, &errb, envOf()); code == 0 {
			t.Fatalf("push without a token: exit 0\n%s", out.String())
		}
		errb.Reset()
		if code := pushCmd(ctx, []string{"--url", base, "--format", "prometheus", "--token", pushSecret}, strings.NewReader(line), &out, &errb, envOf()); code != 0 {
			t.Fatalf("push --token: exit %d\n%s", code, errb.String())
		}
		if code := pushCmd(ctx, []string{"--url", base, "--format", "prometheus"}, strings.NewReader(line), &out, &errb, envOf("FLEXBOARD_TOKEN", pushSecret)); code != 0 {
			t.Fatalf("push with FLEXBOARD_TOKEN: exit %d\n%s", code, errb.String())
		}
		r := do(t, "GET", base+"/api/v1/metrics", nil, "Authorization", "Bearer "+loadSecret)
		wantStatus(t, r, 200)
		if !strings.Contains(string(r.Body), "tool_token_metric") {
			t.Fatalf("pushed metric not listed: %s", r.Body)
		}
	})

	t.Run("Loadtest", func(t *testing.T) {
		r := do(t, "POST", base+"/api/v1/boards", loadBoard("loadtest_value"), ada.headers()...)
		wantStatus(t, r, 201)
		id := str(r.JSON(t)["id"])
		args := []string{"--url", base, "--board", id, "--displays", "2", "--duration", "1s", "--ingest-rate", "100", "--series", "1", "--json"}
		var out, errb bytes.Buffer
		if code := loadtestCmd(ctx, args, &out, &errb, envOf()); code == 0 || !strings.Contains(errb.String(), "HTTP 401: the server needs a login; pass --token") {
			t.Fatalf("loadtest without a token: exit %d\n%s", code, errb.String())
		}
		out.Reset()
		errb.Reset()
		if code := loadtestCmd(ctx, append(args, "--token", loadSecret), &out, &errb, envOf()); code != 0 {
			t.Fatalf("loadtest --token: exit %d\n%s\n%s", code, out.String(), errb.String())
		}
		var rep loadReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Displays.Connected != 2 || rep.Displays.Failed != 0 {
			t.Fatalf("displays %+v, want 2 connected with the token", rep.Displays)
		}
	})

	t.Run("Snapshot", func(t *testing.T) {
		if findChromium() == "" {
			t.Fatal("no Chromium on this machine: the snapshot command needs one")
		}
		r := do(t, "POST", base+"/api/v1/boards", sampleBoard("snap"), ada.headers()...)
		wantStatus(t, r, 201)
		id := str(r.JSON(t)["id"])
		out := filepath.Join(t.TempDir(), "wall.png")
		var stdout, errb bytes.Buffer
		if code := snapshotCmd(ctx, []string{"--url", base, "--board", id, "--out", out}, &stdout, &errb, envOf()); code != 1 || !strings.Contains(errb.String(), "log in first") {
			t.Fatalf("snapshot without a token: exit %d: %s", code, errb.String())
		}
		errb.Reset()
		if code := snapshotCmd(ctx, []string{"--url", base, "--board", id, "--out", out}, &stdout, &errb, envOf("FLEXBOARD_TOKEN", writeSecret)); code != 0 {
			t.Fatalf("snapshot with FLEXBOARD_TOKEN: exit %d: %s", code, errb.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
			t.Fatalf("snapshot output is not a PNG: %v", err)
		}
	})

	t.Run("DemoIncident", func(t *testing.T) {
		r := do(t, "POST", base+"/api/v1/sources", map[string]any{"name": "Demo", "type": "demo", "enabled": true}, ada.headers()...)
		wantStatus(t, r, 201)
		src := str(r.JSON(t)["id"])
		var out, errb bytes.Buffer
		if code := demoCmd(ctx, []string{"incident", "traffic-spike", "--url", base, "--token", writeSecret}, &out, &errb); code != 1 ||
			!strings.Contains(errb.String(), "lets only an admin list sources (HTTP 403): pass --source ID") {
			t.Fatalf("demo without --source: exit %d\n%s", code, errb.String())
		}
		errb.Reset()
		if code := demoCmd(ctx, []string{"incident", "traffic-spike", "--url", base, "--source", src}, &out, &errb); code != 1 {
			t.Fatalf("demo without a token: exit %d\n%s", code, errb.String())
		}
		errb.Reset()
		if code := demoCmd(ctx, []string{"incident", "traffic-spike", "--url", base, "--source", src, "--token", writeSecret, "--duration", "10s"}, &out, &errb); code != 0 {
			t.Fatalf("demo --token: exit %d\n%s", code, errb.String())
		}
		if !strings.Contains(out.String(), "incident traffic-spike started") {
			t.Fatalf("demo output %q", out.String())
		}
	})
}
