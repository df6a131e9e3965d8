package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/flexboard/flexboard/boards"
)

// firstRunTemplates are the boards a first run creates beside the demo
// source, in the order the banner lists them: the 32:9 situation room (with
// its 16:9 variant), the service overview and the 10,000-host estate.
var firstRunTemplates = []string{"situation-room", "service-overview", "host-estate"}

// createFirstRunBoards creates the first run's boards from their
// templates. The caller does so only when it seeds the demo source, once
// per database: a board the user deletes or renames stays so.
func createFirstRunBoards(ctx context.Context, store boards.Store) ([]*boards.Board, error) {
	var out []*boards.Board
	for _, id := range firstRunTemplates {
		tpl, ok := boards.FindTemplate(id)
		if !ok {
			return nil, fmt.Errorf("no template %q", id)
		}
		b, err := store.CreateBoard(ctx, tpl.Content)
		if err != nil {
			return nil, fmt.Errorf("board from template %s: %w", id, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// announceFirstRun tells a newcomer where to look: one log line per board
// with its display and editor URLs, and (to w, standard output when run
// from the command line) a short block that stands out among the log lines.
// signIn (--auth=password) adds how to get in: the wall and editor pages
// need a signed-in user, a wall pairs instead, the demo incident a token.
func announceFirstRun(w io.Writer, log *slog.Logger, base string, bs []*boards.Board, signIn bool) {
	for _, b := range bs {
		log.Info("first run: created a board on the demo data", "board", b.Name, "display", base+"/d/"+b.ID, "editor", base+"/edit/"+b.ID)
	}
	if w == nil {
		return
	}
	width := 0
	for _, b := range bs {
		width = max(width, len([]rune(b.Name)))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "\n  Flexboard is running: %s\n\n", base)
	fmt.Fprintf(&s, "  First run: %d boards on the demo data. Open one on a wall, or in the editor:\n\n", len(bs))
	for _, b := range bs {
		pad := strings.Repeat(" ", width-len([]rune(b.Name)))
		fmt.Fprintf(&s, "    %s%s   wall  %s/d/%s\n", b.Name, pad, base, b.ID)
		fmt.Fprintf(&s, "    %s   edit  %s/edit/%s\n", strings.Repeat(" ", width), base, b.ID)
	}
	if signIn {
		fmt.Fprintf(&s, "\n  All boards: %s/ (sign in first: the setup link above makes the first admin)\n", base)
		fmt.Fprintf(&s, "  A wall display does not sign in: open %s/pair on it and enter its code in %s/screens\n", base, base)
		fmt.Fprintf(&s, "  Play an incident: flexboard demo incident error-burst --token <a write token made in %s/admin>\n\n", base)
	} else {
		fmt.Fprintf(&s, "\n  All boards: %s/   Play an incident: flexboard demo incident error-burst\n\n", base)
	}
	io.WriteString(w, s.String())
}
