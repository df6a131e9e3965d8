package audit

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// Handler serves the log to admins (the rule is in cmd/flexboard/rules.go).
type Handler struct {
	Store Store
	// Recorder, if set, is synced before reading, so a change answered
	// before the read is in the answer.
	Recorder *Recorder
}

// Register mounts GET /audit on r (the /api/v1 group).
func (h *Handler) Register(r fiber.Router) {
	r.Get("/audit", h.list)
}

// page is the answer of GET /api/v1/audit.
type page struct {
	Entries []Entry `json:"entries"`
	// Next is the "before" of the next (older) page; 0 when this is the last.
	Next int64 `json:"next_before"`
}

func (h *Handler) list(c *fiber.Ctx) error {
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	f, err := ParseFilter(q)
	if err != nil {
		return err
	}
	if h.Recorder != nil {
		h.Recorder.Sync(c.UserContext())
	}
	// One more than asked tells whether an older page exists.
	ask := f
	ask.Limit++
	es, err := h.Store.FindEntries(c.UserContext(), ask)
	if err != nil {
		return err
	}
	p := page{Entries: es}
	if len(es) > f.Limit {
		p.Entries = es[:f.Limit]
		p.Next = p.Entries[f.Limit-1].ID
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(p)
}
