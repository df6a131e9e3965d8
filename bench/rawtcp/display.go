package main

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	streamclient "github.com/flexboard/flexboard/stream/client"
)

// acceptDisplay answers a display's websocket handshake on cn (RFC 6455
// §4.2.2) and sends it a hello, so that stream/client counts it live.
func acceptDisplay(cn net.Conn) error {
	cn.SetReadDeadline(time.Now().Add(30 * time.Second))
	defer cn.SetReadDeadline(time.Time{})
	req, err := http.ReadRequest(bufio.NewReaderSize(cn, 4096))
	if err != nil {
		return fmt.Errorf("read the upgrade request: %w", err)
	}
	key := req.Header.Get("Sec-WebSocket-Key")
	if key == "" || !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
		return errors.New("not a websocket upgrade")
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
		base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n"
	hello := wsFrame([]byte(`{"type":"hello","protocol":1,"server_time":` + fmt.Sprint(time.Now().UnixMilli()) +
		`,"board":"floor","variant":"","revision":1,"refresh_ms":1000,"epoch":"floor","seq":0}`))
	_, err = cn.Write(append([]byte(resp), hello...))
	return err
}

// runDisplaySink opens n displays to addr with stream/client, exactly as
// flexboard loadtest does (HeaderOnly, frames handed to a callback), and
// reads until the writer closes them.
func runDisplaySink(ctx context.Context, addr string, n int, read *atomic.Int64) error {
	if host, _, err := net.SplitHostPort(addr); err != nil || net.ParseIP(host) == nil || !net.ParseIP(host).IsLoopback() {
		return fmt.Errorf("%q is not a loopback address", addr)
	}
	raiseFileLimit(uint64(n) + 64)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ws := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		MaxIdleConns: -1, DisableCompression: true}}
	var live, ended atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	done := make(chan struct{})
	subs := make([]*streamclient.Subscription, 0, n)
	for range n {
		var wasLive atomic.Bool
		sub, err := streamclient.Subscribe(ctx, streamclient.Options{URL: "http://" + addr, Board: "floor",
			HTTPClient: ws, HeaderOnly: true, MaxBackoff: time.Second,
			OnFrame: func(f streamclient.Frame) {
				if read != nil {
					read.Add(int64(f.Size))
				}
			},
			OnState: func(c streamclient.StateChange) {
				switch c.State {
				case streamclient.Live:
					wasLive.Store(true)
					live.Add(1)
				case streamclient.Reconnecting, streamclient.Stopped:
					// The writer closed the socket: this display is done
					// (it would only reconnect to a listener that is gone).
					if wasLive.Swap(false) && ended.Add(1) == int64(n) {
						once.Do(func() { close(done) })
					}
				}
			}})
		if err != nil {
			return err
		}
		subs = append(subs, sub)
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
	cancel()
	for _, s := range subs {
		wg.Add(1)
		go func() { defer wg.Done(); s.Close() }()
	}
	wg.Wait()
	return nil
}
