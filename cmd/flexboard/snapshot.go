package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// snapshotCmd runs `flexboard snapshot --board ID --out FILE.png`: it asks a
// running server to freeze the board, then renders the snapshot page to a
// PNG at twice the canvas size through a headless Chromium on this machine.
func snapshotCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", "", "")
	board := fs.String("board", "", "")
	out := fs.String("out", "", "")
	variant := fs.String("variant", "", "")
	at := fs.String("at", "", "")
	note := fs.String("note", "", "")
	token := fs.String("token", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "flexboard snapshot: %v (see flexboard --help)\n", err)
		return 2
	}
	if *board == "" || *out == "" {
		fmt.Fprintln(stderr, "usage: flexboard snapshot --board ID --out FILE.png [--url URL] [--token TOKEN] [--variant NAME] [--at RFC3339] [--note TEXT]")
		return 2
	}
	chromium := findChromium()
	if chromium == "" {
		fmt.Fprintln(stderr, "flexboard snapshot: no Chromium found (looked at $CHROMIUM, /usr/bin/chromium, chromium-browser, google-chrome): "+
			"install one (Debian: apt-get install chromium) or set CHROMIUM; the snapshot page itself needs none: open the URL the server gives")
		return 2
	}
	*url, *token = toolServer(*url, *token, getenv)
	base := strings.TrimRight(*url, "/")
	body, _ := json.Marshal(map[string]string{"variant": *variant, "at": *at, "note": *note})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/boards/"+*board+"/snapshots", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	setBearer(req, *token)
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "flexboard snapshot: is the server running at %s? %v\n", base, err)
		return 2
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		var e struct {
			Error struct{ Message, Field string } `json:"error"`
		}
		json.Unmarshal(b, &e)
		if e.Error.Field != "" {
			e.Error.Message = e.Error.Field + ": " + e.Error.Message
		}
		fmt.Fprintf(stderr, "flexboard snapshot: %s\n", e.Error.Message)
		return 1
	}
	var snap struct {
		ID, URL, Variant string
	}
	json.Unmarshal(b, &snap)
	// The canvas size of the frozen variant, from the board.
	canvas, err := canvasOf(ctx, base, *board, snap.Variant, *token)
	if err != nil {
		fmt.Fprintf(stderr, "flexboard snapshot: %v\n", err)
		return 1
	}
	sctx, cancel := context.WithTimeout(ctx, PictureTimeout)
	defer cancel()
	png, err := screenshot(sctx, chromium, base+snap.URL+"?png=1", canvas[0], canvas[1], 2)
	if err != nil {
		fmt.Fprintf(stderr, "flexboard snapshot: %v\n", err)
		return 1
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		fmt.Fprintf(stderr, "flexboard snapshot: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "snapshot %s%s → %s (%d×%d px, %d bytes)\n", base, snap.URL, *out, 2*canvas[0], 2*canvas[1], len(png))
	return 0
}

func canvasOf(ctx context.Context, base, board, variant, token string) ([2]int, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/boards/"+board, nil)
	setBearer(req, token)
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return [2]int{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return [2]int{}, fmt.Errorf("read board %s: HTTP %d (with --auth=password the token needs scope read)", board, res.StatusCode)
	}
	var b struct {
		Variants []struct {
			Name   string
			Canvas struct{ Width, Height int }
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
		return [2]int{}, fmt.Errorf("read board %s: %w", board, err)
	}
	for _, v := range b.Variants {
		if v.Name == variant {
			return [2]int{v.Canvas.Width, v.Canvas.Height}, nil
		}
	}
	return [2]int{}, fmt.Errorf("board %s has no variant %q", board, variant)
}
