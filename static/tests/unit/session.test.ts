import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatWait, loginURL, parseMe, retryAfterSeconds, safeNext } from "../../src/lib/session.ts";

describe("session", () => {
  it("SafeNextKeepsPathsOnThisServer", () => {
    for (const p of ["/", "/edit/abc", "/d/abc?fit=cover&variant=wide", "/#trash", "/widgets"]) assert.equal(safeNext(p), p, p);
  });

  it("SafeNextRefusesOtherSites", () => {
    for (const p of ["//evil.example", "//evil.example/x", "/\\evil.example", "http://evil.example/", "https:evil", "javascript:alert(1)", "edit/abc", "", "/d/a\nb", "/\t/evil.example"]) {
      assert.equal(safeNext(p), "/", JSON.stringify(p));
    }
    assert.equal(safeNext(null), "/");
    assert.equal(safeNext(undefined), "/");
  });

  it("SafeNextNeverReturnsToTheLoginPage", () => {
    for (const p of ["/login", "/login?next=%2F", "/login/"]) assert.equal(safeNext(p), "/", p);
    assert.equal(safeNext("/loginx"), "/loginx");
  });

  it("LoginURL", () => {
    assert.equal(loginURL("/d/abc?fit=cover"), "/login?next=%2Fd%2Fabc%3Ffit%3Dcover");
    assert.equal(loginURL("/"), "/login?next=%2F");
    assert.equal(loginURL("//evil.example"), "/login?next=%2F");
  });

  it("ParseMe", () => {
    assert.deepEqual(parseMe({ auth: "none" }), { auth: "none", user: null });
    assert.deepEqual(parseMe({ auth: "password", user: { id: 1, name: "ada", role: "admin" }, csrf_token: "x" }), { auth: "password", user: { name: "ada", role: "admin" } });
    assert.equal(parseMe({ auth: "password" }), null);
    assert.equal(parseMe({ auth: "password", user: { name: "" } }), null);
    assert.equal(parseMe({ auth: "ldap" }), null);
    assert.equal(parseMe(null), null);
  });

  it("RetryAfterAndWait", () => {
    assert.equal(retryAfterSeconds("899"), 899);
    assert.equal(retryAfterSeconds(null), 0);
    assert.equal(retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
    assert.equal(retryAfterSeconds("-3"), 0);
    assert.equal(formatWait(45), "45 s");
    assert.equal(formatWait(0.2), "1 s");
    assert.equal(formatWait(250), "4 min 10 s");
    assert.equal(formatWait(900), "15 min");
  });
});
