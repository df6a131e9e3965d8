// What the panels ask the server for: metric names and label values (for
// autocomplete, cached for a short while per panel), query previews, images.

import { withCSRF } from "../../lib/csrf.ts";
import { getJSON } from "../../lib/api.ts";
import { ApiError, errorFromResponse } from "../../lib/errors.ts";
import type { QueryDef } from "../contract.ts";
import { parseLabels, parseMetrics, type LabelInfo, type Suggestion } from "./querymodel.ts";

/** Autocomplete lists are fetched again after this long: new series appear while a person edits. */
const CACHE_MS = 30000;
/** A preview that takes longer than this is abandoned with a message. */
const PREVIEW_TIMEOUT_MS = 10000;

/** POSTs JSON and parses the JSON answer; failures become ApiErrors with the server's field. */
export async function postJSON(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
  let res: Response;
  let text: string;
  try {
    const init: RequestInit = {
      method: "POST",
      headers: await withCSRF("POST", { "Content-Type": "application/json", Accept: "application/json" }),
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    };
    if (signal) init.signal = signal;
    res = await fetch(path, init);
    text = await res.text();
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(`cannot reach the Flexboard server (${err instanceof Error ? err.message : "network error"})`, 0, "network");
  }
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(`invalid JSON from ${path}`, res.status, "bad_response");
  }
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/** One panel's view of the server's data: metrics, labels, previews. */
export class DataSource {
  private metricsCache: Cached<Suggestion[]> | null = null;
  private labelsCache = new Map<string, Cached<LabelInfo[]>>();

  /** Metric names with their series counts. */
  metrics(): Promise<Suggestion[]> {
    const now = Date.now();
    if (!this.metricsCache || now - this.metricsCache.at > CACHE_MS) {
      const value = getJSON("/api/v1/metrics").then(parseMetrics);
      value.catch(() => {
        this.metricsCache = null;
      });
      this.metricsCache = { at: now, value };
    }
    return this.metricsCache.value;
  }

  /** Label names of a metric (of every metric when ""), with up to 20 values each. */
  labels(metric: string): Promise<LabelInfo[]> {
    const now = Date.now();
    const c = this.labelsCache.get(metric);
    if (c && now - c.at <= CACHE_MS) return c.value;
    const path = metric ? `/api/v1/labels?metric=${encodeURIComponent(metric)}` : "/api/v1/labels";
    const value = getJSON(path).then(parseLabels);
    value.catch(() => this.labelsCache.delete(metric));
    this.labelsCache.set(metric, { at: now, value });
    return value;
  }

  /** Runs a query as POST /api/v1/query; a newer call aborts the signal of an older one. */
  async query(q: QueryDef, signal: AbortSignal): Promise<unknown> {
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    signal.addEventListener("abort", onAbort);
    const t = setTimeout(() => ctrl.abort(), PREVIEW_TIMEOUT_MS);
    try {
      return await postJSON("/api/v1/query", q, ctrl.signal);
    } catch (err) {
      if (ctrl.signal.aborted && !signal.aborted) throw new ApiError(`no answer within ${PREVIEW_TIMEOUT_MS / 1000} s`, 0, "network");
      throw err;
    } finally {
      clearTimeout(t);
      signal.removeEventListener("abort", onAbort);
    }
  }
}

/** An uploaded image (GET /api/v1/images). */
export interface ImageInfo {
  id: string;
  name: string;
  url: string;
}

/** Lists the uploaded images. */
export async function listImages(): Promise<ImageInfo[]> {
  const body = await getJSON("/api/v1/images");
  const list = typeof body === "object" && body !== null && Array.isArray((body as Record<string, unknown>)["images"]) ? ((body as Record<string, unknown>)["images"] as unknown[]) : [];
  const out: ImageInfo[] = [];
  for (const i of list) {
    if (typeof i !== "object" || i === null) continue;
    const r = i as Record<string, unknown>;
    if (typeof r["id"] !== "string") continue;
    out.push({ id: r["id"], name: typeof r["name"] === "string" ? r["name"] : "", url: typeof r["url"] === "string" ? r["url"] : `/api/v1/images/${r["id"]}` });
  }
  return out;
}

/** Uploads an image file (POST /api/v1/images?name=…, raw bytes) and returns it. */
export async function uploadImage(file: File): Promise<ImageInfo> {
  const res = await fetch(`/api/v1/images?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    body: file,
    headers: await withCSRF("POST", { "Content-Type": file.type || "application/octet-stream" }),
    credentials: "same-origin",
  });
  const text = await res.text();
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
  const r = JSON.parse(text) as Record<string, unknown>;
  return { id: String(r["id"]), name: String(r["name"] ?? ""), url: String(r["url"] ?? `/api/v1/images/${String(r["id"])}`) };
}
