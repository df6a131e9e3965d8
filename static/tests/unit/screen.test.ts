import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pageToken, sameOrigin } from "../../src/lib/pagetoken.ts";
import { ago, assignedURL, browserName, parseControl, samePage, tokenFromQuery } from "../../src/lib/screen.ts";

describe("screen agent", () => {
  it("ParseControl", () => {
    assert.deepEqual(parseControl('{"type":"assign","url":"/d/x"}'), { type: "assign", url: "/d/x" });
    for (const bad of ["", "nope", "[]", '{"url":"/d/x"}', '{"type":3}', 42, null]) assert.equal(parseControl(bad), null, String(bad));
  });

  it("TokenFromQueryTakesDisplayTokensOnly", () => {
    assert.equal(tokenFromQuery("?token=fbd_abc&variant=x"), "fbd_abc");
    assert.equal(tokenFromQuery("?token=fbt_api"), "", "an API token is not a display token");
    assert.equal(tokenFromQuery(""), "");
  });

  it("AssignedURLKeepsAPlayersToken", () => {
    assert.equal(assignedURL("/d/b2", ""), "/d/b2");
    assert.equal(assignedURL("/d/b2", "?token=fbd_x"), "/d/b2?token=fbd_x");
    assert.equal(assignedURL("/d/b2?variant=16%3A9", "?fit=cover&token=fbd_x"), "/d/b2?variant=16%3A9&token=fbd_x");
  });

  it("SamePageIgnoresQueryOrderAndToken", () => {
    assert.ok(samePage("/d/b1?tile=1%2C0&wall=2x1", "/d/b1", "?wall=2x1&tile=1,0&token=fbd_x"));
    assert.ok(samePage("/p/p1", "/p/p1/", ""));
    assert.ok(!samePage("/d/b1", "/d/b2", ""));
    assert.ok(!samePage("/d/b1?variant=a", "/d/b1", ""));
  });

  it("BrowserName", () => {
    const cases: [string, string][] = [
      ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", "HeadlessChrome 120 on Linux"],
      ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36 Edg/119.0", "Edge 119 on Windows"],
      ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "Safari 17 on macOS"],
      ["Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.100 Safari/537.36", "Chrome 69 on Linux"],
      ["", "—"],
    ];
    for (const [ua, want] of cases) assert.equal(browserName(ua), want, ua);
  });

  it("Ago", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    assert.equal(ago(null, now), "never");
    assert.equal(ago("2026-11-22T11:59:48Z", now), "12 s ago");
    assert.equal(ago("2026-11-22T11:55:00Z", now), "5 min ago");
    assert.equal(ago("2026-11-22T09:00:00Z", now), "3 h ago");
    assert.equal(ago("2026-11-20T12:00:00Z", now), "2 d ago");
    assert.equal(ago("garbage", now), "—");
  });
});

describe("page token", () => {
  it("DisplayAndLinkTokensOnly", () => {
    assert.equal(pageToken("?token=fbd_x"), "fbd_x");
    assert.equal(pageToken("?variant=a&token=fbp_y"), "fbp_y");
    assert.equal(pageToken("?token=fbt_api"), "", "an API token never rides in an address");
    assert.equal(pageToken(""), "");
  });
  it("SameOrigin", () => {
    assert.ok(sameOrigin("/api/v1/boards/x/plan", "http://s:8080"));
    assert.ok(sameOrigin("http://s:8080/healthz", "http://s:8080"));
    assert.ok(!sameOrigin("//evil.example/x", "http://s:8080"));
    assert.ok(!sameOrigin("http://s:8080.evil.example/x", "http://s:8080"));
    assert.ok(!sameOrigin("https://other/x", "http://s:8080"));
  });
});
