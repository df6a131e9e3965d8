package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The security headers every answer gets (securityHeaders). A handler that
// sets its own Content-Security-Policy or Referrer-Policy keeps it (the
// snapshot page with its nonces, images with their sandbox, the setup page);
// only frame-ancestors is added to a policy that lacks it, so --frame-ancestors
// governs every page that may be framed.
//
// pagePolicy allows only the server's own assets. Styles: ECharts writes
// style="" attributes into the HTML of its tooltips, so attributes are
// allowed ('unsafe-inline' in style-src), while style-src-elem keeps <style>
// elements, the vector of CSS injection that reads the page, to the server's
// own files in browsers that know CSP level 3 (Chromium 75+); older ones,
// such as the Chromium 69 of some wall displays, fall back to style-src.
// Websockets: CSP 3 lets 'self' match ws: and wss: of the same host, but
// older browsers need the host named, so connect-src names it (the Host the
// browser used, checked to be a plain host[:port]) instead of allowing
// websockets to any host.
const (
	pagePolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; style-src-elem 'self'; " +
		"img-src 'self' data: blob:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
	// referrerPolicy: board, playlist and snapshot URLs are keys in
	// themselves (and display tokens may ride in ?token=), so no URL of
	// this server is ever sent to another site; same-origin rather than
	// no-referrer because forms need their Origin (no-referrer makes the
	// browser send "Origin: null", which the CSRF check refuses).
	referrerPolicy = "same-origin"
)

// safeHost matches a Host header that may be written into a policy: a DNS
// name, IPv4 or bracketed IPv6 address, with an optional port. Anything else
// (a ';' would start a directive) leaves the websocket sources out.
var safeHost = regexp.MustCompile(`^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$`)

// frameAncestorsDefault lets only the server's own pages frame its pages.
const frameAncestorsDefault = "'self'"

// parseFrameAncestors checks a --frame-ancestors value and returns it in
// the form a policy takes: 'none', or 'self' and/or origins separated by
// spaces. self and none may be given without their quotes (shells make
// quotes awkward).
func parseFrameAncestors(v string) (string, error) {
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return "", fmt.Errorf("--frame-ancestors is empty: give 'self' (the default), 'none', or origins such as https://portal.example.com separated by spaces")
	}
	var out []string
	for _, f := range fields {
		switch strings.ToLower(strings.Trim(f, "'")) {
		case "none":
			if len(fields) > 1 {
				return "", fmt.Errorf("--frame-ancestors %q: 'none' cannot be combined with other sources", v)
			}
			return "'none'", nil
		case "self":
			out = append(out, "'self'")
			continue
		}
		if err := checkFrameOrigin(f); err != nil {
			return "", fmt.Errorf("--frame-ancestors %q: %q %v; allowed: 'self', 'none', or origins such as https://portal.example.com or https://*.example.com, separated by spaces", v, f, err)
		}
		out = append(out, strings.ToLower(f))
	}
	return strings.Join(out, " "), nil
}

// checkFrameOrigin accepts scheme://host[:port] with scheme http or https
// and host a name (optionally starting with "*.") or an IP address.
func checkFrameOrigin(f string) error {
	u, err := url.Parse(f)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("is not an origin")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("has scheme %q, not http or https", u.Scheme)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("is more than an origin (no path, query or user)")
	}
	if !safeHost.MatchString(strings.TrimPrefix(u.Host, "*.")) {
		return fmt.Errorf("has an invalid host")
	}
	return nil
}

// frameOptions is the X-Frame-Options equivalent of a frame-ancestors value
// for browsers before CSP 2; none when the value lists origins (its
// ALLOW-FROM is obsolete, and browsers that know frame-ancestors ignore
// X-Frame-Options when a policy has it).
func frameOptions(frameAncestors string) string {
	switch frameAncestors {
	case "'none'":
		return "DENY"
	case "'self'":
		return "SAMEORIGIN"
	}
	return ""
}

// securityHeaders sets the headers above on every answer, errors included,
// after the handler ran so that a handler's own policy wins.
func securityHeaders(frameAncestors string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		if err != nil {
			// Answer here, so the error page gets the headers too.
			if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		h := &c.Response().Header
		csp := string(h.Peek(fiber.HeaderContentSecurityPolicy))
		if csp == "" {
			csp = pagePolicy + "; connect-src 'self'"
			if host := c.Hostname(); safeHost.MatchString(host) {
				// ws: also matches wss: (CSP 2's secure upgrade); both are
				// named for browsers that do not upgrade.
				csp += " ws://" + host + " wss://" + host
			}
		}
		fa := directive(csp, "frame-ancestors")
		if fa == "" {
			fa = frameAncestors
			csp += "; frame-ancestors " + fa
		}
		h.Set(fiber.HeaderContentSecurityPolicy, csp)
		if xfo := frameOptions(fa); xfo != "" {
			h.Set(fiber.HeaderXFrameOptions, xfo)
		}
		h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		if len(h.Peek(fiber.HeaderReferrerPolicy)) == 0 {
			h.Set(fiber.HeaderReferrerPolicy, referrerPolicy)
		}
		return nil
	}
}

// directive returns the value of a directive of a policy, "" if absent.
func directive(policy, name string) string {
	for _, d := range strings.Split(policy, ";") {
		if n, v, _ := strings.Cut(strings.TrimSpace(d), " "); strings.EqualFold(n, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// parseTrustedProxies checks a --trusted-proxies list (IP addresses and
// CIDR ranges) and returns it as prefixes.
func parseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is not a CIDR range such as 10.0.0.0/8 or fd00::/8", s)
			}
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("--trusted-proxies: %q is not an IP address such as 10.0.0.5 or ::1, nor a CIDR range such as 10.0.0.0/8", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// fiberProxies writes prefixes the way fiber.Config.TrustedProxies takes
// them: single addresses bare (Fiber looks them up as strings), ranges as
// CIDR.
func fiberProxies(ps []netip.Prefix) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p.IsSingleIP() {
			out = append(out, p.Addr().String())
		} else {
			out = append(out, p.String())
		}
	}
	return out
}

func trusted(ps []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor makes c.IP() the client's address when a trusted proxy
// forwards the request. Fiber takes the first address of X-Forwarded-For,
// but a proxy that appends (nginx's $proxy_add_x_forwarded_for) keeps
// whatever the client sent there: the client is the rightmost address that
// is not a trusted proxy. The header is rewritten to that one address. From
// an untrusted peer Fiber ignores the header (c.IP() is the peer).
func forwardedFor(proxies []netip.Prefix) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(proxies) == 0 || !c.IsProxyTrusted() {
			return c.Next()
		}
		h := &c.Request().Header
		xff := string(h.Peek(fiber.HeaderXForwardedFor))
		if xff == "" {
			return c.Next()
		}
		client := ""
		hops := strings.Split(xff, ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := parseHop(hops[i])
			if err != nil {
				break // a hop we cannot read: the last trusted one seen stands
			}
			client = a.String()
			if !trusted(proxies, a) {
				break
			}
		}
		if client == "" {
			h.Del(fiber.HeaderXForwardedFor) // c.IP() is then the proxy's
		} else {
			h.Set(fiber.HeaderXForwardedFor, client)
		}
		return c.Next()
	}
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port (some proxies add it).
func parseHop(s string) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), nil
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.Addr{}, err
	}
	return ap.Addr().Unmap(), nil
}

// certCheckInterval is how often, at most, the certificate files are looked
// at for a renewal (certbot and the like replace them in place).
const certCheckInterval = time.Minute

// certLoader serves the --tls-cert/--tls-key pair and reloads it when either
// file changes, so a renewed certificate needs no restart. A renewal that
// does not load (a key not yet written beside its certificate) keeps the old
// pair and is logged; it is tried again at the next check.
type certLoader struct {
	certFile, keyFile string
	log               *slog.Logger
	now               func() time.Time

	mu        sync.Mutex
	cert      *tls.Certificate
	modCert   time.Time
	modKey    time.Time
	nextCheck time.Time
}

func newCertLoader(certFile, keyFile string, log *slog.Logger) (*certLoader, error) {
	l := &certLoader{certFile: certFile, keyFile: keyFile, log: log, now: time.Now}
	if err := l.load(); err != nil {
		return nil, err
	}
	l.nextCheck = l.now().Add(certCheckInterval)
	return l, nil
}

func (l *certLoader) load() error {
	mc, err := modTime(l.certFile)
	if err != nil {
		return fmt.Errorf("--tls-cert: %w", err)
	}
	mk, err := modTime(l.keyFile)
	if err != nil {
		return fmt.Errorf("--tls-key: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(l.certFile, l.keyFile)
	if err != nil {
		return fmt.Errorf("--tls-cert %s / --tls-key %s: %w (want PEM files: the certificate chain, and its private key)", l.certFile, l.keyFile, err)
	}
	l.cert, l.modCert, l.modKey = &cert, mc, mk
	return nil
}

func modTime(path string) (time.Time, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return time.Time{}, err
	}
	return fi.ModTime(), nil
}

// getCertificate is tls.Config.GetCertificate.
func (l *certLoader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now := l.now(); now.After(l.nextCheck) {
		l.nextCheck = now.Add(certCheckInterval)
		mc, errc := modTime(l.certFile)
		mk, errk := modTime(l.keyFile)
		if errc == nil && errk == nil && (!mc.Equal(l.modCert) || !mk.Equal(l.modKey)) {
			if err := l.load(); err != nil { // load changes nothing when it fails
				l.log.Warn("TLS certificate changed but does not load: still serving the previous one", "err", err)
			} else {
				l.log.Info("TLS certificate reloaded", "cert", l.certFile)
			}
		}
	}
	return l.cert, nil
}

// tlsConfig is the server's TLS: TLS 1.2 and later, HTTP/1.1 (fasthttp
// does not speak HTTP/2), the certificate from l.
func (l *certLoader) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"http/1.1"},
		GetCertificate: l.getCertificate,
	}
}
