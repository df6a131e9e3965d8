// The board settings panel: name, description, theme, refresh interval,
// background colour, overlap, alert sound and video-wall profiles, with the
// limits of boards/board.go and layouts.Wall checked as the person types and
// the server's messages shown beside the field.

import { h } from "../../dom.ts";
import type { BoardContent, PanelHandle, SettingsPanelProps, WallProfileDef } from "../contract.ts";
import { charCount, errorsUnder } from "./fields.ts";
import { rebuild } from "./keep.ts";

/** Limits, as boards/board.go and layouts/plan.go. */
export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 2000;
export const MIN_REFRESH_MS = 100;
export const MAX_REFRESH_MS = 60000;
export const MAX_WALLS = 8;
export const MAX_WALL_NAME = 64;
export const MAX_WALL_SIDE = 16;
export const MIN_SCREEN_SIDE = 16;
export const MAX_SCREEN_SIDE = 32768;
export const MAX_BEZEL = 500;

const BOARD_COLOR_RE = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** The whole picture of a wall, bezels included (layouts.Wall.Size). */
export function wallSize(w: WallProfileDef): { width: number; height: number } {
  return {
    width: w.columns * w.monitor.width + (w.columns - 1) * 2 * w.bezel,
    height: w.rows * w.monitor.height + (w.rows - 1) * 2 * w.bezel,
  };
}

/** Checks the settings a person types; keys as the server names fields ("refresh_ms", "walls[1].bezel"). */
export function checkSettings(b: BoardContent): Map<string, string> {
  const e = new Map<string, string>();
  const name = charCount(b.name.trim() === "" ? "" : b.name);
  if (name < 1) e.set("name", `is required (1 to ${MAX_NAME_LENGTH} characters)`);
  else if (name > MAX_NAME_LENGTH) e.set("name", `is ${name} characters long; at most ${MAX_NAME_LENGTH} allowed`);
  const d = charCount(b.description);
  if (d > MAX_DESCRIPTION_LENGTH) e.set("description", `is ${d} characters long; at most ${MAX_DESCRIPTION_LENGTH} allowed`);
  if (b.background && !BOARD_COLOR_RE.test(b.background)) e.set("background", `"${b.background}" is not a colour; write it #rgb or #rrggbb, or leave it empty for the theme's`);
  if (!Number.isInteger(b.refresh_ms) || b.refresh_ms < MIN_REFRESH_MS || b.refresh_ms > MAX_REFRESH_MS) {
    e.set("refresh_ms", `is ${b.refresh_ms}; displays refresh every ${MIN_REFRESH_MS} to ${MAX_REFRESH_MS} ms`);
  }
  const walls = b.walls ?? [];
  if (walls.length > MAX_WALLS) e.set("walls", `a board holds at most ${MAX_WALLS} wall profiles`);
  const names = new Map<string, number>();
  walls.forEach((w, i) => {
    const f = `walls[${i}]`;
    const n = charCount(w.name);
    if (n < 1 || n > MAX_WALL_NAME) e.set(`${f}.name`, `is required (1 to ${MAX_WALL_NAME} characters)`);
    const j = names.get(w.name);
    if (j !== undefined) e.set(`${f}.name`, `"${w.name}" is already the name of wall ${j + 1}; wall names must be unique`);
    names.set(w.name, i);
    if (!Number.isInteger(w.columns) || w.columns < 1 || w.columns > MAX_WALL_SIDE) e.set(`${f}.columns`, `is ${w.columns}; a wall has 1 to ${MAX_WALL_SIDE} columns`);
    if (!Number.isInteger(w.rows) || w.rows < 1 || w.rows > MAX_WALL_SIDE) e.set(`${f}.rows`, `is ${w.rows}; a wall has 1 to ${MAX_WALL_SIDE} rows`);
    const m = w.monitor;
    if (![m.width, m.height].every((s) => Number.isInteger(s) && s >= MIN_SCREEN_SIDE && s <= MAX_SCREEN_SIDE)) {
      e.set(`${f}.monitor`, `is ${m.width}×${m.height}; each side must be ${MIN_SCREEN_SIDE} to ${MAX_SCREEN_SIDE} px`);
    }
    if (!Number.isInteger(w.bezel) || w.bezel < 0 || w.bezel > MAX_BEZEL) e.set(`${f}.bezel`, `is ${w.bezel}; allowed 0 to ${MAX_BEZEL} px`);
  });
  return e;
}

/** A fresh wall profile with a name not yet used. */
export function newWall(existing: readonly WallProfileDef[]): WallProfileDef {
  let n = existing.length + 1;
  const taken = new Set(existing.map((w) => w.name));
  while (taken.has(`wall-${n}`)) n++;
  return { name: `wall-${n}`, columns: 2, rows: 2, monitor: { width: 1920, height: 1080 }, bezel: 0 };
}

/** Renders the settings panel into el. */
export function renderSettingsPanel(el: HTMLElement, initial: SettingsPanelProps): PanelHandle {
  let props = initial;
  /** What the person typed that is not passed on yet, by field (kept across rebuilds while invalid). */
  const pending = new Map<string, string>();
  el.classList.add("panel", "settings-panel");

  const emit = (next: BoardContent, label: string) => props.onChange(next, label);

  function render(): void {
    rebuild(el, () => {
      const b = props.board;
      const server = errorsUnder(props.errors, "");
      const local = checkSettings(b);
      const err = (k: string) => pending.get(k) ?? server.get(k) ?? local.get(k) ?? "";
      const errEl = (k: string) => h("div", { class: "field-error", role: "alert" }, err(k));
      const field = (label: string, k: string, control: HTMLElement, hint = "", extra = "") =>
        h("div", { class: "field" + (err(k) ? " invalid" : "") + extra },
          h("label", { class: "field-label", for: `s.${k}` }, label),
          h("div", { class: "field-control" }, control),
          hint ? h("div", { class: "field-hint" }, hint) : null,
          errEl(k));

      const name = h("input", { type: "text", id: "s.name", "data-key": "s.name", maxlength: MAX_NAME_LENGTH });
      name.value = b.name;
      name.addEventListener("input", () => {
        if (name.value.trim() === "") {
          pending.set("name", `is required (1 to ${MAX_NAME_LENGTH} characters)`);
          render();
          return;
        }
        pending.delete("name");
        emit({ ...props.board, name: name.value }, "Rename board");
      });
      const desc = h("textarea", { id: "s.description", "data-key": "s.description", rows: 3, maxlength: MAX_DESCRIPTION_LENGTH });
      desc.value = b.description;
      desc.addEventListener("input", () => emit({ ...props.board, description: desc.value }, "Edit description"));

      const theme = h("select", { id: "s.theme", "data-key": "s.theme" }, h("option", { value: "dark" }, "Dark"), h("option", { value: "light" }, "Light"));
      theme.value = b.theme || "dark";
      theme.addEventListener("change", () => emit({ ...props.board, theme: theme.value }, "Change theme"));

      const refresh = h("input", { type: "number", id: "s.refresh_ms", "data-key": "s.refresh_ms", min: MIN_REFRESH_MS / 1000, max: MAX_REFRESH_MS / 1000, step: 0.1, class: "narrow" });
      refresh.value = String(b.refresh_ms / 1000);
      refresh.addEventListener("input", () => {
        const ms = Math.round(Number(refresh.value) * 1000);
        if (refresh.value.trim() === "" || !Number.isFinite(ms) || ms < MIN_REFRESH_MS || ms > MAX_REFRESH_MS) {
          pending.set("refresh_ms", `must be ${MIN_REFRESH_MS / 1000} to ${MAX_REFRESH_MS / 1000} seconds`);
          render();
          return;
        }
        pending.delete("refresh_ms");
        emit({ ...props.board, refresh_ms: ms }, "Change refresh interval");
      });

      const bgText = h("input", { type: "text", id: "s.background", "data-key": "s.background", placeholder: "theme's", class: "narrow", spellcheck: "false" });
      bgText.value = b.background ?? "";
      const bgPick = h("input", { type: "color", "data-key": "s.background.picker", "aria-label": "Background colour picker" });
      bgPick.value = /^#[0-9a-fA-F]{6}$/.test(bgText.value) ? bgText.value : "#111217";
      const setBg = (v: string) => {
        const next: BoardContent = { ...props.board, background: v };
        if (v === "") delete next.background;
        if (v !== "" && !BOARD_COLOR_RE.test(v)) {
          pending.set("background", `"${v}" is not a colour; write it #rgb or #rrggbb, or leave it empty for the theme's`);
          render();
          return;
        }
        pending.delete("background");
        emit(next, "Change background");
      };
      bgText.addEventListener("input", () => setBg(bgText.value.trim()));
      bgPick.addEventListener("input", () => setBg(bgPick.value));
      const bgClear = h("button", { type: "button", class: "btn btn-small btn-link" }, "Theme's");
      bgClear.addEventListener("click", () => setBg(""));

      const overlap = h("input", { type: "checkbox", id: "s.allow_overlap", "data-key": "s.allow_overlap" });
      overlap.checked = b.allow_overlap;
      overlap.addEventListener("change", () => emit({ ...props.board, allow_overlap: overlap.checked }, overlap.checked ? "Allow overlap" : "Forbid overlap"));
      const sound = h("input", { type: "checkbox", id: "s.alert_sound", "data-key": "s.alert_sound" });
      sound.checked = b.alert_sound === true;
      sound.addEventListener("change", () => emit({ ...props.board, alert_sound: sound.checked }, sound.checked ? "Turn alert sound on" : "Turn alert sound off"));

      const walls = b.walls ?? [];
      const setWall = (i: number, w: WallProfileDef, label: string) => emit({ ...props.board, walls: walls.map((x, j) => (j === i ? w : x)) }, label);
      const wallRows = walls.map((w, i) => {
        const f = `walls[${i}]`;
        const num = (k: string, v: number, min: number, max: number, apply: (n: number) => WallProfileDef, aria: string) => {
          const n = h("input", { type: "number", "data-key": `s.${f}.${k}`, min, max, step: 1, class: "narrow", "aria-label": aria });
          n.value = String(v);
          n.addEventListener("input", () => {
            const x = Number(n.value);
            if (n.value.trim() === "" || !Number.isInteger(x) || x < min || x > max) {
              pending.set(`${f}.${k === "mw" || k === "mh" ? "monitor" : k}`, `must be a whole number from ${min} to ${max}`);
              render();
              return;
            }
            pending.delete(`${f}.${k === "mw" || k === "mh" ? "monitor" : k}`);
            setWall(i, apply(x), "Edit wall profile");
          });
          return n;
        };
        const nm = h("input", { type: "text", "data-key": `s.${f}.name`, maxlength: MAX_WALL_NAME, "aria-label": `Wall ${i + 1} name`, class: "narrow" });
        nm.value = w.name;
        nm.addEventListener("input", () => setWall(i, { ...w, name: nm.value.trim() }, "Rename wall profile"));
        const del = h("button", { type: "button", class: "icon-btn", title: "Remove this wall profile", "aria-label": `Remove wall ${i + 1}` }, "×");
        del.addEventListener("click", () => {
          const next: BoardContent = { ...props.board, walls: walls.filter((_, j) => j !== i) };
          if (next.walls!.length === 0) delete next.walls;
          emit(next, "Remove wall profile");
        });
        const size = wallSize(w);
        const msgs = ["name", "columns", "rows", "monitor", "bezel", ""].map((k) => err(k ? `${f}.${k}` : f)).filter((m) => m !== "");
        return h("div", { class: "wall-card" + (msgs.length ? " invalid" : "") },
          h("div", { class: "wall-head" }, nm, del),
          h("div", { class: "field-control inline wall-grid" },
            num("columns", w.columns, 1, MAX_WALL_SIDE, (x) => ({ ...w, columns: x }), "Columns of monitors"), h("span", null, " × "),
            num("rows", w.rows, 1, MAX_WALL_SIDE, (x) => ({ ...w, rows: x }), "Rows of monitors"), h("span", { class: "muted" }, " monitors of "),
            num("mw", w.monitor.width, MIN_SCREEN_SIDE, MAX_SCREEN_SIDE, (x) => ({ ...w, monitor: { width: x, height: w.monitor.height } }), "Monitor width"), h("span", null, " × "),
            num("mh", w.monitor.height, MIN_SCREEN_SIDE, MAX_SCREEN_SIDE, (x) => ({ ...w, monitor: { width: w.monitor.width, height: x } }), "Monitor height"), h("span", { class: "muted" }, " px, bezel "),
            num("bezel", w.bezel, 0, MAX_BEZEL, (x) => ({ ...w, bezel: x }), "Bezel"), h("span", { class: "muted" }, " px")),
          h("div", { class: "muted small" }, `Whole picture ${size.width}×${size.height} px. Open a monitor's slice with /d/{id}?wall=${w.name}&tile=column,row.`),
          ...msgs.map((m) => h("div", { class: "field-error", role: "alert" }, m)));
      });
      const addWall = h("button", { type: "button", class: "btn btn-small", disabled: walls.length >= MAX_WALLS }, "+ Wall profile");
      addWall.addEventListener("click", () => emit({ ...props.board, walls: [...walls, newWall(walls)] }, "Add wall profile"));

      return [
        h("header", { class: "panel-head" }, h("h2", null, "Board settings")),
        h("section", { class: "panel-section" },
          field("Name", "name", name),
          field("Description", "description", desc),
          field("Theme", "theme", theme),
          field("Refresh every (s)", "refresh_ms", refresh, "How often displays get new data: 0.1 to 60 s."),
          field("Background", "background", h("div", { class: "field-control inline" }, bgPick, bgText, bgClear), "The board and the bars around it when a screen's shape differs."),
          field("Widgets may overlap", "allow_overlap", overlap, "Off: the editor and the server refuse placements that overlap.", " check"),
          field("Alert sound", "alert_sound", sound, "Displays play a short tone when a widget turns critical.", " check")),
        h("section", { class: "panel-section" },
          h("h3", null, "Video walls"),
          h("p", { class: "muted small" }, "A wall is columns × rows monitors showing one board; the bezel (frame px per side) is skipped so lines continue across monitors."),
          err("walls") ? h("div", { class: "field-error", role: "alert" }, err("walls")) : null,
          ...wallRows,
          addWall),
      ];
    });
  }

  render();
  return {
    update(next: unknown) {
      props = next as SettingsPanelProps;
      render();
    },
    destroy() {
      while (el.firstChild) el.removeChild(el.firstChild);
      el.classList.remove("panel", "settings-panel");
    },
  };
}
