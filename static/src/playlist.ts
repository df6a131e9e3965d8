// The playlist page /p/{id} (issue 6): boards rotated in kiosk mode, each for
// its time, in order, looping, without ever showing a blank or half-drawn
// frame.
//
// The board on show and the next one live in two elements of the same size,
// stacked: the next one is drawn underneath, hidden by the one on show, and
// the switch only removes the top element once the next board is drawn and
// live (BoardView.drawn and .live). The old view is destroyed right away, so
// memory stays flat over days. The rotation (lib/playlist.ts) lives in
// memory, so reconnects and server restarts never send it back to the first
// board; the playlist is fetched again before each switch (edits are picked
// up then) and when the server is back.

import { h } from "./dom.ts";
import { BoardView, DisplayOverlay, Watchdog, type ViewStatus } from "./display.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { displayOptions, type DisplayOptions } from "./lib/plan.ts";
import { fetchPlaylist, Rotation, sameItem, type PlaylistItem } from "./lib/playlist.ts";
import { backoffDelay } from "./lib/stream.ts";

/** The next board is prepared this long before its turn (at once for shorter items). */
const PRELOAD_LEAD_MS = 10000;
/** A drawn board whose data has not come within this is shown anyway (the stream's banner and badges tell). */
const LIVE_WAIT_MS = 5000;
/** An unknown playlist (or none of its boards existing) is asked for again this rarely. */
const NOT_FOUND_RETRY_MS = 60000;
/** How long the pause indicator stays bright before it fades; transient notes vanish after it. */
const NOTE_FADE_MS = 4000;
/** Where the place in the rotation waits across a page reload (the watchdog's last resort). */
const PLACE_KEY = "flexboard.playlist.place.";

/** One board in its own element: on show, or being prepared underneath. */
interface Slot {
  index: number;
  item: PlaylistItem;
  el: HTMLElement;
  view: BoardView;
  ready: boolean;
  dead: boolean;
}

/** The rotation of a playlist in an element covering the window. */
export class PlaylistPlayer {
  readonly el: HTMLElement;
  rotation: Rotation | null = null;
  /** The slot on show and the one being prepared. */
  current: Slot | null = null;
  pending: Slot | null = null;
  /** Switches made (tests and operators read it from data-switches). */
  switches = 0;
  private readonly stack: HTMLElement;
  private readonly messageEl: HTMLElement;
  private readonly noteEl: HTMLElement;
  private readonly overlay: DisplayOverlay;
  private readonly watchdog: Watchdog;
  private readonly base: DisplayOptions;
  /** Switch to the pending slot as soon as it is ready. */
  private want = false;
  private step: 1 | -1 = 1;
  /** The stream of the board on show went down: when it is back, the server is reachable again. */
  private wasDown = false;
  private switchTimer: ReturnType<typeof setTimeout> | null = null;
  private preloadTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private noteTimer: ReturnType<typeof setTimeout> | null = null;
  private loadAttempts = 0;
  private refreshing: Promise<void> | null = null;
  private destroyed = false;
  private readonly onKey = (e: KeyboardEvent): void => this.key(e);
  private readonly onOnline = (): void => this.online();

  constructor(
    root: HTMLElement,
    readonly id: string,
    search: string,
  ) {
    this.base = displayOptions("", search);
    this.el = h("div", { class: "fb-display fb-playlist", "data-testid": "playlist", "data-playlist": id });
    this.stack = h("div", { class: "fb-playlist-stack" });
    this.messageEl = h("div", { class: "fb-message", "data-testid": "playlist-message", role: "alert" });
    this.messageEl.style.display = "none";
    this.noteEl = h("div", { class: "fb-playlist-note", "data-testid": "playlist-note", role: "status" });
    this.noteEl.style.display = "none";
    this.el.appendChild(this.stack);
    this.el.appendChild(this.messageEl);
    this.el.appendChild(this.noteEl);
    root.textContent = "";
    root.appendChild(this.el);
    this.overlay = new DisplayOverlay(this.el);
    this.watchdog = new Watchdog(() => (this.current ? this.current.view : null));
    window.addEventListener("keydown", this.onKey);
    window.addEventListener("online", this.onOnline);
    (this.el as unknown as { fbPlaylist: PlaylistPlayer }).fbPlaylist = this;
  }

  /** Fetches the playlist and starts the rotation; retries by itself until it can. */
  start(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    let items: PlaylistItem[];
    try {
      const p = await fetchPlaylist(this.id);
      if (this.destroyed) return;
      if (p.name !== "") document.title = `${p.name} · Flexboard`;
      items = p.items;
    } catch (err) {
      if (this.destroyed) return;
      const api = err instanceof ApiError ? err : null;
      if (api && api.status === 404) {
        this.showMessage("playlist not found", `There is no playlist “${this.id}” on this server. Checking again every minute.`);
        this.retry(NOT_FOUND_RETRY_MS);
      } else if (api && api.status >= 400 && api.status < 500) {
        this.showMessage("this screen cannot show the playlist", errorMessage(err));
        this.retry(NOT_FOUND_RETRY_MS);
      } else {
        this.showMessage("cannot reach the Flexboard server", "retrying…");
        this.retry(backoffDelay(this.loadAttempts++, Math.random()));
      }
      return;
    }
    this.loadAttempts = 0;
    this.rotation = new Rotation(items);
    this.begin(this.savedPlace());
  }

  private retry(ms: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.rotation) void this.load();
      else if (this.current === null) void this.refresh().then(() => this.begin(-1));
    }, ms);
  }

  /** Prepares the first board (first, or the first one found) and shows it as soon as it is drawn. */
  private begin(first: number): void {
    const r = this.rotation;
    if (!r) return;
    const i = first >= 0 && first < r.items.length ? first : r.next(1);
    if (i < 0) {
      this.allMissing();
      return;
    }
    this.step = 1;
    this.want = true;
    this.prepare(i);
  }

  private allMissing(): void {
    this.showMessage("none of this playlist’s boards can be shown", "They may have been deleted. Checking again every minute.");
    this.retry(NOT_FOUND_RETRY_MS);
  }

  /** Gets the playlist again (edits, deleted boards) keeping the place; a failure keeps the list known. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = (async () => {
      try {
        const p = await fetchPlaylist(this.id);
        const r = this.rotation;
        if (!r || this.destroyed || p.items.length === 0) return;
        r.setItems(p.items);
        // A slot prepared for an item that moved or went is prepared again.
        const pend = this.pending;
        if (pend) {
          const now = r.items[pend.index];
          if (!now || !sameItem(now, pend.item)) {
            this.drop(pend);
            // Prepared ahead (or wanted now): prepare what now comes next.
            if (this.want || this.preloadTimer === null) this.prepareNext();
          }
        }
        if (p.name !== "") document.title = `${p.name} · Flexboard`;
      } catch {
        // Unreachable or deleted: the wall keeps rotating what it knows.
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Creates the slot for item i underneath the one on show (replacing another pending one). */
  private prepare(i: number): void {
    const r = this.rotation;
    const item = r ? r.items[i] : undefined;
    if (!r || !item) return;
    if (this.pending) {
      if (this.pending.index === i && sameItem(this.pending.item, item)) {
        this.maybeSwitch();
        return;
      }
      this.drop(this.pending);
    }
    const el = h("div", { class: "fb-playlist-view", "data-testid": "playlist-view", "data-board": item.board, "data-index": String(i) });
    // Underneath everything: the element on show hides it until the switch.
    this.stack.insertBefore(el, this.stack.firstChild);
    const opts: DisplayOptions = { ...this.base, board: item.board, variant: item.variant !== "" ? item.variant : this.base.variant };
    const slot: Slot = { index: i, item, el, view: null as unknown as BoardView, ready: false, dead: false };
    slot.view = new BoardView(el, {
      ...opts,
      size: () => ({ width: window.innerWidth, height: window.innerHeight }),
      onStatus: (s) => this.status(slot, s),
      onRender: (ans) => {
        if (slot === this.current && ans.name !== "") el.setAttribute("data-name", ans.name);
      },
    });
    this.pending = slot;
    slot.view.start();
    void slot.view.drawn
      .then(() => Promise.race([slot.view.live, new Promise<void>((res) => setTimeout(res, LIVE_WAIT_MS))]))
      .then(() => {
        if (slot.dead) return;
        slot.ready = true;
        this.maybeSwitch();
      });
  }

  /** Prepares the item after the one on show in the direction of the last step. */
  private prepareNext(): void {
    const r = this.rotation;
    if (!r) return;
    const i = r.next(this.step);
    if (i < 0) {
      this.want = false;
      this.clearTimers();
      if (!this.current) {
        this.allMissing();
        return;
      }
      // Nothing else can be shown: the board on show stays, and the others are looked for again in a while.
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (r.paused || this.destroyed) return;
        this.want = true;
        void this.refresh().then(() => this.prepareNext());
      }, NOT_FOUND_RETRY_MS);
      return;
    }
    if (this.current && i === r.index && sameItem(this.current.item, r.items[i] as PlaylistItem)) {
      // The only board left is the one on show: it simply stays for another turn.
      this.want = false;
      r.show(i);
      this.schedule();
      return;
    }
    this.prepare(i);
  }

  private status(slot: Slot, s: ViewStatus): void {
    if (slot.dead) return;
    if (slot === this.current) {
      this.overlay.update();
      if (s !== "live") this.wasDown = true;
      else if (s === "live" && this.wasDown) {
        this.wasDown = false;
        this.reachable();
      }
    }
    const gone = s === "not_found" || s === "deleted" || s === "error" || s === "revoked";
    if (!gone || !this.rotation) return;
    this.rotation.markMissing(slot.item.board);
    if (slot === this.pending) {
      // Skipped, never shown: the one after it is prepared instead.
      this.drop(slot);
      if (this.want || this.preloadTimer === null) this.prepareNext();
    } else if (slot === this.current && !this.rotation.paused) {
      // Deleted while on show: its message stays until the next board is drawn.
      this.want = true;
      this.step = 1;
      this.prepareNext();
    }
  }

  private drop(slot: Slot): void {
    slot.dead = true;
    slot.view.destroy();
    slot.el.remove();
    if (this.pending === slot) this.pending = null;
  }

  /** Switches when a switch is due and the next board is drawn: the old one goes in the same task. */
  private maybeSwitch(): void {
    const next = this.pending;
    const r = this.rotation;
    if (!this.want || !next || !next.ready || !r) return;
    const old = this.current;
    this.pending = null;
    this.want = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // A step back is one step: the rotation goes on forward from there.
    this.step = 1;
    this.current = next;
    this.wasDown = false;
    // The only change the next paint sees: the top element is gone, the drawn board under it shows.
    if (old) this.drop(old);
    this.hideMessage();
    r.show(next.index);
    this.switches++;
    this.overlay.follow(next.view);
    const ans = next.view.stage.answer;
    if (ans) {
      if (ans.name !== "") next.el.setAttribute("data-name", ans.name);
      document.body.style.background = ans.background || ans.palette.background;
      document.documentElement.style.background = document.body.style.background;
    }
    this.el.setAttribute("data-index", String(next.index));
    this.el.setAttribute("data-board", next.item.board);
    this.el.setAttribute("data-switches", String(this.switches));
    this.savePlace(next.index, next.item);
    this.schedule();
  }

  /** Sets the timers of the item on show: prepare the next one ahead, switch at its time. */
  private schedule(): void {
    this.clearTimers();
    const r = this.rotation;
    if (!r || this.destroyed) return;
    const due = r.dueIn();
    if (!Number.isFinite(due)) return;
    this.preloadTimer = setTimeout(() => {
      this.preloadTimer = null;
      // The playlist as it is now: an edit is picked up at this switch.
      void this.refresh().then(() => {
        if (!this.destroyed && !r.paused) this.prepareNext();
      });
    }, Math.max(0, due - PRELOAD_LEAD_MS));
    this.switchTimer = setTimeout(() => {
      this.switchTimer = null;
      this.want = true;
      if (this.pending) this.maybeSwitch();
      else if (this.preloadTimer === null && !this.refreshing) this.prepareNext();
    }, due);
  }

  private clearTimers(): void {
    if (this.switchTimer) clearTimeout(this.switchTimer);
    if (this.preloadTimer) clearTimeout(this.preloadTimer);
    this.switchTimer = null;
    this.preloadTimer = null;
  }

  /** Holds the rotation on the board on show, or lets it run again. */
  togglePause(): void {
    const r = this.rotation;
    if (!r || !this.current) return;
    if (r.paused) {
      r.resume();
      this.el.removeAttribute("data-paused");
      this.note("▶ playing", true);
      this.schedule();
      return;
    }
    r.pause();
    this.clearTimers();
    // A long pause holds one board, not two.
    this.want = false;
    if (this.pending) this.drop(this.pending);
    this.el.setAttribute("data-paused", "");
    this.note("❚❚ paused — Space to resume", false);
  }

  /** Goes to the next (+1) or previous (-1) board now; a paused rotation stays paused there. */
  go(step: 1 | -1): void {
    const r = this.rotation;
    if (!r || !this.current) return;
    this.clearTimers();
    this.step = step;
    this.want = true;
    const i = r.next(step);
    const n = r.items.length;
    if (i >= 0) this.note(`${i + 1} / ${n}${r.paused ? " · paused" : ""}`, !r.paused);
    this.prepareNext();
  }

  private key(e: KeyboardEvent): void {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const k = e.key;
    if (k === " " || k === "Spacebar" || k === "p" || k === "P" || k === "MediaPlayPause") this.togglePause();
    else if (k === "ArrowRight" || k === "PageDown" || k === "MediaTrackNext") this.go(1);
    else if (k === "ArrowLeft" || k === "PageUp" || k === "MediaTrackPrevious") this.go(-1);
    else return;
    e.preventDefault();
  }

  /** The network is back: reconnect now rather than at the next backoff. */
  private online(): void {
    if (this.current) this.current.view.stage.retryNow();
    if (this.rotation) this.reachable();
    else void this.load();
  }

  /** The server answers again: get the playlist again (keeping the place), nudge a board waiting for it. */
  private reachable(): void {
    void this.refresh();
    const p = this.pending;
    if (p && p.view.status === "unreachable") void p.view.apply();
  }

  /** Shows a small note in the top-left corner: bright, then faded (paused) or gone (transient). */
  private note(text: string, transient: boolean): void {
    this.noteEl.textContent = text;
    this.noteEl.style.display = "";
    this.noteEl.classList.remove("fb-faded");
    if (this.noteTimer) clearTimeout(this.noteTimer);
    this.noteTimer = setTimeout(() => {
      this.noteTimer = null;
      // A transient note leaves unless the rotation was paused meanwhile.
      if (transient && !(this.rotation && this.rotation.paused)) this.noteEl.style.display = "none";
      else this.noteEl.classList.add("fb-faded");
    }, NOTE_FADE_MS);
  }

  private showMessage(title: string, detail: string): void {
    this.messageEl.textContent = "";
    this.messageEl.appendChild(h("div", { class: "fb-message-title" }, title));
    if (detail !== "") this.messageEl.appendChild(h("div", { class: "fb-message-detail" }, detail));
    this.messageEl.style.display = "";
    this.el.setAttribute("data-status", "message");
  }

  private hideMessage(): void {
    this.messageEl.style.display = "none";
    this.el.removeAttribute("data-status");
  }

  private savePlace(index: number, item: PlaylistItem): void {
    try {
      sessionStorage.setItem(PLACE_KEY + this.id, JSON.stringify({ index, board: item.board, variant: item.variant }));
    } catch {
      // No storage: a reload starts from the first board.
    }
  }

  /** The index saved before a reload when the playlist still has that board there (or elsewhere); -1 otherwise. */
  private savedPlace(): number {
    const r = this.rotation;
    if (!r) return -1;
    try {
      const raw = sessionStorage.getItem(PLACE_KEY + this.id);
      if (!raw) return -1;
      const p = JSON.parse(raw) as { index?: unknown; board?: unknown; variant?: unknown };
      const want = { board: String(p.board), variant: String(p.variant ?? ""), seconds: 0 };
      const at = typeof p.index === "number" ? r.items[p.index] : undefined;
      if (at && sameItem(at, want)) return p.index as number;
      return r.items.findIndex((it) => sameItem(it, want));
    } catch {
      return -1;
    }
  }

  /** Stops everything: views, timers, listeners. */
  destroy(): void {
    this.destroyed = true;
    this.clearTimers();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.noteTimer) clearTimeout(this.noteTimer);
    if (this.pending) this.drop(this.pending);
    if (this.current) this.drop(this.current);
    this.current = null;
    this.overlay.destroy();
    this.watchdog.destroy();
    window.removeEventListener("keydown", this.onKey);
    window.removeEventListener("online", this.onOnline);
    this.el.remove();
  }
}

/** Renders /p/{id} into root: kiosk, the whole window. */
export function renderPlaylist(root: HTMLElement, id: string): PlaylistPlayer {
  document.title = "Flexboard playlist";
  document.documentElement.classList.add("fb-kiosk");
  const p = new PlaylistPlayer(root, id, window.location.search);
  p.start();
  return p;
}
