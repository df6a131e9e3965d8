// The audit log's answer (GET /api/v1/audit, docs/api.md) parsed and its
// query built. Pure helpers: the page is audit.ts.

import { parseTimestamp } from "./time.ts";

/** One entry of the log. */
export interface AuditEntry {
  id: number;
  /** Epoch milliseconds. */
  at: number;
  actor: string;
  actorKind: string;
  ip: string;
  action: string;
  route: string;
  targetType: string;
  targetId: string;
  summary: string;
  status: number;
}

/** A page of entries, newest first; nextBefore is 0 on the last page. */
export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number;
}

/** What the page filters by; "" is any. */
export interface AuditFilter {
  actor: string;
  action: string;
}

/** Entries asked per page. */
export const AUDIT_PAGE_SIZE = 50;

/**
 * The action groups the filter offers (an action's first word), in the
 * order a person looks for them; the server matches "board" to every
 * board.* action.
 */
export const ACTION_GROUPS: ReadonlyArray<{ value: string; label: string }> = [
  { value: "auth", label: "Sign-ins and sign-outs" },
  { value: "board", label: "Boards" },
  { value: "playlist", label: "Playlists" },
  { value: "snapshot", label: "Snapshots" },
  { value: "image", label: "Images" },
  { value: "source", label: "Sources" },
  { value: "user", label: "Users" },
  { value: "token", label: "API tokens" },
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function int(v: unknown): number {
  return typeof v === "number" && Number.isInteger(v) ? v : 0;
}

/** Parses the answer of GET /api/v1/audit; null when it is not one. Entries without an id or a valid time are left out. */
export function parseAuditPage(body: unknown): AuditPage | null {
  if (!isRecord(body) || !Array.isArray(body["entries"])) return null;
  const entries: AuditEntry[] = [];
  for (const raw of body["entries"] as unknown[]) {
    if (!isRecord(raw)) continue;
    const id = int(raw["id"]);
    const at = parseTimestamp(raw["at"]);
    if (id < 1 || at === null) continue;
    entries.push({
      id,
      at,
      actor: str(raw["actor"]),
      actorKind: str(raw["actor_kind"]),
      ip: str(raw["ip"]),
      action: str(raw["action"]),
      route: str(raw["route"]),
      targetType: str(raw["target_type"]),
      targetId: str(raw["target_id"]),
      summary: str(raw["summary"]),
      status: int(raw["status"]),
    });
  }
  return { entries, nextBefore: Math.max(0, int(body["next_before"])) };
}

/** The API path for a page of filter, older than before (0: the newest). */
export function auditPath(filter: AuditFilter, before: number, limit = AUDIT_PAGE_SIZE): string {
  const q: string[] = [];
  if (filter.actor.trim() !== "") q.push(`actor=${encodeURIComponent(filter.actor.trim())}`);
  if (filter.action.trim() !== "") q.push(`action=${encodeURIComponent(filter.action.trim())}`);
  if (before > 0) q.push(`before=${before}`);
  q.push(`limit=${limit}`);
  return `/api/v1/audit?${q.join("&")}`;
}

/** Reads the filter from the page's query string (?actor=&action=). */
export function filterFromSearch(search: string): AuditFilter {
  const f: AuditFilter = { actor: "", action: "" };
  for (const part of search.replace(/^\?/, "").split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
    } catch {
      continue;
    }
    const key = part.slice(0, eq);
    if (key === "actor") f.actor = value;
    else if (key === "action") f.action = value;
  }
  return f;
}

/** The page's own address for filter ("/audit", "/audit?actor=ada"). */
export function auditPageURL(filter: AuditFilter): string {
  const q: string[] = [];
  if (filter.actor !== "") q.push(`actor=${encodeURIComponent(filter.actor)}`);
  if (filter.action !== "") q.push(`action=${encodeURIComponent(filter.action)}`);
  return q.length === 0 ? "/audit" : `/audit?${q.join("&")}`;
}

/** How an entry ended, for a person: "done", "refused" (401/403) or "failed". */
export function outcome(status: number): "done" | "refused" | "failed" {
  if (status > 0 && status < 400) return "done";
  if (status === 401 || status === 403) return "refused";
  return "failed";
}
