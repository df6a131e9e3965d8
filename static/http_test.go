package static_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/static"
)

// newApp mounts h on an app with the server's real error handler.
func newApp(t *testing.T, h *static.Handler) *fiber.App {
	t.Helper()
	app := fiber.New(fiber.Config{
		ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
	h.Register(app)
	return app
}

func embedded(t *testing.T) *static.Handler {
	t.Helper()
	h, err := static.New()
	if err != nil {
		t.Fatalf("static.New: %v", err)
	}
	return h
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, app *fiber.App, method, target string, header map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

var assetRef = regexp.MustCompile(`(?:src|href)="` + regexp.QuoteMeta(static.AssetPrefix) + `([^"]+)"`)

// referencedAssets returns the asset names dist/index.html links to.
func referencedAssets(t *testing.T) []string {
	t.Helper()
	index, err := os.ReadFile("dist/index.html")
	if err != nil {
		t.Fatalf("dist/index.html is missing (run `npm run build` and commit static/dist): %v", err)
	}
	var names []string
	for _, m := range assetRef.FindAllStringSubmatch(string(index), -1) {
		names = append(names, m[1])
	}
	return names
}

var strongETag = regexp.MustCompile(`^"[0-9a-f]{32}"$`)

func TestPage(t *testing.T) {
	app := newApp(t, embedded(t))
	want, err := os.ReadFile("dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	res := do(t, app, fiber.MethodGet, "/", nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("status = %d, want 200", res.status)
	}
	checkHeader(t, res, "Content-Type", "text/html; charset=utf-8")
	checkHeader(t, res, "Cache-Control", "no-cache")
	checkHeader(t, res, "X-Content-Type-Options", "nosniff")
	if etag := res.header.Get("ETag"); !strongETag.MatchString(etag) {
		t.Errorf("ETag = %q, want a strong tag of 32 hex digits", etag)
	}
	if res.body != string(want) {
		t.Errorf("body is not dist/index.html")
	}
}

func TestPageReusableOnOtherRoutes(t *testing.T) {
	h := embedded(t)
	app := newApp(t, h)
	app.Get("/d/:id", h.Page)
	res := do(t, app, fiber.MethodGet, "/d/abc", nil)
	if res.status != fiber.StatusOK || !strings.Contains(res.body, `<div id="app">`) {
		t.Fatalf("GET /d/abc = %d %.80q, want 200 with the page shell", res.status, res.body)
	}
	checkHeader(t, res, "Cache-Control", "no-cache")
}

func TestHead(t *testing.T) {
	app := newApp(t, embedded(t))
	res := do(t, app, fiber.MethodHead, "/", nil)
	if res.status != fiber.StatusOK || res.body != "" {
		t.Fatalf("HEAD / = %d with %d bytes, want 200 without body", res.status, len(res.body))
	}
	if res.header.Get("ETag") == "" {
		t.Error("HEAD / has no ETag")
	}
}

func TestBuiltAssets(t *testing.T) {
	app := newApp(t, embedded(t))
	types := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
		".svg": "image/svg+xml",
	}
	for _, name := range referencedAssets(t) {
		t.Run(name, func(t *testing.T) {
			res := do(t, app, fiber.MethodGet, static.AssetPrefix+name, nil)
			if res.status != fiber.StatusOK {
				t.Fatalf("status = %d, want 200", res.status)
			}
			want, err := os.ReadFile("dist/assets/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if res.body != string(want) {
				t.Error("body differs from the file in dist/assets")
			}
			ext := name[strings.LastIndex(name, "."):]
			if ct, ok := types[ext]; ok {
				checkHeader(t, res, "Content-Type", ct)
			}
			checkHeader(t, res, "Cache-Control", "public, max-age=31536000, immutable")
			if etag := res.header.Get("ETag"); !strongETag.MatchString(etag) {
				t.Errorf("ETag = %q, want a strong tag of 32 hex digits", etag)
			}
		})
	}
}

func TestContentTypes(t *testing.T) {
	fsys := fstest.MapFS{
		"dist/index.html":             {Data: []byte("<!doctype html>")},
		"dist/assets/a-1.js":          {Data: []byte("1")},
		"dist/assets/a-1.mjs":         {Data: []byte("1")},
		"dist/assets/a-1.css":         {Data: []byte("a{}")},
		"dist/assets/a-1.svg":         {Data: []byte("<svg/>")},
		"dist/assets/a-1.png":         {Data: []byte("png")},
		"dist/assets/a-1.JPG":         {Data: []byte("jpg")},
		"dist/assets/a-1.webp":        {Data: []byte("webp")},
		"dist/assets/a-1.ico":         {Data: []byte("ico")},
		"dist/assets/a-1.woff2":       {Data: []byte("woff2")},
		"dist/assets/a-1.woff":        {Data: []byte("woff")},
		"dist/assets/a-1.json":        {Data: []byte("{}")},
		"dist/assets/a-1.wasm":        {Data: []byte("wasm")},
		"dist/assets/a-1.bin":         {Data: []byte("bin")},
		"dist/assets/fonts/b-2.woff2": {Data: []byte("nested")},
	}
	h, err := static.NewFromFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, h)
	for name, want := range map[string]string{
		"a-1.js":          "text/javascript; charset=utf-8",
		"a-1.mjs":         "text/javascript; charset=utf-8",
		"a-1.css":         "text/css; charset=utf-8",
		"a-1.svg":         "image/svg+xml",
		"a-1.png":         "image/png",
		"a-1.JPG":         "image/jpeg",
		"a-1.webp":        "image/webp",
		"a-1.ico":         "image/x-icon",
		"a-1.woff2":       "font/woff2",
		"a-1.woff":        "font/woff",
		"a-1.json":        "application/json",
		"a-1.wasm":        "application/wasm",
		"a-1.bin":         "application/octet-stream",
		"fonts/b-2.woff2": "font/woff2",
	} {
		t.Run(name, func(t *testing.T) {
			res := do(t, app, fiber.MethodGet, static.AssetPrefix+name, nil)
			if res.status != fiber.StatusOK {
				t.Fatalf("status = %d, want 200", res.status)
			}
			checkHeader(t, res, "Content-Type", want)
			if got := string(fsys["dist/assets/"+name].Data); res.body != got {
				t.Errorf("body = %q, want %q", res.body, got)
			}
		})
	}
}

func TestConditionalGet(t *testing.T) {
	app := newApp(t, embedded(t))
	assets := referencedAssets(t)
	if len(assets) == 0 {
		t.Fatal("dist/index.html references no asset")
	}
	for _, target := range []string{"/", static.AssetPrefix + assets[0]} {
		first := do(t, app, fiber.MethodGet, target, nil)
		etag := first.header.Get("ETag")
		if etag == "" {
			t.Fatalf("GET %s: no ETag", target)
		}
		for _, tc := range []struct {
			name        string
			ifNoneMatch string
			want        int
		}{
			{"SameTag", etag, fiber.StatusNotModified},
			{"WeakForm", "W/" + etag, fiber.StatusNotModified},
			{"InList", `"0000", ` + etag, fiber.StatusNotModified},
			{"Star", "*", fiber.StatusNotModified},
			{"OtherTag", `"0123456789abcdef0123456789abcdef"`, fiber.StatusOK},
			{"Unquoted", strings.Trim(etag, `"`), fiber.StatusOK},
		} {
			t.Run(target+"/"+tc.name, func(t *testing.T) {
				res := do(t, app, fiber.MethodGet, target, map[string]string{"If-None-Match": tc.ifNoneMatch})
				if res.status != tc.want {
					t.Fatalf("status = %d, want %d", res.status, tc.want)
				}
				if got := res.header.Get("ETag"); got != etag {
					t.Errorf("ETag = %q, want %q", got, etag)
				}
				if res.header.Get("Cache-Control") != first.header.Get("Cache-Control") {
					t.Errorf("Cache-Control = %q, want %q", res.header.Get("Cache-Control"), first.header.Get("Cache-Control"))
				}
				if tc.want == fiber.StatusNotModified && res.body != "" {
					t.Errorf("304 has a body of %d bytes", len(res.body))
				}
				if tc.want == fiber.StatusOK && res.body != first.body {
					t.Error("200 body differs from the first answer")
				}
			})
		}
	}
}

func TestUnknownAsset(t *testing.T) {
	app := newApp(t, embedded(t))
	for _, target := range []string{
		static.AssetPrefix + "main-NOPE1234.js",
		static.AssetPrefix + "",
		static.AssetPrefix + "..%2Findex.html",
		static.AssetPrefix + "../http.go",
	} {
		t.Run(target, func(t *testing.T) {
			res := do(t, app, fiber.MethodGet, target, nil)
			if res.status != fiber.StatusNotFound {
				t.Fatalf("status = %d, want 404 (body %.200q)", res.status, res.body)
			}
			var body struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(res.body), &body); err != nil {
				t.Fatalf("body %q is not JSON: %v", res.body, err)
			}
			if body.Error.Code != "not_found" {
				t.Errorf("error.code = %q, want not_found", body.Error.Code)
			}
			if body.Error.Message == "" {
				t.Error("error.message is empty")
			}
			if strings.Contains(res.header.Get("Cache-Control"), "immutable") {
				t.Error("a 404 must not be cached as immutable")
			}
		})
	}
}

func TestUnknownAssetMessage(t *testing.T) {
	app := newApp(t, embedded(t))
	res := do(t, app, fiber.MethodGet, static.AssetPrefix+"main-NOPE1234.js", nil)
	if !strings.Contains(res.body, `no asset \"main-NOPE1234.js\"`) {
		t.Errorf("body = %s, want it to name the missing asset", res.body)
	}
}

func TestMissingIndex(t *testing.T) {
	_, err := static.NewFromFS(fstest.MapFS{"dist/assets/a.js": {Data: []byte("1")}})
	if err == nil || !strings.Contains(err.Error(), "npm run build") {
		t.Fatalf("err = %v, want one that says to run npm run build", err)
	}
}

func checkHeader(t *testing.T, res response, name, want string) {
	t.Helper()
	if got := res.header.Get(name); got != want {
		t.Errorf("%s = %q, want %q", name, got, want)
	}
}
