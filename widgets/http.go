package widgets

import "github.com/gofiber/fiber/v2"

// Handler serves the widget catalogue: GET /widgets/kinds answers every kind
// with its config schema, and the palette of both themes, so the editor
// builds its forms and the front end its colours from what the server
// validates and renders with.
type Handler struct {
	Kinds *Registry
}

// Register mounts the routes on r (the /api/v1 group).
func (h *Handler) Register(r fiber.Router) {
	r.Get("/widgets/kinds", h.kinds)
}

func (h *Handler) kinds(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(fiber.Map{"kinds": h.Kinds.Kinds(), "palette": Themes(), "states": States})
}
