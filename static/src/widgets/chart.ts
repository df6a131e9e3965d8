// The chart kinds (timeseries, bar, pie, gauge, hitmap, equalizer): ECharts
// draws the base option the server built in Go, and each frame's data is a
// partial option merged over it (docs/widgets.md). Numbers are formatted here
// because functions cannot travel in JSON.

import { hitmapRows } from "./hitmap.ts";
import { fitCategoryAxis } from "./labels.ts";
import { expandTimes } from "../lib/series.ts";
import { h } from "../dom.ts";
import { formatWith, type Format } from "../lib/units.ts";
import { echarts } from "./echarts.ts";
import { isRecord, type WidgetFactory } from "./types.ts";

type Option = Record<string, unknown>;

function asList(v: unknown): Option[] {
  if (Array.isArray(v)) return v.filter(isRecord);
  return isRecord(v) ? [v] : [];
}

/**
 * Sets, on a copy of the base option, the formatters the widget's format
 * implies: axisLabel.formatter of every value axis, tooltip.valueFormatter
 * and the detail.formatter of gauge series.
 */
export function withFormatters(base: Option, format: Format | null, kind = ""): Option {
  const opt: Option = { ...base };
  const fmt = (v: unknown): string => (typeof v === "number" ? formatWith(v, format) : String(v ?? ""));
  for (const key of ["xAxis", "yAxis"]) {
    if (!(key in opt)) continue;
    const axes = asList(opt[key]).map((a) => {
      const label = isRecord(a["axisLabel"]) ? a["axisLabel"] : {};
      // ECharts' default axis types: x is a category axis, y a value axis.
      const type = a["type"] ?? (key === "yAxis" ? "value" : "category");
      if (type === "value") return { ...a, axisLabel: { ...label, formatter: fmt } };
      // The hitmap's 58 elapsed buckets: one label per decade (buckets 1, 9,
      // 17 …: 0.1 ms, 1 ms, 10 ms …); the snapshot renderer does the same.
      if (kind === "hitmap" && key === "yAxis") return { ...a, axisLabel: { ...label, interval: (i: number) => i % 8 === 1 } };
      // Categories that are times (the hitmap's columns) arrive as unix ms.
      if (type === "category") return { ...a, axisLabel: { ...label, formatter: categoryLabel } };
      return a;
    });
    opt[key] = axes;
  }
  if (isRecord(opt["tooltip"])) opt["tooltip"] = { ...opt["tooltip"], valueFormatter: fmt };
  if ("series" in opt) {
    opt["series"] = asList(opt["series"]).map((s) =>
      s["type"] === "gauge" ? { ...s, detail: { ...(isRecord(s["detail"]) ? s["detail"] : {}), formatter: fmt } } : s,
    );
  }
  return opt;
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** Labels a category: unix-ms times (≥ 1e11, i.e. after 1973) as HH:MM, anything else as is. */
export function categoryLabel(v: unknown): string {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{11,}$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1e11)) return String(v ?? "");
  const d = new Date(n);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

export const createChart: WidgetFactory = (body, w, size, ctx) => {
  const el = h("div", { class: "fb-chart", "data-testid": "chart" });
  el.style.width = `${size.w}px`;
  el.style.height = `${size.h}px`;
  body.appendChild(el);
  const base = withFormatters(w.option ?? {}, w.format, w.kind);
  let chart: ReturnType<typeof echarts.init> | null = null;
  let ratio = 0;
  let last: Option | null = null;

  // ECharts rasterises at devicePixelRatio; under the stage's CSS scale the
  // canvas must be drawn at scale × dpr to stay sharp on a 4K wall. The ratio
  // is fixed at init, so a new scale means a new instance.
  const make = (): void => {
    chart?.dispose();
    ratio = ctx.pixelRatio();
    chart = echarts.init(el, null, { renderer: "canvas", devicePixelRatio: ratio, width: size.w, height: size.h });
    chart.setOption(base, { notMerge: true, lazyUpdate: false });
    if (last) chart.setOption(last, { replaceMerge: ["series"] });
  };
  make();
  // Tests and the benchmark find the instance through the element.
  (el as unknown as { fbChart: unknown }).fbChart = chart;

  return {
    update(raw) {
      if (!isRecord(raw) || !chart) return;
      const data = expandTimes(raw);
      if (w.kind === "hitmap") {
        // Only the decades that hold data (and room above): a fixed axis
        // to 17 min leaves most of the widget empty.
        const r = hitmapRows(data["series"]);
        data["yAxis"] = r ? { min: r.min, max: r.max } : { min: null, max: null };
      }
      if (w.kind === "equalizer") {
        const x = fitCategoryAxis(base, data, size.w, size.h);
        if (x) data["xAxis"] = x;
      }
      last = data;
      chart.setOption(data, { replaceMerge: ["series"] });
    },
    rescale() {
      if (ctx.pixelRatio() !== ratio) {
        make();
        (el as unknown as { fbChart: unknown }).fbChart = chart;
      }
    },
    dispose() {
      chart?.dispose();
      chart = null;
    },
  };
};
