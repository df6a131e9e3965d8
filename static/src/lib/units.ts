// Number formatting with units, identical to Go's widgets.FormatValue: both
// are tested against widgets/testdata/format_cases.json. Go's strconv rounds
// exact binary ties half to even and JavaScript's toFixed half up, so ties
// are detected and rounded the Go way here.

/** The units a widget's format may name. */
export type Unit = "" | "short" | "percent" | "ratio" | "ms" | "s" | "bytes" | "bits/s" | "req/s";

/** How a widget formats its numbers (the render answer's `format`). */
export interface Format {
  unit: string;
  decimals: number;
}

const SHORT = ["", "k", "M", "G", "T", "P"];
const BYTES = [" B", " KiB", " MiB", " GiB", " TiB", " PiB"];
const BITS = [" b/s", " kb/s", " Mb/s", " Gb/s", " Tb/s", " Pb/s"];

/**
 * Formats v in unit with decimals digits after the point. null, undefined
 * and NaN are "–" (no data).
 */
export function formatValue(v: number | null | undefined, unit: string, decimals: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  const d = Math.max(0, Math.min(Number.isFinite(decimals) ? Math.trunc(decimals) : 0, 6));
  switch (unit) {
    case "short":
      return scaled(v, 1000, SHORT, d, "");
    case "percent":
      return fixed(v, d) + "%";
    case "ratio":
      return fixed(v * 100, d) + "%";
    case "ms":
      return duration(v / 1000, d);
    case "s":
      return duration(v, d);
    case "bytes":
      return scaled(v, 1024, BYTES, d, "");
    case "bits/s":
      return scaled(v, 1000, BITS, d, "");
    case "req/s":
      return scaled(v, 1000, SHORT, d, " req/s");
  }
  return fixed(v, d);
}

/** Formats with a widget's format; a missing format is plain with one decimal. */
export function formatWith(v: number | null | undefined, f: Format | null | undefined): string {
  return f ? formatValue(v, f.unit, f.decimals) : formatValue(v, "", 1);
}

/**
 * Returns v with d decimals like Go's strconv.FormatFloat(v, 'f', d, 64):
 * toFixed, except that exact ties go to the even digit, and without a
 * negative zero.
 */
export function fixed(v: number, d: number): string {
  let s = toFixedEven(v, d);
  if (s.replace(/[-0.]/g, "") === "") s = s.replace("-", "");
  return s;
}

function toFixedEven(v: number, d: number): string {
  const a = Math.abs(v);
  // v*10^d lies exactly halfway between two integers iff v*2^(d+1) is an
  // odd integer (scaling by a power of two is exact in binary).
  const n = a * Math.pow(2, d + 1);
  if (n >= Number.MAX_SAFE_INTEGER || !Number.isInteger(n) || n % 2 === 0) return v.toFixed(d);
  const t = a * Math.pow(10, d); // k + 0.5, exact while it stays below 2^53
  if (t >= Number.MAX_SAFE_INTEGER || t % 1 !== 0.5) return v.toFixed(d);
  let k = Math.floor(t);
  if (k % 2 === 1) k++;
  let digits = String(k);
  while (digits.length <= d) digits = "0" + digits;
  const body = d === 0 ? digits : `${digits.slice(0, digits.length - d)}.${digits.slice(digits.length - d)}`;
  return v < 0 ? "-" + body : body;
}

/** Math.round of Go: half away from zero. */
function roundTo(v: number, d: number): number {
  const p = Math.pow(10, d);
  const r = Math.round(Math.abs(v) * p) / p;
  return v < 0 ? -r : r;
}

function scaled(v: number, base: number, prefixes: string[], d: number, suffix: string): string {
  let i = 0;
  let a = Math.abs(v);
  while (i < prefixes.length - 1 && a >= base) {
    a /= base;
    v /= base;
    i++;
  }
  // Rounding may carry to base (999.96k → 1000.0k): move up instead.
  if (i < prefixes.length - 1 && Math.abs(roundTo(v, d)) >= base) {
    v /= base;
    i++;
  }
  const digits = i === 0 && v === Math.trunc(v) ? 0 : d;
  return fixed(v, digits) + prefixes[i] + suffix;
}

function duration(sec: number, d: number): string {
  const a = Math.abs(sec);
  if (a === 0) return "0 s";
  if (a < 1) return fixed(sec * 1000, d) + " ms";
  if (a < 60) return fixed(sec, d) + " s";
  if (a < 3600) return fixed(sec / 60, d) + " min";
  if (a < 86400) return fixed(sec / 3600, d) + " h";
  return fixed(sec / 86400, d) + " d";
}

/**
 * Splits a formatted value into its number and its unit text ("4.1k req/s"
 * → ["4.1k", " req/s"]; "87.3%" → ["87.3", "%"]), so the unit can be drawn
 * smaller. Short prefixes (k, M) stay with the number.
 */
export function splitUnit(s: string): [string, string] {
  const m = /^(-?[0-9.]+[kMGTP]?)(.*)$/.exec(s);
  return m ? [m[1] ?? s, m[2] ?? ""] : [s, ""];
}
