// /screens: the screens console (server: screens/, docs/api.md "Screens").
// Every paired display with its name, group, what it shows, whether it is
// online, when it was last seen, its browser, its errors and watchdog
// reloads; pair a new one with the code it shows; rename, regroup,
// reassign, reload, identify, revoke, forget; and, for an incident,
// "switch every screen" (or a group's) to one board and "restore".

import { h, replace } from "./dom.ts";
import { topbar } from "./home.ts";
import { getJSON, requestJSON } from "./lib/api.ts";
import { parseBoardList, type BoardSummary } from "./lib/boards.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { ago, browserName } from "./lib/screen.ts";

/** The list is asked for again this often: online, last seen and errors change by themselves. */
const REFRESH_MS = 3000;

export interface Target {
  kind: string;
  board?: string;
  variant?: string;
  playlist?: string;
  wall?: string;
  tile?: string;
}

export interface Screen {
  id: number;
  name: string;
  group: string;
  target: Target;
  switched_from: Target | null;
  created_by: string;
  created_at: string;
  last_seen_at: string | null;
  user_agent: string;
  address: string;
  showing: string;
  errors: number;
  last_error: string;
  last_error_at: string | null;
  watchdog_reloads: number;
  revoked_at: string | null;
  online: boolean;
  url: string;
}

interface Playlist {
  id: string;
  name: string;
}

/** The option value of a target in the "shows" selects. */
export function targetValue(t: Target): string {
  if (t.kind === "board") return "board:" + (t.board || "");
  if (t.kind === "playlist") return "playlist:" + (t.playlist || "");
  if (t.kind === "wall") return `wall:${t.board || ""}:${t.wall || ""}:${t.tile || ""}`;
  return "";
}

function targetOfValue(v: string): Target {
  const i = v.indexOf(":");
  if (i < 0) return { kind: "" };
  const kind = v.slice(0, i);
  const id = v.slice(i + 1);
  return kind === "playlist" ? { kind, playlist: id } : { kind, board: id };
}

export function renderScreens(root: HTMLElement): void {
  document.title = "Screens · Flexboard";
  const version = h("span", { class: "version" });
  const content = h("section", { class: "content", "data-testid": "screens-content" });
  const notice = h("div", { class: "notices", "data-testid": "screens-notice" });
  const pairBox = h("section", { class: "panel screens-panel", "data-testid": "pair-form" });
  const switchBox = h("section", { class: "panel screens-panel", "data-testid": "switch-form" });
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
          h("h1", null, "Screens"),
          h("p", { class: "subtitle" }, "Paired wall displays: what each shows, whether it is up, and control over them."),
        ),
      ),
      notice,
      h("div", { class: "screens-forms" }, pairBox, switchBox),
      content,
    ),
  );

  let boards: BoardSummary[] = [];
  let playlists: Playlist[] = [];
  let screens: Screen[] = [];
  let groups: string[] = [];
  let editing = false; // a rename in progress: the refresh leaves the table alone
  let switchTo = ""; // the switch form's choices, kept across refreshes
  let switchGroup = "";

  const showError = (err: unknown): void => {
    replace(notice, h("div", { class: "notice notice-error", role: "alert", "data-testid": "screens-error" }, h("span", { class: "notice-text" }, errorMessage(err))));
  };
  const clearError = (): void => replace(notice);

  const boardName = (id: string | undefined): string => {
    const b = boards.find((x) => x.id === id);
    return b ? b.name || "Untitled board" : `board ${id || "?"} (gone)`;
  };
  const playlistName = (id: string | undefined): string => {
    const p = playlists.find((x) => x.id === id);
    return p ? p.name : `playlist ${id || "?"} (gone)`;
  };
  const describe = (t: Target | null): string => {
    if (!t || t.kind === "") return "nothing yet";
    if (t.kind === "playlist") return "Playlist: " + playlistName(t.playlist);
    let s = boardName(t.board);
    if (t.variant) s += ` (${t.variant})`;
    if (t.kind === "wall") s += ` — wall ${t.wall || ""}, tile ${t.tile || ""}`;
    return s;
  };

  /** A select of every board and playlist; value "" is "nothing". */
  const targetSelect = (value: string, testid: string, withNothing: boolean, label = "(as assigned)"): HTMLSelectElement => {
    const sel = h("select", { class: "input", "data-testid": testid }) as HTMLSelectElement;
    if (withNothing) sel.appendChild(h("option", { value: "" }, "— choose —"));
    const bg = h("optgroup", { label: "Boards" });
    for (const b of boards.filter((x) => x.deletedAt === "")) bg.appendChild(h("option", { value: "board:" + b.id }, b.name || "Untitled board"));
    sel.appendChild(bg);
    if (playlists.length > 0) {
      const pg = h("optgroup", { label: "Playlists" });
      for (const p of playlists) pg.appendChild(h("option", { value: "playlist:" + p.id }, p.name));
      sel.appendChild(pg);
    }
    if (value !== "" && !Array.from(sel.options).some((o) => o.value === value)) {
      // A wall tile or a gone board: keep it selectable as it is.
      sel.appendChild(h("option", { value }, label));
    }
    sel.value = value;
    return sel;
  };

  /**
   * The fields that say what a screen shows: board or playlist, and for a
   * board a variant or a video-wall tile. prefix names their test ids;
   * read() gives the target, fail() shows a server error beside its field
   * (false when the error names none of them).
   */
  const targetFields = (prefix: string, initial: Target) => {
    const errs: Record<string, HTMLElement> = {};
    const field = (label: string, key: string, input: HTMLElement): HTMLElement => {
      errs[key] = h("div", { class: "field-error", "data-testid": `${prefix}-error-${key}` });
      return h("label", { class: "screens-field" }, h("span", { class: "field-label" }, label), input, errs[key]);
    };
    const shows = targetSelect(initial.kind === "wall" ? "board:" + (initial.board || "") : targetValue(initial), `${prefix}-target`, true);
    const variant = h("input", { class: "input", placeholder: "automatic", "data-testid": `${prefix}-variant`, value: initial.variant || "" }) as HTMLInputElement;
    const wall = h("input", { class: "input", placeholder: "e.g. 3x2 or a profile", "data-testid": `${prefix}-wall`, value: initial.wall || "" }) as HTMLInputElement;
    const tile = h("input", { class: "input", placeholder: "column,row e.g. 0,1", "data-testid": `${prefix}-tile`, value: initial.tile || "" }) as HTMLInputElement;
    const more = h(
      "details",
      { class: "screens-more" },
      h("summary", null, "Variant or video-wall tile"),
      h("div", { class: "screens-row" }, field("Variant", "variant", variant), field("Wall", "wall", wall), field("Tile", "tile", tile)),
    ) as HTMLDetailsElement;
    if (initial.variant || initial.wall) more.open = true;
    return {
      errs,
      field,
      shows,
      el: [h("div", { class: "screens-row" }, field("Shows", "target", shows)), more],
      read(): Target {
        const t = targetOfValue(shows.value);
        if (t.kind === "board") {
          if (variant.value.trim()) t.variant = variant.value.trim();
          if (wall.value.trim() || tile.value.trim()) {
            t.kind = "wall";
            t.wall = wall.value.trim();
            t.tile = tile.value.trim();
          }
        }
        return t;
      },
      clear(): void {
        for (const k of Object.keys(errs)) {
          const el = errs[k];
          if (el) el.textContent = "";
        }
      },
      fail(err: unknown): boolean {
        const f = err instanceof ApiError ? err.field : "";
        const key = f.indexOf("target.") === 0 ? (["variant", "wall", "tile"].indexOf(f.slice(7)) >= 0 ? f.slice(7) : "target") : f === "target" ? "target" : f;
        const el = errs[key];
        if (!el) return false;
        el.textContent = errorMessage(err);
        return true;
      },
    };
  };

  // --- pair a screen ---------------------------------------------------------
  const drawPairForm = (): void => {
    const code = h("input", { class: "input input-code", placeholder: "ABC-234", autocomplete: "off", "data-testid": "pair-code-input", maxlength: "9" }) as HTMLInputElement;
    const name = h("input", { class: "input", placeholder: "Situation room left", "data-testid": "pair-name", maxlength: "64" }) as HTMLInputElement;
    const group = h("input", { class: "input", placeholder: "optional, e.g. Ops floor", list: "screen-groups", "data-testid": "pair-group", maxlength: "64" }) as HTMLInputElement;
    const tf = targetFields("pair", { kind: "" });
    const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "pair-submit" }, "Pair screen");
    const form = h(
      "form",
      { class: "screens-form", novalidate: "" },
      h("h2", { class: "screens-h2" }, "Pair a screen"),
      h("p", { class: "muted screens-help" }, "Open ", h("code", null, window.location.origin + "/pair"), " on the screen; it shows a code. Enter it here."),
      h("div", { class: "screens-row" }, tf.field("Code", "code", code), tf.field("Name", "name", name), tf.field("Group", "group", group)),
      ...tf.el,
      h("div", { class: "dialog-buttons" }, submit),
    ) as HTMLFormElement;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      tf.clear();
      submit.disabled = true;
      requestJSON("POST", "/api/v1/screens", { code: code.value, name: name.value, group: group.value, target: tf.read() }).then(
        () => {
          submit.disabled = false;
          code.value = "";
          name.value = "";
          clearError();
          void refresh();
        },
        (err: unknown) => {
          submit.disabled = false;
          if (!tf.fail(err)) showError(err);
        },
      );
    });
    replace(pairBox, form, h("datalist", { id: "screen-groups" }, ...groups.map((g) => h("option", { value: g }))));
  };

  /** The dialog that changes what one screen shows: any target, a variant or a wall tile too. */
  const openChange = (s: Screen): void => {
    editing = true;
    const tf = targetFields("change", s.target);
    const save = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "change-save" }, "Show it");
    const cancel = h("button", { type: "button", class: "btn" }, "Cancel");
    const form = h(
      "form",
      { class: "dialog-form", novalidate: "", "data-testid": "change-dialog" },
      h("h2", { class: "dialog-title" }, `What “${s.name}” shows`),
      ...tf.el,
      h("div", { class: "dialog-buttons" }, cancel, save),
    ) as HTMLFormElement;
    const dlg = h("dialog", { class: "dialog" }, form) as HTMLDialogElement;
    document.body.appendChild(dlg);
    dlg.addEventListener("close", () => {
      dlg.remove();
      editing = false;
      void refresh();
    });
    cancel.addEventListener("click", () => dlg.close());
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      tf.clear();
      save.disabled = true;
      requestJSON("PUT", `/api/v1/screens/${s.id}`, { target: tf.read() }).then(
        () => dlg.close(),
        (err: unknown) => {
          save.disabled = false;
          if (!tf.fail(err)) showError(err);
        },
      );
    });
    dlg.showModal();
  };

  // --- switch every screen -----------------------------------------------------
  const drawSwitchForm = (): void => {
    const shows = targetSelect("", "switch-target", true);
    const group = h("select", { class: "input", "data-testid": "switch-group" }, h("option", { value: "" }, "Every screen"), ...groups.map((g) => h("option", { value: g }, "Group: " + g))) as HTMLSelectElement;
    shows.value = switchTo;
    group.value = switchGroup;
    shows.addEventListener("change", () => (switchTo = shows.value));
    group.addEventListener("change", () => {
      switchGroup = group.value;
      drawSwitchForm(); // Restore counts the chosen screens
    });
    const go = h("button", { type: "button", class: "btn btn-danger-solid", "data-testid": "switch-all" }, "Switch");
    const inGroup = (s: Screen): boolean => switchGroup === "" || s.group.toLowerCase() === switchGroup.toLowerCase();
    const switched = screens.filter((s) => s.switched_from !== null && s.revoked_at === null && inGroup(s));
    const restore = h(
      "button",
      { type: "button", class: "btn", "data-testid": "restore-all", disabled: switched.length === 0 ? "" : null },
      switched.length === 0 ? "Restore" : `Restore ${switched.length} screen${switched.length === 1 ? "" : "s"}`,
    );
    const status = h("p", { class: "muted screens-help", "data-testid": "switch-status" }, switched.length === 0 ? "No screen is switched." : `${switched.length} switched from what they showed; Restore puts each back.`);
    go.addEventListener("click", () => {
      const t = targetOfValue(shows.value);
      if (t.kind === "") {
        showError(new Error("Choose the board or playlist to put on the screens."));
        return;
      }
      const who = group.value === "" ? "every screen" : `every screen of ${group.value}`;
      if (!window.confirm(`Switch ${who} to ${describe(t)}? Restore puts each back.`)) return;
      go.disabled = true;
      requestJSON("POST", "/api/v1/screens/switch", { target: t, group: group.value }).then(
        () => {
          clearError();
          void refresh();
        },
        (err: unknown) => {
          go.disabled = false;
          showError(err);
        },
      );
    });
    restore.addEventListener("click", () => {
      restore.disabled = true;
      requestJSON("POST", "/api/v1/screens/restore", { group: group.value }).then(
        () => {
          clearError();
          void refresh();
        },
        (err: unknown) => showError(err),
      );
    });
    replace(
      switchBox,
      h("h2", { class: "screens-h2" }, "Switch every screen"),
      h("p", { class: "muted screens-help" }, "For an incident: one board on all screens (or a group's) at once."),
      h("div", { class: "screens-row" }, h("label", { class: "screens-field" }, h("span", { class: "field-label" }, "To"), shows), h("label", { class: "screens-field" }, h("span", { class: "field-label" }, "Screens"), group)),
      h("div", { class: "dialog-buttons" }, restore, go),
      status,
    );
  };

  // --- the table ---------------------------------------------------------------
  const act = (method: string, path: string, body?: unknown): void => {
    requestJSON(method, path, body).then(
      () => {
        clearError();
        void refresh();
      },
      (err: unknown) => showError(err),
    );
  };

  const row = (s: Screen, now: number): HTMLElement => {
    const revoked = s.revoked_at !== null;
    const state = revoked ? "revoked" : s.online ? "online" : "offline";
    const nameCell = h("td", { class: "screens-name" }, h("strong", { "data-testid": "screen-name" }, s.name), s.group ? h("span", { class: "chip", "data-testid": "screen-group" }, s.group) : null);
    const rename = h("button", { type: "button", class: "btn btn-small", "data-testid": "screen-rename", title: "Rename or regroup" }, "Rename");
    rename.addEventListener("click", () => {
      editing = true;
      const ni = h("input", { class: "input", value: s.name, "data-testid": "rename-input", maxlength: "64" }) as HTMLInputElement;
      const gi = h("input", { class: "input", value: s.group, placeholder: "group", list: "screen-groups", "data-testid": "regroup-input", maxlength: "64" }) as HTMLInputElement;
      const save = h("button", { type: "button", class: "btn btn-small btn-primary", "data-testid": "rename-save" }, "Save");
      const cancel = h("button", { type: "button", class: "btn btn-small" }, "Cancel");
      const err = h("div", { class: "field-error" });
      cancel.addEventListener("click", () => {
        editing = false;
        void refresh();
      });
      const done = (): void => {
        requestJSON("PUT", `/api/v1/screens/${s.id}`, { name: ni.value, group: gi.value }).then(
          () => {
            editing = false;
            void refresh();
          },
          (e: unknown) => (err.textContent = errorMessage(e)),
        );
      };
      save.addEventListener("click", done);
      ni.addEventListener("keydown", (e) => {
        if (e.key === "Enter") done();
      });
      replace(nameCell, ni, gi, h("div", { class: "screens-inline" }, save, cancel), err);
      ni.focus();
    });
    const shows = targetSelect(targetValue(s.target), "screen-target", s.target.kind === "", describe(s.target));
    shows.disabled = revoked;
    shows.addEventListener("change", () => {
      if (shows.value === "" || shows.value === targetValue(s.target) || shows.value.indexOf("wall:") === 0) return;
      act("PUT", `/api/v1/screens/${s.id}`, { target: targetOfValue(shows.value) });
    });
    const btn = (label: string, testid: string, title: string, fn: () => void, cls = "btn btn-small"): HTMLElement => {
      const b = h("button", { type: "button", class: cls, "data-testid": testid, title }, label);
      b.addEventListener("click", fn);
      return b;
    };
    const actions = revoked
      ? [btn("Forget", "screen-forget", "Remove it from this list", () => {
          if (window.confirm(`Forget the revoked screen “${s.name}”?`)) act("DELETE", `/api/v1/screens/${s.id}`);
        })]
      : [
          btn("Change…", "screen-change", "Show another board, a variant or a video-wall tile", () => openChange(s)),
          btn("Identify", "screen-identify-btn", "Flash its name on the screen for 10 s", () => act("POST", `/api/v1/screens/${s.id}/identify`)),
          btn("Reload", "screen-reload", "Reload the page on the screen", () => act("POST", `/api/v1/screens/${s.id}/reload`)),
          rename,
          btn("Revoke", "screen-revoke", "End its token now: it shows “revoked — pair again”", () => {
            if (window.confirm(`Revoke “${s.name}”? It stops showing data at once and must be paired again.`)) act("POST", `/api/v1/screens/${s.id}/revoke`);
          }, "btn btn-small btn-danger"),
        ];
    return h(
      "tr",
      { "data-testid": "screen-row", "data-screen-id": String(s.id), "data-state": state, class: revoked ? "screen-revoked" : null },
      nameCell,
      h(
        "td",
        null,
        shows,
        s.switched_from ? h("div", { class: "muted screens-note", "data-testid": "screen-switched" }, "Switched from " + describe(s.switched_from)) : null,
      ),
      h("td", null, h("span", { class: "screen-state screen-state-" + state, "data-testid": "screen-state" }, state === "online" ? "Online" : state === "offline" ? "Offline" : "Revoked")),
      h("td", { title: s.last_seen_at || "", "data-testid": "screen-seen" }, ago(s.last_seen_at, now)),
      h("td", { title: s.user_agent + (s.address ? " · " + s.address : "") }, browserName(s.user_agent)),
      h(
        "td",
        { class: "num", "data-testid": "screen-errors", title: s.last_error ? `Last: ${s.last_error} (${ago(s.last_error_at, now)})` : "" },
        String(s.errors),
        s.last_error ? h("div", { class: "muted screens-note" }, s.last_error) : null,
      ),
      h("td", { class: "num", "data-testid": "screen-reloads" }, String(s.watchdog_reloads)),
      h("td", { class: "screens-actions" }, ...actions),
    );
  };

  const drawTable = (): void => {
    if (editing) return;
    if (screens.length === 0) {
      replace(
        content,
        h(
          "div",
          { class: "panel empty", "data-testid": "no-screens" },
          h("h2", null, "No screen is paired yet"),
          h("p", { class: "lead" }, "Open ", h("code", null, window.location.origin + "/pair"), " on a wall display (a kiosk browser can always open that address) and enter the code it shows above."),
        ),
      );
      return;
    }
    const now = Date.now();
    const online = screens.filter((s) => s.online).length;
    replace(
      content,
      h("p", { class: "muted", "data-testid": "screens-summary" }, `${screens.length} screen${screens.length === 1 ? "" : "s"}, ${online} online`),
      h(
        "table",
        { class: "screens-table", "data-testid": "screens" },
        h("thead", null, h("tr", null, ...["Screen", "Shows", "State", "Last seen", "Browser", "Errors", "Watchdog reloads", ""].map((t) => h("th", null, t)))),
        h("tbody", null, ...screens.map((s) => row(s, now))),
      ),
    );
  };

  let firstDraw = true;
  const refresh = async (): Promise<void> => {
    try {
      const [sl, bl, pl] = await Promise.all([getJSON("/api/v1/screens"), getJSON("/api/v1/boards"), getJSON("/api/v1/playlists")]);
      const a = sl as { screens: Screen[]; groups: string[] };
      const groupsChanged = JSON.stringify(a.groups) !== JSON.stringify(groups);
      screens = a.screens;
      groups = a.groups;
      const nb = parseBoardList(bl);
      const np = ((pl as { playlists?: Playlist[] }).playlists || []).map((p) => ({ id: p.id, name: p.name }));
      const listsChanged = JSON.stringify(nb.map((b) => [b.id, b.name])) !== JSON.stringify(boards.map((b) => [b.id, b.name])) || JSON.stringify(np) !== JSON.stringify(playlists);
      boards = nb;
      playlists = np;
      if (firstDraw || listsChanged || groupsChanged) {
        // Redrawn only when their choices change: a half-typed code stays.
        drawPairForm();
        firstDraw = false;
      }
      drawSwitchForm();
      drawTable();
      content.setAttribute("data-state", "ready");
    } catch (err) {
      showError(err);
    }
  };
  void refresh();
  setInterval(() => {
    if (document.activeElement && switchBox.contains(document.activeElement)) return; // choosing: don't redraw under the pointer
    void refresh();
  }, REFRESH_MS);
}
