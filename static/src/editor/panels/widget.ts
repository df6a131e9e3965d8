// The side panel of the selected widget: its title, the config form built
// from the kind's schema (GET /api/v1/widgets/kinds), its queries with a live
// preview, and its thresholds. Every edit goes to props.onChange as a whole
// new widget with a label for the undo history; the server's validation
// messages (props.errors) show beside the field they are about, and obvious
// mistakes show at once without reaching the board.

import { h } from "../../dom.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { KindField, Theme } from "../../lib/render.ts";
import type { FieldError, PanelHandle, QueryDef, WidgetDef, WidgetPanelProps } from "../contract.ts";
import { DataSource, listImages, uploadImage, type ImageInfo } from "./data.ts";
import { checkField, checkTitle, enumLabel, errorsUnder, fieldKey, fieldValue, withConfig } from "./fields.ts";
import { rebuild } from "./keep.ts";
import { QueriesEditor } from "./query.ts";
import { parseSteps, renderThresholds, type Step } from "./thresholds.ts";

/** Common IANA zones offered for a timezone field (any valid name may be typed). */
const ZONES = ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Moscow", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney"];

function themeOf(props: WidgetPanelProps): Theme | null {
  const name = props.board.theme || "dark";
  return props.kinds.palette.find((t) => t.name === name) ?? props.kinds.palette[0] ?? null;
}

/** Renders the widget panel into el. */
export function renderWidgetPanel(el: HTMLElement, initial: WidgetPanelProps): PanelHandle {
  let props = initial;
  let probe: number | null = null;
  /** Client-side problems of inputs not passed on (keyed as the server would: "config.decimals", "title"). */
  const local = new Map<string, string>();
  const data = new DataSource();
  let images: ImageInfo[] | null = null;
  let imagesError = "";
  const queries = new QueriesEditor(queryProps());
  el.classList.add("panel", "widget-panel");

  function queryProps() {
    return {
      kind: props.kind,
      widget: props.widget,
      errors: props.errors,
      data,
      theme: themeOf(props),
      onChange: (qs: QueryDef[], label: string) => {
        const next: WidgetDef = { ...props.widget, queries: qs };
        if (qs.length === 0) delete next.queries;
        props.onChange(next, label);
      },
      onProbe: (v: number | null) => {
        if (v === probe) return;
        probe = v;
        const th = el.querySelector(".thresholds");
        if (th && props.kind.fields.some((f) => f.type === "thresholds")) render();
      },
      rerender: () => render(),
    };
  }

  const change = (next: WidgetDef, label: string) => props.onChange(next, label);
  const setConfig = (key: string, value: unknown, label: string) => {
    change({ ...props.widget, config: withConfig(props.widget.config, key, value) }, label);
  };

  /** The message for a config field: the server's, else a local one. */
  const serverErrors = () => errorsUnder(props.errors, "");
  function fieldError(path: string): string {
    return local.get(path) ?? serverErrors().get(path) ?? "";
  }

  function control(f: KindField): HTMLElement {
    const key = `cfg.${f.name}`;
    const value = fieldValue(f, props.widget.config);
    const label = `Change ${f.label.toLowerCase() || f.name}`;
    const onInput = (raw: string | boolean, errEl: HTMLElement) => {
      const c = checkField(f, raw);
      const path = `config.${f.name}`;
      if (!c.ok) {
        local.set(path, c.error);
        errEl.textContent = c.error;
        errEl.parentElement?.classList.add("invalid");
        return;
      }
      local.delete(path);
      errEl.textContent = "";
      errEl.parentElement?.classList.remove("invalid");
      setConfig(f.name, c.value, label);
    };
    const errEl = h("div", { class: "field-error", role: "alert" }, fieldError(`config.${f.name}`));
    let input: HTMLElement;
    switch (f.type) {
      case "boolean": {
        const cb = h("input", { type: "checkbox", id: key, "data-key": key });
        cb.checked = value === true;
        cb.addEventListener("change", () => onInput(cb.checked, errEl));
        input = cb;
        break;
      }
      case "enum": {
        const sel = h("select", { id: key, "data-key": key }, ...f.enum.map((v) => h("option", { value: v }, enumLabel(f, v))));
        sel.value = String(value);
        sel.addEventListener("change", () => onInput(sel.value, errEl));
        input = sel;
        break;
      }
      case "text": {
        const ta = h("textarea", { id: key, "data-key": key, rows: 6, spellcheck: "true" });
        ta.value = String(value ?? "");
        ta.addEventListener("input", () => onInput(ta.value, errEl));
        input = ta;
        break;
      }
      case "number":
      case "integer": {
        const n = h("input", { type: "number", id: key, "data-key": key, step: f.type === "integer" ? 1 : "any", min: f.min, max: f.max });
        n.value = value === "" || value === undefined ? "" : String(value);
        n.addEventListener("input", () => onInput(n.value, errEl));
        input = n;
        break;
      }
      case "color": {
        const text = h("input", { type: "text", id: key, "data-key": key, placeholder: "theme's", class: "narrow", spellcheck: "false" });
        text.value = String(value ?? "");
        const pick = h("input", { type: "color", "data-key": `${key}.picker`, "aria-label": `${f.label} picker` });
        pick.value = /^#[0-9a-fA-F]{6}$/.test(text.value) ? text.value : "#808080";
        const clear = h("button", { type: "button", class: "btn btn-small btn-link", title: "Use the theme's colour" }, "Theme's");
        text.addEventListener("input", () => onInput(text.value, errEl));
        pick.addEventListener("input", () => {
          text.value = pick.value;
          onInput(pick.value, errEl);
        });
        clear.addEventListener("click", () => {
          text.value = "";
          onInput("", errEl);
        });
        input = h("div", { class: "field-control inline" }, pick, text, clear);
        break;
      }
      case "timezone": {
        const listId = `${key}.zones`;
        const t = h("input", { type: "text", id: key, "data-key": key, list: listId, placeholder: "the display's own", spellcheck: "false" });
        t.value = String(value ?? "");
        t.addEventListener("input", () => onInput(t.value, errEl));
        input = h("div", null, t, h("datalist", { id: listId }, ...ZONES.map((z) => h("option", { value: z }))));
        break;
      }
      case "image":
        input = imageControl(f, String(value ?? ""), (v) => onInput(v, errEl));
        break;
      default: {
        const t = h("input", { type: "text", id: key, "data-key": key, maxlength: f.maxLength > 0 ? f.maxLength : null });
        t.value = String(value ?? "");
        t.addEventListener("input", () => onInput(t.value, errEl));
        input = t;
      }
    }
    const wrapper = h("div", { class: "field" + (errEl.textContent ? " invalid" : "") + (f.type === "boolean" ? " check" : "") },
      h("label", { class: "field-label", for: key }, f.label || f.name),
      h("div", { class: "field-control" }, input),
      f.description ? h("div", { class: "field-hint" }, f.description) : null,
      errEl);
    return wrapper;
  }

  function imageControl(f: KindField, value: string, set: (v: string) => void): HTMLElement {
    const key = `cfg.${f.name}`;
    const sel = h("select", { id: key, "data-key": key }, h("option", { value: "" }, "(none)"));
    for (const img of images ?? []) sel.appendChild(h("option", { value: img.id }, img.name || img.id));
    if (value && !(images ?? []).some((i) => i.id === value)) sel.appendChild(h("option", { value }, value));
    sel.value = value;
    sel.addEventListener("change", () => set(sel.value));
    const file = h("input", { type: "file", accept: "image/png,image/jpeg,image/gif,image/webp,image/svg+xml", class: "offscreen", "data-key": `${key}.file` });
    const up = h("button", { type: "button", class: "btn btn-small" }, "Upload…");
    const status = h("span", { class: "muted small" }, imagesError);
    up.addEventListener("click", () => file.click());
    file.addEventListener("change", () => {
      const f0 = file.files?.[0];
      if (!f0) return;
      status.textContent = `uploading ${f0.name}…`;
      uploadImage(f0).then(
        (img) => {
          images = [...(images ?? []), img];
          set(img.id);
        },
        (err: unknown) => {
          status.textContent = `upload failed: ${errorMessage(err)}`;
        },
      );
    });
    const current = (images ?? []).find((i) => i.id === value);
    const thumb = current ? h("img", { src: current.url, alt: current.name, class: "img-thumb" }) : null;
    if (images === null) {
      images = [];
      listImages().then(
        (list) => {
          images = list;
          render();
        },
        (err: unknown) => {
          imagesError = `images unavailable: ${errorMessage(err)}`;
          render();
        },
      );
    }
    return h("div", null, h("div", { class: "field-control inline" }, sel, up, file), thumb, status);
  }

  function render(): void {
    queries.update(queryProps());
    rebuild(el, () => {
      const w = props.widget;
      const k = props.kind;
      const errs = serverErrors();
      const title = h("input", { type: "text", id: "w.title", "data-key": "w.title", placeholder: k.label, maxlength: 200 });
      title.value = w.title;
      const titleErr = h("div", { class: "field-error", role: "alert" }, local.get("title") ?? errs.get("title") ?? "");
      title.addEventListener("input", () => {
        const e = checkTitle(title.value);
        if (e) {
          local.set("title", e);
          titleErr.textContent = e;
          return;
        }
        local.delete("title");
        titleErr.textContent = "";
        change({ ...props.widget, title: title.value }, "Change title");
      });
      const thField = k.fields.find((f) => f.type === "thresholds");
      const plain = k.fields.filter((f) => f.type !== "thresholds" && !(thField && f.name === "direction"));
      // Errors the form has no place for (an unknown config key, the kind, the id) show at the top.
      const placed = new Set<string>(["title", "queries", "config.thresholds", "config.direction", ...plain.map((f) => `config.${f.name}`)]);
      const loose: FieldError[] = [];
      for (const e of props.errors) {
        const top = e.field.startsWith("config.") ? `config.${fieldKey(e.field.slice(7))}` : fieldKey(e.field);
        if (!placed.has(top)) loose.push(e);
      }
      const steps = thField ? parseSteps(fieldValue(thField, w.config)) : [];
      const dirField = k.fields.find((f) => f.name === "direction");
      const direction = String(dirField ? fieldValue(dirField, w.config) : "higher_is_worse");
      return [
        h("header", { class: "panel-head" },
          h("h2", null, w.title || k.label),
          h("div", { class: "muted small" }, `${k.label} · id `, h("code", null, w.id))),
        k.description ? h("p", { class: "muted small kind-desc" }, k.description) : null,
        ...loose.map((e) => h("div", { class: "field-error banner", role: "alert" }, e.field ? `${e.field}: ${e.message}` : e.message)),
        h("section", { class: "panel-section" },
          h("div", { class: "field" + (titleErr.textContent ? " invalid" : "") },
            h("label", { class: "field-label", for: "w.title" }, "Title"),
            h("div", { class: "field-control" }, title),
            titleErr)),
        k.maxQueries > 0 ? queries.build() : null,
        thField
          ? renderThresholds({
              steps,
              direction,
              theme: themeOf(props),
              errors: errorsUnder(props.errors, "config"),
              probe,
              onChange: (next: Step[], dir: string, label: string) => {
                let cfg = withConfig(props.widget.config, "thresholds", next.map((s) => ({ value: s.value, state: s.state })));
                cfg = withConfig(cfg, "direction", dir);
                change({ ...props.widget, config: cfg }, label);
              },
            })
          : null,
        plain.length ? h("section", { class: "panel-section" }, h("h3", null, "Settings"), ...plain.map(control)) : null,
      ];
    });
  }

  render();
  return {
    update(next: unknown) {
      const p = next as WidgetPanelProps;
      // Another widget selected: local problems were about the old one.
      if (p.widget.id !== props.widget.id) local.clear();
      props = p;
      render();
    },
    destroy() {
      queries.destroy();
      while (el.firstChild) el.removeChild(el.firstChild);
      el.classList.remove("panel", "widget-panel");
    },
  };
}
