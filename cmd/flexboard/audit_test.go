package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flexboard/flexboard/audit"
	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/internal/sqlitedb"
)

// TestAuditRouteTable: every route that can change something (POST, PUT,
// PATCH, DELETE) in the server's route table has its line in auditRoutes,
// with an action or the reason it is not recorded; the table names no
// route that does not exist, and no read.
func TestAuditRouteTable(t *testing.T) {
	cfg, err := parseServe([]string{"--auth", "password"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	table := auditRoutes()
	routes := appRoutes(t, cfg)
	seen := map[string]bool{}
	changes := 0
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		switch rt.Method {
		case "POST", "PUT", "PATCH", "DELETE":
		default:
			if _, ok := table[key]; ok {
				t.Errorf("auditRoutes has %s, a read: remove it", key)
			}
			continue
		}
		changes++
		ar, ok := table[key]
		if !ok {
			t.Errorf("%s has no line in auditRoutes (cmd/flexboard/audit.go): give it an action, or the reason it changes nothing", key)
			continue
		}
		if (ar.Action == "") == (ar.Skip == "") {
			t.Errorf("auditRoutes[%s]: give an action or a reason to skip, not both or neither", key)
		}
	}
	actions := map[string]string{}
	for key, ar := range table {
		if !seen[key] {
			t.Errorf("auditRoutes has %s, but the server has no such route: remove it", key)
		}
		if ar.Action == "" {
			continue
		}
		e := audit.Entry{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Actor: "x", ActorKind: audit.KindUser, Action: ar.Action, Status: 200}
		if err := e.Validate(); err != nil {
			t.Errorf("auditRoutes[%s]: %v", key, err)
		}
		if !strings.HasPrefix(ar.Action, ar.Target+".") && !strings.HasPrefix(ar.Action, "auth.") {
			t.Errorf("auditRoutes[%s]: action %s does not start with its target %q (or auth.)", key, ar.Action, ar.Target)
		}
		if ar.Verb == "" && ar.Describe == nil {
			t.Errorf("auditRoutes[%s]: no verb or Describe for the summary", key)
		}
		if other, dup := actions[ar.Action]; dup {
			t.Errorf("action %s is used by %s and %s", ar.Action, key, other)
		}
		actions[ar.Action] = key
	}
	if changes < 30 {
		t.Fatalf("only %d change routes: the route table was not read", changes)
	}
}

// auditPage asks GET /api/v1/audit with a query as headers allow.
func auditPage(t *testing.T, base, query string, headers ...string) ([]map[string]any, int64) {
	t.Helper()
	r := do(t, "GET", base+"/api/v1/audit"+query, nil, headers...)
	wantStatus(t, r, 200)
	m := r.JSON(t)
	var out []map[string]any
	for _, e := range m["entries"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out, num(m["next_before"])
}

// summaries is "action actor status: summary" per entry, newest first.
func summaries(es []map[string]any) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %s %d: %s", e["action"], e["actor"], num(e["status"]), e["summary"]))
	}
	return out
}

func wantSummaries(t *testing.T, es []map[string]any, want ...string) {
	t.Helper()
	got := summaries(es)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit entries:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestAuditLogPassword drives a --auth=password server through changes by
// users and a token, refusals and reads, and reads the log back as an
// admin: who, what, the outcome, the address; filters and pages.
func TestAuditLogPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	addUser(t, db, "ada", "admin")
	addUser(t, db, "ed", "editor")
	addUser(t, db, "vera", "viewer")
	base := startWithFlags(t, "--db", db, "--auth", "password")

	wantStatus(t, do(t, "POST", base+"/api/v1/auth/login", map[string]string{"name": "ada", "password": "not the password"}), 401)
	ada := signedIn(t, base, "ada", auth.Admin)
	ed := signedIn(t, base, "ed", auth.Editor)
	vera := signedIn(t, base, "vera", auth.Viewer)

	r := do(t, "POST", base+"/api/v1/boards", sampleBoard("Checkout"), ed.headers()...)
	wantStatus(t, r, 201)
	board := r.JSON(t)
	id := str(board["id"])
	board["name"] = "Checkout v2"
	wantStatus(t, do(t, "PUT", base+"/api/v1/boards/"+id, board, ed.headers()...), 200)
	// Refused: a viewer's change (recorded), an anonymous one (not: anyone
	// can send those without end).
	wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+id, nil, vera.headers()...), 403)
	wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+id, nil), 401)
	// Not changes: a query, a push, a failed validation, a read.
	wantStatus(t, do(t, "POST", base+"/api/v1/query", map[string]any{"metric": "x", "agg": "sum"}, ed.headers()...), 200)
	wantStatus(t, do(t, "POST", base+"/api/v1/ingest", `{"points":[{"metric":"x","value":1}]}`, ed.headers()...), 200)
	wantStatus(t, do(t, "POST", base+"/api/v1/boards", map[string]any{"name": ""}, ed.headers()...), 400)
	wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+id, nil, ed.headers()...), 200)

	tokID, secret := createToken(t, base, ada, "deploy", "write")
	r = do(t, "POST", base+"/api/v1/boards/"+id+"/duplicate", nil, "Authorization", "Bearer "+secret)
	wantStatus(t, r, 201)
	copied := r.JSON(t)
	wantStatus(t, do(t, "POST", base+"/api/v1/sources", map[string]any{"name": "x", "type": "demo"}, "Authorization", "Bearer "+secret), 403)
	wantStatus(t, do(t, "PUT", fmt.Sprintf("%s/api/v1/users/%d", base, 3), map[string]string{"role": "editor"}, ada.headers()...), 200)
	wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+id, nil, ed.headers()...), 204)
	wantStatus(t, do(t, "POST", base+"/api/v1/auth/logout", nil, ed.headers()...), 204)

	// Only an admin reads it.
	wantError(t, do(t, "GET", base+"/api/v1/audit", nil, vera.headers()...), 403, "forbidden", "", "needs the admin role")
	wantError(t, do(t, "GET", base+"/api/v1/audit", nil, "Authorization", "Bearer "+secret), 403, "forbidden", "Authorization", "takes no token")

	all, next := auditPage(t, base, "", ada.headers()...)
	tok := fmt.Sprint(tokID)
	wantSummaries(t, all,
		`auth.logout ed 204: logged out`,
		`board.delete ed 204: moved board `+id+` to the trash`,
		`user.update ada 200: changed user 3 "vera": role`,
		`source.create token:deploy 403: refused source.create on source: POST /api/v1/sources takes no token: log in (POST /api/v1/auth/login) and send the session cookie`,
		`board.duplicate token:deploy 201: duplicated board `+id+` as board `+str(copied["id"])+` "`+str(copied["name"])+`"`,
		`token.create ada 201: created token `+tok+` "deploy" (scopes write)`,
		`board.delete vera 403: refused board.delete on board `+id+`: DELETE /api/v1/boards/`+id+` needs the editor role; vera is viewer`,
		`board.update ed 200: updated board `+id+` "Checkout v2" to revision 2`,
		`board.create ed 201: created board `+id+` "Checkout"`,
		`auth.login vera 200: logged in`,
		`auth.login ed 200: logged in`,
		`auth.login ada 200: logged in`,
		`auth.login anonymous 401: failed login as "ada": wrong user name or password`,
	)
	if next != 0 {
		t.Fatalf("next_before = %d with everything on one page", next)
	}
	e := all[len(all)-1]
	if e["actor_kind"] != "anonymous" || e["ip"] != "127.0.0.1" || e["target_type"] != "user" || e["target_id"] != "ada" ||
		e["route"] != "POST /api/v1/auth/login" || !strings.HasSuffix(str(e["at"]), "Z") {
		t.Fatalf("failed login entry: %v", e)
	}
	if e := all[4]; e["actor_kind"] != "token" || e["target_type"] != "board" || e["target_id"] != id {
		t.Fatalf("token entry: %v", e)
	}
	if e := all[len(all)-2]; e["actor_kind"] != "user" || e["target_id"] != "1" {
		t.Fatalf("ada's login entry: %v", e)
	}

	t.Run("Filters", func(t *testing.T) {
		es, _ := auditPage(t, base, "?actor=ED", ada.headers()...)
		if len(es) != 5 {
			t.Fatalf("actor=ED: %v", summaries(es))
		}
		es, _ = auditPage(t, base, "?action=board.update", ada.headers()...)
		if len(es) != 1 || es[0]["action"] != "board.update" {
			t.Fatalf("action=board.update: %v", summaries(es))
		}
		es, _ = auditPage(t, base, "?action=board&actor=ed", ada.headers()...)
		if len(es) != 3 {
			t.Fatalf("action=board&actor=ed: %v", summaries(es))
		}
		es, _ = auditPage(t, base, "?target=user:ada", ada.headers()...)
		if len(es) != 1 || es[0]["status"] != float64(401) {
			t.Fatalf("target=user:ada: %v", summaries(es))
		}
		es, _ = auditPage(t, base, "?actor=token:deploy", ada.headers()...)
		if len(es) != 2 {
			t.Fatalf("actor=token:deploy: %v", summaries(es))
		}
	})
	t.Run("Pages", func(t *testing.T) {
		var got []string
		before := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			es, next := auditPage(t, base, "?limit=5"+before, ada.headers()...)
			got = append(got, summaries(es)...)
			if next == 0 {
				break
			}
			if next != num(es[len(es)-1]["id"]) {
				t.Fatalf("next_before %d is not the last entry's id %v", next, es[len(es)-1]["id"])
			}
			before = fmt.Sprintf("&before=%d", next)
		}
		if strings.Join(got, "\n") != strings.Join(summaries(all), "\n") {
			t.Fatalf("pages of 5 give\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(summaries(all), "\n"))
		}
	})
	t.Run("BadParameters", func(t *testing.T) {
		cases := []struct{ query, field, msg string }{
			{"?limit=9999", "limit", "from 1 to 500"},
			{"?before=newest", "before", `"newest" is not an entry id`},
			{"?user=ada", "user", "use actor, action, target, before or limit"},
			{"?action=Board!", "action", "is not an action"},
		}
		for _, c := range cases {
			wantError(t, do(t, "GET", base+"/api/v1/audit"+c.query, nil, ada.headers()...), 400, "invalid", c.field, c.msg)
		}
	})
}

// TestAuditLogAuthNone: with --auth=none changes are recorded as
// "anonymous" with the client's address, and anyone may read the log.
func TestAuditLogAuthNone(t *testing.T) {
	base := startInProcess(t, "")
	r := do(t, "POST", base+"/api/v1/boards", sampleBoard("Open"))
	wantStatus(t, r, 201)
	id := str(r.JSON(t)["id"])
	wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+id, nil), 204)
	wantStatus(t, do(t, "POST", base+"/api/v1/boards/"+id+"/restore", nil), 200)
	wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+id, nil), 204)
	wantStatus(t, do(t, "DELETE", base+"/api/v1/trash/"+id, nil), 204)
	wantStatus(t, do(t, "POST", base+"/api/v1/ingest", `{"points":[{"metric":"x","value":1}]}`), 200)
	es, _ := auditPage(t, base, "")
	wantSummaries(t, es,
		`board.purge anonymous 204: deleted board `+id+` for good (from the trash)`,
		`board.delete anonymous 204: moved board `+id+` to the trash`,
		`board.restore anonymous 200: restored board `+id+` "Open" from the trash`,
		`board.delete anonymous 204: moved board `+id+` to the trash`,
		`board.create anonymous 201: created board `+id+` "Open"`,
	)
	for _, e := range es {
		if e["actor_kind"] != "anonymous" || e["ip"] != "127.0.0.1" {
			t.Fatalf("entry without the anonymous kind and address: %v", e)
		}
	}
	if es, _ := auditPage(t, base, "?target=board:"+id+"&action=board.delete&limit=1"); len(es) != 1 {
		t.Fatalf("filtered: %v", summaries(es))
	}
}

// TestAuditFlushedOnShutdown: entries still queued when the server is
// stopped (SIGTERM) are written before the database closes.
func TestAuditFlushedOnShutdown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fb.db")
	p := startProcess(t, db)
	const n = 40
	for i := 0; i < n; i++ {
		wantStatus(t, do(t, "POST", p.URL+"/api/v1/boards", sampleBoard(fmt.Sprintf("b%d", i))), 201)
	}
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("exit: %v", err)
	}
	conn, err := sqlitedb.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	es, err := audit.NewSQLiteStore(conn).FindEntries(context.Background(), audit.Filter{Action: "board.create", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != n || es[0].Summary != fmt.Sprintf(`created board %s "b%d"`, es[0].TargetID, n-1) {
		t.Fatalf("%d board.create entries after shutdown (want %d); newest %+v", len(es), n, es[0])
	}
}
