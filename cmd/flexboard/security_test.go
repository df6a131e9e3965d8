package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"image"
	imgpng "image/png"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/auth"
)

// wantPolicy is the policy of an ordinary answer of the server at host.
func wantPolicy(host, frameAncestors string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; style-src-elem 'self'; " +
		"img-src 'self' data: blob:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
		"connect-src 'self' ws://" + host + " wss://" + host + "; frame-ancestors " + frameAncestors
}

func TestSecurityHeaders(t *testing.T) {
	cases := []struct {
		name, flag, frame, xfo string
	}{
		{"Default", "", "'self'", "SAMEORIGIN"},
		{"None", "none", "'none'", "DENY"},
		{"Origins", "'self' https://portal.example.com https://*.intranet.example:8443", "'self' https://portal.example.com https://*.intranet.example:8443", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			flags := []string{"--db", filepath.Join(t.TempDir(), "fb.db")}
			if c.flag != "" {
				flags = append(flags, "--frame-ancestors", c.flag)
			}
			base := startWithFlags(t, flags...)
			host := strings.TrimPrefix(base, "http://")
			// A page, the API, an asset that is not there, an unknown page,
			// the health check: every answer, errors included.
			for _, p := range []string{"/", "/widgets", "/api/v1/boards", "/assets/nope.js", "/no/such/page", "/healthz"} {
				r := do(t, "GET", base+p, nil)
				if got := r.Header.Get("Content-Security-Policy"); got != wantPolicy(host, c.frame) {
					t.Errorf("GET %s: Content-Security-Policy\n got %s\nwant %s", p, got, wantPolicy(host, c.frame))
				}
				for name, want := range map[string]string{"X-Frame-Options": c.xfo, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
					if got := r.Header.Get(name); got != want {
						t.Errorf("GET %s (%d): %s = %q, want %q", p, r.Status, name, got, want)
					}
				}
			}
		})
	}
}

// A handler's own policy wins, with the server's frame-ancestors added;
// an image keeps its sandbox.
func TestSecurityHeadersKeepHandlerPolicy(t *testing.T) {
	base := startWithFlags(t, "--db", filepath.Join(t.TempDir(), "fb.db"), "--frame-ancestors", "https://portal.example.com")
	var png bytes.Buffer
	if err := imgpng.Encode(&png, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	r := do(t, "POST", base+"/api/v1/images?name=dot.png", png.Bytes(), "Content-Type", "image/png")
	wantStatus(t, r, 201)
	r = do(t, "GET", base+"/api/v1/images/"+str(r.JSON(t)["id"]), nil)
	wantStatus(t, r, 200)
	if got, want := r.Header.Get("Content-Security-Policy"), "default-src 'none'; sandbox; frame-ancestors https://portal.example.com"; got != want {
		t.Errorf("image policy %q, want %q", got, want)
	}
	if xfo := r.Header.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("X-Frame-Options %q with a list of origins, want none", xfo)
	}
}

// A Host header that is not a plain host[:port] never reaches the policy:
// it could add directives.
func TestSecurityHeadersHostNotReflected(t *testing.T) {
	base := startWithFlags(t, "--db", filepath.Join(t.TempDir(), "fb.db"))
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: evil.example; script-src *\r\nConnection: close\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if strings.Contains(csp, "evil") || !strings.Contains(csp, "connect-src 'self'; frame-ancestors 'self'") {
		t.Errorf("policy for a bad Host: %q", csp)
	}
}

func TestSecurityFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"TLSCertAlone", []string{"--tls-cert", "c.pem"}, nil, "--tls-cert and --tls-key go together"},
		{"TLSKeyAloneEnv", nil, map[string]string{"FLEXBOARD_TLS_KEY": "k.pem"}, "--tls-cert and --tls-key go together"},
		{"TLSBoth", []string{"--tls-cert", "c.pem", "--tls-key", "k.pem"}, nil, ""},
		{"FrameAncestorsEmpty", []string{"--frame-ancestors", " "}, nil, "--frame-ancestors is empty"},
		{"FrameAncestorsNoneWithOthers", []string{"--frame-ancestors", "'none' https://a.example"}, nil, "'none' cannot be combined"},
		{"FrameAncestorsPath", []string{"--frame-ancestors", "https://a.example/board"}, nil, `"https://a.example/board" is more than an origin`},
		{"FrameAncestorsScheme", []string{"--frame-ancestors", "javascript:alert(1)"}, nil, "is not an origin"},
		{"FrameAncestorsFTP", []string{"--frame-ancestors", "ftp://a.example"}, nil, `has scheme "ftp"`},
		{"FrameAncestorsInjection", []string{"--frame-ancestors", "https://a.example;script-src"}, nil, "has an invalid host"},
		{"FrameAncestorsBareHost", []string{"--frame-ancestors", "portal.example.com"}, nil, "is not an origin"},
		{"FrameAncestorsEnv", nil, map[string]string{"FLEXBOARD_FRAME_ANCESTORS": "self https://a.example"}, ""},
		{"TrustedProxiesBadIP", []string{"--trusted-proxies", "10.0.0.1, 10.0.0.300"}, nil, `--trusted-proxies: "10.0.0.300" is not an IP address`},
		{"TrustedProxiesBadCIDR", []string{"--trusted-proxies", "10.0.0.0/33"}, nil, `--trusted-proxies: "10.0.0.0/33" is not a CIDR range`},
		{"TrustedProxiesHostname", []string{"--trusted-proxies", "proxy.local"}, nil, `"proxy.local" is not an IP address`},
		{"TrustedProxiesOK", nil, map[string]string{"FLEXBOARD_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12,::1"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseServe(c.args, func(k string) string { return c.env[k] })
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want it to contain %q", err, c.wantErr)
			}
		})
	}
}

func TestParseFrameAncestors(t *testing.T) {
	for in, want := range map[string]string{
		"'self'": "'self'",
		"self":   "'self'",
		"NONE":   "'none'",
		"'none'": "'none'",
		"self  HTTPS://Portal.Example.com https://*.corp.example:8443": "'self' https://portal.example.com https://*.corp.example:8443",
		"http://10.0.0.7:8080 https://[fd00::1]":                       "http://10.0.0.7:8080 https://[fd00::1]",
	} {
		got, err := parseFrameAncestors(in)
		if err != nil || got != want {
			t.Errorf("parseFrameAncestors(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	ps, err := parseTrustedProxies([]string{"10.1.2.3", "::ffff:192.168.0.9", "10.0.0.0/8", "fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(fiberProxies(ps), " "), "10.1.2.3 192.168.0.9 10.0.0.0/8 fd00::/8"; got != want {
		t.Errorf("fiberProxies = %q, want %q", got, want)
	}
}

// forwardedFor picks the rightmost address that is not a trusted proxy;
// Fiber's app.Test connects from 0.0.0.0, the proxy here.
func TestForwardedFor(t *testing.T) {
	proxies, err := parseTrustedProxies([]string{"0.0.0.0", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{EnableTrustedProxyCheck: true, TrustedProxies: fiberProxies(proxies),
		ProxyHeader: fiber.HeaderXForwardedFor, EnableIPValidation: true})
	app.Use(forwardedFor(proxies))
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(c.IP()) })
	for _, c := range []struct{ xff, want string }{
		{"", "0.0.0.0"},
		{"203.0.113.7", "203.0.113.7"},
		{"198.51.100.66, 203.0.113.7", "203.0.113.7"},           // a spoofed first entry, appended to by the proxy
		{"198.51.100.66, 203.0.113.7, 10.0.0.2", "203.0.113.7"}, // through two trusted proxies
		{"10.0.0.9, 10.0.0.2", "10.0.0.9"},                      // all trusted: the first
		{"203.0.113.7:51234", "203.0.113.7"},                    // with a port
		{"203.0.113.7, garbage, 10.0.0.2", "10.0.0.2"},          // unreadable: the last trusted hop
		{"garbage", "0.0.0.0"},                                  // nothing readable: the proxy
		{"2001:db8::1, ::ffff:10.0.0.3", "2001:db8::1"},         // IPv6, and a mapped trusted hop
	} {
		req, _ := http.NewRequest("GET", "/", nil)
		if c.xff != "" {
			req.Header.Set("X-Forwarded-For", c.xff)
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if string(b) != c.want {
			t.Errorf("X-Forwarded-For %q: client %q, want %q", c.xff, b, c.want)
		}
	}
}

// loginAttempt posts a login with extra headers and returns the answer.
func loginAttempt(t *testing.T, base, name, password string, headers ...string) response {
	t.Helper()
	return do(t, "POST", base+"/api/v1/auth/login", map[string]string{"name": name, "password": password}, headers...)
}

func sessionCookie(r response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == auth.CookieName {
			return c
		}
	}
	return nil
}

// Behind a trusted proxy the login rate limit counts the client's address
// from X-Forwarded-For (not the proxy's, not a spoofed one), and the
// session cookie is Secure when the proxy says the browser used HTTPS.
// Without --trusted-proxies the same headers change nothing.
func TestTrustedProxies(t *testing.T) {
	start := func(t *testing.T, extra ...string) string {
		db := filepath.Join(t.TempDir(), "fb.db")
		// The schema exists before the user is added: a first start makes it.
		addUser(t, db, "ada", "admin")
		return startWithFlags(t, append([]string{"--db", db, "--auth", "password"}, extra...)...)
	}
	// failFrom makes the per-address limit's worth of failed logins, each
	// for another user name (so the per-user limit stays out of the way).
	failFrom := func(t *testing.T, base string, xff func(i int) string) {
		for i := 0; i < auth.MaxLoginFailuresIP; i++ {
			r := loginAttempt(t, base, fmt.Sprintf("nobody%d", i), "wrong password!", "X-Forwarded-For", xff(i))
			wantStatus(t, r, 401)
		}
	}

	t.Run("Trusted", func(t *testing.T) {
		base := start(t, "--trusted-proxies", "127.0.0.1")
		failFrom(t, base, func(i int) string { return fmt.Sprintf("198.51.100.%d, 203.0.113.7", i) })
		r := loginAttempt(t, base, "someone", "wrong password!", "X-Forwarded-For", "203.0.113.7")
		wantError(t, r, 429, "rate_limited", "", "too many failed logins from this address")
		// Another client behind the same proxy is not blocked.
		r = loginAttempt(t, base, "ada", testPassword, "X-Forwarded-For", "203.0.113.8", "X-Forwarded-Proto", "https")
		wantStatus(t, r, 200)
		if c := sessionCookie(r); c == nil || !c.Secure || !c.HttpOnly {
			t.Errorf("cookie behind an HTTPS proxy: %+v, want Secure and HttpOnly", c)
		}
		r = loginAttempt(t, base, "ada", testPassword, "X-Forwarded-For", "203.0.113.8")
		wantStatus(t, r, 200)
		if c := sessionCookie(r); c == nil || c.Secure {
			t.Errorf("cookie over plain HTTP: %+v, want no Secure (the browser would drop it)", c)
		}
	})

	t.Run("Untrusted", func(t *testing.T) {
		base := start(t)
		// Every failure counts against 127.0.0.1, whatever the header says.
		failFrom(t, base, func(i int) string { return fmt.Sprintf("198.51.100.%d", i) })
		r := loginAttempt(t, base, "ada", testPassword, "X-Forwarded-For", "203.0.113.99", "X-Forwarded-Proto", "https")
		wantStatus(t, r, 429)
	})

	t.Run("UntrustedProto", func(t *testing.T) {
		base := start(t)
		r := loginAttempt(t, base, "ada", testPassword, "X-Forwarded-Proto", "https")
		wantStatus(t, r, 200)
		if c := sessionCookie(r); c == nil || c.Secure {
			t.Errorf("cookie with X-Forwarded-Proto from an untrusted client: %+v, want no Secure", c)
		}
	})
}

// selfSigned writes a certificate for 127.0.0.1 and localhost and its key
// into dir, and returns their paths and a pool that trusts it.
func selfSigned(t *testing.T, dir, name string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// The server speaks HTTPS with --tls-cert/--tls-key: pages, the API and a
// display websocket over TLS; the session cookie is Secure.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir, "flexboard-test")
	db := filepath.Join(dir, "fb.db")
	addUser(t, db, "ada", "admin")
	base := startWithFlags(t, "--db", db, "--auth", "password", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("base URL %q, want https://127.0.0.1:PORT", base)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	res, err := hc.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz over TLS: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.TLS == nil || res.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("GET /healthz: %d, TLS %+v", res.StatusCode, res.TLS)
	}
	if got := res.Header.Get("Content-Security-Policy"); !strings.Contains(got, "wss://"+strings.TrimPrefix(base, "https://")) {
		t.Errorf("policy over TLS %q lacks the wss source", got)
	}

	// Plain HTTP on the TLS port gets no answer of the server.
	if r, err := tryDo("GET", strings.Replace(base, "https://", "http://", 1)+"/healthz", nil); err == nil && r.Status == 200 {
		t.Errorf("plain HTTP on the TLS port answered 200")
	}

	// Log in: the cookie is Secure.
	req, _ := http.NewRequest("POST", base+"/api/v1/auth/login", strings.NewReader(`{"name":"ada","password":"`+testPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName {
			cookie = c
		}
	}
	if res.StatusCode != 200 || cookie == nil || !cookie.Secure {
		t.Fatalf("login over TLS: %d, cookie %+v: want 200 and a Secure cookie", res.StatusCode, cookie)
	}

	// A board, and its display stream over wss:// from a page of the server.
	body := strings.NewReader(`{"name":"TLS wall","widgets":[{"id":"n","kind":"text","config":{"markdown":"hi"}}],` +
		`"variants":[{"name":"16:9","canvas":{"width":1920,"height":1080},"grid":{"columns":48,"rows":27},"placements":[{"widget":"n","x":0,"y":0,"w":8,"h":4}]}]}`)
	token := createTokenTLS(t, hc, base, cookie)
	req, _ = http.NewRequest("POST", base+"/api/v1/boards", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("create board over TLS: %d %s", res.StatusCode, b)
	}
	id := str(jsonMap(t, b)["id"])

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h := http.Header{}
	h.Set("Origin", base)
	h.Set("Cookie", cookie.Name+"="+cookie.Value)
	c, _, err := websocket.Dial(ctx, strings.Replace(base, "https://", "wss://", 1)+"/api/v1/stream?board="+id,
		&websocket.DialOptions{HTTPClient: hc, HTTPHeader: h})
	if err != nil {
		t.Fatalf("wss stream: %v", err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	_, msg, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read the first frame over wss: %v", err)
	}
	if !strings.Contains(string(msg), `"type":"hello"`) || !strings.Contains(string(msg), `"board":"`+id+`"`) {
		t.Errorf("first frame over wss is not the board's hello: %.200s", msg)
	}
}

// createTokenTLS makes an API token with scope write over the TLS client.
func createTokenTLS(t *testing.T, hc *http.Client, base string, cookie *http.Cookie) string {
	t.Helper()
	get, _ := http.NewRequest("GET", base+"/api/v1/auth/me", nil)
	get.AddCookie(cookie)
	res, err := hc.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := str(jsonMap(t, b)["csrf_token"])
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"tls test","scopes":["write"]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(auth.CSRFHeader, csrf)
	req.Header.Set("Origin", base)
	req.AddCookie(cookie)
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("create token over TLS: %d %s", res.StatusCode, b)
	}
	return str(jsonMap(t, b)["secret"])
}

func jsonMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	return response{Body: b}.JSON(t)
}

// A renewed certificate is served without a restart; a half-written
// renewal keeps the old one.
func TestCertReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir, "first")
	l, err := newCertLoader(certFile, keyFile, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	l.now = func() time.Time { return now }
	subject := func() string {
		c, err := l.getCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := x509.ParseCertificate(c.Certificate[0])
		return x.Subject.CommonName
	}
	if got := subject(); got != "first" {
		t.Fatalf("serving %q, want first", got)
	}
	// The renewal: new files in the same place, later modification times.
	c2, k2, _ := selfSigned(t, t.TempDir(), "second")
	replace := func(src, dst string, mod time.Time) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(dst, mod, mod)
	}
	later := now.Add(time.Hour)
	replace(c2, certFile, later) // the key not yet: the pair does not match
	if got := subject(); got != "first" {
		t.Fatalf("serving %q before the check interval, want first", got)
	}
	now = now.Add(certCheckInterval + time.Second)
	if got := subject(); got != "first" {
		t.Fatalf("serving %q with a mismatched pair, want the previous (first)", got)
	}
	replace(k2, keyFile, later)
	now = now.Add(certCheckInterval + time.Second)
	if got := subject(); got != "second" {
		t.Fatalf("serving %q after the renewal, want second", got)
	}
}

func TestTLSFilesMissing(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseServe([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "fb.db"), "--demo=false",
		"--tls-cert", filepath.Join(dir, "none.crt"), "--tls-key", filepath.Join(dir, "none.key")}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	err = Run(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err == nil || !strings.Contains(err.Error(), "--tls-cert") || !strings.Contains(err.Error(), "none.crt") {
		t.Fatalf("Run with missing certificate files: %v", err)
	}
}

// The ingest websocket checks Origin as the display stream does: a page of
// another site may not push (the upgrade carries the visitor's cookies).
func TestIngestWebsocketOrigin(t *testing.T) {
	base := startWithFlags(t, "--db", filepath.Join(t.TempDir(), "fb.db"), "--allowed-origins", "https://wall.example")
	ws := strings.Replace(base, "http://", "ws://", 1)
	for _, c := range []struct {
		name, origin string
		ok           bool
	}{
		{"NoOrigin", "", true},
		{"Own", base, true},
		{"Allowed", "https://wall.example", true},
		{"Foreign", "https://evil.example", false},
		{"Null", "null", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/ingest/ws", "/api/v1/stream?board=nope"} {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				h := http.Header{}
				if c.origin != "" {
					h.Set("Origin", c.origin)
				}
				conn, res, err := websocket.Dial(ctx, ws+path, &websocket.DialOptions{HTTPHeader: h})
				cancel()
				if conn != nil {
					conn.CloseNow()
				}
				if c.ok {
					// The stream of an unknown board is refused (404), or
					// closed at once for a browser (4404): either way past
					// the origin check.
					if path == "/api/v1/ingest/ws" && err != nil {
						t.Errorf("%s from %q: %v", path, c.origin, err)
					}
					if res != nil && res.StatusCode == 403 {
						t.Errorf("%s from %q: 403", path, c.origin)
					}
					continue
				}
				if res == nil || res.StatusCode != 403 {
					t.Errorf("%s from %q: %v, want 403", path, c.origin, err)
				}
			}
		})
	}
}
