// The "add a variant" dialog: pick a screen (a preset, a custom size or one of
// the board's wall profiles), see the grid and a preview of the automatic
// re-arrangement of the current variant (lib/rearrange.ts), with the widgets
// it cannot fit named, and create it. The editor then lets the person adjust.

import { h, replace } from "../../dom.ts";
import { gridFor, MAX_CANVAS_SIDE, MAX_GRID_CELLS, MIN_CANVAS_SIDE, rearrange, type Rearranged } from "../../lib/rearrange.ts";
import type { AddVariantProps, BoardContent, VariantDef } from "../contract.ts";
import { wallSize } from "./settings.ts";

/** A screen the dialog offers. */
export interface ScreenPreset {
  id: string;
  label: string;
  /** The variant name it suggests. */
  name: string;
  width: number;
  height: number;
}

/** The screens of the issue, in the order offered. */
export const PRESETS: readonly ScreenPreset[] = [
  { id: "16:9", label: "16:9 Full HD 1920×1080", name: "16:9", width: 1920, height: 1080 },
  { id: "4k", label: "4K 3840×2160", name: "4K", width: 3840, height: 2160 },
  { id: "32:9", label: "32:9 3840×1080", name: "32:9", width: 3840, height: 1080 },
  { id: "21:9", label: "21:9 2560×1080", name: "21:9", width: 2560, height: 1080 },
  { id: "4:3", label: "4:3 1024×768", name: "4:3", width: 1024, height: 768 },
  { id: "portrait", label: "Portrait 1080×1920", name: "portrait", width: 1080, height: 1920 },
];

/** A variant name limit (boards.MaxVariantNameLength) and the count limit (boards.MaxVariants). */
export const MAX_VARIANT_NAME = 64;
export const MAX_VARIANTS = 16;

/** Returns name, or name (2), name (3)… when the board already has a variant of that name. */
export function uniqueVariantName(board: BoardContent, name: string): string {
  const taken = new Set(board.variants.map((v) => v.name));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const n = `${name} (${i})`;
    if (!taken.has(n)) return n;
  }
}

/** The screens the dialog offers for a board: the presets, then its wall profiles' whole pictures. */
export function screensFor(board: BoardContent): ScreenPreset[] {
  const out = PRESETS.slice();
  for (const w of board.walls ?? []) {
    const s = wallSize(w);
    out.push({ id: `wall:${w.name}`, label: `Wall "${w.name}" ${w.columns}×${w.rows} → ${s.width}×${s.height}`, name: w.name, width: s.width, height: s.height });
  }
  return out;
}

/** Checks a custom canvas side; "" when fine. */
export function checkSide(n: number): string {
  if (!Number.isInteger(n)) return "must be a whole number of pixels";
  if (n < MIN_CANVAS_SIDE || n > MAX_CANVAS_SIDE) return `must be ${MIN_CANVAS_SIDE} to ${MAX_CANVAS_SIDE} px`;
  return "";
}

/** Builds the new variant: from's placements re-arranged onto canvas and grid. */
export function buildVariant(board: BoardContent, from: string, name: string, canvas: { width: number; height: number }, grid: { columns: number; rows: number }): { variant: VariantDef; result: Rearranged } {
  const src = board.variants.find((v) => v.name === from) ?? board.variants[0];
  const result = src
    ? rearrange({ canvas: src.canvas, grid: src.grid, placements: src.placements }, canvas, grid)
    : { placements: [], leftOut: [], mode: "proportional" as const };
  return { variant: { name, canvas: { ...canvas }, grid: { ...grid }, placements: result.placements.map((p) => ({ ...p })) }, result };
}

/** Opens the dialog; resolves with the new variant, or null when cancelled. */
export function openAddVariantDialog(props: AddVariantProps): Promise<VariantDef | null> {
  const board = props.board;
  const src = board.variants.find((v) => v.name === props.from) ?? board.variants[0];
  const screens = screensFor(board);
  return new Promise((resolve) => {
    const prevFocus = document.activeElement as HTMLElement | null;
    let chosen = screens.find((s) => src && s.width * src.canvas.height !== s.height * src.canvas.width) ?? screens[0]! as ScreenPreset | "custom";
    let nameTouched = false;
    let gridTouched = false;

    const name = h("input", { type: "text", id: "av.name", maxlength: MAX_VARIANT_NAME, class: "narrow" });
    const cw = h("input", { type: "number", id: "av.width", min: MIN_CANVAS_SIDE, max: MAX_CANVAS_SIDE, step: 1, class: "narrow", "aria-label": "Canvas width" });
    const ch = h("input", { type: "number", id: "av.height", min: MIN_CANVAS_SIDE, max: MAX_CANVAS_SIDE, step: 1, class: "narrow", "aria-label": "Canvas height" });
    const gc = h("input", { type: "number", id: "av.columns", min: 1, max: MAX_GRID_CELLS, step: 1, class: "narrow", "aria-label": "Grid columns" });
    const gr = h("input", { type: "number", id: "av.rows", min: 1, max: MAX_GRID_CELLS, step: 1, class: "narrow", "aria-label": "Grid rows" });
    const errors = h("div", { class: "field-error", role: "alert" });
    const preview = h("div", { class: "av-preview" });
    const report = h("div", { class: "av-report" });
    const create = h("button", { type: "button", class: "btn btn-primary" }, "Add variant");
    const cancel = h("button", { type: "button", class: "btn" }, "Cancel");

    const choices = h("div", { class: "av-choices", role: "radiogroup" });
    const choiceButtons: HTMLButtonElement[] = [];
    const addChoice = (c: ScreenPreset | "custom", label: string, w: number, hh: number) => {
      const frame = h("span", { class: "av-shape" });
      const scale = 44 / Math.max(w, hh);
      frame.style.width = `${Math.max(6, Math.round(w * scale))}px`;
      frame.style.height = `${Math.max(6, Math.round(hh * scale))}px`;
      const b = h("button", { type: "button", class: "av-choice", role: "radio" }, frame, h("span", null, label));
      b.addEventListener("click", () => {
        chosen = c;
        if (c !== "custom") {
          cw.value = String(c.width);
          ch.value = String(c.height);
        }
        gridTouched = false;
        if (!nameTouched) name.value = uniqueVariantName(board, c === "custom" ? `${cw.value}x${ch.value}` : c.name);
        refresh(true);
      });
      choiceButtons.push(b);
      choices.appendChild(b);
    };
    for (const s of screens) addChoice(s, s.label, s.width, s.height);
    addChoice("custom", "Custom size", 1600, 900);

    name.addEventListener("input", () => {
      nameTouched = true;
      refresh(false);
    });
    const onSize = () => {
      chosen = "custom";
      gridTouched = false;
      if (!nameTouched) name.value = uniqueVariantName(board, `${cw.value}x${ch.value}`);
      refresh(true);
    };
    cw.addEventListener("input", onSize);
    ch.addEventListener("input", onSize);
    const onGrid = () => {
      gridTouched = true;
      refresh(false);
    };
    gc.addEventListener("input", onGrid);
    gr.addEventListener("input", onGrid);

    let built: VariantDef | null = null;
    function refresh(resetGrid: boolean): void {
      choiceButtons.forEach((b, i) => {
        const on = i === screens.length ? chosen === "custom" : screens[i] === chosen;
        b.classList.toggle("selected", on);
        b.setAttribute("aria-checked", on ? "true" : "false");
      });
      const width = Number(cw.value);
      const height = Number(ch.value);
      const problems: string[] = [];
      const ew = checkSide(width);
      const eh = checkSide(height);
      if (ew) problems.push(`Width ${ew}.`);
      if (eh) problems.push(`Height ${eh}.`);
      if (!ew && !eh && (resetGrid || !gridTouched)) {
        const g = gridFor({ width, height }, src ? { canvas: src.canvas, grid: src.grid, placements: [] } : null);
        gc.value = String(g.columns);
        gr.value = String(g.rows);
      }
      const columns = Number(gc.value);
      const rows = Number(gr.value);
      if (!Number.isInteger(columns) || columns < 1 || columns > MAX_GRID_CELLS) problems.push(`Columns must be 1 to ${MAX_GRID_CELLS}.`);
      if (!Number.isInteger(rows) || rows < 1 || rows > MAX_GRID_CELLS) problems.push(`Rows must be 1 to ${MAX_GRID_CELLS}.`);
      const nm = name.value.trim();
      if (nm === "") problems.push("The variant needs a name.");
      else if (board.variants.some((v) => v.name === nm)) problems.push(`"${nm}" is already a variant of this board; pick another name.`);
      if (board.variants.length >= MAX_VARIANTS) problems.push(`A board holds at most ${MAX_VARIANTS} variants.`);
      errors.textContent = problems.join(" ");
      create.disabled = problems.length > 0;
      if (ew || eh || problems.some((p) => p.startsWith("Columns") || p.startsWith("Rows"))) {
        built = null;
        replace(preview);
        replace(report);
        return;
      }
      const { variant, result } = buildVariant(board, src?.name ?? "", nm, { width, height }, { columns, rows });
      built = problems.length ? null : variant;
      drawPreview(variant);
      const cell = `${(width / columns).toFixed(0)}×${(height / rows).toFixed(0)} px cells`;
      replace(report,
        h("div", null, `${result.placements.length} of ${src?.placements.length ?? 0} widgets placed, ${result.mode === "flow" ? "re-flowed for the new shape (sizes kept, order kept)" : "scaled proportionally"}; ${cell}.`),
        result.leftOut.length
          ? h("div", { class: "field-error", role: "alert" }, `Left out (no room on a ${columns}×${rows} grid): ${result.leftOut.join(", ")}. Add them from the canvas after resizing others, or choose a finer grid.`)
          : null);
    }

    function drawPreview(v: VariantDef): void {
      const maxW = 560;
      const maxH = 260;
      const s = Math.min(maxW / v.canvas.width, maxH / v.canvas.height);
      const W = Math.round(v.canvas.width * s);
      const H = Math.round(v.canvas.height * s);
      const stage = h("div", { class: "av-stage" });
      stage.style.width = `${W}px`;
      stage.style.height = `${H}px`;
      const titles = new Map(board.widgets.map((w) => [w.id, w.title || w.kind]));
      for (const p of v.placements) {
        const r = h("div", { class: "av-rect", title: titles.get(p.widget) ?? p.widget }, h("span", null, titles.get(p.widget) ?? p.widget));
        r.style.left = `${(p.x / v.grid.columns) * 100}%`;
        r.style.top = `${(p.y / v.grid.rows) * 100}%`;
        r.style.width = `${(p.w / v.grid.columns) * 100}%`;
        r.style.height = `${(p.h / v.grid.rows) * 100}%`;
        stage.appendChild(r);
      }
      replace(preview, stage);
    }

    const overlay = h("div", { class: "modal-backdrop av-backdrop" });
    const dialog = h("div", { class: "modal av-dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": "av-title" },
      h("h2", { id: "av-title" }, "Add a variant"),
      h("p", { class: "muted small" }, src ? `For another screen shape. It starts from "${src.name}" (${src.canvas.width}×${src.canvas.height}), re-arranged automatically; adjust it afterwards.` : "For another screen shape."),
      choices,
      h("div", { class: "av-form" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Name"), name),
        h("div", { class: "field" }, h("span", { class: "field-label" }, "Canvas (px)"), h("div", { class: "field-control inline" }, cw, h("span", null, " × "), ch)),
        h("div", { class: "field" }, h("span", { class: "field-label" }, "Grid (cells)"), h("div", { class: "field-control inline" }, gc, h("span", null, " × "), gr))),
      errors,
      preview,
      report,
      h("div", { class: "modal-actions" }, cancel, create));
    overlay.appendChild(dialog);

    const close = (v: VariantDef | null) => {
      document.removeEventListener("keydown", onKey, true);
      overlay.remove();
      prevFocus?.focus?.();
      resolve(v);
    };
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        close(null);
      } else if (ev.key === "Enter" && !create.disabled && (ev.target as HTMLElement).tagName === "INPUT") {
        ev.preventDefault();
        create.click();
      }
    };
    cancel.addEventListener("click", () => close(null));
    create.addEventListener("click", () => {
      if (built) close(built);
    });
    overlay.addEventListener("mousedown", (ev) => {
      if (ev.target === overlay) close(null);
    });
    document.addEventListener("keydown", onKey, true);

    if (chosen !== "custom") {
      cw.value = String(chosen.width);
      ch.value = String(chosen.height);
      name.value = uniqueVariantName(board, chosen.name);
    }
    document.body.appendChild(overlay);
    refresh(true);
    name.focus();
  });
}
