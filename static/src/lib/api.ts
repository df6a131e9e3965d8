// Thin fetch wrappers for the API the home page uses.

import { ApiError, errorFromResponse } from "./errors.ts";
import { parseBoardList, type BoardSummary } from "./boards.ts";

/** Requests give up after this long: a hung server must end in the error state, not a spinner forever. */
const TIMEOUT_MS = 15000;

/** GETs path and parses its JSON body; failures become ApiErrors a person can act on. */
export async function getJSON(path: string): Promise<unknown> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  try {
    let res: Response;
    let body: string;
    try {
      res = await fetch(path, {
        headers: { Accept: "application/json" },
        cache: "no-store",
        credentials: "same-origin",
        signal: ctrl.signal,
      });
      body = await res.text();
    } catch (err) {
      const reason = ctrl.signal.aborted
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : err instanceof Error && err.message !== ""
          ? err.message
          : "network error";
      throw new ApiError(`cannot reach the Flexboard server (${reason})`, 0, "network");
    }
    if (!res.ok) throw errorFromResponse(res.status, res.statusText, body);
    try {
      return JSON.parse(body) as unknown;
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
