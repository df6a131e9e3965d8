// Time formatting for the board list. Pure functions: the caller passes "now" so
// tests can pin it. Intl.RelativeTimeFormat is not used because wall TVs run
// Chromium 69, which predates it.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

/** Parses an RFC 3339 timestamp; returns epoch milliseconds or null when invalid. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== "string" || value === "") return null;
  // Date.parse accepts many loose formats; insist on the RFC 3339 shape the API sends.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function plural(n: number, unit: string): string {
  return n === 1 ? `1 ${unit}` : `${n} ${unit}s`;
}

function span(ms: number): string {
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) return plural(Math.floor(ms / HOUR), "hour");
  if (ms < MONTH) return plural(Math.floor(ms / DAY), "day");
  if (ms < YEAR) return plural(Math.floor(ms / MONTH), "month");
  return plural(Math.floor(ms / YEAR), "year");
}

/**
 * Formats the distance between then and now, e.g. "just now", "3 min ago",
 * "2 hours ago", "in 5 min". Units are floored so "59 min" never reads as
 * "1 hour". Differences under a minute either way (clock skew between server
 * and browser) read "just now".
 */
export function formatRelativeTime(then: number, now: number): string {
  if (!Number.isFinite(then) || !Number.isFinite(now)) return "unknown";
  const diff = now - then;
  if (Math.abs(diff) < MINUTE) return "just now";
  return diff > 0 ? `${span(diff)} ago` : `in ${span(-diff)}`;
}

function pad(n: number, width = 2): string {
  let s = String(n);
  while (s.length < width) s = "0" + s;
  return s;
}

/**
 * Formats an instant as "2026-11-22 14:05:03 UTC+01:00" in the zone that is
 * offsetMinutes east of UTC (pass -new Date().getTimezoneOffset() for local time).
 */
export function formatTimestamp(ms: number, offsetMinutes: number): string {
  if (!Number.isFinite(ms) || !Number.isFinite(offsetMinutes)) return "unknown";
  const d = new Date(ms + offsetMinutes * MINUTE);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${date} ${time} UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
