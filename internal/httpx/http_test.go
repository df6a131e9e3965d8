package httpx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
)

func TestParseRevisionHeader(t *testing.T) {
	cases := []struct {
		name   string
		in     string
		rev    int64
		ok     bool
		errMsg string
	}{
		{"Absent", "", 0, false, ""},
		{"Quoted", `"3"`, 3, true, ""},
		{"Weak", `W/"12"`, 12, true, ""},
		{"Bare", `7`, 7, true, ""},
		{"Star", `*`, 0, true, `"*" is not accepted`},
		{"Zero", `"0"`, 0, true, "is not a revision"},
		{"Text", `"abc"`, 0, true, "is not a revision"},
		{"TrailingJunk", `"3x"`, 0, true, "is not a revision"},
		{"Negative", `"-2"`, 0, true, "is not a revision"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rev, ok, err := httpx.ParseRevisionHeader(c.in)
			if c.errMsg != "" {
				e := errs.As(err)
				if e == nil || e.Code != errs.Invalid || e.Field != "If-Match" || !strings.Contains(e.Message, c.errMsg) {
					t.Fatalf("err = %#v, want invalid If-Match %q", err, c.errMsg)
				}
				return
			}
			if err != nil || rev != c.rev || ok != c.ok {
				t.Fatalf("= %d, %v, %v; want %d, %v, nil", rev, ok, err, c.rev, c.ok)
			}
		})
	}
}

// TestErrorHandler: each code maps to its status; an unknown error is logged
// and answered "internal error" without its text.
func TestErrorHandler(t *testing.T) {
	var logs bytes.Buffer
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(&logs, nil)))})
	app.Get("/invalid", func(c *fiber.Ctx) error { return errs.Invalidf("name", "is required") })
	app.Get("/conflict", func(c *fiber.Ctx) error {
		e := errs.E(errs.Conflict, "revision", "stale")
		e.CurrentRevision = 4
		return e
	})
	app.Get("/secret", func(c *fiber.Ctx) error { return errors.New("disk /var/lib/x exploded") })
	cases := []struct {
		path   string
		status int
		body   string
	}{
		{"/invalid", 400, `{"error":{"code":"invalid","message":"is required","field":"name"}}`},
		{"/conflict", 409, `{"error":{"code":"conflict","message":"stale","field":"revision","current_revision":4}}`},
		{"/secret", 500, `{"error":{"code":"internal","message":"internal error"}}`},
		{"/nowhere", 404, `{"error":{"code":"not_found","message":"no such page or endpoint: GET /nowhere"}}`},
	}
	for _, c := range cases {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			res, err := app.Test(httptest.NewRequest("GET", c.path, nil))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.status || string(body) != c.body {
				t.Fatalf("%d %s, want %d %s", res.StatusCode, body, c.status, c.body)
			}
		})
	}
	if !strings.Contains(logs.String(), "disk /var/lib/x exploded") || !strings.Contains(logs.String(), "path=/secret") {
		t.Errorf("the internal error was not logged with its request: %s", logs.String())
	}
}

func TestStatusCoversEveryCode(t *testing.T) {
	want := map[errs.Code]int{
		errs.Invalid: 400, errs.Unauthorized: 401, errs.Forbidden: 403, errs.NotFound: 404,
		errs.Conflict: 409, errs.TooLarge: 413, errs.Unsupported: 415, errs.RateLimited: 429, errs.Unavailable: 503, errs.Internal: 500,
	}
	for code, status := range want {
		if got := httpx.Status(code); got != status {
			t.Errorf("Status(%s) = %d, want %d", code, got, status)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	app.Post("/", func(c *fiber.Ctx) error {
		var v struct {
			Name string `json:"name"`
		}
		if err := httpx.DecodeJSON(c, &v, 32); err != nil {
			return err
		}
		return c.JSON(v)
	})
	cases := []struct {
		name, ct, body string
		status         int
		code           string
	}{
		{"OK", "application/json", `{"name":"a"}`, 200, ""},
		{"CharsetOK", "application/json; charset=utf-8", `{"name":"a"}`, 200, ""},
		{"NoType", "", `{"name":"a"}`, 415, "unsupported"},
		{"FormType", "application/x-www-form-urlencoded", `name=a`, 415, "unsupported"},
		{"OverRouteLimit", "application/json", `{"name":"` + strings.Repeat("a", 40) + `"}`, 413, "too_large"},
		{"Unknown", "application/json", `{"nme":"a"}`, 400, "invalid"},
		{"Gzipped", "application/json", "\x1f\x8b", 415, "unsupported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
			if c.ct != "" {
				req.Header.Set("Content-Type", c.ct)
			}
			if c.name == "Gzipped" {
				req.Header.Set("Content-Encoding", "gzip")
			}
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d", res.StatusCode, c.status)
			}
			if c.code != "" {
				var body httpx.ErrorBody
				json.NewDecoder(res.Body).Decode(&body)
				if body.Error == nil || string(body.Error.Code) != c.code {
					t.Fatalf("error = %+v, want code %s", body.Error, c.code)
				}
			}
		})
	}
}
