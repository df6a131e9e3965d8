// The hitmap's rows (no ECharts here, so that unit tests can load it).

/** The hitmap's elapsed buckets (widgets/chartkinds.go): 0 is under 0.1 ms, then 8 per decade. */
const HITMAP_BUCKETS = 58;
const HITMAP_PER_DECADE = 8;
/** The fewest decades a hitmap shows, so a tight band still has room to move. */
const HITMAP_MIN_DECADES = 2;

/**
 * The rows a hitmap shows: whole decades from the one holding its fastest
 * cell to the one above its slowest, at least HITMAP_MIN_DECADES (room
 * above first: a band moving up is what it is watched for). null when no
 * cell holds data: the axis then keeps every row.
 */
export function hitmapRows(series: unknown): { min: number; max: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of Array.isArray(series) ? series : [series]) {
    const data = typeof s === "object" && s !== null ? (s as Record<string, unknown>)["data"] : null;
    for (const cell of Array.isArray(data) ? data : []) {
      if (!Array.isArray(cell) || typeof cell[1] !== "number" || !(Number(cell[2]) > 0)) continue;
      lo = Math.min(lo, cell[1]);
      hi = Math.max(hi, cell[1]);
    }
  }
  if (lo > hi) return null;
  const last = HITMAP_BUCKETS - 1;
  const decadeStart = (b: number): number => (b <= 0 ? 0 : Math.floor((b - 1) / HITMAP_PER_DECADE) * HITMAP_PER_DECADE + 1);
  let min = decadeStart(lo);
  let max = Math.min(last, decadeStart(Math.max(hi, 1)) + HITMAP_PER_DECADE);
  const span = HITMAP_MIN_DECADES * HITMAP_PER_DECADE;
  // Counted from the first decade's start (bucket 1), so that the edges stay on decade labels.
  const from = Math.max(min, 1);
  if (max - from < span) max = Math.min(last, from + span);
  if (max - Math.max(min, 1) < span) min = Math.max(0, max - span);
  return { min, max };
}
