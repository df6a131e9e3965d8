package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/stream"
)

// TestBoardAccess is issue 9's "tokens and links" on a real server with
// --auth=password: a snapshot is public by link until its board is marked
// private (then it needs a signed-in user, and so do snapshots taken
// later); a published link shows one board read-only to anyone holding
// it, and nothing else, until revoked.
func TestBoardAccess(t *testing.T) {
	base, ed, vera := passwordServer(t)
	r := do(t, "POST", base+"/api/v1/boards", sampleBoard("Checkout"), ed.headers()...)
	wantStatus(t, r, 201)
	b := str(r.JSON(t)["id"])
	other := str(do(t, "POST", base+"/api/v1/boards", sampleBoard("Other"), ed.headers()...).JSON(t)["id"])
	snap := func() string {
		r := do(t, "POST", base+"/api/v1/boards/"+b+"/snapshots", map[string]any{}, ed.headers()...)
		wantStatus(t, r, 201)
		return str(r.JSON(t)["id"])
	}

	t.Run("PrivateSnapshots", func(t *testing.T) {
		s1 := snap()
		wantStatus(t, do(t, "GET", base+"/api/v1/snapshots/"+s1, nil), 200)
		wantError(t, do(t, "PUT", base+"/api/v1/boards/"+b+"/access", map[string]any{}, ed.headers()...), 400, "invalid", "private", "is required")
		wantStatus(t, do(t, "PUT", base+"/api/v1/boards/"+b+"/access", map[string]any{"private": true}, vera.headers()...), 403)
		r := do(t, "PUT", base+"/api/v1/boards/"+b+"/access", map[string]any{"private": true}, ed.headers()...)
		wantStatus(t, r, 200)
		if r.JSON(t)["private"] != true {
			t.Fatalf("access: %s", r.Body)
		}
		s2 := snap()
		for _, s := range []string{s1, s2} {
			wantError(t, do(t, "GET", base+"/api/v1/snapshots/"+s, nil), 401, "unauthorized", "", "private")
			wantError(t, do(t, "GET", base+"/s/"+s+".png", nil), 401, "unauthorized", "", "private")
			wantRedirect(t, base+"/s/"+s, "/login?next=%2Fs%2F"+s)
			got := do(t, "GET", base+"/api/v1/snapshots/"+s, nil, vera.headers()...)
			wantStatus(t, got, 200)
			if got.JSON(t)["private"] != true {
				t.Errorf("snapshot %s: %s", s, got.Body)
			}
			wantStatus(t, do(t, "GET", base+"/s/"+s, nil, vera.headers()...), 200)
		}
		wantStatus(t, do(t, "PUT", base+"/api/v1/boards/"+b+"/access", map[string]any{"private": false}, ed.headers()...), 200)
		wantStatus(t, do(t, "GET", base+"/api/v1/snapshots/"+s2, nil), 200)
	})

	t.Run("PublishedLink", func(t *testing.T) {
		wantError(t, do(t, "POST", base+"/api/v1/boards/"+b+"/links", map[string]any{"name": strings.Repeat("x", 65)}, ed.headers()...), 400, "invalid", "name", "at most 64")
		wantStatus(t, do(t, "POST", base+"/api/v1/boards/"+b+"/links", map[string]any{"name": "Lobby"}, vera.headers()...), 403)
		r := do(t, "POST", base+"/api/v1/boards/"+b+"/links", map[string]any{"name": "Lobby TV"}, ed.headers()...)
		wantStatus(t, r, 201)
		l := r.JSON(t)
		token, url := str(l["token"]), str(l["url"])
		if !strings.HasPrefix(token, "fbp_") || url != "/v/"+token {
			t.Fatalf("link: %s", r.Body)
		}
		wantRedirect(t, base+url, "/d/"+b+"?token="+token)
		res, err := noRedirect.Get(base + "/d/" + b + "?token=" + token)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var cookie string
		for _, k := range res.Cookies() {
			if k.Name == auth.LinkCookieName && k.Value == token {
				cookie = k.Name + "=" + k.Value
			}
		}
		if res.StatusCode != 200 || cookie == "" {
			t.Fatalf("/d/{id}?token=fbp_…: %d, cookie %q", res.StatusCode, cookie)
		}
		for _, h := range [][]string{{"Cookie", cookie}, {"Authorization", "Bearer " + token}} {
			wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b+"/render", nil, h...), 200)
			wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+other+"/render", nil, h...), 403)
			wantStatus(t, do(t, "PUT", base+"/api/v1/boards/"+b, sampleBoard("Hacked"), h...), 403)
			wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b+"/access", nil, h...), 403)
		}
		// A link is not a screen: a page it may not open is refused, not
		// sent to the pairing page.
		req, _ := http.NewRequest("GET", base+"/edit/"+b, nil)
		req.Header.Set("Cookie", cookie)
		res, err = noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 403 {
			t.Fatalf("/edit with a link: %d", res.StatusCode)
		}
		acc := do(t, "GET", base+"/api/v1/boards/"+b+"/access", nil, ed.headers()...).JSON(t)
		links := acc["links"].([]any)
		if len(links) != 1 || str(links[0].(map[string]any)["name"]) != "Lobby TV" {
			t.Fatalf("access: %v", acc)
		}
		id := num(links[0].(map[string]any)["id"])
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		data := dialAs(t, ctx, base, b, token)
		wantStatus(t, do(t, "DELETE", base+"/api/v1/boards/"+b+"/links/"+itoa(id), nil, ed.headers()...), 200)
		wantError(t, do(t, "DELETE", base+"/api/v1/boards/"+b+"/links/"+itoa(id), nil, ed.headers()...), 409, "conflict", "", "already revoked")
		wantClosed(t, ctx, data, stream.CloseRevoked) // open streams end too
		wantError(t, do(t, "GET", base+url, nil), 404, "not_found", "", "revoked")
		wantError(t, do(t, "GET", base+"/api/v1/boards/"+b+"/render", nil, "Authorization", "Bearer "+token), 401, "unauthorized", "token", "revoked")
		wantError(t, do(t, "DELETE", base+"/api/v1/boards/"+b+"/links/x", nil, ed.headers()...), 400, "invalid", "link", "not a link id")
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
