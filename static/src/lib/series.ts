// Time series arrive as values with the time of the first and the step
// (t0, dt in ms) instead of [t, v] pairs, which repeated 13 digits of time
// per point and made up half of a live frame. Before ECharts sees a frame,
// expandTimes turns them back into the pairs it draws; Go's
// widgets.MergeOption does the same for snapshots.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns data with every compact series expanded; other series and keys untouched. */
export function expandTimes<T>(data: T): T {
  if (!isObj(data) || !Array.isArray(data["series"])) return data;
  let changed = false;
  const series = (data["series"] as unknown[]).map((s) => {
    if (!isObj(s) || typeof s["t0"] !== "number" || typeof s["dt"] !== "number" || !Array.isArray(s["data"])) return s;
    changed = true;
    const t0 = s["t0"] as number;
    const dt = s["dt"] as number;
    const values = s["data"] as unknown[];
    const pts = new Array(values.length);
    for (let i = 0; i < values.length; i++) pts[i] = [t0 + i * dt, values[i]];
    const out: Obj = {};
    for (const k of Object.keys(s)) if (k !== "t0" && k !== "dt") out[k] = s[k];
    out["data"] = pts;
    return out;
  });
  return changed ? ({ ...(data as Obj), series } as T) : data;
}
