// Sparklines: a small SVG line and area of a series, gaps where values are null.

import { svg } from "../dom.ts";
import { isRecord, numOrNull } from "./types.ts";

/** The SVG path data of a sparkline: the line and the area under it. */
export interface SparkPaths {
  line: string;
  area: string;
}

/** Reads the values of a spark ({start, step, values}) from the wire. */
export function sparkValues(spark: unknown): Array<number | null> {
  if (!isRecord(spark) || !Array.isArray(spark["values"])) return [];
  return (spark["values"] as unknown[]).map(numOrNull);
}

function r1(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/**
 * Returns paths drawing values across w×h (y grows down), scaled between
 * their min and max (a flat series sits in the middle). Nulls break the line.
 */
export function sparkPaths(values: Array<number | null>, w: number, h: number): SparkPaths {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length < 2 || lo === Infinity) return { line: "", area: "" };
  const span = hi - lo;
  const dx = w / (values.length - 1);
  const y = (v: number): number => (span === 0 ? h / 2 : h - ((v - lo) / span) * h * 0.9 - h * 0.05);
  let line = "";
  let area = "";
  let run: Array<[number, number]> = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const pts = run.map(([x, yy], i) => `${i === 0 ? "M" : "L"}${r1(x)} ${r1(yy)}`).join("");
    line += pts;
    area += `${pts}L${r1(last[0])} ${r1(h)}L${r1(first[0])} ${r1(h)}Z`;
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null) flush();
    else run.push([i * dx, y(v)]);
  });
  flush();
  return { line, area };
}

/** A sparkline element that redraws in place. */
export class Sparkline {
  readonly el: SVGElement;
  private readonly line: SVGElement;
  private readonly area: SVGElement;

  constructor(
    private w: number,
    private h: number,
    strokeWidth: number,
  ) {
    this.area = svg("path", { class: "fb-spark-area", d: "" });
    this.line = svg("path", { class: "fb-spark-line", d: "", "stroke-width": strokeWidth, fill: "none" });
    this.el = svg(
      "svg",
      { class: "fb-spark", width: w, height: h, viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none" },
      this.area,
      this.line,
    );
  }

  /** Draws values; an empty list clears the graph. */
  set(values: Array<number | null>): void {
    const p = sparkPaths(values, this.w, this.h);
    this.line.setAttribute("d", p.line);
    this.area.setAttribute("d", p.area);
  }
}
