package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/coder/websocket"
)

// MaxBody is the most an ingest request (or websocket message) may carry
// on the wire, as the server enforces it (stream.MaxIngestBody).
const MaxBody = 8 << 20

// Batch is what POST /api/v1/ingest takes, and one message of the ingest
// websocket.
type Batch struct {
	Points       []Point       `json:"points,omitempty"`
	Transactions []Transaction `json:"transactions,omitempty"`
}

// Point is one value of a metric series. TS is unix milliseconds; 0 lets
// the server stamp it on arrival.
type Point struct {
	Metric string            `json:"metric"`
	Labels map[string]string `json:"labels,omitempty"`
	Value  float64           `json:"value"`
	TS     int64             `json:"ts,omitempty"`
}

// Transaction is one finished request of a service, for response-time
// hitmaps.
type Transaction struct {
	Service   string            `json:"service"`
	Labels    map[string]string `json:"labels,omitempty"`
	TS        int64             `json:"ts,omitempty"`
	ElapsedMS float64           `json:"elapsed_ms"`
	Error     bool              `json:"error,omitempty"`
}

// LineError is one rejected item: the line of the body it starts on and why.
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Ack is the server's answer to one batch.
type Ack struct {
	Seq      int         `json:"seq,omitempty"` // websocket only: the batch's number on its connection, from 1
	Accepted int         `json:"accepted"`
	Rejected int         `json:"rejected"`
	Errors   []LineError `json:"errors"` // the first few rejections
	Limit    string      `json:"limit,omitempty"`
}

// Pusher sends batches over one ingest websocket
// (GET /api/v1/ingest/ws), one at a time, each answered by an Ack. It is
// safe for concurrent use; batches are sent in turn.
type Pusher struct {
	wsURL  string
	header http.Header
	client *http.Client

	mu   sync.Mutex
	conn *websocket.Conn
	stop func() bool
}

// NewPusher dials the ingest websocket of the server at baseURL
// (http://host:port), with token as the bearer token when not empty, so a
// wrong address or token shows at once. The connection closes when ctx
// ends or on Close.
func NewPusher(ctx context.Context, baseURL, token string) (*Pusher, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("pusher: URL %q must be the server's base URL, such as http://127.0.0.1:8080", baseURL)
	}
	p := &Pusher{wsURL: strings.TrimRight(baseURL, "/") + "/api/v1/ingest/ws", header: http.Header{}, client: http.DefaultClient}
	if token != "" {
		p.header.Set("Authorization", "Bearer "+token)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.dial(ctx); err != nil {
		return nil, err
	}
	p.stop = context.AfterFunc(ctx, func() { p.Close() })
	return p, nil
}

func (p *Pusher) dial(ctx context.Context) error {
	conn, res, err := websocket.Dial(ctx, p.wsURL, &websocket.DialOptions{HTTPClient: p.client, HTTPHeader: p.header})
	if err != nil {
		return fmt.Errorf("dial ingest websocket: %w", dialError(res, err))
	}
	conn.SetReadLimit(1 << 20) // acks: counts and at most a few dozen errors
	p.conn = conn
	return nil
}

// Push sends b and waits for its Ack. A connection that broke since the
// last batch is replaced and the batch sent once more on the new one; a
// batch is lost only if that fails too. As with any retry, a batch whose
// first sending did reach the server is stored twice: harmless for points
// with a TS (a point at an existing time replaces it), not for points
// stamped on arrival or for transactions.
func (p *Pusher) Push(ctx context.Context, b Batch) (Ack, error) {
	msg, err := json.Marshal(b)
	if err != nil {
		return Ack{}, fmt.Errorf("encode batch: %w", err)
	}
	if len(msg) > MaxBody {
		return Ack{}, fmt.Errorf("the batch is %d bytes of JSON; the server takes at most %d per message: send smaller batches", len(msg), MaxBody)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	reused := p.conn != nil
	if !reused {
		if err := p.dial(ctx); err != nil {
			return Ack{}, err
		}
	}
	ack, err := p.roundTrip(ctx, msg)
	if err != nil && reused && ctx.Err() == nil {
		if err := p.dial(ctx); err != nil {
			return Ack{}, err
		}
		ack, err = p.roundTrip(ctx, msg)
	}
	return ack, err
}

// roundTrip sends msg and reads its ack; on failure the connection is
// dropped.
func (p *Pusher) roundTrip(ctx context.Context, msg []byte) (Ack, error) {
	var ack Ack
	err := p.conn.Write(ctx, websocket.MessageText, msg)
	if err == nil {
		var typ websocket.MessageType
		var data []byte
		typ, data, err = p.conn.Read(ctx)
		if err == nil && typ != websocket.MessageText {
			err = errors.New("the server answered with a binary message")
		}
		if err == nil {
			err = json.Unmarshal(data, &ack)
		}
	}
	if err != nil {
		p.conn.CloseNow()
		p.conn = nil
		return Ack{}, fmt.Errorf("push batch: %w", err)
	}
	return ack, nil
}

// Close closes the connection.
func (p *Pusher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		p.stop()
	}
	if p.conn == nil {
		return nil
	}
	err := p.conn.Close(websocket.StatusNormalClosure, "")
	p.conn = nil
	return err
}

// Ingest formats (the --format of flexboard push).
const (
	FormatJSON       = "json"
	FormatInflux     = "influx"
	FormatPrometheus = "prometheus"
)

// Poster sends ingest bodies over HTTP.
type Poster struct {
	URL   string // the server's base URL, http://host:port
	Token string // bearer token; "" when the server needs none
	// Gzip compresses bodies (Content-Encoding: gzip).
	Gzip bool
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
}

// Post sends body in format (FormatJSON, FormatInflux or
// FormatPrometheus); precision is the influx timestamp unit (ns, us, ms,
// s; "" for ns). The Ack is filled whenever the server reports counts, also
// with an error: an unparsable body (400) or a limit reached (429). Other
// refusals return an *HTTPError and a zero Ack.
func (p *Poster) Post(ctx context.Context, format, precision string, body []byte) (Ack, error) {
	path, ctype := "/api/v1/ingest", "application/json"
	switch format {
	case FormatJSON:
	case FormatInflux:
		path, ctype = "/api/v1/ingest/influx", "text/plain; charset=utf-8"
		if precision != "" {
			path += "?precision=" + url.QueryEscape(precision)
		}
	case FormatPrometheus:
		path, ctype = "/api/v1/ingest/prometheus", "text/plain; version=0.0.4; charset=utf-8"
	default:
		return Ack{}, fmt.Errorf("format %q: use json, influx or prometheus", format)
	}
	if p.Gzip {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		zw.Write(body)
		zw.Close()
		body = zb.Bytes()
	}
	if len(body) > MaxBody {
		return Ack{}, fmt.Errorf("the body is %d bytes; the server takes at most %d per request: send smaller batches", len(body), MaxBody)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.URL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return Ack{}, fmt.Errorf("ingest request: %w", err)
	}
	req.Header.Set("Content-Type", ctype)
	if p.Gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if p.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.Token)
	}
	c := p.Client
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		return Ack{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Ack{}, fmt.Errorf("read ingest answer: %w", err)
	}
	if res.StatusCode == http.StatusOK {
		var ack Ack
		if err := json.Unmarshal(data, &ack); err != nil {
			return Ack{}, fmt.Errorf("ingest answer is not JSON: %w", err)
		}
		return ack, nil
	}
	herr := httpError(res, data)
	// 400 (nothing parsed) and 429 (a limit) still say what was counted.
	var probe struct {
		Accepted *int `json:"accepted"`
	}
	var ack Ack
	if json.Unmarshal(data, &probe) == nil && probe.Accepted != nil && json.Unmarshal(data, &ack) == nil {
		return ack, herr
	}
	return Ack{}, herr
}

// PostBatch sends b as JSON.
func (p *Poster) PostBatch(ctx context.Context, b Batch) (Ack, error) {
	body, err := json.Marshal(b)
	if err != nil {
		return Ack{}, fmt.Errorf("encode batch: %w", err)
	}
	return p.Post(ctx, FormatJSON, "", body)
}

// PostBatch sends b to the server at baseURL over HTTP: the simple way to
// push now and then.
func PostBatch(ctx context.Context, baseURL, token string, b Batch) (Ack, error) {
	return (&Poster{URL: baseURL, Token: token}).PostBatch(ctx, b)
}
