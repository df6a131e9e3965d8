// The widget's data binding: its queries (up to the kind's max_queries), each
// with the fields that apply to the kind (docs/queries.md), autocomplete of
// metric names, label names and label values, and a live preview of what the
// query returns now (POST /api/v1/query, debounced), or the server's error.

import { h, svg } from "../../dom.ts";
import { errorMessage, ApiError } from "../../lib/errors.ts";
import type { KindInfo, Theme } from "../../lib/render.ts";
import type { MatcherDef, QueryDef, WidgetDef } from "../contract.ts";
import { attachAutocomplete, lastWord } from "./autocomplete.ts";
import type { DataSource } from "./data.ts";
import { errorsUnder, withDefaults } from "./fields.ts";
import {
  AGGS,
  applicableFields,
  checkQuery,
  cleanQuery,
  FNS,
  isTransactions,
  MATCH_OPS,
  MAX_MATCHERS,
  previewQuery,
  REDUCERS,
  summarizeResult,
  type PreviewSummary,
  type Suggestion,
} from "./querymodel.ts";

/** The preview waits this long after the last change before asking the server. */
export const PREVIEW_DEBOUNCE_MS = 400;
/** Rows the preview lists. */
const PREVIEW_ROWS = 8;
/** The preview refreshes this often while shown, so it stays live. */
const PREVIEW_REFRESH_MS = 5000;

/** Props of the query editor. */
export interface QueriesProps {
  kind: KindInfo;
  widget: WidgetDef;
  /** The widget's errors (paths relative to the widget: "queries[0].metric"). */
  errors: { field: string; message: string }[];
  data: DataSource;
  theme: Theme | null;
  onChange: (queries: QueryDef[], label: string) => void;
  /** Called with the latest value of the first query's first row (for the thresholds bar), null when none. */
  onProbe: (v: number | null) => void;
  /** Rebuilds the owner's panel (to show a local problem without changing the widget). */
  rerender: () => void;
}

const DURATIONS: Suggestion[] = ["30s", "1m", "5m", "15m", "30m", "1h", "6h", "24h", "1d", "7d"].map((value) => ({ value }));

/** One query's live preview: a persistent element that survives the form's rebuilds. */
class Preview {
  readonly el = h("div", { class: "q-preview", "aria-live": "polite" });
  private timer: ReturnType<typeof setTimeout> | null = null;
  private refresher: ReturnType<typeof setInterval> | null = null;
  private ctrl: AbortController | null = null;
  private sent = "";
  private query: QueryDef | null = null;

  constructor(
    private readonly data: DataSource,
    private theme: Theme | null,
    private readonly onLatest: (v: number | null) => void,
  ) {
    this.el.appendChild(h("div", { class: "muted small" }, "Preview: waiting for a query"));
  }

  /** Shows what q returns, PREVIEW_DEBOUNCE_MS after the last call with a new q; problems are shown instead of sending. */
  set(q: QueryDef, problems: Map<string, string>, theme: Theme | null): void {
    this.theme = theme;
    const key = JSON.stringify(q);
    if (problems.size > 0) {
      this.query = null;
      this.sent = "";
      this.ctrl?.abort();
      const [field, msg] = problems.entries().next().value as [string, string];
      this.show(h("div", { class: "q-preview-msg" }, `Preview waits for a valid query: ${field} ${msg}`));
      this.onLatest(null);
      return;
    }
    if (key === this.sent) return;
    this.sent = key;
    this.query = q;
    if (this.timer) clearTimeout(this.timer);
    this.el.classList.add("loading");
    this.timer = setTimeout(() => void this.run(), PREVIEW_DEBOUNCE_MS);
    if (!this.refresher) this.refresher = setInterval(() => void this.run(), PREVIEW_REFRESH_MS);
  }

  private async run(): Promise<void> {
    this.timer = null;
    const q = this.query;
    if (!q || !this.el.isConnected) return;
    this.ctrl?.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    try {
      const body = await this.data.query(q, ctrl.signal);
      if (ctrl.signal.aborted) return;
      const sum = summarizeResult(body, PREVIEW_ROWS);
      this.show(this.table(sum));
      this.onLatest(sum.rows[0]?.value ?? null);
    } catch (err) {
      if (ctrl.signal.aborted) return;
      const field = err instanceof ApiError && err.field ? `${err.field}: ` : "";
      this.show(h("div", { class: "q-preview-error", role: "alert" }, `The server refused the query — ${field}${errorMessage(err instanceof ApiError ? new ApiError(err.message, err.status, err.code) : err)}`));
      this.onLatest(null);
    }
  }

  private show(node: Node): void {
    this.el.classList.remove("loading");
    while (this.el.firstChild) this.el.removeChild(this.el.firstChild);
    this.el.appendChild(node);
  }

  private table(sum: PreviewSummary): HTMLElement {
    const colour = this.theme?.series[0] || "#5794f2";
    const rows = sum.rows.map((r) =>
      h("tr", null,
        h("td", { class: "q-name", title: r.name }, r.name),
        h("td", { class: "q-spark" }, r.values ? sparkline(r.values, colour) : null),
        h("td", { class: "q-value" }, r.value === null ? "—" : fmtValue(r.value))),
    );
    return h("div", null,
      h("div", { class: "q-headline" }, `Now: ${sum.headline}`),
      rows.length ? h("table", { class: "q-table" }, h("tbody", null, ...rows)) : null,
      sum.more > 0 ? h("div", { class: "muted small" }, `and ${sum.more.toLocaleString("en-US")} more`) : null);
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.refresher) clearInterval(this.refresher);
    this.ctrl?.abort();
  }
}

function fmtValue(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** A small line of values (nulls are gaps). */
export function sparkline(values: readonly (number | null)[], colour: string): SVGElement {
  const W = 80;
  const H = 18;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (v !== null) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const root = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "spark" });
  if (!Number.isFinite(lo)) return root;
  const span = hi - lo || 1;
  const step = values.length > 1 ? W / (values.length - 1) : 0;
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (H - 1 - ((v - lo) / span) * (H - 2)).toFixed(1);
    // A lone point (a series that just started) is drawn as a dot: a round cap on a zero-length segment.
    const lone = !pen && (i + 1 >= values.length || values[i + 1] === null);
    d += `${pen ? "L" : "M"}${x} ${y}${lone ? "h0.01" : ""}`;
    pen = true;
  });
  root.appendChild(svg("path", { d, fill: "none", stroke: colour, "stroke-width": 2, "stroke-linecap": "round", "stroke-linejoin": "round" }));
  return root;
}

/** The query editor of a widget panel. */
export class QueriesEditor {
  private props: QueriesProps;
  private previews: Preview[] = [];
  private detach: (() => void)[] = [];
  /** Client-side problems of inputs that could not become part of a query yet (keyed "0.topk"). */
  private local = new Map<string, string>();

  constructor(props: QueriesProps) {
    this.props = props;
  }

  update(props: QueriesProps): void {
    this.props = props;
  }

  private queries(): QueryDef[] {
    return this.props.widget.queries ?? [];
  }

  private emit(i: number, q: QueryDef, label: string): void {
    const qs = this.queries().slice();
    qs[i] = q;
    this.props.onChange(qs, label);
  }

  /** Builds the section (the owner rebuilds it on every update; previews persist). */
  build(): HTMLElement {
    for (const d of this.detach) d();
    this.detach = [];
    const { kind } = this.props;
    const qs = this.queries();
    while (this.previews.length > Math.max(qs.length, 0)) this.previews.pop()!.destroy();
    const all = errorsUnder(this.props.errors, "queries");
    const cards = qs.map((q, i) => this.card(q, i));
    const canAdd = qs.length < kind.maxQueries;
    const add = h("button", { type: "button", class: "btn btn-small", disabled: !canAdd }, "+ Query");
    add.addEventListener("click", () => {
      const prev = qs[qs.length - 1];
      const fresh: QueryDef = isTransactions(kind.name) ? {} : prev?.metric ? { metric: prev.metric } : {};
      this.props.onChange([...qs, fresh], "Add query");
    });
    const tx = isTransactions(kind.name);
    return h("section", { class: "panel-section queries" },
      h("h3", null, kind.maxQueries > 1 ? `Data (${qs.length} of ${kind.maxQueries} queries)` : "Data"),
      tx ? h("p", { class: "muted small" }, "This widget shows transactions (response times). Filter them by service or label, or leave it empty for all.") : null,
      all.get("") ? h("div", { class: "field-error", role: "alert" }, all.get("")!) : null,
      ...cards,
      qs.length === 0 && !tx ? h("p", { class: "muted small" }, "No data bound yet: add a query and pick a metric.") : null,
      canAdd ? add : null);
  }

  private card(q: QueryDef, i: number): HTMLElement {
    const { kind } = this.props;
    const errs = errorsUnder(this.props.errors, `queries[${i}]`);
    const local = checkQuery(kind.name, cleanQuery(q));
    const show = applicableFields(kind.name, q);
    const err = (k: string) => errs.get(k) ?? this.local.get(`${i}.${k}`) ?? (k === "metric" && !q.metric ? "" : local.get(k) ?? "");
    const key = (k: string) => `q${i}.${k}`;
    const set = (patch: Partial<QueryDef>, label: string) => {
      const next: QueryDef = { ...q, ...patch };
      for (const k of Object.keys(patch) as (keyof QueryDef)[]) {
        const v = next[k];
        if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) delete next[k];
      }
      this.emit(i, next, label);
    };

    const rows: (HTMLElement | null)[] = [];
    const field = (label: string, k: string, control: HTMLElement, hint = "") =>
      h("div", { class: "field" + (err(k) ? " invalid" : "") },
        h("label", { class: "field-label", for: key(k) }, label),
        h("div", { class: "field-control" }, control),
        hint ? h("div", { class: "field-hint" }, hint) : null,
        err(k) ? h("div", { class: "field-error", role: "alert" }, err(k)) : null);

    const text = (k: keyof QueryDef, placeholder: string, label: string, ac?: () => Promise<Suggestion[]>, list = false) => {
      const input = h("input", { type: "text", id: key(k), "data-key": key(k), placeholder, spellcheck: "false" });
      const v = q[k];
      input.value = Array.isArray(v) ? v.join(", ") : v === undefined ? "" : String(v);
      const commit = () => {
        if (list) set({ group_by: input.value.split(",").map((s) => s.trim()).filter((s) => s !== "") }, label);
        else set({ [k]: input.value.trim() } as Partial<QueryDef>, label);
      };
      input.addEventListener("input", commit);
      if (ac) this.detach.push(attachAutocomplete(input, { load: ac, onPick: commit, ...(list ? lastWord : {}) }));
      return h("div", { class: "ac-host" }, input);
    };
    const select = (k: keyof QueryDef, options: string[], none: string, label: string) => {
      const sel = h("select", { id: key(k), "data-key": key(k) }, h("option", { value: "" }, none), ...options.map((o) => h("option", { value: o }, o)));
      sel.value = String(q[k] ?? "");
      sel.addEventListener("change", () => set({ [k]: sel.value } as Partial<QueryDef>, label));
      return sel;
    };
    const data = this.props.data;
    const labelNames = async (): Promise<Suggestion[]> => {
      if (isTransactions(kind.name, q)) return [{ value: "service", note: "transactions" }];
      const ls = await data.labels(q.metric ?? "");
      return ls.map((l) => ({ value: l.name, note: `${l.distinct} values` }));
    };

    if (show.has("name")) rows.push(field("Name", "name", text("name", "shown in the legend (default: the labels)", "Rename query"), ""));
    if (show.has("metric")) {
      rows.push(field("Metric", "metric", text("metric", "start typing: cpu, http_requests…", "Change metric", () => data.metrics())));
    }
    if (show.has("match")) rows.push(this.matchers(q, i, errs, labelNames));
    if (show.has("fn") || show.has("reduce") || show.has("window")) {
      const line = h("div", { class: "field-row" });
      if (show.has("fn")) line.appendChild(field("Counter", "fn", select("fn", FNS, "as is", "Change function")));
      if (show.has("reduce")) line.appendChild(field("Reduce", "reduce", select("reduce", REDUCERS, "last (default)", "Change reduce")));
      if (show.has("window")) line.appendChild(field("Window", "window", text("window", "1m", "Change window", async () => DURATIONS)));
      rows.push(line);
    }
    if (show.has("agg") || show.has("group_by")) {
      const line = h("div", { class: "field-row" });
      if (show.has("agg")) line.appendChild(field(kind.name === "honeycomb" ? "Combine per object" : "Combine series", "agg", select("agg", AGGS, "no: each series", "Change combine")));
      if (show.has("group_by")) line.appendChild(field("By labels", "group_by", text("group_by", "none: all in one", "Change group by", labelNames, true)));
      rows.push(line);
    }
    if (show.has("topk")) rows.push(this.keep(q, i, err, set));
    if (show.has("range") || show.has("step") || show.has("offset")) {
      const line = h("div", { class: "field-row" });
      if (show.has("range")) {
        const cfg = withDefaults(kind.fields, this.props.widget.config);
        const cfgRange = typeof cfg["range"] === "string" ? (cfg["range"] as string) : "";
        line.appendChild(field("Range", "range", text("range", cfgRange ? `${cfgRange} (widget's)` : "none: one value", "Change range", async () => DURATIONS)));
      }
      if (show.has("step")) line.appendChild(field("Step", "step", text("step", "auto", "Change step", async () => DURATIONS)));
      if (show.has("offset")) line.appendChild(field("Offset", "offset", text("offset", "none", "Change offset", async () => DURATIONS)));
      rows.push(line);
    }
    if (show.has("object")) {
      const cfg = withDefaults(kind.fields, this.props.widget.config);
      const cfgObj = typeof cfg["object_label"] === "string" ? (cfg["object_label"] as string) : "";
      rows.push(field("Object label", "object", text("object", cfgObj ? `${cfgObj} (widget's)` : "host", "Change object label", labelNames)));
    }

    const del = h("button", { type: "button", class: "icon-btn", title: "Remove this query", "aria-label": `Remove query ${i + 1}` }, "×");
    del.addEventListener("click", () => this.props.onChange(this.queries().filter((_, j) => j !== i), "Remove query"));

    let preview = this.previews[i];
    if (!preview) {
      preview = new Preview(this.props.data, this.props.theme, (v) => {
        if (i === 0) this.props.onProbe(v);
      });
      this.previews[i] = preview;
    }
    const pq = previewQuery(kind.name, withDefaults(kind.fields, this.props.widget.config), q);
    const problems = checkQuery(kind.name, pq);
    preview.set(pq, problems, this.props.theme);

    const title = this.queries().length > 1 || kind.maxQueries > 1 ? `Query ${String.fromCharCode(65 + i)}` : "Query";
    return h("div", { class: "q-card" },
      h("div", { class: "q-head" }, h("strong", null, title), q.name ? h("span", { class: "muted" }, ` ${q.name}`) : null, del),
      errs.get("") ? h("div", { class: "field-error", role: "alert" }, errs.get("")!) : null,
      ...rows,
      preview.el);
  }

  private matchers(q: QueryDef, i: number, errs: Map<string, string>, labelNames: () => Promise<Suggestion[]>): HTMLElement {
    const ms = q.match ?? [];
    const data = this.props.data;
    const emit = (next: MatcherDef[], label: string) => {
      const nq: QueryDef = { ...q, match: next };
      if (next.length === 0) delete nq.match;
      this.emit(i, nq, label);
    };
    const rows = ms.map((m, j) => {
      const k = `q${i}.match[${j}]`;
      const lab = h("input", { type: "text", "data-key": `${k}.label`, placeholder: "label", "aria-label": `Condition ${j + 1} label`, spellcheck: "false" });
      lab.value = m.label;
      const op = h("select", { "data-key": `${k}.op`, "aria-label": `Condition ${j + 1} operator` }, ...MATCH_OPS.map((o) => h("option", { value: o }, o)));
      op.value = m.op;
      const val = h("input", { type: "text", "data-key": `${k}.value`, placeholder: m.op.includes("~") ? "regex, e.g. 5.." : "value", "aria-label": `Condition ${j + 1} value`, spellcheck: "false" });
      val.value = m.value;
      const change = (label: string) => emit(ms.map((x, n) => (n === j ? { label: lab.value.trim(), op: op.value as MatcherDef["op"], value: val.value } : x)), label);
      lab.addEventListener("input", () => change("Edit label condition"));
      op.addEventListener("change", () => change("Edit label condition"));
      val.addEventListener("input", () => change("Edit label condition"));
      this.detach.push(attachAutocomplete(lab, { load: labelNames, onPick: () => change("Edit label condition") }));
      this.detach.push(
        attachAutocomplete(val, {
          load: async () => {
            if (isTransactions(this.props.kind.name, q)) return [];
            const ls = await data.labels(q.metric ?? "");
            const l = ls.find((x) => x.name === lab.value.trim());
            return l ? l.values : [];
          },
          onPick: () => change("Edit label condition"),
        }),
      );
      const del = h("button", { type: "button", class: "icon-btn", title: "Remove this condition", "aria-label": `Remove condition ${j + 1}` }, "×");
      del.addEventListener("click", () => emit(ms.filter((_, n) => n !== j), "Remove label condition"));
      const e = errs.get(`match[${j}].label`) ?? errs.get(`match[${j}].op`) ?? errs.get(`match[${j}].value`) ?? errs.get(`match[${j}]`) ?? "";
      return h("div", { class: "m-row" + (e ? " invalid" : "") },
        h("div", { class: "ac-host m-label" }, lab), op, h("div", { class: "ac-host m-value" }, val), del,
        e ? h("div", { class: "field-error", role: "alert" }, e) : null);
    });
    const add = h("button", { type: "button", class: "btn btn-small btn-link", disabled: ms.length >= MAX_MATCHERS }, "+ Label condition");
    add.addEventListener("click", () => emit([...ms, { label: isTransactions(this.props.kind.name, q) ? "service" : "", op: "=", value: "" }], "Add label condition"));
    return h("div", { class: "field" + (errs.get("match") ? " invalid" : "") },
      h("span", { class: "field-label" }, "Where"),
      ...rows,
      add,
      errs.get("match") ? h("div", { class: "field-error", role: "alert" }, errs.get("match")!) : null);
  }

  private keep(q: QueryDef, i: number, err: (k: string) => string, set: (p: Partial<QueryDef>, label: string) => void): HTMLElement {
    const mode = q.topk ? "top" : q.bottomk ? "bottom" : "";
    const sel = h("select", { "data-key": `q${i}.keep`, "aria-label": "Keep" },
      h("option", { value: "" }, "all results"), h("option", { value: "top" }, "the highest"), h("option", { value: "bottom" }, "the lowest"));
    sel.value = mode;
    const n = h("input", { type: "number", min: 1, max: 1000, step: 1, "data-key": `q${i}.k`, "aria-label": "How many", class: "narrow", disabled: mode === "" });
    n.value = String(q.topk ?? q.bottomk ?? 10);
    const apply = () => {
      const k = Math.round(Number(n.value));
      if (!Number.isFinite(k) || k < 1 || k > 1000) {
        this.local.set(`${i}.topk`, "must be a whole number from 1 to 1000");
        this.props.rerender();
        return;
      }
      this.local.delete(`${i}.topk`);
      const patch: Partial<QueryDef> = { topk: undefined, bottomk: undefined } as unknown as Partial<QueryDef>;
      if (sel.value === "top") patch.topk = k;
      if (sel.value === "bottom") patch.bottomk = k;
      set(patch, "Change keep");
    };
    sel.addEventListener("change", apply);
    n.addEventListener("input", apply);
    const e = err("topk") || err("bottomk");
    return h("div", { class: "field" + (e ? " invalid" : "") },
      h("span", { class: "field-label" }, "Keep"),
      h("div", { class: "field-control inline" }, sel, n),
      e ? h("div", { class: "field-error", role: "alert" }, e) : null);
  }

  destroy(): void {
    for (const d of this.detach) d();
    this.detach = [];
    for (const p of this.previews) p.destroy();
    this.previews = [];
  }
}
