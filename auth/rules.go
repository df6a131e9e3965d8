package auth

import (
	"fmt"
	"net/url"
	"strings"
)

// Scope is what an API token may do. This slice has one token, the
// configured ingest token (--ingest-token), with ScopeIngest; admin-created
// tokens with `read` and `write` scopes come later and use the same field.
type Scope string

// ScopeIngest lets a token push data.
const ScopeIngest Scope = "ingest"

// Rule says who may call one route.
type Rule struct {
	// Method is the HTTP method; HEAD is checked as GET.
	Method string
	// Path is the route's Fiber pattern: static segments, ":param" (one
	// segment) and "*" (the rest).
	Path string
	// Public routes need no login.
	Public bool
	// Min is the least role that may call it (when not Public).
	Min Role
	// Scope, if set, is a token scope that also grants the route, sent as
	// "Authorization: Bearer <token>" (no session, so no CSRF check).
	Scope Scope
	// Display says whether a paired screen's display token may call the
	// route, and for which board or playlist (zero: it may not).
	Display DisplayGrant
	// Identify, on a Public route, has the guard note a signed-in user's
	// session (auth.UserOf) without requiring one: the handler decides.
	Identify bool
	// Why documents a choice that is not obvious (public, or a scope).
	Why string
}

// Param returns the value of the path parameter name (":name" in r.Path)
// in a request path r matches, unescaped; "" if r has no such parameter.
// The guard runs before routing, so Fiber's c.Params is not set yet.
func (r Rule) Param(path, name string) string {
	ps := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, p := range ps {
		if p == ":"+name && i < len(segs) {
			if v, err := url.PathUnescape(segs[i]); err == nil {
				return v
			}
			return segs[i]
		}
	}
	return ""
}

// Rules is the authorization table: one Rule per route the server has.
type Rules []Rule

// Public, View, Edit and Administer build rules.
func Public(method, path, why string) Rule {
	return Rule{Method: method, Path: path, Public: true, Why: why}
}

// View needs a viewer.
func View(method, path string) Rule { return Rule{Method: method, Path: path, Min: Viewer} }

// Edit needs an editor.
func Edit(method, path string) Rule { return Rule{Method: method, Path: path, Min: Editor} }

// Administer needs an admin.
func Administer(method, path string) Rule { return Rule{Method: method, Path: path, Min: Admin} }

// Validate checks that every rule is complete and none is listed twice.
func (rs Rules) Validate() error {
	seen := map[string]bool{}
	for _, r := range rs {
		k := r.Method + " " + r.Path
		if seen[k] {
			return fmt.Errorf("auth rules: %s is listed twice", k)
		}
		seen[k] = true
		if !r.Public && !r.Min.Valid() {
			return fmt.Errorf("auth rules: %s has neither Public nor a role", k)
		}
	}
	return nil
}

// Find returns the rule for exactly method and pattern, or nil.
func (rs Rules) Find(method, pattern string) *Rule {
	if method == "HEAD" {
		method = "GET"
	}
	for i := range rs {
		if rs[i].Method == method && rs[i].Path == pattern {
			return &rs[i]
		}
	}
	return nil
}

// Match returns the rule whose pattern matches a request, or nil. It
// matches as the server's router does (ignoring case and a trailing slash)
// and prefers the most specific pattern: a static segment over a
// parameter over "*", so /sources/types wins over /sources/:id.
func (rs Rules) Match(method, path string) *Rule {
	if method == "HEAD" {
		method = "GET"
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best *Rule
	var bestScore []int
	for i := range rs {
		if rs[i].Method != method {
			continue
		}
		score, ok := matchPattern(rs[i].Path, segs)
		if ok && (best == nil || better(score, bestScore)) {
			best, bestScore = &rs[i], score
		}
	}
	return best
}

// matchPattern scores a match segment by segment: 2 static, 1 param, 0 "*".
func matchPattern(pattern string, segs []string) ([]int, bool) {
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	score := make([]int, 0, len(ps))
	for i, p := range ps {
		if strings.HasSuffix(p, "*") { // "*" or "prefix*": the rest of the path
			prefix := strings.TrimSuffix(p, "*")
			rest := strings.Join(segs[min(i, len(segs)):], "/")
			if !strings.HasPrefix(strings.ToLower(rest), strings.ToLower(prefix)) {
				return nil, false
			}
			return append(score, 0), true
		}
		if i >= len(segs) {
			return nil, false
		}
		switch {
		case strings.HasPrefix(p, ":"):
			if segs[i] == "" {
				return nil, false
			}
			score = append(score, 1)
		case strings.EqualFold(p, segs[i]):
			score = append(score, 2)
		default:
			return nil, false
		}
	}
	return score, len(ps) == len(segs)
}

func better(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return len(a) > len(b)
}
