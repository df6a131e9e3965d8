// The editor's canvas: one variant of the board at its true proportions
// (canvas width × height, grid columns × rows), scaled to fit its box, the
// grid drawn, widgets placed with gridstack (drag, resize, snap, drop from
// the palette) and drawn by the display's own widget components from the
// live preview, each at its design size scaled like the wall scales it.
//
// The document is the truth: gridstack reports what the user did
// (onLayout, onDrop), the editor records it and calls sync(), which leaves
// gridstack alone when it already shows the document and rebuilds the items
// otherwise (undo, redo, keyboard, another variant). A widget's drawing is
// kept apart from gridstack's item, so rebuilding items never redraws it.

import { GridStack, GridStackEngine, type GridItemHTMLElement, type GridStackMoveOpts, type GridStackNode } from "gridstack";
import { h, replace } from "../dom.ts";
import type { BoardContent, PlacementDef, VariantDef } from "./contract.ts";
import { findVariant, overlaps, type Cells } from "./model.ts";
import type { RenderAnswer, RenderWidget, State, Theme } from "../lib/render.ts";
import { STATES } from "../lib/render.ts";
import type { WidgetFrame } from "../lib/stream.ts";
import { fitContain } from "../lib/fit.ts";
import { applyTheme } from "../stage.ts";
import { createFrame, type Frame } from "../widgets/frame.ts";
import { factoryFor } from "../widgets/index.ts";
import type { WidgetView } from "../widgets/types.ts";

/** Room kept around the canvas inside its box (px). */
const CANVAS_PAD = 16;
/** Canvases draw at most this many device pixels per design pixel (as the stage). */
const MAX_PIXEL_RATIO = 4;
/** Re-rasterising charts waits until resizing settles (as the stage). */
const RESCALE_DELAY_MS = 250;
/** The editor zooms in up to this many times the scale at which the whole canvas fits. */
export const MAX_ZOOM = 8;

/** What the canvas tells the editor. */
export interface CanvasEvents {
  /** The user moved or resized widgets (gridstack may have pushed others): every placement of the variant now. */
  onLayout(placements: PlacementDef[], label: string): void;
  /** Something from the palette was dropped: a new widget of kind, or a left-out widget (id), at cells; others as they are now. */
  onDrop(what: { kind: string } | { widget: string }, at: Cells, others: PlacementDef[]): void;
  /** A widget was clicked (or the empty canvas: null). */
  onSelect(id: string | null): void;
  /** The scale from design to screen pixels changed (zoom, a resized window, another variant). */
  onScale?(scale: number): void;
}

/** The pixel rectangle of a placement, rounded from exact cell edges like the server's boards.CellRect. */
export function cellRect(v: VariantDef, p: Cells): Cells {
  const cw = v.canvas.width / v.grid.columns;
  const ch = v.canvas.height / v.grid.rows;
  const x0 = Math.round(p.x * cw);
  const x1 = Math.round((p.x + p.w) * cw);
  const y0 = Math.round(p.y * ch);
  const y1 = Math.round((p.y + p.h) * ch);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

interface Drawn {
  /** What was drawn: the render widget with its rect, as JSON. */
  key: string;
  art: HTMLElement;
  frame: Frame;
  view: WidgetView | null;
}

function isState(s: unknown): s is State {
  return typeof s === "string" && (STATES as readonly string[]).indexOf(s) >= 0;
}

/** Signature of what gridstack should show: the variant's geometry, the overlap rule and the placements. */
function gridSignature(v: VariantDef, allowOverlap: boolean, readOnly: boolean): string {
  return JSON.stringify([v.name, v.canvas, v.grid, allowOverlap, readOnly]);
}

function hasOverlap(v: VariantDef): boolean {
  const ps = v.placements;
  for (let i = 0; i < ps.length; i++) for (let j = 0; j < i; j++) if (overlaps(ps[i]!, ps[j]!)) return true;
  return false;
}

function placementsSignature(ps: PlacementDef[]): string {
  return ps
    .map((p) => `${p.widget}@${p.x},${p.y},${p.w},${p.h}`)
    .sort()
    .join(";");
}

/** The editor's canvas of one variant. */
export class EditorCanvas {
  readonly el: HTMLElement;
  private readonly sheet: HTMLElement;
  private readonly spacer = h("div", { class: "fb-ed-spacer" });
  /** Said on an empty canvas: how to start. */
  private readonly hint = h("div", { class: "fb-ed-hint", "data-testid": "editor-empty-hint" }, "Drag a widget here from the list on the left, or click one to add it");
  private gridEl: HTMLElement | null = null;
  private grid: GridStack | null = null;
  private doc: BoardContent | null = null;
  private variant: VariantDef | null = null;
  private gridSig = "";
  private readOnly = false;
  private scale = 1;
  private selected: string | null = null;
  /** Set while the canvas changes gridstack itself: its events are not the user's. */
  private syncing = false;
  /** The item being dragged or resized, for the undo label. */
  private gesture: { id: string; what: "Move" | "Resize" } | null = null;
  private drawn = new Map<string, Drawn>();
  private renderWidgets = new Map<string, RenderWidget>();
  private data = new Map<string, WidgetFrame>();
  private theme: Theme | null = null;
  private paletteKey = "";
  private observer: { disconnect(): void } | null = null;
  private rescaleTimer: ReturnType<typeof setTimeout> | null = null;
  private ticker: ReturnType<typeof setInterval>;
  /** Widget drawings made (a drawing is kept while its widget, size and render answer stay the same). */
  redraws = 0;
  /** The overlap rule the engine applies (read by the engine subclass). */
  private allowOverlap = false;
  private zoom = 1;

  constructor(
    box: HTMLElement,
    private readonly events: CanvasEvents,
    private readonly title: (id: string) => string,
  ) {
    this.sheet = h("div", { class: "fb-ed-sheet", "data-testid": "editor-sheet" });
    this.el = h("div", { class: "fb-ed-canvas", "data-testid": "editor-canvas" }, this.sheet, this.spacer);
    replace(box, this.el);
    this.el.addEventListener("mousedown", (e) => {
      // A click on the empty canvas (not on a widget) clears the selection.
      const t = e.target as HTMLElement | null;
      if (t && !t.closest(".grid-stack-item")) this.events.onSelect(null);
    });
    const RO = (window as unknown as { ResizeObserver?: new (cb: () => void) => { observe(el: Element): void; disconnect(): void } }).ResizeObserver;
    if (RO) {
      const ro = new RO(() => this.layout());
      ro.observe(this.el);
      this.observer = ro;
    } else {
      window.addEventListener("resize", this.onWindowResize);
    }
    this.ticker = setInterval(() => this.drawn.forEach((d) => d.view && d.view.tick && d.view.tick()), 1000);
  }

  private readonly onWindowResize = (): void => this.layout();

  /** The variant shown. */
  get variantName(): string {
    return this.variant ? this.variant.name : "";
  }

  /** The scale from design pixels to screen pixels. */
  get currentScale(): number {
    return this.scale;
  }

  /**
   * Shows variant of doc: rebuilds gridstack when the geometry, the overlap
   * rule or the placements differ from what it shows; redraws the widgets
   * whose size changed.
   */
  sync(doc: BoardContent, variant: string, readOnly: boolean): void {
    this.doc = doc;
    const v = findVariant(doc, variant);
    if (!v) return;
    this.variant = v;
    this.readOnly = readOnly;
    // A layout that overlaps although the board forbids it (overlap just turned off, an old
    // revision) is shown as it is, marked by the server's error, not pushed apart behind the
    // document's back.
    this.allowOverlap = doc.allow_overlap || hasOverlap(v);
    const sig = gridSignature(v, this.allowOverlap, readOnly);
    if (sig !== this.gridSig || !this.grid) {
      this.gridSig = sig;
      this.buildGrid(v);
    }
    if (placementsSignature(this.gridPlacements()) !== placementsSignature(v.placements)) this.loadItems(v);
    this.hint.style.display = v.placements.length === 0 && !readOnly ? "" : "none";
    // Titles and kinds may have changed without the placements.
    for (const p of v.placements) this.ensureDrawn(p);
    this.layout();
    this.markSelection();
  }

  private buildGrid(v: VariantDef): void {
    if (this.grid) {
      this.grid.offAll();
      this.grid.destroy(true);
      this.grid = null;
    }
    const gridEl = h("div", { class: "grid-stack fb-ed-grid", "data-testid": "editor-grid" });
    this.gridEl = gridEl;
    replace(this.sheet, gridEl, this.hint);
    const self = this;
    // Overlap, when the board allows it: gridstack then never pushes widgets apart.
    class Engine extends GridStackEngine {
      override collide(skip: GridStackNode, area?: GridStackNode, skip2?: GridStackNode): GridStackNode | undefined {
        return self.allowOverlap ? undefined : super.collide(skip, area, skip2);
      }
      override collideAll(skip: GridStackNode, area?: GridStackNode, skip2?: GridStackNode): GridStackNode[] {
        return self.allowOverlap ? [] : super.collideAll(skip, area, skip2);
      }
      // With a row limit gridstack tries moves on a plain-engine copy (which would push others
      // aside): with overlap allowed the move is made directly, inside the rows.
      override moveNodeCheck(node: GridStackNode, o: GridStackMoveOpts): boolean {
        if (!self.allowOverlap) return super.moveNodeCheck(node, o);
        if (!this.changedPosConstrain(node, o)) return false;
        const y = o.y ?? node.y ?? 0;
        const hh = o.h ?? node.h ?? 1;
        if (this.maxRow && y + hh > this.maxRow) return false;
        return this.moveNode(node, o);
      }
    }
    const fit = this.fit(v);
    this.scale = fit.scale;
    this.placeSheet(v);
    const grid = GridStack.init(
      {
        column: v.grid.columns,
        row: v.grid.rows,
        cellHeight: (v.canvas.height * fit.scale) / v.grid.rows,
        margin: 0,
        mode: "float",
        animate: false,
        acceptWidgets: (el: Element) => el.classList.contains("fb-ed-source"),
        resizable: { handles: "e,se,s,sw,w" },
        staticGrid: this.readOnly,
        engineClass: Engine,
        columnOpts: { breakpoints: [] },
        draggable: { cancel: "input,textarea,button,select,option,a" },
      },
      gridEl,
    );
    if (!grid) throw new Error("gridstack did not start");
    this.grid = grid;
    grid.on("dragstart", (_e: Event, el: GridItemHTMLElement) => {
      const id = el.getAttribute("gs-id") || "";
      this.gesture = { id, what: "Move" };
      if (id !== "") this.events.onSelect(id);
    });
    grid.on("resizestart", (_e: Event, el: GridItemHTMLElement) => {
      const id = el.getAttribute("gs-id") || "";
      this.gesture = { id, what: "Resize" };
      if (id !== "") this.events.onSelect(id);
    });
    grid.on("resize", (_e: Event, el: GridItemHTMLElement) => this.stretchArt(el));
    grid.on("change", () => {
      if (this.syncing) return;
      // A drop from the palette is reported by "dropped" as one edit.
      if (grid.engine.nodes.some((n) => !n.id)) return;
      const g = this.gesture;
      this.gesture = null;
      const label = g ? `${g.what} ${this.title(g.id)}` : "Move widgets";
      this.events.onLayout(this.gridPlacements(), label);
    });
    grid.on("dragstop", () => (this.gesture = null));
    grid.on("resizestop", (_e: Event, el: GridItemHTMLElement) => {
      this.gesture = null;
      const id = el.getAttribute("gs-id") || "";
      // Back to the drawn size; the document (or its refusal) decides the rest.
      const d = this.drawn.get(id);
      if (d) this.scaleArt(d);
    });
    grid.on("dropped", (_e: Event, _prev: GridStackNode | undefined, node: GridStackNode) => {
      const el = node.el;
      if (!el) return;
      const kind = el.getAttribute("data-kind") || "";
      const widget = el.getAttribute("data-widget") || "";
      const at = { x: node.x ?? 0, y: node.y ?? 0, w: node.w ?? 1, h: node.h ?? 1 };
      // gridstack made its own item of the palette's clone: the document makes the real one.
      this.syncing = true;
      try {
        grid.removeWidget(el, true, false);
      } finally {
        this.syncing = false;
      }
      const others = this.gridPlacements();
      // Handled once gridstack has finished its own drop work.
      setTimeout(() => {
        if (kind !== "") this.events.onDrop({ kind }, at, others);
        else if (widget !== "") this.events.onDrop({ widget }, at, others);
      }, 0);
    });
  }

  /** The placements gridstack shows now (items of widgets only). */
  gridPlacements(): PlacementDef[] {
    if (!this.grid) return [];
    const out: PlacementDef[] = [];
    for (const n of this.grid.engine.nodes) {
      if (!n.id) continue;
      out.push({ widget: String(n.id), x: n.x ?? 0, y: n.y ?? 0, w: n.w ?? 1, h: n.h ?? 1 });
    }
    return out;
  }

  /** Replaces gridstack's items with the variant's placements, moving the drawings across. */
  private loadItems(v: VariantDef): void {
    const grid = this.grid;
    if (!grid) return;
    this.syncing = true;
    try {
      grid.batchUpdate(true);
      for (const d of this.drawn.values()) if (d.art.parentNode) d.art.parentNode.removeChild(d.art);
      grid.removeAll(true, false);
      // Items gridstack no longer tracks (a drop's leftovers) go too: the document is the only truth.
      const stale = this.gridEl!.querySelectorAll(".grid-stack-item");
      for (let i = 0; i < stale.length; i++) stale[i]!.parentNode!.removeChild(stale[i]!);
      for (const p of v.placements) {
        const content = h("div", { class: "grid-stack-item-content" });
        const item = h(
          "div",
          { class: "grid-stack-item fb-ed-item", "gs-id": p.widget, "data-widget-id": p.widget, "data-testid": "editor-item" },
          content,
        );
        item.addEventListener("mousedown", () => this.events.onSelect(p.widget));
        this.gridEl!.appendChild(item);
        grid.makeWidget(item, { x: p.x, y: p.y, w: p.w, h: p.h, id: p.widget });
        const d = this.drawn.get(p.widget);
        if (d) content.appendChild(d.art);
      }
      grid.batchUpdate(false);
    } finally {
      this.syncing = false;
    }
    // Drawings of widgets no longer on this variant are freed.
    const placed = new Set(v.placements.map((p) => p.widget));
    for (const [id, d] of this.drawn) {
      if (!placed.has(id)) {
        this.dispose(d);
        this.drawn.delete(id);
      }
    }
  }

  private itemOf(id: string): HTMLElement | null {
    if (!this.gridEl) return null;
    const items = this.gridEl.querySelectorAll<HTMLElement>(".grid-stack-item");
    for (let i = 0; i < items.length; i++) if (items[i]!.getAttribute("gs-id") === id) return items[i]!;
    return null;
  }

  /**
   * Draws widget p.widget at its placement's size: from the latest render
   * answer when there is one (at the new size until the next answer), a
   * placeholder naming it otherwise. Unchanged drawings are kept.
   */
  private ensureDrawn(p: PlacementDef): void {
    const v = this.variant;
    const doc = this.doc;
    if (!v || !doc) return;
    const def = doc.widgets.find((w) => w.id === p.widget);
    if (!def) return;
    const rect = cellRect(v, p);
    const rw0 = this.renderWidgets.get(p.widget);
    const rw: RenderWidget = rw0
      ? { ...rw0, title: def.title, rect }
      : { id: def.id, kind: def.kind, title: def.title, rect, config: def.config, format: null, option: null, html: "" };
    const key = JSON.stringify(rw);
    const old = this.drawn.get(p.widget);
    if (old && old.key === key) return;
    if (old) this.dispose(old);
    this.redraws++;
    const frame = createFrame(rw);
    frame.el.style.left = "0px";
    frame.el.style.top = "0px";
    const art = h("div", { class: "fb-ed-art" }, frame.el);
    art.style.width = `${rect.w}px`;
    art.style.height = `${rect.h}px`;
    let view: WidgetView | null = null;
    if (rw0) {
      try {
        view = factoryFor(rw.kind, rw.option !== null)(frame.body, rw, { w: frame.metrics.bodyW, h: frame.metrics.bodyH }, {
          now: () => Date.now(),
          pixelRatio: () => this.pixelRatio(),
          theme: this.theme ?? ({} as Theme),
        });
      } catch (err) {
        frame.body.appendChild(h("div", { class: "fb-placeholder" }, `Cannot draw: ${err instanceof Error ? err.message : String(err)}`));
      }
    } else {
      frame.body.appendChild(h("div", { class: "fb-placeholder fb-ed-pending" }, `${def.kind}: waiting for the preview…`));
    }
    const d: Drawn = { key, art, frame, view };
    this.drawn.set(p.widget, d);
    this.scaleArt(d);
    const item = this.itemOf(p.widget);
    const content = item ? item.querySelector(".grid-stack-item-content") : null;
    if (content) content.appendChild(art);
    const f = this.data.get(p.widget);
    if (f) this.applyOne(d, f);
  }

  private dispose(d: Drawn): void {
    try {
      if (d.view) d.view.dispose();
    } catch {
      // A component failing to clean up must not stop the others.
    }
    if (d.art.parentNode) d.art.parentNode.removeChild(d.art);
  }

  private applyOne(d: Drawn, f: WidgetFrame): void {
    const state: State = isState(f.state) ? f.state : "nodata";
    d.frame.setState(state);
    if (!d.view) return;
    try {
      d.view.update(f.data, state);
    } catch (err) {
      console.error(`editor widget: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Colours the canvas with a theme (and the board's background, "" for the theme's) when it is not the one shown. */
  setPalette(t: Theme, background: string, name: string): void {
    const key = JSON.stringify([t.name, background, name]);
    if (key === this.paletteKey) return;
    this.paletteKey = key;
    this.theme = t;
    applyTheme(this.sheet, t);
    this.sheet.style.setProperty("--fb-bg", background !== "" ? background : t.background);
    this.sheet.setAttribute("data-theme", name);
  }

  /** Draws a render answer of the draft (from the preview): widgets whose drawing it changes are redrawn. */
  setRender(r: RenderAnswer): void {
    this.setPalette(r.palette, r.background, r.theme);
    this.renderWidgets.clear();
    for (const w of r.widgets) this.renderWidgets.set(w.id, w);
    if (!this.variant) return;
    for (const p of this.variant.placements) this.ensureDrawn(p);
  }

  /** Applies a frame of data ({state, data} per widget id). */
  applyFrame(frame: Record<string, WidgetFrame>): void {
    for (const id of Object.keys(frame)) {
      const f = frame[id];
      if (!f || typeof f !== "object") continue;
      this.data.set(id, f);
      const d = this.drawn.get(id);
      if (d) this.applyOne(d, f);
    }
  }

  /** The state a widget shows ("" when not drawn). */
  stateOf(id: string): string {
    const d = this.drawn.get(id);
    return d ? d.frame.el.getAttribute("data-state") || "" : "";
  }

  /** Marks the selected widget. */
  select(id: string | null): void {
    this.selected = id;
    this.markSelection();
  }

  private markSelection(): void {
    if (!this.gridEl) return;
    const items = this.gridEl.querySelectorAll<HTMLElement>(".grid-stack-item");
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (this.selected !== null && it.getAttribute("gs-id") === this.selected) it.setAttribute("data-selected", "");
      else it.removeAttribute("data-selected");
    }
  }

  /** Marks widgets with a server error (the preview's 400) by id. */
  markInvalid(ids: string[]): void {
    if (!this.gridEl) return;
    const items = this.gridEl.querySelectorAll<HTMLElement>(".grid-stack-item");
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (ids.indexOf(it.getAttribute("gs-id") || "") >= 0) it.setAttribute("data-invalid", "");
      else it.removeAttribute("data-invalid");
    }
  }

  private fit(v: VariantDef): { scale: number; x: number; y: number } {
    const bw = Math.max(0, this.el.clientWidth - 2 * CANVAS_PAD);
    const bh = Math.max(0, this.el.clientHeight - 2 * CANVAS_PAD);
    const f = fitContain(v.canvas.width, v.canvas.height, bw, bh);
    const fitScale = f.scale > 0 ? f.scale : 0.1;
    if (this.zoom <= 1) return { scale: fitScale, x: f.x + CANVAS_PAD, y: f.y + CANVAS_PAD };
    // Zoomed in: larger than the box, scrolled; centred on an axis where it still fits.
    const scale = fitScale * this.zoom;
    return { scale, x: CANVAS_PAD + Math.max(0, (bw - v.canvas.width * scale) / 2), y: CANVAS_PAD + Math.max(0, (bh - v.canvas.height * scale) / 2) };
  }

  /** Zoom as a multiple of the fitting scale (1: the whole canvas fits), kept across variants. */
  setZoom(z: number): void {
    const next = Math.max(1, Math.min(MAX_ZOOM, z));
    if (next === this.zoom) return;
    this.zoom = next;
    this.el.setAttribute("data-zoomed", next > 1 ? "true" : "false");
    this.layout();
  }

  get zoomFactor(): number {
    return this.zoom;
  }

  private placeSheet(v: VariantDef): void {
    const f = this.fit(v);
    const before = this.pixelRatio();
    this.scale = f.scale;
    const w = v.canvas.width * f.scale;
    const hh = v.canvas.height * f.scale;
    const s = this.sheet.style;
    s.left = `${Math.round(f.x)}px`;
    s.top = `${Math.round(f.y)}px`;
    s.width = `${w}px`;
    s.height = `${hh}px`;
    // The grid's lines: one cell of the variant, scaled.
    s.backgroundSize = `${w / v.grid.columns}px ${hh / v.grid.rows}px`;
    // The scrolled area ends a pad beyond the canvas when zoomed in.
    this.spacer.style.left = `${Math.round(f.x + w)}px`;
    this.spacer.style.top = `${Math.round(f.y + hh)}px`;
    const changed = this.sheet.getAttribute("data-scale") !== f.scale.toFixed(4);
    this.sheet.setAttribute("data-scale", f.scale.toFixed(4));
    if (changed && this.events.onScale) this.events.onScale(f.scale);
    if (this.pixelRatio() !== before) this.rescaleLater();
  }

  /** Refits the canvas into its box (the box or the window changed size). */
  layout(): void {
    const v = this.variant;
    if (!v) return;
    this.placeSheet(v);
    if (this.grid) {
      this.grid.cellHeight((v.canvas.height * this.scale) / v.grid.rows);
      this.grid.onResize();
    }
    this.drawn.forEach((d) => this.scaleArt(d));
  }

  private scaleArt(d: Drawn): void {
    d.art.style.transform = `scale(${this.scale})`;
  }

  /** While resizing: the drawing follows the item's size, stretched, until the new size is drawn. */
  private stretchArt(el: HTMLElement): void {
    const id = el.getAttribute("gs-id") || "";
    const d = this.drawn.get(id);
    if (!d) return;
    const w = parseFloat(d.art.style.width) || 1;
    const hh = parseFloat(d.art.style.height) || 1;
    d.art.style.transform = `scale(${el.offsetWidth / w}, ${el.offsetHeight / hh})`;
  }

  private pixelRatio(): number {
    const r = (this.scale || 1) * (window.devicePixelRatio || 1);
    return Math.min(MAX_PIXEL_RATIO, Math.max(0.25, r));
  }

  private rescaleLater(): void {
    if (this.rescaleTimer) clearTimeout(this.rescaleTimer);
    this.rescaleTimer = setTimeout(() => {
      this.rescaleTimer = null;
      this.drawn.forEach((d) => d.view && d.view.rescale && d.view.rescale());
    }, RESCALE_DELAY_MS);
  }

  /** The cell under a point of the page (for tests and keyboard help), null outside the canvas. */
  cellAt(clientX: number, clientY: number): { x: number; y: number } | null {
    const v = this.variant;
    if (!v) return null;
    const r = this.sheet.getBoundingClientRect();
    if (clientX < r.left || clientY < r.top || clientX >= r.right || clientY >= r.bottom) return null;
    return { x: Math.floor(((clientX - r.left) / r.width) * v.grid.columns), y: Math.floor(((clientY - r.top) / r.height) * v.grid.rows) };
  }

  destroy(): void {
    clearInterval(this.ticker);
    if (this.rescaleTimer) clearTimeout(this.rescaleTimer);
    if (this.observer) this.observer.disconnect();
    else window.removeEventListener("resize", this.onWindowResize);
    this.drawn.forEach((d) => this.dispose(d));
    this.drawn.clear();
    if (this.grid) {
      this.grid.offAll();
      this.grid.destroy(true);
      this.grid = null;
    }
  }
}
