// /widgets: every widget kind with live data from the demo source, at several
// sizes, in the dark and the light theme, with each kind's label and
// description: the page a user opens to choose a widget. It draws the
// server's built-in catalogue board (reserved id "catalogue") on two stages.

import { h, replace } from "./dom.ts";
import { topbar } from "./home.ts";
import { serverVersion } from "./lib/api.ts";
import { errorMessage } from "./lib/errors.ts";
import { formatVersion } from "./lib/format.ts";
import { fetchKinds, type KindInfo } from "./lib/render.ts";
import type { StreamStatus } from "./lib/stream.ts";
import { Stage } from "./stage.ts";

/** The reserved id of the built-in board holding every kind. */
export const CATALOGUE_BOARD = "catalogue";

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: "connecting…",
  live: "live",
  down: "reconnecting… (data is stale)",
  deleted: "board not found",
  revoked: "access revoked",
};

function kindCard(k: KindInfo, onHover: (kind: string) => void): HTMLElement {
  const card = h(
    "li",
    { class: "kind-card panel", "data-testid": "kind", "data-kind": k.name },
    h("div", { class: "kind-head" }, h("span", { class: "kind-label" }, k.label), h("code", { class: "kind-name" }, k.name)),
    h("p", { class: "kind-desc" }, k.description),
    h(
      "div",
      { class: "kind-meta" },
      h("span", null, k.chart ? "ECharts" : "component"),
      h("span", null, `${k.defaultSize.w}×${k.defaultSize.h} cells`),
      h("span", null, k.maxQueries === 0 ? "no query" : k.maxQueries === 1 ? "1 query" : `up to ${k.maxQueries} queries`),
    ),
  );
  card.addEventListener("mouseenter", () => onHover(k.name));
  card.addEventListener("mouseleave", () => onHover(""));
  return card;
}

/**
 * Renders the catalogue page into root. ?board=ID previews another board on
 * the two stages instead of the catalogue (how a new widget looks in both
 * themes, before a display page shows it); ?theme=dark|light shows one.
 */
export function renderCatalogue(root: HTMLElement): void {
  document.title = "Widgets · Flexboard";
  const params = new URLSearchParams(window.location.search);
  const board = params.get("board") || CATALOGUE_BOARD;
  // ?theme=dark or light: one stage only (measuring one board's cost).
  const only = params.get("theme") || "";
  const version = h("span", { class: "version", "data-testid": "version", title: "Server version" });
  const kinds = h("ul", { class: "kinds", "data-testid": "kinds" });
  const kindsState = h("p", { class: "muted" }, "Loading widget kinds…");
  const stages: Stage[] = [];

  const highlight = (kind: string): void => {
    for (const s of stages) {
      const els = s.stage.querySelectorAll<HTMLElement>(".fb-widget");
      for (let i = 0; i < els.length; i++) {
        const el = els[i]!;
        el.classList.toggle("fb-dim", kind !== "" && el.getAttribute("data-kind") !== kind);
      }
    }
  };

  const themeSection = (theme: "dark" | "light", title: string): HTMLElement => {
    const status = h("span", { class: "chip stream-status", "data-testid": "stream-status" }, "connecting…");
    const box = h("div", { class: "catalogue-stage", "data-theme": theme, "data-testid": `stage-${theme}` });
    const wrap = h("div", { class: "stage-wrap" }, box);
    const stage = new Stage(box, {
      board,
      theme,
      onStatus: (s) => {
        status.textContent = STATUS_TEXT[s];
        status.setAttribute("data-stream", s);
      },
      onError: (err) => {
        replace(box, h("div", { class: "panel empty", "data-testid": "stage-error" }, h("h2", null, "The catalogue board could not be loaded"), h("p", { class: "lead" }, errorMessage(err))));
      },
    });
    stages.push(stage);
    void stage.start().then(() => {
      const r = stage.answer;
      if (r) wrap.style.paddingTop = `${((r.canvas.height / r.canvas.width) * 100).toFixed(4)}%`;
    });
    return h("section", { class: "catalogue-section" }, h("div", { class: "section-head" }, h("h2", null, title), status), wrap);
  };

  replace(
    root,
    topbar(version),
    h(
      "main",
      { class: "page page-wide" },
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          { class: "page-title" },
          h("h1", null, "Widgets"),
          h(
            "p",
            { class: "subtitle" },
            board === CATALOGUE_BOARD
              ? "Every kind of widget a board can hold, live on the demo data, at several sizes and in both themes."
              : `Board ${board} in both themes, below the kinds of widget it can hold.`,
          ),
        ),
      ),
      kindsState,
      kinds,
      only !== "light" ? themeSection("dark", "Dark theme") : null,
      only !== "dark" ? themeSection("light", "Light theme") : null,
    ),
  );

  void fetchKinds()
    .then((answer) => {
      kindsState.remove();
      replace(kinds, ...answer.kinds.map((k) => kindCard(k, highlight)));
    })
    .catch((err: unknown) => {
      kindsState.textContent = `The widget kinds could not be loaded: ${errorMessage(err)}`;
    });
  void serverVersion()
    .then((v) => {
      version.textContent = formatVersion(v);
    })
    .catch(() => undefined);
}
