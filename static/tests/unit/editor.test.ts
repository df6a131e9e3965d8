import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BoardContent, VariantDef } from "../../src/editor/contract.ts";
import {
  addWidget,
  contentOf,
  defaultCells,
  deleteWidget,
  diffContent,
  DRAFT_PREFIX,
  duplicateWidget,
  DraftStore,
  findRoom,
  firstFree,
  grow,
  History,
  layoutProblems,
  leaveOut,
  leftOut,
  MAX_UNDO_CHARS,
  MAX_UNDO_STEPS,
  newWidgetId,
  nudge,
  placeWidget,
  setRect,
  UNDO_MERGE_MS,
  widgetField,
  type KeyValueStorage,
} from "../../src/editor/model.ts";
import type { KindInfo } from "../../src/lib/render.ts";

function variant(name = "16:9", placements: VariantDef["placements"] = []): VariantDef {
  return { name, canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements };
}

function board(): BoardContent {
  return {
    name: "Ops",
    description: "",
    theme: "dark",
    allow_overlap: false,
    refresh_ms: 1000,
    widgets: [
      { id: "cpu", kind: "stat", title: "CPU", config: {} },
      { id: "mem", kind: "gauge", title: "Memory", config: { unit: "%" } },
    ],
    variants: [
      variant("16:9", [
        { widget: "cpu", x: 0, y: 0, w: 8, h: 5 },
        { widget: "mem", x: 8, y: 0, w: 8, h: 8 },
      ]),
    ],
  };
}

const stat: KindInfo = { name: "stat", label: "Stat", description: "", chart: false, maxQueries: 1, defaultSize: { w: 8, h: 5 }, fields: [] };

/** A clock the test moves. */
function clock(): { now: () => number; t: number } {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

describe("History", () => {
  it("UndoRedoRestoreExactDocuments", () => {
    const c = clock();
    const hist = new History(board(), c.now);
    const a = hist.doc;
    const moved = nudge(a, "16:9", "cpu", 0, 10).doc!;
    assert.ok(hist.apply(moved, "Move CPU"));
    c.t += 5000;
    const resized = grow(hist.doc, "16:9", "mem", 2, 0).doc!;
    hist.apply(resized, "Resize Memory");
    assert.equal(hist.depth, 2);
    assert.equal(hist.undo(), "Resize Memory");
    assert.deepEqual(hist.doc, moved);
    assert.equal(hist.undo(), "Move CPU");
    assert.deepEqual(hist.doc, board());
    assert.equal(hist.undo(), null);
    assert.equal(hist.redo(), "Move CPU");
    assert.deepEqual(hist.doc, moved);
    assert.equal(hist.redoLabel, "Resize Memory");
    assert.equal(hist.redo(), "Resize Memory");
    assert.deepEqual(hist.doc, resized);
    assert.equal(hist.canRedo, false);
  });

  it("NoStepForAnUnchangedDocument", () => {
    const hist = new History(board());
    assert.equal(hist.apply(board(), "Nothing"), false);
    assert.equal(hist.canUndo, false);
  });

  it("TypingInOneFieldMergesWithinTheMergeTime", () => {
    const c = clock();
    const hist = new History(board(), c.now);
    let doc = hist.doc;
    for (const title of ["C", "CP", "CPU load"]) {
      doc = { ...doc, widgets: doc.widgets.map((w) => (w.id === "cpu" ? { ...w, title } : w)) };
      hist.apply(doc, "Change title", "widget:cpu:title");
      c.t += UNDO_MERGE_MS - 1;
    }
    assert.equal(hist.depth, 1, "three keystrokes, one step");
    // After a pause, the same field is a new step.
    c.t += UNDO_MERGE_MS;
    hist.apply({ ...doc, name: "x" }, "Change title", "widget:cpu:title");
    assert.equal(hist.depth, 2);
    hist.undo();
    hist.undo();
    assert.equal(hist.doc.widgets[0]!.title, "CPU");
  });

  it("DifferentKeysAndEmptyKeysNeverMerge", () => {
    const c = clock();
    const hist = new History(board(), c.now);
    hist.apply({ ...hist.doc, name: "a" }, "Rename", "settings:name");
    hist.apply({ ...hist.doc, description: "b" }, "Describe", "settings:description");
    hist.apply({ ...hist.doc, name: "c" }, "Move");
    hist.apply({ ...hist.doc, name: "d" }, "Move");
    assert.equal(hist.depth, 4);
  });

  it("AnUndoEndsTheMerge", () => {
    const c = clock();
    const hist = new History(board(), c.now);
    hist.apply({ ...hist.doc, name: "a" }, "Rename", "k");
    hist.apply({ ...hist.doc, name: "ab" }, "Rename", "k");
    hist.undo();
    hist.apply({ ...hist.doc, name: "x" }, "Rename", "k");
    hist.apply({ ...hist.doc, name: "xy" }, "Rename", "k");
    // The step after the undo is new: undoing it goes back to the original, not to "a".
    assert.equal(hist.depth, 1);
    hist.undo();
    assert.equal(hist.doc.name, "Ops");
  });

  it("ANewEditDropsTheRedoSteps", () => {
    const hist = new History(board());
    hist.apply({ ...hist.doc, name: "a" }, "A");
    hist.undo();
    assert.equal(hist.canRedo, true);
    hist.apply({ ...hist.doc, name: "b" }, "B");
    assert.equal(hist.canRedo, false);
  });

  it("KeepsAtMostMaxSteps", () => {
    const hist = new History(board());
    for (let i = 0; i < MAX_UNDO_STEPS + 20; i++) hist.apply({ ...hist.doc, name: `n${i}` }, "Rename");
    assert.equal(hist.depth, MAX_UNDO_STEPS);
    while (hist.undo() !== null);
    assert.equal(hist.doc.name, "n19");
  });

  it("KeepsAtMostMaxCharsButAlwaysTheLastStep", () => {
    const big = (n: number): BoardContent => ({ ...board(), description: "x".repeat(n) });
    const third = Math.floor(MAX_UNDO_CHARS / 3);
    const hist = new History(big(third));
    for (let i = 1; i <= 5; i++) hist.apply({ ...big(third), name: `n${i}` }, "Rename");
    // Each step holds a little over a third of the bound: two fit, a third does not.
    assert.equal(hist.depth, 2);
    hist.undo();
    assert.equal(hist.doc.name, "n4", "the newest step is kept");
    const huge = new History(big(MAX_UNDO_CHARS));
    huge.apply({ ...big(MAX_UNDO_CHARS), name: "b" }, "Rename");
    assert.equal(huge.depth, 1, "one step even when it alone is over the bound");
  });

  it("EditsToTheReturnedDocumentDoNotReachTheHistory", () => {
    const hist = new History(board());
    const next = { ...hist.doc, name: "a" };
    hist.apply(next, "A");
    next.name = "mutated";
    hist.undo();
    hist.redo();
    assert.equal(hist.doc.name, "a");
  });
});

describe("layout edits", () => {
  it("NudgeRefusesOverlapAndTheEdge", () => {
    const b = board();
    const r = nudge(b, "16:9", "cpu", 1, 0);
    assert.equal(r.error, "“CPU” would overlap “Memory”; turn on \"Allow overlap\" in the board settings to stack widgets");
    assert.equal(nudge(b, "16:9", "cpu", -1, 0).error, "“CPU” does not fit the 48×27 grid");
    assert.deepEqual(nudge(b, "16:9", "cpu", 0, 1).doc!.variants[0]!.placements[0], { widget: "cpu", x: 0, y: 1, w: 8, h: 5 });
  });

  it("OverlapAllowedWhenTheBoardSaysSo", () => {
    const b = { ...board(), allow_overlap: true };
    const r = nudge(b, "16:9", "cpu", 1, 0);
    assert.equal(r.error, undefined);
    assert.deepEqual(layoutProblems(r.doc!), []);
    assert.equal(layoutProblems({ ...r.doc!, allow_overlap: false }).length, 1);
  });

  it("GrowFromTheTopLeftCorner", () => {
    const r = grow(board(), "16:9", "mem", 2, 3);
    assert.deepEqual(r.doc!.variants[0]!.placements[1], { widget: "mem", x: 8, y: 0, w: 10, h: 11 });
    assert.ok(grow(board(), "16:9", "cpu", -8, 0).error!.includes("does not fit"));
  });

  it("SetRectOfAWidgetNotPlaced", () => {
    const b = leaveOut(board(), "16:9", "cpu");
    assert.equal(setRect(b, "16:9", "cpu", { x: 0, y: 0, w: 1, h: 1 }).error, "“CPU” is not placed on 16:9");
  });

  it("AddWidgetAtTheFirstFreeRoomWithAFreshId", () => {
    const r = addWidget(board(), "16:9", stat);
    assert.equal(r.id, "stat");
    const p = r.doc!.variants[0]!.placements[2]!;
    assert.deepEqual(p, { widget: "stat", x: 16, y: 0, w: 8, h: 5 });
    assert.deepEqual(r.doc!.widgets[2], { id: "stat", kind: "stat", title: "Stat", config: {} });
    const r2 = addWidget(r.doc!, "16:9", stat);
    assert.equal(r2.id, "stat-2");
    assert.deepEqual(layoutProblems(r2.doc!), []);
  });

  it("AddWidgetAtACellRefusesOverlap", () => {
    const r = addWidget(board(), "16:9", stat, { x: 4, y: 2, w: 8, h: 5 });
    assert.equal(r.error, "a new Stat would overlap “CPU”; turn on \"Allow overlap\" in the board settings to stack widgets");
  });

  it("AddWidgetShrinksWhenTheGridIsNearlyFull", () => {
    const b = board();
    b.variants[0]!.grid = { columns: 20, rows: 8 };
    const r = addWidget(b, "16:9", stat);
    assert.equal(r.error, undefined);
    assert.deepEqual(layoutProblems(r.doc!), []);
    // 20×8 grid on 1920×1080: cells of 96×135 px; the stat wants 320×200 px → 3×1 cells; room after mem (x 16).
    assert.deepEqual(r.doc!.variants[0]!.placements[2], { widget: "stat", x: 16, y: 0, w: 3, h: 1 });
  });

  it("AddWidgetOnAFullGridSaysSo", () => {
    const b = board();
    b.variants[0]!.grid = { columns: 16, rows: 8 };
    b.variants[0]!.placements = [
      { widget: "cpu", x: 0, y: 0, w: 8, h: 8 },
      { widget: "mem", x: 8, y: 0, w: 8, h: 8 },
    ];
    assert.equal(addWidget(b, "16:9", stat).error, "there is no free cell on 16:9 for a new Stat: make room first");
  });

  it("DefaultCellsKeepTheDesignPixels", () => {
    assert.deepEqual(defaultCells(stat, variant()), { w: 8, h: 5 });
    const wide: VariantDef = { name: "32:9", canvas: { width: 3840, height: 1080 }, grid: { columns: 96, rows: 27 }, placements: [] };
    assert.deepEqual(defaultCells(stat, wide), { w: 8, h: 5 });
    const coarse: VariantDef = { name: "4:3", canvas: { width: 1024, height: 768 }, grid: { columns: 12, rows: 9 }, placements: [] };
    // 320×200 px in cells of 85.3×85.3 px.
    assert.deepEqual(defaultCells(stat, coarse), { w: 4, h: 2 });
  });

  it("DeleteRemovesTheWidgetFromEveryVariant", () => {
    const b = board();
    b.variants.push(variant("4K", [{ widget: "cpu", x: 0, y: 0, w: 4, h: 4 }]));
    const d = deleteWidget(b, "cpu");
    assert.deepEqual(d.widgets.map((w) => w.id), ["mem"]);
    assert.deepEqual(d.variants.map((v) => v.placements.map((p) => p.widget)), [["mem"], []]);
  });

  it("LeaveOutAndPlaceAgainAtTheOtherVariantsSize", () => {
    const b = board();
    const wide: VariantDef = { name: "32:9", canvas: { width: 3840, height: 1080 }, grid: { columns: 96, rows: 27 }, placements: [{ widget: "cpu", x: 0, y: 0, w: 8, h: 5 }] };
    b.variants.push(wide);
    assert.deepEqual(leftOut(b, "32:9").map((w) => w.id), ["mem"]);
    const placed = placeWidget(b, "32:9", "mem", undefined);
    assert.equal(placed.error, undefined);
    // mem is 8×8 cells of 40 px on 16:9 → 8×8 cells of 40 px on 32:9, first room right of cpu.
    assert.deepEqual(placed.doc!.variants[1]!.placements[1], { widget: "mem", x: 8, y: 0, w: 8, h: 8 });
    assert.deepEqual(leftOut(placed.doc!, "32:9"), []);
    assert.equal(placeWidget(placed.doc!, "32:9", "mem", undefined).error, "“Memory” is already on 32:9");
    const out = leaveOut(placed.doc!, "32:9", "cpu");
    assert.deepEqual(out.widgets.map((w) => w.id), ["cpu", "mem"], "the board keeps it");
    assert.deepEqual(leftOut(out, "32:9").map((w) => w.id), ["cpu"]);
  });

  it("DuplicateCopiesConfigAndQueriesIntoFreeRoom", () => {
    const b = board();
    b.widgets[1]!.queries = [{ metric: "mem_used" }];
    const r = duplicateWidget(b, "16:9", "mem");
    assert.equal(r.id, "mem-2");
    assert.deepEqual(r.doc!.widgets[2], { id: "mem-2", kind: "gauge", title: "Memory copy", config: { unit: "%" }, queries: [{ metric: "mem_used" }] });
    assert.deepEqual(r.doc!.variants[0]!.placements[2], { widget: "mem-2", x: 16, y: 0, w: 8, h: 8 });
    assert.deepEqual(layoutProblems(r.doc!), []);
    // The original is untouched.
    r.doc!.widgets[2]!.config["unit"] = "ms";
    assert.equal(r.doc!.widgets[1]!.config["unit"], "%");
    assert.equal(duplicateWidget(leaveOut(b, "16:9", "mem"), "16:9", "mem").error, "“Memory” is not placed here");
  });

  it("FirstFreeScansRowsThenColumns", () => {
    const v = variant("v", [{ widget: "a", x: 0, y: 0, w: 48, h: 2 }]);
    assert.deepEqual(firstFree(v, 4, 4), { x: 0, y: 2, w: 4, h: 4 });
    assert.equal(firstFree(v, 49, 1), null);
    // Too big: clamped to 48×27, then the larger side halved until it fits: 24×27, 24×14.
    assert.deepEqual(findRoom(v, 100, 100, false), { x: 0, y: 2, w: 24, h: 14 });
  });

  it("NewIdsAreUniqueAndValid", () => {
    const b = board();
    assert.equal(newWidgetId(b, "cpu"), "cpu-2");
    assert.equal(newWidgetId(b, "top n!"), "top-n-");
    assert.equal(newWidgetId(b, "__"), "widget");
  });

  it("WidgetFieldSplitsTheServersPath", () => {
    assert.deepEqual(widgetField("widgets[2].config.unit"), { index: 2, rest: "config.unit" });
    assert.deepEqual(widgetField("widgets[0]"), { index: 0, rest: "" });
    assert.equal(widgetField("variants[0].placements[1]"), null);
  });
});

describe("diffContent", () => {
  it("NamesWhatChanged", () => {
    const a = board();
    const b = board();
    b.name = "Ops wall";
    b.refresh_ms = 2000;
    b.widgets[0]!.config = { unit: "%" };
    b.widgets.push({ id: "net", kind: "timeseries", title: "Network", config: {} });
    b.widgets = b.widgets.filter((w) => w.id !== "mem");
    b.variants[0]!.placements = [{ widget: "cpu", x: 0, y: 1, w: 8, h: 5 }];
    b.variants.push(variant("4K"));
    assert.deepEqual(
      diffContent(a, b).map((d) => d.text),
      [
        "settings changed: name, refresh interval",
        "widget “Network” (net) added",
        "widget “Memory” (mem) removed",
        "widget “CPU” (cpu) changed: settings",
        "variant “4K” added",
        "variant “16:9” changed: layout",
      ],
    );
  });

  it("NothingForEqualBoards", () => {
    assert.deepEqual(diffContent(board(), board()), []);
  });

  it("AbsentAndEmptyOptionalSettingsAreEqual", () => {
    const a = board();
    const b = { ...board(), background: "", alert_sound: false, walls: [] };
    assert.deepEqual(diffContent(a, b), []);
  });

  it("PlacementOrderIsNotAChange", () => {
    const a = board();
    const b = board();
    b.variants[0]!.placements.reverse();
    assert.deepEqual(diffContent(a, b), []);
  });
});

/** localStorage's interface over a Map, optionally refusing writes like a full store. */
class MemStorage implements KeyValueStorage {
  m = new Map<string, string>();
  full = false;
  get length(): number {
    return this.m.size;
  }
  key(i: number): string | null {
    return Array.from(this.m.keys())[i] ?? null;
  }
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    if (this.full) throw new Error("QuotaExceededError");
    this.m.set(k, v);
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
}

describe("DraftStore", () => {
  it("KeepsOneDraftPerBoardKeyedByBaseRevision", () => {
    const s = new MemStorage();
    const d = new DraftStore(s);
    const doc = board();
    assert.ok(d.save("b1", 3, doc, 100));
    assert.ok(s.m.has(`${DRAFT_PREFIX}b1.3`));
    doc.name = "later";
    assert.ok(d.save("b1", 4, doc, 200));
    assert.deepEqual(Array.from(s.m.keys()), [`${DRAFT_PREFIX}b1.4`], "the older base is gone");
    const got = d.load("b1")!;
    assert.equal(got.base, 4);
    assert.equal(got.doc.name, "later");
    assert.equal(got.savedAt, 200);
  });

  it("BoardsDoNotSeeEachOthersDrafts", () => {
    const s = new MemStorage();
    const d = new DraftStore(s);
    d.save("b1", 1, board(), 1);
    d.save("b10", 1, { ...board(), name: "ten" }, 2);
    assert.equal(d.load("b1")!.doc.name, "Ops");
    d.clear("b1");
    assert.equal(d.load("b1"), null);
    assert.equal(d.load("b10")!.doc.name, "ten");
  });

  it("UnreadableDraftsAreSkipped", () => {
    const s = new MemStorage();
    s.m.set(`${DRAFT_PREFIX}b1.2`, "{not json");
    s.m.set(`${DRAFT_PREFIX}b1.3`, JSON.stringify({ board: "b1", base: 3, savedAt: 1, doc: { widgets: "no" } }));
    assert.equal(new DraftStore(s).load("b1"), null);
  });

  it("AFullStorageIsReportedNotThrown", () => {
    const s = new MemStorage();
    s.full = true;
    assert.equal(new DraftStore(s).save("b1", 1, board(), 1), false);
    assert.equal(new DraftStore(null).save("b1", 1, board(), 1), false);
    assert.equal(new DraftStore(null).load("b1"), null);
  });
});

describe("contentOf", () => {
  it("DropsIdentityAndFillsWhatTheServerLeavesOut", () => {
    const c = contentOf({
      id: "x",
      revision: 4,
      created_at: "2026-01-01T00:00:00Z",
      name: "N",
      description: "",
      theme: "light",
      allow_overlap: true,
      refresh_ms: 500,
      widgets: [{ id: "a", kind: "stat", title: "A", config: null }],
      variants: [{ name: "v", canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: null }],
    });
    assert.deepEqual(c, {
      name: "N",
      description: "",
      theme: "light",
      allow_overlap: true,
      refresh_ms: 500,
      widgets: [{ id: "a", kind: "stat", title: "A", config: {} }],
      variants: [{ name: "v", canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: [] }],
    });
  });
});
