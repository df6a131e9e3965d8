// stat: one big number with its unit, a sparkline behind it and the delta
// against the previous period; coloured by state on the background or the text
// (config color_mode).

import { h } from "../dom.ts";
import { formatWith, splitUnit } from "../lib/units.ts";
import { fitWidth } from "./measure.ts";
import { Sparkline, sparkValues } from "./spark.ts";
import { cfgStr, isRecord, numOrNull, type WidgetFactory } from "./types.ts";

/** The delta line of a stat: an arrow and the change in percent. */
export interface Delta {
  arrow: "▲" | "▼" | "▶";
  text: string;
  direction: "up" | "down" | "flat";
}

/**
 * Returns the delta to show from a stat's data: delta_pct when the server
 * sent it, else computed from value and previous; null when there is nothing
 * to compare (no previous, previous 0, no value). Changes under 0.05% are flat.
 */
export function statDelta(value: number | null, previous: number | null, deltaPct: number | null): Delta | null {
  let pct = deltaPct;
  if (pct === null) {
    if (value === null || previous === null || previous === 0) return null;
    pct = ((value - previous) / Math.abs(previous)) * 100;
  }
  const abs = Math.abs(pct);
  if (abs < 0.05) return { arrow: "▶", text: "0.0%", direction: "flat" };
  const text = `${abs >= 100 ? abs.toFixed(0) : abs.toFixed(1)}%`;
  return pct > 0 ? { arrow: "▲", text, direction: "up" } : { arrow: "▼", text, direction: "down" };
}

/** Font size making text of n characters fit w×h (rough glyph width 0.6 em). */
export function fitFont(chars: number, w: number, h: number, maxShare = 1): number {
  const byWidth = w / (Math.max(chars, 1) * 0.6);
  return Math.max(8, Math.floor(Math.min(byWidth, h * maxShare)));
}

export const createStat: WidgetFactory = (body, w, size) => {
  const mode = cfgStr(w, "color_mode", "background");
  body.setAttribute("data-color-mode", mode === "text" ? "text" : "background");
  // The frame takes the state's colour as its background (styles.css).
  if (mode !== "text" && body.parentElement) body.parentElement.setAttribute("data-bg", "");
  const compare = cfgStr(w, "compare", "1d");
  const hasSpark = cfgStr(w, "sparkline", "1h") !== "off";
  const sparkH = Math.round(size.h * 0.4);
  const spark = new Sparkline(size.w, sparkH, Math.max(1.5, size.h / 80));
  spark.el.style.display = hasSpark ? "" : "none";
  const num = h("span", { class: "fb-stat-num", "data-testid": "stat-value" });
  const unit = h("span", { class: "fb-stat-unit" });
  const value = h("div", { class: "fb-stat-value" }, num, unit);
  const deltaEl = h("div", { class: "fb-stat-delta", "data-testid": "stat-delta" });
  const deltaFont = Math.max(10, Math.round(Math.min(size.h * 0.13, size.w * 0.07)));
  deltaEl.style.fontSize = `${deltaFont}px`;
  const main = h("div", { class: "fb-stat-main" }, value, deltaEl);
  body.appendChild(spark.el);
  body.appendChild(main);
  let lastText = "";

  return {
    update(data) {
      const d = isRecord(data) ? data : {};
      const v = numOrNull(d["value"]);
      const text = formatWith(v, w.format);
      if (text !== lastText) {
        lastText = text;
        const [n, u] = splitUnit(text);
        num.textContent = n;
        unit.textContent = u;
        const valueH = size.h - (compare !== "off" ? deltaFont * 1.6 : 0);
        const font = fitWidth([[n, 1, 700], [u, 0.5, 600]], size.w, valueH * 0.62);
        num.style.fontSize = `${font}px`;
        unit.style.fontSize = `${Math.round(font * 0.5)}px`;
      }
      if (hasSpark) spark.set(sparkValues(d["spark"]));
      const delta = compare === "off" ? null : statDelta(v, numOrNull(d["previous"]), numOrNull(d["delta_pct"]));
      if (delta) {
        deltaEl.textContent = `${delta.arrow} ${delta.text} vs ${compare}`;
        deltaEl.setAttribute("data-direction", delta.direction);
      } else {
        deltaEl.textContent = compare === "off" ? "" : `vs ${compare}: –`;
        deltaEl.removeAttribute("data-direction");
      }
    },
    dispose() {},
  };
};
