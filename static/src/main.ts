// Entry point: picks the page for the current path. The Go server answers every
// page route with the same index.html, so routing happens here.

import { h, replace } from "./dom.ts";
import { renderHome } from "./home.ts";
import { sendPageToken } from "./lib/pagetoken.ts";

function renderNotFound(root: HTMLElement): void {
  document.title = "Not found · Flexboard";
  replace(
    root,
    h(
      "main",
      { class: "page" },
      h(
        "div",
        { class: "panel empty", "data-testid": "not-found" },
        h("h2", null, "Page not found"),
        h("p", { class: "lead" }, "There is nothing at ", h("code", null, window.location.pathname), "."),
        h("a", { class: "btn btn-primary", href: "/" }, "Go to the board list"),
      ),
    ),
  );
}

/** A paired screen showing a board or playlist keeps its control channel open (lib/screen.ts). */
function startScreenAgent(): void {
  void import("./lib/screen.ts").then((m) => m.startAgent());
}

function start(): void {
  const root = document.getElementById("app");
  if (!root) return;
  const path = window.location.pathname;
  // A player given ?token= sends it with every request, cookie or not.
  if (/^\/(d|p)\//.test(path)) sendPageToken();
  if (path === "/" || path === "/index.html") renderHome(root);
  // The catalogue draws charts: ECharts loads with its chunk, never on the home page.
  else if (path === "/widgets" || path === "/widgets/") void import("./catalogue.ts").then((m) => m.renderCatalogue(root));
  // A wall display: kiosk, nothing but the board (the display chunk brings the stage and ECharts).
  else if (/^\/d\/[^/]+\/?$/.test(path)) {
    const id = decodeURIComponent(path.split("/")[2] || "");
    void import("./display.ts").then((m) => m.renderDisplay(root, id));
    startScreenAgent();
  }
  // A playlist: boards rotated in kiosk mode (its chunk shares the display's).
  else if (/^\/p\/[^/]+\/?$/.test(path)) {
    const id = decodeURIComponent(path.split("/")[2] || "");
    void import("./playlist.ts").then((m) => m.renderPlaylist(root, id));
    startScreenAgent();
  }
  // A new screen pairs here (tiny: no ECharts); the screens console.
  else if (path === "/pair" || path === "/pair/") void import("./pair.ts").then((m) => m.renderPair(root));
  else if (path === "/screens" || path === "/screens/") void import("./screens.ts").then((m) => m.renderScreens(root));
  // Sign in (tiny: loaded with its chunk so a display never carries it).
  else if (path === "/login" || path === "/login/") void import("./login.ts").then((m) => m.renderLogin(root));
  // Users and API tokens (admins; its chunk is tiny).
  else if (path === "/admin" || path === "/admin/") void import("./admin.ts").then((m) => m.renderAdmin(root));
  // The board editor (its chunk brings gridstack, the stage's widgets and ECharts).
  else if (/^\/edit\/[^/]+\/?$/.test(path)) {
    const id = decodeURIComponent(path.split("/")[2] || "");
    void import("./editor/editor.ts").then((m) => m.renderEditor(root, id));
  }
  // The audit log (admins).
  else if (path === "/audit" || path === "/audit/") void import("./audit.ts").then((m) => m.renderAudit(root));
  else renderNotFound(root);
}

start();
