// The render answer (GET /api/v1/boards/{id}/render) and the kinds list
// (GET /api/v1/widgets/kinds), parsed defensively: docs/widgets.md is the
// contract. Colours always come from the server's palette.

import { ApiError } from "./errors.ts";
import { getJSON } from "./api.ts";
import type { Format } from "./units.ts";

/** A widget's state; "stale" is set by the display itself. */
export type State = "ok" | "warning" | "critical" | "nodata" | "stale";

/** The states in palette order; honeycomb state indexes follow the first four. */
export const STATES: readonly State[] = ["ok", "warning", "critical", "nodata", "stale"];

/** The colours of one theme, as Go's widgets.Theme. */
export interface Theme {
  name: string;
  background: string;
  surface: string;
  text: string;
  muted: string;
  grid: string;
  states: Record<string, string>;
  on_state: Record<string, string>;
  series: string[];
}

/** A rectangle in design pixels. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One widget of the render answer. */
export interface RenderWidget {
  id: string;
  kind: string;
  title: string;
  rect: Rect;
  config: Record<string, unknown>;
  format: Format | null;
  option: Record<string, unknown> | null;
  html: string;
}

/** What a page needs to draw a board before its data arrives. */
export interface RenderAnswer {
  board: string;
  /** The board's name; "" from servers that do not say. */
  name: string;
  revision: number;
  variant: string;
  theme: string;
  canvas: { width: number; height: number };
  palette: Theme;
  /** The board's own background colour ("" for the palette's): the stage and letterbox bars. */
  background: string;
  /** Whether displays sound a tone when a widget turns critical. */
  alertSound: boolean;
  /** The board's refresh interval (ms); 0 when not said. */
  refreshMs: number;
  widgets: RenderWidget[];
}

/** One config field of a kind (widgets/kind.go Field). */
export interface KindField {
  name: string;
  label: string;
  type: string;
  description: string;
  /** The value a new widget starts with; undefined when the kind gives none (a colour: the theme's). */
  default?: unknown;
  /** The allowed values of an enum field; [] otherwise. */
  enum: string[];
  /** Bounds of a number or integer field; null when unbounded. */
  min: number | null;
  max: number | null;
  /** Characters allowed in a string or text field; 0: the server's default (MaxStringLength). */
  maxLength: number;
}

/** A widget kind as GET /api/v1/widgets/kinds lists it. */
export interface KindInfo {
  name: string;
  label: string;
  description: string;
  chart: boolean;
  maxQueries: number;
  defaultSize: { w: number; h: number };
  fields: KindField[];
}

/** The kinds list and the palette. */
export interface KindsAnswer {
  kinds: KindInfo[];
  palette: Theme[];
  /** Every state in palette order, as the server lists them; STATES when it does not say. */
  states?: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}
function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}
function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const k of Object.keys(v)) out[k] = str(v[k]);
  return out;
}

/** Parses a palette theme; missing colours stay "" (CSS then falls back to inherited ones). */
export function parseTheme(v: unknown): Theme {
  const t = isRecord(v) ? v : {};
  return {
    name: str(t["name"]),
    background: str(t["background"]),
    surface: str(t["surface"]),
    text: str(t["text"]),
    muted: str(t["muted"]),
    grid: str(t["grid"]),
    states: strMap(t["states"]),
    on_state: strMap(t["on_state"]),
    series: Array.isArray(t["series"]) ? (t["series"] as unknown[]).map(str) : [],
  };
}

function parseRect(v: unknown): Rect {
  const r = isRecord(v) ? v : {};
  return { x: num(r["x"]), y: num(r["y"]), w: num(r["w"]), h: num(r["h"]) };
}

function parseFormat(v: unknown): Format | null {
  if (!isRecord(v)) return null;
  return { unit: str(v["unit"]), decimals: num(v["decimals"]) };
}

/** Parses a render answer; throws an ApiError "bad_response" when it is not one. */
export function parseRender(body: unknown): RenderAnswer {
  if (!isRecord(body) || !Array.isArray(body["widgets"]) || !isRecord(body["canvas"])) {
    throw new ApiError("unexpected render answer: no canvas or widgets", 200, "bad_response");
  }
  const canvas = body["canvas"];
  const widgets: RenderWidget[] = [];
  for (const w of body["widgets"] as unknown[]) {
    if (!isRecord(w) || str(w["id"]) === "") continue;
    widgets.push({
      id: str(w["id"]),
      kind: str(w["kind"]),
      title: str(w["title"]),
      rect: parseRect(w["rect"]),
      config: isRecord(w["config"]) ? w["config"] : {},
      format: parseFormat(w["format"]),
      option: isRecord(w["option"]) ? w["option"] : null,
      html: str(w["html"]),
    });
  }
  return {
    board: str(body["board"]),
    name: str(body["name"]),
    revision: num(body["revision"]),
    variant: str(body["variant"]),
    theme: str(body["theme"]),
    canvas: { width: num(canvas["width"]) || 1920, height: num(canvas["height"]) || 1080 },
    palette: parseTheme(body["palette"]),
    background: str(body["background"]),
    alertSound: body["alert_sound"] === true,
    refreshMs: num(body["refresh_ms"]),
    widgets,
  };
}

/** Parses GET /api/v1/widgets/kinds. */
export function parseKinds(body: unknown): KindsAnswer {
  if (!isRecord(body) || !Array.isArray(body["kinds"])) {
    throw new ApiError('unexpected answer from /api/v1/widgets/kinds: no "kinds" list', 200, "bad_response");
  }
  const kinds: KindInfo[] = [];
  for (const k of body["kinds"] as unknown[]) {
    if (!isRecord(k) || str(k["name"]) === "") continue;
    const size = isRecord(k["default_size"]) ? k["default_size"] : {};
    const fields: KindField[] = [];
    if (Array.isArray(k["config"])) {
      for (const f of k["config"] as unknown[]) {
        if (!isRecord(f)) continue;
        const field: KindField = {
          name: str(f["name"]),
          label: str(f["label"]),
          type: str(f["type"]),
          description: str(f["description"]),
          enum: Array.isArray(f["enum"]) ? (f["enum"] as unknown[]).map(str) : [],
          min: typeof f["min"] === "number" && Number.isFinite(f["min"]) ? f["min"] : null,
          max: typeof f["max"] === "number" && Number.isFinite(f["max"]) ? f["max"] : null,
          maxLength: num(f["max_length"]),
        };
        if ("default" in f && f["default"] !== null) field.default = f["default"];
        fields.push(field);
      }
    }
    kinds.push({
      name: str(k["name"]),
      label: str(k["label"]) || str(k["name"]),
      description: str(k["description"]),
      chart: k["chart"] === true,
      maxQueries: num(k["max_queries"]),
      defaultSize: { w: num(size["w"]), h: num(size["h"]) },
      fields,
    });
  }
  const palette = Array.isArray(body["palette"]) ? (body["palette"] as unknown[]).map(parseTheme) : [];
  const out: KindsAnswer = { kinds, palette };
  if (Array.isArray(body["states"])) out.states = (body["states"] as unknown[]).map(str).filter((s) => s !== "");
  return out;
}

/** Returns the render URL of a board. */
export function renderURL(board: string, variant: string, theme: string): string {
  const q: string[] = [];
  if (variant !== "") q.push(`variant=${encodeURIComponent(variant)}`);
  if (theme !== "") q.push(`theme=${encodeURIComponent(theme)}`);
  return `/api/v1/boards/${encodeURIComponent(board)}/render${q.length ? "?" + q.join("&") : ""}`;
}

/** Fetches what a page needs to draw a board variant in a theme. */
export async function fetchRender(board: string, variant: string, theme: string): Promise<RenderAnswer> {
  return parseRender(await getJSON(renderURL(board, variant, theme)));
}

/** Fetches the widget kinds and the palette. */
export async function fetchKinds(): Promise<KindsAnswer> {
  return parseKinds(await getJSON("/api/v1/widgets/kinds"));
}
