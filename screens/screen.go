// Package screens pairs unattended displays and steers them: a wall opens
// /pair and shows a short code, an editor types the code into the screens
// console and says what the wall shows; the wall then holds a long-lived,
// revocable display token and a control channel over which the console
// reassigns, reloads, identifies, switches and revokes it.
package screens

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flexboard/flexboard/internal/errs"
)

// Limits of the screens console.
const (
	// MaxScreens is the most screens one server pairs (revoked ones count
	// until forgotten).
	MaxScreens = 1000
	// MaxName is the most characters of a screen's name and of a group's.
	MaxName = 64
	// MaxIDLength bounds the board, playlist and variant ids of a target.
	MaxIDLength = 64
	// MaxErrorText is the most characters kept of a screen's last error.
	MaxErrorText = 300
)

// What a screen can show.
const (
	// KindNone: paired, nothing assigned yet (the screen says so).
	KindNone = ""
	// KindBoard: one board, optionally a given variant.
	KindBoard = "board"
	// KindPlaylist: a playlist rotating boards.
	KindPlaylist = "playlist"
	// KindWall: one monitor (tile) of a board split over a video wall.
	KindWall = "wall"
)

// Target is what a screen shows.
type Target struct {
	Kind     string `json:"kind"`
	Board    string `json:"board,omitempty"`
	Variant  string `json:"variant,omitempty"`
	Playlist string `json:"playlist,omitempty"`
	// Wall is a wall profile's name or "CxR" (columns × rows); Tile is
	// "c,r", the monitor this screen is (0-based), as /d/{id}?wall=&tile=.
	Wall string `json:"wall,omitempty"`
	Tile string `json:"tile,omitempty"`
}

var (
	wallSize = regexp.MustCompile(`^[1-9][0-9]?x[1-9][0-9]?$`)
	tileSpec = regexp.MustCompile(`^[0-9]{1,2},[0-9]{1,2}$`)
)

// Validate checks the target's shape (whether its board or playlist exists
// is for the caller, which knows the boards). field prefixes messages.
func (t Target) Validate(field string) error {
	for _, f := range []struct{ name, v string }{{"board", t.Board}, {"variant", t.Variant}, {"playlist", t.Playlist}, {"wall", t.Wall}, {"tile", t.Tile}} {
		if len(f.v) > MaxIDLength {
			return errs.Invalidf(field+"."+f.name, "is %d characters; at most %d", len(f.v), MaxIDLength)
		}
		if strings.ContainsAny(f.v, "/?#&\\ ") || !utf8.ValidString(f.v) {
			return errs.Invalidf(field+"."+f.name, "%q is not an id", f.v)
		}
	}
	switch t.Kind {
	case KindNone:
		if t.Board != "" || t.Playlist != "" || t.Variant != "" || t.Wall != "" || t.Tile != "" {
			return errs.Invalidf(field+".kind", "is required with a board or playlist: board, playlist or wall")
		}
	case KindBoard:
		if t.Board == "" {
			return errs.Invalidf(field+".board", "is required: the id of the board to show")
		}
		if t.Playlist != "" || t.Wall != "" || t.Tile != "" {
			return errs.Invalidf(field, "a board target takes board and variant only")
		}
	case KindPlaylist:
		if t.Playlist == "" {
			return errs.Invalidf(field+".playlist", "is required: the id of the playlist to show")
		}
		if t.Board != "" || t.Variant != "" || t.Wall != "" || t.Tile != "" {
			return errs.Invalidf(field, "a playlist target takes playlist only")
		}
	case KindWall:
		if t.Board == "" {
			return errs.Invalidf(field+".board", "is required: the id of the board the wall shows")
		}
		if t.Wall == "" {
			return errs.Invalidf(field+".wall", "is required: a wall profile's name or columns x rows, e.g. 3x2")
		}
		if !tileSpec.MatchString(t.Tile) {
			return errs.Invalidf(field+".tile", "%q is not a tile: column,row counted from 0, e.g. 0,1", t.Tile)
		}
		if wallSize.MatchString(t.Wall) {
			var cols, rows, c, r int
			fmt.Sscanf(t.Wall, "%dx%d", &cols, &rows)
			fmt.Sscanf(t.Tile, "%d,%d", &c, &r)
			if c >= cols || r >= rows {
				return errs.Invalidf(field+".tile", "%s is outside a %s wall: columns 0–%d, rows 0–%d", t.Tile, t.Wall, cols-1, rows-1)
			}
		}
		if t.Playlist != "" {
			return errs.Invalidf(field, "a wall target takes board, variant, wall and tile only")
		}
	default:
		return errs.Invalidf(field+".kind", "%q is not something a screen shows: use board, playlist or wall", t.Kind)
	}
	return nil
}

// IsWallSize reports whether a wall is given as columns x rows ("3x2")
// rather than by a board's wall profile name.
func IsWallSize(wall string) bool { return wallSize.MatchString(wall) }

// URL is the page that shows the target; "" for KindNone.
func (t Target) URL() string {
	q := url.Values{}
	var path string
	switch t.Kind {
	case KindBoard, KindWall:
		path = "/d/" + url.PathEscape(t.Board)
		if t.Variant != "" {
			q.Set("variant", t.Variant)
		}
		if t.Kind == KindWall {
			q.Set("wall", t.Wall)
			q.Set("tile", t.Tile)
		}
	case KindPlaylist:
		path = "/p/" + url.PathEscape(t.Playlist)
	default:
		return ""
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

// Screen is a paired display.
type Screen struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Group string `json:"group"`
	// Target is what it shows; SwitchedFrom, when set, is what it showed
	// before "switch every screen", which "restore" puts back.
	Target       Target    `json:"target"`
	SwitchedFrom *Target   `json:"switched_from"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	// LastSeenAt is when its control channel last connected or reported.
	LastSeenAt *time.Time `json:"last_seen_at"`
	UserAgent  string     `json:"user_agent"`
	Address    string     `json:"address"`
	// Showing is the page the screen last said it is on.
	Showing         string     `json:"showing"`
	Errors          int64      `json:"errors"`
	LastError       string     `json:"last_error"`
	LastErrorAt     *time.Time `json:"last_error_at"`
	WatchdogReloads int64      `json:"watchdog_reloads"`
	RevokedAt       *time.Time `json:"revoked_at"`
	TokenHash       string     `json:"-"`

	// Online and URL are filled in by the handler: whether its control
	// channel is connected now, and the page its target is.
	Online bool   `json:"online"`
	URL    string `json:"url"`
}

// cleanName trims a screen's or group's name and checks it.
func cleanName(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" && required {
		return "", errs.Invalidf(field, "is required: e.g. \"Situation room left\"")
	}
	if n := utf8.RuneCountInString(s); n > MaxName {
		return "", errs.Invalidf(field, "is %d characters; at most %d", n, MaxName)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return "", errs.Invalidf(field, "may not contain control characters (found %q)", r)
		}
	}
	return s, nil
}

// NewScreen is the body of POST /api/v1/screens: the code the screen shows,
// and what to call it and show on it.
type NewScreen struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Group  string `json:"group"`
	Target Target `json:"target"`
}

// ScreenUpdate is the body of PUT /api/v1/screens/{id}: only the fields
// sent change.
type ScreenUpdate struct {
	Name   *string `json:"name"`
	Group  *string `json:"group"`
	Target *Target `json:"target"`
}

// Switch is the body of POST /api/v1/screens/switch and /restore: the
// target (switch only) and which screens: a group's, or every screen's
// when Group is empty.
type Switch struct {
	Target Target `json:"target"`
	Group  string `json:"group"`
}
