// When a widget's data is too old to be shown as current: pure functions,
// unit-tested. Times are the server's (unix ms).

/** A widget is stale when its data is older than this many refresh intervals (the rule). */
export const STALE_INTERVALS = 3;

/** Kinds whose data has no cadence (an events list may rightly stay unchanged for hours) or no data at all. */
const NO_AGE_KINDS = ["events", "text", "clock", "image"];

/** Whether a kind's data can go stale by age (all kinds go stale when the connection is down). */
export function agesOut(kind: string): boolean {
  return NO_AGE_KINDS.indexOf(kind) < 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Returns the newest time the data itself carries, 0 when it carries none:
 * stat and status have "ts" (their newest point), a time series the time of
 * its newest point with a value. Other kinds' data has no time: the caller
 * falls back to the frame that brought it.
 */
export function dataTime(kind: string, data: unknown): number {
  if (!isRecord(data)) return 0;
  if (kind === "stat" || kind === "status") {
    const ts = data["ts"];
    return typeof ts === "number" && ts > 0 ? ts : 0;
  }
  if (kind === "timeseries") {
    const series = data["series"];
    if (!Array.isArray(series)) return 0;
    let newest = 0;
    for (const s of series) {
      if (!isRecord(s) || !Array.isArray(s["data"])) continue;
      const pts = s["data"] as unknown[];
      // Points are in time order: the last one with a value is the newest.
      for (let i = pts.length - 1; i >= 0; i--) {
        const p = pts[i];
        if (Array.isArray(p) && typeof p[0] === "number" && p[1] !== null && p[1] !== undefined) {
          if (p[0] > newest) newest = p[0];
          break;
        }
      }
    }
    return newest;
  }
  return 0;
}

/**
 * Returns the time a widget's entry in a frame stands for: the entry's own
 * "newest" when the server sends one, else the data's own time, else the
 * frame's ingest_ts (the newest data of the frame: an upper bound), else the
 * frame's ts.
 */
export function entryTime(kind: string, entry: unknown, frameTs: number, ingestTs: number): number {
  if (isRecord(entry)) {
    const n = entry["newest"];
    if (typeof n === "number" && n > 0) return n;
    const t = dataTime(kind, entry["data"]);
    if (t > 0) return t;
  }
  return ingestTs > 0 ? ingestTs : frameTs;
}

/** Whether data of ageMs is stale at a refresh interval of refreshMs. */
export function isTooOld(ageMs: number, refreshMs: number): boolean {
  return refreshMs > 0 && ageMs > STALE_INTERVALS * refreshMs;
}

/** The badge of data ageMs old: "12 s old", "5 min old", "3 h old". */
export function ageText(ageMs: number): string {
  const s = Math.max(0, Math.floor(ageMs / 1000));
  if (s < 120) return `${s} s old`;
  if (s < 7200) return `${Math.floor(s / 60)} min old`;
  if (s < 172800) return `${Math.floor(s / 3600)} h old`;
  return `${Math.floor(s / 86400)} d old`;
}
