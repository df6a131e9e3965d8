// Pure logic of the query editor: which query fields apply to a kind (so the
// form shows only those), the query a preview sends (what the widget itself
// would run: widgets/*.go Expand), client-side checks with the server's rules
// (widgets/query.go, docs/queries.md), ranking autocomplete suggestions, and
// summarising a query result for the preview.

import type { MatcherDef, QueryDef } from "../contract.ts";

/** Query limits, as widgets/query.go. */
export const MAX_MATCHERS = 16;
export const MAX_GROUP_BY = 8;
export const MAX_TOPK = 1000;
export const MAX_QUERY_NAME = 100;
export const MAX_RANGE_MS = 7 * 24 * 3600 * 1000;
export const MAX_POINTS_PER_SERIES = 1000;

export const REDUCERS = ["last", "avg", "min", "max", "sum", "count", "p50", "p95", "p99"];
export const AGGS = ["sum", "avg", "min", "max", "count"];
export const FNS = ["rate", "increase"];
export const MATCH_OPS: MatcherDef["op"][] = ["=", "!=", "=~", "!~"];

const METRIC_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Query fields the form can show. */
export type QueryField =
  | "name"
  | "metric"
  | "match"
  | "fn"
  | "reduce"
  | "window"
  | "agg"
  | "group_by"
  | "topk"
  | "range"
  | "step"
  | "offset"
  | "object";

/** Kinds whose data are transactions: the query only filters them. */
const TX_KINDS = ["hitmap", "equalizer"];
/** Kinds that show one value per series (their Expand drops range and step). */
const INSTANT_KINDS = ["bar", "pie", "gauge", "stat", "status", "table", "topn"];

/** Whether a kind's queries are transactions queries. */
export function isTransactions(kind: string, q?: QueryDef): boolean {
  return TX_KINDS.includes(kind) || q?.source === "transactions";
}

/** The fields that mean something for a query of kind, given what is already set. */
export function applicableFields(kind: string, q: QueryDef): Set<QueryField> {
  const f = new Set<QueryField>();
  if (isTransactions(kind, q)) {
    f.add("match");
    if (kind === "hitmap") {
      f.add("range");
      if (q.range) f.add("step");
    }
    f.add("offset");
    return f;
  }
  f.add("metric");
  f.add("match");
  f.add("fn");
  if (!q.fn) f.add("reduce");
  f.add("window");
  if (kind === "honeycomb") {
    f.add("agg");
    f.add("object");
    return f;
  }
  f.add("agg");
  if (q.agg) f.add("group_by");
  if (kind !== "gauge" && kind !== "stat" && kind !== "status") f.add("topk");
  if (!INSTANT_KINDS.includes(kind)) {
    f.add("range");
    if (q.range) f.add("step");
  }
  f.add("offset");
  if (kind === "timeseries" || kind === "table" || kind === "") f.add("name");
  if (kind === "") f.add("object");
  return f;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/**
 * The query the preview sends: the widget's query as its kind would run it
 * (a time series gets the config's range, a honeycomb its object label, an
 * equalizer its group and window), so the preview shows what the wall will.
 */
export function previewQuery(kind: string, config: Record<string, unknown>, q: QueryDef): QueryDef {
  const out = cleanQuery(q);
  switch (kind) {
    case "timeseries":
      if (!out.range && str(config["range"])) out.range = str(config["range"]) || "1h";
      delete out.object;
      break;
    case "bar":
    case "pie":
    case "gauge": {
      delete out.range;
      delete out.step;
      const gb = str(config["group_by"]);
      if (gb && !out.group_by?.length && !out.object) {
        out.group_by = [gb];
        if (!out.agg) out.agg = "sum";
      }
      break;
    }
    case "honeycomb":
      if (!out.object) {
        out.object = str(config["object_label"]) || "host";
        delete out.range;
        delete out.step;
        delete out.group_by;
        delete out.agg;
      }
      break;
    case "hitmap": {
      const tx: QueryDef = { source: "transactions" };
      if (out.match) tx.match = out.match;
      tx.range = out.range || str(config["range"]) || "15m";
      if (out.step) tx.step = out.step;
      if (out.offset) tx.offset = out.offset;
      return tx;
    }
    case "equalizer": {
      const tx: QueryDef = { source: "transactions", group_by: [str(config["group_by"]) || "service"], range: str(config["window"]) || "1m" };
      if (out.match) tx.match = out.match;
      if (out.offset) tx.offset = out.offset;
      return tx;
    }
  }
  return out;
}

/** Drops empty fields and matchers without a label, so stored queries stay small and the server sees no "" where it wants a value. */
export function cleanQuery(q: QueryDef): QueryDef {
  const out: QueryDef = {};
  const keys: (keyof QueryDef)[] = ["name", "source", "metric", "fn", "reduce", "window", "agg", "range", "step", "offset", "object"];
  for (const k of keys) {
    const v = q[k];
    if (typeof v === "string" && v.trim() !== "") (out as Record<string, unknown>)[k] = v.trim();
  }
  if (out.source === "series") delete out.source;
  if (q.match) {
    const m = q.match.filter((x) => x.label.trim() !== "").map((x) => ({ label: x.label.trim(), op: x.op, value: x.value }));
    if (m.length) out.match = m;
  }
  if (q.group_by) {
    const g = q.group_by.map((x) => x.trim()).filter((x) => x !== "");
    if (g.length) out.group_by = g;
  }
  if (typeof q.topk === "number" && q.topk > 0) out.topk = q.topk;
  if (typeof q.bottomk === "number" && q.bottomk > 0) out.bottomk = q.bottomk;
  return out;
}

/** Parses a duration as the server does (widgets.ParseDuration): Go durations plus days ("1d"); null when it is not one. */
export function parseDuration(s: string): number | null {
  const t = s.trim();
  const days = /^(\d+(?:\.\d+)?)d$/.exec(t);
  if (days) {
    const n = Number(days[1]);
    return n <= 3650 ? n * 86400000 : null;
  }
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  if (t === "" || t === "0") return t === "0" ? 0 : null;
  let total = 0;
  let pos = 0;
  re.lastIndex = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * units[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === t.length ? total : null;
}

/** Field problems of a query the server would refuse, keyed as the server names them ("metric", "match[1].op"). */
export function checkQuery(kind: string, q: QueryDef): Map<string, string> {
  const e = new Map<string, string>();
  const tx = isTransactions(kind, q);
  if (!tx) {
    if (!q.metric) e.set("metric", "is required: the metric to show, such as http_requests_total");
    else if (!METRIC_RE.test(q.metric)) e.set("metric", `"${q.metric}" is not a metric name: letters, digits, _ and :, not starting with a digit`);
  }
  if (q.name && q.name.length > MAX_QUERY_NAME) e.set("name", `is ${q.name.length} characters long; at most ${MAX_QUERY_NAME}`);
  (q.match ?? []).forEach((m, i) => {
    if (i >= MAX_MATCHERS) {
      e.set(`match[${i}]`, `at most ${MAX_MATCHERS} label conditions`);
      return;
    }
    if (!LABEL_RE.test(m.label)) e.set(`match[${i}].label`, `"${m.label}" is not a label name`);
    if (m.op === "=~" || m.op === "!~") {
      try {
        new RegExp(`^(?:${m.value})$`);
      } catch {
        e.set(`match[${i}].value`, "is not a regular expression");
      }
    }
  });
  for (const k of ["window", "range", "step", "offset"] as const) {
    const v = q[k];
    if (!v) continue;
    const d = parseDuration(v);
    if (d === null || d < 0) e.set(k, `"${v}" is not a duration such as 30s, 15m, 1h or 1d`);
    else if (k === "range" && d > MAX_RANGE_MS) e.set(k, "is longer than the 7 days (168h) the history keeps");
    else if ((k === "window" || k === "range" || k === "step") && d <= 0) e.set(k, "must be more than 0");
  }
  if (q.range && q.step) {
    const r = parseDuration(q.range);
    const s = parseDuration(q.step);
    if (r && s && s < 1000) e.set("step", "is under the 1 s minimum");
    else if (r && s && r / s > MAX_POINTS_PER_SERIES) e.set("step", `gives ${Math.ceil(r / s)} values per series; at most ${MAX_POINTS_PER_SERIES}: use a step of at least ${Math.ceil(r / MAX_POINTS_PER_SERIES / 1000)}s`);
  }
  if (q.fn && !FNS.includes(q.fn)) e.set("fn", `must be one of: ${FNS.join(", ")}`);
  if (q.reduce && !REDUCERS.includes(q.reduce)) e.set("reduce", `must be one of: ${REDUCERS.join(", ")}`);
  if (q.agg && !AGGS.includes(q.agg)) e.set("agg", `must be one of: ${AGGS.join(", ")}`);
  if ((q.group_by?.length ?? 0) > MAX_GROUP_BY) e.set("group_by", `at most ${MAX_GROUP_BY} labels`);
  (q.group_by ?? []).forEach((g, i) => {
    if (!LABEL_RE.test(g)) e.set(`group_by[${i}]`, `"${g}" is not a label name`);
  });
  for (const k of ["topk", "bottomk"] as const) {
    const v = q[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_TOPK)) e.set(k, `must be a whole number from 1 to ${MAX_TOPK}`);
  }
  if (q.object && !LABEL_RE.test(q.object)) e.set("object", `"${q.object}" is not a label name`);
  if (q.object && q.range) e.set("object", "cannot be combined with range: objects answer their latest value");
  return e;
}

/** A suggestion of an autocomplete list. */
export interface Suggestion {
  value: string;
  /** A short note shown at the right ("72 series"). */
  note?: string;
}

/**
 * Orders suggestions for what was typed: exact, then prefix, then word-start
 * ("cpu" finds "demo_host_cpu_ratio" by its "_cpu"), then substring, then
 * letters in order; case-insensitive; ties keep the given order. Empty input
 * lists the first ones.
 */
export function rankSuggestions(items: readonly Suggestion[], typed: string, limit: number): Suggestion[] {
  const t = typed.trim().toLowerCase();
  if (t === "") return items.slice(0, limit);
  const scored: { s: Suggestion; rank: number; i: number }[] = [];
  items.forEach((s, i) => {
    const v = s.value.toLowerCase();
    let rank = -1;
    if (v === t) rank = 0;
    else if (v.startsWith(t)) rank = 1;
    else {
      const at = v.indexOf(t);
      if (at > 0 && /[_:.\-/ ]/.test(v[at - 1]!)) rank = 2;
      else if (at > 0) rank = 3;
      else if (subsequence(v, t)) rank = 4;
    }
    if (rank >= 0) scored.push({ s, rank, i });
  });
  scored.sort((a, b) => a.rank - b.rank || a.i - b.i);
  return scored.slice(0, limit).map((x) => x.s);
}

function subsequence(v: string, t: string): boolean {
  let j = 0;
  for (let i = 0; i < v.length && j < t.length; i++) if (v[i] === t[j]) j++;
  return j === t.length;
}

/** GET /api/v1/metrics → suggestions. */
export function parseMetrics(body: unknown): Suggestion[] {
  const list = isRecord(body) && Array.isArray(body["metrics"]) ? (body["metrics"] as unknown[]) : [];
  const out: Suggestion[] = [];
  for (const m of list) {
    if (!isRecord(m) || typeof m["name"] !== "string") continue;
    const n = typeof m["series"] === "number" ? m["series"] : 0;
    out.push({ value: m["name"], note: `${n} series` });
  }
  return out;
}

/** One label of GET /api/v1/labels. */
export interface LabelInfo {
  name: string;
  series: number;
  values: Suggestion[];
  /** How many values there are (more than listed when sampled). */
  distinct: number;
}

/** GET /api/v1/labels → labels with their values. */
export function parseLabels(body: unknown): LabelInfo[] {
  const list = isRecord(body) && Array.isArray(body["labels"]) ? (body["labels"] as unknown[]) : [];
  const out: LabelInfo[] = [];
  for (const l of list) {
    if (!isRecord(l) || typeof l["name"] !== "string") continue;
    const values: Suggestion[] = [];
    if (Array.isArray(l["values"])) {
      for (const v of l["values"] as unknown[]) {
        if (isRecord(v) && typeof v["value"] === "string") values.push({ value: v["value"], note: `${typeof v["series"] === "number" ? v["series"] : 0} series` });
      }
    }
    out.push({
      name: l["name"],
      series: typeof l["series"] === "number" ? l["series"] : 0,
      values,
      distinct: typeof l["distinct"] === "number" ? l["distinct"] : values.length,
    });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A row of the preview: a name (labels), the latest value, and values over time when there are. */
export interface PreviewRow {
  name: string;
  value: number | null;
  values?: (number | null)[];
}

/** What the preview shows of a query result. */
export interface PreviewSummary {
  kind: string;
  /** One line: "3 series", "10,000 objects: 9,950 with a value", "1,515 transactions, 7 errors". */
  headline: string;
  rows: PreviewRow[];
  /** Rows not listed. */
  more: number;
}

/** Names a series by its labels: {service="checkout", status="500"} → service=checkout status=500; none: "(all)". */
export function seriesName(labels: unknown): string {
  if (!isRecord(labels)) return "(all)";
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "(all)";
  return keys.map((k) => `${k}=${String(labels[k])}`).join(" ");
}

function numOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Summarises a POST /api/v1/query answer (docs/queries.md "Results") for the preview, listing at most maxRows rows. */
export function summarizeResult(body: unknown, maxRows: number): PreviewSummary {
  if (!isRecord(body)) return { kind: "", headline: "no answer", rows: [], more: 0 };
  const kind = typeof body["kind"] === "string" ? body["kind"] : "";
  const rows: PreviewRow[] = [];
  let total = 0;
  let headline = "";
  if (kind === "vector" && Array.isArray(body["series"])) {
    const list = body["series"] as unknown[];
    total = list.length;
    for (const s of list.slice(0, maxRows)) if (isRecord(s)) rows.push({ name: seriesName(s["labels"]), value: numOrNull(s["value"]) });
    headline = total === 0 ? "no series match" : `${fmtCount(total)} series, one value each`;
  } else if (kind === "matrix" && Array.isArray(body["matrix"])) {
    const list = body["matrix"] as unknown[];
    total = list.length;
    for (const s of list.slice(0, maxRows)) {
      if (!isRecord(s)) continue;
      const values = Array.isArray(s["values"]) ? (s["values"] as unknown[]).map(numOrNull) : [];
      let last: number | null = null;
      for (let i = values.length - 1; i >= 0 && last === null; i--) last = values[i] ?? null;
      rows.push({ name: seriesName(s["labels"]), value: last, values });
    }
    const points = rows[0]?.values?.length ?? 0;
    headline = total === 0 ? "no series match" : `${fmtCount(total)} series over time, ${points} values each`;
  } else if (kind === "objects" && Array.isArray(body["objects"])) {
    const list = body["objects"] as unknown[];
    total = list.length;
    let withValue = 0;
    for (const o of list) if (isRecord(o) && numOrNull(o["value"]) !== null) withValue++;
    for (const o of list.slice(0, maxRows)) if (isRecord(o)) rows.push({ name: String(o["id"] ?? ""), value: numOrNull(o["value"]) });
    headline = total === 0 ? "no objects" : `${fmtCount(total)} objects, ${fmtCount(withValue)} with a value`;
  } else if (kind === "hitmap" && isRecord(body["hitmap"])) {
    const hm = body["hitmap"];
    const ok = numOrNull(hm["total_ok"]) ?? 0;
    const err = numOrNull(hm["total_err"]) ?? 0;
    headline = `${fmtCount(ok + err)} transactions, ${fmtCount(err)} errors, in ${numOrNull(hm["columns"]) ?? 0} columns`;
  } else if (kind === "histograms" && Array.isArray(body["histograms"])) {
    const list = body["histograms"] as unknown[];
    total = list.length;
    for (const h of list.slice(0, maxRows)) {
      if (!isRecord(h)) continue;
      const sum = (v: unknown) => (Array.isArray(v) ? (v as unknown[]).reduce<number>((a, x) => a + (numOrNull(x) ?? 0), 0) : 0);
      rows.push({ name: seriesName(h["labels"]), value: sum(h["ok"]) + sum(h["err"]) });
    }
    headline = total === 0 ? "no transactions" : `${fmtCount(total)} groups of transactions (count per group)`;
  } else {
    headline = kind ? `a ${kind} result` : "an unexpected answer";
  }
  return { kind, headline, rows, more: Math.max(0, total - rows.length) };
}
