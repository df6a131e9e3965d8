import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldSentence, parseTokens, parseUsers, passwordProblem, shellQuote, tokenExamples } from "../../src/lib/admin.ts";

describe("admin", () => {
  it("ParseUsersReadsTheListAndTheMinimum", () => {
    const got = parseUsers({
      users: [
        { id: 1, name: "ada", role: "admin", created_at: "2026-11-01T10:00:00Z", updated_at: "2026-11-01T10:00:00Z", last_login_at: "2026-11-22T09:00:00Z" },
        { id: 2, name: "ed", role: "editor", created_at: "2026-11-02T10:00:00Z", last_login_at: null },
        { id: "3", name: "bad id" },
        { id: 4, name: "" },
      ],
      min_password_length: 14,
    });
    assert.deepEqual(got, {
      users: [
        { id: 1, name: "ada", role: "admin", createdAt: "2026-11-01T10:00:00Z", lastLoginAt: "2026-11-22T09:00:00Z" },
        { id: 2, name: "ed", role: "editor", createdAt: "2026-11-02T10:00:00Z", lastLoginAt: null },
      ],
      minPasswordLength: 14,
    });
  });

  it("ParseUsersDefaultsTheMinimumAndRefusesOtherShapes", () => {
    assert.equal(parseUsers({ users: [] })?.minPasswordLength, 12);
    assert.equal(parseUsers({ users: [], min_password_length: -1 })?.minPasswordLength, 12);
    assert.equal(parseUsers({ auth: "none" }), null);
    assert.equal(parseUsers(null), null);
    assert.equal(parseUsers([]), null);
  });

  it("ParseTokensKeepsRevokedOnesAndNeverASecret", () => {
    const got = parseTokens({
      tokens: [
        { id: 2, name: "agent", scopes: ["ingest"], created_by: "ada", created_at: "2026-11-22T09:00:00Z", last_used_at: null },
        { id: 1, name: "old", scopes: ["read", 7, "write"], created_by: "ada", created_at: "2026-11-20T09:00:00Z", last_used_at: "2026-11-21T09:00:00Z", revoked_at: "2026-11-21T10:00:00Z" },
      ],
    });
    assert.deepEqual(got, [
      { id: 2, name: "agent", scopes: ["ingest"], createdBy: "ada", createdAt: "2026-11-22T09:00:00Z", lastUsedAt: null, revokedAt: null },
      { id: 1, name: "old", scopes: ["read", "write"], createdBy: "ada", createdAt: "2026-11-20T09:00:00Z", lastUsedAt: "2026-11-21T09:00:00Z", revokedAt: "2026-11-21T10:00:00Z" },
    ]);
    assert.equal(parseTokens({ users: [] }), null);
  });

  it("PasswordProblemCountsCharactersNotBytes", () => {
    assert.equal(passwordProblem("", 12), "Enter a password of at least 12 characters.");
    assert.equal(passwordProblem("short", 12), "5 characters: a password needs at least 12.");
    assert.equal(passwordProblem("éééééééééééé", 12), "");
    assert.equal(passwordProblem("long enough pw", 12), "");
  });

  it("FieldSentenceNamesTheField", () => {
    assert.equal(fieldSentence("Password", "is 5 characters; a password needs at least 12"), "Password is 5 characters; a password needs at least 12");
    assert.equal(fieldSentence("Name", "a user named \"ed\" already exists (names ignore case)"), "A user named \"ed\" already exists (names ignore case)");
    assert.equal(fieldSentence("Name", "\"a b\" may use letters a-z"), "\"a b\" may use letters a-z");
    assert.equal(fieldSentence("Name", "  "), "");
  });

  it("ShellQuote", () => {
    assert.equal(shellQuote("fbt_abc-DEF_123"), "fbt_abc-DEF_123");
    assert.equal(shellQuote("http://127.0.0.1:8080/api/v1/ingest"), "http://127.0.0.1:8080/api/v1/ingest");
    assert.equal(shellQuote("Authorization: Bearer x"), "'Authorization: Bearer x'");
    assert.equal(shellQuote("it's"), "'it'\"'\"'s'");
  });

  it("TokenExamplesFollowTheScopes", () => {
    const ingest = tokenExamples("http://wall:8080", "fbt_SECRET", ["ingest"]);
    assert.deepEqual(ingest.map((e) => e.label), ["Push a value with flexboard push", "Push a value with curl"]);
    assert.match(ingest[0]!.command, /\| flexboard push --format prometheus --url http:\/\/wall:8080 --token fbt_SECRET$/);
    assert.match(ingest[1]!.command, /^curl -X POST http:\/\/wall:8080\/api\/v1\/ingest -H 'Authorization: Bearer fbt_SECRET' /);
    const read = tokenExamples("http://wall:8080", "fbt_SECRET", ["read"]);
    assert.deepEqual(read, [{ label: "List the boards with curl", command: "curl http://wall:8080/api/v1/boards -H 'Authorization: Bearer fbt_SECRET'" }]);
    assert.equal(tokenExamples("http://wall:8080", "fbt_SECRET", ["ingest", "write"]).length, 3);
  });
});
