package boards

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/widgets"
)

// Handler serves the boards API. Build it in cmd and mount it with Register.
type Handler struct {
	Store Store
	Kinds *widgets.Registry
	Log   *slog.Logger
	// Changed, if set, is called after a change to a board is committed
	// (saved, restored, trashed, purged), so open displays follow it.
	Changed func(id string)
	// Images keeps uploaded images; nil: no image routes.
	Images ImageStore
	// Playlists keeps playlists; nil: no playlist routes.
	Playlists PlaylistStore
	// Snapshots keeps snapshots; with Freeze (which shapes every widget of
	// a board variant at a moment, or says why it cannot) the snapshot
	// routes are mounted. Picture, when set, renders a snapshot's PNG in
	// the background (headless Chromium); Location is the time zone pages
	// show times in.
	Snapshots SnapshotStore
	Freeze    func(ctx context.Context, b *Board, variant string, at time.Time) (map[string]json.RawMessage, error)
	Picture   func(s *Snapshot)
	Location  *time.Location
	// Retention is how far back Freeze can go (--history-retention).
	Retention time.Duration
	// Preview, if set, shapes every widget of a board variant now, as the
	// stream's snapshot message carries them; it mounts POST
	// /boards/preview, the editor's live preview of a draft.
	Preview func(ctx context.Context, b *Board, variant string) (map[string]json.RawMessage, error)
	// Access keeps boards' privacy and published links; nil: no access
	// routes and no /v/{token}.
	Access AccessStore
	// SignedIn says whether a request comes from a signed-in user: a
	// private board's snapshots need one. nil: every request is (no auth).
	SignedIn func(c *fiber.Ctx) bool
	// Actor names who makes a change, for the log.
	Actor func(c *fiber.Ctx) string
	// LinkRevoked, if set, is told the id of a published link just
	// revoked, so that the streams opened with it end too.
	LinkRevoked func(id int64)
}

func (h *Handler) changed(id string) {
	if h.Changed != nil {
		h.Changed(id)
	}
}

// Register mounts the boards API on r (the /api/v1 group).
func (h *Handler) Register(r fiber.Router) {
	r.Get("/boards", h.list)
	r.Post("/boards", h.create)
	r.Get("/templates", h.templates)
	r.Post("/boards/import", h.importBoard)
	if h.Preview != nil {
		r.Post("/boards/preview", h.preview)
	}
	r.Get("/boards/:id", h.get)
	r.Put("/boards/:id", h.update)
	r.Delete("/boards/:id", h.delete)
	r.Post("/boards/:id/restore", h.restore)
	r.Post("/boards/:id/duplicate", h.duplicate)
	r.Get("/boards/:id/export", h.export)
	r.Get("/boards/:id/render", h.render)
	r.Get("/boards/:id/plan", h.plan)
	r.Get("/boards/:id/versions", h.versions)
	r.Get("/boards/:id/versions/:rev", h.version)
	r.Post("/boards/:id/versions/:rev/restore", h.restoreVersion)
	r.Get("/trash", h.trash)
	if h.Access != nil {
		r.Get("/boards/:id/access", h.getAccess)
		r.Put("/boards/:id/access", h.putAccess)
		r.Post("/boards/:id/links", h.createLink)
		r.Delete("/boards/:id/links/:link", h.revokeLink)
	}
	if h.Playlists != nil {
		r.Get("/playlists", h.listPlaylists)
		r.Post("/playlists", h.createPlaylist)
		r.Get("/playlists/:id", h.getPlaylist)
		r.Put("/playlists/:id", h.updatePlaylist)
		r.Delete("/playlists/:id", h.deletePlaylist)
	}
	if h.Snapshots != nil && h.Freeze != nil {
		r.Post("/boards/:id/snapshots", h.createSnapshot)
		r.Get("/boards/:id/snapshots", h.listSnapshots)
		r.Get("/boards/:id/frame", h.frameAt)
		r.Get("/snapshots/:id", h.getSnapshot)
		r.Delete("/snapshots/:id", h.deleteSnapshot)
	}
	if h.Images != nil {
		r.Post("/images", h.uploadImage)
		r.Get("/images", h.listImages)
		r.Get("/images/:id", h.image)
		r.Delete("/images/:id", h.deleteImage)
	}
	r.Delete("/trash/:id", h.purge)
}

// writeRequest is the body of a create or a save: the content, the revision
// the edit is based on, and the read-only fields a client may send back
// unchanged from a GET.
type writeRequest struct {
	ID        string          `json:"id"`
	Revision  *int64          `json:"revision"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
	Content
}

func (h *Handler) list(c *fiber.Ctx) error {
	list, err := h.Store.FindBoards(c.UserContext(), BoardFilter{})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"boards": list})
}

func (h *Handler) trash(c *fiber.Ctx) error {
	list, err := h.Store.FindBoards(c.UserContext(), BoardFilter{Trashed: true})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"boards": list})
}

// valid normalizes and validates content coming from a client.
func (h *Handler) valid(content *Content) error {
	content.Normalize()
	return content.Validate(h.Kinds)
}

// createRequest is the body of a create: a board's content, or the id of
// a template to start from (with, optionally, its own name and
// description).
type createRequest struct {
	writeRequest
	Template string `json:"template"`
}

func (h *Handler) create(c *fiber.Ctx) error {
	var req createRequest
	if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
		return err
	}
	content := req.Content
	if req.Template != "" {
		tpl, ok := FindTemplate(req.Template)
		if !ok {
			return errs.Invalidf("template", "%q is not a template; templates: %s", clip(req.Template), strings.Join(TemplateIDs(), ", "))
		}
		if len(req.Widgets) > 0 || len(req.Variants) > 0 || len(req.Walls) > 0 {
			return errs.Invalidf("template", "a board made from a template takes its widgets and variants from it: send only template, and optionally name and description")
		}
		content = tpl.Content
		if name := strings.TrimSpace(req.Name); name != "" {
			content.Name = req.Name
		}
		if desc := strings.TrimSpace(req.Description); desc != "" {
			content.Description = req.Description
		}
	}
	if err := h.valid(&content); err != nil {
		return err
	}
	b, err := h.Store.CreateBoard(c.UserContext(), content)
	if err != nil {
		return err
	}
	h.Log.Info("board created", "id", b.ID, "name", b.Name, "template", req.Template)
	return created(c, b)
}

// TemplateSummary is a template as GET /templates lists it.
type TemplateSummary struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Variants    []TemplateVariant `json:"variants"`
	Widgets     int               `json:"widgets"`
}

// TemplateVariant names a template's variant and its canvas size.
type TemplateVariant struct {
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// templates lists the templates a board can be created from.
func (h *Handler) templates(c *fiber.Ctx) error {
	ts := Templates()
	out := make([]TemplateSummary, len(ts))
	for i, t := range ts {
		s := TemplateSummary{ID: t.ID, Name: t.Name, Description: t.Description, Widgets: len(t.Content.Widgets),
			Variants: make([]TemplateVariant, len(t.Content.Variants))}
		for j, v := range t.Content.Variants {
			s.Variants[j] = TemplateVariant{Name: v.Name, Width: v.Canvas.Width, Height: v.Canvas.Height}
		}
		out[i] = s
	}
	return c.JSON(out)
}

func created(c *fiber.Ctx, b *Board) error {
	c.Location("/api/v1/boards/" + b.ID)
	c.Set(fiber.HeaderETag, httpx.ETag(b.Revision))
	return c.Status(fiber.StatusCreated).JSON(b)
}

func (h *Handler) get(c *fiber.Ctx) error {
	b, err := h.Store.FindBoardByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	etag := httpx.ETag(b.Revision)
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.JSON(b)
}

func (h *Handler) update(c *fiber.Ctx) error {
	id := c.Params("id")
	var req writeRequest
	if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
		return err
	}
	if req.ID != "" && req.ID != id {
		return errs.Invalidf("id", "%q does not match the board in the URL (%q); ids cannot be changed", clip(req.ID), clip(id))
	}
	base, err := baseRevision(c, req.Revision)
	if err != nil {
		return err
	}
	if err := h.valid(&req.Content); err != nil {
		return err
	}
	b, err := h.Store.UpdateBoard(c.UserContext(), id, BoardUpdate{BaseRevision: base, Content: req.Content})
	if err != nil {
		return err
	}
	h.Log.Info("board saved", "id", b.ID, "revision", b.Revision)
	h.changed(b.ID)
	c.Set(fiber.HeaderETag, httpx.ETag(b.Revision))
	return c.JSON(b)
}

// baseRevision takes the revision an edit is based on from the body or the
// If-Match header; both may be given if they agree.
func baseRevision(c *fiber.Ctx, body *int64) (int64, error) {
	hdr, hasHdr, err := httpx.ParseRevisionHeader(c.Get(fiber.HeaderIfMatch))
	if err != nil {
		return 0, err
	}
	switch {
	case body != nil && *body < 1:
		return 0, errs.Invalidf("revision", "must be the revision your edit is based on (1 or more), got %d", *body)
	case body != nil && hasHdr && *body != hdr:
		return 0, errs.Invalidf("revision", "is %d but If-Match says %d; send one, or both equal", *body, hdr)
	case body != nil:
		return *body, nil
	case hasHdr:
		return hdr, nil
	}
	return 0, errs.Invalidf("revision", "is required: send the revision your edit is based on (from GET), in the body or as If-Match, so nobody's save is overwritten silently")
}

func (h *Handler) delete(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := h.Store.DeleteBoard(c.UserContext(), id); err != nil {
		return err
	}
	h.Log.Info("board moved to trash", "id", id)
	h.changed(id)
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) restore(c *fiber.Ctx) error {
	b, err := h.Store.RestoreBoard(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	h.Log.Info("board restored from trash", "id", b.ID)
	h.changed(b.ID)
	c.Set(fiber.HeaderETag, httpx.ETag(b.Revision))
	return c.JSON(b)
}

func (h *Handler) purge(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := h.Store.PurgeBoard(c.UserContext(), id); err != nil {
		return err
	}
	h.Log.Info("board purged", "id", id)
	h.changed(id)
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) duplicate(c *fiber.Ctx) error {
	src, err := h.Store.FindBoardByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	content := src.Content
	content.Name = copyName(content.Name)
	b, err := h.Store.CreateBoard(c.UserContext(), content)
	if err != nil {
		return err
	}
	h.Log.Info("board duplicated", "from", src.ID, "id", b.ID)
	return created(c, b)
}

// copyName appends " (copy)", shortening the name to stay within the limit.
func copyName(name string) string {
	const suffix = " (copy)"
	r := []rune(name)
	if max := MaxNameLength - len([]rune(suffix)); len(r) > max {
		r = []rune(strings.TrimSpace(string(r[:max])))
	}
	return string(r) + suffix
}

func parseRev(c *fiber.Ctx) (int64, error) {
	s := c.Params("rev")
	rev, err := strconv.ParseInt(s, 10, 64)
	if err != nil || rev < 1 {
		return 0, errs.Invalidf("rev", "%q is not a revision: use a whole number from 1", clip(s))
	}
	return rev, nil
}

func (h *Handler) versions(c *fiber.Ctx) error {
	var f VersionFilter
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxVersionPage {
			return errs.Invalidf("limit", "must be a whole number from 1 to %d", MaxVersionPage)
		}
		f.Limit = n
	}
	if s := c.Query("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return errs.Invalidf("before", "must be a revision (a whole number from 1)")
		}
		f.Before = n
	}
	list, err := h.Store.FindVersions(c.UserContext(), c.Params("id"), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"versions": list})
}

func (h *Handler) version(c *fiber.Ctx) error {
	rev, err := parseRev(c)
	if err != nil {
		return err
	}
	b, err := h.Store.FindVersion(c.UserContext(), c.Params("id"), rev)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// restoreVersion saves the content of an old revision as a new one. With
// If-Match it is a conditional save like PUT; without, it applies to
// whatever the board is at now.
func (h *Handler) restoreVersion(c *fiber.Ctx) error {
	id := c.Params("id")
	rev, err := parseRev(c)
	if err != nil {
		return err
	}
	base, hasBase, err := httpx.ParseRevisionHeader(c.Get(fiber.HeaderIfMatch))
	if err != nil {
		return err
	}
	old, err := h.Store.FindVersion(c.UserContext(), id, rev)
	if err != nil {
		return err
	}
	// The old content was valid when saved; widget kinds may have changed.
	if err := h.valid(&old.Content); err != nil {
		e := errs.As(err)
		if e == nil {
			return err
		}
		return errs.E(errs.Conflict, e.Field, "revision %d can no longer be restored as it is: %s", rev, e.Message)
	}
	for attempt := 0; ; attempt++ {
		if !hasBase {
			cur, err := h.Store.FindBoardByID(c.UserContext(), id)
			if err != nil {
				return err
			}
			base = cur.Revision
		}
		b, err := h.Store.UpdateBoard(c.UserContext(), id, BoardUpdate{BaseRevision: base, Content: old.Content})
		if errs.CodeOf(err) == errs.Conflict && !hasBase && attempt < 3 {
			continue // someone saved in between; restore on top of theirs
		}
		if err != nil {
			return err
		}
		h.Log.Info("board version restored", "id", id, "from_revision", rev, "revision", b.Revision)
		h.changed(id)
		c.Set(fiber.HeaderETag, httpx.ETag(b.Revision))
		return c.JSON(b)
	}
}

// Export formats.
const (
	ExportFormat  = "flexboard-board"
	ExportVersion = 1
)

// Export is the document GET /boards/{id}/export returns and import takes.
type Export struct {
	Format     string       `json:"format"`
	Version    int          `json:"version"`
	ExportedAt time.Time    `json:"exported_at"`
	Source     ExportSource `json:"source"`
	Board      Content      `json:"board"`
}

// ExportSource records where an export came from.
type ExportSource struct {
	ID       string `json:"id"`
	Revision int64  `json:"revision"`
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9]+`)

func (h *Handler) export(c *fiber.Ctx) error {
	b, err := h.Store.FindBoardByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	doc := Export{
		Format: ExportFormat, Version: ExportVersion, ExportedAt: time.Now().UTC().Truncate(time.Second),
		Source: ExportSource{ID: b.ID, Revision: b.Revision}, Board: b.Content,
	}
	slug := strings.Trim(strings.ToLower(unsafeFileChars.ReplaceAllString(b.Name, "-")), "-")
	if len(slug) > 60 {
		slug = strings.Trim(slug[:60], "-")
	}
	if slug == "" {
		slug = "board"
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s.flexboard.json"`, slug, b.ID))
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("export board %s: %w", b.ID, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(out)
}

func (h *Handler) importBoard(c *fiber.Ctx) error {
	// Check the format and version before decoding strictly, so a document
	// from a newer Flexboard is reported as such, not as unknown fields.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := httpx.DecodeJSON(c, &json.RawMessage{}, MaxBodyBytes); err != nil {
		return err
	}
	if err := json.Unmarshal(c.Request().Body(), &head); err != nil || head.Format != ExportFormat {
		return errs.Invalidf("format", "this is not a Flexboard board export: expected {\"format\": %q, \"version\": %d, \"board\": {...}} as produced by GET /api/v1/boards/{id}/export", ExportFormat, ExportVersion)
	}
	if head.Version < 1 || head.Version > ExportVersion {
		return errs.Invalidf("version", "export version %d is not supported; this server reads version %d (was it made by a newer Flexboard?)", head.Version, ExportVersion)
	}
	var doc Export
	if err := httpx.DecodeJSON(c, &doc, MaxBodyBytes); err != nil {
		return err
	}
	if err := h.valid(&doc.Board); err != nil {
		return errs.Prefix("board", err)
	}
	b, err := h.Store.CreateBoard(c.UserContext(), doc.Board)
	if err != nil {
		return err
	}
	h.Log.Info("board imported", "id", b.ID, "from", doc.Source.ID)
	return created(c, b)
}

// boardOrCatalogue finds the board of the URL; the catalogue's id answers
// the built-in catalogue.
func (h *Handler) boardOrCatalogue(c *fiber.Ctx) (*Board, error) {
	id := c.Params("id")
	if id == CatalogueID {
		return Catalogue(), nil
	}
	return h.Store.FindBoardByID(c.UserContext(), id)
}

// render answers what a page needs to draw a board variant
// (docs/widgets.md). The widget catalogue answers under CatalogueID.
func (h *Handler) render(c *fiber.Ctx) error {
	b, err := h.boardOrCatalogue(c)
	if err != nil {
		return err
	}
	r, err := Render(b, c.Query("variant"), c.Query("theme"), h.Kinds)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(r)
}

// Preview is the answer of POST /boards/preview: what GET
// /boards/{id}/render and the stream's snapshot message would answer for
// the draft.
type Preview struct {
	Render *Rendered                  `json:"render"`
	Frame  map[string]json.RawMessage `json:"frame"`
}

// preview draws a draft the editor has not saved: the body is a board's
// content as PUT takes it, validated the same way (the same error for the
// same mistake), and nothing is stored. ?variant= and ?theme= are those of
// render.
func (h *Handler) preview(c *fiber.Ctx) error {
	var req writeRequest
	if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
		return err
	}
	if err := h.valid(&req.Content); err != nil {
		return err
	}
	// A draft of a stored board keeps its id and revision, so the render
	// and the events widget read as the board's.
	b := &Board{ID: req.ID, Content: req.Content}
	if req.Revision != nil {
		b.Revision = *req.Revision
	}
	variant := c.Query("variant")
	if _, err := b.FindVariant(variant); err != nil {
		names := make([]string, len(b.Variants))
		for i, v := range b.Variants {
			names[i] = v.Name
		}
		return errs.Invalidf("variant", "the draft has no variant %q; its variants: %s", clip(variant), strings.Join(names, ", "))
	}
	r, err := Render(b, variant, c.Query("theme"), h.Kinds)
	if err != nil {
		return err
	}
	frame, err := h.Preview(c.UserContext(), b, r.Variant)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(Preview{Render: r, Frame: frame})
}

// uploadImage takes the image's bytes as the body (any image Content-Type;
// the format is detected from the bytes) and an optional ?name=.
func (h *Handler) uploadImage(c *fiber.Ctx) error {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && enc != "identity" {
		return errs.E(errs.Unsupported, "", "Content-Encoding %q is not accepted for images; send the bytes as they are", enc)
	}
	data := append([]byte(nil), c.Request().Body()...)
	img, err := h.Images.CreateImage(c.UserContext(), c.Query("name"), data)
	if err != nil {
		return err
	}
	h.Log.Info("image uploaded", "id", img.ID, "type", img.ContentType, "bytes", img.Size)
	c.Location(img.URL)
	return c.Status(fiber.StatusCreated).JSON(img)
}

func (h *Handler) listImages(c *fiber.Ctx) error {
	list, err := h.Images.FindImages(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"images": list, "max_images": MaxImages, "max_image_bytes": MaxImageBytes})
}

// image serves an image's bytes. An image never changes under its id, and
// it is sent so that a browser can only ever show it as an image.
func (h *Handler) image(c *fiber.Ctx) error {
	img, data, err := h.Images.ImageData(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, img.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400, immutable")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.Send(data)
}

func (h *Handler) deleteImage(c *fiber.Ctx) error {
	if err := h.Images.DeleteImage(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// plan answers how a screen shows a board: the variant, the fit, and for a
// video-wall monitor its slice (docs/api.md). The page only applies it.
func (h *Handler) plan(c *fiber.Ctx) error {
	b, err := h.boardOrCatalogue(c)
	if err != nil {
		return err
	}
	p, err := PlanFor(b, PlanRequest{
		Width: c.Query("width"), Height: c.Query("height"), DPR: c.Query("dpr"), Variant: c.Query("variant"),
		Fit: c.Query("fit"), Wall: c.Query("wall"), Tile: c.Query("tile"), Bezel: c.Query("bezel"),
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(p)
}

type playlistWrite struct {
	ID        string          `json:"id"`
	Revision  *int64          `json:"revision"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
	PlaylistContent
}

// validPlaylist normalizes and validates a playlist against the boards.
func (h *Handler) validPlaylist(c *fiber.Ctx, p *PlaylistContent) error {
	p.Normalize()
	ctx := c.UserContext()
	var lookupErr error
	err := p.Validate(func(id string) ([]string, bool) {
		b, err := h.Store.FindBoardByID(ctx, id)
		if err != nil {
			if errs.CodeOf(err) != errs.NotFound {
				lookupErr = err
			}
			return nil, false
		}
		names := make([]string, len(b.Variants))
		for i, v := range b.Variants {
			names[i] = v.Name
		}
		return names, true
	})
	if lookupErr != nil {
		return lookupErr
	}
	return err
}

func (h *Handler) listPlaylists(c *fiber.Ctx) error {
	list, err := h.Playlists.FindPlaylists(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"playlists": list})
}

func (h *Handler) getPlaylist(c *fiber.Ctx) error {
	p, err := h.Playlists.FindPlaylistByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, httpx.ETag(p.Revision))
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(p)
}

func (h *Handler) createPlaylist(c *fiber.Ctx) error {
	var req playlistWrite
	if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
		return err
	}
	if err := h.validPlaylist(c, &req.PlaylistContent); err != nil {
		return err
	}
	p, err := h.Playlists.CreatePlaylist(c.UserContext(), req.PlaylistContent)
	if err != nil {
		return err
	}
	h.Log.Info("playlist created", "id", p.ID, "name", p.Name)
	c.Location("/api/v1/playlists/" + p.ID)
	c.Set(fiber.HeaderETag, httpx.ETag(p.Revision))
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h *Handler) updatePlaylist(c *fiber.Ctx) error {
	id := c.Params("id")
	var req playlistWrite
	if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
		return err
	}
	if req.ID != "" && req.ID != id {
		return errs.Invalidf("id", "%q does not match the playlist in the URL (%q); ids cannot be changed", clip(req.ID), clip(id))
	}
	base, err := baseRevision(c, req.Revision)
	if err != nil {
		return err
	}
	if err := h.validPlaylist(c, &req.PlaylistContent); err != nil {
		return err
	}
	p, err := h.Playlists.UpdatePlaylist(c.UserContext(), id, base, req.PlaylistContent)
	if err != nil {
		return err
	}
	h.Log.Info("playlist saved", "id", p.ID, "revision", p.Revision)
	c.Set(fiber.HeaderETag, httpx.ETag(p.Revision))
	return c.JSON(p)
}

func (h *Handler) deletePlaylist(c *fiber.Ctx) error {
	if err := h.Playlists.DeletePlaylist(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// RegisterPages mounts the pages the server renders itself: /s/{id} (a
// snapshot) and /s/{id}.png (its picture).
func (h *Handler) RegisterPages(r fiber.Router) {
	if h.Access != nil {
		r.Get(LinkPath+":token", h.openLink)
	}
	if h.Snapshots == nil {
		return
	}
	r.Get("/s/:id", h.snapshotPage)
}

type snapshotRequest struct {
	Variant   string `json:"variant"`
	At        string `json:"at"` // RFC 3339; empty: now
	Note      string `json:"note"`
	ExpiresIn string `json:"expires_in"` // a Go duration such as 720h; empty: never
}

func (h *Handler) createSnapshot(c *fiber.Ctx) error {
	var req snapshotRequest
	// Every field is optional: a bare POST freezes the board now.
	if len(c.Request().Body()) > 0 {
		if err := httpx.DecodeJSON(c, &req, MaxBodyBytes); err != nil {
			return err
		}
	}
	b, err := h.Store.FindBoardByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	now := time.Now()
	at := now
	if req.At != "" {
		if at, err = time.Parse(time.RFC3339Nano, req.At); err != nil {
			return errs.Invalidf("at", "%q is not a time: write it RFC 3339, such as 2026-11-22T14:05:30Z", clip(req.At))
		}
		if at.After(now.Add(time.Minute)) {
			return errs.Invalidf("at", "%s is in the future: a snapshot freezes what was, not what will be", at.UTC().Format(time.RFC3339))
		}
	}
	snap := &Snapshot{Board: b.ID, BoardName: b.Name, At: at.UTC(), Note: strings.TrimSpace(req.Note), Revision: b.Revision, Content: &b.Content}
	if req.ExpiresIn != "" {
		d, err := time.ParseDuration(req.ExpiresIn)
		if err != nil || d < time.Minute || d > MaxSnapshotExpiry {
			return errs.Invalidf("expires_in", "%q is not a duration from 1m to %s (such as 720h for 30 days), or empty to keep it", clip(req.ExpiresIn), MaxSnapshotExpiry)
		}
		t := now.Add(d).UTC()
		snap.ExpiresAt = &t
	}
	v, err := b.FindVariant(req.Variant)
	if err != nil {
		return err
	}
	snap.Variant = v.Name
	if snap.Data, err = h.Freeze(c.UserContext(), b, snap.Variant, snap.At); err != nil {
		return err
	}
	if err := h.Snapshots.CreateSnapshot(c.UserContext(), snap); err != nil {
		return err
	}
	h.Log.Info("snapshot taken", "id", snap.ID, "board", b.ID, "at", snap.At)
	if h.Picture != nil {
		go h.Picture(snap)
	}
	c.Location(snap.URL)
	return c.Status(fiber.StatusCreated).JSON(snap)
}

func (h *Handler) listSnapshots(c *fiber.Ctx) error {
	list, err := h.Snapshots.FindSnapshots(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"snapshots": list})
}

func (h *Handler) getSnapshot(c *fiber.Ctx) error {
	s, err := h.Snapshots.FindSnapshot(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	if !h.mayOpen(c, s) {
		return errs.E(errs.Unauthorized, "", "this snapshot's board is private: log in to open it")
	}
	return c.JSON(s)
}

func (h *Handler) deleteSnapshot(c *fiber.Ctx) error {
	if err := h.Snapshots.DeleteSnapshot(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// snapshotPage answers /s/{id} (the page) and /s/{id}.png (the picture).
func (h *Handler) snapshotPage(c *fiber.Ctx) error {
	id := c.Params("id")
	if pid, ok := strings.CutSuffix(id, ".png"); ok {
		if s, err := h.Snapshots.FindSnapshot(c.UserContext(), pid); err == nil && !h.mayOpen(c, s) {
			return errs.E(errs.Unauthorized, "", "this snapshot's board is private: log in to see its picture")
		}
		png, err := h.Snapshots.SnapshotPNG(c.UserContext(), pid)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "image/png")
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		return c.Send(png)
	}
	s, err := h.Snapshots.FindSnapshot(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !h.mayOpen(c, s) {
		// A person opening the link: sign in, then back here.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Redirect("/login?next="+url.QueryEscape("/s/"+id), fiber.StatusSeeOther)
	}
	page, nonce, err := SnapshotPage(s, h.Kinds, h.Location, c.Query("png") == "1")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self' 'nonce-"+nonce+
		"'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'")
	// frame-ancestors is the server's (--frame-ancestors), added to every page's policy.
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	return c.Send(page)
}

// frameAt answers every widget's {state, data} of a variant as of a past
// moment: what a paused display scrubbing back in time draws.
func (h *Handler) frameAt(c *fiber.Ctx) error {
	b, err := h.Store.FindBoardByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	v, err := b.FindVariant(c.Query("variant"))
	if err != nil {
		return err
	}
	variant := v.Name
	raw := c.Query("at")
	if raw == "" {
		return errs.Invalidf("at", "is required: the moment to show, RFC 3339 or unix milliseconds")
	}
	var at time.Time
	if ms, err := strconv.ParseInt(raw, 10, 64); err == nil {
		at = time.UnixMilli(ms)
	} else if at, err = time.Parse(time.RFC3339Nano, raw); err != nil {
		return errs.Invalidf("at", "%q is not a time: RFC 3339 (2026-11-22T14:05:30Z) or unix milliseconds", clip(raw))
	}
	if at.After(time.Now().Add(time.Minute)) {
		return errs.Invalidf("at", "%s is in the future", at.UTC().Format(time.RFC3339))
	}
	data, err := h.Freeze(c.UserContext(), b, variant, at)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	ans := fiber.Map{"board": b.ID, "revision": b.Revision, "variant": variant, "at": at.UnixMilli(), "widgets": data}
	if h.Retention > 0 {
		ans["oldest"] = time.Now().Add(-h.Retention).UnixMilli() // the oldest moment a display can rewind to
	}
	return c.JSON(ans)
}
