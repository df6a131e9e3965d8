// The screen plan (GET /api/v1/boards/{id}/plan, docs/api.md): which variant a
// screen shows and how the canvas lands on it. Geometry is computed once, in
// Go; the display only applies the answer.

import { ApiError } from "./errors.ts";
import { getJSON } from "./api.ts";

/** canvas point (x, y) is drawn at (offset_x + x·scale_x, offset_y + y·scale_y). */
export interface PlanTransform {
  scale_x: number;
  scale_y: number;
  offset_x: number;
  offset_y: number;
}

/** The server's answer. */
export interface Plan {
  variant: string;
  variants: string[];
  revision: number;
  canvas: { width: number; height: number };
  screen: { width: number; height: number };
  fit: string;
  transform: PlanTransform;
  /** The part of the canvas on this screen, canvas px. */
  visible: { x: number; y: number; w: number; h: number };
  /** Device pixels per canvas pixel: canvases are drawn at it. */
  render_scale: number;
}

/** What a display page was asked to show: the query of /d/{id}. */
export interface DisplayOptions {
  board: string;
  theme: string;
  fit: string;
  variant: string;
  /** A wall profile's name or CxR; "" for a single screen. */
  wall: string;
  /** c,r: which monitor of the wall. */
  tile: string;
  bezel: string;
}

/** Reads display options from a page's query string. */
export function displayOptions(board: string, search: string): DisplayOptions {
  const q = new URLSearchParams(search);
  const get = (k: string): string => (q.get(k) || "").trim();
  return { board, theme: get("theme"), fit: get("fit"), variant: get("variant"), wall: get("wall"), tile: get("tile"), bezel: get("bezel") };
}

/** Returns the plan URL for a screen of width×height CSS px at dpr. */
export function planURL(o: DisplayOptions, width: number, height: number, dpr: number): string {
  const q = [`width=${Math.round(width)}`, `height=${Math.round(height)}`];
  if (dpr > 0 && dpr !== 1) q.push(`dpr=${Math.round(dpr * 1000) / 1000}`);
  const add = (k: string, v: string): void => {
    if (v !== "") q.push(`${k}=${encodeURIComponent(v)}`);
  };
  add("variant", o.variant);
  add("fit", o.fit);
  add("wall", o.wall);
  add("tile", o.tile);
  add("bezel", o.bezel);
  return `/api/v1/boards/${encodeURIComponent(o.board)}/plan?${q.join("&")}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function num(v: unknown, def = 0): number {
  return typeof v === "number" && Number.isFinite(v) ? v : def;
}

/** Parses a plan; throws an ApiError "bad_response" when it is not one. */
export function parsePlan(body: unknown): Plan {
  if (!isRecord(body) || typeof body["variant"] !== "string" || !isRecord(body["transform"]) || !isRecord(body["canvas"])) {
    throw new ApiError("unexpected plan answer: no variant, canvas or transform", 200, "bad_response");
  }
  const t = body["transform"];
  const c = body["canvas"];
  const s = isRecord(body["screen"]) ? body["screen"] : {};
  const v = isRecord(body["visible"]) ? body["visible"] : {};
  const transform = { scale_x: num(t["scale_x"], 1), scale_y: num(t["scale_y"], 1), offset_x: num(t["offset_x"]), offset_y: num(t["offset_y"]) };
  return {
    variant: body["variant"],
    variants: Array.isArray(body["variants"]) ? (body["variants"] as unknown[]).filter((x): x is string => typeof x === "string") : [],
    revision: num(body["revision"]),
    canvas: { width: num(c["width"]), height: num(c["height"]) },
    screen: { width: num(s["width"]), height: num(s["height"]) },
    fit: typeof body["fit"] === "string" ? body["fit"] : "contain",
    transform,
    visible: { x: num(v["x"]), y: num(v["y"]), w: num(v["w"]), h: num(v["h"]) },
    render_scale: num(body["render_scale"], Math.max(transform.scale_x, transform.scale_y)),
  };
}

/** Fetches the plan of a screen. */
export async function fetchPlan(o: DisplayOptions, width: number, height: number, dpr: number): Promise<Plan> {
  return parsePlan(await getJSON(planURL(o, width, height, dpr)));
}

/** The CSS transform that applies a plan to a stage whose transform-origin is its top-left corner. */
export function cssTransform(t: PlanTransform): string {
  return `translate(${t.offset_x}px, ${t.offset_y}px) scale(${t.scale_x}, ${t.scale_y})`;
}
