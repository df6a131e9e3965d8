// Category axis labels that must all be shown (the equalizer's services,
// one column each): every name, rotated or truncated to fit. The same
// estimate and rules as widgets/charts.go's CategoryLabelLayout, so the wall
// and the snapshot page fit them alike (widgets/testdata/category_labels.json
// checks both).

import { isRecord } from "./types.ts";

type Option = Record<string, unknown>;

function asList(v: unknown): Option[] {
  if (Array.isArray(v)) return v.filter(isRecord);
  return isRecord(v) ? [v] : [];
}

// A name is taken as LABEL_CHAR_EM of the font per character (system fonts
// average about 0.55 em: the margin keeps a fitting estimate from overlapping).
const LABEL_CHAR_EM = 0.6;
const LABEL_LINE_EM = 1.25;
const LABEL_MAX_HEIGHT_SHARE = 0.35;
/** The smallest font (design px) category labels shrink to. */
export const MIN_CATEGORY_LABEL_FONT = 8;

/**
 * Returns the axisLabel options that show every one of names on a category
 * axis plotW × plotH at font: horizontal when the longest fits its column,
 * else rotated 45° (90° when a line at 45° is wider than a column), the font
 * shrunk only when a vertical line does not fit; longer names are truncated
 * by ECharts with an ellipsis (width + overflow "truncate").
 */
export function categoryLabelLayout(names: string[], plotW: number, plotH: number, font: number): Option {
  const out: Option = { interval: 0, hideOverlap: false, overflow: "truncate", ellipsis: "…", rotate: 0 };
  const n = names.length;
  if (n === 0 || plotW <= 0 || font <= 0) return out;
  // Characters, not UTF-16 units, as Go counts runes.
  const longest = names.reduce((m, s) => Math.max(m, Array.from(s).length), 0);
  const slot = plotW / n;
  let textW = longest * LABEL_CHAR_EM * font;
  if (textW <= slot * 0.9) {
    out["width"] = Math.floor(slot * 0.9);
    return out;
  }
  let rot = 45;
  if (slot * Math.sin(Math.PI / 4) < LABEL_LINE_EM * font) {
    rot = 90;
    if (slot < LABEL_LINE_EM * font) {
      font = Math.max(MIN_CATEGORY_LABEL_FONT, Math.floor(slot / LABEL_LINE_EM));
      out["fontSize"] = font;
      textW = longest * LABEL_CHAR_EM * font;
    }
  }
  const room = (Math.max(plotH, 0) * LABEL_MAX_HEIGHT_SHARE) / Math.sin((rot * Math.PI) / 180);
  out["rotate"] = rot;
  out["width"] = Math.floor(Math.max(Math.min(textW, room), 3 * font));
  return out;
}

/**
 * Returns the xAxis of data with the label layout fitted to its categories,
 * for a chart w × h whose base option gives the grid padding and the label
 * font (FitCategoryLabels in Go); null when data has no categories.
 */
export function fitCategoryAxis(base: Option, data: Option, w: number, h: number): Option[] | null {
  const x = asList(data["xAxis"])[0];
  if (!x || !Array.isArray(x["data"])) return null;
  const names = (x["data"] as unknown[]).map((v) => String(v));
  const bx = asList(base["xAxis"])[0] ?? {};
  const label = isRecord(bx["axisLabel"]) ? bx["axisLabel"] : {};
  const font = typeof label["fontSize"] === "number" ? label["fontSize"] : 0;
  const g = asList(base["grid"])[0] ?? {};
  const num = (k: string): number => Number(g[k]) || 0;
  const plotW = w - num("left") - num("right") - 3 * LABEL_CHAR_EM * font;
  const plotH = h - num("top") - num("bottom");
  return [{ ...x, axisLabel: categoryLabelLayout(names, plotW, plotH, font) }, ...asList(data["xAxis"]).slice(1)];
}
