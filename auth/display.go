package auth

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
)

// Display tokens belong to paired screens (package screens makes them): an
// unattended wall has no keyboard, so it is never asked to log in. A
// display token reads only what its screen shows, never expires by
// inactivity, and is revoked from the screens console.
const (
	// DisplayTokenPrefix starts every display token.
	DisplayTokenPrefix = "fbd_"
	// DisplayCookieName carries the display token of a paired browser, so
	// its pages, API calls and websockets are authenticated without script.
	DisplayCookieName = "flexboard_display"
	// DisplayTokenParam is the query parameter a player that cannot run the
	// pairing page sends its token in (/d/{id}?token=fbd_…).
	DisplayTokenParam = "token"
	// displayCookieAge is ten years: a screen stays paired until revoked.
	displayCookieAge = 10 * 365 * 24 * time.Hour
	// LinkTokenPrefix starts the token of a board's published read-only
	// link (boards.LinkTokenPrefix): it reads that board like a display.
	LinkTokenPrefix = "fbp_"
	// LinkCookieName keeps a published link's token for the page's own
	// requests, apart from a paired screen's.
	LinkCookieName = "flexboard_link"
)

// isDisplayToken reports whether s is a display or published-link token.
func isDisplayToken(s string) bool {
	return strings.HasPrefix(s, DisplayTokenPrefix) || strings.HasPrefix(s, LinkTokenPrefix)
}

func cookieFor(token string) string {
	if strings.HasPrefix(token, LinkTokenPrefix) {
		return LinkCookieName
	}
	return DisplayCookieName
}

// What a display may read, as a Rule's Display field says.
const (
	// DisplayAny: every paired display may call the route (its own status,
	// the widget kinds, reporting its problems).
	DisplayAny = "any"
	// DisplayBoard: the route reads one board, named by a path parameter
	// or a query value.
	DisplayBoard = "board"
	// DisplayPlaylist: the route reads one playlist.
	DisplayPlaylist = "playlist"
)

// DisplayGrant says whether, and for which resource, a display may call a
// route: Kind is "", DisplayAny, DisplayBoard or DisplayPlaylist; the id of
// the board or playlist is the path parameter Param or the query value Query.
type DisplayGrant struct {
	Kind  string
	Param string
	Query string
}

// Display is a paired screen (or a published link) authenticated by its
// token, with what it may read.
type Display struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Boards and Playlists are the ids it may read: what it shows now (a
	// playlist's boards are in Boards).
	Boards    []string `json:"boards"`
	Playlists []string `json:"playlists"`
	// Link: a published link (anyone holding it), not a paired screen:
	// refusals are errors, never the pairing page.
	Link bool `json:"link"`
}

// May reports whether d may read the board or playlist id.
func (d *Display) May(kind, id string) bool {
	switch kind {
	case DisplayBoard:
		return slices.Contains(d.Boards, id)
	case DisplayPlaylist:
		return slices.Contains(d.Playlists, id)
	}
	return false
}

// DisplayChecker returns the display a token belongs to: (nil, nil) for a
// token it does not know, an Unauthorized error for a revoked one.
type DisplayChecker func(ctx context.Context, token string) (*Display, error)

// displayKey is the Fiber Locals key of the request's *Display.
type displayKey struct{}

// DisplayOf returns the paired display the request was authenticated as, or nil.
func DisplayOf(c *fiber.Ctx) *Display {
	d, _ := c.Locals(displayKey{}).(*Display)
	return d
}

// DisplayToken returns the display token a request carries, and whether it
// came in the query: "Authorization: Bearer fbd_…", ?token=fbd_… or the
// display cookie, in that order.
func DisplayToken(c *fiber.Ctx) (token string, inQuery bool) {
	if b, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok && isDisplayToken(b) {
		return b, false
	}
	if q := c.Query(DisplayTokenParam); isDisplayToken(q) {
		return q, true
	}
	if k := c.Cookies(DisplayCookieName); strings.HasPrefix(k, DisplayTokenPrefix) {
		return k, false
	}
	if k := c.Cookies(LinkCookieName); strings.HasPrefix(k, LinkTokenPrefix) {
		return k, false
	}
	return "", false
}

// SetDisplayCookie stores a display token in the browser for ten years.
func SetDisplayCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: cookieFor(token), Value: token, Path: "/", Expires: time.Now().Add(displayCookieAge),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c)})
}

// ClearDisplayCookie removes a display (or link) token from the browser.
func ClearDisplayCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: cookieFor(token), Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c)})
}

// PairPath is the pairing page of screens.
const PairPath = "/pair"

func toPairing(c *fiber.Ctx, revoked bool, token string) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	to := PairPath
	if revoked {
		to += "?revoked=1"
	} else if token != "" {
		// A player that came with ?token= (and may keep no cookie)
		// keeps it: the pairing page sends it on with it.
		to += "?" + DisplayTokenParam + "=" + url.QueryEscape(token)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// mayCall reports whether rule lets display d call the request c.
func mayCall(d *Display, rule *Rule, c *fiber.Ctx) bool {
	g := rule.Display
	switch g.Kind {
	case "":
		return false
	case DisplayAny:
		return true
	}
	id := rule.Param(c.Path(), g.Param)
	if g.Query != "" {
		id = c.Query(g.Query)
	}
	return d.May(g.Kind, id)
}

// display authorizes a request made with a display token: unknown or
// revoked → 401 (and the cookie is cleared), a route no display may call or
// another board than its own → 403. A token that came in the query of a
// page is kept in the cookie, so that the page's own requests carry it.
func (h *Handler) display(c *fiber.Ctx, rule *Rule, check DisplayChecker, token string, inQuery bool) error {
	var d *Display
	var err error
	if check != nil {
		d, err = check(c.UserContext(), token)
	}
	if d == nil && (err == nil || errs.CodeOf(err) == errs.Unauthorized) {
		if err == nil {
			err = errs.E(errs.Unauthorized, "token", "the display token is not valid: pair this screen again at /pair")
		}
		if c.Cookies(cookieFor(token)) != "" {
			ClearDisplayCookie(c, token)
		}
		h.Log.Warn("display token refused", "method", c.Method(), "path", c.Path(), "ip", c.IP(), "reason", err.Error())
		if rule.IsPage() && strings.HasPrefix(token, DisplayTokenPrefix) {
			// A wall opening a page: the pairing page says it was revoked
			// and shows a new code at once.
			return toPairing(c, true, "")
		}
		return err
	}
	if err != nil {
		return err
	}
	g := rule.Display
	if rule.IsPage() && !d.Link && !mayCall(d, rule, c) {
		// A page the screen may not open (it was reassigned meanwhile,
		// or someone typed an address on it): the pairing page sends it
		// to what it shows now.
		if !inQuery {
			token = ""
		}
		return toPairing(c, false, token)
	}
	switch {
	case g.Kind == "":
		return errs.E(errs.Forbidden, "", "%s %s is not for displays: the screen %q may only read what it shows (sign in as a person for anything else)", c.Method(), c.Path(), d.Name)
	case !mayCall(d, rule, c):
		return errs.E(errs.Forbidden, "", "the screen %q shows something else: it may not read this %s (an editor assigns what it shows in /screens)", d.Name, g.Kind)
	}
	if unsafeMethod(c.Method()) {
		if err := sameOrigin(c); err != nil {
			return err
		}
	}
	if inQuery && rule.IsPage() {
		SetDisplayCookie(c, token)
	}
	c.Locals(displayKey{}, d)
	return c.Next()
}

// ActorName names who made a request, for logs: the user, "token NAME",
// "display NAME", or "anonymous (ADDRESS)" (with --auth=none).
func ActorName(c *fiber.Ctx) string {
	if u := UserOf(c); u != nil {
		return u.Name
	}
	if t := TokenOf(c); t != nil {
		return "token " + t.Name
	}
	if d := DisplayOf(c); d != nil {
		return "display " + d.Name
	}
	return "anonymous (" + c.IP() + ")"
}
