// Re-arranging a board variant's placements for another screen: the start of
// a new variant ("add a 32:9 variant from the 16:9 one"). Pure and
// deterministic: the same variant and target always give the same result.
//
// The rules, in order of importance:
//  1. nothing overlaps and nothing falls outside the target grid; a widget
//     that cannot fit at all (more widgets than cells) is left out and
//     reported, never overlapped;
//  2. every widget is placed when the grid has room for it;
//  3. relative sizes and reading order (top to bottom, left to right) are kept
//     as well as possible, and widgets are not stretched out of shape.
//
// Two ways, chosen by how much the canvas changes shape:
//  - proportional: a target of about the same aspect ratio (within
//    MAX_PROPORTIONAL_STRETCH, say 16:9 → 4K) maps every edge to the same
//    fraction of the new grid, so the picture is the same. Edges are rounded
//    by one monotone map, so placements that did not overlap still do not;
//    a widget squeezed to nothing by a coarser grid gets one cell and, if
//    that cell is taken, the nearest free spot.
//  - flow: a target of another shape (16:9 → 32:9, 21:9, 4:3, portrait)
//    keeps every widget's shape (one scale for width and height in pixels)
//    and flows the widgets in reading order into the first free spot of the
//    new grid, row by row: a 16:9 board's rows sit side by side on a 32:9
//    wall instead of being stretched twice as wide. The scale is the largest
//    at which everything fits (binary search), then the arrangement is
//    stretched to fill the grid exactly (edges mapped monotonically again),
//    so the wall has no empty band.

/** Bounds of a grid, as layouts.MinGridCells / MaxGridCells in Go. */
export const MIN_GRID_CELLS = 1;
export const MAX_GRID_CELLS = 256;
/** Canvas sides, as layouts.MinCanvasSide / MaxCanvasSide in Go. */
export const MIN_CANVAS_SIDE = 320;
export const MAX_CANVAS_SIDE = 32768;
/** The default grid cell: 48×27 cells on 1920×1080. */
export const DEFAULT_CELL_PX = 40;
/**
 * How far the aspect ratio may change (as a factor) before the proportional
 * way would distort widgets too visibly and the flow way is used instead.
 * 16:10 from 16:9 (1.11) stays proportional; 4:3 from 16:9 (1.33) flows.
 */
export const MAX_PROPORTIONAL_STRETCH = 1.2;

/** A size in pixels. */
export interface CanvasSize {
  width: number;
  height: number;
}

/** A grid's cell counts. */
export interface GridSize {
  columns: number;
  rows: number;
}

/** A widget's cells. */
export interface Cells {
  widget: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The part of a variant re-arranging needs. */
export interface Arrangement {
  canvas: CanvasSize;
  grid: GridSize;
  placements: Cells[];
}

/** The outcome of rearrange(). */
export interface Rearranged {
  placements: Cells[];
  /** Widgets that could not be placed at all (more widgets than the grid has cells), in reading order. */
  leftOut: string[];
  mode: "proportional" | "flow";
}

function clampInt(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(n)));
}

/**
 * Returns a grid for canvas whose cells have the pixel size of from's cells
 * (40×40 px when there is no from), so widgets keep their look; when that
 * would need more than MAX_GRID_CELLS in a direction, the cells grow evenly
 * in both directions.
 */
export function gridFor(canvas: CanvasSize, from?: Arrangement | null): GridSize {
  let cw = DEFAULT_CELL_PX;
  let ch = DEFAULT_CELL_PX;
  if (from && from.grid.columns > 0 && from.grid.rows > 0 && from.canvas.width > 0 && from.canvas.height > 0) {
    cw = from.canvas.width / from.grid.columns;
    ch = from.canvas.height / from.grid.rows;
  }
  const grow = Math.max(1, canvas.width / cw / MAX_GRID_CELLS, canvas.height / ch / MAX_GRID_CELLS);
  cw *= grow;
  ch *= grow;
  return {
    columns: clampInt(canvas.width / cw, MIN_GRID_CELLS, MAX_GRID_CELLS),
    rows: clampInt(canvas.height / ch, MIN_GRID_CELLS, MAX_GRID_CELLS),
  };
}

/** Sorts placements top to bottom, then left to right; ties keep their order. */
export function readingOrder<T extends Cells>(ps: readonly T[]): T[] {
  return ps
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.y - b.p.y || a.p.x - b.p.x || a.i - b.i)
    .map((e) => e.p);
}

/** Occupied cells of a grid. */
class Occupancy {
  readonly cells: Uint8Array;
  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.cells = new Uint8Array(cols * rows);
  }
  /** Whether a w×h block at (x, y) is inside the grid and free. */
  free(x: number, y: number, w: number, h: number): boolean {
    if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > this.cols || y + h > this.rows) return false;
    for (let r = y; r < y + h; r++) {
      const row = r * this.cols;
      for (let c = x; c < x + w; c++) if (this.cells[row + c]) return false;
    }
    return true;
  }
  take(x: number, y: number, w: number, h: number): void {
    for (let r = y; r < y + h; r++) this.cells.fill(1, r * this.cols + x, r * this.cols + x + w);
  }
  /** The first free spot for a w×h block scanning rows top to bottom, each left to right. */
  firstFit(w: number, h: number): { x: number; y: number } | null {
    for (let y = 0; y + h <= this.rows; y++) {
      for (let x = 0; x + w <= this.cols; x++) {
        if (this.free(x, y, w, h)) return { x, y };
      }
    }
    return null;
  }
  /** The first free spot for a w×h block scanning columns left to right, each top to bottom. */
  firstFitByColumn(w: number, h: number): { x: number; y: number } | null {
    for (let x = 0; x + w <= this.cols; x++) {
      for (let y = 0; y + h <= this.rows; y++) {
        if (this.free(x, y, w, h)) return { x, y };
      }
    }
    return null;
  }
  /** The free spot for a w×h block nearest to (px, py) (city-block distance; ties: upper, then left). */
  nearest(w: number, h: number, px: number, py: number): { x: number; y: number } | null {
    let best: { x: number; y: number } | null = null;
    let bestD = Infinity;
    for (let y = 0; y + h <= this.rows; y++) {
      const dy = Math.abs(y - py);
      if (dy > bestD) continue;
      for (let x = 0; x + w <= this.cols; x++) {
        const d = dy + Math.abs(x - px);
        if (d < bestD && this.free(x, y, w, h)) {
          best = { x, y };
          bestD = d;
        }
      }
    }
    return best;
  }
}

/**
 * Maps grid edges 0..from to 0..to: e → round(e·to/from). Monotone, so
 * blocks that did not overlap before do not overlap after, and when to ≥
 * from every block keeps at least one cell.
 */
function edgeMap(from: number, to: number): (e: number) => number {
  return (e) => Math.round((e * to) / from);
}

/** Places a block near (px, py), shrinking it (keeping its shape as far as possible) until it fits; null when no cell is free. */
function placeNear(occ: Occupancy, w: number, h: number, px: number, py: number): Cells | null {
  let cw = Math.min(w, occ.cols);
  let ch = Math.min(h, occ.rows);
  for (;;) {
    const at = occ.nearest(cw, ch, Math.min(px, occ.cols - cw), Math.min(py, occ.rows - ch));
    if (at) {
      occ.take(at.x, at.y, cw, ch);
      return { widget: "", x: at.x, y: at.y, w: cw, h: ch };
    }
    if (cw === 1 && ch === 1) return null;
    // Shrink the side that is larger relative to the wanted shape.
    if (ch === 1 || (cw > 1 && cw / w >= ch / h)) cw--;
    else ch--;
  }
}

function proportional(from: Arrangement, to: GridSize): Rearranged {
  const mx = edgeMap(from.grid.columns, to.columns);
  const my = edgeMap(from.grid.rows, to.rows);
  const occ = new Occupancy(to.columns, to.rows);
  const placements: Cells[] = [];
  const leftOut: string[] = [];
  for (const p of readingOrder(from.placements)) {
    const x0 = clampInt(mx(p.x), 0, to.columns - 1);
    const y0 = clampInt(my(p.y), 0, to.rows - 1);
    const x1 = clampInt(mx(p.x + p.w), x0 + 1, to.columns);
    const y1 = clampInt(my(p.y + p.h), y0 + 1, to.rows);
    const w = x1 - x0;
    const h = y1 - y0;
    if (occ.free(x0, y0, w, h)) {
      occ.take(x0, y0, w, h);
      placements.push({ widget: p.widget, x: x0, y: y0, w, h });
      continue;
    }
    const spot = placeNear(occ, w, h, x0, y0);
    if (spot) placements.push({ ...spot, widget: p.widget });
    else leftOut.push(p.widget);
  }
  return { placements, leftOut, mode: "proportional" };
}

/** The order in which flow scans a grid for a free spot: along rows (row-major) or down columns (column-major). */
type Scan = "rows" | "columns";

/** Flows sized blocks in order into the first free spots; the placed ones and the names of the others. */
function flowAt(order: Cells[], sizeOf: (p: Cells) => { w: number; h: number }, to: GridSize, scan: Scan, keepGoing: boolean): { placed: Cells[]; leftOut: string[] } {
  const occ = new Occupancy(to.columns, to.rows);
  const placed: Cells[] = [];
  const leftOut: string[] = [];
  for (const p of order) {
    const { w, h } = sizeOf(p);
    const at = scan === "rows" ? occ.firstFit(w, h) : occ.firstFitByColumn(w, h);
    if (!at) {
      leftOut.push(p.widget);
      if (!keepGoing) break;
      continue;
    }
    occ.take(at.x, at.y, w, h);
    placed.push({ widget: p.widget, x: at.x, y: at.y, w, h });
  }
  return { placed, leftOut };
}

/** Stretches placed blocks so that their bounding box fills the grid; returns the stretch (≥ 1) in each direction. */
function fill(placed: Cells[], to: GridSize): { sx: number; sy: number } {
  let maxX = 0;
  let maxY = 0;
  for (const p of placed) {
    maxX = Math.max(maxX, p.x + p.w);
    maxY = Math.max(maxY, p.y + p.h);
  }
  if (maxX === 0 || maxY === 0) return { sx: 1, sy: 1 };
  const mx = edgeMap(maxX, to.columns);
  const my = edgeMap(maxY, to.rows);
  for (const p of placed) {
    const x0 = mx(p.x);
    const y0 = my(p.y);
    const x1 = mx(p.x + p.w);
    const y1 = my(p.y + p.h);
    p.x = x0;
    p.y = y0;
    p.w = x1 - x0;
    p.h = y1 - y0;
  }
  return { sx: to.columns / maxX, sy: to.rows / maxY };
}

/** How much the grow pass may enlarge a widget in each direction, as a factor of its size. */
const MAX_GROW = 1.5;
/** How far the grow pass may change a widget's shape (width over height) from its flowed shape, as a factor. */
const MAX_SHAPE_CHANGE = 1.4;

/**
 * Lets widgets grow into the free cells beside them, one cell at a time in
 * rounds (right, down, left, up; widgets in order), up to MAX_GROW of their
 * size in each direction and MAX_SHAPE_CHANGE of their flowed shape: holes
 * left by flowing fill up without any widget being pulled far out of shape.
 * shapes[i] is placed[i]'s width over height, in pixels, as flowed.
 */
function grow(placed: Cells[], to: GridSize, shapes: number[], cellAspect: number): void {
  const occ = new Occupancy(to.columns, to.rows);
  for (const p of placed) occ.take(p.x, p.y, p.w, p.h);
  const limits = placed.map((p) => ({ w: Math.floor(p.w * MAX_GROW), h: Math.floor(p.h * MAX_GROW) }));
  const shapeOK = (i: number, w: number, h: number) => {
    const change = ((w * cellAspect) / h) / shapes[i]!;
    return Math.max(change, 1 / change) <= MAX_SHAPE_CHANGE;
  };
  for (let changed = true; changed; ) {
    changed = false;
    placed.forEach((p, i) => {
      const lim = limits[i]!;
      const wider = p.w < lim.w && shapeOK(i, p.w + 1, p.h);
      if (wider && occ.free(p.x + p.w, p.y, 1, p.h)) {
        occ.take(p.x + p.w, p.y, 1, p.h);
        p.w++;
        changed = true;
      } else if (wider && occ.free(p.x - 1, p.y, 1, p.h)) {
        occ.take(p.x - 1, p.y, 1, p.h);
        p.x--;
        p.w++;
        changed = true;
      }
      const taller = p.h < lim.h && shapeOK(i, p.w, p.h + 1);
      if (taller && occ.free(p.x, p.y + p.h, p.w, 1)) {
        occ.take(p.x, p.y + p.h, p.w, 1);
        p.h++;
        changed = true;
      } else if (taller && occ.free(p.x, p.y - 1, p.w, 1)) {
        occ.take(p.x, p.y - 1, p.w, 1);
        p.y--;
        p.h++;
        changed = true;
      }
    });
  }
}

/** Scales tried below the largest that fits: a slightly smaller scale often packs with fewer holes. */
const FLOW_SCALE_STEPS = [1, 0.95, 0.9, 0.85, 0.8, 0.75];
/** How much a widget may be pulled out of shape by filling the grid before it costs as much as empty space. */
const SHAPE_PENALTY = 0.5;

function flow(from: Arrangement, toCanvas: CanvasSize, to: GridSize): Rearranged {
  const order = readingOrder(from.placements);
  // Pixels per source cell over pixels per target cell, at pixel scale 1.
  const fx = from.canvas.width / from.grid.columns / (toCanvas.width / to.columns);
  const fy = from.canvas.height / from.grid.rows / (toCanvas.height / to.rows);
  const sizer = (k: number) => (p: Cells) => ({
    w: clampInt(p.w * fx * k, 1, to.columns),
    h: clampInt(p.h * fy * k, 1, to.rows),
  });
  const kMax = Math.max(toCanvas.width / from.canvas.width, toCanvas.height / from.canvas.height);
  let best: { placed: Cells[]; leftOut: string[]; score: number } | null = null;
  // Down columns (a newspaper) only onto a relatively wider screen: on a
  // narrower one it would read sideways.
  const wider = toCanvas.width / toCanvas.height > from.canvas.width / from.canvas.height;
  const scans: Scan[] = wider ? ["rows", "columns"] : ["rows"];
  for (const scan of scans) {
    const fits = (k: number) => flowAt(order, sizer(k), to, scan, false).leftOut.length === 0;
    // The largest pixel scale at which every widget fits, searched between
    // 0 (every widget one cell) and the scale that fills the longer side.
    let top = 0;
    if (fits(kMax)) {
      top = kMax;
    } else if (fits(0)) {
      let lo = 0;
      let hi = kMax;
      for (let i = 0; i < 24 && hi - lo > 1e-3; i++) {
        const mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid;
      }
      top = lo;
    }
    for (const step of FLOW_SCALE_STEPS) {
      const k = top * step;
      // At 0 (more widgets than fit even at one cell each) keep going to place what fits.
      const { placed, leftOut } = flowAt(order, sizer(k), to, scan, top === 0);
      if (leftOut.length > 0 && top > 0) continue;
      const cellAspect = toCanvas.width / to.columns / (toCanvas.height / to.rows);
      const shapes = placed.map((p) => (p.w * cellAspect) / p.h);
      const { sx, sy } = fill(placed, to);
      grow(placed, to, shapes, cellAspect);
      let area = 0;
      for (const p of placed) area += p.w * p.h;
      const coverage = area / (to.columns * to.rows);
      const score = coverage - SHAPE_PENALTY * Math.abs(Math.log(sx / sy)) - leftOut.length;
      if (!best || score > best.score + 1e-9) best = { placed, leftOut, score };
      if (top === 0) break;
    }
  }
  const chosen = best ?? { placed: [], leftOut: order.map((p) => p.widget) };
  return { placements: chosen.placed, leftOut: chosen.leftOut, mode: "flow" };
}

/**
 * Re-arranges from's placements for a target canvas and grid. Placements come
 * back in reading order of the source; left-out widgets are listed apart.
 */
export function rearrange(from: Arrangement, toCanvas: CanvasSize, toGrid: GridSize): Rearranged {
  const to: GridSize = {
    columns: clampInt(toGrid.columns, MIN_GRID_CELLS, MAX_GRID_CELLS),
    rows: clampInt(toGrid.rows, MIN_GRID_CELLS, MAX_GRID_CELLS),
  };
  if (from.placements.length === 0) return { placements: [], leftOut: [], mode: "proportional" };
  const sw = Math.max(1, from.canvas.width);
  const sh = Math.max(1, from.canvas.height);
  const stretch = toCanvas.width / sw / (toCanvas.height / sh);
  const src: Arrangement = {
    canvas: { width: sw, height: sh },
    grid: { columns: Math.max(1, from.grid.columns), rows: Math.max(1, from.grid.rows) },
    placements: from.placements,
  };
  if (Math.max(stretch, 1 / stretch) <= MAX_PROPORTIONAL_STRETCH) {
    const out = proportional(src, to);
    if (out.leftOut.length === 0) return out;
    // A much coarser grid can leave no room for the later widgets at their
    // spots; flowing them places every widget the grid has cells for.
    const flowed = flow(src, toCanvas, to);
    return flowed.leftOut.length < out.leftOut.length ? flowed : out;
  }
  return flow(src, toCanvas, to);
}

/** A broken rule of an arrangement, for tests and for the editor's own checks. */
export function problems(ps: readonly Cells[], grid: GridSize): string[] {
  const out: string[] = [];
  const owner = new Map<number, string>();
  const seen = new Set<string>();
  for (const p of ps) {
    if (seen.has(p.widget)) out.push(`${p.widget} is placed twice`);
    seen.add(p.widget);
    if (!Number.isInteger(p.x) || !Number.isInteger(p.y) || !Number.isInteger(p.w) || !Number.isInteger(p.h)) {
      out.push(`${p.widget} has non-integer cells`);
      continue;
    }
    if (p.w < 1 || p.h < 1 || p.x < 0 || p.y < 0 || p.x + p.w > grid.columns || p.y + p.h > grid.rows) {
      out.push(`${p.widget} at ${p.x},${p.y} ${p.w}×${p.h} is outside the ${grid.columns}×${grid.rows} grid`);
      continue;
    }
    for (let y = p.y; y < p.y + p.h; y++) {
      for (let x = p.x; x < p.x + p.w; x++) {
        const k = y * grid.columns + x;
        const o = owner.get(k);
        if (o !== undefined) {
          out.push(`${p.widget} overlaps ${o} at x=${x} y=${y}`);
          y = p.y + p.h;
          break;
        }
        owner.set(k, p.widget);
      }
    }
  }
  return out;
}
