// The API calls of time travel and Share (docs/api.md, Snapshots): a board's
// frame at a past moment, freezing a snapshot, and waiting for its picture.

import { withCSRF } from "./csrf.ts";
import { getJSON } from "./api.ts";
import { ApiError, errorFromResponse } from "./errors.ts";
import type { WidgetFrame } from "./stream.ts";
import { pollDelays } from "./timeline.ts";

/** Requests give up after this long (as getJSON's). */
const TIMEOUT_MS = 15000;

/** GET /api/v1/boards/{id}/frame: every widget's entry as of a moment. */
export interface PastFrame {
  at: number;
  variant: string;
  widgets: Record<string, WidgetFrame>;
  /** The oldest moment the server can rewind to (unix ms), 0 when it does not say. */
  oldest: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns the frame URL of a board variant at a moment (unix ms). */
export function frameURL(board: string, variant: string, at: number): string {
  let u = `/api/v1/boards/${encodeURIComponent(board)}/frame?at=${Math.round(at)}`;
  if (variant !== "") u += `&variant=${encodeURIComponent(variant)}`;
  return u;
}

/** Parses a frame answer; throws an ApiError "bad_response" when it is not one. */
export function parsePastFrame(body: unknown, at: number): PastFrame {
  if (!isRecord(body) || !isRecord(body["widgets"])) {
    throw new ApiError("unexpected frame answer: no widgets", 200, "bad_response");
  }
  return {
    at: typeof body["at"] === "number" ? body["at"] : at,
    variant: typeof body["variant"] === "string" ? body["variant"] : "",
    widgets: body["widgets"] as Record<string, WidgetFrame>,
    oldest: typeof body["oldest"] === "number" && Number.isFinite(body["oldest"]) ? body["oldest"] : 0,
  };
}

/** Fetches a board variant's frame at a past moment. */
export async function fetchPastFrame(board: string, variant: string, at: number): Promise<PastFrame> {
  return parsePastFrame(await getJSON(frameURL(board, variant, at)), at);
}

/** What POST /api/v1/boards/{id}/snapshots answers (the fields the display uses). */
export interface SnapshotRef {
  id: string;
  url: string;
  png_url: string;
}

/** Freezes a snapshot of a board variant, now or at a past moment (unix ms). */
export async function createSnapshot(board: string, variant: string, at: number | null): Promise<SnapshotRef> {
  const body: Record<string, string> = {};
  if (variant !== "") body["variant"] = variant;
  if (at !== null) body["at"] = new Date(at).toISOString();
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let res: Response;
  let text: string;
  try {
    try {
      res = await fetch(`/api/v1/boards/${encodeURIComponent(board)}/snapshots`, {
        method: "POST",
        headers: await withCSRF("POST", { "Content-Type": "application/json", Accept: "application/json" }),
        body: JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        signal: ctrl.signal,
      });
      text = await res.text();
    } catch {
      throw new ApiError(`cannot reach the Flexboard server${ctrl.signal.aborted ? ` (no answer within ${TIMEOUT_MS / 1000} s)` : ""}`, 0, "network");
    }
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!isRecord(parsed) || typeof parsed["id"] !== "string" || typeof parsed["url"] !== "string") {
    throw new ApiError("unexpected snapshot answer: no id or url", res.status, "bad_response");
  }
  const id = parsed["id"];
  return { id, url: parsed["url"], png_url: typeof parsed["png_url"] === "string" ? parsed["png_url"] : `/s/${id}.png` };
}

/**
 * Waits for a snapshot's picture: polls pngURL with growing delays
 * (pollDelays: about a minute in all) until it answers 200, and resolves to
 * it; null when it never came (no Chromium on the server), or stop() said
 * to give up. sleep is injectable for tests.
 */
export async function waitForPNG(
  pngURL: string,
  stopped: () => boolean,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<Blob | null> {
  for (const d of [0, ...pollDelays()]) {
    if (d > 0) await sleep(d);
    if (stopped()) return null;
    try {
      const res = await fetch(pngURL, { cache: "no-store", credentials: "same-origin" });
      if (res.ok) return await res.blob();
      // 404: not taken yet. Anything else is retried the same way.
    } catch {
      // The server is away for a moment: the next poll tries again.
    }
  }
  return null;
}
