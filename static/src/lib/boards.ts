// The board summaries the home page lists, parsed defensively from GET /api/v1/boards.

import { ApiError } from "./errors.ts";
import type { Canvas } from "./format.ts";

/** One layout variant of a board: a named canvas for one aspect ratio. */
export interface VariantSummary {
  name: string;
  canvas: Canvas | null;
}

/** A board as listed on the home page. */
export interface BoardSummary {
  id: string;
  name: string;
  revision: number;
  updatedAt: string;
  widgetCount: number;
  variants: VariantSummary[];
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

function parseCanvas(v: unknown): Canvas | null {
  if (!isRecord(v)) return null;
  const width = num(v["width"]);
  const height = num(v["height"]);
  return width > 0 && height > 0 ? { width, height } : null;
}

function parseVariant(v: unknown): VariantSummary | null {
  if (!isRecord(v)) return null;
  return { name: str(v["name"]), canvas: parseCanvas(v["canvas"]) };
}

/**
 * Parses the body of GET /api/v1/boards. Throws an ApiError with code
 * "bad_response" when the shape is wrong; entries without an id are skipped
 * (they could not be linked to) and missing optional fields get neutral values.
 */
export function parseBoardList(body: unknown): BoardSummary[] {
  if (!isRecord(body) || !Array.isArray(body["boards"])) {
    throw new ApiError('unexpected response from /api/v1/boards: no "boards" list', 200, "bad_response");
  }
  const out: BoardSummary[] = [];
  for (const item of body["boards"] as unknown[]) {
    if (!isRecord(item)) continue;
    const id = item["id"];
    const idStr = typeof id === "number" && Number.isFinite(id) ? String(id) : str(id);
    if (idStr === "") continue;
    const variants: VariantSummary[] = [];
    const rawVariants = item["variants"];
    if (Array.isArray(rawVariants)) {
      for (const rv of rawVariants) {
        const v = parseVariant(rv);
        if (v !== null) variants.push(v);
      }
    }
    out.push({
      id: idStr,
      name: str(item["name"]),
      revision: num(item["revision"]),
      updatedAt: str(item["updated_at"]),
      widgetCount: num(item["widget_count"]),
      variants,
    });
  }
  return out;
}

/** Returns the API URL of a board, with the id escaped for a path segment. */
export function boardURL(id: string): string {
  return `/api/v1/boards/${encodeURIComponent(id)}`;
}

/** Returns the export (download) URL of a board. */
export function boardExportURL(id: string): string {
  return `${boardURL(id)}/export`;
}
