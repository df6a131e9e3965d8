// A board's thumbnail for the board list: its first variant at true
// proportions, one rectangle per placed widget, tinted by the widget's kind
// family and holding a small drawing of what the kind shows (a line, bars,
// hexagons, a hitmap band ...), so a wall reads at a glance. Drawn in canvas
// coordinates in one SVG; strokes keep one screen pixel at any scale.

import { svg } from "./dom.ts";
import { kindFamily, type Thumb, type ThumbItem } from "./lib/boards.ts";

const OK = "#3fb950";
const WARN = "#e3b341";
const CRIT = "#ff5f56";
const MUTED = "#7d8590";
const BLUES = ["#1f60c4", "#5794f2", "#8f7ef2"];

/** The colour of each kind family: the tint of its rectangle and its drawing. */
const FAMILY_COLOR: Record<string, string> = {
  chart: "#5794f2",
  number: "#73bf69",
  objects: "#37b8c4",
  list: "#a68bf2",
  content: "#9a9db0",
};

/** A small deterministic random source per widget, so a thumbnail looks the same on every load. */
function rng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  let s = h >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

type Box = { x: number; y: number; w: number; h: number };

const f = (n: number): string => (Math.round(n * 10) / 10).toString();

function rect(b: Box, fill: string, extra: Record<string, string | number> = {}): SVGElement {
  return svg("rect", { x: f(b.x), y: f(b.y), width: f(Math.max(0, b.w)), height: f(Math.max(0, b.h)), fill, ...extra });
}

function line(points: Array<[number, number]>, color: string): SVGElement {
  return svg("polyline", {
    points: points.map(([x, y]) => `${f(x)},${f(y)}`).join(" "),
    fill: "none",
    stroke: color,
    "stroke-width": 1.5,
    "stroke-linejoin": "round",
    "vector-effect": "non-scaling-stroke",
  });
}

function walk(r: () => number, n: number): number[] {
  const out: number[] = [];
  let v = 0.3 + r() * 0.4;
  for (let i = 0; i < n; i++) {
    v = Math.min(0.95, Math.max(0.05, v + (r() - 0.5) * 0.35));
    out.push(v);
  }
  return out;
}

function sector(cx: number, cy: number, r0: number, r1: number, a0: number, a1: number, fill: string): SVGElement {
  const p = (r: number, a: number): string => `${f(cx + r * Math.cos(a))},${f(cy + r * Math.sin(a))}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  const d =
    `M${p(r1, a0)} A${f(r1)},${f(r1)} 0 ${large} 1 ${p(r1, a1)} ` +
    (r0 > 0 ? `L${p(r0, a1)} A${f(r0)},${f(r0)} 0 ${large} 0 ${p(r0, a0)} Z` : `L${f(cx)},${f(cy)} Z`);
  return svg("path", { d, fill });
}

/** The drawing of a kind inside body b (canvas coordinates). */
function glyph(kind: string, b: Box, r: () => number, color: string): SVGElement[] {
  const out: SVGElement[] = [];
  switch (kind) {
    case "timeseries": {
      const v = walk(r, 14);
      const pts = v.map((y, i): [number, number] => [b.x + (b.w * i) / (v.length - 1), b.y + b.h * (1 - y)]);
      const area = [...pts, [b.x + b.w, b.y + b.h], [b.x, b.y + b.h]] as Array<[number, number]>;
      out.push(svg("polygon", { points: area.map(([x, y]) => `${f(x)},${f(y)}`).join(" "), fill: color, opacity: 0.18 }));
      out.push(line(pts, color));
      break;
    }
    case "bar":
    case "equalizer": {
      const n = Math.max(3, Math.min(10, Math.round(b.w / (b.h / 3 + 1))));
      const slot = b.w / n;
      for (let i = 0; i < n; i++) {
        const hgt = b.h * (0.3 + r() * 0.7);
        const x = b.x + i * slot + slot * 0.15;
        const bw = slot * 0.7;
        if (kind === "bar") {
          out.push(rect({ x, y: b.y + b.h - hgt, w: bw, h: hgt }, color));
        } else {
          const slow = hgt * r() * 0.25;
          const very = i % 4 === 1 ? hgt * 0.12 : 0;
          const okH = hgt - slow - very;
          const bottom = b.y + b.h;
          out.push(rect({ x, y: bottom - okH, w: bw, h: okH }, OK));
          out.push(rect({ x, y: bottom - okH - slow, w: bw, h: slow }, WARN));
          if (very > 0) out.push(rect({ x, y: b.y + b.h - hgt, w: bw, h: very }, CRIT));
        }
      }
      break;
    }
    case "pie":
    case "gauge": {
      const cx = b.x + b.w / 2;
      if (kind === "pie") {
        const cy = b.y + b.h / 2;
        const rad = Math.min(b.w, b.h) * 0.45;
        const cut1 = 0.35 + r() * 0.25;
        const cut2 = cut1 + 0.15 + r() * 0.15;
        const a = (t: number): number => -Math.PI / 2 + t * 2 * Math.PI;
        out.push(sector(cx, cy, rad * 0.55, rad, a(0), a(cut1), color));
        out.push(sector(cx, cy, rad * 0.55, rad, a(cut1), a(cut2), "#73bf69"));
        out.push(sector(cx, cy, rad * 0.55, rad, a(cut2), a(1) - 0.001, "#a68bf2"));
      } else {
        const rad = Math.min(b.w / 2, b.h * 0.85) * 0.95;
        const cy = b.y + b.h / 2 + rad * 0.45;
        const val = 0.35 + r() * 0.5;
        out.push(sector(cx, cy, rad * 0.7, rad, Math.PI, 2 * Math.PI, "#2c313a"));
        out.push(sector(cx, cy, rad * 0.7, rad, Math.PI, Math.PI * (1 + val), val > 0.75 ? WARN : OK));
      }
      break;
    }
    case "stat": {
      const vh = Math.min(b.h * 0.4, b.w * 0.25);
      out.push(rect({ x: b.x + b.w * 0.2, y: b.y + b.h * 0.3 - vh / 2, w: b.w * 0.6, h: vh }, color, { rx: f(vh * 0.2) }));
      const v = walk(r, 10);
      out.push(line(v.map((y, i) => [b.x + (b.w * i) / 9, b.y + b.h * (0.95 - y * 0.35)]), color));
      break;
    }
    case "status": {
      const vh = Math.min(b.h * 0.35, b.w * 0.2);
      out.push(rect({ x: b.x + b.w * 0.2, y: b.y + b.h / 2 - vh / 2, w: b.w * 0.6, h: vh }, "#0b1f10", { rx: f(vh * 0.2) }));
      break;
    }
    case "honeycomb": {
      // About 8 hexagons per row on a wide widget, never more than 300 in all.
      const area = b.w * b.h;
      const s = Math.max(Math.sqrt(area / 300), Math.min(b.w, b.h) / 7);
      const cols = Math.max(1, Math.floor(b.w / s));
      const rows = Math.max(1, Math.floor(b.h / (s * 0.87)));
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i < cols - (j % 2); i++) {
          const p = r();
          const c = p < 0.04 ? CRIT : p < 0.1 ? WARN : p < 0.13 ? MUTED : OK;
          out.push(svg("circle", { cx: f(b.x + s * (i + 0.5 + (j % 2) * 0.5)), cy: f(b.y + s * 0.87 * (j + 0.5)), r: f(s * 0.42), fill: c }));
        }
      }
      break;
    }
    case "hitmap": {
      const cols = 18;
      const rows = 9;
      const cw = b.w / cols;
      const ch = b.h / rows;
      for (let i = 0; i < cols; i++) {
        const band = 4 + Math.round((r() - 0.5) * 2);
        for (let j = 0; j < rows; j++) {
          const d = Math.abs(j - band);
          if (d > 2 || r() < 0.25 * d) continue;
          out.push(rect({ x: b.x + i * cw, y: b.y + j * ch, w: cw * 0.9, h: ch * 0.9 }, BLUES[Math.min(2, 2 - d)] as string));
        }
        if (r() < 0.15) out.push(rect({ x: b.x + i * cw, y: b.y + ch * (1 + Math.floor(r() * 2)), w: cw * 0.9, h: ch * 0.9 }, CRIT));
      }
      break;
    }
    case "table":
    case "topn":
    case "events":
    case "text": {
      const n = kind === "text" ? 4 : 5;
      const step = b.h / n;
      const th = Math.min(step * 0.45, b.w * 0.08);
      for (let i = 0; i < n; i++) {
        const y = b.y + step * i + (step - th) / 2;
        if (kind === "topn") {
          out.push(rect({ x: b.x, y, w: b.w * (0.95 - i * 0.15) * (0.9 + r() * 0.1), h: th }, color, { rx: f(th / 3) }));
        } else if (kind === "events") {
          out.push(svg("circle", { cx: f(b.x + th / 2), cy: f(y + th / 2), r: f(th / 2), fill: i === 1 ? CRIT : i === 3 ? WARN : OK }));
          out.push(rect({ x: b.x + th * 1.6, y: y + th * 0.2, w: b.w * (0.5 + r() * 0.4) - th * 1.6, h: th * 0.6 }, MUTED));
        } else if (kind === "table") {
          out.push(rect({ x: b.x, y: y + th * 0.2, w: b.w * 0.45, h: th * 0.6 }, MUTED));
          out.push(rect({ x: b.x + b.w * 0.55, y, w: b.w * 0.2, h: th }, i === 2 ? CRIT : "#3b4150"));
          out.push(rect({ x: b.x + b.w * 0.8, y, w: b.w * 0.2, h: th }, i === 4 ? WARN : "#3b4150"));
        } else {
          out.push(rect({ x: b.x, y, w: b.w * (i === 0 ? 0.55 : 0.6 + r() * 0.4), h: i === 0 ? th : th * 0.6 }, i === 0 ? "#d8d9e3" : MUTED));
        }
      }
      break;
    }
    case "clock": {
      const vh = Math.min(b.h * 0.45, b.w * 0.18);
      out.push(rect({ x: b.x + b.w * 0.15, y: b.y + b.h * 0.4 - vh / 2, w: b.w * 0.7, h: vh }, "#d8d9e3", { rx: f(vh * 0.2) }));
      out.push(rect({ x: b.x + b.w * 0.3, y: b.y + b.h * 0.4 + vh * 0.8, w: b.w * 0.4, h: vh * 0.35 }, MUTED));
      break;
    }
    case "image": {
      out.push(svg("polygon", {
        points: [[0.05, 0.95], [0.4, 0.35], [0.6, 0.7], [0.72, 0.5], [0.95, 0.95]].map(([x, y]) => `${f(b.x + b.w * x!)},${f(b.y + b.h * y!)}`).join(" "),
        fill: color,
        opacity: 0.6,
      }));
      out.push(svg("circle", { cx: f(b.x + b.w * 0.78), cy: f(b.y + b.h * 0.25), r: f(Math.min(b.w, b.h) * 0.1), fill: WARN }));
      break;
    }
    default:
      out.push(line([[b.x, b.y], [b.x + b.w, b.y + b.h]], MUTED), line([[b.x + b.w, b.y], [b.x, b.y + b.h]], MUTED));
  }
  return out;
}

function item(it: ThumbItem, t: Thumb, gap: number, seed: string): SVGElement {
  const { width: W, height: H } = t.canvas;
  const box: Box = { x: it.x * W + gap, y: it.y * H + gap, w: it.w * W - 2 * gap, h: it.h * H - 2 * gap };
  const family = kindFamily(it.kind);
  const color = FAMILY_COLOR[family] ?? MUTED;
  const status = it.kind === "status";
  const g = svg(
    "g",
    { class: `thumb-item thumb-${family}`, "data-testid": "thumb-item", "data-kind": it.kind },
    svg("title", {}),
    rect(box, status ? OK : "#1c2027", { rx: f(Math.min(box.w, box.h) * 0.04) }),
    rect(box, color, { rx: f(Math.min(box.w, box.h) * 0.04), opacity: status ? 0 : 0.1 }),
  );
  (g.firstChild as SVGElement).textContent = `${it.kind} widget`;
  // A title bar, then the body drawing with a margin.
  const pad = Math.min(box.w, box.h) * 0.1;
  const titleH = Math.min(box.h * 0.12, H * 0.03);
  g.appendChild(rect({ x: box.x + pad, y: box.y + pad * 0.6, w: box.w * 0.35, h: titleH * 0.5 }, status ? "#0b1f10" : MUTED, { opacity: 0.8 }));
  const body: Box = { x: box.x + pad, y: box.y + pad * 0.6 + titleH, w: box.w - 2 * pad, h: box.h - pad * 1.6 - titleH };
  if (body.w > 0 && body.h > 0) for (const el of glyph(it.kind, body, rng(seed), color)) g.appendChild(el);
  return g;
}

/**
 * Draws a thumbnail of t: an SVG whose viewBox is the canvas, so it keeps the
 * variant's proportions in any box (preserveAspectRatio meet). seed (the
 * board's id) makes each widget's made-up drawing the same on every load.
 */
export function drawThumb(t: Thumb, background = "#111217", seed = ""): SVGElement {
  const { width: W, height: H } = t.canvas;
  const gap = Math.min(W, H) * 0.004;
  const root = svg(
    "svg",
    {
      class: "thumb-svg",
      viewBox: `0 0 ${W} ${H}`,
      preserveAspectRatio: "xMidYMid meet",
      role: "img",
      "data-testid": "thumb",
      "data-variant": t.variant,
      "data-canvas": `${W}x${H}`,
    },
    svg("title", {}),
    rect({ x: 0, y: 0, w: W, h: H }, background, { stroke: "#2a2d35", "stroke-width": 1, "vector-effect": "non-scaling-stroke" }),
  );
  (root.firstChild as SVGElement).textContent = `Layout of ${t.variant || "the first variant"}: ${t.items.length} widget${t.items.length === 1 ? "" : "s"}`;
  t.items.forEach((it, i) => root.appendChild(item(it, t, gap, `${seed}/${i}/${it.kind}`)));
  return root;
}
