// The board editor /edit/{id} (issue 7): the canvas of a variant at its true
// proportions with gridstack, the palette of kinds, variant tabs, the side
// panel of the selected widget or of the board, undo/redo of every edit,
// saving against the revision the edit is based on (and the conflict dialog
// when someone saved in between), drafts kept locally, the history of
// saved revisions, Share, and widgets drawing live data from the preview
// of the draft while you edit.

import { GridStack } from "gridstack";
import { h, replace } from "../dom.ts";
import type { BoardContent, FieldError, PanelHandle, PlacementDef, SettingsPanelProps, VariantDef, WidgetPanelProps } from "./contract.ts";
import {
  addWidget,
  clone,
  defaultCells,
  deleteWidget,
  diffContent,
  duplicateWidget,
  DraftStore,
  findVariant,
  grow,
  History,
  leaveOut,
  leftOut,
  nudge,
  placeWidget,
  replaceWidget,
  sameDoc,
  widgetField,
  widgetName,
  withPlacements,
  withSettings,
  type Cells,
  type Difference,
  type EditResult,
  type KeyValueStorage,
} from "./model.ts";
import {
  createBoard,
  fetchPreview,
  listVersions,
  loadBoard,
  newerBoard,
  loadVersion,
  restoreVersion,
  saveBoard,
  type LoadedBoard,
  type VersionInfo,
} from "./api.ts";
import { EditorCanvas } from "./canvas.ts";
import * as panels from "./panels/index.ts";
import { ApiError, errorMessage } from "../lib/errors.ts";
import { fetchKinds, type KindInfo, type KindsAnswer } from "../lib/render.ts";
import { ShareDialog } from "../share.ts";
import { openAccessDialog } from "./access.ts";
import type { BoardView } from "../display.ts";

/** The live preview is asked for at the board's refresh interval, but never more often than this. */
export const MIN_PREVIEW_INTERVAL_MS = 1000;
/** After an edit the preview is asked for this soon (edits in quick succession make one request). */
const PREVIEW_AFTER_EDIT_MS = 150;
/** A failing preview is retried after 1 s, doubling up to this. */
const MAX_PREVIEW_BACKOFF_MS = 30000;
/** Each zoom step multiplies the scale by this. */
const ZOOM_STEP = 1.5;
/** Drafts are written this long after the last edit. */
const DRAFT_DELAY_MS = 300;
/** How often the editor asks whether someone else saved the board (answered 304 when not). */
export const REVISION_CHECK_MS = 5000;

function localStore(): KeyValueStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // disabled by the browser's settings
  }
}

/** Whether keys typed now belong to a text field (which keeps its own arrows, Delete and undo). */
function typingIn(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select" || el.isContentEditable) return true;
  if (tag !== "input") return false;
  const type = ((el as HTMLInputElement).type || "text").toLowerCase();
  return ["checkbox", "radio", "button", "submit", "range", "color"].indexOf(type) < 0;
}

function timeText(iso: string | number): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** The editor of one board. */
export class Editor {
  private kinds: KindsAnswer = { kinds: [], palette: [] };
  private history: History | null = null;
  /** The revision the edits are based on, and its content (what "unsaved" is measured against). */
  private base = 0;
  private baseDoc: BoardContent | null = null;
  private variant = "";
  private selected: string | null = null;
  /** Problems the server found in the draft (preview or save): {field, message}. */
  private errors: FieldError[] = [];
  private readonly drafts = new DraftStore(localStore());
  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  /** A saved revision shown read-only on the canvas (history), null while editing. */
  private viewing: { rev: number; doc: BoardContent } | null = null;
  private saving = false;
  private destroyed = false;
  private panel: PanelHandle | null = null;
  private panelFor = "";
  private sideMode: "panel" | "history" = "panel";
  private share: ShareDialog | null = null;

  private revisionTimer: ReturnType<typeof setTimeout> | null = null;
  /** The newest revision someone else saved that the notice already told of. */
  private toldRevision = 0;

  // preview loop
  private previewTimer: ReturnType<typeof setTimeout> | null = null;
  private previewBusy = false;
  private previewAgain = false;
  private previewFailures = 0;
  private previewIdle = false;
  private readonly onVisible = (): void => {
    if (!document.hidden && this.previewIdle) {
      this.previewIdle = false;
      this.kickPreview(0);
    }
  };
  /** Requests answered, for tests and the status line. */
  previews = 0;

  // elements
  private readonly root: HTMLElement;
  private readonly nameEl = h("span", { class: "fb-ed-name", "data-testid": "editor-name" });
  private readonly statusEl = h("span", { class: "fb-ed-status", "data-testid": "editor-status", role: "status" });
  private readonly undoBtn = h("button", { type: "button", class: "btn btn-small", "data-testid": "editor-undo", title: "Undo (Ctrl+Z)" }, "Undo");
  private readonly redoBtn = h("button", { type: "button", class: "btn btn-small", "data-testid": "editor-redo", title: "Redo (Ctrl+Shift+Z)" }, "Redo");
  private readonly saveBtn = h("button", { type: "button", class: "btn btn-small btn-primary", "data-testid": "editor-save", title: "Save (Ctrl+S)" }, "Save");
  private readonly historyBtn = h("button", { type: "button", class: "btn btn-small", "data-testid": "editor-history", "aria-pressed": "false" }, "History");
  private readonly shareBtn = h("button", { type: "button", class: "btn btn-small", "data-testid": "editor-share", title: "Freeze a snapshot of the saved board" }, "Share");
  private readonly accessBtn = h("button", { type: "button", class: "btn btn-small", "data-testid": "editor-access", title: "Private snapshots; published read-only links" }, "Access");
  private readonly displayLink: HTMLAnchorElement;
  private readonly paletteEl = h("div", { class: "fb-ed-kinds", "data-testid": "editor-palette" });
  private readonly leftOutEl = h("div", { class: "fb-ed-leftout", "data-testid": "editor-leftout" });
  private readonly tabsEl = h("div", { class: "fb-ed-tabs", role: "tablist", "data-testid": "editor-tabs" });
  private readonly noticeEl = h("div", { class: "fb-ed-notices" });
  private readonly canvasBox = h("div", { class: "fb-ed-canvasbox" });
  private readonly selBar = h("div", { class: "fb-ed-selbar", "data-testid": "editor-selbar" });
  private readonly sideEl = h("aside", { class: "fb-ed-side", "data-testid": "editor-side" });
  private readonly previewEl = h("span", { class: "fb-ed-preview-status", "data-testid": "editor-preview-status" });
  private canvas: EditorCanvas | null = null;
  private readonly zoomLevel = h("span", { class: "fb-ed-zoom-level", "data-testid": "zoom-level", title: "Screen pixels per design pixel" });
  private readonly zoomEl = h("div", { class: "fb-ed-zoom" });

  constructor(
    private readonly host: HTMLElement,
    readonly id: string,
  ) {
    this.displayLink = h("a", { class: "btn btn-small", href: `/d/${encodeURIComponent(id)}`, target: "_blank", rel: "noopener", "data-testid": "editor-open-display" }, "Open display");
    this.root = h("div", { class: "fb-ed", "data-testid": "editor" });
  }

  /** Loads the board and the kinds, then shows the editor (or why it cannot). */
  async start(): Promise<void> {
    document.title = "Edit board · Flexboard";
    replace(this.host, h("main", { class: "page" }, h("div", { class: "loading", "data-testid": "editor-loading" }, h("span", { class: "spinner" }), "Loading the board…")));
    let board: LoadedBoard;
    try {
      const [b, k] = await Promise.all([loadBoard(this.id), fetchKinds()]);
      board = b;
      this.kinds = k;
    } catch (err) {
      this.showFatal(err);
      return;
    }
    this.base = board.revision;
    this.baseDoc = clone(board.content);
    this.history = new History(board.content);
    this.variant = board.content.variants[0] ? board.content.variants[0].name : "";
    this.build();
    this.refresh();
    await this.offerDraft(board);
    this.kickPreview(0);
    this.revisionTimer = setTimeout(() => void this.checkRevision(), REVISION_CHECK_MS);
  }

  private showFatal(err: unknown): void {
    const notFound = err instanceof ApiError && err.status === 404;
    replace(
      this.host,
      h(
        "main",
        { class: "page" },
        h(
          "div",
          { class: "panel error", "data-testid": "editor-error" },
          h("h2", null, notFound ? "No such board" : "The editor cannot open this board"),
          h("p", { class: "error-message" }, errorMessage(err)),
          h("a", { class: "btn btn-primary", href: "/" }, "Go to the board list"),
        ),
      ),
    );
  }

  /** The editor's state as tests (and the console) read it: a copy of the document and what it is based on. */
  state(): { doc: BoardContent | null; base: number; dirty: boolean; variant: string; selected: string | null; viewing: number | null; canUndo: boolean; canRedo: boolean; previews: number; redraws: number } {
    return {
      doc: this.history ? clone(this.history.doc) : null,
      base: this.base,
      dirty: this.dirty,
      variant: this.variant,
      selected: this.selected,
      viewing: this.viewing ? this.viewing.rev : null,
      canUndo: this.history !== null && this.history.canUndo,
      canRedo: this.history !== null && this.history.canRedo,
      previews: this.previews,
      redraws: this.canvas ? this.canvas.redraws : 0,
    };
  }

  private get doc(): BoardContent {
    return this.history!.doc;
  }

  /** Whether there are edits not saved. */
  get dirty(): boolean {
    return this.history !== null && this.baseDoc !== null && !sameDoc(this.history.doc, this.baseDoc);
  }

  // ---- building the page ---------------------------------------------------

  private build(): void {
    const back = h("a", { class: "btn btn-small fb-ed-back", href: "/", "data-testid": "editor-back" }, "← Boards");
    this.undoBtn.addEventListener("click", () => this.undo());
    this.redoBtn.addEventListener("click", () => this.redo());
    this.saveBtn.addEventListener("click", () => void this.save());
    this.historyBtn.addEventListener("click", () => this.toggleHistory());
    this.shareBtn.addEventListener("click", () => this.openShare());
    this.accessBtn.addEventListener("click", () => openAccessDialog(this.root, this.id));
    const bar = h(
      "header",
      { class: "fb-ed-bar" },
      back,
      h("div", { class: "fb-ed-title" }, this.nameEl, this.statusEl),
      h("div", { class: "fb-ed-actions" }, this.undoBtn, this.redoBtn, this.historyBtn, this.shareBtn, this.accessBtn, this.displayLink, this.saveBtn),
    );
    const palette = h(
      "aside",
      { class: "fb-ed-palette" },
      h("h3", null, "Widgets"),
      h("p", { class: "fb-ed-help" }, "Drag onto the canvas, or click to add."),
      this.paletteEl,
      this.leftOutEl,
      h(
        "dl",
        { class: "fb-ed-keys" },
        h("dt", null, "Arrows"),
        h("dd", null, "move the selected widget a cell"),
        h("dt", null, "Shift+arrows"),
        h("dd", null, "resize it"),
        h("dt", null, "Delete"),
        h("dd", null, "remove it"),
        h("dt", null, "Ctrl+D"),
        h("dd", null, "duplicate it"),
        h("dt", null, "Ctrl+Z, Ctrl+Shift+Z"),
        h("dd", null, "undo, redo"),
        h("dt", null, "Ctrl+S"),
        h("dd", null, "save"),
      ),
    );
    const center = h(
      "section",
      { class: "fb-ed-center" },
      this.tabsEl,
      this.noticeEl,
      this.canvasBox,
      h(
        "div",
        { class: "fb-ed-foot" },
        this.selBar,
        this.previewEl,
      ),
    );
    replace(this.root, bar, h("div", { class: "fb-ed-main" }, palette, center, this.sideEl));
    replace(this.host, this.root);
    this.canvas = new EditorCanvas(
      this.canvasBox,
      {
        onLayout: (ps, label) => this.onLayout(ps, label),
        onDrop: (what, at, others) => this.onDrop(what, at, others),
        onSelect: (id) => this.select(id),
        onScale: () => this.showZoom(),
      },
      (id) => widgetName(this.doc, id),
    );
    this.buildPalette();
    const zoomOut = h("button", { type: "button", class: "btn btn-small", title: "Zoom out", "data-testid": "zoom-out" }, "−");
    const zoomFit = h("button", { type: "button", class: "btn btn-small", title: "Fit the whole canvas", "data-testid": "zoom-fit" }, "Fit");
    const zoomIn = h("button", { type: "button", class: "btn btn-small", title: "Zoom in", "data-testid": "zoom-in" }, "+");
    zoomOut.addEventListener("click", () => this.zoomBy(1 / ZOOM_STEP));
    zoomFit.addEventListener("click", () => this.zoomBy(0));
    zoomIn.addEventListener("click", () => this.zoomBy(ZOOM_STEP));
    replace(this.zoomEl, zoomOut, this.zoomLevel, zoomIn, zoomFit);
    document.addEventListener("keydown", this.onKey);
    window.addEventListener("beforeunload", this.onBeforeUnload);
    document.addEventListener("visibilitychange", this.onVisible);
    (this.host as unknown as { fbEditor: Editor }).fbEditor = this;
  }

  private buildPalette(): void {
    const items: HTMLElement[] = [];
    for (const k of this.kinds.kinds) {
      const item = h(
        "button",
        { type: "button", class: "fb-ed-kind fb-ed-source", "data-kind": k.name, "data-testid": "palette-kind", title: k.description || k.label },
        h("span", { class: "fb-ed-kind-label" }, k.label),
        h("span", { class: "fb-ed-kind-size" }, ""),
      );
      item.addEventListener("click", () => this.addKind(k));
      items.push(item);
    }
    replace(this.paletteEl, ...items);
    this.sizePalette();
    GridStack.setupDragIn(items, { appendTo: "body", helper: "clone" });
  }

  /** Sets each palette kind's size (in the current variant's cells) for gridstack's drop. */
  private sizePalette(): void {
    const v = findVariant(this.doc, this.variant);
    if (!v) return;
    const els = this.paletteEl.querySelectorAll<HTMLElement>(".fb-ed-kind");
    for (let i = 0; i < els.length; i++) {
      const el = els[i]!;
      const k = this.kindOf(el.getAttribute("data-kind") || "");
      if (!k) continue;
      const c = defaultCells(k, v);
      el.setAttribute("gs-w", String(c.w));
      el.setAttribute("gs-h", String(c.h));
      const size = el.querySelector(".fb-ed-kind-size");
      if (size) size.textContent = `${c.w}×${c.h}`;
    }
  }

  /** Zooms by factor (0: back to fitting the whole canvas). */
  private zoomBy(factor: number): void {
    if (!this.canvas) return;
    this.canvas.setZoom(factor === 0 ? 1 : this.canvas.zoomFactor * factor);
    this.showZoom();
  }

  private showZoom(): void {
    if (!this.canvas) return;
    this.zoomLevel.textContent = `${Math.round(this.canvas.currentScale * 100)}%`;
  }

  private kindOf(name: string): KindInfo | undefined {
    return this.kinds.kinds.find((k) => k.name === name);
  }

  // ---- showing the document ------------------------------------------------

  /** Brings every part of the page up to date with the document, the selection and the mode. */
  private refresh(): void {
    if (!this.history || !this.canvas) return;
    const doc = this.viewing ? this.viewing.doc : this.doc;
    if (!doc.variants.some((v) => v.name === this.variant)) this.variant = doc.variants[0] ? doc.variants[0].name : "";
    if (this.selected !== null && !findVariant(doc, this.variant)?.placements.some((p) => p.widget === this.selected)) this.selected = null;
    this.nameEl.textContent = this.doc.name || "Untitled board";
    document.title = `${this.dirty ? "• " : ""}Edit ${this.doc.name || "board"} · Flexboard`;
    this.undoBtn.disabled = !this.history.canUndo || this.viewing !== null;
    this.redoBtn.disabled = !this.history.canRedo || this.viewing !== null;
    this.undoBtn.title = this.history.canUndo ? `Undo ${this.history.undoLabel} (Ctrl+Z)` : "Nothing to undo";
    this.redoBtn.title = this.history.canRedo ? `Redo ${this.history.redoLabel} (Ctrl+Shift+Z)` : "Nothing to redo";
    this.saveBtn.disabled = this.saving || this.viewing !== null;
    this.root.setAttribute("data-dirty", this.dirty ? "true" : "false");
    if (this.viewing) this.root.setAttribute("data-viewing", String(this.viewing.rev));
    else this.root.removeAttribute("data-viewing");
    this.root.setAttribute("data-revision", String(this.base));
    this.statusText();
    this.renderTabs(doc);
    // Until the preview answers, the board's theme from the kinds' palette colours the canvas.
    const pal = this.kinds.palette.find((t) => t.name === doc.theme);
    if (pal) this.canvas.setPalette(pal, doc.background ?? "", doc.theme);
    this.canvas.sync(doc, this.variant, this.viewing !== null);
    this.canvas.select(this.viewing ? null : this.selected);
    this.canvas.markInvalid(this.invalidWidgets());
    this.sizePalette();
    this.renderLeftOut(doc);
    this.renderSelBar();
    this.renderSide();
    // A told-of newer revision the editor has since caught up with is news no more.
    if (this.toldRevision > 0 && this.toldRevision <= this.base) this.notices = this.notices.filter((n) => n.id !== "newer");
    this.renderNotices();
  }

  private statusText(): void {
    let s: string;
    if (this.saving) s = "Saving…";
    else if (this.viewing) s = `Previewing revision ${this.viewing.rev} (read-only)`;
    else if (this.dirty) s = `Unsaved changes · based on revision ${this.base}`;
    else s = `Saved · revision ${this.base}`;
    this.statusEl.textContent = s;
    this.statusEl.setAttribute("data-state", this.saving ? "saving" : this.dirty ? "dirty" : "saved");
  }

  private renderTabs(doc: BoardContent): void {
    const tabs: HTMLElement[] = [];
    for (const v of doc.variants) {
      const on = v.name === this.variant;
      const tab = h(
        "button",
        { type: "button", role: "tab", class: "fb-ed-tab", "aria-selected": on ? "true" : "false", "data-variant": v.name, "data-testid": "variant-tab" },
        h("span", null, v.name),
        h("span", { class: "fb-ed-tab-size" }, ` ${v.canvas.width}×${v.canvas.height} · ${v.grid.columns}×${v.grid.rows}`),
      );
      tab.addEventListener("click", () => this.switchVariant(v.name));
      tabs.push(tab);
      if (on && doc.variants.length > 1 && !this.viewing) {
        const del = h("button", { type: "button", class: "fb-ed-tab-del", title: `Delete variant ${v.name}`, "data-testid": "variant-delete" }, "×");
        del.addEventListener("click", (e) => {
          e.stopPropagation();
          this.deleteVariant(v.name);
        });
        tabs.push(del);
      }
    }
    if (!this.viewing) {
      const add = h("button", { type: "button", class: "fb-ed-tab fb-ed-tab-add", title: "Add a variant for another screen", "data-testid": "variant-add" }, "+ Variant");
      add.addEventListener("click", () => void this.addVariant());
      tabs.push(add);
    }
    tabs.push(this.zoomEl);
    replace(this.tabsEl, ...tabs);
    this.showZoom();
  }

  private renderLeftOut(doc: BoardContent): void {
    const out = leftOut(doc, this.variant);
    if (out.length === 0 || this.viewing) {
      replace(this.leftOutEl);
      return;
    }
    const v = findVariant(doc, this.variant);
    const items = out.map((w) => {
      const k = this.kindOf(w.kind);
      const c = k && v ? defaultCells(k, v) : { w: 4, h: 4 };
      const item = h(
        "button",
        { type: "button", class: "fb-ed-kind fb-ed-source fb-ed-out", "data-widget": w.id, "data-testid": "leftout-widget", "gs-w": c.w, "gs-h": c.h, title: "Drag onto the canvas, or click to place it" },
        h("span", { class: "fb-ed-kind-label" }, w.title || w.id),
        h("span", { class: "fb-ed-kind-size" }, w.kind),
      );
      item.addEventListener("click", () => this.placeLeftOut(w.id));
      return item;
    });
    replace(
      this.leftOutEl,
      h("h3", null, `Left out of ${this.variant} (${out.length})`),
      h("p", { class: "fb-ed-help" }, "On the board but not on this variant."),
      ...items,
    );
    GridStack.setupDragIn(items, { appendTo: "body", helper: "clone" });
  }

  private renderSelBar(): void {
    if (this.viewing) {
      replace(this.selBar, h("span", { class: "muted" }, `Revision ${this.viewing.rev}, read-only: restore it to edit it.`));
      return;
    }
    if (this.selected === null) {
      replace(this.selBar, h("span", { class: "muted" }, "Nothing selected: the side panel shows the board's settings."));
      return;
    }
    const id = this.selected;
    const p = findVariant(this.doc, this.variant)?.placements.find((x) => x.widget === id);
    const out = h("button", { type: "button", class: "btn btn-small", "data-testid": "selected-leave-out", title: "Keep it on the board, not on this variant" }, "Leave out of this variant");
    out.addEventListener("click", () => this.apply(leaveOut(this.doc, this.variant, id), `Leave ${widgetName(this.doc, id)} out of ${this.variant}`));
    const dup = h("button", { type: "button", class: "btn btn-small", "data-testid": "selected-duplicate", title: "A copy beside it (Ctrl+D)" }, "Duplicate");
    dup.addEventListener("click", () => this.duplicateSelected());
    const del = h("button", { type: "button", class: "btn btn-small fb-ed-danger", "data-testid": "selected-delete", title: "Delete from the board (Delete)" }, "Delete");
    del.addEventListener("click", () => this.deleteSelected());
    replace(
      this.selBar,
      h("span", { class: "fb-ed-sel-name", "data-testid": "selected-name" }, widgetName(this.doc, id)),
      p ? h("span", { class: "fb-ed-sel-cells", "data-testid": "selected-cells" }, ` x ${p.x} y ${p.y} · ${p.w}×${p.h} cells`) : null,
      dup,
      out,
      del,
    );
  }

  /** The side panel: the selected widget's form, the board's settings, or the history. */
  private renderSide(): void {
    if (this.sideMode === "history") return;
    const doc = this.doc;
    if (this.selected !== null && !this.viewing) {
      const i = doc.widgets.findIndex((w) => w.id === this.selected);
      const w = doc.widgets[i];
      const kind = w ? this.kindOf(w.kind) : undefined;
      if (w && kind) {
        const props: WidgetPanelProps = {
          widget: w,
          kind,
          kinds: this.kinds,
          board: doc,
          errors: this.widgetErrors(i),
          onChange: (next, label) => this.apply(replaceWidget(this.doc, next), `${label} (${widgetName(this.doc, next.id)})`, `widget:${next.id}:${label}`),
        };
        this.showPanel(`widget:${w.id}`, (el) => panels.renderWidgetPanel(el, props), props);
        return;
      }
    }
    const props: SettingsPanelProps = {
      board: doc,
      errors: this.settingsErrors(),
      onChange: (next, label) => this.apply(withSettings(this.doc, next), label, `settings:${label}`),
    };
    this.showPanel("settings", (el) => panels.renderSettingsPanel(el, props), props);
  }

  private showPanel(key: string, make: (el: HTMLElement) => PanelHandle, props: unknown): void {
    if (this.panel && this.panelFor === key) {
      this.panel.update(props);
      return;
    }
    this.closePanel();
    const el = h("div", { class: "fb-ed-panel" });
    replace(this.sideEl, el);
    this.panelFor = key;
    try {
      this.panel = make(el);
    } catch (err) {
      replace(el, h("p", { class: "fb-ed-error" }, `The panel failed: ${errorMessage(err)}`));
      this.panel = null;
    }
  }

  private closePanel(): void {
    if (this.panel) {
      try {
        this.panel.destroy();
      } catch {
        // A panel failing to clean up must not block the editor.
      }
    }
    this.panel = null;
    this.panelFor = "";
  }

  private widgetErrors(index: number): FieldError[] {
    const out: FieldError[] = [];
    for (const e of this.errors) {
      const f = widgetField(e.field);
      if (f && f.index === index) out.push({ field: f.rest, message: e.message });
    }
    return out;
  }

  private settingsErrors(): FieldError[] {
    return this.errors.filter((e) => !/^(widgets|variants)\[/.test(e.field));
  }

  /** Ids of widgets a server error is about (their own fields, or their placement). */
  private invalidWidgets(): string[] {
    const ids: string[] = [];
    for (const e of this.errors) {
      const f = widgetField(e.field);
      if (f) {
        const w = this.doc.widgets[f.index];
        if (w) ids.push(w.id);
        continue;
      }
      const m = /^variants\[(\d+)\]\.placements\[(\d+)\]/.exec(e.field);
      if (m) {
        const p = this.doc.variants[Number(m[1])]?.placements[Number(m[2])];
        if (p) ids.push(p.widget);
      }
    }
    return ids;
  }

  // ---- notices -----------------------------------------------------------

  private notices: { id: string; kind: "error" | "info" | "warn"; node: HTMLElement }[] = [];

  /** Shows a message above the canvas under a key (replacing the key's previous one); null removes it. */
  private notice(id: string, kind: "error" | "info" | "warn", content: HTMLElement | string | null): void {
    this.notices = this.notices.filter((n) => n.id !== id);
    if (content !== null) {
      const node = typeof content === "string" ? h("span", null, content) : content;
      this.notices.push({ id, kind, node });
    }
    this.renderNotices();
  }

  private renderNotices(): void {
    replace(
      this.noticeEl,
      ...this.notices.map((n) => {
        const close = h("button", { type: "button", class: "fb-ed-notice-close", title: "Dismiss", "aria-label": "Dismiss" }, "×");
        close.addEventListener("click", () => this.notice(n.id, n.kind, null));
        return h("div", { class: `fb-ed-notice fb-ed-notice-${n.kind}`, "data-testid": `notice-${n.id}`, role: n.kind === "error" ? "alert" : "status" }, n.node, close);
      }),
    );
  }

  /** A notice of something just done, with an Undo button for it. */
  private undoable(id: string, text: string): void {
    const undo = h("button", { type: "button", class: "btn btn-small", "data-testid": "notice-undo" }, "Undo");
    undo.addEventListener("click", () => {
      this.notice(id, "info", null);
      this.undo();
    });
    this.notice(id, "info", h("span", null, `${text} `, undo));
  }

  // ---- editing -------------------------------------------------------------

  /** Records an edit (one undo step, merged with the previous one of the same key) and shows it. */
  private apply(next: BoardContent, label: string, mergeKey = ""): void {
    if (!this.history || this.viewing) return;
    if (!this.history.apply(next, label, mergeKey)) return;
    this.notice("edit", "warn", null);
    this.afterChange();
  }

  private applyResult(r: EditResult, label: string, mergeKey = ""): boolean {
    if (r.error !== undefined) {
      this.notice("edit", "warn", r.error);
      return false;
    }
    this.apply(r.doc, label, mergeKey);
    return true;
  }

  private afterChange(): void {
    this.refresh();
    this.scheduleDraft();
    this.kickPreview(PREVIEW_AFTER_EDIT_MS);
  }

  private onLayout(placements: PlacementDef[], label: string): void {
    this.apply(withPlacements(this.doc, this.variant, placements), label);
  }

  private onDrop(what: { kind: string } | { widget: string }, at: Cells, others: PlacementDef[]): void {
    // gridstack may have pushed others aside to make room: that is part of the same edit.
    const base = withPlacements(this.doc, this.variant, others);
    if ("kind" in what) {
      const k = this.kindOf(what.kind);
      if (!k) return;
      const r = addWidget(base, this.variant, k, at);
      if (this.applyResult(r, `Add ${k.label}`) && r.id) this.select(r.id);
    } else {
      const w = this.doc.widgets.find((x) => x.id === what.widget);
      const r = placeWidget(base, this.variant, what.widget, w ? this.kindOf(w.kind) : undefined, at);
      if (this.applyResult(r, `Place ${widgetName(this.doc, what.widget)} on ${this.variant}`)) this.select(what.widget);
    }
    // A refused drop leaves gridstack showing the document again.
    this.refresh();
  }

  /** Adds a widget of kind at the first free room of the variant (palette click). */
  addKind(k: KindInfo): void {
    if (this.viewing) return;
    const r = addWidget(this.doc, this.variant, k);
    if (this.applyResult(r, `Add ${k.label}`) && r.id) this.select(r.id);
  }

  private placeLeftOut(id: string): void {
    const w = this.doc.widgets.find((x) => x.id === id);
    const r = placeWidget(this.doc, this.variant, id, w ? this.kindOf(w.kind) : undefined);
    if (this.applyResult(r, `Place ${widgetName(this.doc, id)} on ${this.variant}`)) this.select(id);
  }

  private duplicateSelected(): void {
    if (this.selected === null || this.viewing) return;
    const r = duplicateWidget(this.doc, this.variant, this.selected);
    if (this.applyResult(r, `Duplicate ${widgetName(this.doc, this.selected)}`) && r.id) this.select(r.id);
  }

  private deleteSelected(): void {
    if (this.selected === null) return;
    const id = this.selected;
    const name = widgetName(this.doc, id);
    this.selected = null;
    this.apply(deleteWidget(this.doc, id), `Delete ${name}`);
    this.refresh();
  }

  select(id: string | null): void {
    if (this.viewing) return;
    if (this.selected === id) return;
    this.selected = id;
    this.history?.seal();
    this.refresh();
  }

  private switchVariant(name: string): void {
    if (name === this.variant) return;
    this.variant = name;
    this.selected = null;
    this.refresh();
    this.kickPreview(0);
  }

  private async addVariant(): Promise<void> {
    let v: VariantDef | null;
    try {
      v = await panels.openAddVariantDialog({ board: clone(this.doc), from: this.variant });
    } catch (err) {
      this.notice("variant", "error", `Adding a variant failed: ${errorMessage(err)}`);
      return;
    }
    if (!v) return;
    if (this.doc.variants.some((x) => x.name === v!.name)) {
      this.notice("variant", "warn", `There is already a variant called “${v.name}”: choose another name.`);
      return;
    }
    const next = clone(this.doc);
    next.variants.push(v);
    this.variant = v.name;
    this.selected = null;
    this.apply(next, `Add variant ${v.name}`);
    this.kickPreview(0);
  }

  private deleteVariant(name: string): void {
    if (this.doc.variants.length < 2) return;
    // No "are you sure": it is one undo step, and the notice offers it.
    const next = clone(this.doc);
    next.variants = next.variants.filter((v) => v.name !== name);
    this.apply(next, `Delete variant ${name}`);
    this.undoable("edit", `Variant “${name}” deleted.`);
  }

  undo(): void {
    if (!this.history || this.viewing) return;
    const label = this.history.undo();
    if (label === null) return;
    this.notice("edit", "info", `Undone: ${label}`);
    this.afterChange();
  }

  redo(): void {
    if (!this.history || this.viewing) return;
    const label = this.history.redo();
    if (label === null) return;
    this.notice("edit", "info", `Redone: ${label}`);
    this.afterChange();
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (this.destroyed || !this.history) return;
    if (document.querySelector(".fb-ed-dialog")) return; // a dialog has the keys
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key;
    if (mod && (key === "s" || key === "S")) {
      e.preventDefault();
      void this.save();
      return;
    }
    const typing = typingIn(e.target);
    if (mod && !typing && (key === "z" || key === "Z")) {
      e.preventDefault();
      if (e.shiftKey) this.redo();
      else this.undo();
      return;
    }
    if (mod && !typing && (key === "d" || key === "D") && this.selected !== null && !this.viewing) {
      e.preventDefault();
      this.duplicateSelected();
      return;
    }
    if (mod && !typing && (key === "y" || key === "Y")) {
      e.preventDefault();
      this.redo();
      return;
    }
    if (typing || mod || e.altKey || this.viewing) return;
    if (key === "Escape" && this.selected !== null) {
      this.select(null);
      return;
    }
    const id = this.selected;
    if (id === null) return;
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const d = arrows[key];
    if (d) {
      e.preventDefault();
      const name = widgetName(this.doc, id);
      // Repeated presses within a moment are one step, like typing.
      if (e.shiftKey) this.applyResult(grow(this.doc, this.variant, id, d[0], d[1]), `Resize ${name}`, `key-resize:${id}`);
      else this.applyResult(nudge(this.doc, this.variant, id, d[0], d[1]), `Move ${name}`, `key-move:${id}`);
      return;
    }
    if (key === "Delete" || key === "Backspace") {
      e.preventDefault();
      this.deleteSelected();
    }
  };

  private readonly onBeforeUnload = (e: BeforeUnloadEvent): string | undefined => {
    if (!this.dirty || this.destroyed) return undefined;
    // The draft is already kept; the browser still asks, as the issue wants.
    this.writeDraft();
    e.preventDefault();
    e.returnValue = "";
    return "";
  };

  // ---- drafts --------------------------------------------------------------

  private scheduleDraft(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => {
      this.draftTimer = null;
      this.writeDraft();
    }, DRAFT_DELAY_MS);
  }

  private writeDraft(): void {
    if (!this.history) return;
    if (this.dirty) {
      if (!this.drafts.save(this.id, this.base, this.doc, Date.now())) {
        this.notice("draft", "warn", "Your unsaved edits cannot be kept in this browser's storage (full or disabled): save soon.");
      } else this.notice("draft", "warn", null);
    } else this.drafts.clear(this.id);
  }

  /** Offers back unsaved edits kept from an earlier visit. */
  private async offerDraft(board: LoadedBoard): Promise<void> {
    const d = this.drafts.load(this.id);
    if (!d) return;
    if (sameDoc(d.doc, board.content) && d.base === board.revision) {
      this.drafts.clear(this.id);
      return;
    }
    const restore = h("button", { type: "button", class: "btn btn-small btn-primary", "data-testid": "draft-restore" }, "Restore them");
    const discard = h("button", { type: "button", class: "btn btn-small", "data-testid": "draft-discard" }, "Discard");
    const newer = d.base !== board.revision ? ` The board has been saved since (now revision ${board.revision}): saving will show you both.` : "";
    restore.addEventListener("click", () => void this.restoreDraft(d.base, d.doc));
    discard.addEventListener("click", () => {
      this.drafts.clear(this.id);
      this.notice("draft-offer", "info", null);
    });
    this.notice(
      "draft-offer",
      "info",
      h("span", null, `You have unsaved edits from ${timeText(d.savedAt)}, based on revision ${d.base}.${newer} `, restore, " ", discard),
    );
  }

  private async restoreDraft(base: number, doc: BoardContent): Promise<void> {
    if (!this.history) return;
    if (base !== this.base) {
      // "Unsaved" is measured against the revision the draft was based on, and saving it must meet the conflict check.
      try {
        const old = await loadVersion(this.id, base);
        this.baseDoc = old.content;
        this.base = base;
      } catch (err) {
        this.notice("draft-offer", "error", `Revision ${base} cannot be loaded (${errorMessage(err)}); the edits are applied to revision ${this.base}.`);
      }
    }
    this.notice("draft-offer", "info", null);
    this.history.apply(doc, "Restore unsaved edits");
    this.afterChange();
  }

  // ---- saving --------------------------------------------------------------

  /** Saves the document based on the revision it was loaded at; a 409 opens the conflict dialog. */
  async save(): Promise<void> {
    if (!this.history || this.saving || this.viewing) return;
    const doc = clone(this.doc);
    this.saving = true;
    this.refresh();
    try {
      const b = await saveBoard(this.id, this.base, doc);
      this.saved(b, doc);
      this.notice("save", "info", `Saved as revision ${b.revision}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.field === "revision") {
        this.saving = false;
        this.refresh();
        await this.conflict(doc);
        return;
      }
      this.saveFailed(err);
    } finally {
      this.saving = false;
      this.refresh();
    }
  }

  private saved(b: LoadedBoard, sent: BoardContent): void {
    this.base = b.revision;
    this.baseDoc = sent;
    this.errors = [];
    if (sameDoc(this.doc, sent)) this.drafts.clear(this.id);
    else this.writeDraft();
    this.notice("conflict", "info", null);
    this.notice("save", "info", null);
    this.notice("newer", "info", null);
  }

  private saveFailed(err: unknown): void {
    if (err instanceof ApiError && err.status === 400) {
      this.errors = [{ field: err.field, message: err.message }];
      this.notice("save", "error", `Not saved: ${errorMessage(err)}`);
      this.revealError(err.field);
    } else {
      this.notice("save", "error", `Not saved: ${errorMessage(err)}. Your edits are kept; try again.`);
    }
  }

  /** Selects the widget an error is about, so its panel shows the message beside the field. */
  private revealError(field: string): void {
    const f = widgetField(field);
    const w = f ? this.doc.widgets[f.index] : undefined;
    if (w && findVariant(this.doc, this.variant)?.placements.some((p) => p.widget === w.id)) this.select(w.id);
    else if (/^(name|description|theme|background|refresh_ms|walls)/.test(field)) this.select(null);
  }

  /** The conflict dialog: what they changed, what you changed, and the three ways on. */
  private async conflict(mine: BoardContent): Promise<void> {
    let theirs: LoadedBoard;
    try {
      theirs = await loadBoard(this.id);
    } catch (err) {
      this.notice("save", "error", `Someone else saved this board, and it cannot be loaded: ${errorMessage(err)}`);
      return;
    }
    const base = this.baseDoc ?? mine;
    const list = (items: Difference[], empty: string): HTMLElement =>
      items.length === 0 ? h("p", { class: "muted" }, empty) : h("ul", { class: "fb-ed-diff" }, ...items.map((d) => h("li", { "data-what": d.what }, d.text)));
    const dlg = this.dialog("conflict-dialog", `Revision ${theirs.revision} was saved while you edited revision ${this.base}`);
    const reload = h("button", { type: "button", class: "btn", "data-testid": "conflict-reload" }, "Reload theirs");
    const overwrite = h("button", { type: "button", class: "btn btn-primary", "data-testid": "conflict-overwrite" }, "Save mine as the newest revision");
    const copy = h("button", { type: "button", class: "btn", "data-testid": "conflict-copy" }, "Save mine as a copy");
    const cancel = h("button", { type: "button", class: "btn", "data-testid": "conflict-cancel" }, "Keep editing");
    const msg = h("p", { class: "fb-ed-dialog-msg", "data-testid": "conflict-message" });
    dlg.body.appendChild(h("h4", null, `Their changes (revision ${this.base} → ${theirs.revision})`));
    dlg.body.appendChild(h("div", { "data-testid": "conflict-theirs" }, list(diffContent(base, theirs.content), "Nothing you would see (saved again unchanged).")));
    dlg.body.appendChild(h("h4", null, "Your unsaved changes"));
    dlg.body.appendChild(h("div", { "data-testid": "conflict-mine" }, list(diffContent(base, mine), "None.")));
    dlg.body.appendChild(
      h(
        "p",
        { class: "fb-ed-help" },
        "Reload theirs: their revision replaces your edits (Undo brings yours back). Save mine: your board replaces theirs as a new revision (theirs stays in the history). Copy: yours becomes a new board; this one stays as they saved it.",
      ),
    );
    dlg.body.appendChild(msg);
    dlg.foot.appendChild(cancel);
    dlg.foot.appendChild(reload);
    dlg.foot.appendChild(copy);
    dlg.foot.appendChild(overwrite);
    const busy = (on: boolean): void => {
      for (const b of [reload, overwrite, copy, cancel]) b.disabled = on;
    };
    cancel.addEventListener("click", () => dlg.close());
    reload.addEventListener("click", () => {
      dlg.close();
      this.base = theirs.revision;
      this.baseDoc = clone(theirs.content);
      this.errors = [];
      this.history!.apply(theirs.content, `Load revision ${theirs.revision}`);
      this.drafts.clear(this.id);
      this.notice("save", "info", `Loaded revision ${theirs.revision}. Undo brings your edits back.`);
      this.afterChange();
    });
    overwrite.addEventListener("click", () => {
      busy(true);
      msg.textContent = "Saving…";
      void saveBoard(this.id, theirs.revision, mine).then(
        (b) => {
          dlg.close();
          this.saved(b, mine);
          this.notice("save", "info", `Saved as revision ${b.revision}; theirs (revision ${theirs.revision}) stays in the history.`);
          this.refresh();
        },
        (err) => {
          busy(false);
          msg.textContent = `Not saved: ${errorMessage(err)}`;
        },
      );
    });
    copy.addEventListener("click", () => {
      busy(true);
      msg.textContent = "Creating the copy…";
      const c = clone(mine);
      c.name = `${mine.name} (copy)`.slice(0, 200);
      void createBoard(c).then(
        (b) => {
          // This board's draft is done with: the edits live on in the copy.
          this.drafts.clear(this.id);
          this.history!.apply(this.baseDoc ?? mine, "Save as a copy");
          msg.textContent = "";
          dlg.close();
          this.afterChange();
          const link = h("a", { href: `/edit/${encodeURIComponent(b.id)}`, "data-testid": "copy-link" }, `Edit the copy “${c.name}”`);
          this.notice("save", "info", h("span", null, `Your edits were saved as a new board (${b.id}). This board is unchanged. `, link));
          window.location.assign(`/edit/${encodeURIComponent(b.id)}`);
        },
        (err) => {
          busy(false);
          msg.textContent = `The copy was not saved: ${errorMessage(err)}`;
        },
      );
    });
  }

  private dialog(testid: string, title: string): { body: HTMLElement; foot: HTMLElement; close: () => void } {
    const body = h("div", { class: "fb-ed-dialog-body" });
    const foot = h("div", { class: "fb-ed-dialog-foot" });
    const box = h("div", { class: "fb-ed-dialog", role: "dialog", "aria-modal": "true", "aria-label": title, "data-testid": testid }, h("h3", null, title), body, foot);
    const backdrop = h("div", { class: "fb-ed-backdrop" }, box);
    const close = (): void => {
      document.removeEventListener("keydown", onEsc, true);
      if (backdrop.parentNode) backdrop.parentNode.removeChild(backdrop);
    };
    const onEsc = (e: KeyboardEvent): void => {
      if (e.key === "Escape") {
        e.preventDefault();
        close();
      }
    };
    document.addEventListener("keydown", onEsc, true);
    document.body.appendChild(backdrop);
    return { body, foot, close };
  }

  /** Tells (once per revision) when someone else saved the board, before a save runs into it. */
  private async checkRevision(): Promise<void> {
    if (this.destroyed) return;
    try {
      const b = this.saving ? null : await newerBoard(this.id, this.base);
      if (b && b.revision > this.toldRevision && b.revision > this.base && !this.destroyed) {
        this.toldRevision = b.revision;
        const load = h("button", { type: "button", class: "btn btn-small", "data-testid": "newer-load" }, `Load revision ${b.revision}`);
        load.addEventListener("click", () => this.loadNewer(b));
        this.notice(
          "newer",
          "warn",
          h(
            "span",
            null,
            `Revision ${b.revision} of this board was saved elsewhere (${timeText(b.updatedAt)}). ${this.dirty ? "Saving will show what changed and let you choose. " : ""}`,
            load,
          ),
        );
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) this.notice("newer", "error", "This board was deleted elsewhere (it may be in the trash): saving cannot work until it is restored.");
    }
    if (!this.destroyed) this.revisionTimer = setTimeout(() => void this.checkRevision(), REVISION_CHECK_MS);
  }

  private loadNewer(b: LoadedBoard): void {
    const hadEdits = this.dirty;
    this.base = b.revision;
    this.baseDoc = clone(b.content);
    this.errors = [];
    this.history!.apply(b.content, `Load revision ${b.revision}`);
    this.drafts.clear(this.id);
    this.notice("newer", "info", null);
    this.afterChange();
    if (hadEdits) this.undoable("save", `Loaded revision ${b.revision}; your unsaved edits were replaced.`);
  }

  // ---- history -------------------------------------------------------------

  private toggleHistory(): void {
    if (this.sideMode === "history") {
      this.sideMode = "panel";
      this.historyBtn.setAttribute("aria-pressed", "false");
      this.endViewing();
      this.closePanel();
      this.renderSide();
      return;
    }
    this.sideMode = "history";
    this.historyBtn.setAttribute("aria-pressed", "true");
    this.closePanel();
    void this.renderHistory();
  }

  private async renderHistory(): Promise<void> {
    const list = h("ol", { class: "fb-ed-versions", "data-testid": "history-list" });
    const box = h(
      "div",
      { class: "fb-ed-panel fb-ed-history", "data-testid": "history-panel" },
      h("h3", null, "History"),
      h("p", { class: "fb-ed-help" }, "Every save is kept. Preview one on the canvas, or restore it as a new revision."),
      list,
    );
    replace(this.sideEl, box);
    let versions: VersionInfo[];
    try {
      versions = await listVersions(this.id);
    } catch (err) {
      replace(list, h("li", { class: "fb-ed-error" }, `The history cannot be loaded: ${errorMessage(err)}`));
      return;
    }
    if (this.sideMode !== "history") return;
    replace(
      list,
      ...versions.map((v) => {
        const preview = h("button", { type: "button", class: "btn btn-small", "data-testid": "history-preview" }, "Preview");
        preview.addEventListener("click", () => void this.previewVersion(v.revision));
        const current = v.revision === this.base;
        return h(
          "li",
          { class: "fb-ed-version", "data-revision": String(v.revision), "data-testid": "history-version", "aria-current": this.viewing && this.viewing.rev === v.revision ? "true" : null },
          h("span", { class: "fb-ed-version-rev" }, `Revision ${v.revision}`),
          current ? h("span", { class: "fb-ed-version-tag" }, this.dirty ? "your edits are based on it" : "current") : null,
          h("span", { class: "fb-ed-version-time" }, timeText(v.updatedAt)),
          h("span", { class: "fb-ed-version-name" }, v.name),
          preview,
        );
      }),
    );
  }

  private async previewVersion(rev: number): Promise<void> {
    let b: LoadedBoard;
    try {
      b = await loadVersion(this.id, rev);
    } catch (err) {
      this.notice("history", "error", `Revision ${rev} cannot be loaded: ${errorMessage(err)}`);
      return;
    }
    this.viewing = { rev, doc: b.content };
    this.selected = null;
    const restore = h("button", { type: "button", class: "btn btn-small btn-primary", "data-testid": "history-restore" }, `Restore revision ${rev}`);
    const back = h("button", { type: "button", class: "btn btn-small", "data-testid": "history-back" }, "Back to editing");
    restore.addEventListener("click", () => void this.restore(rev));
    back.addEventListener("click", () => {
      this.endViewing();
      void this.renderHistory();
    });
    this.notice("viewing", "info", h("span", null, `Previewing revision ${rev} (${timeText(b.updatedAt)}), read-only. `, restore, " ", back));
    this.refresh();
    void this.renderHistory();
    this.kickPreview(0);
  }

  private endViewing(): void {
    if (!this.viewing) return;
    this.viewing = null;
    this.notice("viewing", "info", null);
    this.refresh();
    this.kickPreview(0);
  }

  private async restore(rev: number): Promise<void> {
    const hadEdits = this.dirty;
    let b: LoadedBoard;
    try {
      b = await restoreVersion(this.id, rev, this.base);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        this.notice("history", "error", `Someone saved the board since revision ${this.base}; reload it before restoring (${errorMessage(err)}).`);
      } else this.notice("history", "error", `Revision ${rev} was not restored: ${errorMessage(err)}`);
      return;
    }
    this.viewing = null;
    this.notice("viewing", "info", null);
    this.base = b.revision;
    this.baseDoc = clone(b.content);
    this.errors = [];
    this.history!.apply(b.content, `Restore revision ${rev}`);
    this.drafts.clear(this.id);
    this.afterChange();
    if (hadEdits) this.undoable("history", `Revision ${rev} restored as revision ${b.revision}; your unsaved edits were replaced.`);
    else this.notice("history", "info", `Revision ${rev} restored as revision ${b.revision}.`);
    void this.renderHistory();
  }

  // ---- share ---------------------------------------------------------------

  private openShare(): void {
    if (this.share && this.share.isOpen) return;
    // The Share dialog of the display, for the saved board on the variant shown.
    const view = { pausedAt: null, plan: { variant: this.variant }, stage: { now: () => Date.now() }, opts: { board: this.id } };
    this.share = new ShareDialog(this.root, view as unknown as BoardView);
    if (this.dirty) this.notice("share", "info", "Share freezes the saved board: your unsaved edits are not in the snapshot.");
    void this.share.open();
  }

  // ---- live preview --------------------------------------------------------

  /** Asks for the preview after delay (ms); one request at a time, the latest document wins. */
  private kickPreview(delay: number): void {
    if (this.destroyed) return;
    if (this.previewTimer) clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => {
      this.previewTimer = null;
      void this.runPreview();
    }, delay);
  }

  private async runPreview(): Promise<void> {
    if (this.destroyed || !this.history) return;
    // A tab nobody looks at asks nothing; showing it again asks at once (onVisible).
    if (document.hidden) {
      this.previewIdle = true;
      return;
    }
    if (this.previewBusy) {
      this.previewAgain = true;
      return;
    }
    this.previewBusy = true;
    const doc = this.viewing ? this.viewing.doc : this.doc;
    const variant = this.variant;
    let next = Math.max(MIN_PREVIEW_INTERVAL_MS, doc.refresh_ms || 0);
    try {
      const p = await fetchPreview(this.id, this.viewing ? this.viewing.rev : this.base, doc, variant, "");
      if (this.destroyed) return;
      this.previews++;
      this.previewFailures = 0;
      const viewingNow = this.viewing ? this.viewing.doc : this.doc;
      if (variant === this.variant && doc === viewingNow) {
        this.canvas?.setRender(p.render);
        this.canvas?.applyFrame(p.frame);
      }
      if (!this.viewing && this.errors.length > 0 && doc === this.doc) {
        this.errors = [];
        this.notice("preview", "error", null);
        this.refresh();
      }
      this.notice("preview-down", "warn", null);
      this.previewEl.textContent = "Live";
      this.previewEl.setAttribute("data-state", "live");
    } catch (err) {
      if (this.destroyed) return;
      if (err instanceof ApiError && err.status === 400) {
        // The draft has a mistake: say which field, keep the last good drawing.
        if (!this.viewing && doc === this.doc) {
          this.errors = [{ field: err.field, message: err.message }];
          this.notice("preview", "error", `The board cannot be drawn as it is: ${errorMessage(err)}`);
          this.refresh();
        }
        this.previewEl.textContent = "Preview paused: fix the problem";
        this.previewEl.setAttribute("data-state", "invalid");
      } else {
        this.previewFailures++;
        next = Math.min(MAX_PREVIEW_BACKOFF_MS, 1000 * Math.pow(2, this.previewFailures - 1));
        this.previewEl.textContent = `Live preview unavailable: ${errorMessage(err)}`;
        this.previewEl.setAttribute("data-state", "down");
      }
    } finally {
      this.previewBusy = false;
    }
    if (this.previewAgain) {
      this.previewAgain = false;
      this.kickPreview(0);
    } else this.kickPreview(next);
  }

  destroy(): void {
    this.destroyed = true;
    if (this.previewTimer) clearTimeout(this.previewTimer);
    if (this.draftTimer) clearTimeout(this.draftTimer);
    if (this.revisionTimer) clearTimeout(this.revisionTimer);
    document.removeEventListener("keydown", this.onKey);
    window.removeEventListener("beforeunload", this.onBeforeUnload);
    document.removeEventListener("visibilitychange", this.onVisible);
    this.closePanel();
    this.canvas?.destroy();
  }
}

/** Renders the editor of board id into root. */
export function renderEditor(root: HTMLElement, id: string): Editor {
  const ed = new Editor(root, id);
  void ed.start();
  return ed;
}
