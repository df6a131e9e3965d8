package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImages(t *testing.T) {
	base := startInProcess(t, "")
	logo := pngBytes(t, 64, 32)

	up := do(t, "POST", base+"/api/v1/images?name=Logo", logo, "Content-Type", "image/png")
	wantStatus(t, up, 201)
	img := up.JSON(t)
	id, _ := img["id"].(string)
	if id == "" || img["content_type"] != "image/png" || num(img["size"]) != int64(len(logo)) || img["name"] != "Logo" || up.Header.Get("Location") != "/api/v1/images/"+id {
		t.Fatalf("upload answer %v, location %q", img, up.Header.Get("Location"))
	}
	got := do(t, "GET", base+"/api/v1/images/"+id, nil)
	wantStatus(t, got, 200)
	if !bytes.Equal(got.Body, logo) || got.Header.Get("Content-Type") != "image/png" || got.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(got.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("image served with %v (%d bytes)", got.Header, len(got.Body))
	}
	list := do(t, "GET", base+"/api/v1/images", nil).JSON(t)
	if imgs := list["images"].([]any); len(imgs) != 1 || imgs[0].(map[string]any)["id"] != id {
		t.Fatalf("list = %v", list)
	}

	// An image widget referring to it is a valid board.
	board := map[string]any{"name": "with logo", "widgets": []any{map[string]any{"id": "logo", "kind": "image", "config": map[string]any{"image": id, "fit": "cover"}}}}
	wantStatus(t, do(t, "POST", base+"/api/v1/boards", board), 201)

	t.Run("Refusals", func(t *testing.T) {
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		wantError(t, do(t, "POST", base+"/api/v1/images", svg, "Content-Type", "image/svg+xml"), http.StatusUnsupportedMediaType, "unsupported", "", "SVG is refused")
		wantError(t, do(t, "POST", base+"/api/v1/images", []byte("plain text"), "Content-Type", "image/png"), http.StatusUnsupportedMediaType, "unsupported", "", "text/plain; charset=utf-8, not an image this server keeps")
		wantError(t, do(t, "POST", base+"/api/v1/images", append([]byte("\x89PNG\r\n\x1a\n"), "garbage"...), "Content-Type", "image/png"), http.StatusUnsupportedMediaType, "unsupported", "", "not a readable image")
		wantError(t, do(t, "POST", base+"/api/v1/images", []byte("GIF89a? not really"), "Content-Type", "image/gif"), 400, "invalid", "", "each side must be 1 to 16384")
		wantError(t, do(t, "POST", base+"/api/v1/images", []byte{}, "Content-Type", "image/png"), 400, "invalid", "", "the body is empty")
		big := append(pngBytes(t, 8, 8), make([]byte, 2<<20)...)
		wantError(t, do(t, "POST", base+"/api/v1/images", big, "Content-Type", "image/png"), http.StatusRequestEntityTooLarge, "too_large", "", "at most 2097152 (2 MiB)")
		wantError(t, do(t, "POST", base+"/api/v1/images?name="+strings.Repeat("x", 201), logo, "Content-Type", "image/png"), 400, "invalid", "name", "at most 200 characters")
		wantError(t, do(t, "GET", base+"/api/v1/images/nope", nil), 404, "not_found", "", `no image "nope"`)
		bad := map[string]any{"name": "x", "widgets": []any{map[string]any{"id": "a", "kind": "image", "config": map[string]any{"image": "../x"}}}}
		wantError(t, do(t, "POST", base+"/api/v1/boards", bad), 400, "invalid", "widgets[0].config.image", "id of an uploaded image")
		// Nothing was added by the refusals.
		if imgs := do(t, "GET", base+"/api/v1/images", nil).JSON(t)["images"].([]any); len(imgs) != 1 {
			t.Fatalf("%d images after refusals", len(imgs))
		}
	})

	wantStatus(t, do(t, "DELETE", base+"/api/v1/images/"+id, nil), 204)
	wantError(t, do(t, "GET", base+"/api/v1/images/"+id, nil), 404, "not_found", "", "no image")
}

func TestWidgetKindsAndRender(t *testing.T) {
	base := startInProcess(t, "")
	kinds := do(t, "GET", base+"/api/v1/widgets/kinds", nil).JSON(t)
	list := kinds["kinds"].([]any)
	names := map[string]map[string]any{}
	for _, k := range list {
		m := k.(map[string]any)
		names[m["name"].(string)] = m
	}
	for _, want := range []string{"timeseries", "bar", "pie", "gauge", "stat", "table", "topn", "honeycomb", "hitmap", "equalizer", "events", "status", "text", "clock", "image"} {
		k, ok := names[want]
		if !ok {
			t.Errorf("kind %s missing from /api/v1/widgets/kinds", want)
			continue
		}
		if k["label"] == "" || k["description"] == "" || k["default_size"] == nil || k["config"] == nil {
			t.Errorf("kind %s lacks label, description, default size or config: %v", want, k)
		}
	}
	if pal := kinds["palette"].([]any); len(pal) != 2 || pal[0].(map[string]any)["states"].(map[string]any)["critical"] == nil {
		t.Fatalf("palette = %v", kinds["palette"])
	}

	// A board with a text and a stat, rendered.
	board := map[string]any{"name": "r", "widgets": []any{
		map[string]any{"id": "note", "kind": "text", "config": map[string]any{"markdown": "# Hi <b>x</b>"}},
		map[string]any{"id": "tps", "kind": "stat", "config": map[string]any{"unit": "req/s"}, "queries": []any{map[string]any{"metric": "tps"}}}},
		"variants": []any{map[string]any{"name": "wide", "canvas": map[string]any{"width": 3840, "height": 1080}, "grid": map[string]any{"columns": 64, "rows": 18},
			"placements": []any{map[string]any{"widget": "note", "x": 0, "y": 0, "w": 8, "h": 4}, map[string]any{"widget": "tps", "x": 8, "y": 0, "w": 8, "h": 4}}}}}
	created := do(t, "POST", base+"/api/v1/boards", board)
	wantStatus(t, created, 201)
	id := created.JSON(t)["id"].(string)
	r := do(t, "GET", base+"/api/v1/boards/"+id+"/render?theme=light", nil).JSON(t)
	ws := r["widgets"].([]any)
	note, tps := ws[0].(map[string]any), ws[1].(map[string]any)
	if r["variant"] != "wide" || r["theme"] != "light" || len(ws) != 2 || !strings.Contains(note["html"].(string), "<h1>Hi") || strings.Contains(note["html"].(string), "<b>") {
		t.Fatalf("render = %v", r)
	}
	if rect := tps["rect"].(map[string]any); num(rect["x"]) != 480 || num(rect["w"]) != 480 || num(rect["h"]) != 240 {
		t.Fatalf("stat rect = %v", rect)
	}
	if f := tps["format"].(map[string]any); f["unit"] != "req/s" || num(f["decimals"]) != 1 {
		t.Fatalf("stat format = %v", f)
	}
	wantError(t, do(t, "GET", base+"/api/v1/boards/"+id+"/render?variant=tall", nil), 404, "not_found", "variant", "its variants: wide")
	plan := do(t, "GET", base+"/api/v1/boards/"+id+"/plan?width=1920&height=1080&dpr=2", nil)
	wantStatus(t, plan, 200)
	if p := plan.JSON(t); p["variant"] != "wide" || p["fit"] != "contain" || p["render_scale"] != 1.0 {
		t.Fatalf("plan = %v", p)
	}
	wantError(t, do(t, "GET", base+"/api/v1/boards/"+id+"/plan?width=0&height=1080", nil), 400, "invalid", "width", "each side must be 16 to 32768 px")
	wantError(t, do(t, "GET", base+"/api/v1/boards/"+id+"/render?theme=pink", nil), 400, "invalid", "theme", "use one of: dark, light")
	wantError(t, do(t, "GET", base+"/api/v1/boards/nosuchboard1/render", nil), 404, "not_found", "", "")

	// The catalogue renders without being stored, and /widgets is a page.
	catRes := do(t, "GET", base+"/api/v1/boards/catalogue/render", nil)
	wantStatus(t, catRes, 200)
	cat := catRes.JSON(t)
	if len(cat["widgets"].([]any)) < 15 {
		t.Fatalf("catalogue has %d widgets", len(cat["widgets"].([]any)))
	}
	page := do(t, "GET", base+"/widgets", nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), `id="app"`) {
		t.Fatalf("/widgets: %d", page.Status)
	}
}

func TestDisplayReports(t *testing.T) {
	base := startInProcess(t, "")
	wantStatus(t, do(t, "POST", base+"/api/v1/displays/log", map[string]any{"kind": "reload", "reason": "heap 812 MB over the 768 MB cap", "board": "b1"}), 204)
	wantError(t, do(t, "POST", base+"/api/v1/displays/log", map[string]any{"kind": "panic", "reason": "x"}), 400, "invalid", "kind", `must be "reload", "error" or "info"`)
	wantError(t, do(t, "POST", base+"/api/v1/displays/log", map[string]any{"kind": "info"}), 400, "invalid", "reason", "is required")
	wantError(t, do(t, "POST", base+"/api/v1/displays/log", map[string]any{"kind": "info", "reason": strings.Repeat("x", 501)}), 400, "invalid", "reason", "at most 500")
	for _, p := range []string{"/d/someboard", "/p/someplaylist"} {
		if r := do(t, "GET", base+p, nil); r.Status != 200 || !strings.Contains(string(r.Body), `id="app"`) {
			t.Fatalf("%s: %d", p, r.Status)
		}
	}
}
