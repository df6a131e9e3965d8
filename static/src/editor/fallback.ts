// Minimal panels used only until editor/panels/* (the full widget form,
// settings and variant dialog) are in the tree: a title, the config and
// queries as JSON, the board's main settings, and a variant copied at
// another canvas size. Same signatures as the contract's panels.

import { h, replace } from "../dom.ts";
import type { AddVariantProps, BoardContent, PanelHandle, SettingsPanelProps, VariantDef, WidgetPanelProps } from "./contract.ts";

function errorsOf(errors: { field: string; message: string }[]): HTMLElement {
  return h("ul", { class: "fb-ed-fallback-errors" }, ...errors.map((e) => h("li", null, `${e.field || "board"}: ${e.message}`)));
}

/** A widget's title, config and queries (JSON). */
export function renderWidgetPanel(el: HTMLElement, props: WidgetPanelProps): PanelHandle {
  let p = props;
  const title = h("input", { type: "text", class: "fb-ed-input", "data-testid": "widget-title" });
  const config = h("textarea", { class: "fb-ed-input fb-ed-json", rows: 8, "data-testid": "widget-config" });
  const queries = h("textarea", { class: "fb-ed-input fb-ed-json", rows: 8, "data-testid": "widget-queries" });
  const note = h("div", { class: "fb-ed-fallback-note" });
  const errs = h("div");
  title.addEventListener("input", () => p.onChange({ ...p.widget, title: title.value }, "Change title"));
  config.addEventListener("input", () => {
    try {
      p.onChange({ ...p.widget, config: JSON.parse(config.value || "{}") as Record<string, unknown> }, "Edit config");
      note.textContent = "";
    } catch (e) {
      note.textContent = `Not JSON yet: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
  queries.addEventListener("input", () => {
    try {
      const q = JSON.parse(queries.value || "[]") as WidgetPanelProps["widget"]["queries"];
      const next = { ...p.widget };
      if (q && q.length > 0) next.queries = q;
      else delete next.queries;
      p.onChange(next, "Edit queries");
      note.textContent = "";
    } catch (e) {
      note.textContent = `Not JSON yet: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
  const show = (): void => {
    if (document.activeElement !== title) title.value = p.widget.title;
    if (document.activeElement !== config) config.value = JSON.stringify(p.widget.config ?? {}, null, 2);
    if (document.activeElement !== queries) queries.value = JSON.stringify(p.widget.queries ?? [], null, 2);
    replace(errs, p.errors.length ? errorsOf(p.errors) : null);
  };
  replace(
    el,
    h(
      "div",
      { class: "fb-ed-fallback", "data-testid": "widget-panel" },
      h("h3", null, `${p.kind.label} · ${p.widget.id}`),
      h("label", null, "Title", title),
      h("label", null, "Config (JSON)", config),
      h("label", null, "Queries (JSON)", queries),
      note,
      errs,
    ),
  );
  show();
  return {
    update(next: unknown) {
      p = next as WidgetPanelProps;
      show();
    },
    destroy() {
      replace(el);
    },
  };
}

/** The board's name, theme, refresh interval and overlap rule. */
export function renderSettingsPanel(el: HTMLElement, props: SettingsPanelProps): PanelHandle {
  let p = props;
  const name = h("input", { type: "text", class: "fb-ed-input", "data-testid": "settings-name" });
  const refresh = h("input", { type: "number", class: "fb-ed-input", min: 100, max: 60000, step: 100, "data-testid": "settings-refresh" });
  const theme = h("select", { class: "fb-ed-input", "data-testid": "settings-theme" }, h("option", { value: "dark" }, "dark"), h("option", { value: "light" }, "light"));
  const overlap = h("input", { type: "checkbox", "data-testid": "settings-overlap" });
  const errs = h("div");
  const change = (patch: Partial<BoardContent>, label: string): void => p.onChange({ ...p.board, ...patch }, label);
  name.addEventListener("input", () => change({ name: name.value }, "Rename board"));
  refresh.addEventListener("change", () => change({ refresh_ms: Number(refresh.value) }, "Change refresh interval"));
  theme.addEventListener("change", () => change({ theme: theme.value }, "Change theme"));
  overlap.addEventListener("change", () => change({ allow_overlap: overlap.checked }, "Change overlap"));
  const show = (): void => {
    if (document.activeElement !== name) name.value = p.board.name;
    if (document.activeElement !== refresh) refresh.value = String(p.board.refresh_ms);
    theme.value = p.board.theme;
    overlap.checked = p.board.allow_overlap;
    replace(errs, p.errors.length ? errorsOf(p.errors) : null);
  };
  replace(
    el,
    h(
      "div",
      { class: "fb-ed-fallback", "data-testid": "settings-panel" },
      h("h3", null, "Board settings"),
      h("label", null, "Name", name),
      h("label", null, "Theme", theme),
      h("label", null, "Refresh (ms)", refresh),
      h("label", { class: "fb-ed-check" }, overlap, " Allow overlap"),
      errs,
    ),
  );
  show();
  return {
    update(next: unknown) {
      p = next as SettingsPanelProps;
      show();
    },
    destroy() {
      replace(el);
    },
  };
}

/** Asks for "NAME WIDTHxHEIGHT" and copies the from-variant's placements onto the same grid. */
export async function openAddVariantDialog(props: AddVariantProps): Promise<VariantDef | null> {
  const from = props.board.variants.find((v) => v.name === props.from) ?? props.board.variants[0];
  if (!from) return null;
  const answer = window.prompt("New variant: name and size, e.g. \"32:9 3840x1080\"", "");
  if (!answer) return null;
  const m = /^\s*(\S+)\s+(\d+)\s*[x×]\s*(\d+)\s*$/.exec(answer);
  if (!m) return null;
  return {
    name: m[1]!,
    canvas: { width: Number(m[2]), height: Number(m[3]) },
    grid: { columns: from.grid.columns, rows: from.grid.rows },
    placements: from.placements.map((p) => ({ ...p })),
  };
}
