import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CSRF_HEADER, csrfFromMe, forgetCSRF, isChange, withCSRF } from "../../src/lib/csrf.ts";

describe("csrf", () => {
  it("FromMe", () => {
    assert.equal(csrfFromMe({ auth: "password", csrf_token: "t0k" }), "t0k");
    assert.equal(csrfFromMe({ auth: "none" }), "");
    assert.equal(csrfFromMe({ csrf_token: 5 }), "");
    assert.equal(csrfFromMe(null), "");
  });

  it("IsChange", () => {
    for (const m of ["POST", "put", "DELETE", "PATCH"]) assert.equal(isChange(m), true, m);
    for (const m of ["GET", "head", "OPTIONS", undefined]) assert.equal(isChange(m), false, String(m));
  });

  it("AddsTheTokenToChangesOnly_AsksOncePerPage_AgainAfterForget", async () => {
    const real = globalThis.fetch;
    let asked = 0;
    let answer: unknown = { auth: "password", csrf_token: "abc" };
    globalThis.fetch = (async (url: string) => {
      assert.equal(url, "/api/v1/auth/me");
      asked++;
      return new Response(JSON.stringify(answer), { status: 200, headers: { "Content-Type": "application/json" } });
    }) as typeof fetch;
    try {
      forgetCSRF();
      assert.deepEqual(await withCSRF("GET", { Accept: "x" }), { Accept: "x" });
      assert.equal(asked, 0, "reads do not ask");
      assert.deepEqual(await withCSRF("POST", { Accept: "x" }), { Accept: "x", [CSRF_HEADER]: "abc" });
      assert.deepEqual(await withCSRF("PUT"), { [CSRF_HEADER]: "abc" });
      assert.equal(asked, 1, "asked once");
      answer = { auth: "none" };
      forgetCSRF();
      assert.deepEqual(await withCSRF("DELETE", { A: "1" }), { A: "1" }, "no auth: nothing added");
      assert.equal(asked, 2);
    } finally {
      globalThis.fetch = real;
      forgetCSRF();
    }
  });
});
