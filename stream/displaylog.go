package stream

import (
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
)

// Limits of what a display reports about itself.
const (
	MaxDisplayReportBytes = 4 << 10 // one report
	MaxDisplayReportText  = 500     // characters of its reason or detail
	// DisplayReportsPerMinute caps the reports logged per minute, all
	// displays together: a wall of broken screens must not flood the log.
	DisplayReportsPerMinute = 60
)

// DisplayReport is what a display page tells the server about itself: a
// watchdog reload and why, or an error it could not recover from.
type DisplayReport struct {
	Kind    string `json:"kind"`            // "reload", "error" or "info"
	Reason  string `json:"reason"`          // what happened, e.g. "heap 812 MB over the 768 MB cap"
	Board   string `json:"board,omitempty"` // what it was showing
	Variant string `json:"variant,omitempty"`
	Detail  string `json:"detail,omitempty"` // user agent, uptime, heap …
}

// DisplayLogHandler logs display reports: POST /displays/log.
type DisplayLogHandler struct {
	Log *slog.Logger

	mu     sync.Mutex
	window time.Time
	count  int
}

// Register mounts the route on r (the /api/v1 group).
func (h *DisplayLogHandler) Register(r fiber.Router) {
	r.Post("/displays/log", h.report)
}

func (h *DisplayLogHandler) report(c *fiber.Ctx) error {
	var rep DisplayReport
	if err := httpx.DecodeJSON(c, &rep, MaxDisplayReportBytes); err != nil {
		return err
	}
	switch rep.Kind {
	case "reload", "error", "info":
	default:
		return errs.Invalidf("kind", `must be "reload", "error" or "info"`)
	}
	for _, f := range []struct{ name, v string }{{"reason", rep.Reason}, {"board", rep.Board}, {"variant", rep.Variant}, {"detail", rep.Detail}} {
		if n := utf8.RuneCountInString(f.v); n > MaxDisplayReportText {
			return errs.Invalidf(f.name, "is %d characters; at most %d", n, MaxDisplayReportText)
		}
	}
	if rep.Reason == "" {
		return errs.Invalidf("reason", "is required: why the display reports")
	}
	h.mu.Lock()
	now := time.Now()
	if now.Sub(h.window) >= time.Minute {
		h.window, h.count = now, 0
	}
	h.count++
	logged := h.count <= DisplayReportsPerMinute
	h.mu.Unlock()
	if logged {
		h.Log.Warn("display report", "kind", rep.Kind, "reason", rep.Reason, "board", rep.Board, "variant", rep.Variant,
			"detail", rep.Detail, "remote", c.IP())
	}
	return c.SendStatus(fiber.StatusNoContent)
}
