// Thin fetch wrappers for the API the home page uses.

import { forgetCSRF, withCSRF } from "./csrf.ts";
import { ApiError, errorFromResponse } from "./errors.ts";
import { boardURL, parseBoardList, parseTemplates, type BoardSummary, type TemplateSummary } from "./boards.ts";

/** Requests give up after this long: a hung server must end in the error state, not a spinner forever. */
const TIMEOUT_MS = 15000;

/** GETs path and parses its JSON body; failures become ApiErrors a person can act on. */
export async function getJSON(path: string): Promise<unknown> {
  return requestJSON("GET", path);
}

/**
 * Sends a request (body, when given, as JSON) and parses the JSON answer;
 * 204 and other empty answers resolve to null. Failures become ApiErrors.
 */
export async function requestJSON(method: string, path: string, body?: unknown): Promise<unknown> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  try {
    let res: Response;
    let text: string;
    try {
      const headers = await withCSRF(method, { Accept: "application/json" });
      if (body !== undefined) headers["Content-Type"] = "application/json";
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        cache: "no-store",
        credentials: "same-origin",
        signal: ctrl.signal,
      });
      text = await res.text();
    } catch (err) {
      const reason = ctrl.signal.aborted
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : err instanceof Error && err.message !== ""
          ? err.message
          : "network error";
      throw new ApiError(`cannot reach the Flexboard server (${reason})`, 0, "network");
    }
    if (res.status === 401 || res.status === 403) forgetCSRF();
    if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(`invalid JSON from ${path}`, res.status, "bad_response");
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Lists the boards on the server. */
export async function listBoards(): Promise<BoardSummary[]> {
  return parseBoardList(await getJSON("/api/v1/boards"));
}

/** Returns the server's version from /healthz, "" when it does not say. */
export async function serverVersion(): Promise<string> {
  const body = await getJSON("/healthz");
  if (typeof body === "object" && body !== null && "version" in body) {
    const v = (body as { version: unknown }).version;
    return typeof v === "string" ? v : "";
  }
  return "";
}

/** A board as the API answers it: the fields the board list uses. */
export interface BoardAnswer {
  id: string;
  name: string;
  revision: number;
  [key: string]: unknown;
}

function asBoard(v: unknown, what: string): BoardAnswer {
  if (typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string") return v as BoardAnswer;
  throw new ApiError(`unexpected answer to ${what}: no board`, 200, "bad_response");
}

/** Lists the boards in the trash (each with deletedAt). */
export async function listTrash(): Promise<BoardSummary[]> {
  return parseBoardList(await getJSON("/api/v1/trash"), "/api/v1/trash");
}

/** Lists the ready boards a new board can start from. */
export async function listTemplates(): Promise<TemplateSummary[]> {
  return parseTemplates(await getJSON("/api/v1/templates"));
}

/** Fetches a whole board (widgets and variants). */
export async function getBoard(id: string): Promise<BoardAnswer> {
  return asBoard(await getJSON(boardURL(id)), "GET board");
}

/** Creates an empty board named name. */
export async function createBlankBoard(name: string): Promise<BoardAnswer> {
  return asBoard(await requestJSON("POST", "/api/v1/boards", { name }), "create");
}

/** Creates a board from a template; name "" keeps the template's. */
export async function createFromTemplate(template: string, name: string): Promise<BoardAnswer> {
  const body: Record<string, string> = { template };
  if (name.trim() !== "") body["name"] = name.trim();
  return asBoard(await requestJSON("POST", "/api/v1/boards", body), "create from template");
}

/** Copies a board (named "NAME (copy)" by the server). */
export async function duplicateBoard(id: string): Promise<BoardAnswer> {
  return asBoard(await requestJSON("POST", `${boardURL(id)}/duplicate`), "duplicate");
}

/** Moves a board to the trash. */
export async function trashBoard(id: string): Promise<void> {
  await requestJSON("DELETE", boardURL(id));
}

/** Brings a board back from the trash. */
export async function restoreBoard(id: string): Promise<BoardAnswer> {
  return asBoard(await requestJSON("POST", `${boardURL(id)}/restore`), "restore");
}

/** Deletes a board in the trash for good, with all its versions. */
export async function purgeBoard(id: string): Promise<void> {
  await requestJSON("DELETE", `/api/v1/trash/${encodeURIComponent(id)}`);
}

/** Imports an export document (GET /boards/{id}/export's answer) as a new board. */
export async function importBoard(doc: unknown): Promise<BoardAnswer> {
  return asBoard(await requestJSON("POST", "/api/v1/boards/import", doc), "import");
}
