// Package static serves the front end that esbuild builds into dist/ (see
// build.mjs and package.json). dist is committed and embedded, so `go build`
// and `go install` work without Node, and the binary serves every asset
// itself: no CDN, no outside fonts.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
)

//go:embed all:dist
var dist embed.FS

// AssetPrefix is the URL path under which the hashed files of dist/assets are
// served. build.mjs uses the same value as esbuild's publicPath.
const AssetPrefix = "/assets/"

// Cache policies. Asset names carry a content hash, so a URL never changes
// meaning and browsers may keep it for a year without asking. index.html names
// the current assets, so it is revalidated on every load (cheap: a 304 when
// the ETag still matches).
const (
	cacheAssets = "public, max-age=31536000, immutable"
	cachePage   = "no-cache"
)

// file is one embedded file, ready to answer: its ETag is computed once.
type file struct {
	body        []byte
	contentType string
	etag        string
}

// Handler serves the built front end. Build it with New; it is read-only and
// safe for concurrent use.
type Handler struct {
	page   file
	assets map[string]file // by path below dist/assets, e.g. "main-QM4CI3ZV.js"
}

// New reads the embedded dist/ and hashes every file. It fails when
// dist/index.html is missing, which means the front end was never built.
func New() (*Handler, error) {
	return newFromFS(dist)
}

func newFromFS(fsys fs.FS) (*Handler, error) {
	index, err := fs.ReadFile(fsys, "dist/index.html")
	if err != nil {
		return nil, fmt.Errorf("static: read dist/index.html (run `npm run build`): %w", err)
	}
	h := &Handler{
		page:   newFile(index, "text/html; charset=utf-8"),
		assets: make(map[string]file),
	}
	err = fs.WalkDir(fsys, "dist/assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("static: read %s: %w", p, err)
		}
		h.assets[strings.TrimPrefix(p, "dist/assets/")] = newFile(body, contentType(p))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: walk dist/assets: %w", err)
	}
	return h, nil
}

func newFile(body []byte, contentType string) file {
	sum := sha256.Sum256(body)
	// 128 bits of the digest identify the content well enough and keep the header short.
	return file{body: body, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// Register mounts the home page at / and the hashed assets under AssetPrefix.
// Other page routes (a display, an editor) mount Page themselves.
func (h *Handler) Register(r fiber.Router) {
	r.Get("/", h.Page)
	r.Get(AssetPrefix+"*", h.Asset)
}

// Page answers with index.html, the shell of every page; the script picks what
// to show from the URL. The page loads only its own scripts and styles, so
// the server's Content-Security-Policy (cmd/flexboard/security.go) allows
// nothing else.
func (h *Handler) Page(c *fiber.Ctx) error {
	return serve(c, h.page, cachePage)
}

// Asset answers with one file of dist/assets, or a not_found error.
func (h *Handler) Asset(c *fiber.Ctx) error {
	name := c.Params("*")
	f, ok := h.assets[name]
	if !ok {
		// Copy: Params' value is reused by fasthttp after the handler returns,
		// and the error outlives it on its way to the error handler.
		return errs.NotFoundf("no asset %q: the page may be from an older build, reload it", strings.Clone(name))
	}
	return serve(c, f, cacheAssets)
}

func serve(c *fiber.Ctx, f file, cacheControl string) error {
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderCacheControl, cacheControl)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if etagMatch(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(f.body)
}

// etagMatch reports whether an If-None-Match header matches etag. Per RFC 9110
// the comparison is weak: W/"x" matches "x", since a proxy may have weakened
// the tag (e.g. after compressing the body).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// contentType returns the Content-Type of a file by its extension; text types
// say UTF-8 because esbuild writes UTF-8.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".wasm":
		return "application/wasm"
	}
	return "application/octet-stream"
}
