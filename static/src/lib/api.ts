// Thin fetch wrappers for the API the home page uses.

import { forgetCSRF, withCSRF } from "./csrf.ts";
import { ApiError, errorFromResponse } from "./errors.ts";
import { LOGIN_PATH, loginURL, parseMe, retryAfterSeconds, type Me } from "./session.ts";
import { boardURL, parseBoardList, parseTemplates, type BoardSummary, type TemplateSummary } from "./boards.ts";

/** Set by pages that send a signed-out person to the sign-in page (see sendToLoginWhenSignedOut). */
let signInOnUnauthorized = false;

/**
 * From now on an API answer of 401 (no session, or it ended) takes the
 * browser to the sign-in page, which comes back here. The board list opts
 * in; a wall display and the editor do not (a display keeps retrying, an
 * editor keeps its unsaved changes on screen).
 */
export function sendToLoginWhenSignedOut(): void {
  signInOnUnauthorized = true;
}

/** Takes the browser to the sign-in page, returning to the current page afterwards. */
export function goToLogin(): void {
  if (window.location.pathname === LOGIN_PATH) return;
  window.location.assign(loginURL(window.location.pathname + window.location.search + window.location.hash));
}

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
    if (res.status === 401 && signInOnUnauthorized) goToLogin();
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

/** Who is signed in: GET /api/v1/auth/me; null when signed out (401) under --auth=password. */
export async function whoAmI(): Promise<Me | null> {
  let res: Response;
  try {
    res = await fetch("/api/v1/auth/me", { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(`cannot reach the Flexboard server (${err instanceof Error && err.message !== "" ? err.message : "network error"})`, 0, "network");
  }
  const text = await res.text();
  if (res.status === 401) return null;
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
  return meFrom(text, res.status, "GET /api/v1/auth/me");
}

/** Parses an answer that describes the session; a body that does not is an ApiError "bad_response". */
function meFrom(text: string, status: number, what: string): Me {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const me = parseMe(body);
  if (me === null) throw new ApiError(`unexpected answer to ${what}`, status, "bad_response");
  return me;
}

/** A refused sign-in: the server's message, and how long to wait when rate-limited (429). */
export class SignInError extends ApiError {
  /** Seconds until another attempt is heard (Retry-After), 0 when not rate-limited. */
  readonly retryAfter: number;

  constructor(err: ApiError, retryAfter: number) {
    super(err.message, err.status, err.code, err.field);
    this.name = "SignInError";
    this.retryAfter = retryAfter;
  }
}

/** Signs in (POST /api/v1/auth/login); the server sets the session cookie. Refusals throw SignInError. */
export async function signIn(name: string, password: string): Promise<Me> {
  let res: Response;
  let text: string;
  try {
    res = await fetch("/api/v1/auth/login", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ name, password }),
      cache: "no-store",
      credentials: "same-origin",
    });
    text = await res.text();
  } catch (err) {
    throw new ApiError(`cannot reach the Flexboard server (${err instanceof Error && err.message !== "" ? err.message : "network error"})`, 0, "network");
  }
  forgetCSRF(); // a new session has a new token
  if (!res.ok) throw new SignInError(errorFromResponse(res.status, res.statusText, text), res.status === 429 ? retryAfterSeconds(res.headers.get("Retry-After")) : 0);
  return meFrom(text, res.status, "POST /api/v1/auth/login");
}

/** Signs out (POST /api/v1/auth/logout): the session ends and the cookie is cleared. */
export async function signOut(): Promise<void> {
  await requestJSON("POST", "/api/v1/auth/logout");
  forgetCSRF();
}
