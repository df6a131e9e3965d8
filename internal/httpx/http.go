// Package httpx is the HTTP plumbing every API handler shares: reading a
// JSON body within a size limit, the one error handler that maps error codes
// to statuses, and the request log.
package httpx

import (
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/jsonx"
)

// Status maps an error code to its HTTP status.
func Status(code errs.Code) int {
	switch code {
	case errs.Invalid:
		return fiber.StatusBadRequest
	case errs.NotFound:
		return fiber.StatusNotFound
	case errs.Conflict:
		return fiber.StatusConflict
	case errs.TooLarge:
		return fiber.StatusRequestEntityTooLarge
	case errs.Unsupported:
		return fiber.StatusUnsupportedMediaType
	case errs.RateLimited:
		return fiber.StatusTooManyRequests
	case errs.Unavailable:
		return fiber.StatusServiceUnavailable
	case errs.Unauthorized:
		return fiber.StatusUnauthorized
	case errs.Forbidden:
		return fiber.StatusForbidden
	}
	return fiber.StatusInternalServerError
}

// ErrorBody is the JSON every error answer carries.
type ErrorBody struct {
	Error *errs.Error `json:"error"`
}

// ErrorHandler answers every error as {"error":{code,message,field}}. Errors
// that are not *errs.Error are logged with the request and answered as
// "internal error" so nothing internal leaks.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		e := errs.As(err)
		var fe *fiber.Error
		switch {
		case e != nil:
		case errors.As(err, &fe):
			e = fromFiber(c, fe)
		default:
			log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
			e = &errs.Error{Code: errs.Internal, Message: "internal error"}
		}
		return c.Status(Status(e.Code)).JSON(ErrorBody{Error: e})
	}
}

// fromFiber translates Fiber's own errors (no route, body over the server
// limit, bad request line) into ours.
func fromFiber(c *fiber.Ctx, fe *fiber.Error) *errs.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return errs.NotFoundf("no such page or endpoint: %s %s", c.Method(), c.Path())
	case fiber.StatusMethodNotAllowed:
		return errs.E(errs.Invalid, "", "method %s is not allowed on %s", c.Method(), c.Path())
	case fiber.StatusRequestEntityTooLarge:
		return errs.E(errs.TooLarge, "", "the request body is over the server's limit of %d bytes", c.App().Config().BodyLimit)
	case fiber.StatusUnsupportedMediaType:
		return errs.E(errs.Unsupported, "", "%s", fe.Message)
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return errs.E(errs.Invalid, "", "%s", fe.Message)
	}
	return &errs.Error{Code: errs.Internal, Message: "internal error"}
}

// DecodeJSON checks that the request carries JSON of at most limit bytes and
// decodes it strictly into dst (see jsonx.Decode).
func DecodeJSON(c *fiber.Ctx, dst any, limit int) error {
	ct := c.Get(fiber.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != fiber.MIMEApplicationJSON {
		got := ct
		if got == "" {
			got = "none"
		}
		return errs.E(errs.Unsupported, "", "Content-Type must be application/json, got %s", got)
	}
	// c.Body() would gunzip a Content-Encoding: gzip body with no limit
	// (a gzip bomb); the JSON API takes plain bodies only.
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return errs.E(errs.Unsupported, "Content-Encoding", "%q is not accepted here: send the JSON body uncompressed", enc)
	}
	body := c.Request().Body()
	if len(body) > limit {
		return errs.E(errs.TooLarge, "", "the request body is %d bytes; the limit here is %d bytes", len(body), limit)
	}
	return jsonx.Decode(body, dst)
}

// RequestLog logs one line per request at debug level.
func RequestLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !log.Enabled(c.UserContext(), slog.LevelDebug) {
			return c.Next()
		}
		start := time.Now()
		if err := c.Next(); err != nil {
			// Answer the error here, not after this middleware returns, so
			// the logged status and size are what the client gets.
			if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		status := c.Response().StatusCode()
		log.Debug("request",
			"method", c.Method(),
			"path", c.Path(),
			"status", status,
			"duration", time.Since(start).Round(time.Microsecond).String(),
			"bytes_in", len(c.Request().Body()),
			"bytes_out", len(c.Response().Body()),
			"remote", c.IP())
		return nil
	}
}

// ParseRevisionHeader reads an If-Match header holding a board revision
// (`"3"`, `W/"3"` or `3`). ok is false when the header is absent.
func ParseRevisionHeader(v string) (rev int64, ok bool, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false, nil
	}
	if v == "*" {
		return 0, true, errs.Invalidf("If-Match", "\"*\" is not accepted: send the revision your edit is based on, as returned in ETag")
	}
	v = strings.TrimPrefix(v, "W/")
	v = strings.Trim(v, `"`)
	if _, err := fmt.Sscanf(v, "%d", &rev); err != nil || rev < 1 || fmt.Sprint(rev) != v {
		return 0, true, errs.Invalidf("If-Match", "%q is not a revision: send the ETag of the board you edited, such as \"3\"", v)
	}
	return rev, true, nil
}

// ETag formats a revision as a strong entity tag.
func ETag(rev int64) string { return fmt.Sprintf(`"%d"`, rev) }
