import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../src/lib/errors.ts";
import {
  boardExportURL,
  boardURL,
  displayURL,
  editorURL,
  kindFamily,
  MAX_NAME_LENGTH,
  nameProblem,
  parseBoardList,
  parseImportText,
  parseTemplates,
  parseThumb,
  uniqueName,
} from "../../src/lib/boards.ts";

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
        deletedAt: "",
        thumb: null,
      },
    ]);
  });
  it("WithThumb", () => {
    const [b] = parseBoardList({
      boards: [
        {
          id: "b1",
          variants: [{ name: "16:9", canvas: { width: 1920, height: 1080 } }],
          thumb: { variant: "16:9", canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, items: [{ x: 12, y: 0, w: 24, h: 27, kind: "gauge" }] },
        },
      ],
    });
    assert.deepEqual(b?.thumb, { variant: "16:9", canvas: { width: 1920, height: 1080 }, items: [{ kind: "gauge", x: 0.25, y: 0, w: 0.5, h: 1 }] });
  });
  it("Empty", () => {
    assert.deepEqual(parseBoardList({ boards: [] }), []);
  });
  it("NumericIDAndMissingFields", () => {
    assert.deepEqual(parseBoardList({ boards: [{ id: 7 }] }), [
      { id: "7", name: "", revision: 0, updatedAt: "", widgetCount: 0, variants: [], deletedAt: "", thumb: null },
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
  it("TrashEntriesCarryDeletedAt", () => {
    const [b] = parseBoardList({ boards: [{ id: "t", deleted_at: "2026-11-22T08:00:00Z" }] }, "/api/v1/trash");
    assert.equal(b?.deletedAt, "2026-11-22T08:00:00Z");
  });
  it("ErrorNamesThePath", () => {
    assert.throws(
      () => parseBoardList({}, "/api/v1/trash"),
      (err: unknown) => err instanceof ApiError && err.message === 'unexpected response from /api/v1/trash: no "boards" list',
    );
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
    assert.equal(displayURL("a/b"), "/d/a%2Fb");
    assert.equal(editorURL("a?b"), "/edit/a%3Fb");
  });
});

describe("parseTemplates", () => {
  const room = {
    id: "situation-room",
    name: "Situation room",
    description: "A 32:9 wall",
    variants: [
      { name: "32:9", width: 3840, height: 1080 },
      { name: "16:9", width: 1920, height: 1080 },
    ],
    widgets: 21,
  };
  const want = {
    id: "situation-room",
    name: "Situation room",
    description: "A 32:9 wall",
    variants: [
      { name: "32:9", canvas: { width: 3840, height: 1080 } },
      { name: "16:9", canvas: { width: 1920, height: 1080 } },
    ],
    widgetCount: 21,
  };
  it("List", () => assert.deepEqual(parseTemplates([room]), [want]));
  it("Wrapped", () => assert.deepEqual(parseTemplates({ templates: [room] }), [want]));
  it("WidgetsAsList", () => assert.equal(parseTemplates([{ id: "x", widgets: [{}, {}] }])[0]?.widgetCount, 2));
  it("MissingFields", () =>
    assert.deepEqual(parseTemplates([{ id: "x" }, { name: "no id" }, null]), [
      { id: "x", name: "x", description: "", variants: [], widgetCount: 0 },
    ]));
  for (const [name, body] of [
    ["Null", null],
    ["Object", {}],
    ["String", "templates"],
  ] as Array<[string, unknown]>) {
    it(`Rejects${name}`, () => {
      assert.throws(() => parseTemplates(body), (err: unknown) => err instanceof ApiError && err.code === "bad_response");
    });
  }
});

describe("parseThumb", () => {
  it("CellsAsFractions", () => {
    assert.deepEqual(
      parseThumb({
        variant: "32:9",
        canvas: { width: 3840, height: 1080 },
        grid: { columns: 96, rows: 27 },
        items: [
          { x: 0, y: 0, w: 24, h: 9, kind: "stat" },
          { x: 24, y: 0, w: 72, h: 27, kind: "honeycomb" },
        ],
      }),
      {
        variant: "32:9",
        canvas: { width: 3840, height: 1080 },
        items: [
          { kind: "stat", x: 0, y: 0, w: 0.25, h: 9 / 27 },
          { kind: "honeycomb", x: 0.25, y: 0, w: 0.75, h: 1 },
        ],
      },
    );
  });
  it("NoItems", () => assert.deepEqual(parseThumb({ variant: "v", canvas: { width: 100, height: 100 }, grid: { columns: 10, rows: 10 } })?.items, []));
  it("MissingKindIsUnknown", () => {
    const t = parseThumb({ variant: "v", canvas: { width: 100, height: 100 }, grid: { columns: 10, rows: 10 }, items: [{ x: 1, y: 1, w: 2, h: 2 }] });
    assert.deepEqual(t?.items, [{ kind: "unknown", x: 0.1, y: 0.1, w: 0.2, h: 0.2 }]);
  });
  it("ClipsToTheGrid", () => {
    const t = parseThumb({
      variant: "v",
      canvas: { width: 1000, height: 500 },
      grid: { columns: 10, rows: 5 },
      items: [
        { x: 8, y: 4, w: 5, h: 5, kind: "bar" },
        { x: 12, y: 0, w: 1, h: 1, kind: "bar" },
        { x: 0, y: 0, w: 0, h: 1, kind: "bar" },
        "not an item",
      ],
    });
    assert.deepEqual(t?.items.map((i) => [i.x, i.y, i.w, i.h]), [[0.8, 0.8, 0.2, 0.2]]);
  });
  for (const [name, body] of [
    ["Missing", undefined],
    ["NotAnObject", [1, 2]],
    ["NoCanvas", { variant: "v", grid: { columns: 1, rows: 1 }, items: [] }],
    ["NoGrid", { variant: "v", canvas: { width: 100, height: 100 }, items: [] }],
  ] as Array<[string, unknown]>) {
    it(`Null${name}`, () => assert.equal(parseThumb(body), null));
  }
});

describe("kindFamily", () => {
  it("Families", () => {
    assert.deepEqual(
      ["timeseries", "hitmap", "gauge", "stat", "honeycomb", "table", "events", "text", "clock", "image", "mystery"].map(kindFamily),
      ["chart", "chart", "number", "number", "objects", "list", "list", "content", "content", "content", "content"],
    );
  });
});

describe("uniqueName", () => {
  it("Free", () => assert.equal(uniqueName("Situation room", ["Other"]), "Situation room"));
  it("Taken", () => assert.equal(uniqueName("Situation room", ["situation room", "Situation room (2)"]), "Situation room (3)"));
  it("Blank", () => assert.equal(uniqueName("  ", []), "New board"));
  it("StaysWithinTheLimit", () => {
    const long = "x".repeat(MAX_NAME_LENGTH);
    const n = uniqueName(long, [long]);
    assert.equal(Array.from(n).length, MAX_NAME_LENGTH);
    assert.ok(n.endsWith(" (2)"));
    assert.equal(nameProblem(n), "");
  });
});

describe("nameProblem", () => {
  it("Fine", () => assert.equal(nameProblem(" Lobby "), ""));
  it("Empty", () => assert.equal(nameProblem("   "), "Give the board a name."));
  it("TooLong", () =>
    assert.equal(nameProblem("é".repeat(MAX_NAME_LENGTH + 1)), `The name is ${MAX_NAME_LENGTH + 1} characters long; at most ${MAX_NAME_LENGTH} are allowed.`));
  it("AstralCharactersCountOnce", () => assert.equal(nameProblem("📺".repeat(MAX_NAME_LENGTH)), ""));
  it("ControlCharacters", () => assert.equal(nameProblem("a\tb"), "The name cannot hold control characters (tabs, line breaks)."));
});

describe("parseImportText", () => {
  it("Object", () => assert.deepEqual(parseImportText('{"format":"flexboard-board"}', "a.json"), { format: "flexboard-board" }));
  it("NotJSON", () => {
    assert.throws(
      () => parseImportText("hello", "notes.txt"),
      (err: unknown) =>
        err instanceof ApiError && err.code === "invalid" && err.field === "file" && /^notes\.txt is not JSON \(.+\)\. Choose a file made by a board's Export\.$/.test(err.message),
    );
  });
  for (const [name, text] of [
    ["Array", "[]"],
    ["Number", "42"],
    ["Null", "null"],
  ]) {
    it(`Rejects${name}`, () => {
      assert.throws(
        () => parseImportText(text!, "x.json"),
        (err: unknown) => err instanceof ApiError && err.field === "file" && err.message.startsWith("x.json holds JSON but not a board export"),
      );
    });
  }
});
