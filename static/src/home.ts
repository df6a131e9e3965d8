// The board list (/): every board as a card with a thumbnail of its first
// variant, its variants and last change; create (blank or from a template),
// duplicate, delete to the trash with Undo, import, export, open the display
// or the editor. /#trash lists deleted boards with restore and delete forever.

import { h, replace, svg, copyText } from "./dom.ts";
import {
  createBlankBoard,
  createFromTemplate,
  duplicateBoard,
  importBoard,
  listBoards,
  listTemplates,
  listTrash,
  purgeBoard,
  restoreBoard,
  sendToLoginWhenSignedOut,
  serverVersion,
  signOut,
  trashBoard,
  whoAmI,
} from "./lib/api.ts";
import { loginURL } from "./lib/session.ts";
import {
  boardExportURL,
  displayURL,
  editorURL,
  MAX_IMPORT_BYTES,
  MAX_NAME_LENGTH,
  nameProblem,
  parseImportText,
  uniqueName,
  type BoardSummary,
  type TemplateSummary,
  type VariantSummary,
} from "./lib/boards.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { createBoardCurl, formatVersion, variantLabel } from "./lib/format.ts";
import { formatRelativeTime, formatTimestamp, parseTimestamp } from "./lib/time.ts";
import { drawThumb } from "./thumbnail.ts";

/** Relative times ("3 min ago") are refreshed this often while the page is open. */
const CLOCK_TICK_MS = 30000;
/** A toast (with its Undo) stays this long unless closed. */
const TOAST_MS = 12000;

interface TimeCell {
  el: HTMLElement;
  ms: number;
}

type View = "boards" | "trash";

function viewOfHash(): View {
  return window.location.hash === "#trash" ? "trash" : "boards";
}

/** Renders the home page into root. */
export function renderHome(root: HTMLElement): void {
  sendToLoginWhenSignedOut();
  const version = h("span", { class: "version", "data-testid": "version", title: "Server version" });
  const content = h("section", { class: "content", id: "content", "aria-live": "polite", "data-state": "loading" });
  const count = h("span", { class: "count", "data-testid": "board-count" });
  const heading = h("h1", null, "Boards", count);
  const subtitle = h("p", { class: "subtitle" }, "Wall-display dashboards stored on this server.");
  const actions = h("div", { class: "page-actions" });
  const notice = h("div", { class: "notices" });
  const toasts = h("div", { class: "toasts", "aria-live": "polite", "data-testid": "toasts" });
  const fileInput = h("input", {
    type: "file",
    accept: ".json,application/json",
    class: "offscreen",
    tabindex: "-1",
    "aria-hidden": "true",
    "data-testid": "import-file",
  });

  replace(
    root,
    topbar(version),
    h(
      "main",
      { class: "page" },
      h("div", { class: "page-head" }, h("div", { class: "page-title" }, heading, subtitle), actions),
      notice,
      content,
    ),
    toasts,
    fileInput,
  );

  let times: TimeCell[] = [];
  let loading = 0;
  let boards: BoardSummary[] = [];
  let filter = "";
  /** Set after an action, so the next list draws that board's card highlighted and focused. */
  let highlight = "";

  // --- header buttons -----------------------------------------------------
  const newButton = h("button", { type: "button", class: "btn btn-primary", "data-testid": "new-board" }, plusIcon(), "New board");
  const importButton = h("button", { type: "button", class: "btn", "data-testid": "import" }, uploadIcon(), "Import");
  const refresh = h("button", { type: "button", class: "btn", "data-testid": "refresh", title: "Reload the list" }, refreshIcon(), "Refresh");
  const trashCount = h("span", { class: "count count-inline", "data-testid": "trash-count" });
  const trashLink = h("a", { class: "btn", href: "#trash", "data-testid": "open-trash" }, trashIcon(), "Trash", trashCount);
  const backLink = h("a", { class: "btn", href: "#", "data-testid": "back-to-boards" }, "← All boards");
  const emptyTrash = h("button", { type: "button", class: "btn btn-danger", "data-testid": "empty-trash" }, "Empty trash");
  const search = h("input", {
    type: "search",
    class: "search",
    placeholder: "Filter boards",
    "aria-label": "Filter boards by name or id",
    "data-testid": "filter",
  });

  // --- feedback -------------------------------------------------------------
  const clearNotice = (): void => replace(notice);
  const showError = (title: string, err: unknown): void => {
    const close = h("button", { type: "button", class: "btn btn-small", "aria-label": "Dismiss" }, "Dismiss");
    const details: string[] = [];
    if (err instanceof ApiError) {
      if (err.code !== "" && err.code !== "http") details.push(`code: ${err.code}`);
      if (err.status > 0) details.push(`HTTP ${err.status}`);
    }
    const box = h(
      "div",
      { class: "notice notice-error", role: "alert", "data-testid": "action-error" },
      h(
        "div",
        { class: "notice-text" },
        h("strong", null, title),
        h("span", { class: "notice-message", "data-testid": "action-error-message" }, errorMessage(err)),
        details.length > 0 ? h("span", { class: "error-meta mono" }, details.join(" · ")) : null,
      ),
      close,
    );
    close.addEventListener("click", () => {
      clearNotice();
      newButton.focus();
    });
    replace(notice, box);
  };
  /** Shows a message bottom left; key (a board id) replaces an older toast about the same board, so no stale Undo stays. */
  const toast = (message: string, action?: { label: string; testid: string; run: () => Promise<void> }, key = ""): void => {
    const close = h("button", { type: "button", class: "toast-close", "aria-label": "Close" }, "×");
    const el = h("div", { class: "toast", role: "status", "data-testid": "toast", "data-key": key || null }, h("span", { class: "toast-text" }, message));
    if (key !== "") {
      const old = toasts.querySelectorAll(`[data-key="${cssEscape(key)}"]`);
      for (let i = 0; i < old.length; i++) toasts.removeChild(old[i]!);
    }
    let timer = 0;
    const remove = (): void => {
      window.clearTimeout(timer);
      if (el.parentNode) el.parentNode.removeChild(el);
    };
    if (action) {
      const b = h("button", { type: "button", class: "btn btn-small toast-action", "data-testid": action.testid }, action.label);
      b.addEventListener("click", () => {
        b.disabled = true;
        void action.run().then(remove, (err: unknown) => {
          remove();
          showError(`${action.label} failed`, err);
        });
      });
      el.appendChild(b);
    }
    el.appendChild(close);
    close.addEventListener("click", remove);
    // Keep it while the pointer or focus is on it: someone is about to press Undo.
    const arm = (): void => {
      window.clearTimeout(timer);
      timer = window.setTimeout(remove, TOAST_MS);
    };
    el.addEventListener("mouseenter", () => window.clearTimeout(timer));
    el.addEventListener("mouseleave", arm);
    el.addEventListener("focusin", () => window.clearTimeout(timer));
    el.addEventListener("focusout", arm);
    while (toasts.childNodes.length >= 3 && toasts.firstChild) toasts.removeChild(toasts.firstChild);
    toasts.appendChild(el);
    arm();
  };

  // --- loading ------------------------------------------------------------
  const load = async (): Promise<void> => {
    const seq = ++loading;
    const view = viewOfHash();
    refresh.disabled = true;
    if (content.getAttribute("data-view") !== view) {
      content.setAttribute("data-view", view);
      content.setAttribute("data-state", "loading");
      replace(content, h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), view === "trash" ? "Loading the trash…" : "Loading boards…"));
    }
    drawHead(view);
    try {
      const [list, trash] = await Promise.all([view === "boards" ? listBoards() : Promise.resolve(null), listTrash()]);
      if (seq !== loading) return;
      times = [];
      trashCount.textContent = trash.length > 0 ? String(trash.length) : "";
      emptyTrash.disabled = trash.length === 0;
      if (view === "trash") {
        count.textContent = trash.length > 0 ? String(trash.length) : "";
        content.setAttribute("data-state", trash.length === 0 ? "empty" : "list");
        replace(content, trash.length === 0 ? emptyTrashState() : trashTable(trash, times, trashActions));
        return;
      }
      boards = list ?? [];
      count.textContent = boards.length > 0 ? String(boards.length) : "";
      search.style.display = boards.length > 0 ? "" : "none";
      if (boards.length === 0) {
        content.setAttribute("data-state", "empty");
        replace(content, emptyState(load, openCreate, () => fileInput.click()));
      } else {
        content.setAttribute("data-state", "list");
        drawCards();
      }
    } catch (err) {
      if (seq !== loading) return;
      times = [];
      count.textContent = "";
      content.setAttribute("data-state", "error");
      replace(content, errorState(view, err, load));
    } finally {
      if (seq === loading) refresh.disabled = false;
    }
  };

  const drawHead = (view: View): void => {
    if (view === "trash") {
      document.title = "Trash · Flexboard";
      replace(heading, "Trash", count);
      subtitle.textContent = "Deleted boards keep their history here until you delete them for good.";
      replace(actions, backLink, refresh, emptyTrash);
    } else {
      document.title = "Flexboard";
      replace(heading, "Boards", count);
      subtitle.textContent = "Wall-display dashboards stored on this server.";
      replace(actions, search, trashLink, importButton, refresh, newButton);
    }
  };

  const drawCards = (): void => {
    const now = Date.now();
    const offset = -new Date().getTimezoneOffset();
    const q = filter.trim().toLowerCase();
    const shown = q === "" ? boards : boards.filter((b) => b.name.toLowerCase().indexOf(q) >= 0 || b.id.toLowerCase().indexOf(q) >= 0);
    times = [];
    if (shown.length === 0) {
      replace(content, h("div", { class: "panel empty empty-small", "data-testid": "no-match" }, h("p", { class: "lead" }, `No board matches “${filter.trim()}”.`)));
      return;
    }
    const cards = shown.map((b) => boardCard(b, now, offset, times, cardActions));
    replace(content, h("ul", { class: "board-grid", "data-testid": "boards" }, ...cards));
    if (highlight !== "") {
      const card = content.querySelector<HTMLElement>(`[data-board-id="${cssEscape(highlight)}"]`);
      highlight = "";
      if (card) {
        card.classList.add("card-new");
        card.scrollIntoView({ block: "nearest" });
        card.querySelector<HTMLElement>('[data-testid="link-edit"]')?.focus();
      }
    }
  };

  // --- actions --------------------------------------------------------------
  const run = async (title: string, button: HTMLButtonElement | null, fn: () => Promise<void>): Promise<void> => {
    clearNotice();
    if (button) button.disabled = true;
    try {
      await fn();
    } catch (err) {
      showError(title, err);
    } finally {
      if (button) button.disabled = false;
    }
  };

  const cardActions: CardActions = {
    duplicate: (b, button) =>
      void run(`Could not duplicate “${b.name}”`, button, async () => {
        const copy = await duplicateBoard(b.id);
        highlight = copy.id;
        toast(`Duplicated as “${copy.name}”.`, undefined, copy.id);
        await load();
      }),
    remove: (b, button) =>
      void run(`Could not move “${b.name}” to the trash`, button, async () => {
        // Focus goes to the next card (or the New board button), not to the top of the page.
        const card = button.closest("li");
        const next = (card?.nextElementSibling ?? card?.previousElementSibling) as HTMLElement | null;
        const nextID = next?.getAttribute("data-board-id") ?? "";
        await trashBoard(b.id);
        toast(`Moved “${b.name || "Untitled board"}” to the trash.`, {
          label: "Undo",
          testid: "undo",
          run: async () => {
            await restoreBoard(b.id);
            highlight = b.id;
            toast(`Restored “${b.name}”.`, undefined, b.id);
            await load();
          },
        }, b.id);
        await load();
        const focus = nextID !== "" ? content.querySelector<HTMLElement>(`[data-board-id="${cssEscape(nextID)}"] [data-testid="link-edit"]`) : null;
        (focus ?? newButton).focus();
      }),
  };

  const trashActions: TrashActions = {
    restore: (b, button) =>
      void run(`Could not restore “${b.name}”`, button, async () => {
        await restoreBoard(b.id);
        toast(`Restored “${b.name}”: it is back in the board list.`, undefined, b.id);
        await load();
        (content.querySelector<HTMLElement>('[data-testid="restore"]') ?? backLink).focus();
      }),
    purge: (b, button) =>
      void run(`Could not delete “${b.name}”`, button, async () => {
        const ok = await confirmDialog(
          `Delete “${b.name || "Untitled board"}” forever?`,
          "The board and all its saved versions are removed. This cannot be undone; export it first to keep a copy.",
          "Delete forever",
        );
        if (!ok) return;
        await purgeBoard(b.id);
        toast(`Deleted “${b.name}” for good.`, undefined, b.id);
        await load();
        (content.querySelector<HTMLElement>('[data-testid="purge"]') ?? backLink).focus();
      }),
  };

  emptyTrash.addEventListener("click", () => {
    void run("Could not empty the trash", emptyTrash, async () => {
      const trash = await listTrash();
      if (trash.length === 0) return;
      const ok = await confirmDialog(
        `Delete ${trash.length} board${trash.length === 1 ? "" : "s"} forever?`,
        "Every board in the trash and all their saved versions are removed. This cannot be undone.",
        "Empty trash",
      );
      if (!ok) return;
      let done = 0;
      try {
        for (const b of trash) {
          await purgeBoard(b.id);
          done++;
        }
      } finally {
        await load();
      }
      toast(`Deleted ${done} board${done === 1 ? "" : "s"} for good.`);
    });
  });

  const openCreate = (): void => {
    openCreateDialog(
      boards.map((b) => b.name),
      (created) => {
        // A new board opens in the editor, where it is built.
        window.location.assign(editorURL(created.id));
      },
    ).then(
      () => newButton.isConnected && newButton.focus(),
      () => undefined,
    );
  };
  newButton.addEventListener("click", openCreate);

  importButton.addEventListener("click", () => {
    fileInput.value = "";
    fileInput.click();
  });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    void run(`Could not import ${file.name}`, importButton, async () => {
      if (file.size > MAX_IMPORT_BYTES) {
        throw new ApiError(`${file.name} is ${Math.ceil(file.size / 1024)} KiB; an export can be at most ${MAX_IMPORT_BYTES / 1024} KiB.`, 0, "too_large", "file");
      }
      const doc = parseImportText(await file.text(), file.name);
      const b = await importBoard(doc);
      highlight = b.id;
      toast(`Imported “${b.name}” from ${file.name}.`, undefined, b.id);
      if (viewOfHash() !== "boards") window.location.hash = "";
      await load();
    }).finally(() => {
      fileInput.value = "";
    });
  });

  refresh.addEventListener("click", () => void load());
  search.addEventListener("input", () => {
    filter = search.value;
    if (content.getAttribute("data-state") === "list" && viewOfHash() === "boards") drawCards();
  });
  window.addEventListener("hashchange", () => {
    clearNotice();
    void load().then(() => {
      (viewOfHash() === "trash" ? backLink : trashLink).focus();
    });
  });
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

/** CSS.escape for attribute selectors (ids are URL-safe, but never trust that). */
function cssEscape(s: string): string {
  return typeof CSS !== "undefined" && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&");
}

/** The bar at the top of every page: the product mark, the server version, the page links. */
export function topbar(version: HTMLElement): HTMLElement {
  // Shown to admins (and to everyone with --auth=none) once /auth/me answers.
  const audit = h("a", { href: "/audit", hidden: true, "data-testid": "nav-audit", "aria-current": window.location.pathname === "/audit" ? "page" : null }, "Audit log");
  const nav = h(
    "nav",
    { class: "topnav" },
    h("a", { href: "/", "aria-current": window.location.pathname === "/" ? "page" : null }, "Boards"),
    h("a", { href: "/screens", "aria-current": window.location.pathname === "/screens" ? "page" : null }, "Screens"),
    h("a", { href: "/widgets", "aria-current": window.location.pathname === "/widgets" ? "page" : null }, "Widgets"),
    audit,
  );
  return h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "/" }, logo(), h("span", { class: "brand-name" }, "Flexboard")),
    version,
    nav,
    signedInUser(nav, audit),
  );
}

/**
 * Who is signed in, with a Sign out button, under --auth=password; empty
 * (hidden) with --auth=none or when /auth/me does not answer. An admin also
 * gets the Admin link (users and API tokens) in nav; the audit link is
 * revealed to those who may read the log.
 */
function signedInUser(nav: HTMLElement, audit: HTMLElement): HTMLElement {
  const box = h("div", { class: "topuser", "data-testid": "topuser" });
  whoAmI().then(
    (me) => {
      if (me !== null && (me.auth === "none" || me.user?.role === "admin")) audit.hidden = false;
      if (me === null || me.auth !== "password" || me.user === null) return;
      if (me.user.role === "admin") {
        nav.appendChild(h("a", { href: "/admin", "data-testid": "admin-link", "aria-current": window.location.pathname === "/admin" ? "page" : null }, "Admin"));
      }
      const out = h("button", { type: "button", class: "btn btn-small", "data-testid": "sign-out", title: "End this session" }, "Sign out");
      out.addEventListener("click", () => {
        out.disabled = true;
        const back = () => window.location.assign(loginURL("/"));
        // Signed out already (401) is as good as signed out now.
        signOut().then(back, back);
      });
      replace(box, h("span", { class: "topuser-name", "data-testid": "user-name", title: `Signed in (${me.user.role})` }, me.user.name), out);
    },
    () => undefined,
  );
  return box;
}

// --- thumbnails ---------------------------------------------------------------

/**
 * The thumbnail of b, from the layout its summary carries (the list answer
 * holds every board's, so drawing costs no request); without one, an empty
 * frame at the first variant's proportions.
 */
function thumbBox(b: BoardSummary, cls = "thumb-box", testid = "thumb-box"): HTMLElement {
  const box = h("div", { class: cls, "data-testid": testid, "data-thumb": b.thumb ? "drawn" : "none" });
  const first = b.variants[0];
  if (b.thumb) {
    box.appendChild(drawThumb(b.thumb, undefined, b.id));
    if (b.thumb.items.length === 0) box.appendChild(h("span", { class: "thumb-empty" }, "No widgets yet"));
  } else if (first && first.canvas) {
    box.appendChild(drawThumb({ variant: first.name, canvas: first.canvas, items: [] }));
  }
  return box;
}

// --- board cards ------------------------------------------------------------

interface CardActions {
  duplicate(b: BoardSummary, button: HTMLButtonElement): void;
  remove(b: BoardSummary, button: HTMLButtonElement): void;
}

function boardName(name: string, testid = "board-name"): HTMLElement {
  return name.trim() === ""
    ? h("span", { class: "board-name untitled", "data-testid": testid }, "Untitled board")
    : h("span", { class: "board-name", "data-testid": testid }, name);
}

function timeCell(iso: string, now: number, offset: number, times: TimeCell[], testid: string): HTMLElement {
  const ms = parseTimestamp(iso);
  if (ms === null) return h("span", { class: "muted" }, "—");
  const el = h("time", { datetime: iso, title: formatTimestamp(ms, offset), "data-testid": testid }, formatRelativeTime(ms, now));
  times.push({ el, ms });
  return el;
}

function boardCard(b: BoardSummary, now: number, offset: number, times: TimeCell[], act: CardActions): HTMLElement {
  const label = b.name.trim() === "" ? "Untitled board" : b.name;

  const duplicate = iconButton(copyIcon(), `Duplicate “${label}”`, "duplicate");
  duplicate.addEventListener("click", () => act.duplicate(b, duplicate));
  const remove = iconButton(trashIcon(), `Move “${label}” to the trash`, "delete");
  remove.classList.add("btn-icon-danger");
  remove.addEventListener("click", () => act.remove(b, remove));

  return h(
    "li",
    { class: "board-card panel", "data-testid": "board-card", "data-board-id": b.id },
    h(
      "a",
      { class: "thumb-link", href: displayURL(b.id), tabindex: "-1", "aria-hidden": "true", title: "Show the board full screen" },
      thumbBox(b),
    ),
    h(
      "div",
      { class: "card-body" },
      h(
        "h2",
        { class: "card-title" },
        h("a", { href: editorURL(b.id), class: "card-name-link", "data-testid": "link-edit", title: `Edit “${label}”` }, boardName(b.name)),
      ),
      h(
        "p",
        { class: "card-meta" },
        h("span", { "data-testid": "board-widgets" }, `${b.widgetCount} widget${b.widgetCount === 1 ? "" : "s"}`),
        h("span", { class: "sep", "aria-hidden": "true" }, " · "),
        h("span", null, "rev ", h("span", { "data-testid": "board-revision" }, String(b.revision))),
        h("span", { class: "sep", "aria-hidden": "true" }, " · "),
        h("span", null, "changed ", timeCell(b.updatedAt, now, offset, times, "board-updated")),
      ),
      variantList(b.variants),
      h("span", { class: "board-id", title: "Board ID" }, b.id),
    ),
    h(
      "div",
      { class: "card-actions" },
      h(
        "a",
        { class: "btn btn-small btn-primary", href: displayURL(b.id), "data-testid": "link-display", title: "Show the board full screen, as a wall shows it" },
        screenIcon(),
        "Display",
      ),
      h("a", { class: "btn btn-small", href: editorURL(b.id), "data-testid": "link-editor", title: "Arrange widgets, bind data, add variants" }, "Edit"),
      h("span", { class: "spacer" }),
      duplicate,
      h(
        "a",
        {
          class: "btn btn-small btn-icon",
          href: boardExportURL(b.id),
          download: true,
          "data-testid": "link-export",
          title: "Export: download the board as a file to import elsewhere",
          "aria-label": `Export “${label}”`,
        },
        downloadIcon(),
      ),
      remove,
    ),
  );
}

function iconButton(icon: SVGElement, label: string, testid: string): HTMLButtonElement {
  return h("button", { type: "button", class: "btn btn-small btn-icon", title: label, "aria-label": label, "data-testid": testid }, icon);
}

function variantList(variants: VariantSummary[]): HTMLElement {
  if (variants.length === 0) return h("span", { class: "muted" }, "no variants");
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

// --- trash --------------------------------------------------------------------

interface TrashActions {
  restore(b: BoardSummary, button: HTMLButtonElement): void;
  purge(b: BoardSummary, button: HTMLButtonElement): void;
}

function trashTable(list: BoardSummary[], times: TimeCell[], act: TrashActions): HTMLElement {
  const now = Date.now();
  const offset = -new Date().getTimezoneOffset();
  const rows = list.map((b) => {
    const restore = h("button", { type: "button", class: "btn btn-small btn-primary", "data-testid": "restore" }, "Restore");
    restore.addEventListener("click", () => act.restore(b, restore));
    const purge = h("button", { type: "button", class: "btn btn-small btn-danger", "data-testid": "purge" }, "Delete forever");
    purge.addEventListener("click", () => act.purge(b, purge));
    return h(
      "tr",
      { "data-testid": "trash-row", "data-board-id": b.id },
      h("td", { class: "trash-thumb-cell", "aria-hidden": "true" }, thumbBox(b, "thumb-box trash-thumb", "trash-thumb")),
      h("td", { class: "name-cell" }, boardName(b.name), h("span", { class: "board-id", title: "Board ID" }, b.id)),
      h("td", null, variantList(b.variants)),
      h("td", { class: "num" }, String(b.widgetCount)),
      h("td", { class: "updated" }, timeCell(b.deletedAt, now, offset, times, "board-deleted")),
      h("td", { class: "actions" }, restore, purge),
    );
  });
  return h(
    "div",
    { class: "panel" },
    h(
      "table",
      { class: "boards", "data-testid": "trash" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Layout")),
          h("th", { scope: "col" }, "Board"),
          h("th", { scope: "col" }, "Layout variants"),
          h("th", { scope: "col", class: "num" }, "Widgets"),
          h("th", { scope: "col" }, "Deleted"),
          h("th", { scope: "col", class: "actions" }, h("span", { class: "sr-only" }, "Actions")),
        ),
      ),
      h("tbody", null, ...rows),
    ),
  );
}

function emptyTrashState(): HTMLElement {
  return h(
    "div",
    { class: "panel empty", "data-testid": "trash-empty" },
    h("h2", null, "The trash is empty"),
    h("p", { class: "lead" }, "Deleted boards wait here, with their history, until you restore them or delete them for good."),
    h("a", { class: "btn btn-primary", href: "#" }, "Back to the boards"),
  );
}

// --- dialogs --------------------------------------------------------------------

/** Templates are fetched once per page: they come with the server's version. */
let templatesOnce: Promise<TemplateSummary[]> | null = null;

function modal(testid: string, labelledBy: string): HTMLDialogElement {
  const d = h("dialog", { class: "dialog", "data-testid": testid, "aria-labelledby": labelledBy });
  document.body.appendChild(d);
  return d;
}

/**
 * The New board dialog: a name and what to start from (blank, or one of the
 * server's templates with its description and variants). Resolves when it
 * closes; onCreated gets the new board.
 */
function openCreateDialog(existing: string[], onCreated: (b: { id: string; name: string }) => void): Promise<void> {
  const d = modal("create-dialog", "create-title");
  const nameInput = h("input", {
    type: "text",
    id: "create-name",
    class: "input",
    maxlength: String(MAX_NAME_LENGTH * 2),
    autocomplete: "off",
    spellcheck: "false",
    "data-testid": "create-name",
    "aria-describedby": "create-name-error",
  });
  const nameError = h("p", { class: "field-error", id: "create-name-error", "data-testid": "create-name-error" });
  const list = h("div", { class: "template-list", role: "radiogroup", "aria-labelledby": "create-start", "data-testid": "template-list" });
  const listNote = h("div", { class: "template-note" });
  const formError = h("p", { class: "form-error", role: "alert", "data-testid": "create-error" });
  const cancel = h("button", { type: "button", class: "btn", "data-testid": "create-cancel" }, "Cancel");
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "create-submit" }, "Create and edit");
  const form = h(
    "form",
    { class: "dialog-form", method: "dialog", novalidate: true },
    h("h2", { id: "create-title", class: "dialog-title" }, "New board"),
    h("label", { class: "field-label", for: "create-name" }, "Name"),
    nameInput,
    nameError,
    h("p", { class: "field-label", id: "create-start" }, "Start from"),
    list,
    listNote,
    formError,
    h("div", { class: "dialog-buttons" }, cancel, submit),
  );
  d.appendChild(form);

  // The name follows the choice until the user types one of their own.
  let typed = false;
  let choice = "";
  const templates = new Map<string, TemplateSummary>();
  const suggest = (): void => {
    if (typed) return;
    const t = templates.get(choice);
    nameInput.value = uniqueName(t ? t.name : "New board", existing);
  };
  const option = (id: string, title: string, desc: string, variants: VariantSummary[], widgets: number | null): HTMLElement => {
    const input = h("input", { type: "radio", name: "start", value: id, class: "template-radio", "data-testid": "template-radio" });
    if (id === "") input.checked = true;
    input.addEventListener("change", () => {
      if (!input.checked) return;
      choice = id;
      suggest();
      const labels = list.querySelectorAll(".template");
      for (let i = 0; i < labels.length; i++) labels[i]!.classList.toggle("template-selected", labels[i]!.getAttribute("data-template") === (id === "" ? "blank" : id));
    });
    return h(
      "label",
      { class: id === "" ? "template template-selected" : "template", "data-testid": "template", "data-template": id === "" ? "blank" : id },
      input,
      h(
        "span",
        { class: "template-body" },
        h("span", { class: "template-name" }, title, widgets !== null ? h("span", { class: "template-count" }, `${widgets} widget${widgets === 1 ? "" : "s"}`) : null),
        h("span", { class: "template-desc", "data-testid": "template-desc" }, desc),
        variantList(variants),
      ),
    );
  };
  list.appendChild(
    option("", "Blank board", "An empty 16:9 canvas: add widgets from the palette in the editor.", [{ name: "16:9", canvas: { width: 1920, height: 1080 } }], null),
  );
  replace(listNote, h("span", { class: "loading-inline" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Loading templates…"));
  templatesOnce = templatesOnce ?? listTemplates();
  templatesOnce.then(
    (ts) => {
      replace(listNote);
      for (const t of ts) {
        templates.set(t.id, t);
        list.appendChild(option(t.id, t.name, t.description, t.variants, t.widgetCount));
      }
      if (ts.length === 0) replace(listNote, h("span", { class: "muted" }, "This server offers no templates."));
    },
    (err: unknown) => {
      templatesOnce = null; // try again next time
      replace(listNote, h("span", { class: "form-error", "data-testid": "templates-error" }, `Templates could not be loaded: ${errorMessage(err)}. A blank board still works.`));
    },
  );

  nameInput.addEventListener("input", () => {
    typed = true;
    nameError.textContent = "";
    nameInput.removeAttribute("aria-invalid");
  });
  suggest();

  return new Promise((resolve) => {
    let busy = false;
    const close = (): void => {
      if (d.open) d.close();
    };
    d.addEventListener("cancel", (e) => {
      if (busy) e.preventDefault();
    });
    d.addEventListener("close", () => {
      if (d.parentNode) d.parentNode.removeChild(d);
      resolve();
    });
    cancel.addEventListener("click", close);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (busy) return;
      formError.textContent = "";
      const name = nameInput.value.trim();
      const problem = choice === "" || name !== "" ? nameProblem(name) : "";
      if (problem !== "") {
        nameError.textContent = problem;
        nameInput.setAttribute("aria-invalid", "true");
        nameInput.focus();
        return;
      }
      busy = true;
      submit.disabled = true;
      cancel.disabled = true;
      submit.textContent = "Creating…";
      (choice === "" ? createBlankBoard(name) : createFromTemplate(choice, name)).then(
        (b) => {
          busy = false;
          close();
          onCreated({ id: b.id, name: b.name });
        },
        (err: unknown) => {
          busy = false;
          submit.disabled = false;
          cancel.disabled = false;
          submit.textContent = "Create and edit";
          if (err instanceof ApiError && err.field === "name") {
            nameError.textContent = err.message;
            nameInput.setAttribute("aria-invalid", "true");
            nameInput.focus();
          } else {
            formError.textContent = `Could not create the board: ${errorMessage(err)}`;
          }
        },
      );
    });
    d.showModal();
    nameInput.focus();
    nameInput.select();
  });
}

/** A confirmation in the page's own dialog (never window.confirm, which walls and tests cannot answer). */
export function confirmDialog(title: string, detail: string, confirmLabel: string): Promise<boolean> {
  const d = modal("confirm-dialog", "confirm-title");
  const no = h("button", { type: "button", class: "btn", "data-testid": "confirm-cancel" }, "Cancel");
  const yes = h("button", { type: "button", class: "btn btn-danger-solid", "data-testid": "confirm-ok" }, confirmLabel);
  d.appendChild(
    h(
      "div",
      { class: "dialog-form" },
      h("h2", { id: "confirm-title", class: "dialog-title" }, title),
      h("p", { class: "dialog-text" }, detail),
      h("div", { class: "dialog-buttons" }, no, yes),
    ),
  );
  return new Promise((resolve) => {
    let answer = false;
    d.addEventListener("close", () => {
      if (d.parentNode) d.parentNode.removeChild(d);
      resolve(answer);
    });
    no.addEventListener("click", () => d.close());
    yes.addEventListener("click", () => {
      answer = true;
      d.close();
    });
    d.showModal();
    no.focus(); // the safe answer is the default
  });
}

// --- empty and error states -----------------------------------------------------

function emptyState(reload: () => Promise<void>, create: () => void, importFile: () => void): HTMLElement {
  const cmd = createBoardCurl(window.location.origin);
  const copy = h("button", { type: "button", class: "btn btn-small copy", "data-testid": "copy-curl" }, "Copy");
  copy.addEventListener("click", () => {
    void copyText(cmd).then((ok) => {
      copy.textContent = ok ? "Copied" : "Select and copy";
      window.setTimeout(() => (copy.textContent = "Copy"), 2000);
    });
  });
  const createButton = h("button", { type: "button", class: "btn btn-primary", "data-testid": "empty-create" }, plusIcon(), "Create a board");
  createButton.addEventListener("click", create);
  const importButton = h("button", { type: "button", class: "btn", "data-testid": "empty-import" }, uploadIcon(), "Import a board");
  importButton.addEventListener("click", importFile);
  const again = h("button", { type: "button", class: "btn btn-small" }, "Refresh");
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
      "Start from a template to see live data at once, or from a blank canvas.",
    ),
    h("div", { class: "empty-actions" }, createButton, importButton),
    h("p", { class: "hint" }, "Or create one through the HTTP API:"),
    h("div", { class: "code" }, h("pre", null, h("code", { "data-testid": "curl" }, cmd)), copy),
    h("p", { class: "hint" }, "The server answers 201 with the new board; it then appears in this list. ", again),
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

function errorState(view: View, err: unknown, retry: () => Promise<void>): HTMLElement {
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
    h("h2", null, view === "trash" ? "Could not load the trash" : "Could not load boards"),
    h("p", { class: "error-message", "data-testid": "error-message" }, errorMessage(err)),
    details.length > 0 ? h("p", { class: "error-meta mono" }, details.join(" · ")) : null,
    button,
  );
}

// --- icons ------------------------------------------------------------------------

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

function icon(d: string, size = 14): SVGElement {
  return svg(
    "svg",
    { class: "icon", viewBox: "0 0 16 16", width: size, height: size, "aria-hidden": "true" },
    svg("path", { d, fill: "none", stroke: "currentColor", "stroke-width": 1.6, "stroke-linecap": "round", "stroke-linejoin": "round" }),
  );
}

const refreshIcon = (): SVGElement => icon("M13.5 8a5.5 5.5 0 1 1-1.61-3.89M13.5 2.5v3h-3");
const downloadIcon = (): SVGElement => icon("M8 2v8M4.5 6.5 8 10l3.5-3.5M3 13.5h10");
const uploadIcon = (): SVGElement => icon("M8 10V2M4.5 5.5 8 2l3.5 3.5M3 13.5h10");
const plusIcon = (): SVGElement => icon("M8 3v10M3 8h10");
const copyIcon = (): SVGElement => icon("M5.5 5.5h8v8h-8zM10.5 5.5v-3h-8v8h3");
const trashIcon = (): SVGElement => icon("M2.5 4h11M6 4V2.5h4V4M4 4l.8 9.5h6.4L12 4M6.8 6.5v4.5M9.2 6.5v4.5");
const screenIcon = (): SVGElement => icon("M2 3h12v8H2zM6 14h4M8 11v3", 12);
