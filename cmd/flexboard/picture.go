package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flexboard/flexboard/boards"
)

// Pictures of snapshots are taken by a headless Chromium found on the
// machine (never downloaded): it opens the snapshot page in its bare form
// (?png=1) at the canvas size with a device scale factor of 2, so the PNG is
// twice the canvas: sharp in chat and in print.

// PictureTimeout bounds one picture.
const PictureTimeout = 60 * time.Second

// chromiumArgs are the flags every headless run uses: no sandbox (servers
// often run as root), no GPU, nothing that calls out.
var chromiumArgs = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio"}

// findChromium returns a Chromium binary ($CHROMIUM, or one on the usual
// paths), or "" when there is none.
func findChromium() string {
	cands := []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"}
	for _, c := range cands {
		if c == "" {
			continue
		}
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return c
		}
	}
	return ""
}

// screenshot renders url at w×h CSS px with scale into a PNG.
// extra are further Chromium flags.
func screenshot(ctx context.Context, chromium, url string, w, h int, scale float64, extra ...string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "flexboard-shot-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "shot.png")
	args := append(append([]string(nil), chromiumArgs...),
		"--user-data-dir="+filepath.Join(dir, "profile"),
		fmt.Sprintf("--window-size=%d,%d", w, h),
		fmt.Sprintf("--force-device-scale-factor=%g", scale),
		// Virtual time lets the page's scripts (ECharts) run to completion
		// before the picture, without guessing a delay.
		"--virtual-time-budget=10000")
	args = append(append(args, extra...), "--screenshot="+out, url)
	cmd := exec.CommandContext(ctx, chromium, args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chromium: %w: %s", err, tail(msg, 500))
	}
	return os.ReadFile(out)
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// pictureTaker takes snapshot pictures one at a time (a Chromium is heavy).
type pictureTaker struct {
	chromium string
	store    boards.SnapshotStore
	log      *slog.Logger
	base     atomic.Value // the server's own URL, set once it listens
	mu       sync.Mutex
	keyOnce  sync.Once
	ownKey   string
}

// pictureKeyParam carries the picture taker's key: the server's own
// Chromium opens a private board's snapshot with it, without a session.
const pictureKeyParam = "picture_key"

func (p *pictureTaker) key() string {
	p.keyOnce.Do(func() {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		p.ownKey = hex.EncodeToString(b)
	})
	return p.ownKey
}

// isOwn reports whether k is this process's picture key.
func (p *pictureTaker) isOwn(k string) bool {
	return k != "" && subtle.ConstantTimeCompare([]byte(k), []byte(p.key())) == 1
}

// take renders and stores the picture of s; failures are logged, the
// snapshot stays (without a picture).
func (p *pictureTaker) take(s *boards.Snapshot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	base, _ := p.base.Load().(string)
	if base == "" {
		return
	}
	var canvas boards.Canvas
	for _, v := range s.Content.Variants {
		if v.Name == s.Variant {
			canvas = v.Canvas
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), PictureTimeout)
	defer cancel()
	var extra []string
	if strings.HasPrefix(base, "https:") {
		// The server photographs itself over loopback, where its
		// certificate's names (and maybe its issuer) are not what the
		// browser checks against: nothing to verify on that hop.
		extra = append(extra, "--ignore-certificate-errors")
	}
	png, err := screenshot(ctx, p.chromium, base+s.URL+"?png=1&"+pictureKeyParam+"="+p.key(), canvas.Width, canvas.Height, 2, extra...)
	if err == nil {
		err = p.store.SetSnapshotPNG(ctx, s.ID, png)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		p.log.Error("snapshot picture", "snapshot", s.ID, "err", err)
		return
	}
	p.log.Info("snapshot picture taken", "snapshot", s.ID, "bytes", len(png))
}
