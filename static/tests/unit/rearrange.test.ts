import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  gridFor,
  problems,
  readingOrder,
  rearrange,
  MAX_GRID_CELLS,
  type Arrangement,
  type CanvasSize,
  type Cells,
} from "../../src/lib/rearrange.ts";

/** The demo board's placements (boards/catalogue.go demoPlacements) on 48×27 over 1920×1080. */
const DEMO: Cells[] = [
  { widget: "stat", x: 0, y: 0, w: 8, h: 5 },
  { widget: "stat-err", x: 8, y: 0, w: 8, h: 5 },
  { widget: "status", x: 16, y: 0, w: 8, h: 5 },
  { widget: "gauge-s", x: 24, y: 0, w: 8, h: 5 },
  { widget: "clock", x: 32, y: 0, w: 8, h: 5 },
  { widget: "events", x: 40, y: 0, w: 8, h: 13 },
  { widget: "ts", x: 0, y: 5, w: 20, h: 8 },
  { widget: "bar", x: 20, y: 5, w: 20, h: 8 },
  { widget: "honeycomb", x: 0, y: 13, w: 16, h: 14 },
  { widget: "hitmap", x: 16, y: 13, w: 16, h: 14 },
  { widget: "equalizer", x: 32, y: 13, w: 16, h: 14 },
];

const PRESETS: Record<string, CanvasSize> = {
  "16:9": { width: 1920, height: 1080 },
  "4K": { width: 3840, height: 2160 },
  "32:9": { width: 3840, height: 1080 },
  "21:9": { width: 2560, height: 1080 },
  "4:3": { width: 1024, height: 768 },
  portrait: { width: 1080, height: 1920 },
  "wall 3×2": { width: 3 * 1920 + 2 * 2 * 10, height: 2 * 1080 + 2 * 10 },
};

function demo(): Arrangement {
  return { canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: DEMO.map((p) => ({ ...p })) };
}

/** A board of 16 metrics in a 4×4 matrix, like the database team's. */
function sixteen(): Arrangement {
  const ps: Cells[] = [];
  for (let i = 0; i < 16; i++) ps.push({ widget: `m${i}`, x: (i % 4) * 12, y: Math.floor(i / 4) * 6, w: 12, h: 6 });
  return { canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: ps };
}

/** 40 widgets of mixed sizes on one tall 16:9 board (the time-travel test's size). */
function forty(): Arrangement {
  const ps: Cells[] = [];
  let x = 0;
  let y = 0;
  let rowH = 0;
  for (let i = 0; i < 40; i++) {
    const w = [6, 8, 12, 6, 10][i % 5]!;
    const h = [4, 5, 6, 4, 5][i % 5]!;
    if (x + w > 48) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    ps.push({ widget: `w${i}`, x, y, w, h });
    x += w;
    rowH = Math.max(rowH, h);
  }
  return { canvas: { width: 1920, height: 1920 }, grid: { columns: 48, rows: 48 }, placements: ps };
}

/** A small deterministic PRNG (mulberry32) so the property test is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** A random board: widgets dropped at random free spots of a random grid. */
function randomBoard(r: () => number): Arrangement {
  const columns = int(r, 4, 96);
  const rows = int(r, 3, 60);
  const canvas = { width: int(r, 320, 7680), height: int(r, 320, 4320) };
  const taken = new Uint8Array(columns * rows);
  const free = (x: number, y: number, w: number, h: number) => {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) if (taken[yy * columns + xx]) return false;
    return true;
  };
  const n = int(r, 1, 40);
  const ps: Cells[] = [];
  for (let i = 0; i < n * 4 && ps.length < n; i++) {
    const w = int(r, 1, Math.max(1, Math.floor(columns / 2)));
    const h = int(r, 1, Math.max(1, Math.floor(rows / 2)));
    const x = int(r, 0, columns - w);
    const y = int(r, 0, rows - h);
    if (!free(x, y, w, h)) continue;
    for (let yy = y; yy < y + h; yy++) taken.fill(1, yy * columns + x, yy * columns + x + w);
    ps.push({ widget: `r${ps.length}`, x, y, w, h });
  }
  return { canvas, grid: { columns, rows }, placements: ps };
}

/** Every widget is either placed once or left out, never both, never lost. */
function assertComplete(from: Arrangement, out: { placements: Cells[]; leftOut: string[] }): void {
  const placed = out.placements.map((p) => p.widget);
  assert.deepEqual([...placed, ...out.leftOut].sort(), from.placements.map((p) => p.widget).sort());
}

function pixelAspect(p: Cells, a: { canvas: CanvasSize; grid: { columns: number; rows: number } }): number {
  return ((p.w * a.canvas.width) / a.grid.columns) / ((p.h * a.canvas.height) / a.grid.rows);
}

describe("gridFor", () => {
  it("DefaultFortyPixelCells", () => {
    assert.deepEqual(gridFor({ width: 1920, height: 1080 }), { columns: 48, rows: 27 });
  });
  it("KeepsTheSourceCellSize", () => {
    const from = demo();
    assert.deepEqual(gridFor(PRESETS["32:9"]!, from), { columns: 96, rows: 27 });
    assert.deepEqual(gridFor(PRESETS["4K"]!, from), { columns: 96, rows: 54 });
    assert.deepEqual(gridFor(PRESETS["21:9"]!, from), { columns: 64, rows: 27 });
    assert.deepEqual(gridFor(PRESETS["portrait"]!, from), { columns: 27, rows: 48 });
    assert.deepEqual(gridFor(PRESETS["4:3"]!, from), { columns: 26, rows: 19 });
  });
  it("CoarserSourceCells", () => {
    const from = { canvas: { width: 1920, height: 1080 }, grid: { columns: 24, rows: 12 }, placements: [] };
    // 80×90 px cells: 3840×1080 → 48×12.
    assert.deepEqual(gridFor({ width: 3840, height: 1080 }, from), { columns: 48, rows: 12 });
  });
  it("HugeWallStaysWithinTheGridLimitAndSquare", () => {
    const g = gridFor({ width: 16 * 1920, height: 16 * 1080 });
    assert.ok(g.columns <= MAX_GRID_CELLS && g.rows <= MAX_GRID_CELLS, JSON.stringify(g));
    const cw = (16 * 1920) / g.columns;
    const ch = (16 * 1080) / g.rows;
    assert.ok(Math.abs(cw / ch - 1) < 0.02, `cells ${cw}×${ch} are not square`);
  });
  it("SmallestCanvas", () => {
    assert.deepEqual(gridFor({ width: 320, height: 320 }), { columns: 8, rows: 8 });
  });
});

describe("rearrange", () => {
  it("SameCanvasSameGridIsUnchanged", () => {
    const from = demo();
    const out = rearrange(from, from.canvas, from.grid);
    assert.equal(out.mode, "proportional");
    assert.deepEqual(out.leftOut, []);
    assert.deepEqual(out.placements, readingOrder(DEMO));
  });

  it("FourKDoublesEveryPlacement", () => {
    const out = rearrange(demo(), PRESETS["4K"]!, { columns: 96, rows: 54 });
    assert.equal(out.mode, "proportional");
    assert.deepEqual(
      out.placements,
      readingOrder(DEMO).map((p) => ({ widget: p.widget, x: p.x * 2, y: p.y * 2, w: p.w * 2, h: p.h * 2 })),
    );
  });

  it("FourKBackToFullHDHalvesIt", () => {
    const big: Arrangement = {
      canvas: { width: 3840, height: 2160 },
      grid: { columns: 96, rows: 54 },
      placements: DEMO.map((p) => ({ widget: p.widget, x: p.x * 2, y: p.y * 2, w: p.w * 2, h: p.h * 2 })),
    };
    const out = rearrange(big, PRESETS["16:9"]!, { columns: 48, rows: 27 });
    assert.deepEqual(out.placements, readingOrder(DEMO));
  });

  it("WideScreenFlowsIntoColumnsInsteadOfStretching", () => {
    const from = demo();
    const to = PRESETS["32:9"]!;
    const grid = gridFor(to, from);
    const out = rearrange(from, to, grid);
    assert.equal(out.mode, "flow");
    assert.deepEqual(problems(out.placements, grid), []);
    assert.deepEqual(out.leftOut, []);
    // Stretching every tile twice as wide is what this must not do: no widget's
    // shape changes by more than 1.6× (the naive proportional map is 2×).
    const src = new Map(from.placements.map((p) => [p.widget, p]));
    for (const p of out.placements) {
      const before = pixelAspect(src.get(p.widget)!, from);
      const after = pixelAspect(p, { canvas: to, grid });
      const change = Math.max(after / before, before / after);
      assert.ok(change <= 1.6, `${p.widget} changed shape ${change.toFixed(2)}× (${before.toFixed(2)} → ${after.toFixed(2)})`);
    }
    // The wall is used: at least 85 % of the cells are covered, edge to edge.
    const area = out.placements.reduce((s, p) => s + p.w * p.h, 0);
    assert.ok(area / (grid.columns * grid.rows) >= 0.85, `only ${((100 * area) / (grid.columns * grid.rows)).toFixed(0)} % covered`);
    assert.equal(Math.max(...out.placements.map((p) => p.x + p.w)), grid.columns);
    // Reading order starts where it did.
    assert.deepEqual(
      out.placements.find((p) => p.widget === "stat"),
      { widget: "stat", x: 0, y: 0, w: out.placements.find((p) => p.widget === "stat")!.w, h: out.placements.find((p) => p.widget === "stat")!.h },
    );
  });

  it("FlowKeepsRelativeSizes", () => {
    const from = demo();
    for (const name of ["32:9", "21:9", "4:3", "portrait"]) {
      const to = PRESETS[name]!;
      const grid = gridFor(to, from);
      const out = rearrange(from, to, grid);
      const area = new Map(out.placements.map((p) => [p.widget, p.w * p.h]));
      for (const a of from.placements) {
        for (const b of from.placements) {
          // A widget at least twice as big as another stays at least as big.
          if (a.w * a.h >= 2 * b.w * b.h) {
            assert.ok(area.get(a.widget)! >= area.get(b.widget)!, `${name}: ${a.widget} became smaller than ${b.widget}`);
          }
        }
      }
    }
  });

  it("PortraitReadsTopToBottom", () => {
    const from = demo();
    const to = PRESETS["portrait"]!;
    const grid = gridFor(to, from);
    const out = rearrange(from, to, grid);
    const at = new Map(out.placements.map((p) => [p.widget, p]));
    // The stat row comes before the charts, the charts before the bottom row.
    assert.ok(at.get("stat")!.y === 0 && at.get("stat")!.x === 0);
    assert.ok(at.get("ts")!.y >= at.get("stat")!.y + at.get("stat")!.h);
    assert.ok(at.get("hitmap")!.y >= at.get("bar")!.y + at.get("bar")!.h);
  });

  for (const [fromName, fromCanvas] of Object.entries(PRESETS)) {
    for (const [toName, toCanvas] of Object.entries(PRESETS)) {
      it(`Preset ${fromName} → ${toName}`, () => {
        for (const make of [demo, sixteen, forty]) {
          // The source variant on the from preset, arranged proportionally first.
          const base = make();
          const srcGrid = gridFor(fromCanvas, base);
          const src0 = rearrange(base, fromCanvas, srcGrid);
          assert.deepEqual(problems(src0.placements, srcGrid), [], `${make.name} on ${fromName}`);
          const src: Arrangement = { canvas: fromCanvas, grid: srcGrid, placements: src0.placements };
          const grid = gridFor(toCanvas, src);
          const out = rearrange(src, toCanvas, grid);
          assert.deepEqual(problems(out.placements, grid), [], `${make.name} ${fromName} → ${toName}`);
          assert.deepEqual(out.leftOut, [], `${make.name} ${fromName} → ${toName}`);
          assertComplete(src, out);
          // Deterministic.
          assert.deepEqual(rearrange(src, toCanvas, grid), out);
        }
      });
    }
  }

  it("RandomBoardsNeverOverlapOrFallOutside", () => {
    const r = rng(20261122);
    const targets = Object.values(PRESETS);
    for (let i = 0; i < 400; i++) {
      const from = randomBoard(r);
      const to = i % 3 === 0 ? { width: int(r, 320, 7680), height: int(r, 320, 4320) } : targets[i % targets.length]!;
      const grid = i % 5 === 0 ? { columns: int(r, 1, 100), rows: int(r, 1, 60) } : gridFor(to, from);
      const out = rearrange(from, to, grid);
      const what = `case ${i}: ${from.placements.length} widgets ${from.grid.columns}×${from.grid.rows}@${from.canvas.width}×${from.canvas.height} → ${grid.columns}×${grid.rows}@${to.width}×${to.height}`;
      assert.deepEqual(problems(out.placements, grid), [], what);
      assertComplete(from, out);
      if (from.placements.length <= grid.columns * grid.rows) assert.deepEqual(out.leftOut, [], what);
      else assert.equal(out.placements.length, grid.columns * grid.rows, what);
    }
  });

  it("TooManyWidgetsLeavesTheLastOutNeverOverlaps", () => {
    const ps: Cells[] = [];
    for (let i = 0; i < 30; i++) ps.push({ widget: `t${i}`, x: (i % 6) * 8, y: Math.floor(i / 6) * 5, w: 8, h: 5 });
    const from: Arrangement = { canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: ps };
    for (const to of [{ width: 3840, height: 1080 }, { width: 1920, height: 1080 }]) {
      const out = rearrange(from, to, { columns: 4, rows: 4 });
      assert.deepEqual(problems(out.placements, { columns: 4, rows: 4 }), []);
      assert.equal(out.placements.length, 16);
      assert.deepEqual(out.leftOut, ps.slice(16).map((p) => p.widget));
    }
  });

  it("OverlappingSourceComesOutApart", () => {
    // A board with allow_overlap: two widgets on top of each other.
    const from: Arrangement = {
      canvas: { width: 1920, height: 1080 },
      grid: { columns: 48, rows: 27 },
      placements: [
        { widget: "under", x: 0, y: 0, w: 24, h: 12 },
        { widget: "over", x: 4, y: 2, w: 10, h: 6 },
      ],
    };
    for (const to of Object.values(PRESETS)) {
      const grid = gridFor(to, from);
      const out = rearrange(from, to, grid);
      assert.deepEqual(problems(out.placements, grid), [], `${to.width}×${to.height}`);
      assert.deepEqual(out.leftOut, []);
    }
  });

  it("EmptyVariant", () => {
    const out = rearrange({ canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: [] }, PRESETS["32:9"]!, { columns: 96, rows: 27 });
    assert.deepEqual(out, { placements: [], leftOut: [], mode: "proportional" });
  });

  it("OneFullBoardWidgetFillsEveryScreen", () => {
    const from: Arrangement = { canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: [{ widget: "all", x: 0, y: 0, w: 48, h: 27 }] };
    for (const to of Object.values(PRESETS)) {
      const grid = gridFor(to, from);
      const out = rearrange(from, to, grid);
      assert.deepEqual(out.placements, [{ widget: "all", x: 0, y: 0, w: grid.columns, h: grid.rows }]);
    }
  });
});

describe("problems", () => {
  it("FindsOverlapOutsideAndDuplicates", () => {
    assert.deepEqual(
      problems(
        [
          { widget: "a", x: 0, y: 0, w: 2, h: 2 },
          { widget: "b", x: 1, y: 1, w: 2, h: 2 },
          { widget: "c", x: 3, y: 0, w: 2, h: 1 },
          { widget: "a", x: 0, y: 3, w: 1, h: 1 },
        ],
        { columns: 4, rows: 4 },
      ),
      ["b overlaps a at x=1 y=1", "c at 3,0 2×1 is outside the 4×4 grid", "a is placed twice"],
    );
  });
});
