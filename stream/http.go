package stream

import (
	"bytes"
	"compress/gzip"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/widgets"
)

// Ingest body limits.
const (
	MaxIngestBody         = 8 << 20  // bytes on the wire (compressed or not)
	MaxIngestDecompressed = 32 << 20 // bytes after gunzip: a gzip bomb stops here
)

// IngestHandler serves the ingest endpoints.
type IngestHandler struct {
	Store *Store
	// Token, when set, is required as "Authorization: Bearer <token>".
	Token string
	Log   *slog.Logger
	// AllowedOrigins lists the browser origins (besides the server's own)
	// that may open the ingest websocket, as for the display stream.
	AllowedOrigins []string
}

// Register mounts ingest on r (the /api/v1 group).
func (h *IngestHandler) Register(r fiber.Router) {
	r.Post("/ingest", h.auth, h.ingestJSON)
	r.Post("/ingest/prometheus", h.auth, h.ingestPrometheus)
	r.Post("/ingest/influx", h.auth, h.ingestInflux)
	r.Get("/ingest/ws", h.auth, h.wsCheck, fws.New(h.ingestWS, fws.Config{ReadBufferSize: 4096, WriteBufferSize: 1024,
		Origins: []string{"*"}})) // checked by wsCheck, which knows the server's own origin
}

func (h *IngestHandler) auth(c *fiber.Ctx) error {
	if h.Token == "" {
		return c.Next()
	}
	got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(h.Token)) != 1 {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="flexboard ingest"`)
		return errs.E(errs.Unauthorized, "Authorization", "ingest needs the ingest token: send Authorization: Bearer <token>")
	}
	return c.Next()
}

// body returns the request body, gunzipped if Content-Encoding says gzip.
// It reads the raw body: Fiber's c.Body() would gunzip it without any
// limit, which a gzip bomb turns into gigabytes.
func body(c *fiber.Ctx) ([]byte, error) {
	raw := c.Request().Body()
	if len(raw) > MaxIngestBody {
		return nil, errs.E(errs.TooLarge, "", "the body is %d bytes; ingest takes at most %d bytes per request: send smaller batches", len(raw), MaxIngestBody)
	}
	switch strings.ToLower(strings.TrimSpace(c.Get(fiber.HeaderContentEncoding))) {
	case "", "identity":
		return raw, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, errs.Invalidf("Content-Encoding", "the body is not valid gzip: %v", err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, MaxIngestDecompressed+1))
		if err != nil {
			return nil, errs.Invalidf("Content-Encoding", "the body is not valid gzip: %v", err)
		}
		if len(out) > MaxIngestDecompressed {
			return nil, errs.E(errs.TooLarge, "", "the body unpacks to more than %d bytes: send smaller batches", MaxIngestDecompressed)
		}
		return out, nil
	}
	return nil, errs.E(errs.Unsupported, "Content-Encoding", "%q is not supported: send the body plain or gzip", c.Get(fiber.HeaderContentEncoding))
}

// ingestAnswer is the answer of every ingest request.
type ingestAnswer struct {
	ParseResult
	Error *errs.Error `json:"error,omitempty"`
}

func (h *IngestHandler) answer(c *fiber.Ctx, res *ParseResult) error {
	if res.Errors == nil {
		res.Errors = []LineError{}
	}
	ans := ingestAnswer{ParseResult: *res}
	status := fiber.StatusOK
	switch {
	case res.Unparsable:
		status = fiber.StatusBadRequest
		msg := "nothing could be parsed"
		if len(res.Errors) > 0 {
			msg = fmt.Sprintf("nothing could be parsed: line %d: %s", res.Errors[0].Line, res.Errors[0].Message)
		}
		ans.Error = &errs.Error{Code: errs.Invalid, Message: msg}
	case res.Limit != nil:
		status = fiber.StatusTooManyRequests
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(max(1, res.Limit.RetryAfter.Seconds()))))
		ans.Error = &errs.Error{Code: errs.RateLimited, Field: res.Limit.Limit, Message: res.Limit.Message +
			". Accepted lines are kept; resending the batch is safe (a point at an existing time replaces it)"}
	}
	return c.Status(status).JSON(ans)
}

func (h *IngestHandler) ingestJSON(c *fiber.Ctx) error {
	ct := c.Get(fiber.HeaderContentType)
	if !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return errs.E(errs.Unsupported, "", "Content-Type must be application/json, got %q", ct)
	}
	b, err := body(c)
	if err != nil {
		return err
	}
	var res ParseResult
	ParseJSON(b, h.Store.Appender(), &res)
	return h.answer(c, &res)
}

func (h *IngestHandler) ingestPrometheus(c *fiber.Ctx) error {
	b, err := body(c)
	if err != nil {
		return err
	}
	var res ParseResult
	ParsePrometheus(b, h.Store.Appender(), &res)
	return h.answer(c, &res)
}

// Precisions of line protocol timestamps.
var precisions = map[string]time.Duration{"": time.Nanosecond, "ns": time.Nanosecond, "us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}

func (h *IngestHandler) ingestInflux(c *fiber.Ctx) error {
	p, ok := precisions[c.Query("precision")]
	if !ok {
		return errs.Invalidf("precision", "%q is not a precision; use ns (the default), us, ms or s", c.Query("precision"))
	}
	b, err := body(c)
	if err != nil {
		return err
	}
	var res ParseResult
	ParseInflux(b, p, h.Store.Appender(), &res)
	return h.answer(c, &res)
}

func (h *IngestHandler) wsCheck(c *fiber.Ctx) error {
	if !fws.IsWebSocketUpgrade(c) {
		return errs.Invalidf("", "this endpoint is a websocket: connect with a websocket client, or POST to /api/v1/ingest")
	}
	// A page of another site must not push with a visitor's session (the
	// upgrade carries cookies); clients outside browsers send no Origin.
	if origin := c.Get(fiber.HeaderOrigin); !OriginAllowed(origin, c.Hostname(), h.AllowedOrigins) {
		return errs.E(errs.Forbidden, "Origin", "origin %q may not open the ingest websocket: pages of this server, or origins given with --allowed-origins", origin)
	}
	return c.Next()
}

// ingestWS takes one JSON batch per message and answers each with the same
// JSON as POST /api/v1/ingest (plus "seq", counting messages from 1).
func (h *IngestHandler) ingestWS(conn *fws.Conn) {
	conn.SetReadLimit(MaxIngestBody)
	for seq := 1; ; seq++ {
		conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
		typ, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var res ParseResult
		if typ != websocket.TextMessage {
			res.Unparsable = true
			res.Reject(0, fmt.Errorf("send each batch as a text message holding JSON"))
		} else {
			ParseJSON(msg, h.Store.Appender(), &res)
		}
		if res.Errors == nil {
			res.Errors = []LineError{}
		}
		ack := struct {
			Seq int `json:"seq"`
			ParseResult
			Limit string `json:"limit,omitempty"`
		}{Seq: seq, ParseResult: res}
		if res.Limit != nil {
			ack.Limit = res.Limit.Limit
		}
		out, _ := json.Marshal(ack)
		conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := conn.WriteMessage(websocket.TextMessage, out); err != nil {
			return
		}
	}
}

// QueryHandler serves the query API used by the editor and by tests.
type QueryHandler struct {
	Store *Store
}

// Register mounts the query API on r (the /api/v1 group).
func (h *QueryHandler) Register(r fiber.Router) {
	r.Post("/query", h.query)
	r.Get("/metrics", h.metrics)
	r.Get("/labels", h.labels)
}

// MaxQueryBody bounds a query request.
const MaxQueryBody = 64 << 10

type queryRequest struct {
	widgets.Query
	// At evaluates the query at a past moment (RFC 3339); now when empty.
	At string `json:"at,omitempty"`
}

func (h *QueryHandler) query(c *fiber.Ctx) error {
	var req queryRequest
	if err := httpx.DecodeJSON(c, &req, MaxQueryBody); err != nil {
		return err
	}
	q, err := req.Query.Compile()
	if err != nil {
		return err
	}
	at := h.Store.Now()
	if req.At != "" {
		t, err := time.Parse(time.RFC3339Nano, req.At)
		if err != nil {
			return errs.Invalidf("at", "%q is not a time in RFC 3339 form, such as 2026-11-22T14:05:00Z", req.At)
		}
		at = t.UnixMilli()
	}
	return c.JSON(h.Store.Query(q, at))
}

func (h *QueryHandler) metrics(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"metrics": h.Store.Metrics()})
}

func (h *QueryHandler) labels(c *fiber.Ctx) error {
	metric := c.Query("metric")
	if metric != "" && !widgets.ValidMetricName(metric) {
		return errs.Invalidf("metric", "%q is not a metric name", metric)
	}
	ls, sampled := h.Store.Labels(metric, 20)
	if ls == nil {
		ls = []LabelInfo{}
	}
	return c.JSON(fiber.Map{"labels": ls, "sampled": sampled})
}
