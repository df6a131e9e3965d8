// Thresholds: the steps that turn a widget's value into a state (widgets/
// state.go), edited as rows of value and state with the direction, and a bar
// previewing which values get which colour of the board's palette.

import { h } from "../../dom.ts";
import type { Theme } from "../../lib/render.ts";

/** How many steps a widget's thresholds may have (widgets.MaxThresholds). */
export const MAX_THRESHOLDS = 10;
/** The states a step may name. */
export const STEP_STATES = ["ok", "warning", "critical"];
export const HIGHER_IS_WORSE = "higher_is_worse";
export const LOWER_IS_WORSE = "lower_is_worse";

/** One step: from value on (in the direction of worse) the state is state. */
export interface Step {
  value: number;
  state: string;
}

/** Reads a config's thresholds value; anything malformed is skipped. */
export function parseSteps(v: unknown): Step[] {
  if (!Array.isArray(v)) return [];
  const out: Step[] = [];
  for (const s of v as unknown[]) {
    if (typeof s !== "object" || s === null) continue;
    const r = s as Record<string, unknown>;
    const value = typeof r["value"] === "number" ? r["value"] : Number(r["value"]);
    if (!Number.isFinite(value)) continue;
    out.push({ value, state: typeof r["state"] === "string" ? r["state"] : "warning" });
  }
  return out;
}

/** The state of v under steps, as Thresholds.StateOf: a value equal to a step's reaches it. */
export function stateOf(steps: readonly Step[], lowerIsWorse: boolean, v: number | null): string {
  if (v === null || Number.isNaN(v)) return "nodata";
  let s = "ok";
  for (const st of steps) if (lowerIsWorse ? v <= st.value : v >= st.value) s = st.state;
  return s;
}

/** Problems of steps keyed as the server names them ("thresholds[1].value"). */
export function checkSteps(steps: readonly Step[], lowerIsWorse: boolean): Map<string, string> {
  const e = new Map<string, string>();
  if (steps.length > MAX_THRESHOLDS) e.set("thresholds", `has ${steps.length} steps; at most ${MAX_THRESHOLDS}`);
  steps.forEach((s, i) => {
    if (!STEP_STATES.includes(s.state)) e.set(`thresholds[${i}].state`, `must be one of: ${STEP_STATES.join(", ")}`);
    if (i === 0) return;
    const a = steps[i - 1]!.value;
    if (!lowerIsWorse && s.value <= a) e.set(`thresholds[${i}].value`, `is ${s.value}, not above the step before (${a}): with "higher is worse" the steps go up`);
    if (lowerIsWorse && s.value >= a) e.set(`thresholds[${i}].value`, `is ${s.value}, not below the step before (${a}): with "lower is worse" the steps go down`);
  });
  return e;
}

/** One band of the preview bar. */
export interface Band {
  state: string;
  /** The band's values in words: "below 80", "80 to 95", "95 and above". */
  text: string;
}

/** The bands of values steps make, from best to worst. */
export function bands(steps: readonly Step[], lowerIsWorse: boolean): Band[] {
  if (steps.length === 0) return [{ state: "ok", text: "every value" }];
  const out: Band[] = [];
  const first = steps[0]!;
  out.push({ state: "ok", text: lowerIsWorse ? `above ${fmt(first.value)}` : `below ${fmt(first.value)}` });
  steps.forEach((s, i) => {
    const next = steps[i + 1];
    const text = next
      ? lowerIsWorse
        ? `${fmt(s.value)} down to above ${fmt(next.value)}`
        : `${fmt(s.value)} to below ${fmt(next.value)}`
      : lowerIsWorse
        ? `${fmt(s.value)} and below`
        : `${fmt(s.value)} and above`;
    out.push({ state: s.state, text });
  });
  return out;
}

/** A value for a new step: past the last one in the direction of worse. */
export function nextStepValue(steps: readonly Step[], lowerIsWorse: boolean): number {
  if (steps.length === 0) return lowerIsWorse ? 20 : 80;
  const last = steps[steps.length - 1]!.value;
  const prev = steps.length > 1 ? steps[steps.length - 2]!.value : null;
  const gap = prev !== null ? Math.abs(last - prev) || 10 : Math.max(1, Math.abs(last) * 0.2);
  return Number((lowerIsWorse ? last - gap : last + gap).toPrecision(6));
}

function fmt(n: number): string {
  return String(Number(n.toPrecision(6)));
}

/** Props of renderThresholds. */
export interface ThresholdsProps {
  steps: Step[];
  direction: string;
  theme: Theme | null;
  /** Errors keyed as the server names them, relative to the config ("thresholds[0].value", "direction"). */
  errors: Map<string, string>;
  /** A value to mark on the bar (the preview's latest), or null. */
  probe: number | null;
  onChange: (steps: Step[], direction: string, label: string) => void;
}

function stateColour(theme: Theme | null, state: string): string {
  return theme?.states[state] || `var(--${state === "critical" ? "critical" : state === "warning" ? "warning" : "ok"})`;
}

/** Builds the thresholds editor (rebuilt by its owner on every update). */
export function renderThresholds(p: ThresholdsProps): HTMLElement {
  const lower = p.direction === LOWER_IS_WORSE;
  const local = checkSteps(p.steps, lower);
  const err = (key: string) => p.errors.get(key) ?? local.get(key) ?? "";
  const emit = (steps: Step[], dir: string, label: string) => p.onChange(steps, dir, label);

  const dirSel = h("select", { "data-key": "cfg.direction", "aria-label": "Worse when" },
    h("option", { value: HIGHER_IS_WORSE }, "higher is worse (CPU, errors)"),
    h("option", { value: LOWER_IS_WORSE }, "lower is worse (free disk, availability)"));
  dirSel.value = lower ? LOWER_IS_WORSE : HIGHER_IS_WORSE;
  dirSel.addEventListener("change", () => {
    // Flipping the direction reverses the steps, so they stay in order.
    emit([...p.steps].reverse(), dirSel.value, "Change threshold direction");
  });

  const rows = p.steps.map((s, i) => {
    const val = h("input", { type: "number", step: "any", "data-key": `cfg.thresholds[${i}].value`, "aria-label": `Step ${i + 1} value`, class: "th-value" });
    val.value = String(s.value);
    const valErr = h("div", { class: "field-error", role: "alert" }, err(`thresholds[${i}].value`) || err(`thresholds[${i}]`));
    val.addEventListener("input", () => {
      const x = Number(val.value);
      if (val.value.trim() === "" || !Number.isFinite(x)) {
        valErr.textContent = "enter a number";
        return;
      }
      const next = p.steps.map((t, j) => (j === i ? { value: x, state: t.state } : t));
      emit(next, p.direction, "Edit threshold");
    });
    const sel = h("select", { "data-key": `cfg.thresholds[${i}].state`, "aria-label": `Step ${i + 1} state`, class: "th-state" },
      ...STEP_STATES.map((st) => h("option", { value: st }, st)));
    sel.value = s.state;
    sel.addEventListener("change", () => emit(p.steps.map((t, j) => (j === i ? { value: t.value, state: sel.value } : t)), p.direction, "Change threshold state"));
    const swatch = h("span", { class: "th-swatch", title: s.state });
    swatch.style.background = stateColour(p.theme, s.state);
    const del = h("button", { type: "button", class: "icon-btn", title: "Remove this step", "aria-label": `Remove step ${i + 1}` }, "×");
    del.addEventListener("click", () => emit(p.steps.filter((_, j) => j !== i), p.direction, "Remove threshold"));
    if (!valErr.textContent) valErr.textContent = err(`thresholds[${i}].state`);
    return h("div", { class: "th-row" + (valErr.textContent ? " invalid" : "") },
      h("span", { class: "th-from" }, lower ? "≤" : "≥"), val, swatch, sel, del, valErr);
  });

  const add = h("button", { type: "button", class: "btn btn-small", disabled: p.steps.length >= MAX_THRESHOLDS }, "+ Step");
  add.addEventListener("click", () => {
    const state = p.steps.length === 0 ? "warning" : "critical";
    emit([...p.steps, { value: nextStepValue(p.steps, lower), state }], p.direction, "Add threshold");
  });

  const bar = h("div", { class: "th-bar", "aria-label": "Colours by value" });
  for (const b of bands(p.steps, lower)) {
    const seg = h("div", { class: "th-band" }, h("span", { class: "th-band-text" }, b.text));
    seg.style.background = stateColour(p.theme, b.state);
    seg.style.color = p.theme?.on_state[b.state] || "#000";
    seg.title = `${b.text}: ${b.state}`;
    bar.appendChild(seg);
  }
  let probe: HTMLElement | null = null;
  if (p.probe !== null) {
    const st = stateOf(p.steps, lower, p.probe);
    const dot = h("span", { class: "th-swatch" });
    dot.style.background = stateColour(p.theme, st);
    probe = h("div", { class: "th-probe muted" }, "Now: ", h("strong", null, fmt(p.probe)), " → ", dot, ` ${st}`);
  }

  return h("section", { class: "panel-section thresholds" },
    h("h3", null, "Thresholds"),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Worse when"), dirSel),
    err("direction") ? h("div", { class: "field-error", role: "alert" }, err("direction")) : null,
    h("div", { class: "th-rows" }, ...rows),
    p.steps.length === 0 ? h("p", { class: "muted small" }, "No steps: the widget stays ok whatever its value. Add a step to turn it warning or critical.") : null,
    err("thresholds") ? h("div", { class: "field-error", role: "alert" }, err("thresholds")) : null,
    add,
    bar,
    probe);
}
