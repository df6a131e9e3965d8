package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// boardCount returns the number of live boards and of boards in the trash.
func boardCount(t *testing.T, base string) (live, trashed int) {
	t.Helper()
	l := do(t, "GET", base+"/api/v1/boards", nil)
	wantStatus(t, l, 200)
	tr := do(t, "GET", base+"/api/v1/trash", nil)
	wantStatus(t, tr, 200)
	return len(l.JSON(t)["boards"].([]any)), len(tr.JSON(t)["boards"].([]any))
}

func TestHealthz(t *testing.T) {
	base := startInProcess(t, "")
	r := do(t, "GET", base+"/healthz", nil)
	wantStatus(t, r, 200)
	m := r.JSON(t)
	if m["status"] != "ok" || m["version"] != version {
		t.Fatalf("healthz = %s", r.Body)
	}
}

func TestBoardsListEmpty(t *testing.T) {
	base := startInProcess(t, "")
	r := do(t, "GET", base+"/api/v1/boards", nil)
	wantStatus(t, r, 200)
	if string(r.Body) != `{"boards":[]}` {
		t.Fatalf("empty list = %s, want {\"boards\":[]}", r.Body)
	}
}

func TestCreateBoard(t *testing.T) {
	base := startInProcess(t, "")
	r := do(t, "POST", base+"/api/v1/boards", sampleBoard("Reservation system — situation room"))
	wantStatus(t, r, 201)
	b := r.JSON(t)
	id := str(b["id"])
	if !regexp.MustCompile(`^[A-Za-z0-9]{12}$`).MatchString(id) {
		t.Fatalf("id %q is not 12 URL-safe characters", id)
	}
	if got := r.Header.Get("Location"); got != "/api/v1/boards/"+id {
		t.Errorf("Location = %q", got)
	}
	if got := r.Header.Get("ETag"); got != `"1"` {
		t.Errorf("ETag = %q, want \"1\"", got)
	}
	if num(b["revision"]) != 1 || b["theme"] != "dark" || b["name"] != "Reservation system — situation room" {
		t.Errorf("created board = %s", r.Body)
	}
	if b["created_at"] == nil || b["created_at"] != b["updated_at"] {
		t.Errorf("created_at/updated_at = %v/%v", b["created_at"], b["updated_at"])
	}
	l := do(t, "GET", base+"/api/v1/boards", nil).JSON(t)["boards"].([]any)
	if len(l) != 1 {
		t.Fatalf("list has %d boards, want 1", len(l))
	}
	s := l[0].(map[string]any)
	if s["id"] != id || num(s["widget_count"]) != 2 || num(s["revision"]) != 1 {
		t.Errorf("summary = %v", s)
	}
	v := s["variants"].([]any)[0].(map[string]any)
	if v["name"] != "16:9" || num(v["canvas"].(map[string]any)["width"]) != 1920 {
		t.Errorf("summary variants = %v", s["variants"])
	}
}

func TestCreateBoardDefaults(t *testing.T) {
	base := startInProcess(t, "")
	r := do(t, "POST", base+"/api/v1/boards", `{"name":"  My first board  "}`)
	wantStatus(t, r, 201)
	b := r.JSON(t)
	if b["name"] != "My first board" {
		t.Errorf("name not trimmed: %q", b["name"])
	}
	vs := b["variants"].([]any)
	if len(vs) != 1 {
		t.Fatalf("variants = %v, want the default one", vs)
	}
	v := vs[0].(map[string]any)
	if v["name"] != "16:9" || num(v["grid"].(map[string]any)["columns"]) != 48 || num(v["grid"].(map[string]any)["rows"]) != 27 {
		t.Errorf("default variant = %v", v)
	}
}

// TestCreateBoardRejected covers each kind of bad input: the answer names
// the problem and nothing is stored.
func TestCreateBoardRejected(t *testing.T) {
	base := startInProcess(t, "")
	overlap := sampleBoard("x")
	overlap["variants"].([]any)[0].(map[string]any)["placements"].([]any)[1].(map[string]any)["x"] = 4
	big := fmt.Sprintf(`{"name":"big","description":%q}`, strings.Repeat("a", 1<<20))
	cases := []struct {
		name    string
		body    any
		headers []string
		status  int
		code    string
		field   string
		msg     string
	}{
		{"MalformedJSON", `{"name": "x",}`, nil, 400, "invalid", "", "malformed JSON at line 1, column 14"},
		{"TruncatedJSON", `{"name": "x"`, nil, 400, "invalid", "", "ends too early"},
		{"EmptyBody", ``, nil, 400, "invalid", "", "body is empty"},
		{"TrailingData", `{"name":"x"} {}`, nil, 400, "invalid", "", "unexpected data after"},
		{"UnknownField", `{"name":"x","colour":"red"}`, nil, 400, "invalid", "colour", "unknown field; allowed here: alert_sound, allow_overlap, background, created_at, description, id, name, refresh_ms, revision, template, theme, updated_at, variants, walls, widgets"},
		{"UnknownNestedField", `{"name":"x","widgets":[{"id":"a","kind":"stat","size":3}]}`, nil, 400, "invalid", "widgets[0].size", "unknown field"},
		{"WrongType", `{"name":7}`, nil, 400, "invalid", "name", "must be a string, got the number 7"},
		{"WrongNestedType", `{"name":"x","variants":[{"name":"a","canvas":{"width":"1920","height":1080},"grid":{"columns":1,"rows":1}}]}`, nil, 400, "invalid", "variants[0].canvas.width", "must be a whole number, got a string"},
		{"FractionalInt", `{"name":"x","variants":[{"name":"a","canvas":{"width":1920.5,"height":1080},"grid":{"columns":1,"rows":1}}]}`, nil, 400, "invalid", "variants[0].canvas.width", "must be a whole number"},
		{"NotAnObject", `[1,2]`, nil, 400, "invalid", "", "must be an object"},
		{"NoContentType", `{"name":"x"}`, []string{"Content-Type", ""}, 415, "unsupported", "", "Content-Type must be application/json, got none"},
		{"WrongContentType", `{"name":"x"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported", "", "got text/plain"},
		{"TooLarge", big, nil, 413, "too_large", "", "the limit here is 1048576 bytes"},
		{"MissingName", `{}`, nil, 400, "invalid", "name", "is required"},
		{"BlankName", `{"name":"   "}`, nil, 400, "invalid", "name", "is required"},
		{"LongName", map[string]any{"name": strings.Repeat("n", 201)}, nil, 400, "invalid", "name", "201 characters long; at most 200"},
		{"BadTheme", `{"name":"x","theme":"pink"}`, nil, 400, "invalid", "theme", `"pink" is not a theme`},
		{"UnknownKind", `{"name":"x","widgets":[{"id":"a","kind":"sparkles"}]}`, nil, 400, "invalid", "widgets[0].kind", `"sparkles" is not a widget kind; known kinds: bar, clock, equalizer, events, gauge, hitmap, honeycomb, image, pie, stat, status, table, text, timeseries, topn`},
		{"BadConfig", `{"name":"x","widgets":[{"id":"a","kind":"stat","config":{"decimals":9}}]}`, nil, 400, "invalid", "widgets[0].config.decimals", "the maximum is 6"},
		{"Overlap", overlap, nil, 400, "invalid", "variants[0].placements[1]", `"cpu" overlaps "tps" at x=4 y=0`},
		{"CanvasTooSmall", `{"name":"x","variants":[{"name":"a","canvas":{"width":319,"height":1080},"grid":{"columns":1,"rows":1}}]}`, nil, 400, "invalid", "variants[0].canvas.width", "320 to 32768"},
		{"GridTooFine", `{"name":"x","variants":[{"name":"a","canvas":{"width":1920,"height":1080},"grid":{"columns":257,"rows":1}}]}`, nil, 400, "invalid", "variants[0].grid.columns", "1 to 256"},
		{"PlacementOutside", `{"name":"x","widgets":[{"id":"a","kind":"stat"}],"variants":[{"name":"a","canvas":{"width":1920,"height":1080},"grid":{"columns":4,"rows":4},"placements":[{"widget":"a","x":2,"y":0,"w":3,"h":1}]}]}`, nil, 400, "invalid", "variants[0].placements[0]", "past the grid's 4 columns"},
		{"PlacementUnknownWidget", `{"name":"x","variants":[{"name":"a","canvas":{"width":1920,"height":1080},"grid":{"columns":4,"rows":4},"placements":[{"widget":"ghost","x":0,"y":0,"w":1,"h":1}]}]}`, nil, 400, "invalid", "variants[0].placements", "has 1 placements for 0 widgets"},
		{"BadRefresh", `{"name":"x","refresh_ms":50}`, nil, 400, "invalid", "refresh_ms", "100 to 60000 ms"},
		{"BadQuery", `{"name":"x","widgets":[{"id":"a","kind":"stat","queries":[{"metric":"cpu","match":[{"label":"host","op":"~","value":"a"}]}]}]}`, nil, 400, "invalid", "widgets[0].queries[0].match[0].op", `"~" is not an operator`},
		{"QueriesOnText", `{"name":"x","widgets":[{"id":"a","kind":"text","queries":[{"metric":"cpu"}]}]}`, nil, 400, "invalid", "widgets[0].queries", "a text widget shows no data"},
		{"TooManyQueries", `{"name":"x","widgets":[{"id":"a","kind":"stat","queries":[{"metric":"a"},{"metric":"b"}]}]}`, nil, 400, "invalid", "widgets[0].queries", "a stat widget takes at most 1"},
		{"DuplicateWidgetID", `{"name":"x","widgets":[{"id":"a","kind":"stat"},{"id":"a","kind":"clock"}]}`, nil, 400, "invalid", "widgets[1].id", "already the id of widgets[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, "POST", base+"/api/v1/boards", c.body, c.headers...)
			wantError(t, r, c.status, c.code, c.field, c.msg)
			if live, trashed := boardCount(t, base); live != 0 || trashed != 0 {
				t.Fatalf("a rejected create stored something: %d live, %d trashed", live, trashed)
			}
		})
	}
}

// create makes a board and returns its id.
func create(t *testing.T, base, name string) string {
	t.Helper()
	r := do(t, "POST", base+"/api/v1/boards", sampleBoard(name))
	wantStatus(t, r, 201)
	return str(r.JSON(t)["id"])
}

func TestGetBoard(t *testing.T) {
	base := startInProcess(t, "")
	id := create(t, base, "Get me")
	r := do(t, "GET", base+"/api/v1/boards/"+id, nil)
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("ETag = %q", r.Header.Get("ETag"))
	}
	b := r.JSON(t)
	if b["id"] != id || len(b["widgets"].([]any)) != 2 {
		t.Errorf("board = %s", r.Body)
	}
	if w := b["widgets"].([]any)[1].(map[string]any); str(fmt.Sprint(w["config"])) != "map[]" {
		t.Errorf("a widget without config reads back as %v, want {}", w["config"])
	}
	wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+id, nil, "If-None-Match", `"1"`), 304)
	wantError(t, do(t, "GET", base+"/api/v1/boards/nope", nil), 404, "not_found", "", `no board with id "nope"`)
}

func TestUpdateBoard(t *testing.T) {
	base := startInProcess(t, "")
	id := create(t, base, "v1")
	url := base + "/api/v1/boards/" + id
	b := do(t, "GET", url, nil).JSON(t)

	t.Run("RevisionInBody", func(t *testing.T) {
		b["name"] = "v2"
		r := do(t, "PUT", url, b)
		wantStatus(t, r, 200)
		if got := r.JSON(t); num(got["revision"]) != 2 || got["name"] != "v2" || r.Header.Get("ETag") != `"2"` {
			t.Fatalf("after save: %s (ETag %s)", r.Body, r.Header.Get("ETag"))
		}
	})
	t.Run("RevisionInIfMatch", func(t *testing.T) {
		body := sampleBoard("v3")
		r := do(t, "PUT", url, body, "If-Match", `"2"`)
		wantStatus(t, r, 200)
		if num(r.JSON(t)["revision"]) != 3 {
			t.Fatalf("after save: %s", r.Body)
		}
	})
	t.Run("StaleRevisionConflict", func(t *testing.T) {
		b["name"] = "stale"
		b["revision"] = 1
		r := do(t, "PUT", url, b)
		wantError(t, r, 409, "conflict", "revision", "your edit is based on revision 1, the board is now at revision 3")
		if num(r.Err(t)["current_revision"]) != 3 {
			t.Errorf("conflict does not carry current_revision 3: %s", r.Body)
		}
	})
	rejected := []struct {
		name    string
		body    any
		headers []string
		status  int
		code    string
		field   string
		msg     string
	}{
		{"MissingRevision", sampleBoard("x"), nil, 400, "invalid", "revision", "is required"},
		{"IfMatchStar", sampleBoard("x"), []string{"If-Match", "*"}, 400, "invalid", "If-Match", "not accepted"},
		{"IfMatchGarbage", sampleBoard("x"), []string{"If-Match", `"abc"`}, 400, "invalid", "If-Match", "is not a revision"},
		{"BodyAndHeaderDisagree", map[string]any{"name": "x", "revision": 3}, []string{"If-Match", `"2"`}, 400, "invalid", "revision", "If-Match says 2"},
		{"IDMismatch", map[string]any{"name": "x", "revision": 3, "id": "other"}, nil, 400, "invalid", "id", "does not match"},
		{"Invalid", map[string]any{"name": "", "revision": 3}, nil, 400, "invalid", "name", "is required"},
		{"WrongContentType", `{"name":"x","revision":3}`, []string{"Content-Type", "text/plain"}, 415, "unsupported", "", "application/json"},
	}
	for _, c := range rejected {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, do(t, "PUT", url, c.body, c.headers...), c.status, c.code, c.field, c.msg)
			cur := do(t, "GET", url, nil).JSON(t)
			if num(cur["revision"]) != 3 || cur["name"] != "v3" {
				t.Fatalf("a rejected save changed the board: %v", cur)
			}
		})
	}
	t.Run("UnknownBoard", func(t *testing.T) {
		wantError(t, do(t, "PUT", base+"/api/v1/boards/nope", map[string]any{"name": "x", "revision": 1}), 404, "not_found", "", "no board")
	})
	t.Run("VersionsKeptNewestFirst", func(t *testing.T) {
		vs := do(t, "GET", url+"/versions", nil).JSON(t)["versions"].([]any)
		if len(vs) != 3 {
			t.Fatalf("versions = %v, want 3", vs)
		}
		for i, want := range []int64{3, 2, 1} {
			if got := num(vs[i].(map[string]any)["revision"]); got != want {
				t.Errorf("versions[%d].revision = %d, want %d", i, got, want)
			}
		}
	})
}

// TestTwoEditors: the second save based on an old revision is refused,
// nothing is lost, and both saves are in the history.
func TestTwoEditors(t *testing.T) {
	base := startInProcess(t, "")
	id := create(t, base, "shared")
	url := base + "/api/v1/boards/" + id
	alice := do(t, "GET", url, nil).JSON(t)
	bob := do(t, "GET", url, nil).JSON(t)

	alice["name"] = "Alice's edit"
	wantStatus(t, do(t, "PUT", url, alice), 200)

	bob["name"] = "Bob's edit"
	r := do(t, "PUT", url, bob)
	wantError(t, r, 409, "conflict", "revision", "changed by someone else")
	if cur := do(t, "GET", url, nil).JSON(t); cur["name"] != "Alice's edit" || num(cur["revision"]) != 2 {
		t.Fatalf("after the conflict the board is %v", cur)
	}

	// Bob reloads, re-applies and saves: both edits are now in history.
	bob["revision"] = num(r.Err(t)["current_revision"])
	wantStatus(t, do(t, "PUT", url, bob), 200)
	names := map[int64]string{}
	for _, v := range do(t, "GET", url+"/versions", nil).JSON(t)["versions"].([]any) {
		rev := num(v.(map[string]any)["revision"])
		names[rev] = str(do(t, "GET", fmt.Sprintf("%s/versions/%d", url, rev), nil).JSON(t)["name"])
	}
	want := map[int64]string{1: "shared", 2: "Alice's edit", 3: "Bob's edit"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("history = %v, want %v", names, want)
	}
}

func TestTrash(t *testing.T) {
	base := startInProcess(t, "")
	id := create(t, base, "to trash")
	url := base + "/api/v1/boards/" + id

	wantStatus(t, do(t, "DELETE", url, nil), 204)
	wantError(t, do(t, "GET", url, nil), 404, "not_found", "", "is in the trash")
	if live, trashed := boardCount(t, base); live != 0 || trashed != 1 {
		t.Fatalf("after delete: %d live, %d trashed", live, trashed)
	}
	tr := do(t, "GET", base+"/api/v1/trash", nil).JSON(t)["boards"].([]any)[0].(map[string]any)
	if tr["id"] != id || tr["deleted_at"] == nil {
		t.Errorf("trash entry = %v", tr)
	}
	wantError(t, do(t, "DELETE", url, nil), 404, "not_found", "", "is in the trash")
	wantError(t, do(t, "PUT", url, map[string]any{"name": "x", "revision": 1}), 409, "conflict", "", "is in the trash")

	r := do(t, "POST", url+"/restore", nil)
	wantStatus(t, r, 200)
	if b := r.JSON(t); b["name"] != "to trash" || num(b["revision"]) != 1 {
		t.Errorf("restored board = %s", r.Body)
	}
	if live, trashed := boardCount(t, base); live != 1 || trashed != 0 {
		t.Fatalf("after restore: %d live, %d trashed", live, trashed)
	}
	wantError(t, do(t, "POST", url+"/restore", nil), 409, "conflict", "", "is not in the trash")
	wantError(t, do(t, "POST", base+"/api/v1/boards/nope/restore", nil), 404, "not_found", "", "no board")
	wantError(t, do(t, "DELETE", base+"/api/v1/boards/nope", nil), 404, "not_found", "", "no board")

	// Purging: only from the trash, and then it is gone with its history.
	wantError(t, do(t, "DELETE", base+"/api/v1/trash/"+id, nil), 409, "conflict", "", "is not in the trash")
	wantStatus(t, do(t, "DELETE", url, nil), 204)
	wantStatus(t, do(t, "DELETE", base+"/api/v1/trash/"+id, nil), 204)
	if live, trashed := boardCount(t, base); live != 0 || trashed != 0 {
		t.Fatalf("after purge: %d live, %d trashed", live, trashed)
	}
	wantError(t, do(t, "GET", url+"/versions", nil), 404, "not_found", "", "no board")
}

func TestVersions(t *testing.T) {
	base := startInProcess(t, "")
	id := create(t, base, "rev 1")
	url := base + "/api/v1/boards/" + id
	for rev := int64(1); rev < 5; rev++ {
		body := sampleBoard(fmt.Sprintf("rev %d", rev+1))
		body["revision"] = rev
		wantStatus(t, do(t, "PUT", url, body), 200)
	}
	t.Run("AsItWas", func(t *testing.T) {
		r := do(t, "GET", url+"/versions/2", nil)
		wantStatus(t, r, 200)
		if b := r.JSON(t); b["name"] != "rev 2" || num(b["revision"]) != 2 || b["id"] != id {
			t.Fatalf("version 2 = %s", r.Body)
		}
	})
	t.Run("Paging", func(t *testing.T) {
		vs := do(t, "GET", url+"/versions?limit=2&before=4", nil).JSON(t)["versions"].([]any)
		if len(vs) != 2 || num(vs[0].(map[string]any)["revision"]) != 3 || num(vs[1].(map[string]any)["revision"]) != 2 {
			t.Fatalf("page = %v", vs)
		}
		if vs[0].(map[string]any)["updated_at"] == nil || vs[0].(map[string]any)["name"] != "rev 3" {
			t.Errorf("version entry = %v", vs[0])
		}
	})
	t.Run("Errors", func(t *testing.T) {
		wantError(t, do(t, "GET", url+"/versions/9", nil), 404, "not_found", "", "has no revision 9; its revisions are 1 to 5")
		wantError(t, do(t, "GET", url+"/versions/abc", nil), 400, "invalid", "rev", "is not a revision")
		wantError(t, do(t, "GET", url+"/versions/0", nil), 400, "invalid", "rev", "is not a revision")
		wantError(t, do(t, "GET", url+"/versions?limit=0", nil), 400, "invalid", "limit", "1 to 1000")
		wantError(t, do(t, "GET", url+"/versions?before=x", nil), 400, "invalid", "before", "a revision")
		wantError(t, do(t, "GET", base+"/api/v1/boards/nope/versions", nil), 404, "not_found", "", "no board")
	})
	t.Run("Restore", func(t *testing.T) {
		r := do(t, "POST", url+"/versions/2/restore", nil)
		wantStatus(t, r, 200)
		if b := r.JSON(t); b["name"] != "rev 2" || num(b["revision"]) != 6 {
			t.Fatalf("restore of 2 = %s", r.Body)
		}
		if vs := do(t, "GET", url+"/versions", nil).JSON(t)["versions"].([]any); len(vs) != 6 {
			t.Fatalf("%d versions after restore, want 6", len(vs))
		}
		wantError(t, do(t, "POST", url+"/versions/3/restore", nil, "If-Match", `"5"`), 409, "conflict", "revision", "now at revision 6")
		wantError(t, do(t, "POST", url+"/versions/42/restore", nil), 404, "not_found", "", "has no revision 42")
	})
}

func TestDuplicate(t *testing.T) {
	base := startInProcess(t, "")
	id := create(t, base, "Original")
	r := do(t, "POST", base+"/api/v1/boards/"+id+"/duplicate", nil)
	wantStatus(t, r, 201)
	b := r.JSON(t)
	if b["id"] == id || b["name"] != "Original (copy)" || num(b["revision"]) != 1 || len(b["widgets"].([]any)) != 2 {
		t.Fatalf("copy = %s", r.Body)
	}
	if r.Header.Get("Location") != "/api/v1/boards/"+str(b["id"]) {
		t.Errorf("Location = %q", r.Header.Get("Location"))
	}
	long := create(t, base, strings.Repeat("é", 200))
	c := do(t, "POST", base+"/api/v1/boards/"+long+"/duplicate", nil)
	wantStatus(t, c, 201)
	if n := len([]rune(str(c.JSON(t)["name"]))); n != 200 || !strings.HasSuffix(str(c.JSON(t)["name"]), " (copy)") {
		t.Errorf("copy of a 200-character name is %d characters: %q", n, c.JSON(t)["name"])
	}
	wantError(t, do(t, "POST", base+"/api/v1/boards/nope/duplicate", nil), 404, "not_found", "", "no board")
}

func TestExportImport(t *testing.T) {
	base := startInProcess(t, "")
	id := create(t, base, "Situation room: 32/9")
	r := do(t, "GET", base+"/api/v1/boards/"+id+"/export", nil)
	wantStatus(t, r, 200)
	if cd := r.Header.Get("Content-Disposition"); cd != fmt.Sprintf(`attachment; filename="situation-room-32-9-%s.flexboard.json"`, id) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	doc := r.JSON(t)
	if doc["format"] != "flexboard-board" || num(doc["version"]) != 1 || doc["board"].(map[string]any)["name"] != "Situation room: 32/9" {
		t.Fatalf("export = %s", r.Body)
	}
	if src := doc["source"].(map[string]any); src["id"] != id || num(src["revision"]) != 1 {
		t.Errorf("export source = %v", src)
	}

	imp := do(t, "POST", base+"/api/v1/boards/import", r.Body)
	wantStatus(t, imp, 201)
	b := imp.JSON(t)
	if b["id"] == id || num(b["revision"]) != 1 || b["name"] != "Situation room: 32/9" {
		t.Fatalf("imported = %s", imp.Body)
	}
	orig := do(t, "GET", base+"/api/v1/boards/"+id, nil).JSON(t)
	a, _ := json.Marshal([]any{orig["widgets"], orig["variants"]})
	c, _ := json.Marshal([]any{b["widgets"], b["variants"]})
	if string(a) != string(c) {
		t.Errorf("import changed the content:\n%s\n%s", a, c)
	}

	bad := func(mut func(m map[string]any)) map[string]any {
		var m map[string]any
		json.Unmarshal(r.Body, &m)
		mut(m)
		return m
	}
	cases := []struct {
		name  string
		body  any
		code  int
		field string
		msg   string
	}{
		{"NotAnExport", `{"name":"x"}`, 400, "format", "not a Flexboard board export"},
		{"NewerVersion", bad(func(m map[string]any) { m["version"] = 99; m["future"] = true }), 400, "version", "export version 99 is not supported"},
		{"InvalidBoard", bad(func(m map[string]any) { m["board"].(map[string]any)["theme"] = "neon" }), 400, "board.theme", `"neon" is not a theme`},
		{"UnknownField", bad(func(m map[string]any) { m["extra"] = 1 }), 400, "extra", "unknown field"},
		{"Malformed", `{"format":`, 400, "", "malformed JSON"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			wantError(t, do(t, "POST", base+"/api/v1/boards/import", cs.body), cs.code, "invalid", cs.field, cs.msg)
			if live, _ := boardCount(t, base); live != 2 {
				t.Fatalf("a rejected import changed the board count to %d", live)
			}
		})
	}
	wantError(t, do(t, "GET", base+"/api/v1/boards/nope/export", nil), 404, "not_found", "", "no board")
}

func TestUnknownAPIPath(t *testing.T) {
	base := startInProcess(t, "")
	wantError(t, do(t, "GET", base+"/api/v1/nothing", nil), 404, "not_found", "", "no such page or endpoint: GET /api/v1/nothing")
	r := do(t, "GET", base+"/api/v1/boards", nil, "Accept", "text/html")
	if r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("API content type = %q", r.Header.Get("Content-Type"))
	}
}

func TestServerWideBodyLimit(t *testing.T) {
	base := startInProcess(t, "")
	// Past the server's own limit fasthttp refuses the body from its
	// Content-Length, before any handler runs: the answer must still be our
	// JSON error. A raw connection, because a client still sending the body
	// would see the connection closed under it.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /api/v1/boards/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", maxRequestBody+1)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	wantError(t, response{Status: res.StatusCode, Header: res.Header, Body: body}, http.StatusRequestEntityTooLarge, "too_large", "", fmt.Sprintf("over the server's limit of %d bytes", maxRequestBody))
}
