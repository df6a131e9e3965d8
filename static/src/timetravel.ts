// Time travel on the wall display (issue 8): pause, a scrubber over the
// memory window and the roll-ups, replay at 1×, 10× or 60×, a loud
// "PAUSED — showing 14:05:30" banner while not live, and "Live".
//
// While paused the stream stays connected: Stage.hold keeps the latest frame
// of every widget without drawing it (memory bounded by the widget count,
// as live), so "Live" is instant, with no reconnect, no snapshot to wait for
// and no gap; the watchdog keeps seeing data arrive and the alert tone still
// sounds for live trouble. Past moments come from GET …/frame through a
// FramePump: at most two requests in flight, the latest wanted moment
// waiting in one slot.
//
// Kiosk displays have nobody at them: the controls appear when the mouse
// moves or a key is pressed and fade a few seconds later; a display paused
// by hand and then left alone goes live again after IDLE_LIVE_MS.

import { h } from "./dom.ts";
import type { BoardView } from "./display.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { fetchPastFrame, type PastFrame } from "./lib/snapshots.ts";
import { parseTimestamp } from "./lib/time.ts";
import {
  agoText,
  clampAt,
  DEFAULT_RETENTION_MS,
  FramePump,
  oldestFromMessage,
  posOfTime,
  REPLAY_SPEEDS,
  replayAt,
  replayIntervalMs,
  RETENTION_MARGIN_MS,
  shownTime,
  timeAt,
} from "./lib/timeline.ts";

/** The controls fade this long after the last mouse move or key. */
const CONTROLS_FADE_MS = 4000;
/** A display paused by hand and left alone goes back to live after this (a kiosk must not stay in the past). */
const IDLE_LIVE_MS = 10 * 60000;
/** The scrubber's resolution. */
const SCRUB_STEPS = 10000;
/** A replay this close to now has caught up: it goes live. */
const CATCH_UP_MS = 2000;
/** Arrow keys step this far (Shift: STEP_LONG_MS). */
const STEP_MS = 10000;
const STEP_LONG_MS = 60000;

/** Reads ?at= of a display URL: RFC 3339 or unix ms; null when absent, NaN when unusable. */
export function atFromQuery(search: string): number | null {
  const raw = (new URLSearchParams(search).get("at") || "").trim();
  if (raw === "") return null;
  if (/^\d{10,16}$/.test(raw)) return Number(raw);
  const t = parseTimestamp(raw);
  return t === null ? NaN : t;
}

/** What the controls offer besides time travel. */
export interface TimeTravelOptions {
  /** Opens paused at this moment (a link into the past). */
  at?: number | null;
  /** The Share button and key S. */
  onShare?: () => void;
  /** Whether a dialog is open over the display (the controls then stay). */
  dialogOpen?: () => boolean;
}

/** The pause, scrub, replay and Live controls of a display, and its PAUSED banner. */
export class TimeTravel {
  readonly controls: HTMLElement;
  readonly banner: HTMLElement;
  private readonly pauseBtn: HTMLButtonElement;
  private readonly scrubber: HTMLInputElement;
  private readonly when: HTMLElement;
  private readonly messageEl: HTMLElement;
  private readonly speedBtns: HTMLButtonElement[] = [];
  private readonly pump: FramePump<PastFrame>;
  private retention = DEFAULT_RETENTION_MS;
  /** The moment last asked for (the scrubber shows it); null when live. */
  private target: number | null = null;
  private variant = "";
  private speed = 0;
  private replayTimer: ReturnType<typeof setInterval> | null = null;
  private replayFrom = 0;
  private replayWall = 0;
  private readonly ticker: ReturnType<typeof setInterval>;
  private fadeTimer: ReturnType<typeof setTimeout> | null = null;
  private hovered = false;
  private dragging = false;
  private lastInput = performance.now();
  /** Paused by a link (?at=): stays paused however long nobody touches it. */
  private fromLink = false;
  private readonly onKey = (e: KeyboardEvent): void => this.key(e);
  private readonly onMove = (): void => this.wake();

  constructor(
    private readonly root: HTMLElement,
    private readonly view: BoardView,
    private readonly opts: TimeTravelOptions = {},
  ) {
    this.pump = new FramePump<PastFrame>(
      (at) => fetchPastFrame(view.opts.board, this.variant || (view.plan ? view.plan.variant : ""), at),
      (at, f) => this.applied(at, f),
      (at, err) => this.failed(at, err),
    );
    this.banner = h("div", { class: "fb-paused-banner", "data-testid": "paused-banner", role: "status" });
    this.banner.style.display = "none";
    this.pauseBtn = h("button", { type: "button", class: "fb-tt-btn fb-tt-pause", "data-testid": "tt-pause", title: "Pause (P or Space)" }, "Pause");
    this.pauseBtn.addEventListener("click", () => this.toggle());
    this.scrubber = h("input", { type: "range", class: "fb-tt-scrub", "data-testid": "tt-scrubber", min: 0, max: SCRUB_STEPS, step: 1, value: SCRUB_STEPS, "aria-label": "Moment shown" });
    this.scrubber.addEventListener("input", () => this.scrubbed());
    this.scrubber.addEventListener("pointerdown", () => (this.dragging = true));
    this.scrubber.addEventListener("pointerup", () => (this.dragging = false));
    this.scrubber.addEventListener("change", () => (this.dragging = false));
    this.when = h("span", { class: "fb-tt-when", "data-testid": "tt-when" }, "live");
    const speeds = h("span", { class: "fb-tt-speeds" });
    for (const s of REPLAY_SPEEDS) {
      const b = h("button", { type: "button", class: "fb-tt-btn", "data-testid": `tt-replay-${s}`, "data-speed": s, title: `Replay at ${s}×` }, `▶ ${s}×`);
      b.addEventListener("click", () => this.replay(s));
      this.speedBtns.push(b);
      speeds.appendChild(b);
    }
    const share = h("button", { type: "button", class: "fb-tt-btn fb-tt-share", "data-testid": "share", title: "Share a snapshot (S)" }, "Share");
    share.addEventListener("click", () => this.share());
    this.messageEl = h("div", { class: "fb-tt-message", "data-testid": "tt-message", role: "alert" });
    this.messageEl.style.display = "none";
    this.controls = h(
      "div",
      { class: "fb-tt fb-tt-hidden", "data-testid": "tt-controls" },
      h("div", { class: "fb-tt-row" }, this.pauseBtn, this.scrubber, this.when, speeds, share),
      this.messageEl,
    );
    this.controls.addEventListener("pointerenter", () => {
      this.hovered = true;
      this.wake();
    });
    this.controls.addEventListener("pointerleave", () => {
      this.hovered = false;
      this.wake();
    });
    root.appendChild(this.banner);
    root.appendChild(this.controls);
    root.classList.add("fb-idle");
    document.addEventListener("keydown", this.onKey);
    document.addEventListener("mousemove", this.onMove);
    document.addEventListener("pointerdown", this.onMove);
    document.addEventListener("touchstart", this.onMove);
    this.ticker = setInterval(() => this.tick(), 1000);
    const at = opts.at;
    if (at !== undefined && at !== null) {
      if (Number.isNaN(at)) this.say("?at= is not a time: write it RFC 3339, such as 2026-11-22T14:05:30Z");
      else {
        this.fromLink = true;
        this.seek(at);
      }
    }
    this.update();
  }

  /** Whether the display shows the past. */
  get paused(): boolean {
    return this.view.pausedAt !== null;
  }

  /** The server's now. */
  private now(): number {
    return this.view.stage.now();
  }

  /** Pauses at the last frame (what is on screen); nothing to fetch. */
  pause(): void {
    if (this.paused) return;
    this.view.pause();
    this.target = this.view.pausedAt;
    this.update();
  }

  /** Pauses (if live) and shows moment at, clamped into the history kept. */
  seek(at: number): void {
    const now = this.now();
    // A link into the past may come before the clock is synced: only the future is clamped then.
    const t = this.view.stage.clock.isSynced ? clampAt(at, now, this.retention) : Math.min(at, now);
    if (!this.paused) this.view.pause(t);
    this.target = t;
    if (this.speed > 0) this.startReplay(this.speed, t);
    // Before the first drawing the variant is unknown: redrawn() asks then.
    if (this.variant !== "" || this.view.plan !== null) this.pump.want(t);
    this.update();
  }

  /** Replays from the moment shown at speed (1, 10 or 60); pausing first when live does nothing useful. */
  replay(speed: number): void {
    if (!this.paused) return;
    if (this.speed === speed) {
      // The lit speed again: stop replaying, stay paused.
      this.stopReplay();
      this.update();
      return;
    }
    const from = this.target !== null ? this.target : (this.view.pausedAt ?? this.now());
    this.startReplay(speed, from);
    this.update();
  }

  /** Back to the stream. */
  live(): void {
    this.stopReplay();
    this.pump.cancel();
    this.target = null;
    this.fromLink = false;
    if (this.paused) this.view.goLive();
    this.update();
  }

  /** Pause when live, Live when paused. */
  toggle(): void {
    if (this.paused) this.live();
    else this.pause();
  }

  /** The board was drawn again (another variant or revision): the moment shown is asked for again. */
  redrawn(variant: string): void {
    this.variant = variant;
    if (this.paused && this.target !== null) this.pump.want(this.target);
  }

  private startReplay(speed: number, from: number): void {
    this.stopReplay();
    this.speed = speed;
    this.replayFrom = from;
    this.replayWall = performance.now();
    this.replayTimer = setInterval(() => this.replayStep(), replayIntervalMs(speed));
  }

  private stopReplay(): void {
    if (this.replayTimer) clearInterval(this.replayTimer);
    this.replayTimer = null;
    this.speed = 0;
  }

  private replayStep(): void {
    const at = replayAt(this.replayFrom, this.speed, performance.now() - this.replayWall);
    if (at >= this.now() - CATCH_UP_MS) {
      this.live();
      return;
    }
    this.target = at;
    this.pump.want(at);
    this.update();
  }

  private applied(at: number, f: PastFrame): void {
    // Live again, or the variant changed meanwhile (redrawn asks again): not for this screen.
    if (!this.paused) return;
    if (f.variant !== "" && this.variant !== "" && f.variant !== this.variant) return;
    // The server says how far back it keeps: the scrubber stops there.
    const now = this.now();
    if (f.oldest > 0 && f.oldest < now) this.retention = now - f.oldest;
    this.view.showPast(at, f.widgets);
    this.update();
  }

  private failed(at: number, err: unknown): void {
    if (!this.paused) return;
    this.say(errorMessage(err));
    // Older than the server keeps: learn its retention from the answer and show its oldest moment.
    if (err instanceof ApiError && err.status === 400 && err.field === "at") {
      const oldest = oldestFromMessage(err.message);
      const now = this.now();
      if (oldest !== null && oldest > now - this.retention && oldest < now) {
        this.retention = now - oldest;
        if (at < oldest + RETENTION_MARGIN_MS) {
          this.stopReplay();
          const t = clampAt(at, now, this.retention);
          this.target = t;
          this.pump.want(t);
        }
      }
    }
    this.update();
  }

  private say(text: string): void {
    this.messageEl.textContent = text;
    this.messageEl.style.display = text === "" ? "none" : "";
    if (text !== "") this.wake();
  }

  private scrubbed(): void {
    this.touched();
    const pos = Number(this.scrubber.value) / SCRUB_STEPS;
    // The right end is now: live.
    if (pos >= 1) {
      this.live();
      return;
    }
    this.seek(timeAt(pos, this.now(), this.retention));
  }

  private share(): void {
    this.touched();
    if (this.opts.onShare) this.opts.onShare();
  }

  private touched(): void {
    this.lastInput = performance.now();
    this.say("");
  }

  private key(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement | null;
    const typing = t !== null && (t.tagName === "INPUT" || t.tagName === "TEXTAREA") && (t as HTMLInputElement).type !== "range";
    this.wake();
    if (typing || (this.opts.dialogOpen && this.opts.dialogOpen())) return;
    const k = e.key;
    let handled = true;
    if (k === "p" || k === "P" || k === " " || k === "Spacebar") {
      this.touched();
      this.toggle();
    } else if (k === "s" || k === "S") this.share();
    else if (k === "l" || k === "L") {
      this.touched();
      this.live();
    } else if (k === "ArrowLeft" || k === "ArrowRight") {
      this.touched();
      const step = (e.shiftKey ? STEP_LONG_MS : STEP_MS) * (k === "ArrowLeft" ? -1 : 1);
      const from = this.target !== null ? this.target : this.view.pausedAt !== null ? this.view.pausedAt : this.now();
      if (!this.paused && step > 0) handled = false;
      else if (this.paused && from + step >= this.now()) this.live();
      else this.seek(from + step);
    } else handled = false;
    // Space on a focused button would click it too; arrows would move the focused slider.
    if (handled) e.preventDefault();
  }

  /** Shows the controls and plans their fading. */
  private wake(): void {
    this.lastInput = performance.now();
    this.controls.classList.remove("fb-tt-hidden");
    this.root.classList.remove("fb-idle");
    if (this.fadeTimer) clearTimeout(this.fadeTimer);
    this.fadeTimer = setTimeout(() => this.fade(), CONTROLS_FADE_MS);
  }

  private fade(): void {
    this.fadeTimer = null;
    if (this.hovered || this.dragging || (this.opts.dialogOpen && this.opts.dialogOpen())) {
      this.fadeTimer = setTimeout(() => this.fade(), CONTROLS_FADE_MS);
      return;
    }
    this.controls.classList.add("fb-tt-hidden");
    this.root.classList.add("fb-idle");
  }

  private tick(): void {
    if (this.paused && !this.fromLink && this.speed === 0 && performance.now() - this.lastInput > IDLE_LIVE_MS && !(this.opts.dialogOpen && this.opts.dialogOpen())) {
      this.live();
      return;
    }
    this.update();
  }

  /** Redraws the banner and controls from the state. */
  update(): void {
    const shown = this.view.pausedAt;
    const now = this.now();
    const paused = shown !== null;
    this.root.classList.toggle("fb-paused", paused);
    if (paused) {
      let text = `PAUSED — showing ${shownTime(shown, now)}`;
      if (this.speed > 0) text += ` · replay ${this.speed}×`;
      if (this.banner.textContent !== text) this.banner.textContent = text;
      this.banner.style.display = "";
    } else this.banner.style.display = "none";
    this.pauseBtn.textContent = paused ? "● Live" : "❚❚ Pause";
    this.pauseBtn.title = paused ? "Back to live (P, Space or L)" : "Pause (P or Space)";
    this.pauseBtn.setAttribute("data-testid", paused ? "tt-live" : "tt-pause");
    const at = this.target !== null ? this.target : shown;
    if (!this.dragging) {
      const v = at === null ? SCRUB_STEPS : Math.round(posOfTime(at, now, this.retention) * SCRUB_STEPS);
      if (Number(this.scrubber.value) !== v) this.scrubber.value = String(v);
    }
    const when = at === null ? "live" : `${shownTime(at, now)} (${agoText(now - at)})`;
    if (this.when.textContent !== when) this.when.textContent = when;
    for (const b of this.speedBtns) {
      b.disabled = !paused;
      b.classList.toggle("fb-tt-on", Number(b.getAttribute("data-speed")) === this.speed);
    }
  }

  /** Removes the controls, the banner and their listeners. */
  destroy(): void {
    this.stopReplay();
    this.pump.cancel();
    clearInterval(this.ticker);
    if (this.fadeTimer) clearTimeout(this.fadeTimer);
    document.removeEventListener("keydown", this.onKey);
    document.removeEventListener("mousemove", this.onMove);
    document.removeEventListener("pointerdown", this.onMove);
    document.removeEventListener("touchstart", this.onMove);
    this.banner.remove();
    this.controls.remove();
  }
}
