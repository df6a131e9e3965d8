package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/stream/client"
)

// ingestServer serves only ingest, with token (none when empty), and
// returns its URL and store.
func ingestServer(t *testing.T, token string) (string, *stream.Store) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := stream.NewStore(stream.DefaultLimits(), nil)
	app := fiber.New(fiber.Config{DisableStartupMessage: true, Immutable: true, BodyLimit: stream.MaxIngestBody, ErrorHandler: httpx.ErrorHandler(log)})
	(&stream.IngestHandler{Store: store, Token: token, Log: log}).Register(app.Group("/api/v1"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := &trackingListener{Listener: ln}
	go app.Listener(tl)
	t.Cleanup(func() {
		app.ShutdownWithTimeout(5 * time.Second)
		tl.closeAll()
	})
	return "http://" + ln.Addr().String(), store
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

func TestPusherAcks(t *testing.T) {
	url, store := ingestServer(t, "")
	p := newPusher(t, url)
	batch := client.Batch{
		Points: []client.Point{
			{Metric: "cpu", Labels: map[string]string{"host": "a"}, Value: 0.5},
			{Metric: "9bad", Value: 1},
		},
		Transactions: []client.Transaction{{Service: "api", ElapsedMS: 12.5}},
	}
	ack, err := p.Push(ctxT(t), batch)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Seq != 1 || ack.Accepted != 2 || ack.Rejected != 1 || len(ack.Errors) != 1 || !strings.Contains(ack.Errors[0].Message, "9bad") {
		t.Fatalf("ack = %+v, want seq 1, 2 accepted and the bad metric name rejected", ack)
	}
	if got := store.SeriesCount(); got != 1 {
		t.Errorf("%d series in the store, want 1", got)
	}
	ack, err = p.Push(ctxT(t), client.Batch{Points: []client.Point{{Metric: "cpu", Value: 1}}})
	if err != nil || ack.Seq != 2 || ack.Accepted != 1 {
		t.Fatalf("second push: %+v, %v; want seq 2, 1 accepted", ack, err)
	}
}

func TestPusherToken(t *testing.T) {
	url, _ := ingestServer(t, "s3cret")
	_, err := client.NewPusher(ctxT(t), url, "wrong")
	var he *client.HTTPError
	if !errors.As(err, &he) || he.Status != 401 || he.Code != "unauthorized" || !strings.Contains(he.Message, "ingest needs the ingest token") {
		t.Fatalf("err = %v, want the server's 401", err)
	}
	p, err := client.NewPusher(ctxT(t), url, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if ack, err := p.Push(ctxT(t), client.Batch{Points: []client.Point{{Metric: "cpu", Value: 1}}}); err != nil || ack.Accepted != 1 {
		t.Fatalf("push with the token: %+v, %v", ack, err)
	}
}

func TestPusherTooLarge(t *testing.T) {
	url, _ := ingestServer(t, "")
	p := newPusher(t, url)
	big := client.Batch{Points: make([]client.Point, client.MaxBody/30)}
	for i := range big.Points {
		big.Points[i] = client.Point{Metric: "a_rather_long_metric_name", Value: 1}
	}
	_, err := p.Push(ctxT(t), big)
	if err == nil || !strings.Contains(err.Error(), "the server takes at most 8388608 per message: send smaller batches") {
		t.Fatalf("err = %v, want too large", err)
	}
}

func TestPoster(t *testing.T) {
	url, store := ingestServer(t, "tok")
	cases := []struct {
		name      string
		poster    client.Poster
		format    string
		precision string
		body      string
		want      client.Ack
		status    int // of an *HTTPError, 0 for none
		code      string
	}{
		{"JSON", client.Poster{URL: url, Token: "tok"}, client.FormatJSON, "",
			`{"points":[{"metric":"a","value":1}]}`, client.Ack{Accepted: 1}, 0, ""},
		{"InfluxSeconds", client.Poster{URL: url, Token: "tok"}, client.FormatInflux, "s",
			"m,host=a v=1 " + strconv.FormatInt(time.Now().Unix(), 10) + "\nm v=oops\n", client.Ack{Accepted: 1, Rejected: 1}, 0, ""},
		{"PrometheusGzip", client.Poster{URL: url, Token: "tok", Gzip: true}, client.FormatPrometheus, "",
			"# TYPE up gauge\nup{job=\"x\"} 1\n", client.Ack{Accepted: 1}, 0, ""},
		{"Unparsable", client.Poster{URL: url, Token: "tok"}, client.FormatJSON, "",
			`[1]`, client.Ack{Rejected: 1}, 400, "invalid"},
		{"NoToken", client.Poster{URL: url}, client.FormatJSON, "",
			`{}`, client.Ack{}, 401, "unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ack, err := c.poster.Post(ctxT(t), c.format, c.precision, []byte(c.body))
			var he *client.HTTPError
			switch {
			case c.status == 0 && err != nil:
				t.Fatalf("err = %v", err)
			case c.status != 0 && (!errors.As(err, &he) || he.Status != c.status || he.Code != c.code):
				t.Fatalf("err = %v, want HTTP %d %s", err, c.status, c.code)
			}
			if ack.Accepted != c.want.Accepted || ack.Rejected != c.want.Rejected {
				t.Errorf("ack = %+v, want %d accepted, %d rejected", ack, c.want.Accepted, c.want.Rejected)
			}
		})
	}
	if got := store.SeriesCount(); got != 3 {
		t.Errorf("%d series stored, want 3", got)
	}
}

func TestPostBatch(t *testing.T) {
	url, store := ingestServer(t, "")
	ack, err := client.PostBatch(ctxT(t), url, "", client.Batch{Points: []client.Point{{Metric: "x", Labels: map[string]string{"k": "v"}, Value: 3, TS: time.Now().UnixMilli()}}})
	if err != nil || ack.Accepted != 1 || ack.Rejected != 0 {
		t.Fatalf("PostBatch: %+v, %v", ack, err)
	}
	if store.SeriesCount() != 1 {
		t.Errorf("series %d, want 1", store.SeriesCount())
	}
}
