package auth_test

import (
	"testing"

	"github.com/flexboard/flexboard/auth"
)

func TestRulesMatch(t *testing.T) {
	rules := auth.Rules{
		auth.View("GET", "/api/v1/sources/:id"),
		auth.Administer("GET", "/api/v1/sources/types"),
		auth.Public("GET", "/assets/*", "assets"),
		auth.View("GET", "/"),
		auth.Edit("POST", "/api/v1/boards/:id/versions/:rev/restore"),
	}
	if err := rules.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path, want string
	}{
		{"StaticBeatsParam", "GET", "/api/v1/sources/types", "/api/v1/sources/types"},
		{"Param", "GET", "/api/v1/sources/abc", "/api/v1/sources/:id"},
		{"IgnoresCase", "GET", "/API/V1/Sources/TYPES", "/api/v1/sources/types"},
		{"TrailingSlash", "GET", "/api/v1/sources/types/", "/api/v1/sources/types"},
		{"HeadIsGet", "HEAD", "/api/v1/sources/abc", "/api/v1/sources/:id"},
		{"Wildcard", "GET", "/assets/app-123.js", "/assets/*"},
		{"WildcardDeep", "GET", "/assets/fonts/x.woff2", "/assets/*"},
		{"Root", "GET", "/", "/"},
		{"TwoParams", "POST", "/api/v1/boards/b1/versions/3/restore", "/api/v1/boards/:id/versions/:rev/restore"},
		{"MethodMatters", "POST", "/api/v1/sources/abc", ""},
		{"NoEmptyParam", "GET", "/api/v1/sources//", ""},
		{"LongerPathNoMatch", "GET", "/api/v1/sources/abc/extra", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := rules.Match(c.method, c.path)
			switch {
			case c.want == "" && got != nil:
				t.Fatalf("Match = %s, want none", got.Path)
			case c.want != "" && (got == nil || got.Path != c.want):
				t.Fatalf("Match = %v, want %s", got, c.want)
			}
		})
	}
	dup := append(auth.Rules{}, rules...)
	dup = append(dup, auth.Edit("GET", "/"))
	if err := dup.Validate(); err == nil || err.Error() != "auth rules: GET / is listed twice" {
		t.Fatalf("Validate of a duplicate = %v", err)
	}
	if err := (auth.Rules{{Method: "GET", Path: "/x"}}).Validate(); err == nil || err.Error() != "auth rules: GET /x has neither Public nor a role" {
		t.Fatalf("Validate of a rule without access = %v", err)
	}
}

func TestRoleIncludes(t *testing.T) {
	if !auth.Admin.Includes(auth.Editor) || !auth.Editor.Includes(auth.Viewer) || auth.Viewer.Includes(auth.Editor) || auth.Role("").Includes(auth.Viewer) {
		t.Fatal("role order wrong")
	}
}
