package screens_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/sqlitedb"
	"github.com/flexboard/flexboard/screens"
)

func TestTarget(t *testing.T) {
	cases := []struct {
		name   string
		t      screens.Target
		url    string
		field  string
		substr string
	}{
		{"Nothing", screens.Target{}, "", "", ""},
		{"Board", screens.Target{Kind: "board", Board: "b1"}, "/d/b1", "", ""},
		{"BoardVariant", screens.Target{Kind: "board", Board: "b1", Variant: "16:9"}, "/d/b1?variant=16%3A9", "", ""},
		{"Playlist", screens.Target{Kind: "playlist", Playlist: "p1"}, "/p/p1", "", ""},
		{"WallTile", screens.Target{Kind: "wall", Board: "b1", Wall: "3x2", Tile: "2,1"}, "/d/b1?tile=2%2C1&wall=3x2", "", ""},
		{"WallProfile", screens.Target{Kind: "wall", Board: "b1", Wall: "situation-room", Tile: "0,0"}, "/d/b1?tile=0%2C0&wall=situation-room", "", ""},
		{"BoardMissing", screens.Target{Kind: "board"}, "", "target.board", "is required"},
		{"PlaylistMissing", screens.Target{Kind: "playlist"}, "", "target.playlist", "is required"},
		{"BoardWithPlaylist", screens.Target{Kind: "board", Board: "b1", Playlist: "p"}, "", "target", "board and variant only"},
		{"UnknownKind", screens.Target{Kind: "tv"}, "", "target.kind", "use board, playlist or wall"},
		{"NoKind", screens.Target{Board: "b1"}, "", "target.kind", "is required"},
		{"TileOutside", screens.Target{Kind: "wall", Board: "b1", Wall: "2x2", Tile: "0,2"}, "", "target.tile", "outside a 2x2 wall"},
		{"TileMalformed", screens.Target{Kind: "wall", Board: "b1", Wall: "2x2", Tile: "a"}, "", "target.tile", "not a tile"},
		{"WallMissing", screens.Target{Kind: "wall", Board: "b1", Tile: "0,0"}, "", "target.wall", "is required"},
		{"PathInID", screens.Target{Kind: "board", Board: "../x"}, "", "target.board", "not an id"},
		{"LongID", screens.Target{Kind: "board", Board: strings.Repeat("b", 65)}, "", "target.board", "at most 64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.t.Validate("target")
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if got := c.t.URL(); got != c.url {
					t.Errorf("URL %q, want %q", got, c.url)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || e.Field != c.field || !strings.Contains(e.Message, c.substr) {
				t.Fatalf("Validate: %v, want invalid %s containing %q", err, c.field, c.substr)
			}
		})
	}
}

func newService(t *testing.T) *screens.Service {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return screens.NewService(screens.NewSQLiteStore(db), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
}

// TestPendingBounded: anonymous callers make codes, so their number is
// bounded; a code is claimed once, typed in any case with or without dash.
func TestPendingBounded(t *testing.T) {
	s := newService(t)
	var first *screens.Pending
	for i := 0; i < screens.MaxPending; i++ {
		p, err := s.StartPairing()
		if err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
		if first == nil {
			first = p
		}
		if len(p.Code) != 7 || p.Code[3] != '-' || strings.ContainsAny(p.Code, "01OIL") {
			t.Fatalf("code %q: want XXX-XXX without 0, 1, O, I, L", p.Code)
		}
	}
	if _, err := s.StartPairing(); errs.CodeOf(err) != errs.RateLimited {
		t.Fatalf("code %d: %v, want rate_limited", screens.MaxPending+1, err)
	}
	typed := strings.ToLower(strings.Replace(first.Code, "-", " ", 1))
	sc, err := s.Pair(context.Background(), screens.NewScreen{Code: typed, Name: "Lobby", Target: screens.Target{Kind: "board", Board: "b1"}}, "ed")
	if err != nil {
		t.Fatal(err)
	}
	code, token, got, err := s.PairStatus(first.Secret)
	if err != nil || code != first.Code || !strings.HasPrefix(token, "fbd_") || got.ID != sc.ID {
		t.Fatalf("PairStatus: %q %q %v %v", code, token, got, err)
	}
	if a, err := s.Authenticate(context.Background(), token); err != nil || a.ID != sc.ID {
		t.Fatalf("Authenticate: %v %v", a, err)
	}
	if _, err := s.Pair(context.Background(), screens.NewScreen{Code: first.Code, Name: "Twice", Target: screens.Target{Kind: "board", Board: "b1"}}, "ed"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("claiming twice: %v", err)
	}
	if _, _, _, err := s.PairStatus("not-a-secret"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("unknown secret: %v", err)
	}
}
