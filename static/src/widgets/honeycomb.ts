// honeycomb: one hexagon per object, coloured by state, grey when silent.
// Built for 10,000 objects updating every second: one canvas (no element per
// object), the layout computed once per object count and size, and an update
// repaints only the hexagons whose state changed, batched into one path per
// colour.

import { h } from "../dom.ts";
import { cfgStr, isRecord, numOrNull, strOf, type WidgetFactory } from "./types.ts";

const SQRT3 = Math.sqrt(3);

/** The state names the states array indexes (docs/widgets.md). */
export const HONEYCOMB_STATES = ["ok", "warning", "critical", "nodata"] as const;

/** Where n pointy-top hexagons go in a w×h box. */
export interface HexLayout {
  n: number;
  /** Outer radius (centre to corner). */
  r: number;
  cols: number;
  rows: number;
  /** Offset of the grid's top-left, centring it in the box. */
  ox: number;
  oy: number;
}

/**
 * Chooses the column count that gives the largest hexagons for n objects in
 * w×h. Odd rows are shifted right by half a hexagon; rows are 1.5 r apart.
 */
export function hexLayout(n: number, w: number, h: number): HexLayout {
  if (n <= 0 || w <= 0 || h <= 0) return { n: Math.max(n, 0), r: 0, cols: 0, rows: 0, ox: 0, oy: 0 };
  let best = { r: 0, cols: 1, rows: n };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const r = Math.min(w / (SQRT3 * (cols + (rows > 1 ? 0.5 : 0))), h / (1.5 * (rows - 1) + 2));
    if (r > best.r) best = { r, cols, rows };
  }
  const { r, cols, rows } = best;
  const gridW = SQRT3 * r * (cols + (rows > 1 ? 0.5 : 0));
  const gridH = r * (1.5 * (rows - 1) + 2);
  return { n, r, cols, rows, ox: (w - gridW) / 2, oy: (h - gridH) / 2 };
}

/** Returns the centre of hexagon i. */
export function hexCenter(l: HexLayout, i: number): [number, number] {
  const row = Math.floor(i / l.cols);
  const col = i - row * l.cols;
  return [l.ox + SQRT3 * l.r * (col + 0.5 + (row % 2) * 0.5), l.oy + l.r + 1.5 * l.r * row];
}

/**
 * Returns the indexes whose state differs between prev and next (all of
 * them when the lengths differ).
 */
export function changedIndexes(prev: ArrayLike<number>, next: ArrayLike<number>): number[] {
  const out: number[] = [];
  if (prev.length !== next.length) {
    for (let i = 0; i < next.length; i++) out.push(i);
    return out;
  }
  for (let i = 0; i < next.length; i++) if (prev[i] !== next[i]) out.push(i);
  return out;
}

function hexPath(ctx: CanvasRenderingContext2D, cx: number, cy: number, r: number): void {
  const dx = (SQRT3 / 2) * r;
  const hr = r / 2;
  ctx.moveTo(cx, cy - r);
  ctx.lineTo(cx + dx, cy - hr);
  ctx.lineTo(cx + dx, cy + hr);
  ctx.lineTo(cx, cy + r);
  ctx.lineTo(cx - dx, cy + hr);
  ctx.lineTo(cx - dx, cy - hr);
  ctx.closePath();
}

/**
 * Returns the state index of each object, nodata where the data has none.
 * states is an array of indexes (docs/widgets.md); a base64 string of bytes
 * (how Go's encoding/json writes a []uint8) is read too.
 */
export function readStates(d: Record<string, unknown>, n: number): Int8Array {
  const out = new Int8Array(n);
  const raw = d["states"];
  if (typeof raw === "string") {
    let bin = "";
    try {
      bin = atob(raw);
    } catch {
      bin = "";
    }
    for (let i = 0; i < n; i++) {
      const s = i < bin.length ? bin.charCodeAt(i) : 3;
      out[i] = s < HONEYCOMB_STATES.length ? s : 3;
    }
    return out;
  }
  const states = Array.isArray(raw) ? (raw as unknown[]) : [];
  for (let i = 0; i < n; i++) {
    const s = states[i];
    out[i] = typeof s === "number" && s >= 0 && s < HONEYCOMB_STATES.length ? s : 3;
  }
  return out;
}

/** Names are drawn on hexagons at least this wide (design pixels) when labels is "auto". */
const MIN_NAMED_RADIUS = 22;

export const createHoneycomb: WidgetFactory = (body, w, size, ctx) => {
  const labels = cfgStr(w, "labels", "auto");
  const legendFont = Math.max(10, Math.round(Math.min(size.h / 14, size.w / 40, 22)));
  const legendH = Math.round(legendFont * 1.8);
  const cw = size.w;
  const ch = Math.max(0, size.h - legendH);
  const canvas = h("canvas", { class: "fb-honeycomb", "data-testid": "honeycomb" });
  canvas.style.width = `${cw}px`;
  canvas.style.height = `${ch}px`;
  const legend = h("div", { class: "fb-honeycomb-legend" });
  legend.style.fontSize = `${legendFont}px`;
  legend.style.height = `${legendH}px`;
  const legendCounts = HONEYCOMB_STATES.map((s) => {
    const n = h("span", { class: "fb-honeycomb-n" }, "0");
    legend.appendChild(h("span", { class: "fb-honeycomb-item", "data-state": s }, h("span", { class: "fb-honeycomb-dot" }), n, ` ${s === "nodata" ? "no data" : s}`));
    return n;
  });
  body.appendChild(canvas);
  body.appendChild(legend);
  const g = canvas.getContext("2d", { alpha: false });
  const colors = HONEYCOMB_STATES.map((s) => ctx.theme.states[s] || ctx.theme.muted);
  const onColors = HONEYCOMB_STATES.map((s) => ctx.theme.on_state[s] || ctx.theme.text);
  const surface = ctx.theme.surface;

  let layout: HexLayout = hexLayout(0, cw, ch);
  let states: Int8Array = new Int8Array(0);
  let ids: string[] = [];
  let ratio = 0;

  const namesOn = (): boolean => labels === "on" || (labels === "auto" && layout.r >= MIN_NAMED_RADIUS);

  // One pre-rendered sprite per state: an opaque panel-coloured hexagon (it
  // covers whatever was drawn there before) holding the state's hexagon with
  // the gap around it. Blitting 10,000 sprites at whole device pixels costs a
  // few milliseconds; filling anti-aliased paths of 10,000 hexagons costs
  // hundreds in software rendering.
  let sprites: HTMLCanvasElement[] = [];
  let spriteSize = 0;

  const makeSprites = (): void => {
    const r = layout.r * ratio;
    const gap = r > 4 ? Math.max(r * 0.08, 0.8) : 0;
    spriteSize = Math.ceil(2 * r) + 2;
    const c = spriteSize / 2;
    sprites = colors.map((color) => {
      const sc = document.createElement("canvas");
      sc.width = spriteSize;
      sc.height = spriteSize;
      const sg = sc.getContext("2d");
      if (sg) {
        sg.fillStyle = surface;
        sg.beginPath();
        hexPath(sg, c, c, Math.max(0, r - 0.5));
        sg.fill();
        sg.fillStyle = color;
        sg.beginPath();
        hexPath(sg, c, c, Math.max(0.5, r - gap));
        sg.fill();
      }
      return sc;
    });
  };

  const fillHexes = (idx: ArrayLike<number>): void => {
    if (!g || sprites.length === 0) return;
    g.setTransform(1, 0, 0, 1, 0, 0);
    const half = spriteSize / 2;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const [x, y] = hexCenter(layout, i);
      g.drawImage(sprites[states[i]!]!, Math.round(x * ratio - half), Math.round(y * ratio - half));
    }
    if (namesOn()) {
      const r = layout.r;
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      const font = Math.max(6, r * 0.32);
      g.font = `600 ${font.toFixed(1)}px system-ui, sans-serif`;
      g.textAlign = "center";
      g.textBaseline = "middle";
      const maxChars = Math.max(1, Math.floor((r * 1.6) / (font * 0.6)));
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k]!;
        let name = ids[i] ?? "";
        if (name.length > maxChars) name = name.slice(0, maxChars - 1) + "…";
        const [x, y] = hexCenter(layout, i);
        g.fillStyle = onColors[states[i]!] ?? "";
        g.fillText(name, x, y);
      }
    }
  };

  const redrawAll = (): void => {
    if (!g) return;
    ratio = ctx.pixelRatio();
    const bw = Math.max(1, Math.round(cw * ratio));
    const bh = Math.max(1, Math.round(ch * ratio));
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw;
      canvas.height = bh;
    }
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = surface;
    g.fillRect(0, 0, bw, bh);
    makeSprites();
    const all = new Array<number>(layout.n);
    for (let i = 0; i < layout.n; i++) all[i] = i;
    fillHexes(all);
  };

  return {
    update(data) {
      const d = isRecord(data) ? data : {};
      const rawIds = Array.isArray(d["ids"]) ? (d["ids"] as unknown[]) : [];
      const next = readStates(d, rawIds.length);
      // Ids matter only when names are drawn; they can change order (sort by state).
      const sameIds = rawIds.length === ids.length && rawIds.every((id, i) => id === ids[i]);
      if (!sameIds) ids = rawIds.map(strOf);
      if (layout.n !== next.length || ratio === 0 || (!sameIds && namesOn())) {
        layout = hexLayout(next.length, cw, ch);
        states = next;
        redrawAll();
      } else {
        const changed = changedIndexes(states, next);
        states = next;
        if (changed.length > 0) fillHexes(changed);
      }
      const counts = isRecord(d["counts"]) ? d["counts"] : {};
      HONEYCOMB_STATES.forEach((s, i) => {
        const text = String(numOrNull(counts[s]) ?? 0);
        const el = legendCounts[i]!;
        if (el.textContent !== text) el.textContent = text;
      });
    },
    rescale() {
      if (ctx.pixelRatio() !== ratio && layout.n > 0) redrawAll();
    },
    dispose() {},
  };
};
