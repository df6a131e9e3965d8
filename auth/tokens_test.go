package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/internal/errs"
)

func TestScopeGrants(t *testing.T) {
	cases := []struct {
		have, need auth.Scope
		want       bool
	}{
		{auth.ScopeRead, auth.ScopeRead, true},
		{auth.ScopeWrite, auth.ScopeRead, true}, // write implies read
		{auth.ScopeWrite, auth.ScopeWrite, true},
		{auth.ScopeRead, auth.ScopeWrite, false},
		{auth.ScopeIngest, auth.ScopeIngest, true},
		{auth.ScopeIngest, auth.ScopeRead, false},
		{auth.ScopeWrite, auth.ScopeIngest, false},
		{auth.ScopeWrite, "", false}, // a route without a scope takes no token
	}
	for _, c := range cases {
		if got := c.have.Grants(c.need); got != c.want {
			t.Errorf("%q grants %q = %v, want %v", c.have, c.need, got, c.want)
		}
	}
}

func TestNewTokenValidate(t *testing.T) {
	scopes, err := auth.NewToken{Name: " ci ", Scopes: []string{"write", "ingest", "write"}}.Validate()
	if err != nil || len(scopes) != 2 || scopes[0] != auth.ScopeIngest || scopes[1] != auth.ScopeWrite {
		t.Fatalf("scopes = %v, %v; want [ingest write]", scopes, err)
	}
	_, err = auth.NewToken{Name: "x\ny", Scopes: []string{"read"}}.Validate()
	wantCode(t, err, errs.Invalid, "name", "control characters")
	_, err = auth.NewToken{Name: "x", Scopes: []string{"read", "READ"}}.Validate()
	wantCode(t, err, errs.Invalid, "scopes[1]", `"READ" is not a scope`)
}

// TestTokenLastUsedThrottled: the last-used time is written on first use
// and then at most once a minute, however often the token is used.
func TestTokenLastUsedThrottled(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, secret, err := e.svc.CreateToken(ctx, auth.NewToken{Name: "agent", Scopes: []string{"ingest"}}, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, auth.TokenPrefix) || tok.SecretHash == "" || strings.Contains(tok.SecretHash, secret) {
		t.Fatalf("secret %q, hash %q", secret, tok.SecretHash)
	}
	lastUsed := func() time.Time {
		t.Helper()
		ts, err := e.store.FindTokens(ctx)
		if err != nil || len(ts) != 1 || ts[0].LastUsedAt == nil {
			t.Fatalf("tokens %v, %v", ts, err)
		}
		return ts[0].LastUsedAt.UTC()
	}
	start := e.clock.Now()
	if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(start) {
		t.Fatalf("first use recorded %v, want %v", got, start)
	}
	for range 5 {
		e.clock.Add(10 * time.Second)
		if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
			t.Fatal(err)
		}
	}
	if got := lastUsed(); !got.Equal(start) {
		t.Fatalf("used 50 s later: recorded %v, want still %v (written at most once a minute)", got, start)
	}
	e.clock.Add(10 * time.Second)
	if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("a minute later: recorded %v, want %v", got, start.Add(time.Minute))
	}
	// Revoked: refused with the reason; a secret without the prefix is not
	// one of these tokens at all (CheckToken leaves it to other checkers).
	if _, err := e.svc.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.AuthenticateToken(ctx, secret)
	wantCode(t, err, errs.Unauthorized, "Authorization", `"agent" was revoked`)
	if got, err := e.svc.CheckToken(ctx, "some-ingest-token"); got != nil || err != nil {
		t.Fatalf("CheckToken of a foreign secret = %v, %v", got, err)
	}
}
