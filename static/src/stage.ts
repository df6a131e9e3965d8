// A board stage: the widgets of a render answer laid out at their rects on a
// stage of the canvas size, scaled with one CSS transform to fit its element
// (contain: no scrollbars, no distortion), and kept live by the board's
// stream. The display page and the /widgets catalogue both use it.

import { h, replace } from "./dom.ts";
import { fitContain, type Fit } from "./lib/fit.ts";
import { fetchRender, STATES, type RenderAnswer, type RenderWidget, type State, type Theme } from "./lib/render.ts";
import { BoardStream, type StreamStatus, type WidgetFrame } from "./lib/stream.ts";
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
  private stream: BoardStream | null = null;
  private fit: Fit = { scale: 0, x: 0, y: 0 };
  private stale = false;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private rescaleTimer: ReturnType<typeof setTimeout> | null = null;
  private observer: { disconnect(): void } | null = null;
  private readonly onResize = (): void => this.layout();
  private fetching = 0;
  private destroyed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly opts: StageOptions,
  ) {
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
    if (this.opts.live !== false && !this.destroyed) {
      this.stream = new BoardStream(this.opts.board, this.opts.variant ?? "", {
        onBoard: (rev) => {
          if (!this.render || rev !== this.render.revision) void this.reload();
        },
        onFrame: (widgets) => this.applyFrame(widgets),
        onStatus: (s) => this.status(s),
      });
      this.stream.open();
    }
  }

  /** The server's clock now. */
  now(): number {
    return Date.now() + (this.stream ? this.stream.clockOffset : 0);
  }

  /** The render answer drawn, null before the first. */
  get answer(): RenderAnswer | null {
    return this.render;
  }

  private async reload(): Promise<void> {
    const seq = ++this.fetching;
    try {
      const r = await fetchRender(this.opts.board, this.opts.variant ?? "", this.opts.theme ?? "");
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
    this.data.forEach((_, id) => {
      if (!ids.has(id)) this.data.delete(id);
    });
    applyTheme(this.stage, r.palette);
    this.stage.setAttribute("data-theme", r.theme);
    this.stage.style.width = `${r.canvas.width}px`;
    this.stage.style.height = `${r.canvas.height}px`;
    this.layout();
    const ctx: WidgetContext = {
      now: () => this.now(),
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
      frame.setStale(this.stale);
      const p = { widget: w, frame, view };
      this.placed.set(w.id, p);
      const d = this.data.get(w.id);
      if (d) this.applyOne(p, d);
    }
  }

  /** Applies a frame's widgets ({state, data} per widget id). */
  applyFrame(widgets: Record<string, WidgetFrame>): void {
    const t0 = performance.now();
    for (const id of Object.keys(widgets)) {
      const f = widgets[id];
      if (!f || typeof f !== "object") continue;
      this.data.set(id, f);
      const p = this.placed.get(id);
      if (p) this.applyOne(p, f);
    }
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

  private status(s: StreamStatus): void {
    const stale = s === "down" || s === "deleted";
    if (stale !== this.stale) {
      this.stale = stale;
      this.placed.forEach((p) => p.frame.setStale(stale));
    }
    this.container.setAttribute("data-stream", s);
    if (this.opts.onStatus) this.opts.onStatus(s);
  }

  private pixelRatio(): number {
    const dpr = window.devicePixelRatio || 1;
    return Math.min(MAX_PIXEL_RATIO, Math.max(0.25, (this.fit.scale || 1) * dpr));
  }

  /** Fits the stage into its container. */
  layout(): void {
    if (!this.render) return;
    const before = this.pixelRatio();
    this.fit = fitContain(this.render.canvas.width, this.render.canvas.height, this.container.clientWidth, this.container.clientHeight);
    this.stage.style.transform = `translate(${this.fit.x}px, ${this.fit.y}px) scale(${this.fit.scale})`;
    if (this.pixelRatio() !== before && this.placed.size > 0) {
      if (this.rescaleTimer) clearTimeout(this.rescaleTimer);
      this.rescaleTimer = setTimeout(() => {
        this.rescaleTimer = null;
        this.placed.forEach((p) => p.view.rescale && p.view.rescale());
      }, RESCALE_DELAY_MS);
    }
  }

  private tick(): void {
    this.placed.forEach((p) => p.view.tick && p.view.tick());
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
