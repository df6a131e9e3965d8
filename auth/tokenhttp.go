package auth

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/internal/httpx"
)

// AnyToken asks each checker in turn and returns the first token found
// (or the first refusal).
func AnyToken(checkers ...TokenChecker) TokenChecker {
	return func(ctx context.Context, secret string) (*APIToken, error) {
		for _, check := range checkers {
			if check == nil {
				continue
			}
			if t, err := check(ctx, secret); t != nil || err != nil {
				return t, err
			}
		}
		return nil, nil
	}
}

// bearer authorizes a request that sent "Authorization: Bearer <secret>":
// an unknown or revoked token → 401, a token whose scopes do not grant the
// route (or a route no token may call) → 403.
func (h *Handler) bearer(c *fiber.Ctx, rule *Rule, tokens TokenChecker, secret string) error {
	var t *APIToken
	var err error
	if tokens != nil {
		t, err = tokens(c.UserContext(), secret)
	}
	if t == nil && (err == nil || errs.CodeOf(err) == errs.Unauthorized) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="flexboard"`)
		if err == nil {
			err = errs.E(errs.Unauthorized, "Authorization", "the bearer token is not valid: no such token (an admin makes one with POST /api/v1/tokens)")
		}
		h.Log.Warn("bearer token refused", "method", c.Method(), "path", c.Path(), "ip", c.IP(), "reason", err.Error())
		return err
	}
	if err != nil {
		return err
	}
	c.Locals(tokenKey{}, t) // set before the refusals below: the audit log names the token refused
	if rule.Scope == "" {
		return errs.E(errs.Forbidden, "Authorization", "%s %s takes no token: log in (POST /api/v1/auth/login) and send the session cookie", c.Method(), c.Path())
	}
	if !t.Grants(rule.Scope) {
		return errs.E(errs.Forbidden, "Authorization", "%s %s needs a token with scope %s; token %q has %s", c.Method(), c.Path(), rule.Scope, t.Name, joinScopes(t.Scopes))
	}
	return c.Next()
}

// createdToken is the answer of POST /tokens: the token and, this once,
// its secret.
type createdToken struct {
	*APIToken
	Secret string `json:"secret"`
}

func (h *Handler) createToken(c *fiber.Ctx) error {
	var in NewToken
	if err := httpx.DecodeJSON(c, &in, MaxBodyBytes); err != nil {
		return err
	}
	by := ""
	if u := UserOf(c); u != nil {
		by = u.Name
	}
	t, secret, err := h.Service.CreateToken(c.UserContext(), in, by)
	if err != nil {
		return err
	}
	h.Log.Info("API token created", "token", t.Name, "id", t.ID, "scopes", joinScopes(t.Scopes), "by", by)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Location(fmt.Sprintf("/api/v1/tokens/%d", t.ID))
	return c.Status(fiber.StatusCreated).JSON(createdToken{APIToken: t, Secret: secret})
}

func (h *Handler) listTokens(c *fiber.Ctx) error {
	ts, err := h.Service.store.FindTokens(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tokens": ts})
}

func (h *Handler) revokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return errs.Invalidf("id", "%q is not a token id (a positive whole number)", c.Params("id"))
	}
	t, err := h.Service.RevokeToken(c.UserContext(), id)
	if err != nil {
		return err
	}
	by := ""
	if u := UserOf(c); u != nil {
		by = u.Name
	}
	h.Log.Info("API token revoked", "token", t.Name, "id", t.ID, "scopes", joinScopes(t.Scopes), "by", by)
	return c.SendStatus(fiber.StatusNoContent)
}
