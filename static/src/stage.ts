// A board stage: the widgets of a render answer laid out at their rects on a
// stage of the canvas size, scaled with one CSS transform to fit its element
// (contain: no scrollbars, no distortion) or placed by a screen plan, and
// kept live by the board's stream. The display page and the /widgets
// catalogue both use it.

import { h, replace } from "./dom.ts";
import { ServerClock } from "./lib/clock.ts";
import { fitContain, type Fit } from "./lib/fit.ts";
import { cssTransform, type PlanTransform } from "./lib/plan.ts";
import { fetchRender, STATES, type RenderAnswer, type RenderWidget, type State, type Theme } from "./lib/render.ts";
import { agesOut, ageText, entryTime, isTooOld } from "./lib/staleness.ts";
import { BoardStream, type Hello, type StreamStatus, type WidgetFrame } from "./lib/stream.ts";
import { ROLLUP_MS } from "./lib/timeline.ts";
import { createFrame, type Frame } from "./widgets/frame.ts";
import { factoryFor } from "./widgets/index.ts";
import type { WidgetContext, WidgetView } from "./widgets/types.ts";

/** Canvases are drawn at most this many device pixels per design pixel (memory on huge walls). */
const MAX_PIXEL_RATIO = 4;
/** Re-rasterising charts waits until resizing settles. */
const RESCALE_DELAY_MS = 250;

/** What a stage shows and how. */
export interface StageOptions {
  board: string;
  /** The layout variant; "" for the board's first. */
  variant?: string;
  /** "dark" or "light"; "" for the server's default. */
  theme?: string;
  /** Connect to the stream (default true); false draws the render answer only. */
  live?: boolean;
  /** Told when the connection goes up or down. */
  onStatus?: (status: StreamStatus) => void;
  /** Told when the render answer cannot be fetched. */
  onError?: (err: unknown) => void;
  /**
   * "contain" (default): the stage fits its container by itself. "manual":
   * the owner places it with place() (the display applies a screen plan).
   */
  placement?: "contain" | "manual";
  /** Mark widgets whose data is older than STALE_INTERVALS refresh intervals, with an age badge. */
  markOldData?: boolean;
  /** Replaces the default reaction to a board message (fetching the render answer again). */
  onBoard?: (revision: number, board: unknown) => void;
  /** Told of each connection's hello. */
  onHello?: (hello: Hello) => void;
  /** Told after each frame is applied. */
  onFrame?: () => void;
  /** Told when a widget's state (as the server decided it) changes; prev is undefined for the first. */
  onStateChange?: (id: string, prev: string | undefined, next: string) => void;
}

/** Time spent applying frames, measured with performance.now(). */
export interface StageStats {
  frames: number;
  totalMs: number;
  lastMs: number;
  maxMs: number;
}

interface Placed {
  widget: RenderWidget;
  frame: Frame;
  view: WidgetView;
}

/** Sets the theme's colours as CSS custom properties; styles.css uses only these on a stage. */
export function applyTheme(el: HTMLElement, t: Theme): void {
  const set = (name: string, v: string | undefined): void => {
    if (v) el.style.setProperty(name, v);
  };
  set("--fb-bg", t.background);
  set("--fb-surface", t.surface);
  set("--fb-text", t.text);
  set("--fb-muted", t.muted);
  set("--fb-grid", t.grid);
  for (const s of STATES) {
    set(`--fb-${s}`, t.states[s]);
    set(`--fb-on-${s}`, t.on_state[s]);
  }
}

function isState(s: unknown): s is State {
  return typeof s === "string" && (STATES as readonly string[]).indexOf(s) >= 0;
}

/** A live board drawn into a container element. */
export class Stage {
  /** The stage element, canvas-sized and scaled. */
  readonly stage: HTMLElement;
  readonly stats: StageStats = { frames: 0, totalMs: 0, lastMs: 0, maxMs: 0 };
  private render: RenderAnswer | null = null;
  private placed = new Map<string, Placed>();
  /** The latest data per widget, re-applied when the layout is rebuilt. */
  private data = new Map<string, WidgetFrame>();
  /** Per widget: the server time its data stands for (staleness.ts), and its last state. */
  private dataTime = new Map<string, number>();
  private states = new Map<string, string>();
  private stream: BoardStream | null = null;
  private variant: string;
  private fit: Fit = { scale: 0, x: 0, y: 0 };
  /** The plan's render scale (manual placement); 0 until placed. */
  private renderScale = 0;
  private stale = false;
  /** The server's clock, shared with the stream. */
  readonly clock = new ServerClock();
  /** The board's refresh interval from the last hello (ms); 0 before. */
  refreshMs = 0;
  /** performance.now() of the last frame applied; 0 before the first. */
  lastFrameAt = 0;
  /** The server time (ts) of the last frame applied; 0 before the first. */
  lastFrameTs = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private rescaleTimer: ReturnType<typeof setTimeout> | null = null;
  private observer: { disconnect(): void } | null = null;
  private readonly onResize = (): void => this.layout();
  private fetching = 0;
  private destroyed = false;
  /**
   * Time travel: the moment shown while held (server clock), null when live.
   * While held, frames from the stream keep updating data, dataTime and
   * states (so going live again is instant and alerts still sound) but the
   * widgets show past instead, dated by pastTime.
   */
  private pastAt: number | null = null;
  private past = new Map<string, WidgetFrame>();
  private pastTime = new Map<string, number>();

  constructor(
    private readonly container: HTMLElement,
    private readonly opts: StageOptions,
  ) {
    this.variant = opts.variant ?? "";
    this.stage = h("div", { class: "fb-stage", "data-testid": "stage" });
    container.classList.add("fb-stage-box");
    // The stage is positioned inside its box; a static box is made relative.
    if (window.getComputedStyle(container).position === "static") container.style.position = "relative";
    replace(container, this.stage);
    (container as unknown as { fbStage: Stage }).fbStage = this;
    const RO = (window as unknown as { ResizeObserver?: new (cb: () => void) => { observe(el: Element): void; disconnect(): void } }).ResizeObserver;
    if (RO) {
      const ro = new RO(this.onResize);
      ro.observe(container);
      this.observer = ro;
    } else {
      window.addEventListener("resize", this.onResize);
    }
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  /** Fetches the render answer, draws it and (unless live is false) connects the stream. */
  async start(): Promise<void> {
    await this.reload();
    if (this.opts.live !== false) this.connect();
  }

  /** Connects the stream of the stage's variant (once). */
  connect(): void {
    if (this.stream || this.destroyed) return;
    this.stream = new BoardStream(
      this.opts.board,
      this.variant,
      {
        onBoard: (rev, board) => {
          if (this.opts.onBoard) this.opts.onBoard(rev, board);
          else if (!this.render || rev !== this.render.revision) void this.reload();
        },
        onFrame: (widgets, _full, ts, ingestTs) => this.applyFrame(widgets, ts, ingestTs),
        onStatus: (s) => this.status(s),
        onHello: (hello) => {
          if (hello.refreshMs > 0) this.refreshMs = hello.refreshMs;
          if (this.opts.onHello) this.opts.onHello(hello);
        },
      },
      this.clock,
    );
    this.stream.open();
  }

  /** Shows another variant: the caller has drawn its render answer; the stream follows it. */
  setVariant(variant: string): void {
    if (variant === this.variant) return;
    this.variant = variant;
    if (this.stream) this.stream.setVariant(variant);
  }

  /** The variant shown ("" for the board's first). */
  get variantName(): string {
    return this.variant;
  }

  /** Reconnect attempts that failed since the last hello. */
  get failedReconnects(): number {
    return this.stream ? this.stream.failures : 0;
  }

  /** Connects at once if waiting to retry (the network is back). */
  retryNow(): void {
    if (this.stream) this.stream.retryNow();
  }

  /** The server's clock now. */
  now(): number {
    return this.clock.now();
  }

  /** The moment the widgets show: the server's now when live, the held moment otherwise. */
  shownNow(): number {
    return this.pastAt !== null ? this.pastAt : this.clock.now();
  }

  /** The moment held on screen (server clock), null when live. */
  get heldAt(): number | null {
    return this.pastAt;
  }

  /**
   * Freezes what is shown at moment at (server clock): frames from the
   * stream are kept but no longer drawn until release(). Holding again only
   * moves the moment.
   */
  hold(at: number): void {
    if (this.pastAt === null) {
      // What is on screen now is the past from here on.
      this.past = new Map(this.data);
      this.pastTime = new Map(this.dataTime);
    }
    this.pastAt = at;
    this.placed.forEach((p) => this.markAge(p));
  }

  /** Shows widgets' entries of a past moment (GET …/frame), holding the stage there. */
  showPast(at: number, widgets: Record<string, WidgetFrame>): void {
    this.hold(at);
    for (const id of Object.keys(widgets)) {
      const f = widgets[id];
      if (!f || typeof f !== "object") continue;
      this.past.set(id, f);
      const p = this.placed.get(id);
      const t = entryTime(p ? p.widget.kind : "", f, at, 0);
      if (t > 0) this.pastTime.set(id, t);
      if (p) this.applyOne(p, f);
    }
    // Clocks and ages follow the moment at once, not at the next second.
    this.tick();
  }

  /** Back to live: the widgets are drawn again from the latest frames, which kept arriving. */
  release(): void {
    if (this.pastAt === null) return;
    this.pastAt = null;
    this.past.clear();
    this.pastTime.clear();
    // Rebuilt rather than updated: a widget with past data and no live data must not keep the past.
    if (this.render) this.setRender(this.render);
  }

  /** The render answer drawn, null before the first. */
  get answer(): RenderAnswer | null {
    return this.render;
  }

  private async reload(): Promise<void> {
    const seq = ++this.fetching;
    try {
      const r = await fetchRender(this.opts.board, this.variant, this.opts.theme ?? "");
      if (seq === this.fetching && !this.destroyed) this.setRender(r);
    } catch (err) {
      if (this.opts.onError) this.opts.onError(err);
      else throw err;
    }
  }

  /** Draws a render answer, replacing the widgets drawn before and re-applying their latest data. */
  setRender(r: RenderAnswer): void {
    this.clearWidgets();
    this.render = r;
    // Data of widgets no longer on the board is dropped: memory stays bounded by the widget count.
    const ids = new Set(r.widgets.map((w) => w.id));
    for (const m of [this.data, this.dataTime, this.states, this.past, this.pastTime] as Map<string, unknown>[]) {
      m.forEach((_, id) => {
        if (!ids.has(id)) m.delete(id);
      });
    }
    applyTheme(this.stage, r.palette);
    if (r.background !== "") this.stage.style.setProperty("--fb-bg", r.background);
    if (r.refreshMs > 0) this.refreshMs = r.refreshMs;
    this.stage.setAttribute("data-theme", r.theme);
    this.stage.style.width = `${r.canvas.width}px`;
    this.stage.style.height = `${r.canvas.height}px`;
    this.layout();
    const ctx: WidgetContext = {
      // Clocks and "3 min ago" read the moment shown, which is the past while held.
      now: () => this.shownNow(),
      pixelRatio: () => this.pixelRatio(),
      theme: r.palette,
    };
    for (const w of r.widgets) {
      const frame = createFrame(w);
      this.stage.appendChild(frame.el);
      let view: WidgetView;
      try {
        view = factoryFor(w.kind, w.option !== null)(frame.body, w, { w: frame.metrics.bodyW, h: frame.metrics.bodyH }, ctx);
      } catch (err) {
        console.error(`widget ${w.id} (${w.kind}): ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const p = { widget: w, frame, view };
      this.placed.set(w.id, p);
      const d = this.pastAt !== null ? this.past.get(w.id) : this.data.get(w.id);
      if (d) this.applyOne(p, d);
      this.markAge(p);
    }
  }

  /**
   * Applies a frame's widgets ({state, data} per widget id). ts and ingestTs
   * are the frame's (server clock): they date data that carries no time.
   */
  applyFrame(widgets: Record<string, WidgetFrame>, ts = 0, ingestTs = 0): void {
    const t0 = performance.now();
    this.lastFrameAt = t0;
    if (ts > 0) this.lastFrameTs = ts;
    for (const id of Object.keys(widgets)) {
      const f = widgets[id];
      if (!f || typeof f !== "object") continue;
      this.data.set(id, f);
      const p = this.placed.get(id);
      const kind = p ? p.widget.kind : "";
      const t = entryTime(kind, f, ts, ingestTs);
      if (t > 0) this.dataTime.set(id, t);
      const state = typeof f.state === "string" ? f.state : "";
      const prev = this.states.get(id);
      if (prev !== state) {
        this.states.set(id, state);
        if (this.opts.onStateChange) this.opts.onStateChange(id, prev, state);
      }
      if (p && this.pastAt === null) {
        this.applyOne(p, f);
        this.markAge(p);
      }
    }
    if (this.opts.onFrame) this.opts.onFrame();
    const ms = performance.now() - t0;
    this.stats.frames++;
    this.stats.totalMs += ms;
    this.stats.lastMs = ms;
    if (ms > this.stats.maxMs) this.stats.maxMs = ms;
  }

  private applyOne(p: Placed, f: WidgetFrame): void {
    const state: State = isState(f.state) ? f.state : "nodata";
    p.frame.setState(state);
    try {
      p.view.update(f.data, state);
    } catch (err) {
      console.error(`widget ${p.widget.id} (${p.widget.kind}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Marks a widget stale (grey, "N s old") when the connection is down, or
   * when (markOldData) its data is older than STALE_INTERVALS refresh
   * intervals by the server's clock.
   */
  private markAge(p: Placed): void {
    if (this.pastAt !== null) {
      // The past is judged at its own moment, and at least at the roll-ups' step (older moments
      // come from 10-second roll-ups); the connection has nothing to do with it.
      const pt = this.pastTime.get(p.widget.id);
      const pastAge = pt !== undefined ? this.pastAt - pt : -1;
      const pastOld = this.opts.markOldData === true && agesOut(p.widget.kind) && pastAge >= 0 && isTooOld(pastAge, Math.max(this.refreshMs, ROLLUP_MS));
      p.frame.setStale(pastOld);
      p.frame.setAge(pastOld ? ageText(pastAge) : null);
      return;
    }
    const t = this.dataTime.get(p.widget.id);
    const age = t !== undefined ? this.clock.now() - t : -1;
    const ages = agesOut(p.widget.kind);
    const old = this.opts.markOldData === true && ages && age >= 0 && isTooOld(age, this.refreshMs);
    p.frame.setStale(this.stale || old);
    p.frame.setAge(ages && age >= 0 && (old || (this.stale && this.opts.markOldData === true)) ? ageText(age) : null);
  }

  private status(s: StreamStatus): void {
    const stale = s === "down" || s === "deleted" || s === "revoked";
    if (stale !== this.stale) {
      this.stale = stale;
      this.placed.forEach((p) => this.markAge(p));
    }
    this.container.setAttribute("data-stream", s);
    if (this.opts.onStatus) this.opts.onStatus(s);
  }

  /** Device pixels per design pixel that canvases draw at: the plan's render scale, else fit scale × devicePixelRatio. */
  pixelRatio(): number {
    const r = this.renderScale > 0 ? this.renderScale : (this.fit.scale || 1) * (window.devicePixelRatio || 1);
    return Math.min(MAX_PIXEL_RATIO, Math.max(0.25, r));
  }

  /**
   * Places the stage by a screen plan (placement "manual"): the transform
   * maps canvas pixels to the container's, renderScale is the device pixels
   * per canvas pixel canvases draw at.
   */
  place(t: PlanTransform, renderScale: number): void {
    const before = this.pixelRatio();
    this.renderScale = renderScale > 0 ? renderScale : 0;
    this.fit = { scale: Math.max(t.scale_x, t.scale_y), x: t.offset_x, y: t.offset_y };
    this.stage.style.transform = cssTransform(t);
    this.rescaleIfNeeded(before);
  }

  /** Fits the stage into its container (placement "contain"). */
  layout(): void {
    if (!this.render || this.opts.placement === "manual") return;
    const before = this.pixelRatio();
    this.fit = fitContain(this.render.canvas.width, this.render.canvas.height, this.container.clientWidth, this.container.clientHeight);
    this.stage.style.transform = `translate(${this.fit.x}px, ${this.fit.y}px) scale(${this.fit.scale})`;
    this.rescaleIfNeeded(before);
  }

  private rescaleIfNeeded(before: number): void {
    if (this.pixelRatio() !== before && this.placed.size > 0) {
      if (this.rescaleTimer) clearTimeout(this.rescaleTimer);
      this.rescaleTimer = setTimeout(() => {
        this.rescaleTimer = null;
        this.placed.forEach((p) => p.view.rescale && p.view.rescale());
      }, RESCALE_DELAY_MS);
    }
  }

  private tick(): void {
    this.placed.forEach((p) => {
      if (p.view.tick) p.view.tick();
      this.markAge(p);
    });
  }

  private clearWidgets(): void {
    this.placed.forEach((p) => {
      try {
        p.view.dispose();
      } catch {
        // A component failing to clean up must not keep the others from it.
      }
      if (p.frame.el.parentNode) p.frame.el.parentNode.removeChild(p.frame.el);
    });
    this.placed.clear();
  }

  /** Stops the stream and timers and frees every widget. */
  destroy(): void {
    this.destroyed = true;
    this.stream?.close();
    this.stream = null;
    if (this.ticker) clearInterval(this.ticker);
    if (this.rescaleTimer) clearTimeout(this.rescaleTimer);
    if (this.observer) this.observer.disconnect();
    else window.removeEventListener("resize", this.onResize);
    this.clearWidgets();
  }
}
