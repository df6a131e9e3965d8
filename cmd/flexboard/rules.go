package main

import (
	"strings"

	"github.com/flexboard/flexboard/auth"
)

// routeRules is the authorization table of --auth=password: every route the
// server has, with the least role it needs or why it is public. It lives
// here because only cmd sees every package's routes; TestAuthorizationMatrix
// fails for a route without a rule and for a rule without a route.
func routeRules() auth.Rules {
	const (
		get, post, put, del = "GET", "POST", "PUT", "DELETE"
	)
	ingest := func(path string) auth.Rule {
		r := auth.Edit(post, path)
		r.Scope, r.Why = auth.ScopeIngest, "agents push with the ingest token (--ingest-token); an editor's session works too"
		return r
	}
	ingestWS := ingest("/api/v1/ingest/ws")
	ingestWS.Method = get
	return withTokenScopes(auth.Rules{
		// Outside the API.
		auth.Public(get, "/healthz", "probes of load balancers and orchestrators"),
		auth.Public(get, "/metrics", "Prometheus scrapes it: counts and timings of the server, no board content"),
		auth.Public(get, "/assets/*", "the front end's scripts and styles, the same for everyone"),
		auth.Public(get, "/setup/:token", "the first run's setup link: the 256-bit token is the key, valid once for 1 h"),
		auth.Public(post, "/setup/:token", "the first run's setup link: the 256-bit token is the key, valid once for 1 h"),
		auth.Public(get, "/login", "the sign-in page (the front end's shell); anonymous page requests are sent there"),
		identify(auth.Public(get, "/s/:id", "snapshot pages are public by link (the 128-bit id is the key), unless the board is private: then the handler wants a signed-in user")),
		auth.Public(get, "/v/:token", "a board's published read-only link: the 256-bit token is the key, revocable; it goes on to the board's display with the token"),
		auth.View(get, "/"),
		auth.View(get, "/widgets"),
		forDisplay(auth.View(get, "/d/:id"), auth.DisplayBoard, "id", ""),
		forDisplay(auth.View(get, "/p/:id"), auth.DisplayPlaylist, "id", ""),
		auth.Edit(get, "/edit/:id"),
		auth.Public(get, "/pair", "a new screen shows its pairing code here: it has nothing to sign in with"),
		auth.Edit(get, "/screens"),
		auth.Administer(get, "/admin"),
		auth.Administer(get, "/audit"),

		// Login and users.
		auth.Public(post, "/api/v1/auth/login", "logging in; refused cross-site, rate-limited per address and user"),
		auth.View(post, "/api/v1/auth/logout"),
		auth.View(post, "/api/v1/auth/logout-all"),
		forDisplay(auth.View(get, "/api/v1/auth/me"), auth.DisplayAny, "", ""),
		auth.Administer(get, "/api/v1/users"),
		auth.Administer(post, "/api/v1/users"),
		auth.Administer(put, "/api/v1/users/:id"),
		auth.Administer(del, "/api/v1/users/:id"),
		auth.Administer(get, "/api/v1/tokens"),
		auth.Administer(post, "/api/v1/tokens"),
		auth.Administer(del, "/api/v1/tokens/:id"),
		auth.Administer(get, "/api/v1/audit"),

		// Boards, versions, trash.
		auth.View(get, "/api/v1/boards"),
		auth.Edit(post, "/api/v1/boards"),
		auth.View(get, "/api/v1/templates"),
		auth.Edit(post, "/api/v1/boards/import"),
		auth.Edit(post, "/api/v1/boards/preview"),
		forDisplay(auth.View(get, "/api/v1/boards/:id"), auth.DisplayBoard, "id", ""),
		auth.Edit(put, "/api/v1/boards/:id"),
		auth.Edit(del, "/api/v1/boards/:id"),
		auth.Edit(post, "/api/v1/boards/:id/restore"),
		auth.Edit(post, "/api/v1/boards/:id/duplicate"),
		auth.View(get, "/api/v1/boards/:id/export"),
		forDisplay(auth.View(get, "/api/v1/boards/:id/render"), auth.DisplayBoard, "id", ""),
		forDisplay(auth.View(get, "/api/v1/boards/:id/plan"), auth.DisplayBoard, "id", ""),
		auth.View(get, "/api/v1/boards/:id/versions"),
		auth.View(get, "/api/v1/boards/:id/versions/:rev"),
		auth.Edit(post, "/api/v1/boards/:id/versions/:rev/restore"),
		auth.Edit(get, "/api/v1/boards/:id/access"),
		auth.Edit(put, "/api/v1/boards/:id/access"),
		auth.Edit(post, "/api/v1/boards/:id/links"),
		auth.Edit(del, "/api/v1/boards/:id/links/:link"),
		auth.View(get, "/api/v1/trash"),
		auth.Edit(del, "/api/v1/trash/:id"),

		// Playlists.
		auth.View(get, "/api/v1/playlists"),
		auth.Edit(post, "/api/v1/playlists"),
		forDisplay(auth.View(get, "/api/v1/playlists/:id"), auth.DisplayPlaylist, "id", ""),
		auth.Edit(put, "/api/v1/playlists/:id"),
		auth.Edit(del, "/api/v1/playlists/:id"),

		// Snapshots.
		auth.Edit(post, "/api/v1/boards/:id/snapshots"),
		auth.View(get, "/api/v1/boards/:id/snapshots"),
		forDisplay(auth.View(get, "/api/v1/boards/:id/frame"), auth.DisplayBoard, "id", ""),
		identify(auth.Public(get, "/api/v1/snapshots/:id", "a snapshot is public by link (the 128-bit id is the key), unless its board is private: then the handler wants a signed-in user")),
		auth.Edit(del, "/api/v1/snapshots/:id"),

		// Images.
		auth.Edit(post, "/api/v1/images"),
		auth.View(get, "/api/v1/images"),
		auth.Public(get, "/api/v1/images/:id", "images appear on public snapshot pages: the random 12-character id is the key, as a snapshot's is"),
		auth.Edit(del, "/api/v1/images/:id"),

		// Data: ingest, queries, the display stream.
		ingest("/api/v1/ingest"),
		ingest("/api/v1/ingest/prometheus"),
		ingest("/api/v1/ingest/influx"),
		ingestWS,
		auth.View(post, "/api/v1/query"),
		auth.View(get, "/api/v1/metrics"),
		auth.View(get, "/api/v1/labels"),
		forDisplay(auth.View(get, "/api/v1/widgets/kinds"), auth.DisplayAny, "", ""),
		forDisplay(auth.View(post, "/api/v1/displays/log"), auth.DisplayAny, "", ""),
		forDisplay(auth.View(get, "/api/v1/stream"), auth.DisplayBoard, "", "board"),

		// Screens: pairing, a screen's own channel, the console.
		auth.Public(post, "/api/v1/pair", "a new screen asks for a pairing code; pending codes are bounded (screens.MaxPending)"),
		auth.Public(get, "/api/v1/pair/:secret", "a waiting screen polls with the 256-bit secret it was given: the secret is the key"),
		displayOnly(get, "/api/v1/screen", "a paired screen's own status"),
		displayOnly(get, "/api/v1/screen/ws", "a paired screen's control channel (its origin is checked too)"),
		auth.Edit(get, "/api/v1/screens"),
		auth.Edit(post, "/api/v1/screens"),
		auth.Edit(post, "/api/v1/screens/switch"),
		auth.Edit(post, "/api/v1/screens/restore"),
		auth.Edit(put, "/api/v1/screens/:id"),
		auth.Edit(del, "/api/v1/screens/:id"),
		auth.Edit(post, "/api/v1/screens/:id/revoke"),
		auth.Edit(post, "/api/v1/screens/:id/reload"),
		auth.Edit(post, "/api/v1/screens/:id/identify"),

		// Sources: their configuration may hold addresses and credentials.
		auth.Administer(get, "/api/v1/sources"),
		auth.Administer(get, "/api/v1/sources/types"),
		auth.Administer(post, "/api/v1/sources"),
		auth.Administer(get, "/api/v1/sources/:id"),
		auth.Administer(put, "/api/v1/sources/:id"),
		auth.Administer(del, "/api/v1/sources/:id"),
		withWhy(auth.Edit(post, "/api/v1/sources/:id/incidents"),
			"an editor (or a write token: flexboard demo incident) plays a demo source's scripted incident; it reveals no configuration"),
	})
}

// withTokenScopes gives every API route an editor or viewer may call the
// scope of the API tokens that may call it too: reading (GET, and the
// viewer's POSTs: queries, display logs) needs read, a change needs write
// (which implies read). Routes that need an admin, the login and session
// routes and the pages take no token; the ingest routes keep ingest.
func withTokenScopes(rs auth.Rules) auth.Rules {
	for i := range rs {
		r := &rs[i]
		if r.Public || r.Scope != "" || r.Min == auth.Admin ||
			!strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/api/v1/auth/") {
			continue
		}
		if r.Method == "GET" || r.Min == auth.Viewer {
			r.Scope = auth.ScopeRead
		} else {
			r.Scope = auth.ScopeWrite
		}
	}
	return rs
}

// forDisplay lets a paired screen's display token call r: any display
// (kind auth.DisplayAny), or one whose target is the board or playlist
// named by the path parameter param or the query value query.
func forDisplay(r auth.Rule, kind, param, query string) auth.Rule {
	r.Display = auth.DisplayGrant{Kind: kind, Param: param, Query: query}
	return r
}

// displayOnly is a route only paired screens call. The guard lets it
// through (with --auth=none there is no guard), and the screens handler
// checks the display token itself: 401 without one, or a revoked one.
func displayOnly(method, path, what string) auth.Rule {
	r := auth.Public(method, path, what+": the screens handler checks the display token itself, in every auth mode")
	r.Display = auth.DisplayGrant{Kind: auth.DisplayAny}
	return r
}

// identify has the guard note who is signed in on a public route.
func identify(r auth.Rule) auth.Rule {
	r.Identify = true
	return r
}

func withWhy(r auth.Rule, why string) auth.Rule {
	r.Why = why
	return r
}
