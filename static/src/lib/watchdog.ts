// The display's last resort: when to reload the page. Pure, unit-tested;
// display.ts feeds it and acts on the verdict.

/** A heap above this is a leak the page will not recover from; reloading frees it. */
export const HEAP_CAP_BYTES = 768 * 1024 * 1024;
/** No data for this long while reconnects keep failing. */
export const NO_DATA_RELOAD_MS = 5 * 60 * 1000;
/** How often the watchdog looks. */
export const WATCHDOG_INTERVAL_MS = 30 * 1000;

/** What the watchdog sees. */
export interface WatchdogInput {
  /** performance.memory.usedJSHeapSize; null where the browser does not say. */
  heapBytes: number | null;
  /** Time since the last frame (or since the start when none came), monotonic ms. */
  sinceDataMs: number;
  /** Reconnect attempts that failed since the last frame. */
  failedReconnects: number;
}

/**
 * Returns why the page must reload, or "" to carry on. The caller reloads
 * only once the server answers over plain HTTP: reloading towards a dead
 * server would leave a browser error page on the wall, for good.
 */
export function reloadReason(i: WatchdogInput): string {
  if (i.heapBytes !== null && i.heapBytes > HEAP_CAP_BYTES) {
    return `JS heap ${Math.round(i.heapBytes / 1048576)} MB over the ${Math.round(HEAP_CAP_BYTES / 1048576)} MB cap`;
  }
  if (i.sinceDataMs >= NO_DATA_RELOAD_MS && i.failedReconnects > 0) {
    return `no data for ${Math.round(i.sinceDataMs / 1000)} s after ${i.failedReconnects} failed reconnects`;
  }
  return "";
}
