// The server's clock as a display sees it. Times on the wire are the
// server's (docs/protocol.md); a wall TV's own clock is often minutes off,
// and may jump when it finally syncs. So the server time of the last sync
// (hello, ping) is carried forward with the monotonic clock, never with
// Date.now(): a wrong or jumping local clock cannot make data look fresher
// or staler than it is.

/** A clock giving the server's time, synced from server timestamps. */
export class ServerClock {
  private serverAt = 0;
  private monoAt = 0;
  private synced = false;

  /**
   * mono is a monotonic clock in ms (performance.now in a page); wall is
   * the local wall clock (Date.now), used only before the first sync and to
   * measure the skew.
   */
  constructor(
    private readonly mono: () => number = () => performance.now(),
    private readonly wall: () => number = () => Date.now(),
  ) {}

  /** Records that the server's clock read serverMs just now. */
  sync(serverMs: number): void {
    if (!(serverMs > 0) || !Number.isFinite(serverMs)) return;
    this.serverAt = serverMs;
    this.monoAt = this.mono();
    this.synced = true;
  }

  /** Whether a server time has been seen. */
  get isSynced(): boolean {
    return this.synced;
  }

  /** The server's time now (unix ms); the local clock before the first sync. */
  now(): number {
    return this.synced ? this.serverAt + (this.mono() - this.monoAt) : this.wall();
  }

  /** The local clock minus the server's (ms): positive when the display runs ahead. 0 before a sync. */
  skew(): number {
    return this.synced ? this.wall() - this.now() : 0;
  }
}

/** Local clocks off by more than this are reported in the display's status corner. */
export const MAX_CLOCK_SKEW_MS = 5000;

/** Describes a clock skew for a person: "the display's clock is 12 s ahead of the server". */
export function skewText(skewMs: number): string {
  const s = Math.round(Math.abs(skewMs) / 1000);
  const amount = s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
  return `this display's clock is ${amount} ${skewMs > 0 ? "ahead of" : "behind"} the server`;
}
