// The home page: the list of boards on this server, or how to create the first one.

import { h, replace, svg, copyText } from "./dom.ts";
import { listBoards, serverVersion } from "./lib/api.ts";
import { boardExportURL, boardURL, type BoardSummary, type VariantSummary } from "./lib/boards.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { createBoardCurl, formatVersion, variantLabel } from "./lib/format.ts";
import { formatRelativeTime, formatTimestamp, parseTimestamp } from "./lib/time.ts";

/** Relative times ("3 min ago") are refreshed this often while the page is open. */
const CLOCK_TICK_MS = 30000;

interface TimeCell {
  el: HTMLElement;
  ms: number;
}

/** Renders the home page into root. */
export function renderHome(root: HTMLElement): void {
  const version = h("span", { class: "version", "data-testid": "version", title: "Server version" });
  const content = h("section", { class: "content", id: "content", "aria-live": "polite", "data-state": "loading" });
  const refresh = h("button", { type: "button", class: "btn", "data-testid": "refresh" }, refreshIcon(), "Refresh");
  const count = h("span", { class: "count", "data-testid": "board-count" });

  replace(
    root,
    topbar(version),
    h(
      "main",
      { class: "page" },
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          { class: "page-title" },
          h("h1", null, "Boards", count),
          h("p", { class: "subtitle" }, "Wall-display dashboards stored on this server."),
        ),
        h("div", { class: "page-actions" }, refresh),
      ),
      content,
    ),
  );

  let times: TimeCell[] = [];
  let loading = 0;

  const load = async (): Promise<void> => {
    const seq = ++loading;
    refresh.disabled = true;
    if (content.getAttribute("data-state") !== "list") {
      content.setAttribute("data-state", "loading");
      replace(content, h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Loading boards…"));
    }
    try {
      const boards = await listBoards();
      if (seq !== loading) return;
      times = [];
      count.textContent = boards.length > 0 ? String(boards.length) : "";
      if (boards.length === 0) {
        content.setAttribute("data-state", "empty");
        replace(content, emptyState(load));
      } else {
        content.setAttribute("data-state", "list");
        replace(content, boardTable(boards, times));
      }
    } catch (err) {
      if (seq !== loading) return;
      times = [];
      count.textContent = "";
      content.setAttribute("data-state", "error");
      replace(content, errorState(err, load));
    } finally {
      if (seq === loading) refresh.disabled = false;
    }
  };

  refresh.addEventListener("click", () => void load());
  window.setInterval(() => {
    const now = Date.now();
    for (const t of times) t.el.textContent = formatRelativeTime(t.ms, now);
  }, CLOCK_TICK_MS);

  void load();
  void serverVersion().then(
    (v) => {
      const label = formatVersion(v);
      version.textContent = label;
      version.className = label === "" ? "version hidden" : "version";
    },
    (err: unknown) => {
      version.textContent = "server unreachable";
      version.className = "version version-bad";
      version.title = errorMessage(err);
    },
  );
}

/** The bar at the top of every page: the product mark, the server version, the page links. */
export function topbar(version: HTMLElement): HTMLElement {
  return h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "/" }, logo(), h("span", { class: "brand-name" }, "Flexboard")),
    version,
    h(
      "nav",
      { class: "topnav" },
      h("a", { href: "/", "aria-current": window.location.pathname === "/" ? "page" : null }, "Boards"),
      h("a", { href: "/widgets", "aria-current": window.location.pathname === "/widgets" ? "page" : null }, "Widgets"),
    ),
  );
}

/** The product mark: a wall of four screens, one of them alerting. Kept in sync with favicon.svg. */
function logo(): SVGElement {
  return svg(
    "svg",
    { class: "logo", viewBox: "0 0 32 32", width: 24, height: 24, "aria-hidden": "true" },
    svg("rect", { x: 2, y: 5, width: 13, height: 10, rx: 2, fill: "#3d71d9" }),
    svg("rect", { x: 17, y: 5, width: 13, height: 10, rx: 2, fill: "#73bf69" }),
    svg("rect", { x: 2, y: 17, width: 13, height: 10, rx: 2, fill: "#73bf69" }),
    svg("rect", { x: 17, y: 17, width: 13, height: 10, rx: 2, fill: "#f2495c" }),
  );
}

function refreshIcon(): SVGElement {
  return svg(
    "svg",
    { class: "icon", viewBox: "0 0 16 16", width: 14, height: 14, "aria-hidden": "true" },
    svg("path", {
      d: "M13.5 8a5.5 5.5 0 1 1-1.61-3.89M13.5 2.5v3h-3",
      fill: "none",
      stroke: "currentColor",
      "stroke-width": 1.6,
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
    }),
  );
}

function boardTable(boards: BoardSummary[], times: TimeCell[]): HTMLElement {
  const now = Date.now();
  const offset = -new Date().getTimezoneOffset();
  const rows = boards.map((b) => boardRow(b, now, offset, times));
  return h(
    "div",
    { class: "panel" },
    h(
      "table",
      { class: "boards", "data-testid": "boards" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, "Board"),
          h("th", { scope: "col" }, "Layout variants"),
          h("th", { scope: "col", class: "num" }, "Widgets"),
          h("th", { scope: "col", class: "num" }, "Revision"),
          h("th", { scope: "col" }, "Updated"),
          h("th", { scope: "col", class: "actions" }, h("span", { class: "sr-only" }, "Actions")),
        ),
      ),
      h("tbody", null, ...rows),
    ),
  );
}

function boardRow(b: BoardSummary, now: number, offset: number, times: TimeCell[]): HTMLElement {
  const name =
    b.name.trim() === ""
      ? h("span", { class: "board-name untitled", "data-testid": "board-name" }, "Untitled board")
      : h("span", { class: "board-name", "data-testid": "board-name" }, b.name);

  const ms = parseTimestamp(b.updatedAt);
  let updated: HTMLElement;
  if (ms === null) {
    updated = h("span", { class: "muted" }, "—");
  } else {
    updated = h(
      "time",
      { datetime: b.updatedAt, title: formatTimestamp(ms, offset), "data-testid": "board-updated" },
      formatRelativeTime(ms, now),
    );
    times.push({ el: updated, ms });
  }

  return h(
    "tr",
    { "data-testid": "board-row", "data-board-id": b.id },
    h("td", { class: "name-cell" }, name, h("span", { class: "board-id", title: "Board ID" }, b.id)),
    h("td", null, variantList(b.variants)),
    h("td", { class: "num", "data-testid": "board-widgets" }, String(b.widgetCount)),
    h("td", { class: "num mono", "data-testid": "board-revision" }, String(b.revision)),
    h("td", { class: "updated" }, updated),
    h(
      "td",
      { class: "actions" },
      h(
        "a",
        {
          class: "btn btn-small btn-primary",
          href: `/d/${encodeURIComponent(b.id)}`,
          "data-testid": "link-display",
          title: "Show the board full screen, as a wall shows it",
        },
        "Display",
      ),
      h(
        "a",
        { class: "btn btn-small", href: boardURL(b.id), "data-testid": "link-json", title: "The board as JSON" },
        "JSON",
      ),
      h(
        "a",
        {
          class: "btn btn-small",
          href: boardExportURL(b.id),
          download: true,
          "data-testid": "link-export",
          title: "Download the board for import elsewhere",
        },
        downloadIcon(),
        "Export",
      ),
    ),
  );
}

function variantList(variants: VariantSummary[]): HTMLElement {
  if (variants.length === 0) return h("span", { class: "muted" }, "none");
  return h(
    "ul",
    { class: "variants" },
    ...variants.map((v) => h("li", { class: "chip", "data-testid": "variant" }, ratioIcon(v), variantLabel(v.name, v.canvas))),
  );
}

/** A small box drawn in the variant's aspect ratio, so 32:9 and portrait read at a glance. */
function ratioIcon(v: VariantSummary): HTMLElement {
  const box = h("span", { class: "ratio", "aria-hidden": "true" });
  if (v.canvas) {
    const max = 16;
    const { width, height } = v.canvas;
    const scale = max / Math.max(width, height);
    box.style.width = `${Math.max(3, Math.round(width * scale))}px`;
    box.style.height = `${Math.max(3, Math.round(height * scale))}px`;
  }
  return h("span", { class: "ratio-frame", "aria-hidden": "true" }, box);
}

function downloadIcon(): SVGElement {
  return svg(
    "svg",
    { class: "icon", viewBox: "0 0 16 16", width: 12, height: 12, "aria-hidden": "true" },
    svg("path", {
      d: "M8 2v8M4.5 6.5 8 10l3.5-3.5M3 13.5h10",
      fill: "none",
      stroke: "currentColor",
      "stroke-width": 1.6,
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
    }),
  );
}

function emptyState(reload: () => Promise<void>): HTMLElement {
  const cmd = createBoardCurl(window.location.origin);
  const copy = h("button", { type: "button", class: "btn btn-small copy", "data-testid": "copy-curl" }, "Copy");
  copy.addEventListener("click", () => {
    void copyText(cmd).then((ok) => {
      copy.textContent = ok ? "Copied" : "Select and copy";
      window.setTimeout(() => (copy.textContent = "Copy"), 2000);
    });
  });
  const again = h("button", { type: "button", class: "btn btn-primary" }, "I created one — refresh");
  again.addEventListener("click", () => void reload());

  return h(
    "div",
    { class: "panel empty", "data-testid": "empty" },
    emptyArt(),
    h("h2", null, "No boards yet"),
    h(
      "p",
      { class: "lead" },
      "A board is a canvas of live widgets designed for a wall: a TV, a projector or a video wall. ",
      "Create your first one through the HTTP API:",
    ),
    h(
      "div",
      { class: "code" },
      h("pre", null, h("code", { "data-testid": "curl" }, cmd)),
      copy,
    ),
    h("p", { class: "hint" }, "The server answers 201 with the new board; it then appears in this list."),
    again,
  );
}

function emptyArt(): SVGElement {
  return svg(
    "svg",
    { class: "empty-art", viewBox: "0 0 120 72", width: 120, height: 72, "aria-hidden": "true" },
    svg("rect", { x: 1, y: 1, width: 118, height: 62, rx: 5, fill: "none", stroke: "#3b4150", "stroke-width": 2 }),
    svg("rect", { x: 9, y: 9, width: 48, height: 22, rx: 3, fill: "#22252b", stroke: "#3b4150", "stroke-dasharray": "3 3" }),
    svg("rect", { x: 63, y: 9, width: 48, height: 22, rx: 3, fill: "#22252b", stroke: "#3b4150", "stroke-dasharray": "3 3" }),
    svg("rect", { x: 9, y: 35, width: 102, height: 20, rx: 3, fill: "#22252b", stroke: "#3b4150", "stroke-dasharray": "3 3" }),
    svg("rect", { x: 50, y: 64, width: 20, height: 6, rx: 1, fill: "#3b4150" }),
  );
}

function errorState(err: unknown, retry: () => Promise<void>): HTMLElement {
  const button = h("button", { type: "button", class: "btn btn-primary", "data-testid": "retry" }, "Retry");
  button.addEventListener("click", () => {
    button.disabled = true;
    button.textContent = "Retrying…";
    void retry();
  });
  const details: string[] = [];
  if (err instanceof ApiError) {
    if (err.code !== "") details.push(`code: ${err.code}`);
    if (err.status > 0) details.push(`HTTP ${err.status}`);
  }
  return h(
    "div",
    { class: "panel error", role: "alert", "data-testid": "error" },
    h("h2", null, "Could not load boards"),
    h("p", { class: "error-message", "data-testid": "error-message" }, errorMessage(err)),
    details.length > 0 ? h("p", { class: "error-meta mono" }, details.join(" · ")) : null,
    button,
  );
}
