// A playlist (GET /api/v1/playlists/{id}, docs/api.md) and the rotation
// through it: which board is on show, for how long, which comes next.
// Pure and clock-injected, so it is unit-tested without a browser; the page
// (playlist.ts) draws what it says.

import { ApiError } from "./errors.ts";
import { getJSON } from "./api.ts";

/** The API's bounds of an item's duration (boards.MinItemSeconds … MaxItemSeconds). */
export const MIN_ITEM_SECONDS = 5;
export const MAX_ITEM_SECONDS = 3600;
/** Used when an item carries no usable duration (the API's default). */
export const DEFAULT_ITEM_SECONDS = 30;
/**
 * A board found missing (404) is skipped for this long, then tried again: a
 * board restored from the trash comes back into the rotation by itself.
 */
export const MISSING_RECHECK_MS = 60 * 1000;

/** One board of a playlist. */
export interface PlaylistItem {
  board: string;
  /** "" lets the screen choose. */
  variant: string;
  seconds: number;
}

/** The server's playlist. */
export interface Playlist {
  id: string;
  name: string;
  revision: number;
  items: PlaylistItem[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a playlist; throws an ApiError "bad_response" when it is not one. Items without a board are dropped. */
export function parsePlaylist(body: unknown): Playlist {
  if (!isRecord(body) || typeof body["id"] !== "string" || !Array.isArray(body["items"])) {
    throw new ApiError("unexpected playlist answer: no id or items", 200, "bad_response");
  }
  const items: PlaylistItem[] = [];
  for (const raw of body["items"] as unknown[]) {
    if (!isRecord(raw) || typeof raw["board"] !== "string" || raw["board"] === "") continue;
    const s = raw["seconds"];
    const seconds = typeof s === "number" && Number.isFinite(s) && s > 0 ? Math.min(MAX_ITEM_SECONDS, Math.max(MIN_ITEM_SECONDS, s)) : DEFAULT_ITEM_SECONDS;
    items.push({ board: raw["board"], variant: typeof raw["variant"] === "string" ? raw["variant"] : "", seconds });
  }
  return {
    id: body["id"],
    name: typeof body["name"] === "string" ? body["name"] : "",
    revision: typeof body["revision"] === "number" ? body["revision"] : 0,
    items,
  };
}

/** Fetches a playlist. */
export async function fetchPlaylist(id: string): Promise<Playlist> {
  return parsePlaylist(await getJSON(`/api/v1/playlists/${encodeURIComponent(id)}`));
}

/** Two items show the same thing. */
export function sameItem(a: PlaylistItem, b: PlaylistItem): boolean {
  return a.board === b.board && a.variant === b.variant;
}

/**
 * Where a rotation stands in a playlist: the item on show, when it started,
 * whether it is paused, and which boards are missing. It never touches the
 * DOM or a timer: the page asks dueIn() and sets its own.
 */
export class Rotation {
  private list: PlaylistItem[] = [];
  /** The item on show, null before the first. */
  private shown: PlaylistItem | null = null;
  /**
   * Where next() counts from: the index of the item on show, or, when a
   * newer list dropped it, the index just before the place it held.
   */
  private at = -1;
  /** The item on show is no longer in the list. */
  private dropped = false;
  /** now() when the item on show started (or resumed). */
  private since = 0;
  /** What was left of the item's time when it started or was resumed. */
  private budget = 0;
  private isPaused = false;
  /** board → now() when it was found missing. */
  private missing = new Map<string, number>();

  constructor(
    items: readonly PlaylistItem[],
    private readonly now: () => number = () => Date.now(),
  ) {
    this.list = items.slice();
  }

  /** The items, in order. */
  get items(): readonly PlaylistItem[] {
    return this.list;
  }

  /** Index of the item on show; -1 before the first and when the list no longer holds it. */
  get index(): number {
    return this.dropped ? -1 : this.at;
  }

  /** The item on show (even one a newer list dropped: it stays until the switch), null before the first. */
  get current(): PlaylistItem | null {
    return this.shown;
  }

  /** Whether the rotation is held on the current item. */
  get paused(): boolean {
    return this.isPaused;
  }

  /** Shows item i from now, for its whole duration. */
  show(i: number): void {
    const it = this.list[i];
    if (!it) throw new RangeError(`playlist item ${i} of ${this.list.length}`);
    this.shown = it;
    this.at = i;
    this.dropped = false;
    this.since = this.now();
    this.budget = it.seconds * 1000;
    this.missing.delete(it.board);
  }

  /** Milliseconds until the item on show is due to be replaced; Infinity while paused or before the first. */
  dueIn(): number {
    if (this.isPaused || !this.shown) return Infinity;
    return Math.max(0, this.budget - (this.now() - this.since));
  }

  /** Holds the current item: its time stops running. */
  pause(): void {
    if (this.isPaused) return;
    if (this.shown) this.budget = this.dueIn();
    this.isPaused = true;
  }

  /** Lets the time run again: the current item gets what was left of its time. */
  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    this.since = this.now();
  }

  /** Records that board does not exist (any more): next() skips it for MISSING_RECHECK_MS. */
  markMissing(board: string): void {
    this.missing.set(board, this.now());
  }

  /** Whether board is being skipped. */
  isMissing(board: string): boolean {
    const t = this.missing.get(board);
    if (t === undefined) return false;
    if (this.now() - t >= MISSING_RECHECK_MS) {
      this.missing.delete(board);
      return false;
    }
    return true;
  }

  /**
   * The index of the next item to show stepping by step (+1 forward, -1
   * back) from the item on show (from the start before the first), looping
   * and skipping missing boards; -1 when every item is missing. It may be the
   * current index itself when that is the only board left.
   */
  next(step: 1 | -1 = 1): number {
    const n = this.list.length;
    if (n === 0) return -1;
    // Before the first, forward starts at 0 and back at the last item; a dropped item stood just after `at`.
    let i = this.at < 0 && !this.dropped ? (step > 0 ? -1 : 0) : this.dropped && step < 0 ? this.at + 1 : this.at;
    for (let k = 0; k < n; k++) {
      i = (((i + step) % n) + n) % n;
      const it = this.list[i];
      if (it && !this.isMissing(it.board)) return i;
    }
    return -1;
  }

  /**
   * Takes a newer version of the playlist, keeping the place: the item on
   * show stays on show with the time it has left, and the next switch goes
   * to what follows it in the new list. When the new list no longer holds
   * it, it still stays until its time is up, and the next switch goes to the
   * item that now stands where it stood. Returns the index of the item on
   * show in the new list, -1 when it is not in it.
   */
  setItems(items: readonly PlaylistItem[]): number {
    const old = this.shown;
    const oldAt = this.dropped ? this.at + 1 : this.at;
    this.list = items.slice();
    if (!old) return -1;
    // The same position first (an unchanged list), then the nearest occurrence of the same item.
    let found = -1;
    const here = this.list[oldAt];
    if (here && sameItem(here, old)) found = oldAt;
    else {
      let best = Infinity;
      this.list.forEach((it, i) => {
        if (sameItem(it, old) && Math.abs(i - oldAt) < best) {
          best = Math.abs(i - oldAt);
          found = i;
        }
      });
    }
    if (found >= 0) {
      this.at = found;
      this.dropped = false;
      return found;
    }
    this.at = Math.min(oldAt, this.list.length) - 1;
    this.dropped = true;
    return -1;
  }
}
