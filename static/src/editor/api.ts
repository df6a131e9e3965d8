// The API calls of the editor (docs/api.md): load and save a board with the
// revision it is based on, save as a new board, the live preview of a
// draft, and the board's history.

import { forgetCSRF, withCSRF } from "../lib/csrf.ts";
import type { BoardContent } from "./contract.ts";
import { contentOf } from "./model.ts";
import { ApiError, errorFromResponse } from "../lib/errors.ts";
import { parseRender, type RenderAnswer } from "../lib/render.ts";
import type { WidgetFrame } from "../lib/stream.ts";

/** Requests give up after this long (as lib/api.ts's). */
const TIMEOUT_MS = 15000;

/** A board as the editor holds it: its content and the revision it is at. */
export interface LoadedBoard {
  id: string;
  revision: number;
  updatedAt: string;
  content: BoardContent;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Sends a request with a JSON body (or none) and returns the parsed JSON answer; failures are ApiErrors. */
async function send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<unknown> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let res: Response;
  let text: string;
  try {
    const h = await withCSRF(method, { Accept: "application/json", ...(headers ?? {}) });
    const init: RequestInit = { method, headers: h, credentials: "same-origin", cache: "no-store", signal: ctrl.signal };
    if (body !== undefined) {
      h["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    try {
      res = await fetch(path, init);
      text = await res.text();
    } catch (err) {
      const reason = ctrl.signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : err instanceof Error && err.message !== "" ? err.message : "network error";
      throw new ApiError(`cannot reach the Flexboard server (${reason})`, 0, "network");
    }
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 401 || res.status === 403) forgetCSRF();
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(`invalid JSON from ${path}`, res.status, "bad_response");
  }
}

function boardPath(id: string): string {
  return `/api/v1/boards/${encodeURIComponent(id)}`;
}

/** Parses a board document (GET, PUT, POST answers). */
export function parseBoard(body: unknown): LoadedBoard {
  if (!isRecord(body) || typeof body["id"] !== "string" || typeof body["revision"] !== "number") {
    throw new ApiError("unexpected board answer: no id or revision", 200, "bad_response");
  }
  return {
    id: body["id"],
    revision: body["revision"],
    updatedAt: typeof body["updated_at"] === "string" ? body["updated_at"] : "",
    content: contentOf(body),
  };
}

/** GET /api/v1/boards/{id}. */
export async function loadBoard(id: string): Promise<LoadedBoard> {
  return parseBoard(await send("GET", boardPath(id)));
}

/** PUT /api/v1/boards/{id} based on revision base (If-Match); a 409 is an ApiError with code "conflict". */
export async function saveBoard(id: string, base: number, content: BoardContent): Promise<LoadedBoard> {
  return parseBoard(await send("PUT", boardPath(id), content, { "If-Match": `"${base}"` }));
}

/** POST /api/v1/boards: a new board with this content. */
export async function createBoard(content: BoardContent): Promise<LoadedBoard> {
  return parseBoard(await send("POST", "/api/v1/boards", content));
}

/** What POST /api/v1/boards/preview answers: the render answer of the draft and a frame of its data. */
export interface PreviewAnswer {
  render: RenderAnswer;
  frame: Record<string, WidgetFrame>;
}

/**
 * POST /api/v1/boards/preview?variant=&theme= with a draft of board id based
 * on revision (so the render and the events widget read as the board's);
 * a 400 is an ApiError naming the field.
 */
export async function fetchPreview(id: string, revision: number, content: BoardContent, variant: string, theme: string): Promise<PreviewAnswer> {
  const q: string[] = [];
  if (variant !== "") q.push(`variant=${encodeURIComponent(variant)}`);
  if (theme !== "") q.push(`theme=${encodeURIComponent(theme)}`);
  const draft: Record<string, unknown> = { ...content, id };
  if (revision > 0) draft["revision"] = revision;
  const body = await send("POST", `/api/v1/boards/preview${q.length ? "?" + q.join("&") : ""}`, draft);
  if (!isRecord(body) || !isRecord(body["render"])) throw new ApiError("unexpected preview answer: no render", 200, "bad_response");
  const frame = isRecord(body["frame"]) ? (body["frame"] as Record<string, WidgetFrame>) : {};
  return { render: parseRender(body["render"]), frame };
}

/** One saved revision in a board's history. */
export interface VersionInfo {
  revision: number;
  updatedAt: string;
  name: string;
}

/** GET /api/v1/boards/{id}/versions: newest first. */
export async function listVersions(id: string): Promise<VersionInfo[]> {
  const body = await send("GET", `${boardPath(id)}/versions`);
  if (!isRecord(body) || !Array.isArray(body["versions"])) throw new ApiError("unexpected versions answer", 200, "bad_response");
  const out: VersionInfo[] = [];
  for (const v of body["versions"] as unknown[]) {
    if (!isRecord(v) || typeof v["revision"] !== "number") continue;
    out.push({ revision: v["revision"], updatedAt: typeof v["updated_at"] === "string" ? v["updated_at"] : "", name: typeof v["name"] === "string" ? v["name"] : "" });
  }
  return out;
}

/** GET /api/v1/boards/{id}/versions/{rev}. */
export async function loadVersion(id: string, rev: number): Promise<LoadedBoard> {
  return parseBoard(await send("GET", `${boardPath(id)}/versions/${rev}`));
}

/** POST /api/v1/boards/{id}/versions/{rev}/restore, conditional on the revision the editor is based on. */
export async function restoreVersion(id: string, rev: number, base: number): Promise<LoadedBoard> {
  return parseBoard(await send("POST", `${boardPath(id)}/versions/${rev}/restore`, undefined, { "If-Match": `"${base}"` }));
}

/**
 * Asks whether board id moved past revision (GET with If-None-Match: a 304
 * when not): the newer board, null when it did not, or an ApiError (404
 * when it was deleted).
 */
export async function newerBoard(id: string, revision: number): Promise<LoadedBoard | null> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let res: Response;
  let text: string;
  try {
    try {
      res = await fetch(boardPath(id), { headers: { Accept: "application/json", "If-None-Match": `"${revision}"` }, cache: "no-store", credentials: "same-origin", signal: ctrl.signal });
      text = await res.text();
    } catch {
      throw new ApiError("cannot reach the Flexboard server", 0, "network");
    }
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 304) return null;
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
  const b = parseBoard(JSON.parse(text) as unknown);
  return b.revision > revision ? b : null;
}
