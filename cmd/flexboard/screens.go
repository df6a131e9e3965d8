package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/screens"
)

// screenTargets checks that what a screen is told to show exists: the
// board (and its variant or wall profile) or the playlist.
func screenTargets(store *boards.SQLiteStore) screens.Checker {
	return func(ctx context.Context, t screens.Target) error {
		switch t.Kind {
		case screens.KindBoard, screens.KindWall:
			b, err := store.FindBoardByID(ctx, t.Board)
			if errs.CodeOf(err) == errs.NotFound {
				return errs.Invalidf("target.board", "%s", err.Error())
			}
			if err != nil {
				return err
			}
			if t.Variant != "" && !slices.ContainsFunc(b.Variants, func(v boards.Variant) bool { return v.Name == t.Variant }) {
				names := make([]string, len(b.Variants))
				for i, v := range b.Variants {
					names[i] = v.Name
				}
				return errs.Invalidf("target.variant", "board %q has no variant %q: it has %s", b.Name, t.Variant, strings.Join(names, ", "))
			}
			if t.Kind == screens.KindWall && !screens.IsWallSize(t.Wall) &&
				!slices.ContainsFunc(b.Walls, func(w boards.WallProfile) bool { return w.Name == t.Wall }) {
				return errs.Invalidf("target.wall", "board %q has no wall profile %q: name one of its profiles or give columns x rows, e.g. 3x2", b.Name, t.Wall)
			}
		case screens.KindPlaylist:
			_, err := store.FindPlaylistByID(ctx, t.Playlist)
			if errs.CodeOf(err) == errs.NotFound {
				return errs.Invalidf("target.playlist", "%s", err.Error())
			}
			return err
		}
		return nil
	}
}

// displayGrants authenticates a display token for the guard: a paired
// screen may read its target's board, or its playlist and the playlist's
// boards — nothing else.
func displayGrants(svc *screens.Service, store *boards.SQLiteStore) auth.DisplayChecker {
	return func(ctx context.Context, token string) (*auth.Display, error) {
		if strings.HasPrefix(token, boards.LinkTokenPrefix) {
			return linkGrant(ctx, store, token)
		}
		sc, err := svc.Authenticate(ctx, token)
		if err != nil || sc == nil {
			return nil, err
		}
		d := &auth.Display{ID: sc.ID, Name: sc.Name, Boards: []string{}, Playlists: []string{}}
		t := sc.Target
		switch t.Kind {
		case screens.KindBoard, screens.KindWall:
			d.Boards = append(d.Boards, t.Board)
		case screens.KindPlaylist:
			d.Playlists = append(d.Playlists, t.Playlist)
			p, err := store.FindPlaylistByID(ctx, t.Playlist)
			if err != nil && errs.CodeOf(err) != errs.NotFound {
				return nil, fmt.Errorf("screen %d: its playlist: %w", sc.ID, err)
			}
			if p != nil {
				for _, it := range p.Items {
					d.Boards = append(d.Boards, it.Board)
				}
			}
		}
		return d, nil
	}
}

// linkGrant authenticates a board's published link: it reads that board,
// like a screen showing it, until revoked.
func linkGrant(ctx context.Context, store *boards.SQLiteStore, token string) (*auth.Display, error) {
	l, err := store.FindLinkByToken(ctx, token)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if l.RevokedAt != nil {
		return nil, errs.E(errs.Unauthorized, "token", "this published link was revoked: ask the board's editors for a new one")
	}
	return &auth.Display{ID: l.ID, Name: "published link " + strconv.Quote(l.Name), Boards: []string{l.Board}, Playlists: []string{}, Link: true}, nil
}

// streamOwner names a display stream's opener for Hub.CloseOwner: a paired
// screen or a published link.
func streamOwner(link bool, id int64) string {
	if link {
		return "link:" + strconv.FormatInt(id, 10)
	}
	return "screen:" + strconv.FormatInt(id, 10)
}

// displayOwner is the stream handler's Owner: who opened a display stream
// when it was a display token (the guard put it in the request).
func displayOwner(c *fiber.Ctx) string {
	if d := auth.DisplayOf(c); d != nil {
		return streamOwner(d.Link, d.ID)
	}
	return ""
}
