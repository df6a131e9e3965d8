// What every widget component gets and provides. A component draws one
// widget's body; the frame around it (title, state edge) is frame.ts.

import type { RenderWidget, State, Theme } from "../lib/render.ts";

/** What the stage offers its widgets. */
export interface WidgetContext {
  /** The server's clock now (unix ms): the display's clock corrected by the offset from the stream. */
  now(): number;
  /** Device pixels per design pixel (stage scale × devicePixelRatio): canvases draw at this resolution. */
  pixelRatio(): number;
  /** The theme's colours (from the render answer). */
  theme: Theme;
}

/** The size of a widget's body in design pixels. */
export interface BodySize {
  w: number;
  h: number;
}

/** A widget component drawing into its body element. */
export interface WidgetView {
  /** Applies the data of a frame (its complete current data, never a delta). */
  update(data: unknown, state: State): void;
  /** The stage's scale changed: canvases re-rasterise at pixelRatio(). */
  rescale?(): void;
  /** Called once a second (clocks). */
  tick?(): void;
  /** Frees what the component holds (ECharts instances, timers). */
  dispose(): void;
}

/** Builds a component into body for widget w. */
export type WidgetFactory = (body: HTMLElement, w: RenderWidget, size: BodySize, ctx: WidgetContext) => WidgetView;

/** Narrowing helpers for data from the wire. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A finite number or null. */
export function numOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** A string, "" otherwise. */
export function strOf(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Reads a config value of a type, or the fallback. */
export function cfgStr(w: RenderWidget, key: string, fallback: string): string {
  const v = w.config[key];
  return typeof v === "string" ? v : fallback;
}

/** Reads a boolean config value, or the fallback. */
export function cfgBool(w: RenderWidget, key: string, fallback: boolean): boolean {
  const v = w.config[key];
  return typeof v === "boolean" ? v : fallback;
}
