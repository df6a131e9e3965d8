package auth_test

import (
	"testing"

	"github.com/flexboard/flexboard/auth"
)

func TestSafeNext(t *testing.T) {
	cases := []struct{ name, next, want string }{
		{"Root", "/", "/"},
		{"Page", "/edit/abc", "/edit/abc"},
		{"Query", "/d/abc?fit=cover&variant=wide", "/d/abc?fit=cover&variant=wide"},
		{"Empty", "", "/"},
		{"ProtocolRelative", "//evil.example/x", "/"},
		{"Backslash", "/\\evil.example", "/"},
		{"BackslashLater", "/d/a\\b", "/"},
		{"Absolute", "http://evil.example/", "/"},
		{"Scheme", "javascript:alert(1)", "/"},
		{"Relative", "edit/abc", "/"},
		{"Newline", "/d/a\nLocation: x", "/"},
		{"Tab", "/\t/evil.example", "/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.SafeNext(c.next); got != c.want {
				t.Fatalf("SafeNext(%q) = %q, want %q", c.next, got, c.want)
			}
		})
	}
	if got := auth.LoginRedirect("/d/abc?fit=cover"); got != "/login?next=%2Fd%2Fabc%3Ffit%3Dcover" {
		t.Fatalf("LoginRedirect = %q", got)
	}
}

func TestIsPage(t *testing.T) {
	cases := []struct {
		rule auth.Rule
		want bool
	}{
		{auth.View("GET", "/"), true},
		{auth.Edit("GET", "/edit/:id"), true},
		{auth.View("GET", "/api/v1/boards"), false},
		{auth.Edit("POST", "/api/v1/boards"), false},
		{auth.Public("GET", "/s/:id", "by link"), false},
	}
	for _, c := range cases {
		if got := c.rule.IsPage(); got != c.want {
			t.Errorf("%s %s: IsPage = %v, want %v", c.rule.Method, c.rule.Path, got, c.want)
		}
	}
}
