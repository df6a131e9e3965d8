// Labels for boards and versions.

/** A board canvas size in design pixels. */
export interface Canvas {
  width: number;
  height: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = b;
    b = a % b;
    a = t;
  }
  return a;
}

function isSize(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n > 0;
}

/**
 * Returns the aspect ratio of a canvas as "16:9", "32:9", "9:16"; when the
 * reduced ratio has unwieldy terms (2560×1080 is 64:27) it is written as a
 * decimal against 1, "2.37:1". Returns "" for an invalid canvas.
 */
export function aspectRatio(canvas: Canvas): string {
  const { width, height } = canvas;
  if (!isSize(width) || !isSize(height)) return "";
  const g = gcd(width, height);
  const w = width / g;
  const h = height / g;
  if (w <= 32 && h <= 32) return `${w}:${h}`;
  const r = width >= height ? width / height : height / width;
  const s = (Math.round(r * 100) / 100).toString();
  return width >= height ? `${s}:1` : `1:${s}`;
}

/**
 * Returns the label of a layout variant, "16:9 · 1920×1080". A variant without
 * a name is labelled by its aspect ratio; an invalid canvas leaves only the name.
 */
export function variantLabel(name: string, canvas: Canvas | null | undefined): string {
  const trimmed = name.trim();
  const valid = canvas != null && isSize(canvas.width) && isSize(canvas.height);
  if (!valid) return trimmed === "" ? "unnamed variant" : trimmed;
  const size = `${canvas.width}×${canvas.height}`;
  const title = trimmed === "" ? aspectRatio(canvas) : trimmed;
  return `${title} · ${size}`;
}

/** Formats the server version for the header: "v1.2.3" for semver-ish strings, as-is otherwise ("dev"). */
export function formatVersion(version: unknown): string {
  if (typeof version !== "string") return "";
  const v = version.trim();
  if (v === "") return "";
  return /^\d+\.\d+/.test(v) ? `v${v}` : v;
}

/** Returns the curl command that creates a board on the server at origin. */
export function createBoardCurl(origin: string): string {
  const base = origin.replace(/\/+$/, "");
  return `curl -X POST -H 'Content-Type: application/json' -d '{"name":"My first board"}' ${base}/api/v1/boards`;
}
