// The wall display /d/{id} (issue 6): nothing but the board, fitted to any
// screen by the server's plan, live over the stream, healing itself.
//
// BoardView is one board in one element (a whole window here; a playlist
// shows boards in elements of its own and preloads the next one off-screen:
// see BoardView.drawn and BoardView.live). DisplayOverlay is the banner and
// status corner of the view on show; Watchdog reloads the page as a last
// resort; TimeTravel (pause, rewind, replay, ?at=) and ShareDialog
// (timetravel.ts, share.ts, issue 8) hold the view in the past and share it.
// renderDisplay wires them for /d/{id}.

import { withCSRF } from "./lib/csrf.ts";
import { h } from "./dom.ts";
import { AlertTone, alertSoundOn, entersCritical } from "./lib/alert.ts";
import { MAX_CLOCK_SKEW_MS, skewText } from "./lib/clock.ts";
import { ApiError } from "./lib/errors.ts";
import { displayOptions, fetchPlan, type DisplayOptions, type Plan } from "./lib/plan.ts";
import { fetchRender, type RenderAnswer } from "./lib/render.ts";
import { backoffDelay, type StreamStatus, type WidgetFrame } from "./lib/stream.ts";
import { HEAP_CAP_BYTES, reloadReason, WATCHDOG_INTERVAL_MS } from "./lib/watchdog.ts";
import { countWatchdogReload } from "./lib/screen.ts";
import { ShareDialog } from "./share.ts";
import { Stage } from "./stage.ts";
import { atFromQuery, TimeTravel } from "./timetravel.ts";

/** Re-planning waits until resizing settles. */
const REPLAN_DELAY_MS = 250;
/** An unknown board (or a refused plan) is asked for again this rarely: someone may create or fix it. */
const NOT_FOUND_RETRY_MS = 60000;

/** What a view is doing. */
export type ViewStatus = "loading" | StreamStatus | "not_found" | "error" | "unreachable";

/** A board in an element, and how to ask for it. */
export interface BoardViewOptions extends DisplayOptions {
  /** The screen the plan is for, CSS px; default: the container's size. */
  size?: () => { width: number; height: number };
  /** Told when the status changes. */
  onStatus?: (s: ViewStatus) => void;
  /** Told of each board document (the stream's board message). */
  onBoard?: (board: unknown) => void;
  /** Told of each render answer drawn. */
  onRender?: (r: RenderAnswer) => void;
  /** Told when a widget's state changes (prev undefined for the first state seen). */
  onStateChange?: (id: string, prev: string | undefined, next: string) => void;
}

/**
 * One board drawn in container: planned for the container's size (or
 * opts.size()), re-planned when it resizes and when the board changes, kept
 * live by the stream. Nothing in it is global: a playlist can hold two (the
 * one on show and the next, preloaded in a hidden element of the same size)
 * and destroy() one without a trace.
 */
export class BoardView {
  readonly stage: Stage;
  /** Resolves once the board is drawn (plan and render applied). */
  readonly drawn: Promise<void>;
  /** Resolves once the board's data has arrived too: a playlist switches to it then. */
  readonly live: Promise<void>;
  status: ViewStatus = "loading";
  /** The plan applied, null before the first. */
  plan: Plan | null = null;
  /** The message shown instead of the board (not found, deleted …), "" when none. */
  message = "";
  private render: RenderAnswer | null = null;
  private readonly box: HTMLElement;
  private readonly messageEl: HTMLElement;
  private resolveDrawn: () => void = () => undefined;
  private resolveLive: () => void = () => undefined;
  private applying = 0;
  private pending: Promise<void> | null = null;
  private again = false;
  /** A re-plan failed while a board was on screen: plan again once the stream is back. */
  private needPlan = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private startAttempts = 0;
  private observer: { disconnect(): void } | null = null;
  private readonly onResize = (): void => this.replanSoon();
  private lastSize = "";
  private destroyed = false;
  private connected = false;

  constructor(
    readonly container: HTMLElement,
    readonly opts: BoardViewOptions,
  ) {
    this.drawn = new Promise((r) => (this.resolveDrawn = r));
    this.live = new Promise((r) => (this.resolveLive = r));
    container.classList.add("fb-view");
    this.box = h("div", { class: "fb-view-stage" });
    this.messageEl = h("div", { class: "fb-message", "data-testid": "display-message", role: "alert" });
    this.messageEl.style.display = "none";
    container.appendChild(this.box);
    container.appendChild(this.messageEl);
    this.stage = new Stage(this.box, {
      board: opts.board,
      theme: opts.theme,
      placement: "manual",
      markOldData: true,
      onBoard: (rev, board) => {
        if (opts.onBoard) opts.onBoard(board);
        // Every connection starts with the board: only a new revision is applied.
        if (!this.render || rev !== this.render.revision) void this.apply();
      },
      onStatus: (s) => {
        if (s === "deleted") this.showMessage("board deleted", "deleted");
        else if (s === "revoked") this.showMessage("access revoked", "revoked");
        else if (s === "live" && this.message !== "") this.hideMessage();
        if (s === "live" && this.needPlan) {
          this.needPlan = false;
          void this.apply();
        }
        this.setStatus(s);
      },
      onStateChange: (id, prev, next) => {
        if (opts.onStateChange) opts.onStateChange(id, prev, next);
      },
      onFrame: () => this.resolveLive(),
      onError: () => undefined,
    });
    const RO = (window as unknown as { ResizeObserver?: new (cb: () => void) => { observe(el: Element): void; disconnect(): void } }).ResizeObserver;
    if (RO) {
      const ro = new RO(this.onResize);
      ro.observe(container);
      this.observer = ro;
    }
    window.addEventListener("resize", this.onResize);
  }

  /** Plans, draws and connects; retries by itself when the server is away or the board unknown. */
  start(): void {
    void this.apply();
  }

  /** The screen size the plan is for. */
  private size(): { width: number; height: number } {
    if (this.opts.size) return this.opts.size();
    return { width: this.container.clientWidth, height: this.container.clientHeight };
  }

  /**
   * Fetches the plan (and the render answer when the variant or revision
   * changed) and applies them in one go, so no frame shows the new layout
   * with the old transform. Calls made while one runs are folded into one
   * more run after it.
   */
  apply(): Promise<void> {
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    this.again = false;
    this.pending = this.applyOnce().finally(() => {
      this.pending = null;
      if (this.again && !this.destroyed) void this.apply();
    });
    return this.pending;
  }

  private async applyOnce(): Promise<void> {
    const seq = ++this.applying;
    const size = this.size();
    let plan: Plan;
    let render: RenderAnswer | null = this.render;
    try {
      plan = await fetchPlan(this.opts, size.width, size.height, window.devicePixelRatio || 1);
      if (!render || render.variant !== plan.variant || render.revision !== plan.revision) {
        render = await fetchRender(this.opts.board, plan.variant, this.opts.theme);
      }
    } catch (err) {
      if (seq !== this.applying || this.destroyed) return;
      this.failed(err);
      return;
    }
    if (seq !== this.applying || this.destroyed) return;
    this.startAttempts = 0;
    this.lastSize = `${size.width}x${size.height}`;
    // Place first: the widgets drawn next take their pixel ratio from it.
    this.stage.place(plan.transform, plan.render_scale);
    if (render !== this.render) {
      this.render = render;
      this.stage.setRender(render);
      if (this.opts.onRender) this.opts.onRender(render);
      this.container.style.background = render.background || render.palette.background;
    }
    this.plan = plan;
    this.container.setAttribute("data-variant", plan.variant);
    this.container.setAttribute("data-revision", String(render.revision));
    this.stage.setVariant(plan.variant);
    if (this.status === "not_found" || this.status === "error" || this.status === "unreachable") {
      this.hideMessage();
      this.setStatus("loading");
    }
    this.resolveDrawn();
    // Resized while planning: plan again for the size now.
    const now = this.size();
    if (`${now.width}x${now.height}` !== this.lastSize) this.replanSoon();
    if (!this.connected) {
      this.connected = true;
      this.stage.connect();
    }
  }

  private failed(err: unknown): void {
    const api = err instanceof ApiError ? err : null;
    let delay: number;
    if (api && api.status === 404) {
      this.showMessage(this.connected ? "board deleted" : "board not found", this.connected ? "deleted" : "not_found", api.field === "variant" ? api.message : "");
      delay = NOT_FOUND_RETRY_MS;
    } else if (api && api.status >= 400 && api.status < 500) {
      this.showMessage("this screen cannot show the board", "error", api.message);
      delay = NOT_FOUND_RETRY_MS;
    } else {
      delay = backoffDelay(this.startAttempts++, Math.random());
      // With a board on screen, a failed re-plan keeps it (the stream's banner says the server is away).
      if (!this.render) this.showMessage("cannot reach the Flexboard server", "unreachable", "retrying…");
      else this.needPlan = true;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // A view showing a board re-plans when the stream is back; one with nothing retries.
    if (!this.render || this.status === "not_found" || this.status === "error" || this.status === "deleted") {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.apply();
      }, delay);
    }
  }

  private showMessage(title: string, status: ViewStatus, detail = ""): void {
    this.message = title;
    this.messageEl.textContent = "";
    this.messageEl.appendChild(h("div", { class: "fb-message-title" }, title));
    if (detail !== "") this.messageEl.appendChild(h("div", { class: "fb-message-detail" }, detail));
    this.messageEl.style.display = "";
    this.box.style.visibility = "hidden";
    this.setStatus(status);
  }

  private hideMessage(): void {
    this.message = "";
    this.messageEl.style.display = "none";
    this.box.style.visibility = "";
  }

  private setStatus(s: ViewStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.container.setAttribute("data-status", s);
    if (this.opts.onStatus) this.opts.onStatus(s);
  }

  private replanSoon(): void {
    // A plan on its way is checked against the size when it lands.
    if (this.pending) return;
    const s = this.size();
    if (`${s.width}x${s.height}` === this.lastSize) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.apply();
    }, REPLAN_DELAY_MS);
  }

  /**
   * Freezes the board at moment at (server clock; default: the last frame's
   * time): what is on screen stays, the stream goes on underneath (Stage.hold).
   */
  pause(at?: number): void {
    const st = this.stage;
    st.hold(at !== undefined ? at : st.lastFrameTs > 0 ? st.lastFrameTs : st.now());
    this.container.setAttribute("data-paused", "");
  }

  /** Shows a past frame's widgets (GET …/frame), paused at its moment. */
  showPast(at: number, widgets: Record<string, WidgetFrame>): void {
    this.stage.showPast(at, widgets);
    this.container.setAttribute("data-paused", "");
  }

  /** Back to the stream: the latest data, which kept arriving while paused. */
  goLive(): void {
    this.stage.release();
    this.container.removeAttribute("data-paused");
  }

  /** The moment shown while paused (server clock), null when live. */
  get pausedAt(): number | null {
    return this.stage.heldAt;
  }

  /** Stops everything: stream, timers, observers, widgets and charts. */
  destroy(): void {
    this.destroyed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.observer) this.observer.disconnect();
    window.removeEventListener("resize", this.onResize);
    this.stage.destroy();
    this.container.classList.remove("fb-view");
    if (this.box.parentNode) this.box.parentNode.removeChild(this.box);
    if (this.messageEl.parentNode) this.messageEl.parentNode.removeChild(this.messageEl);
  }
}

/** How long the status corner stays bright before it fades. */
const CORNER_FADE_MS = 8000;

/**
 * The banner ("connection lost — reconnecting (N s)") and the small status
 * corner (clock skew, connection) over a view, shown only when something is
 * wrong. N is the age of the data on screen by the server's clock.
 */
export class DisplayOverlay {
  readonly banner: HTMLElement;
  readonly corner: HTMLElement;
  private view: BoardView | null = null;
  private cornerText = "";
  private fadeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(root: HTMLElement) {
    this.banner = h("div", { class: "fb-banner", "data-testid": "banner", role: "status" });
    this.corner = h("div", { class: "fb-corner", "data-testid": "status-corner" });
    this.banner.style.display = "none";
    this.corner.style.display = "none";
    root.appendChild(this.banner);
    root.appendChild(this.corner);
    this.ticker = setInterval(() => this.update(), 1000);
  }

  /** Follows view (the one on show). */
  follow(view: BoardView | null): void {
    this.view = view;
    this.update();
  }

  /** Redraws from the view's state; called each second and on status changes. */
  update(): void {
    const v = this.view;
    const st = v ? v.status : "loading";
    const stage = v ? v.stage : null;
    const down = stage !== null && (st === "down" || (st === "connecting" && stage.lastFrameAt > 0 && stage.failedReconnects > 0));
    if (down && stage) {
      const since = stage.lastFrameTs > 0 ? Math.max(0, Math.floor((stage.now() - stage.lastFrameTs) / 1000)) : 0;
      const text = `connection lost — reconnecting (${since} s)`;
      if (this.banner.textContent !== text) this.banner.textContent = text;
      this.banner.style.display = "";
    } else {
      this.banner.style.display = "none";
    }
    const problems: string[] = [];
    if (stage && stage.clock.isSynced && Math.abs(stage.clock.skew()) > MAX_CLOCK_SKEW_MS) problems.push(skewText(stage.clock.skew()));
    if (down) problems.push("offline: showing the last data");
    else if (st === "connecting" && stage && stage.lastFrameAt > 0) problems.push("reconnecting…");
    const text = problems.join(" · ");
    if (text !== this.cornerText) {
      this.cornerText = text;
      this.corner.textContent = text;
      this.corner.style.display = text === "" ? "none" : "";
      // Bright when it changes, then faded: visible to someone looking, not a distraction all day.
      this.corner.classList.remove("fb-faded");
      if (this.fadeTimer) clearTimeout(this.fadeTimer);
      this.fadeTimer = text === "" ? null : setTimeout(() => this.corner.classList.add("fb-faded"), CORNER_FADE_MS);
    }
  }

  /** Removes the overlay and its timers. */
  destroy(): void {
    clearInterval(this.ticker);
    if (this.fadeTimer) clearTimeout(this.fadeTimer);
    this.banner.remove();
    this.corner.remove();
  }
}

/** Where a reload's reason waits when it could not be reported before the reload. */
const PENDING_REPORT_KEY = "flexboard.display.reload";
/** A report that gets no answer within this is given up. */
const REPORT_TIMEOUT_MS = 5000;

interface DisplayReport {
  kind: "reload" | "error" | "info";
  reason: string;
  board: string;
  variant: string;
  detail: string;
}

/** POSTs a report to /api/v1/displays/log; resolves to whether the server took it. */
export async function reportToServer(r: DisplayReport): Promise<boolean> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), REPORT_TIMEOUT_MS);
  try {
    const res = await fetch("/api/v1/displays/log", {
      method: "POST",
      headers: await withCSRF("POST", { "Content-Type": "application/json" }),
      body: JSON.stringify({ ...r, reason: r.reason.slice(0, 500), detail: r.detail.slice(0, 500) }),
      credentials: "same-origin",
      cache: "no-store",
      signal: ctrl.signal,
    });
    return res.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function heapBytes(): number | null {
  const m = (performance as unknown as { memory?: { usedJSHeapSize?: number } }).memory;
  return m && typeof m.usedJSHeapSize === "number" ? m.usedJSHeapSize : null;
}

async function serverAnswers(): Promise<boolean> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), REPORT_TIMEOUT_MS);
  try {
    const res = await fetch("/healthz", { cache: "no-store", signal: ctrl.signal });
    return res.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reloads the page as a last resort (lib/watchdog.ts says when), after
 * reporting why to the server; only while the server answers, so the wall
 * never ends on a browser error page.
 */
export class Watchdog {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly startedAt = performance.now();
  private busy = false;

  constructor(
    private readonly view: () => BoardView | null,
    private readonly reload: () => void = () => {
      countWatchdogReload(); // the screens console shows how often
      window.location.reload();
    },
  ) {
    this.timer = setInterval(() => void this.check(), WATCHDOG_INTERVAL_MS);
    void this.sendPending();
  }

  private async check(): Promise<void> {
    const v = this.view();
    if (this.busy || !v) return;
    const stage = v.stage;
    const now = performance.now();
    const reason = reloadReason({
      heapBytes: heapBytes(),
      sinceDataMs: now - (stage.lastFrameAt > 0 ? stage.lastFrameAt : this.startedAt),
      failedReconnects: stage.failedReconnects,
    });
    if (reason === "" || v.status === "not_found" || v.status === "deleted" || v.status === "revoked") return;
    this.busy = true;
    try {
      if (!(await serverAnswers())) return;
      const heap = heapBytes();
      const report: DisplayReport = {
        kind: "reload",
        reason,
        board: v.opts.board,
        variant: v.plan ? v.plan.variant : "",
        detail: `up ${Math.round((now - this.startedAt) / 1000)} s; heap ${heap === null ? "unknown" : Math.round(heap / 1048576) + " MB"} (cap ${HEAP_CAP_BYTES / 1048576} MB); ${navigator.userAgent}`,
      };
      if (!(await reportToServer(report))) {
        try {
          sessionStorage.setItem(PENDING_REPORT_KEY, JSON.stringify(report));
        } catch {
          // No storage: the reason is lost, the reload still helps.
        }
      }
      this.reload();
    } finally {
      this.busy = false;
    }
  }

  /** Sends the reason of a reload that could not be reported before it. */
  private async sendPending(): Promise<void> {
    let raw: string | null = null;
    try {
      raw = sessionStorage.getItem(PENDING_REPORT_KEY);
      if (raw) sessionStorage.removeItem(PENDING_REPORT_KEY);
    } catch {
      return;
    }
    if (!raw) return;
    try {
      const r = JSON.parse(raw) as DisplayReport;
      await reportToServer({ ...r, detail: `reported after the reload; ${r.detail}` });
    } catch {
      // A broken entry is dropped.
    }
  }

  /** Stops watching. */
  destroy(): void {
    clearInterval(this.timer);
  }
}

/** Renders /d/{id} into root: kiosk, the whole window. */
export function renderDisplay(root: HTMLElement, board: string): BoardView {
  document.title = "Flexboard display";
  document.documentElement.classList.add("fb-kiosk");
  const opts = displayOptions(board, window.location.search);
  const el = h("div", { class: "fb-display", "data-testid": "display" });
  root.textContent = "";
  root.appendChild(el);
  const tone = new AlertTone();
  let sound = false;
  let overlay: DisplayOverlay | null = null;
  let travel: TimeTravel | null = null;
  const view = new BoardView(el, {
    ...opts,
    size: () => ({ width: window.innerWidth, height: window.innerHeight }),
    onStatus: () => overlay?.update(),
    onBoard: (b) => {
      sound = alertSoundOn(b);
    },
    onRender: (r) => {
      sound = r.alertSound;
      if (r.name !== "") document.title = `${r.name} · Flexboard`;
      // The letterbox bars are the board's background: the page's own too, in case anything shows through.
      document.body.style.background = r.background || r.palette.background;
      document.documentElement.style.background = document.body.style.background;
      travel?.redrawn(r.variant);
    },
    onStateChange: (_id, prev, next) => {
      if (sound && entersCritical(prev, next)) tone.play();
    },
  });
  overlay = new DisplayOverlay(el);
  overlay.follow(view);
  // Pause, rewind, replay and Share (issue 8); ?at= opens paused at a moment.
  const share = new ShareDialog(el, view);
  travel = new TimeTravel(el, view, {
    at: atFromQuery(window.location.search),
    onShare: () => void share.open(),
    dialogOpen: () => share.isOpen,
  });
  (el as unknown as { fbTravel: TimeTravel }).fbTravel = travel;
  new Watchdog(() => view);
  window.addEventListener("online", () => view.stage.retryNow());
  // Tests and operators find the view through the element.
  (el as unknown as { fbView: BoardView }).fbView = view;
  view.start();
  return view;
}
