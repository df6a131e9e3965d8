// The editor's document model, without DOM: the board content being edited,
// its undo/redo history of whole-document states, the geometry of
// placements (move, resize, add, leave out, first free spot), the locally
// kept draft, and the differences the conflict dialog lists. Unit tested in
// static/tests/unit/editor.test.ts.

import type { BoardContent, PlacementDef, VariantDef, WidgetDef } from "./contract.ts";
import type { KindInfo } from "../lib/render.ts";

/** Edits with the same merge key closer together than this are one undo step (typing in a field). */
export const UNDO_MERGE_MS = 1000;
/** Undo steps kept; the oldest are dropped beyond. */
export const MAX_UNDO_STEPS = 300;
/**
 * The undo history's size bound, in characters of the documents' JSON: a
 * board may be up to 1 MiB, and 300 copies of that would not fit a tab.
 * The oldest steps are dropped beyond (the newest is always kept).
 */
export const MAX_UNDO_CHARS = 32 * 1024 * 1024;
/** Kinds' default sizes are in cells of the default 48×27 grid on 1920×1080: 40 px cells. */
export const DEFAULT_CELL_PX = 40;

/** A deep copy of a JSON document. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Whether two JSON documents are the same. */
export function sameDoc(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Step {
  /** The document before the edit (in past) or after it (in future). */
  doc: BoardContent;
  /** Its JSON's length (the history's size bound). */
  size: number;
  label: string;
  key: string;
  at: number;
}

/**
 * The document being edited with its history: every edit is a new whole
 * document (boards are small), so undo and redo are exact whatever the
 * edit was. Edits with the same non-empty merge key within UNDO_MERGE_MS of
 * the previous one replace it instead of adding a step.
 */
export class History {
  private current: BoardContent;
  private currentJSON: string;
  /** Characters held by the past steps. */
  private chars = 0;
  private past: Step[] = [];
  private future: Step[] = [];
  /** After undo/redo (or a reset) the next edit never merges into the step before. */
  private sealed = true;

  constructor(
    doc: BoardContent,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.currentJSON = JSON.stringify(doc);
    this.current = JSON.parse(this.currentJSON) as BoardContent;
  }

  /** The document now. Treat it as read-only: edits go through apply(). */
  get doc(): BoardContent {
    return this.current;
  }

  /**
   * Records next as the document, labelled for the undo buttons. mergeKey
   * "" never merges. Returns false (and records nothing) when next equals
   * the current document.
   */
  apply(next: BoardContent, label: string, mergeKey = ""): boolean {
    const json = JSON.stringify(next);
    if (json === this.currentJSON) return false;
    const t = this.now();
    const top = this.past[this.past.length - 1];
    if (!this.sealed && top && mergeKey !== "" && top.key === mergeKey && t - top.at < UNDO_MERGE_MS) {
      top.at = t;
    } else {
      this.past.push({ doc: this.current, size: this.currentJSON.length, label, key: mergeKey, at: t });
      this.chars += this.currentJSON.length;
      while (this.past.length > MAX_UNDO_STEPS || (this.past.length > 1 && this.chars > MAX_UNDO_CHARS)) {
        this.chars -= this.past.shift()!.size;
      }
    }
    this.current = JSON.parse(json) as BoardContent;
    this.currentJSON = json;
    this.future = [];
    this.sealed = false;
    return true;
  }

  /** Goes back one step; returns its label, null when there is nothing to undo. */
  undo(): string | null {
    const step = this.past.pop();
    if (!step) return null;
    this.chars -= step.size;
    this.future.push({ doc: this.current, size: this.currentJSON.length, label: step.label, key: step.key, at: step.at });
    this.current = step.doc;
    this.currentJSON = JSON.stringify(step.doc);
    this.sealed = true;
    return step.label;
  }

  /** Goes forward one step; returns its label, null when there is nothing to redo. */
  redo(): string | null {
    const step = this.future.pop();
    if (!step) return null;
    this.past.push({ doc: this.current, size: this.currentJSON.length, label: step.label, key: step.key, at: step.at });
    this.chars += this.currentJSON.length;
    this.current = step.doc;
    this.currentJSON = JSON.stringify(step.doc);
    this.sealed = true;
    return step.label;
  }

  /** Ends the current merge: the next edit is a step of its own. */
  seal(): void {
    this.sealed = true;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
  /** The label of the step undo() would take back, "" when none. */
  get undoLabel(): string {
    const s = this.past[this.past.length - 1];
    return s ? s.label : "";
  }
  get redoLabel(): string {
    const s = this.future[this.future.length - 1];
    return s ? s.label : "";
  }
  /** Steps that can be undone. */
  get depth(): number {
    return this.past.length;
  }
}

// ---- geometry -------------------------------------------------------------

/** A rectangle in cells. */
export interface Cells {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Whether two cell rectangles share a cell. */
export function overlaps(a: Cells, b: Cells): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Whether r lies inside a columns×rows grid with a size of at least one cell. */
export function insideGrid(r: Cells, columns: number, rows: number): boolean {
  return r.w >= 1 && r.h >= 1 && r.x >= 0 && r.y >= 0 && r.x + r.w <= columns && r.y + r.h <= rows;
}

/** Returns the variant called name, or the first when there is none of that name. */
export function findVariant(doc: BoardContent, name: string): VariantDef | undefined {
  return doc.variants.find((v) => v.name === name) ?? doc.variants[0];
}

/** The variant's index, -1 when absent. */
function variantIndex(doc: BoardContent, name: string): number {
  for (let i = 0; i < doc.variants.length; i++) if (doc.variants[i]!.name === name) return i;
  return -1;
}

/** Returns a copy of doc with the named variant's placements replaced. */
export function withPlacements(doc: BoardContent, variant: string, placements: PlacementDef[]): BoardContent {
  const next = clone(doc);
  const i = variantIndex(next, variant);
  if (i < 0) return next;
  next.variants[i]!.placements = placements.map((p) => ({ widget: p.widget, x: p.x, y: p.y, w: p.w, h: p.h }));
  return next;
}

/** Why r cannot go on variant v (ignoring the placement of widget skip): "" when it can. */
export function placementProblem(v: VariantDef, r: Cells, skip: string, allowOverlap: boolean, title: (id: string) => string): string {
  if (!insideGrid(r, v.grid.columns, v.grid.rows)) {
    return `does not fit the ${v.grid.columns}×${v.grid.rows} grid`;
  }
  if (!allowOverlap) {
    for (const p of v.placements) {
      if (p.widget !== skip && overlaps(p, r)) return `would overlap ${title(p.widget)}; turn on "Allow overlap" in the board settings to stack widgets`;
    }
  }
  return "";
}

/**
 * Returns the first position (row by row, then column by column) where a
 * w×h rectangle fits on v without overlapping any placement other than
 * skip's; null when there is none.
 */
export function firstFree(v: VariantDef, w: number, h: number, skip = ""): Cells | null {
  const cols = v.grid.columns;
  const rows = v.grid.rows;
  if (w > cols || h > rows || w < 1 || h < 1) return null;
  const others = v.placements.filter((p) => p.widget !== skip);
  for (let y = 0; y + h <= rows; y++) {
    for (let x = 0; x + w <= cols; x++) {
      const r = { x, y, w, h };
      const hit = others.find((p) => overlaps(p, r));
      if (!hit) return r;
      // Skip past the widget in the way.
      x = hit.x + hit.w - 1;
    }
  }
  return null;
}

/**
 * Finds room for a widget that wants w×h cells: that size if it fits
 * somewhere, else smaller (halving the larger side, down to one cell).
 */
export function findRoom(v: VariantDef, w: number, h: number, allowOverlap: boolean): Cells | null {
  w = Math.max(1, Math.min(w, v.grid.columns));
  h = Math.max(1, Math.min(h, v.grid.rows));
  if (allowOverlap) return { x: 0, y: 0, w, h };
  for (;;) {
    const r = firstFree(v, w, h);
    if (r) return r;
    if (w === 1 && h === 1) return null;
    if (w >= h) w = Math.max(1, Math.ceil(w / 2));
    else h = Math.max(1, Math.ceil(h / 2));
  }
}

/** A kind's default size (cells of 40 px on the default grid) in cells of variant v: the same size in design pixels. */
export function defaultCells(kind: Pick<KindInfo, "defaultSize">, v: VariantDef): { w: number; h: number } {
  const cw = v.canvas.width / v.grid.columns;
  const ch = v.canvas.height / v.grid.rows;
  const w = Math.round(((kind.defaultSize.w || 8) * DEFAULT_CELL_PX) / cw);
  const h = Math.round(((kind.defaultSize.h || 6) * DEFAULT_CELL_PX) / ch);
  return { w: Math.max(1, Math.min(v.grid.columns, w)), h: Math.max(1, Math.min(v.grid.rows, h)) };
}

/** Returns an id for a new widget of kind: the kind's name, then kind-2, kind-3, … */
export function newWidgetId(doc: BoardContent, kind: string): string {
  const base = kind.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[-_]+/, "") || "widget";
  const taken = new Set(doc.widgets.map((w) => w.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The widgets a variant leaves out (no placement on it), in board order. */
export function leftOut(doc: BoardContent, variant: string): WidgetDef[] {
  const v = findVariant(doc, variant);
  if (!v) return [];
  const placed = new Set(v.placements.map((p) => p.widget));
  return doc.widgets.filter((w) => !placed.has(w.id));
}

/** What an edit of the layout returns: the new document, or why it was refused. */
export type EditResult = { doc: BoardContent; error?: undefined } | { doc?: undefined; error: string };

/** A widget's display name in messages: its title in quotes, else its id. */
export function widgetName(doc: BoardContent, id: string): string {
  const w = doc.widgets.find((x) => x.id === id);
  return w && w.title.trim() !== "" ? `“${w.title.trim()}”` : `“${id}”`;
}

/** Moves/resizes widget id on variant to r (cells), refusing what does not fit or overlaps. */
export function setRect(doc: BoardContent, variant: string, id: string, r: Cells): EditResult {
  const v = findVariant(doc, variant);
  if (!v) return { error: `no variant "${variant}"` };
  const p = v.placements.find((x) => x.widget === id);
  if (!p) return { error: `${widgetName(doc, id)} is not placed on ${v.name}` };
  const why = placementProblem(v, r, id, doc.allow_overlap, (w) => widgetName(doc, w));
  if (why !== "") return { error: `${widgetName(doc, id)} ${why}` };
  return { doc: withPlacements(doc, v.name, v.placements.map((x) => (x.widget === id ? { widget: id, x: r.x, y: r.y, w: r.w, h: r.h } : x))) };
}

/** Moves widget id by (dx, dy) cells. */
export function nudge(doc: BoardContent, variant: string, id: string, dx: number, dy: number): EditResult {
  const v = findVariant(doc, variant);
  const p = v ? v.placements.find((x) => x.widget === id) : undefined;
  if (!v || !p) return { error: `${widgetName(doc, id)} is not placed here` };
  return setRect(doc, variant, id, { x: p.x + dx, y: p.y + dy, w: p.w, h: p.h });
}

/** Grows (or shrinks, negative) widget id by (dw, dh) cells from its top-left corner. */
export function grow(doc: BoardContent, variant: string, id: string, dw: number, dh: number): EditResult {
  const v = findVariant(doc, variant);
  const p = v ? v.placements.find((x) => x.widget === id) : undefined;
  if (!v || !p) return { error: `${widgetName(doc, id)} is not placed here` };
  return setRect(doc, variant, id, { x: p.x, y: p.y, w: p.w + dw, h: p.h + dh });
}

/**
 * Adds a widget of kind to the board, placed on variant at r (or the first
 * room for its default size). Returns the new document and the widget's id.
 */
export function addWidget(doc: BoardContent, variant: string, kind: KindInfo, r?: Cells): EditResult & { id?: string } {
  const v = findVariant(doc, variant);
  if (!v) return { error: `no variant "${variant}"` };
  const id = newWidgetId(doc, kind.name);
  let rect: Cells | null;
  if (r) {
    const why = placementProblem(v, r, "", doc.allow_overlap, (w) => widgetName(doc, w));
    if (why !== "") return { error: `a new ${kind.label} ${why}` };
    rect = r;
  } else {
    const size = defaultCells(kind, v);
    rect = findRoom(v, size.w, size.h, doc.allow_overlap);
    if (!rect) return { error: `there is no free cell on ${v.name} for a new ${kind.label}: make room first` };
  }
  const next = clone(doc);
  next.widgets.push({ id, kind: kind.name, title: kind.label, config: {} });
  next.variants[variantIndex(next, v.name)]!.placements.push({ widget: id, x: rect.x, y: rect.y, w: rect.w, h: rect.h });
  return { doc: next, id };
}

/**
 * Copies widget id (config, queries, title + " copy") under a new id, placed
 * on variant at the first room for its size (smaller when there is none);
 * other variants leave the copy out until it is placed there.
 */
export function duplicateWidget(doc: BoardContent, variant: string, id: string): EditResult & { id?: string } {
  const v = findVariant(doc, variant);
  const w = doc.widgets.find((x) => x.id === id);
  const p = v ? v.placements.find((x) => x.widget === id) : undefined;
  if (!v || !w || !p) return { error: `${widgetName(doc, id)} is not placed here` };
  const rect = findRoom(v, p.w, p.h, false);
  if (!rect) return { error: `there is no free cell on ${v.name} for a copy of ${widgetName(doc, id)}: make room first` };
  const copyId = newWidgetId(doc, w.id);
  const next = clone(doc);
  const copy = clone(w);
  copy.id = copyId;
  copy.title = w.title.trim() !== "" ? `${w.title.trim()} copy`.slice(0, 200) : "";
  next.widgets.push(copy);
  next.variants[variantIndex(next, v.name)]!.placements.push({ widget: copyId, x: rect.x, y: rect.y, w: rect.w, h: rect.h });
  return { doc: next, id: copyId };
}

/** Removes widget id from the board: its definition and its placement on every variant. */
export function deleteWidget(doc: BoardContent, id: string): BoardContent {
  const next = clone(doc);
  next.widgets = next.widgets.filter((w) => w.id !== id);
  for (const v of next.variants) v.placements = v.placements.filter((p) => p.widget !== id);
  return next;
}

/** Takes widget id off one variant only; the board keeps it (and the other variants' placements). */
export function leaveOut(doc: BoardContent, variant: string, id: string): BoardContent {
  const next = clone(doc);
  const i = variantIndex(next, variant);
  if (i >= 0) next.variants[i]!.placements = next.variants[i]!.placements.filter((p) => p.widget !== id);
  return next;
}

/**
 * Places a left-out widget on variant: at r when given, else at the first
 * room for its size on another variant scaled to this one's canvas (or its
 * kind's default size).
 */
export function placeWidget(doc: BoardContent, variant: string, id: string, kind: KindInfo | undefined, r?: Cells): EditResult {
  const v = findVariant(doc, variant);
  if (!v) return { error: `no variant "${variant}"` };
  if (v.placements.some((p) => p.widget === id)) return { error: `${widgetName(doc, id)} is already on ${v.name}` };
  let rect: Cells | null = null;
  if (r) {
    const why = placementProblem(v, r, id, doc.allow_overlap, (w) => widgetName(doc, w));
    if (why !== "") return { error: `${widgetName(doc, id)} ${why}` };
    rect = r;
  } else {
    let size = kind ? defaultCells(kind, v) : { w: 4, h: 4 };
    for (const o of doc.variants) {
      const p = o.placements.find((x) => x.widget === id);
      if (!p || o === v) continue;
      // The same share of the canvas in design pixels, in this variant's cells.
      const pxW = (p.w * o.canvas.width) / o.grid.columns;
      const pxH = (p.h * o.canvas.height) / o.grid.rows;
      size = {
        w: Math.max(1, Math.min(v.grid.columns, Math.round(pxW / (v.canvas.width / v.grid.columns)))),
        h: Math.max(1, Math.min(v.grid.rows, Math.round(pxH / (v.canvas.height / v.grid.rows)))),
      };
      break;
    }
    rect = findRoom(v, size.w, size.h, doc.allow_overlap);
    if (!rect) return { error: `there is no free cell on ${v.name} for ${widgetName(doc, id)}: make room first` };
  }
  const next = clone(doc);
  next.variants[variantIndex(next, v.name)]!.placements.push({ widget: id, x: rect.x, y: rect.y, w: rect.w, h: rect.h });
  return { doc: next };
}

/** Replaces widget w (same id) in doc. */
export function replaceWidget(doc: BoardContent, w: WidgetDef): BoardContent {
  const next = clone(doc);
  next.widgets = next.widgets.map((x) => (x.id === w.id ? clone(w) : x));
  return next;
}

/** Replaces the board's settings (everything but widgets and variants) from s. */
export function withSettings(doc: BoardContent, s: BoardContent): BoardContent {
  const next = clone(s);
  next.widgets = clone(doc.widgets);
  next.variants = clone(doc.variants);
  return next;
}

/** Checks every variant for placements outside the grid or (when not allowed) overlapping: messages, empty when sound. */
export function layoutProblems(doc: BoardContent): string[] {
  const out: string[] = [];
  for (const v of doc.variants) {
    for (let i = 0; i < v.placements.length; i++) {
      const p = v.placements[i]!;
      if (!insideGrid(p, v.grid.columns, v.grid.rows)) out.push(`${v.name}: ${widgetName(doc, p.widget)} falls outside the ${v.grid.columns}×${v.grid.rows} grid`);
      if (doc.allow_overlap) continue;
      for (let j = 0; j < i; j++) {
        const q = v.placements[j]!;
        if (overlaps(p, q)) out.push(`${v.name}: ${widgetName(doc, p.widget)} overlaps ${widgetName(doc, q.widget)}`);
      }
    }
  }
  return out;
}

// ---- the variant tab an error belongs to, field errors --------------------

/** Splits a server field path ("widgets[2].config.unit") into the widget index and the rest. */
export function widgetField(field: string): { index: number; rest: string } | null {
  const m = /^widgets\[(\d+)\](?:\.(.*))?$/.exec(field);
  if (!m) return null;
  return { index: Number(m[1]), rest: m[2] ?? "" };
}

// ---- what changed (the conflict dialog) ----------------------------------

/** Settings compared by diffContent, with the words the dialog uses. */
const SETTINGS: [keyof BoardContent, string][] = [
  ["name", "name"],
  ["description", "description"],
  ["theme", "theme"],
  ["allow_overlap", "overlap"],
  ["background", "background colour"],
  ["alert_sound", "alert sound"],
  ["refresh_ms", "refresh interval"],
  ["walls", "wall profiles"],
];

/** Normalises what the server fills in or leaves out, so that "" and absent compare equal. */
function settingValue(doc: BoardContent, k: keyof BoardContent): string {
  const v = doc[k];
  if (k === "walls") return JSON.stringify(v ?? []);
  if (v === undefined || v === null || v === false || v === "") return "";
  return JSON.stringify(v);
}

function widgetLabel(w: WidgetDef): string {
  return w.title.trim() !== "" && w.title.trim() !== w.id ? `“${w.title.trim()}” (${w.id})` : `“${w.id}”`;
}

/** One line of a difference between two versions of a board. */
export interface Difference {
  /** "settings", "widget" or "variant". */
  what: "settings" | "widget" | "variant";
  text: string;
}

/**
 * Lists what changed from a to b, in words a person reads in the conflict
 * dialog: settings changed, widgets added, removed or changed (by title and
 * id), variants added, removed or re-arranged.
 */
export function diffContent(a: BoardContent, b: BoardContent): Difference[] {
  const out: Difference[] = [];
  const changed = SETTINGS.filter(([k]) => settingValue(a, k) !== settingValue(b, k)).map(([, word]) => word);
  if (changed.length > 0) out.push({ what: "settings", text: `settings changed: ${changed.join(", ")}` });
  const aw = new Map(a.widgets.map((w) => [w.id, w] as [string, WidgetDef]));
  const bw = new Map(b.widgets.map((w) => [w.id, w] as [string, WidgetDef]));
  for (const w of b.widgets) if (!aw.has(w.id)) out.push({ what: "widget", text: `widget ${widgetLabel(w)} added` });
  for (const w of a.widgets) if (!bw.has(w.id)) out.push({ what: "widget", text: `widget ${widgetLabel(w)} removed` });
  for (const w of b.widgets) {
    const o = aw.get(w.id);
    if (!o) continue;
    const parts: string[] = [];
    if (o.title !== w.title) parts.push("title");
    if (o.kind !== w.kind) parts.push("kind");
    if (!sameDoc(o.config ?? {}, w.config ?? {})) parts.push("settings");
    if (!sameDoc(o.queries ?? [], w.queries ?? [])) parts.push("queries");
    if (parts.length > 0) out.push({ what: "widget", text: `widget ${widgetLabel(w)} changed: ${parts.join(", ")}` });
  }
  const av = new Map(a.variants.map((v) => [v.name, v] as [string, VariantDef]));
  const bv = new Map(b.variants.map((v) => [v.name, v] as [string, VariantDef]));
  for (const v of b.variants) if (!av.has(v.name)) out.push({ what: "variant", text: `variant “${v.name}” added` });
  for (const v of a.variants) if (!bv.has(v.name)) out.push({ what: "variant", text: `variant “${v.name}” removed` });
  for (const v of b.variants) {
    const o = av.get(v.name);
    if (!o) continue;
    const parts: string[] = [];
    if (!sameDoc(o.canvas, v.canvas) || !sameDoc(o.grid, v.grid)) parts.push("canvas or grid");
    const key = (p: PlacementDef): string => `${p.widget}@${p.x},${p.y},${p.w},${p.h}`;
    const op = o.placements.map(key).sort();
    const np = v.placements.map(key).sort();
    if (op.join(";") !== np.join(";")) parts.push("layout");
    if (parts.length > 0) out.push({ what: "variant", text: `variant “${v.name}” changed: ${parts.join(", ")}` });
  }
  return out;
}

// ---- drafts kept locally --------------------------------------------------

/** The part of the Web Storage API drafts use (localStorage in the page, a Map in tests). */
export interface KeyValueStorage {
  readonly length: number;
  key(i: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Unsaved edits kept locally. */
export interface Draft {
  board: string;
  /** The revision the edits are based on. */
  base: number;
  doc: BoardContent;
  /** When the draft was written (unix ms). */
  savedAt: number;
}

/** Key prefix of drafts in localStorage: DRAFT_PREFIX + board id + "." + base revision. */
export const DRAFT_PREFIX = "flexboard.editor.draft.";

/**
 * Unsaved edits of a board kept in localStorage, keyed by board id and base
 * revision, so a reload (or a crash) of the editor loses nothing typed. One
 * draft per board: writing one removes the board's drafts of other bases.
 */
export class DraftStore {
  constructor(private readonly storage: KeyValueStorage | null) {}

  private keysOf(board: string): string[] {
    const out: string[] = [];
    if (!this.storage) return out;
    const prefix = `${DRAFT_PREFIX}${board}.`;
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k !== null && k.indexOf(prefix) === 0 && /^\d+$/.test(k.slice(prefix.length))) out.push(k);
    }
    return out;
  }

  /** Keeps doc as the draft of board based on revision base; false when storage refused (full, disabled). */
  save(board: string, base: number, doc: BoardContent, now: number): boolean {
    if (!this.storage) return false;
    const key = `${DRAFT_PREFIX}${board}.${base}`;
    try {
      this.storage.setItem(key, JSON.stringify({ board, base, doc, savedAt: now }));
    } catch {
      return false;
    }
    for (const k of this.keysOf(board)) if (k !== key) this.storage.removeItem(k);
    return true;
  }

  /** The board's newest draft, null when none (or unreadable). */
  load(board: string): Draft | null {
    if (!this.storage) return null;
    let best: Draft | null = null;
    for (const k of this.keysOf(board)) {
      let d: unknown;
      try {
        d = JSON.parse(this.storage.getItem(k) ?? "");
      } catch {
        continue;
      }
      if (!isDraft(d) || d.board !== board) continue;
      if (!best || d.savedAt > best.savedAt) best = d;
    }
    return best;
  }

  /** Forgets the board's drafts. */
  clear(board: string): void {
    if (!this.storage) return;
    for (const k of this.keysOf(board)) this.storage.removeItem(k);
  }
}

function isDraft(v: unknown): v is Draft {
  if (typeof v !== "object" || v === null) return false;
  const d = v as Record<string, unknown>;
  const doc = d["doc"] as Record<string, unknown> | null;
  return (
    typeof d["board"] === "string" &&
    typeof d["base"] === "number" &&
    typeof d["savedAt"] === "number" &&
    typeof doc === "object" &&
    doc !== null &&
    Array.isArray(doc["widgets"]) &&
    Array.isArray(doc["variants"])
  );
}

/** Picks the board content out of a board document (GET /boards/{id}), dropping id, revision and times. */
export function contentOf(board: Record<string, unknown>): BoardContent {
  const c: BoardContent = {
    name: typeof board["name"] === "string" ? board["name"] : "",
    description: typeof board["description"] === "string" ? board["description"] : "",
    theme: typeof board["theme"] === "string" ? board["theme"] : "dark",
    allow_overlap: board["allow_overlap"] === true,
    refresh_ms: typeof board["refresh_ms"] === "number" ? board["refresh_ms"] : 1000,
    widgets: Array.isArray(board["widgets"]) ? clone(board["widgets"] as WidgetDef[]) : [],
    variants: Array.isArray(board["variants"]) ? clone(board["variants"] as VariantDef[]) : [],
  };
  if (typeof board["background"] === "string" && board["background"] !== "") c.background = board["background"];
  if (board["alert_sound"] === true) c.alert_sound = true;
  if (Array.isArray(board["walls"]) && board["walls"].length > 0) c.walls = clone(board["walls"]) as BoardContent["walls"] & object;
  for (const w of c.widgets) {
    if (!w.config || typeof w.config !== "object") w.config = {};
    if (typeof w.title !== "string") w.title = "";
  }
  for (const v of c.variants) if (!Array.isArray(v.placements)) v.placements = [];
  return c;
}
