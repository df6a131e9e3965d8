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

/** Returns the index of the hexagon under (x, y) in the layout's box, or -1 between or outside them. */
export function hexAt(l: HexLayout, x: number, y: number): number {
  if (l.n <= 0 || l.r <= 0) return -1;
  const row0 = Math.round((y - l.oy - l.r) / (1.5 * l.r));
  let best = -1;
  let bestD = Infinity;
  // The nearest centre wins (the hexagons are the cells of their centres);
  // the row estimate can be one off near the zigzag edges.
  for (let row = row0 - 1; row <= row0 + 1; row++) {
    if (row < 0 || row >= l.rows) continue;
    const col0 = Math.round((x - l.ox) / (SQRT3 * l.r) - 0.5 - (row % 2) * 0.5);
    for (let col = col0 - 1; col <= col0 + 1; col++) {
      const i = row * l.cols + col;
      if (col < 0 || col >= l.cols || i >= l.n) continue;
      const [cx, cy] = hexCenter(l, i);
      const d = (cx - x) * (cx - x) + (cy - y) * (cy - y);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
  }
  // Beyond the inscribed circle of its nearest hexagon, a point may be
  // outside every hexagon (the grid's ragged edges): only accept it inside.
  return best >= 0 && insideHex(hexCenter(l, best), l.r, x, y) ? best : -1;
}

function insideHex([cx, cy]: [number, number], r: number, x: number, y: number): boolean {
  const dx = Math.abs(x - cx);
  const dy = Math.abs(y - cy);
  const hw = (SQRT3 / 2) * r;
  return dx <= hw && dy <= r - dx / SQRT3;
}

/**
 * Returns the font the names of a honeycomb are drawn at: the largest, up to
 * maxFont, at which every name is whole within maxW, but not under minFont
 * (the names still too wide there are shortened by fitName). One font for
 * all reads better on a wall than sizes varying hexagon to hexagon. widths
 * are the names' widths at a 1 px font (widths scale with the font).
 */
export function namesFont(widths: ArrayLike<number>, maxW: number, maxFont: number, minFont: number): number {
  let font = maxFont;
  for (let i = 0; i < widths.length; i++) {
    const w = widths[i]!;
    if (w > 0) font = Math.min(font, maxW / w);
  }
  return Math.max(minFont, font);
}

/**
 * Returns the length of the beginning every name shares, up to and with its
 * last separator (- _ . / :): "db-" of "db-orders-01" and "db-users-02".
 * Hexagons drawn side by side need not repeat it (the widget's title says
 * what the objects are, the tooltip gives the full name); 0 for fewer than
 * two names or when a name would be left empty.
 */
export function commonPrefixLength(names: string[]): number {
  if (names.length < 2) return 0;
  const first = names[0]!;
  let n = first.length;
  for (const s of names) {
    let i = 0;
    while (i < n && i < s.length && s[i] === first[i]) i++;
    n = i;
    if (n === 0) return 0;
  }
  while (n > 0 && !/[-_./:]/.test(first[n - 1]!)) n--;
  return names.some((s) => s.length <= n) ? 0 : n;
}

/**
 * Returns name as drawn in maxW at font: whole when it fits, else shortened
 * in the middle with "…". The middle goes because object names share their
 * beginning and differ at the end ("db-eu-west-17", "host-04213"): the head
 * keeps the family, the tail (the larger share) what tells hexagons apart.
 * width(s) is the width of s at a 1 px font.
 */
export function fitName(name: string, maxW: number, font: number, width: (s: string) => number): string {
  if (width(name) * font <= maxW) return name;
  const chars = Array.from(name);
  const cut = (k: number): string => {
    const head = Math.floor(k * 0.4);
    return chars.slice(0, head).join("") + "…" + chars.slice(chars.length - (k - head)).join("");
  };
  // The most characters kept that fit, at least one (the last).
  let lo = 1;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (width(cut(mid)) * font <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
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

/**
 * A sprite's pixels split for copying into a canvas-sized pixel buffer: the
 * opaque ones are copied as 32-bit words, the partly transparent ones (the
 * anti-aliased rim) blended over what is there, the transparent ones skipped.
 * Offsets are relative to the sprite's top-left in the buffer (y * width + x).
 */
export interface SpritePixels {
  size: number;
  /** Buffer offsets and RGBA words of the opaque pixels. */
  opaqueOff: Int32Array;
  opaqueRGBA: Uint32Array;
  /** Sprite x, y, buffer offset and RGBA bytes (4 per pixel) of the partly transparent ones. */
  partX: Int32Array;
  partY: Int32Array;
  partOff: Int32Array;
  partRGBA: Uint8Array;
  /** The partly transparent pixels blended over the background, as RGBA words: nearly all of them land on it. */
  partOverBg: Uint32Array;
  /** The background's RGBA word. */
  background: number;
  /** Sprite x, y of the opaque pixels, for sprites clipped by the buffer's edge. */
  opaqueX: Int32Array;
  opaqueY: Int32Array;
}

/**
 * Splits a size×size RGBA sprite (not premultiplied, as getImageData gives
 * it) for a buffer width wide whose background is the RGBA word background.
 */
export function spritePixels(rgba: Uint8ClampedArray | Uint8Array, size: number, width: number, background: number): SpritePixels {
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, size * size);
  let nOpaque = 0;
  let nPart = 0;
  for (let p = 0; p < size * size; p++) {
    const a = rgba[p * 4 + 3]!;
    if (a === 255) nOpaque++;
    else if (a > 0) nPart++;
  }
  const sp: SpritePixels = {
    size,
    opaqueOff: new Int32Array(nOpaque),
    opaqueRGBA: new Uint32Array(nOpaque),
    opaqueX: new Int32Array(nOpaque),
    opaqueY: new Int32Array(nOpaque),
    partX: new Int32Array(nPart),
    partY: new Int32Array(nPart),
    partOff: new Int32Array(nPart),
    partRGBA: new Uint8Array(nPart * 4),
    partOverBg: new Uint32Array(nPart),
    background,
  };
  const bgWord = new Uint32Array([background]);
  const bgBytes = new Uint8ClampedArray(bgWord.buffer);
  const blended = new Uint8ClampedArray(4);
  const blendedWord = new Uint32Array(blended.buffer);
  let o = 0;
  let q = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      const a = rgba[p * 4 + 3]!;
      if (a === 255) {
        sp.opaqueOff[o] = y * width + x;
        sp.opaqueRGBA[o] = words[p]!;
        sp.opaqueX[o] = x;
        sp.opaqueY[o] = y;
        o++;
      } else if (a > 0) {
        sp.partX[q] = x;
        sp.partY[q] = y;
        sp.partOff[q] = y * width + x;
        for (let c = 0; c < 4; c++) sp.partRGBA[q * 4 + c] = rgba[p * 4 + c]!;
        for (let c = 0; c < 3; c++) blended[c] = (rgba[p * 4 + c]! * a + bgBytes[c]! * (255 - a)) / 255;
        blended[3] = bgBytes[3]!;
        sp.partOverBg[q] = blendedWord[0]!;
        q++;
      }
    }
  }
  return sp;
}

/**
 * Draws a sprite with its top-left at (x, y) into an opaque width×height
 * RGBA buffer (bytes and the same memory as 32-bit words), as drawImage
 * would: opaque pixels replace, rim pixels blend (source over), pixels
 * outside the buffer are dropped.
 */
export function blitSprite(bytes: Uint8ClampedArray, words: Uint32Array, width: number, height: number, sp: SpritePixels, x: number, y: number): void {
  const base = y * width + x;
  const inside = x >= 0 && y >= 0 && x + sp.size <= width && y + sp.size <= height;
  const oo = sp.opaqueOff;
  const ov = sp.opaqueRGBA;
  if (inside) {
    for (let j = 0; j < oo.length; j++) words[base + oo[j]!] = ov[j]!;
  } else {
    for (let j = 0; j < oo.length; j++) {
      const px = x + sp.opaqueX[j]!;
      const py = y + sp.opaqueY[j]!;
      if (px >= 0 && py >= 0 && px < width && py < height) words[py * width + px] = ov[j]!;
    }
  }
  const po = sp.partOff;
  const pc = sp.partRGBA;
  const pb = sp.partOverBg;
  const bg = sp.background;
  for (let j = 0; j < po.length; j++) {
    let d: number;
    if (inside) {
      const w = base + po[j]!;
      if (words[w] === bg) {
        words[w] = pb[j]!;
        continue;
      }
      d = w * 4;
    } else {
      const px = x + sp.partX[j]!;
      const py = y + sp.partY[j]!;
      if (px < 0 || py < 0 || px >= width || py >= height) continue;
      d = (py * width + px) * 4;
    }
    const a = pc[j * 4 + 3]!;
    const b = 255 - a;
    // Uint8ClampedArray rounds on store.
    bytes[d] = (pc[j * 4]! * a + bytes[d]! * b) / 255;
    bytes[d + 1] = (pc[j * 4 + 1]! * a + bytes[d + 1]! * b) / 255;
    bytes[d + 2] = (pc[j * 4 + 2]! * a + bytes[d + 2]! * b) / 255;
  }
}

/**
 * Updates changing at least this many hexagons, and a quarter of them, repaint
 * through the pixel buffer (a few ms for the whole canvas); smaller ones blit
 * their hexagons with drawImage (a few µs each).
 */
const MIN_BUFFERED = 500;

/** Names are drawn on hexagons at least this wide (design pixels) when labels is "auto". */
const MIN_NAMED_RADIUS = 22;

function stateWord(s: number): string {
  const name = HONEYCOMB_STATES[s] ?? "nodata";
  return name === "nodata" ? "no data" : name;
}

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
  // the gap around it, placed at whole device pixels. Filling anti-aliased
  // paths of 10,000 hexagons costs hundreds of ms in software rendering.
  let sprites: HTMLCanvasElement[] = [];
  let spriteSize = 0;
  /** Top-left device pixel of each hexagon's sprite (per layout and ratio: no allocation per update). */
  let spriteX = new Int32Array(0);
  let spriteY = new Int32Array(0);

  // Many changes are drawn in script into a canvas-sized pixel buffer, put
  // with one putImageData: 10,000 drawImage calls cost 30-70 ms of main thread
  // in headless Chromium (software raster), the buffer a few ms. Few changes
  // are blitted with drawImage, touching only their hexagons. The buffer is as
  // big as the canvas and kept for its lifetime (no garbage per update).
  let image: ImageData | null = null;
  let words = new Uint32Array(0);
  let pixels: SpritePixels[] = [];
  let background = 0;

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
    spriteX = new Int32Array(layout.n);
    spriteY = new Int32Array(layout.n);
    for (let i = 0; i < layout.n; i++) {
      const [x, y] = hexCenter(layout, i);
      spriteX[i] = Math.round(x * ratio - c);
      spriteY[i] = Math.round(y * ratio - c);
    }
    image = null;
    pixels = [];
  };

  /** Makes the pixel buffer and the sprites' pixels, once per layout and size. */
  const preparePixels = (): ImageData | null => {
    if (!g) return null;
    if (image && image.width === canvas.width && image.height === canvas.height && pixels.length === sprites.length) return image;
    image = g.createImageData(canvas.width, canvas.height);
    words = new Uint32Array(image.data.buffer);
    // The panel colour as a canvas writes it (no CSS colour parsing here);
    // read from a scratch canvas, never the widget's (a readback can slow it).
    const scratch = document.createElement("canvas");
    scratch.width = 1;
    scratch.height = 1;
    const bg = scratch.getContext("2d", { alpha: false });
    if (bg) {
      bg.fillStyle = surface;
      bg.fillRect(0, 0, 1, 1);
      background = new Uint32Array(bg.getImageData(0, 0, 1, 1).data.buffer)[0]!;
    }
    pixels = sprites.map((sc) => {
      const sg = sc.getContext("2d");
      const rgba = sg ? sg.getImageData(0, 0, spriteSize, spriteSize).data : new Uint8ClampedArray(spriteSize * spriteSize * 4);
      return spritePixels(rgba, spriteSize, canvas.width, background);
    });
    return image;
  };

  // Names fitted to the hexagons (one font, the prefix all share dropped,
  // some shortened in the middle), computed when
  // the layout or the ids change: measuring text on every update would cost
  // more than drawing it.
  let fitted: { font: number; texts: string[] } | null = null;
  const nameFont = (px: number): string => `600 ${px.toFixed(1)}px system-ui, sans-serif`;
  const fitNames = (): { font: number; texts: string[] } => {
    if (fitted) return fitted;
    const r = layout.r;
    // The hexagon is √3·r wide across its middle, less the gap and a margin;
    // the font up to 0.42 r (a line fits the height easily), down to 0.26 r
    // and never under 6 px.
    const maxW = SQRT3 * r * 0.82;
    const minFont = Math.max(6, r * 0.26);
    const all = ids.slice(0, layout.n);
    const cut = commonPrefixLength(all);
    const names = cut > 0 ? all.map((n) => n.slice(cut)) : all;
    const unit = (t: string): number => (g ? g.measureText(t).width / 100 : 0);
    if (g) g.font = nameFont(100);
    const font = namesFont(names.map(unit), maxW, Math.max(minFont, r * 0.42), minFont);
    fitted = { font, texts: names.map((n) => fitName(n, maxW, font, unit)) };
    return fitted;
  };

  const drawNames = (idx: ArrayLike<number> | null): void => {
    if (!g || !namesOn()) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.textAlign = "center";
    g.textBaseline = "middle";
    const f = fitNames();
    g.font = nameFont(f.font);
    const count = idx ? idx.length : layout.n;
    for (let k = 0; k < count; k++) {
      const i = idx ? idx[k]! : k;
      const [x, y] = hexCenter(layout, i);
      g.fillStyle = onColors[states[i]!] ?? "";
      g.fillText(f.texts[i] ?? "", x, y);
    }
  };

  // The full name (and state) of the hexagon under the pointer, as the
  // canvas's title: names drawn are shortened, and small hexagons have none.
  canvas.addEventListener("mousemove", (e) => {
    const rect = canvas.getBoundingClientRect();
    // The stage may be scaled: back to design pixels.
    const sx = rect.width > 0 ? cw / rect.width : 1;
    const sy = rect.height > 0 ? ch / rect.height : 1;
    const i = hexAt(layout, (e.clientX - rect.left) * sx, (e.clientY - rect.top) * sy);
    const title = i < 0 ? "" : `${ids[i] || `#${i + 1}`}: ${stateWord(states[i]!)}`;
    if (canvas.title !== title) canvas.title = title;
  });

  /** Blits the sprites of the hexagons idx with drawImage. */
  const fillHexes = (idx: ArrayLike<number>): void => {
    if (!g || sprites.length === 0) return;
    g.setTransform(1, 0, 0, 1, 0, 0);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      g.drawImage(sprites[states[i]!]!, spriteX[i]!, spriteY[i]!);
    }
    drawNames(idx);
  };

  /** Paints the whole canvas from the states through the pixel buffer. */
  const paintAll = (): void => {
    const img = preparePixels();
    if (!g || !img) return;
    const bytes = img.data;
    const w = img.width;
    const ht = img.height;
    words.fill(background);
    for (let i = 0; i < layout.n; i++) blitSprite(bytes, words, w, ht, pixels[states[i]!]!, spriteX[i]!, spriteY[i]!);
    g.putImageData(img, 0, 0);
    drawNames(null);
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
    makeSprites();
    fitted = null;
    paintAll();
  };

  return {
    update(data) {
      const d = isRecord(data) ? data : {};
      const rawIds = Array.isArray(d["ids"]) ? (d["ids"] as unknown[]) : [];
      const next = readStates(d, rawIds.length);
      // Ids matter only when names are drawn; they can change order (sort by state).
      const sameIds = rawIds.length === ids.length && rawIds.every((id, i) => id === ids[i]);
      if (!sameIds) {
        ids = rawIds.map(strOf);
        fitted = null;
      }
      if (layout.n !== next.length || ratio === 0 || (!sameIds && namesOn())) {
        layout = hexLayout(next.length, cw, ch);
        states = next;
        redrawAll();
      } else {
        const changed = changedIndexes(states, next);
        states = next;
        if (changed.length >= MIN_BUFFERED && changed.length * 4 >= layout.n) paintAll();
        else if (changed.length > 0) fillHexes(changed);
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
