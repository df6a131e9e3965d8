import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { auditPageURL, auditPath, filterFromSearch, outcome, parseAuditPage } from "../../src/lib/audit.ts";

describe("audit", () => {
  it("ParsesAPage", () => {
    const page = parseAuditPage({
      entries: [
        { id: 7, at: "2026-11-22T10:05:03.5Z", actor: "ada", actor_kind: "user", ip: "10.0.0.2", action: "board.update", route: "PUT /api/v1/boards/:id",
          target_type: "board", target_id: "ops", summary: 'updated board ops "Checkout" to revision 5', status: 200 },
        { id: 0, at: "2026-11-22T10:05:03Z" },
        { id: 6, at: "yesterday" },
        "junk",
        { id: 5, at: "2026-11-22T10:00:00Z", actor: "anonymous", status: 401 },
      ],
      next_before: 5,
    });
    assert.ok(page);
    assert.deepEqual(page.entries.map((e) => e.id), [7, 5]);
    assert.equal(page.nextBefore, 5);
    const e = page.entries[0]!;
    assert.equal(e.at, Date.UTC(2026, 10, 22, 10, 5, 3, 500));
    assert.equal(e.actorKind, "user");
    assert.equal(e.targetId, "ops");
    assert.equal(e.route, "PUT /api/v1/boards/:id");
    assert.equal(page.entries[1]!.action, "");
  });

  it("RefusesOtherShapes", () => {
    assert.equal(parseAuditPage(null), null);
    assert.equal(parseAuditPage({ boards: [] }), null);
    assert.equal(parseAuditPage({ entries: {} }), null);
    assert.deepEqual(parseAuditPage({ entries: [] }), { entries: [], nextBefore: 0 });
  });

  it("BuildsTheQuery", () => {
    assert.equal(auditPath({ actor: "", action: "" }, 0), "/api/v1/audit?limit=50");
    assert.equal(auditPath({ actor: " token:deploy ", action: "board" }, 120, 10), "/api/v1/audit?actor=token%3Adeploy&action=board&before=120&limit=10");
  });

  it("PageURLRoundTrips", () => {
    for (const f of [{ actor: "", action: "" }, { actor: "ada lovelace", action: "" }, { actor: "token:a&b", action: "board.update" }]) {
      const url = auditPageURL(f);
      assert.deepEqual(filterFromSearch(url.slice("/audit".length)), f, url);
    }
    assert.deepEqual(filterFromSearch("?actor=%E0%A4%A&action=auth&x=1"), { actor: "", action: "auth" });
    assert.deepEqual(filterFromSearch("?actor=ada+l"), { actor: "ada l", action: "" });
  });

  it("Outcome", () => {
    assert.equal(outcome(200), "done");
    assert.equal(outcome(204), "done");
    assert.equal(outcome(303), "done");
    assert.equal(outcome(401), "refused");
    assert.equal(outcome(403), "refused");
    assert.equal(outcome(500), "failed");
    assert.equal(outcome(0), "failed");
  });
});
