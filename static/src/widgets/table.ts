// table: one row per label group, one column per query, cells coloured by
// state; a click on a header sorts by that column (again: the other way).

import { h, replace } from "../dom.ts";
import { formatValue } from "../lib/units.ts";
import { cfgStr, isRecord, numOrNull, strOf, type WidgetFactory } from "./types.ts";

/** A column of a table's data. */
export interface TableColumn {
  name: string;
  unit: string;
  decimals: number;
}

/** A cell: a value and its state, or null when the group has no such series. */
export interface TableCell {
  value: number | null;
  state: string;
}

/** A row of a table's data. */
export interface TableRow {
  name: string;
  cells: Array<TableCell | null>;
}

/** How a table is sorted: by the row name (-1) or a column index. */
export interface TableSort {
  column: number;
  desc: boolean;
}

/** Parses a table's data from the wire. */
export function parseTable(data: unknown): { columns: TableColumn[]; rows: TableRow[] } {
  const d = isRecord(data) ? data : {};
  const columns: TableColumn[] = (Array.isArray(d["columns"]) ? (d["columns"] as unknown[]) : []).map((c) => {
    const r = isRecord(c) ? c : {};
    return { name: strOf(r["name"]), unit: strOf(r["unit"]), decimals: numOrNull(r["decimals"]) ?? 1 };
  });
  const rows: TableRow[] = (Array.isArray(d["rows"]) ? (d["rows"] as unknown[]) : []).map((row) => {
    const r = isRecord(row) ? row : {};
    const cells = (Array.isArray(r["cells"]) ? (r["cells"] as unknown[]) : []).map((c) =>
      isRecord(c) ? { value: numOrNull(c["value"]), state: strOf(c["state"]) || "ok" } : null,
    );
    return { name: strOf(r["name"]), cells };
  });
  return { columns, rows };
}

function compareNames(a: string, b: string): number {
  // Numeric-aware so host-2 sorts before host-10; no Intl.Collator options needed.
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * Returns the rows sorted (a new array). By name: natural order (host-2
 * before host-10). By a column: numeric; rows without a value in that column
 * go last in both directions; ties keep name order.
 */
export function sortRows(rows: TableRow[], sort: TableSort): TableRow[] {
  const dir = sort.desc ? -1 : 1;
  return rows.slice().sort((a, b) => {
    if (sort.column < 0) return dir * compareNames(a.name, b.name);
    const va = a.cells[sort.column]?.value ?? null;
    const vb = b.cells[sort.column]?.value ?? null;
    if (va === null || vb === null) {
      if (va === vb) return compareNames(a.name, b.name);
      return va === null ? 1 : -1;
    }
    return dir * (va - vb) || compareNames(a.name, b.name);
  });
}

/**
 * Returns the sort a table starts with from its config: sort is "desc",
 * "asc" (by column sort_by, an index) or "name". A column the data does not
 * have sorts by name.
 */
export function defaultSort(columns: number, sortBy: number, sort: string): TableSort {
  if (sort === "name" || !(sortBy >= 0 && sortBy < columns)) return { column: -1, desc: false };
  return { column: Math.floor(sortBy), desc: sort !== "asc" };
}

/** The sort after a click on header column (-1: the name header). */
export function nextSort(cur: TableSort, column: number): TableSort {
  if (cur.column === column) return { column, desc: !cur.desc };
  // Numbers start with the largest first: on a wall the worst is what matters.
  return { column, desc: column >= 0 };
}

/** The smallest font (design px) a table shrinks to before it hides columns: still legible across a room on a 1080p wall. */
export const MIN_TABLE_FONT = 11;

/** The largest font (design px) of a table, however big the widget. */
export const MAX_TABLE_FONT = 28;

/** Below the minimum font, names are cut to this many em (with "…") before a column is hidden. */
export const MIN_NAME_EM = 7;

/** How a table fits its width: the font, how many of its columns (the first ones) are shown, and the widest a name may be (px; 0: whole). */
export interface TableFit {
  font: number;
  shown: number;
  nameMax: number;
}

/**
 * Fits a table in avail px: nameW and colW are the widths of the name column
 * and of each value column measured at font (widths scale with the font,
 * padding being in em). The font shrinks from font to keep every column,
 * down to minFont; there the names are cut down to nameMinEm, and only then
 * are the last columns hidden until the rest fits (the first column of
 * values is kept whatever the width).
 */
export function fitTable(nameW: number, colW: number[], avail: number, font: number, minFont: number, nameMinEm = MIN_NAME_EM): TableFit {
  const total = nameW + colW.reduce((a, b) => a + b, 0);
  if (total <= avail || total <= 0) return { font, shown: colW.length, nameMax: 0 };
  const f = Math.floor((font * avail) / total);
  if (f >= minFont) return { font: f, shown: colW.length, nameMax: 0 };
  const k = minFont / font;
  const cols = colW.map((w) => w * k);
  const sum = cols.reduce((a, b) => a + b, 0);
  const name = nameW * k;
  const nameMin = Math.min(name, nameMinEm * minFont);
  // Every column, with the names cut only as much as needed.
  if (nameMin + sum <= avail) {
    return { font: minFont, shown: colW.length, nameMax: name + sum <= avail ? 0 : Math.floor(avail - sum) };
  }
  let w = nameMin;
  let shown = 0;
  while (shown < cols.length && (shown === 0 || w + cols[shown]! <= avail)) {
    w += cols[shown]!;
    shown++;
  }
  // The names take what the shown columns leave, down to nameMinEm.
  const rest = avail - (w - nameMin);
  return { font: minFont, shown, nameMax: rest >= name ? 0 : Math.floor(Math.max(nameMin, rest)) };
}

/** The note saying which columns a narrow table hides: "+2 columns: error ratio, p95 ms". */
export function hiddenNote(hidden: string[]): string {
  if (hidden.length === 0) return "";
  return `+${hidden.length} column${hidden.length === 1 ? "" : "s"}: ${hidden.join(", ")}`;
}

export const createTable: WidgetFactory = (body, w, size) => {
  // From the height (about nine lines); the width shrinks it in draw.
  const maxFont = Math.max(MIN_TABLE_FONT, Math.round(Math.min(size.h / 9, MAX_TABLE_FONT)));
  const table = h("table", { class: "fb-table" });
  table.style.fontSize = `${maxFont}px`;
  body.appendChild(table);
  body.classList.add("fb-scroll-hidden");
  let sort: TableSort | null = null;
  let last: ReturnType<typeof parseTable> = { columns: [], rows: [] };

  const draw = (): void => {
    const { columns, rows } = last;
    if (sort === null && columns.length > 0) {
      const by = w.config["sort_by"];
      sort = defaultSort(columns.length, typeof by === "number" ? by : 0, cfgStr(w, "sort", "desc"));
    }
    const s = sort ?? { column: -1, desc: false };
    const header = (label: string, col: number): HTMLElement => {
      const th = h("th", { "data-col": col, class: col < 0 ? "name" : "num", "aria-sort": s.column === col ? (s.desc ? "descending" : "ascending") : null }, label);
      if (s.column === col) th.appendChild(h("span", { class: "fb-sort" }, s.desc ? " ▼" : " ▲"));
      th.addEventListener("click", () => {
        sort = nextSort(s, col);
        draw();
      });
      return th;
    };
    const sorted = sortRows(rows, s);
    const render = (shown: number): void => {
      const cols = columns.slice(0, shown);
      const head = h("tr", null, header("", -1), ...cols.map((c, i) => header(c.name, i)));
      const bodyRows = sorted.map((r) =>
        h(
          "tr",
          null,
          // Names may be cut (nameMax): the cell keeps the full one as its title.
          h("td", { class: "name", title: r.name }, h("span", { class: "fb-table-name" }, r.name)),
          ...cols.map((c, i) => {
            const cell = r.cells[i] ?? null;
            return h(
              "td",
              { class: "num", "data-state": cell ? cell.state : "nodata" },
              cell ? formatValue(cell.value, c.unit, c.decimals) : "–",
            );
          }),
        ),
      );
      const hidden = columns.slice(shown).map((c) => c.name);
      // Above the rows: rows past the bottom are cut, the note must not be.
      const note = hidden.length > 0 ? h("caption", { class: "fb-table-hidden", "data-testid": "table-hidden", title: hidden.join(", ") }, hiddenNote(hidden)) : null;
      replace(table, ...(note ? [note] : []), h("thead", null, head), h("tbody", null, ...bodyRows));
    };
    // Measured at the largest font with every column: the widths (nowrap
    // cells) say what font keeps them all, and what to hide below the minimum.
    table.style.fontSize = `${maxFont}px`;
    table.style.removeProperty("--fb-name-max");
    render(columns.length);
    const ths = table.querySelectorAll("thead th");
    if (ths.length === columns.length + 1 && table.offsetWidth > 0) {
      const widths = Array.from(ths, (th) => (th as HTMLElement).offsetWidth);
      const fit = fitTable(widths[0]!, widths.slice(1), size.w, maxFont, MIN_TABLE_FONT);
      if (fit.font !== maxFont) table.style.fontSize = `${fit.font}px`;
      // Less the cell's padding (0.4em a side), which the measure included.
      if (fit.nameMax > 0) table.style.setProperty("--fb-name-max", `${Math.max(0, fit.nameMax - 0.8 * fit.font)}px`);
      if (fit.shown < columns.length) render(fit.shown);
    }
  };

  return {
    update(data) {
      last = parseTable(data);
      draw();
    },
    dispose() {},
  };
};
