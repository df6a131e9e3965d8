package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/stream"
)

// pairScreen pairs a screen the way a wall and an editor do: the wall asks
// for a code, the editor claims it with a target, the wall's next poll
// gets its display token.
func pairScreen(t *testing.T, base string, editor *identity, target map[string]any) (int64, string) {
	t.Helper()
	r := do(t, "POST", base+"/api/v1/pair", nil)
	wantStatus(t, r, 201)
	p := r.JSON(t)
	secret, code := str(p["secret"]), str(p["code"])
	r = do(t, "GET", base+"/api/v1/pair/"+secret, nil)
	wantStatus(t, r, 200)
	if got := r.JSON(t); got["status"] != "waiting" || got["code"] != code || got["token"] != nil {
		t.Fatalf("before pairing: %s", r.Body)
	}
	r = do(t, "POST", base+"/api/v1/screens", map[string]any{"code": code, "name": "Wall " + code, "target": target}, editor.headers()...)
	wantStatus(t, r, 201)
	id := num(r.JSON(t)["id"])
	r = do(t, "GET", base+"/api/v1/pair/"+secret, nil)
	wantStatus(t, r, 200)
	got := r.JSON(t)
	token := str(got["token"])
	if got["status"] != "paired" || len(token) < 40 {
		t.Fatalf("after pairing: %s", r.Body)
	}
	return id, token
}

// controlChannel opens a paired screen's control channel with its token.
func controlChannel(t *testing.T, base, token string) (*websocket.Conn, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, strings.Replace(base, "http://", "ws://", 1)+"/api/v1/screen/ws?token="+token, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c, ctx
}

// dialAs opens the display stream of board with a display (or link) token.
func dialAs(t *testing.T, ctx context.Context, base, board, token string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, strings.Replace(base, "http://", "ws://", 1)+"/api/v1/stream?board="+board,
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatalf("stream of board %s: %v", board, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	c.SetReadLimit(1 << 20)
	return c
}

// wantClosed reads a stream until it ends and wants close code.
func wantClosed(t *testing.T, ctx context.Context, c *websocket.Conn, code websocket.StatusCode) {
	t.Helper()
	for {
		if _, _, err := c.Read(ctx); err != nil {
			if got := websocket.CloseStatus(err); got != code {
				t.Fatalf("stream ended with %v, want close %d", err, code)
			}
			return
		}
	}
}

// nextMessage reads one control message.
func nextMessage(t *testing.T, ctx context.Context, c *websocket.Conn) map[string]any {
	t.Helper()
	var m map[string]any
	if err := wsjson.Read(ctx, c, &m); err != nil {
		t.Fatalf("control channel: %v", err)
	}
	return m
}

// TestScreens is issue 9's acceptance for displays on a real server with
// --auth=password: pairing, what a display token may read (only what its
// screen shows: never another board, never a change, never the editor),
// the control channel's assign, identify, reload and revoke, ?token= for
// players, "switch every screen" and "restore".
func TestScreens(t *testing.T) {
	base, ed, vera := passwordServer(t)
	mk := func(name string) string {
		r := do(t, "POST", base+"/api/v1/boards", sampleBoard(name), ed.headers()...)
		wantStatus(t, r, 201)
		return str(r.JSON(t)["id"])
	}
	b1, b2, b3 := mk("Lobby"), mk("Incident"), mk("Payroll")

	t.Run("BadInput", func(t *testing.T) {
		p := do(t, "POST", base+"/api/v1/pair", nil).JSON(t)
		code := str(p["code"])
		cases := []struct {
			name, field, msg string
			body             map[string]any
		}{
			{"WrongCode", "code", "no screen is waiting with code", map[string]any{"code": "ZZZ-ZZZ", "name": "x", "target": map[string]any{"kind": "board", "board": b1}}},
			{"NoCode", "code", "is required", map[string]any{"name": "x"}},
			{"NoName", "name", "is required", map[string]any{"code": code, "target": map[string]any{"kind": "board", "board": b1}}},
			{"LongName", "name", "at most 64", map[string]any{"code": code, "name": strings.Repeat("n", 65)}},
			{"UnknownBoard", "target.board", "no board", map[string]any{"code": code, "name": "x", "target": map[string]any{"kind": "board", "board": "nope"}}},
			{"UnknownVariant", "target.variant", "has no variant", map[string]any{"code": code, "name": "x", "target": map[string]any{"kind": "board", "board": b1, "variant": "4:3"}}},
			{"BadKind", "target.kind", "use board, playlist or wall", map[string]any{"code": code, "name": "x", "target": map[string]any{"kind": "tv"}}},
			{"TileOutside", "target.tile", "outside a 2x2 wall", map[string]any{"code": code, "name": "x", "target": map[string]any{"kind": "wall", "board": b1, "wall": "2x2", "tile": "2,0"}}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				code := map[int]string{400: "invalid", 404: "not_found"}
				r := do(t, "POST", base+"/api/v1/screens", c.body, ed.headers()...)
				if r.Status != 400 && r.Status != 404 {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				wantError(t, r, r.Status, code[r.Status], c.field, c.msg)
			})
		}
		// The code still works after all that: nothing was claimed.
		if got := do(t, "GET", base+"/api/v1/screens", nil, ed.headers()...).JSON(t)["screens"].([]any); len(got) != 0 {
			t.Fatalf("bad input paired %d screens", len(got))
		}
		wantStatus(t, do(t, "POST", base+"/api/v1/screens", map[string]any{"code": strings.ToLower(code), "name": "Spare",
			"target": map[string]any{"kind": "board", "board": b3}}, ed.headers()...), 201)
		wantError(t, do(t, "POST", base+"/api/v1/screens", map[string]any{"code": code, "name": "Twice",
			"target": map[string]any{"kind": "board", "board": b3}}, ed.headers()...), 404, "not_found", "code", "no screen is waiting")
		// A viewer may not pair.
		wantStatus(t, do(t, "POST", base+"/api/v1/screens", map[string]any{"code": code, "name": "x"}, vera.headers()...), 403)
	})

	id, token := pairScreen(t, base, ed, map[string]any{"kind": "board", "board": b1})
	bearer := []string{"Authorization", "Bearer " + token}

	t.Run("DisplayReadsOnlyItsBoard", func(t *testing.T) {
		for _, p := range []string{"/api/v1/boards/" + b1, "/api/v1/boards/" + b1 + "/render", "/api/v1/boards/" + b1 + "/plan?width=1920&height=1080", "/api/v1/widgets/kinds"} {
			wantStatus(t, do(t, "GET", base+p, nil, bearer...), 200)
		}
		me := do(t, "GET", base+"/api/v1/auth/me", nil, bearer...).JSON(t)
		if d, _ := me["display"].(map[string]any); num(d["id"]) != id || me["user"] != nil || me["csrf_token"] != nil {
			t.Errorf("auth/me as a display: %v", me)
		}
		for _, p := range []string{"/api/v1/boards/" + b2, "/api/v1/boards/" + b2 + "/render", "/api/v1/boards", "/api/v1/playlists", "/api/v1/screens", "/api/v1/labels"} {
			wantError(t, do(t, "GET", base+p, nil, bearer...), 403, "forbidden", "", "")
		}
		// Nothing written: not even its own board.
		wantStatus(t, do(t, "PUT", base+"/api/v1/boards/"+b1, sampleBoard("Hacked"), bearer...), 403)
		wantStatus(t, do(t, "POST", base+"/api/v1/boards", sampleBoard("New"), bearer...), 403)
		wantStatus(t, do(t, "POST", base+"/api/v1/boards/"+b1+"/snapshots", map[string]any{}, bearer...), 403)
		if got := str(do(t, "GET", base+"/api/v1/boards/"+b1, nil, ed.headers()...).JSON(t)["name"]); got != "Lobby" {
			t.Fatalf("board renamed by a display: %q", got)
		}
		// Its stream, not another's.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ws := strings.Replace(base, "http://", "ws://", 1) + "/api/v1/stream?board="
		c, _, err := websocket.Dial(ctx, ws+b1, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
		if err != nil {
			t.Fatalf("stream of its board: %v", err)
		}
		c.SetReadLimit(1 << 20)
		var first map[string]any
		if err := wsjson.Read(ctx, c, &first); err != nil || (first["type"] != "hello" && first["type"] != "board") {
			t.Fatalf("stream of its board: %v %v", first["type"], err)
		}
		c.CloseNow()
		if _, res, err := websocket.Dial(ctx, ws+b2, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}}); err == nil || res == nil || res.StatusCode != 403 {
			t.Fatalf("stream of another board: %v %v", res, err)
		}
		// Pages: its board, with ?token= once (a player without pairing);
		// the editor and other boards send it to /pair.
		res, err := noRedirect.Get(base + "/d/" + b1 + "?token=" + token)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var cookie string
		for _, k := range res.Cookies() {
			if k.Name == auth.DisplayCookieName {
				cookie = k.Name + "=" + k.Value
				if !k.HttpOnly || k.Value != token || k.MaxAge < 0 {
					t.Errorf("display cookie: %+v", k)
				}
			}
		}
		if res.StatusCode != 200 || cookie == "" {
			t.Fatalf("/d/{id}?token=: %d, cookie %q", res.StatusCode, cookie)
		}
		wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b1+"/render", nil, "Cookie", cookie), 200)
		wantRedirect(t, base+"/edit/"+b1, auth.PairPath, "Cookie", cookie)
		wantRedirect(t, base+"/d/"+b2, auth.PairPath, "Cookie", cookie)
		wantRedirect(t, base+"/", auth.PairPath, "Cookie", cookie)
		// A player that came with ?token= keeps it on the way to /pair.
		wantRedirect(t, base+"/d/"+b2+"?token="+token, auth.PairPath+"?token="+token)
	})

	t.Run("ControlChannel", func(t *testing.T) {
		c, ctx := controlChannel(t, base, token)
		if m := nextMessage(t, ctx, c); m["type"] != "assign" || m["url"] != "/d/"+b1 {
			t.Fatalf("first message: %v", m)
		}
		list := do(t, "GET", base+"/api/v1/screens", nil, ed.headers()...).JSON(t)["screens"].([]any)
		var me map[string]any
		for _, s := range list {
			if num(s.(map[string]any)["id"]) == id {
				me = s.(map[string]any)
			}
		}
		if me == nil || me["online"] != true || me["last_seen_at"] == nil {
			t.Fatalf("console: %v", me)
		}
		// Reassigned: told at once, and the grant follows.
		r := do(t, "PUT", fmt.Sprintf("%s/api/v1/screens/%d", base, id), map[string]any{"target": map[string]any{"kind": "board", "board": b2, "variant": "16:9"}}, ed.headers()...)
		wantStatus(t, r, 200)
		if m := nextMessage(t, ctx, c); m["type"] != "assign" || m["url"] != "/d/"+b2+"?variant=16%3A9" {
			t.Fatalf("after reassigning: %v", m)
		}
		wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b2+"/render", nil, bearer...), 200)
		wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b1+"/render", nil, bearer...), 403)
		for _, cmd := range []string{"identify", "reload"} {
			wantStatus(t, do(t, "POST", fmt.Sprintf("%s/api/v1/screens/%d/%s", base, id, cmd), nil, ed.headers()...), 202)
			if m := nextMessage(t, ctx, c); m["type"] != cmd {
				t.Fatalf("%s: %v", cmd, m)
			}
		}
		// What the screen reports shows in the console.
		if err := wsjson.Write(ctx, c, map[string]any{"type": "status", "showing": "/d/" + b2, "errors": 2, "last_error": "widget cpu: no data", "reloads": 1}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			got := do(t, "GET", fmt.Sprintf("%s/api/v1/screen", base), nil, bearer...).JSON(t)
			if num(got["errors"]) == 2 && num(got["watchdog_reloads"]) == 1 && got["last_error"] == "widget cpu: no data" && got["showing"] == "/d/"+b2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("report not recorded: %v", got)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	t.Run("Offline", func(t *testing.T) {
		deadline := time.Now().Add(10 * time.Second)
		for do(t, "GET", base+"/api/v1/screen", nil, bearer...).JSON(t)["online"] == true {
			if time.Now().After(deadline) {
				t.Fatal("still online after its channel closed")
			}
			time.Sleep(50 * time.Millisecond)
		}
		wantError(t, do(t, "POST", fmt.Sprintf("%s/api/v1/screens/%d/reload", base, id), nil, ed.headers()...), 409, "conflict", "", "is offline")
	})

	t.Run("SwitchAndRestore", func(t *testing.T) {
		_, t2 := pairScreen(t, base, ed, map[string]any{"kind": "board", "board": b1})
		id3, t3 := pairScreen(t, base, ed, map[string]any{"kind": "board", "board": b3})
		wantStatus(t, do(t, "PUT", fmt.Sprintf("%s/api/v1/screens/%d", base, id3), map[string]any{"group": "Ops"}, ed.headers()...), 200)
		c2, ctx2 := controlChannel(t, base, t2)
		c3, ctx3 := controlChannel(t, base, t3)
		nextMessage(t, ctx2, c2)
		nextMessage(t, ctx3, c3)
		// A group first: only screen 3 moves.
		r := do(t, "POST", base+"/api/v1/screens/switch", map[string]any{"group": "ops", "target": map[string]any{"kind": "board", "board": b2}}, ed.headers()...)
		wantStatus(t, r, 200)
		if got := r.JSON(t)["screens"].([]any); len(got) != 1 || num(got[0].(map[string]any)["id"]) != id3 {
			t.Fatalf("switch group Ops: %s", r.Body)
		}
		if m := nextMessage(t, ctx3, c3); m["url"] != "/d/"+b2 {
			t.Fatalf("screen 3 after switch: %v", m)
		}
		// Then every screen (the spare one, the reassigned one, 2 and 3).
		r = do(t, "POST", base+"/api/v1/screens/switch", map[string]any{"target": map[string]any{"kind": "board", "board": b3}}, ed.headers()...)
		wantStatus(t, r, 200)
		if got := r.JSON(t)["screens"].([]any); len(got) != 4 {
			t.Fatalf("switch all: %d screens: %s", len(got), r.Body)
		}
		if m := nextMessage(t, ctx2, c2); m["url"] != "/d/"+b3 {
			t.Fatalf("screen 2 after switch: %v", m)
		}
		nextMessage(t, ctx3, c3)
		wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b3+"/render", nil, "Authorization", "Bearer "+t2), 200)
		// Restore puts each back to what it showed before the incident
		// (screen 3: board 3, not the first switch's board 2).
		r = do(t, "POST", base+"/api/v1/screens/restore", nil, ed.headers()...)
		wantStatus(t, r, 200)
		if got := r.JSON(t)["screens"].([]any); len(got) != 4 {
			t.Fatalf("restore: %s", r.Body)
		}
		if m := nextMessage(t, ctx2, c2); m["url"] != "/d/"+b1 {
			t.Fatalf("screen 2 after restore: %v", m)
		}
		if m := nextMessage(t, ctx3, c3); m["url"] != "/d/"+b3 {
			t.Fatalf("screen 3 after restore: %v", m)
		}
		for _, s := range do(t, "GET", base+"/api/v1/screens", nil, ed.headers()...).JSON(t)["screens"].([]any) {
			if s.(map[string]any)["switched_from"] != nil {
				t.Errorf("still switched after restore: %v", s)
			}
		}
		wantError(t, do(t, "POST", base+"/api/v1/screens/switch", map[string]any{"target": map[string]any{"kind": "board", "board": "gone"}}, ed.headers()...), 400, "invalid", "target.board", "no board")
	})

	t.Run("Playlist", func(t *testing.T) {
		r := do(t, "POST", base+"/api/v1/playlists", map[string]any{"name": "Rotation", "items": []any{map[string]any{"board": b1}, map[string]any{"board": b2}}}, ed.headers()...)
		wantStatus(t, r, 201)
		pl := str(r.JSON(t)["id"])
		_, tp := pairScreen(t, base, ed, map[string]any{"kind": "playlist", "playlist": pl})
		for _, p := range []string{"/api/v1/playlists/" + pl, "/api/v1/boards/" + b1 + "/render", "/api/v1/boards/" + b2 + "/render"} {
			wantStatus(t, do(t, "GET", base+p, nil, "Authorization", "Bearer "+tp), 200)
		}
		wantStatus(t, do(t, "GET", base+"/api/v1/boards/"+b3+"/render", nil, "Authorization", "Bearer "+tp), 403)
	})

	t.Run("Revoke", func(t *testing.T) {
		c, ctx := controlChannel(t, base, token)
		nextMessage(t, ctx, c)
		// Its data stream ends too (a page that ignored its control
		// channel would otherwise keep receiving).
		data := dialAs(t, ctx, base, b2, token)
		wantStatus(t, do(t, "POST", fmt.Sprintf("%s/api/v1/screens/%d/revoke", base, id), nil, ed.headers()...), 200)
		if m := nextMessage(t, ctx, c); m["type"] != "revoked" {
			t.Fatalf("after revoking: %v", m)
		}
		_, _, err := c.Read(ctx)
		if websocket.CloseStatus(err) != 4401 {
			t.Fatalf("channel closed with %v, want 4401", err)
		}
		wantClosed(t, ctx, data, stream.CloseRevoked)
		wantError(t, do(t, "GET", base+"/api/v1/boards/"+b1+"/render", nil, bearer...), 401, "unauthorized", "token", "revoked — pair again")
		wantError(t, do(t, "GET", base+"/api/v1/screen", nil, bearer...), 401, "unauthorized", "token", "revoked — pair again")
		wantRedirect(t, base+"/d/"+b1+"?token="+token, auth.PairPath+"?revoked=1")
		wantError(t, do(t, "POST", fmt.Sprintf("%s/api/v1/screens/%d/revoke", base, id), nil, ed.headers()...), 409, "conflict", "", "already revoked")
		wantStatus(t, do(t, "DELETE", fmt.Sprintf("%s/api/v1/screens/%d", base, id), nil, ed.headers()...), 204)
		wantStatus(t, do(t, "DELETE", fmt.Sprintf("%s/api/v1/screens/%d", base, id), nil, ed.headers()...), 404)
	})
}

// TestScreensAuthNone: with --auth=none the console and the control
// channel work the same (there is no guard: the screens handler checks
// the display token of its own endpoints).
func TestScreensAuthNone(t *testing.T) {
	base := startInProcess(t, filepath.Join(t.TempDir(), "fb.db"))
	r := do(t, "POST", base+"/api/v1/boards", sampleBoard("Open"), nil...)
	wantStatus(t, r, 201)
	b := str(r.JSON(t)["id"])
	id, token := pairScreen(t, base, &identity{name: "anonymous"}, map[string]any{"kind": "wall", "board": b, "wall": "2x1", "tile": "1,0"})
	c, ctx := controlChannel(t, base, token)
	if m := nextMessage(t, ctx, c); m["url"] != "/d/"+b+"?tile=1%2C0&wall=2x1" {
		t.Fatalf("first message: %v", m)
	}
	wantStatus(t, do(t, "POST", fmt.Sprintf("%s/api/v1/screens/%d/identify", base, id), nil), 202)
	if m := nextMessage(t, ctx, c); m["type"] != "identify" || num(m["seconds"]) != 10 || !strings.HasPrefix(str(m["name"]), "Wall ") {
		t.Fatalf("identify: %v", m)
	}
	wantError(t, do(t, "GET", base+"/api/v1/screen", nil), 401, "unauthorized", "token", "not a paired screen")
	if _, res, err := websocket.Dial(ctx, strings.Replace(base, "http://", "ws://", 1)+"/api/v1/screen/ws?token=fbd_nope", nil); err == nil || res.StatusCode != 401 {
		t.Fatalf("control channel with an unknown token: %v %v", res, err)
	}
}
