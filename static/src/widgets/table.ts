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

export const createTable: WidgetFactory = (body, w, size) => {
  const font = Math.max(10, Math.round(Math.min(size.h / 9, size.w / 28, 28)));
  const table = h("table", { class: "fb-table" });
  table.style.fontSize = `${font}px`;
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
    const head = h("tr", null, header("", -1), ...columns.map((c, i) => header(c.name, i)));
    const bodyRows = sortRows(rows, s).map((r) =>
      h(
        "tr",
        null,
        h("td", { class: "name" }, r.name),
        ...columns.map((c, i) => {
          const cell = r.cells[i] ?? null;
          return h(
            "td",
            { class: "num", "data-state": cell ? cell.state : "nodata" },
            cell ? formatValue(cell.value, c.unit, c.decimals) : "–",
          );
        }),
      ),
    );
    replace(table, h("thead", null, head), h("tbody", null, ...bodyRows));
  };

  return {
    update(data) {
      last = parseTable(data);
      draw();
    },
    dispose() {},
  };
};
