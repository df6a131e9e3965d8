package main

import (
	"net/http"
	"testing"
)

func TestPlaylists(t *testing.T) {
	base := startInProcess(t, "")
	mk := func(name string) string {
		r := do(t, "POST", base+"/api/v1/boards", map[string]any{"name": name})
		wantStatus(t, r, 201)
		return str(r.JSON(t)["id"])
	}
	a, b := mk("A"), mk("B")

	r := do(t, "POST", base+"/api/v1/playlists", map[string]any{"name": " Lobby ", "items": []any{
		map[string]any{"board": a, "seconds": 20}, map[string]any{"board": b, "variant": "16:9"}}})
	wantStatus(t, r, 201)
	p := r.JSON(t)
	id := str(p["id"])
	items := p["items"].([]any)
	if p["name"] != "Lobby" || num(p["revision"]) != 1 || len(items) != 2 || num(items[1].(map[string]any)["seconds"]) != 30 ||
		r.Header.Get("Location") != "/api/v1/playlists/"+id || r.Header.Get("ETag") != `"1"` {
		t.Fatalf("created %v (headers %v)", p, r.Header)
	}
	if got := do(t, "GET", base+"/api/v1/playlists/"+id, nil).JSON(t); got["name"] != "Lobby" {
		t.Fatalf("get = %v", got)
	}
	if list := do(t, "GET", base+"/api/v1/playlists", nil).JSON(t)["playlists"].([]any); len(list) != 1 {
		t.Fatalf("list = %v", list)
	}

	p["items"] = []any{map[string]any{"board": b, "seconds": 10}}
	r = do(t, "PUT", base+"/api/v1/playlists/"+id, p)
	wantStatus(t, r, 200)
	if num(r.JSON(t)["revision"]) != 2 {
		t.Fatalf("saved %s", r.Body)
	}
	// A save based on revision 1 now conflicts and changes nothing.
	stale := do(t, "PUT", base+"/api/v1/playlists/"+id, p)
	wantError(t, stale, http.StatusConflict, "conflict", "revision", "based on revision 1, it is now at revision 2")
	if num(stale.Err(t)["current_revision"]) != 2 {
		t.Fatalf("conflict without current_revision: %s", stale.Body)
	}

	t.Run("Refusals", func(t *testing.T) {
		cases := []struct {
			name, field, msg string
			body             map[string]any
		}{
			{"NoName", "name", "", map[string]any{"items": []any{map[string]any{"board": a}}}},
			{"NoItems", "items", "at least one board", map[string]any{"name": "x"}},
			{"UnknownBoard", "items[0].board", `"nope" is not a board`, map[string]any{"name": "x", "items": []any{map[string]any{"board": "nope"}}}},
			{"TooShort", "items[0].seconds", "is 2; a board is shown 5 to 3600 seconds", map[string]any{"name": "x", "items": []any{map[string]any{"board": a, "seconds": 2}}}},
			{"UnknownVariant", "items[0].variant", "its variants: 16:9", map[string]any{"name": "x", "items": []any{map[string]any{"board": a, "variant": "4k"}}}},
			{"UnknownField", "items[0].duration", "unknown field", map[string]any{"name": "x", "items": []any{map[string]any{"board": a, "duration": 3}}}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantError(t, do(t, "POST", base+"/api/v1/playlists", c.body), 400, "invalid", c.field, c.msg)
			})
		}
		// A trashed board cannot be added.
		wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+a, nil), 204)
		wantError(t, do(t, "POST", base+"/api/v1/playlists", map[string]any{"name": "x", "items": []any{map[string]any{"board": a}}}), 400, "invalid", "items[0].board", "in the trash")
		if list := do(t, "GET", base+"/api/v1/playlists", nil).JSON(t)["playlists"].([]any); len(list) != 1 {
			t.Fatalf("refusals created playlists: %v", list)
		}
	})

	wantStatus(t, do(t, "DELETE", base+"/api/v1/playlists/"+id, nil), 204)
	wantError(t, do(t, "GET", base+"/api/v1/playlists/"+id, nil), 404, "not_found", "", "no playlist")
}
