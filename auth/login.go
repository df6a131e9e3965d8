package auth

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// LoginPath is the sign-in page (served by the front end).
const LoginPath = "/login"

// IsPage reports whether r is a page a person opens in a browser: a GET
// outside /api/ that needs a login. Guard sends an anonymous request for one
// to the sign-in page (303) instead of answering 401.
func (r Rule) IsPage() bool {
	return !r.Public && (r.Method == fiber.MethodGet || r.Method == fiber.MethodHead) && !strings.HasPrefix(r.Path, "/api/")
}

// LoginRedirect is the sign-in page's address that returns to uri (a
// request's path and query) once signed in.
func LoginRedirect(uri string) string {
	return LoginPath + "?next=" + url.QueryEscape(SafeNext(uri))
}

// SafeNext returns next if it is a path on this server, "/" otherwise: it
// must start with one "/" and hold no backslash or control character, so
// "//evil.example", "/\evil.example" and "http://…" (which a browser would
// take to another site) all become "/". The front end checks the same
// before it follows ?next= (static/src/lib/session.ts).
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, r := range next {
		if r == '\\' || r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	return next
}
