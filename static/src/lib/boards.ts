// The board summaries, templates and layouts the board list shows, parsed
// defensively from the API (a proxy or a newer server may answer anything).

import { ApiError } from "./errors.ts";
import type { Canvas } from "./format.ts";

/** A board name's length limit, as boards.MaxNameLength on the server. */
export const MAX_NAME_LENGTH = 200;

/** One layout variant of a board: a named canvas for one aspect ratio. */
export interface VariantSummary {
  name: string;
  canvas: Canvas | null;
}

/** A board as listed on the home page (or in the trash, with deletedAt). */
export interface BoardSummary {
  id: string;
  name: string;
  revision: number;
  updatedAt: string;
  widgetCount: number;
  variants: VariantSummary[];
  /** When the board went to the trash; "" for a live board. */
  deletedAt: string;
  /** The first variant's layout, as the list sends it; null when it sent none usable. */
  thumb: Thumb | null;
}

/** A ready board from GET /api/v1/templates. */
export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  variants: VariantSummary[];
  widgetCount: number;
}

/** One placed widget of a thumbnail, as fractions (0–1) of the canvas. */
export interface ThumbItem {
  kind: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The layout a thumbnail draws: a variant's canvas and its placements. */
export interface Thumb {
  variant: string;
  canvas: Canvas;
  items: ThumbItem[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function idOf(v: unknown): string {
  return typeof v === "number" && Number.isFinite(v) ? String(v) : str(v);
}

function parseCanvas(v: unknown): Canvas | null {
  if (!isRecord(v)) return null;
  const width = num(v["width"]);
  const height = num(v["height"]);
  return width > 0 && height > 0 ? { width, height } : null;
}

function parseVariant(v: unknown): VariantSummary | null {
  if (!isRecord(v)) return null;
  // Boards nest the size in "canvas"; templates give width and height flat.
  return { name: str(v["name"]), canvas: parseCanvas(isRecord(v["canvas"]) ? v["canvas"] : v) };
}

function parseVariants(raw: unknown): VariantSummary[] {
  const out: VariantSummary[] = [];
  if (!Array.isArray(raw)) return out;
  for (const rv of raw) {
    const v = parseVariant(rv);
    if (v !== null) out.push(v);
  }
  return out;
}

/**
 * Parses the body of GET /api/v1/boards (or /api/v1/trash, whose entries carry
 * deleted_at). Throws an ApiError with code "bad_response" when the shape is
 * wrong; entries without an id are skipped (they could not be linked to) and
 * missing optional fields get neutral values.
 */
export function parseBoardList(body: unknown, path = "/api/v1/boards"): BoardSummary[] {
  if (!isRecord(body) || !Array.isArray(body["boards"])) {
    throw new ApiError(`unexpected response from ${path}: no "boards" list`, 200, "bad_response");
  }
  const out: BoardSummary[] = [];
  for (const item of body["boards"] as unknown[]) {
    if (!isRecord(item)) continue;
    const id = idOf(item["id"]);
    if (id === "") continue;
    out.push({
      id,
      name: str(item["name"]),
      revision: num(item["revision"]),
      updatedAt: str(item["updated_at"]),
      widgetCount: num(item["widget_count"]),
      variants: parseVariants(item["variants"]),
      deletedAt: str(item["deleted_at"]),
      thumb: parseThumb(item["thumb"]),
    });
  }
  return out;
}

/**
 * Parses the body of GET /api/v1/templates: a list (or {"templates": list}) of
 * {id, name, description, variants: [{name, width, height}], widgets: N}.
 * Throws an ApiError "bad_response" when it is neither; entries without an id
 * are skipped.
 */
export function parseTemplates(body: unknown): TemplateSummary[] {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body["templates"]) ? body["templates"] : null;
  if (list === null) {
    throw new ApiError('unexpected response from /api/v1/templates: no list of templates', 200, "bad_response");
  }
  const out: TemplateSummary[] = [];
  for (const item of list as unknown[]) {
    if (!isRecord(item)) continue;
    const id = idOf(item["id"]);
    if (id === "") continue;
    const widgets = item["widgets"];
    out.push({
      id,
      name: str(item["name"]) || id,
      description: str(item["description"]),
      variants: parseVariants(item["variants"]),
      widgetCount: Array.isArray(widgets) ? widgets.length : num(widgets),
    });
  }
  return out;
}

/**
 * Parses a summary's "thumb" ({variant, canvas, grid, items: [{x, y, w, h,
 * kind}]}, in grid cells) into fractions of the canvas. Returns null when
 * there is no usable canvas or grid. Items are clipped to the grid so a
 * broken board cannot draw outside its thumbnail; a missing kind is
 * "unknown".
 */
export function parseThumb(raw: unknown): Thumb | null {
  if (!isRecord(raw)) return null;
  const canvas = parseCanvas(raw["canvas"]);
  const grid = isRecord(raw["grid"]) ? raw["grid"] : null;
  const cols = grid ? num(grid["columns"]) : 0;
  const rows = grid ? num(grid["rows"]) : 0;
  if (!canvas || cols < 1 || rows < 1) return null;
  const items: ThumbItem[] = [];
  for (const p of Array.isArray(raw["items"]) ? (raw["items"] as unknown[]) : []) {
    if (!isRecord(p)) continue;
    const x = Math.max(0, num(p["x"]));
    const y = Math.max(0, num(p["y"]));
    const w = Math.min(num(p["w"]), cols - x);
    const h = Math.min(num(p["h"]), rows - y);
    if (w <= 0 || h <= 0) continue;
    items.push({ kind: str(p["kind"]) || "unknown", x: x / cols, y: y / rows, w: w / cols, h: h / rows });
  }
  return { variant: str(raw["variant"]), canvas, items };
}

/** Widget kinds grouped by what they draw, for a thumbnail's tint. */
export type KindFamily = "chart" | "number" | "objects" | "list" | "content";

const FAMILIES: Record<string, KindFamily> = {
  timeseries: "chart",
  bar: "chart",
  pie: "chart",
  hitmap: "chart",
  equalizer: "chart",
  gauge: "number",
  stat: "number",
  status: "number",
  honeycomb: "objects",
  table: "list",
  topn: "list",
  events: "list",
  text: "content",
  clock: "content",
  image: "content",
};

/** Returns the family a widget kind belongs to; unknown kinds are "content". */
export function kindFamily(kind: string): KindFamily {
  return FAMILIES[kind] ?? "content";
}

/**
 * Proposes a name for a new board: base, or "base (2)", "base (3)" … when a
 * board of that name exists, shortened to stay within MAX_NAME_LENGTH.
 */
export function uniqueName(base: string, existing: readonly string[]): string {
  const b = base.trim() === "" ? "New board" : base.trim();
  const taken = new Set(existing.map((n) => n.trim().toLowerCase()));
  const fit = (s: string, suffix: string): string => {
    const max = MAX_NAME_LENGTH - suffix.length;
    const chars = Array.from(s);
    return (chars.length > max ? chars.slice(0, max).join("").trim() : s) + suffix;
  };
  let name = fit(b, "");
  for (let i = 2; taken.has(name.toLowerCase()) && i < 10000; i++) name = fit(b, ` (${i})`);
  return name;
}

/** Returns what is wrong with a board name the way the server would say it, or "" when it is fine. */
export function nameProblem(name: string): string {
  const n = name.trim();
  if (n === "") return "Give the board a name.";
  const len = Array.from(n).length;
  if (len > MAX_NAME_LENGTH) return `The name is ${len} characters long; at most ${MAX_NAME_LENGTH} are allowed.`;
  if (/[\u0000-\u001f\u007f]/.test(n)) return "The name cannot hold control characters (tabs, line breaks).";
  return "";
}

/** Import files larger than this are refused before reading (the server takes at most 1 MiB, boards.MaxBodyBytes). */
export const MAX_IMPORT_BYTES = 1 << 20;

/**
 * Parses the text of a file chosen for import. Throws an ApiError (code
 * "invalid") naming the file when it is not JSON, or is JSON but not an
 * object; whether it is a Flexboard export is the server's to say.
 */
export function parseImportText(text: string, fileName: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : "parse error";
    throw new ApiError(`${fileName} is not JSON (${why}). Choose a file made by a board's Export.`, 0, "invalid", "file");
  }
  if (!isRecord(doc)) {
    throw new ApiError(`${fileName} holds JSON but not a board export (an object with "format": "flexboard-board"). Choose a file made by a board's Export.`, 0, "invalid", "file");
  }
  return doc;
}

/** Returns the API URL of a board, with the id escaped for a path segment. */
export function boardURL(id: string): string {
  return `/api/v1/boards/${encodeURIComponent(id)}`;
}

/** Returns the export (download) URL of a board. */
export function boardExportURL(id: string): string {
  return `${boardURL(id)}/export`;
}

/** Returns the wall display page of a board. */
export function displayURL(id: string): string {
  return `/d/${encodeURIComponent(id)}`;
}

/** Returns the editor page of a board. */
export function editorURL(id: string): string {
  return `/edit/${encodeURIComponent(id)}`;
}
