import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../src/lib/errors.ts";
import { boardExportURL, boardURL, parseBoardList } from "../../src/lib/boards.ts";

describe("parseBoardList", () => {
  it("FullBoard", () => {
    const boards = parseBoardList({
      boards: [
        {
          id: "b1",
          name: "Reservation system — situation room",
          revision: 3,
          updated_at: "2026-11-22T14:05:03Z",
          widget_count: 16,
          variants: [{ name: "16:9", canvas: { width: 1920, height: 1080 } }],
        },
      ],
    });
    assert.deepEqual(boards, [
      {
        id: "b1",
        name: "Reservation system — situation room",
        revision: 3,
        updatedAt: "2026-11-22T14:05:03Z",
        widgetCount: 16,
        variants: [{ name: "16:9", canvas: { width: 1920, height: 1080 } }],
      },
    ]);
  });
  it("Empty", () => {
    assert.deepEqual(parseBoardList({ boards: [] }), []);
  });
  it("NumericIDAndMissingFields", () => {
    assert.deepEqual(parseBoardList({ boards: [{ id: 7 }] }), [
      { id: "7", name: "", revision: 0, updatedAt: "", widgetCount: 0, variants: [] },
    ]);
  });
  it("SkipsEntriesWithoutID", () => {
    const boards = parseBoardList({ boards: [null, "x", { name: "no id" }, { id: "" }, { id: "ok" }] });
    assert.deepEqual(
      boards.map((b) => b.id),
      ["ok"],
    );
  });
  it("BadVariantsAndCanvas", () => {
    const [b] = parseBoardList({
      boards: [{ id: "a", variants: [null, { name: "x", canvas: { width: "1920", height: 1080 } }, { canvas: { width: 4, height: 3 } }] }],
    });
    assert.ok(b);
    assert.deepEqual(b.variants, [
      { name: "x", canvas: null },
      { name: "", canvas: { width: 4, height: 3 } },
    ]);
  });
  for (const [name, body] of [
    ["Null", null],
    ["Array", []],
    ["NoBoards", {}],
    ["BoardsNotList", { boards: {} }],
  ] as Array<[string, unknown]>) {
    it(`Rejects${name}`, () => {
      assert.throws(() => parseBoardList(body), (err: unknown) => err instanceof ApiError && err.code === "bad_response");
    });
  }
});

describe("board URLs", () => {
  it("Plain", () => {
    assert.equal(boardURL("b1"), "/api/v1/boards/b1");
    assert.equal(boardExportURL("b1"), "/api/v1/boards/b1/export");
  });
  it("EscapesPathSegment", () => {
    assert.equal(boardURL("a/../b?c"), "/api/v1/boards/a%2F..%2Fb%3Fc");
  });
});
