package sources

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/widgets"
)

// MaxBodyBytes bounds a source config request.
const MaxBodyBytes = 256 << 10

// Handler serves /api/v1/sources.
type Handler struct {
	Store   Store
	Manager *Manager
	Log     *slog.Logger
}

// Register mounts the sources API on r (the /api/v1 group).
func (h *Handler) Register(r fiber.Router) {
	r.Get("/sources", h.list)
	r.Get("/sources/types", h.types)
	r.Post("/sources", h.create)
	r.Get("/sources/:id", h.get)
	r.Put("/sources/:id", h.update)
	r.Delete("/sources/:id", h.delete)
	r.Post("/sources/:id/incidents", h.incident)
}

type writeRequest struct {
	ID        string          `json:"id"`
	Revision  *int64          `json:"revision"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
	Health    json.RawMessage `json:"health"`
	Name      string          `json:"name"`
	Type      string          `json:"type"`
	Enabled   *bool           `json:"enabled"`
	Config    json.RawMessage `json:"config"`
}

func (r *writeRequest) source() Source {
	s := Source{Name: r.Name, Type: r.Type, Enabled: r.Enabled == nil || *r.Enabled, Config: r.Config}
	return s
}

func (h *Handler) withHealth(s *Source) *Source {
	v := h.Manager.Health(s.ID)
	s.Health = &v
	return s
}

func (h *Handler) list(c *fiber.Ctx) error {
	list, err := h.Store.FindSources(c.UserContext())
	if err != nil {
		return err
	}
	for i := range list {
		h.withHealth(&list[i])
	}
	return c.JSON(fiber.Map{"sources": list})
}

func (h *Handler) types(c *fiber.Ctx) error {
	type info struct {
		Type      string          `json:"type"`
		Defaults  json.RawMessage `json:"defaults"`
		Incidents bool            `json:"incidents"`
	}
	var out []info
	for _, t := range h.Manager.Types() {
		d := h.Manager.Driver(t)
		out = append(out, info{Type: t, Defaults: d.Defaults(), Incidents: t == TypeDemo})
	}
	return c.JSON(fiber.Map{"types": out})
}

func (h *Handler) get(c *fiber.Ctx) error {
	s, err := h.Store.FindSourceByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(h.withHealth(s))
}

// normalize compacts a config so stored configs are canonical.
func normalize(raw json.RawMessage) json.RawMessage {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	b, _ := json.Marshal(v)
	return b
}

func (h *Handler) create(c *fiber.Ctx) error {
	var req writeRequest
	if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
		return err
	}
	s := req.source()
	if _, err := h.Manager.Validate(&s); err != nil {
		return err
	}
	s.Config = normalize(s.Config)
	created, err := h.Store.CreateSource(c.UserContext(), s)
	if err != nil {
		return err
	}
	if err := h.Manager.Apply(created); err != nil {
		return err
	}
	h.Log.Info("source created", "id", created.ID, "type", created.Type)
	c.Location("/api/v1/sources/" + created.ID)
	return c.Status(fiber.StatusCreated).JSON(h.withHealth(created))
}

func (h *Handler) update(c *fiber.Ctx) error {
	id := c.Params("id")
	var req writeRequest
	if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
		return err
	}
	if req.ID != "" && req.ID != id {
		return errs.Invalidf("id", "%q does not match the source in the URL", req.ID)
	}
	if req.Revision == nil {
		return errs.Invalidf("revision", "is required: send the revision your edit is based on (from GET)")
	}
	s := req.source()
	if _, err := h.Manager.Validate(&s); err != nil {
		return err
	}
	s.Config = normalize(s.Config)
	saved, err := h.Store.UpdateSource(c.UserContext(), id, *req.Revision, s)
	if err != nil {
		return err
	}
	if err := h.Manager.Apply(saved); err != nil {
		return err
	}
	h.Log.Info("source saved", "id", id, "revision", saved.Revision)
	return c.JSON(h.withHealth(saved))
}

func (h *Handler) delete(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := h.Store.DeleteSource(c.UserContext(), id); err != nil {
		return err
	}
	h.Manager.Stop(id)
	h.Log.Info("source deleted", "id", id)
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) incident(c *fiber.Ctx) error {
	id := c.Params("id")
	var req struct {
		Scenario string `json:"scenario"`
		Duration string `json:"duration"`
	}
	if err := httpx.DecodeJSON(c, &req, 4096); err != nil {
		return err
	}
	if _, err := h.Store.FindSourceByID(c.UserContext(), id); err != nil {
		return err
	}
	var d time.Duration
	if req.Duration != "" {
		var err error
		if d, err = widgets.ParseDuration(req.Duration); err != nil || d < 10*time.Second || d > time.Hour {
			return errs.Invalidf("duration", "must be a duration from 10s to 1h, such as 3m")
		}
	}
	if req.Scenario == "" {
		return errs.Invalidf("scenario", "is required")
	}
	if err := h.Manager.Incident(id, req.Scenario, d); err != nil {
		return err
	}
	h.Log.Info("incident started", "source", id, "scenario", req.Scenario, "duration", d.String())
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"scenario": req.Scenario, "started_at": time.Now().UTC()})
}
