// The audit log (/audit, admins under --auth=password): who changed what,
// when, from where, and whether it was allowed. Newest first, filtered by
// actor and action (kept in the page's address, so a filtered view can be
// shared), "Older entries" pages back by id.

import { h, replace } from "./dom.ts";
import { getJSON, sendToLoginWhenSignedOut } from "./lib/api.ts";
import {
  ACTION_GROUPS,
  auditPageURL,
  auditPath,
  filterFromSearch,
  outcome,
  parseAuditPage,
  type AuditEntry,
  type AuditFilter,
} from "./lib/audit.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { formatRelativeTime, formatTimestamp } from "./lib/time.ts";
import { topbar } from "./home.ts";

/** Renders the audit log page into root. */
export function renderAudit(root: HTMLElement): void {
  sendToLoginWhenSignedOut();
  document.title = "Audit log · Flexboard";
  let filter: AuditFilter = filterFromSearch(window.location.search);

  const actorInput = h("input", {
    type: "search",
    class: "search",
    placeholder: "Anyone",
    "aria-label": "Filter by who: a user name, token:NAME or anonymous",
    title: "A user name, token:NAME, display:NAME or anonymous (exact, any case)",
    "data-testid": "audit-actor",
  });
  actorInput.value = filter.actor;
  const actionSelect = h("select", { class: "search audit-select", "aria-label": "Filter by action", "data-testid": "audit-action" });
  const apply = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "audit-apply" }, "Filter");
  const clear = h("button", { type: "button", class: "btn", "data-testid": "audit-clear" }, "Clear");
  const form = h(
    "form",
    { class: "audit-filters", role: "search", "data-testid": "audit-filters" },
    h("label", null, h("span", { class: "audit-label" }, "Who"), actorInput),
    h("label", null, h("span", { class: "audit-label" }, "Action"), actionSelect),
    apply,
    clear,
  );
  const notice = h("div", { class: "notices" });
  const body = h("tbody", { "data-testid": "audit-rows" });
  const table = h(
    "table",
    { class: "boards audit-table" },
    h(
      "thead",
      null,
      h("tr", null, h("th", null, "When"), h("th", null, "Who"), h("th", null, "What"), h("th", null, "Target"), h("th", null, "Outcome"), h("th", null, "Address")),
    ),
    body,
  );
  const content = h("section", { class: "content", "aria-live": "polite", "data-state": "loading", "data-testid": "audit-content" });
  const older = h("button", { type: "button", class: "btn", "data-testid": "audit-older" }, "Older entries");
  const footer = h("div", { class: "audit-footer" });
  const count = h("span", { class: "count", "data-testid": "audit-count" });

  replace(
    root,
    topbar(h("span", { class: "version" })),
    h(
      "main",
      { class: "page" },
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          { class: "page-title" },
          h("h1", null, "Audit log", count),
          h("p", { class: "subtitle" }, "Every change made on this server: who, what, when, from where, and refused attempts."),
        ),
        form,
      ),
      notice,
      content,
      footer,
    ),
  );

  const fillActions = (): void => {
    const options = [h("option", { value: "" }, "All actions")];
    let known = filter.action === "";
    for (const g of ACTION_GROUPS) {
      options.push(h("option", { value: g.value }, g.label));
      if (g.value === filter.action) known = true;
    }
    // An exact action (clicked in the table) is offered as itself.
    if (!known) options.push(h("option", { value: filter.action }, filter.action));
    replace(actionSelect, ...options);
    actionSelect.value = filter.action;
  };

  let shown = 0;
  let next = 0;
  let seq = 0;
  const showError = (err: unknown): void => {
    const details: string[] = [];
    if (err instanceof ApiError) {
      if (err.field !== "") details.push(`parameter: ${err.field}`);
      if (err.status > 0) details.push(`HTTP ${err.status}`);
    }
    replace(
      notice,
      h(
        "div",
        { class: "notice notice-error", role: "alert", "data-testid": "audit-error" },
        h(
          "div",
          { class: "notice-text" },
          h("strong", null, err instanceof ApiError && err.status === 403 ? "Only an admin may read the audit log" : "Could not load the audit log"),
          h("span", { class: "notice-message" }, errorMessage(err)),
          details.length > 0 ? h("span", { class: "error-meta mono" }, details.join(" · ")) : null,
        ),
      ),
    );
  };

  /** Sets the filter from a click in the table (a who or an action) and reloads. */
  const filterBy = (f: Partial<AuditFilter>): void => {
    filter = { ...filter, ...f };
    actorInput.value = filter.actor;
    fillActions();
    navigate();
  };

  const row = (e: AuditEntry): HTMLTableRowElement => {
    const offset = -new Date(e.at).getTimezoneOffset();
    const result = outcome(e.status);
    const who = h(
      "button",
      { type: "button", class: "link-button", title: `Only what ${e.actor} did`, "data-testid": "audit-who" },
      e.actor,
    );
    who.addEventListener("click", () => filterBy({ actor: e.actor }));
    const what = h(
      "button",
      { type: "button", class: "link-button mono", title: `Only ${e.action}`, "data-testid": "audit-what" },
      e.action,
    );
    what.addEventListener("click", () => filterBy({ action: e.action }));
    return h(
      "tr",
      { "data-testid": "audit-row", "data-id": e.id, "data-outcome": result },
      h(
        "td",
        { class: "updated audit-when" },
        h("time", { datetime: new Date(e.at).toISOString(), title: formatRelativeTime(e.at, Date.now()) }, formatTimestamp(e.at, offset)),
      ),
      h("td", { class: "audit-who-cell", title: e.actorKind }, who),
      h("td", { class: "audit-what-cell" }, what, h("div", { class: "audit-summary", "data-testid": "audit-summary" }, e.summary)),
      h("td", { class: "audit-target mono" }, e.targetType === "" ? "" : e.targetId === "" ? e.targetType : `${e.targetType} ${e.targetId}`),
      h(
        "td",
        { class: "audit-outcome" },
        h("span", { class: `audit-badge audit-${result}`, title: e.route }, result === "done" ? "done" : result, " ", h("span", { class: "mono" }, String(e.status))),
      ),
      h("td", { class: "audit-ip mono" }, e.ip),
    );
  };

  const drawFooter = (): void => {
    older.disabled = false;
    const filtered = filter.actor !== "" || filter.action !== "";
    const end = filtered ? "No older entry matches." : "That is the oldest entry kept.";
    replace(footer, next > 0 ? older : shown > 0 ? h("p", { class: "muted", "data-testid": "audit-end" }, end) : null);
  };

  /** Loads the newest page (more=false) or the next older one. */
  const load = async (more: boolean): Promise<void> => {
    const mine = ++seq;
    if (!more) {
      shown = 0;
      next = 0;
      content.setAttribute("data-state", "loading");
      replace(content, h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Loading the audit log…"));
      replace(footer);
    } else {
      older.disabled = true;
    }
    try {
      const page = parseAuditPage(await getJSON(auditPath(filter, more ? next : 0)));
      if (mine !== seq) return;
      if (page === null) throw new ApiError("unexpected answer from /api/v1/audit", 200, "bad_response");
      replace(notice);
      if (!more) {
        replace(body);
        replace(content, page.entries.length > 0 ? h("div", { class: "panel audit-panel" }, table) : empty());
      }
      for (const e of page.entries) body.appendChild(row(e));
      shown += page.entries.length;
      next = page.nextBefore;
      count.textContent = shown > 0 ? `${shown}${next > 0 ? "+" : ""}` : "";
      content.setAttribute("data-state", "ready");
      drawFooter();
    } catch (err) {
      if (mine !== seq) return;
      showError(err);
      if (!more) {
        content.setAttribute("data-state", "error");
        replace(content);
      }
      drawFooter();
    }
  };

  const empty = (): HTMLElement =>
    h(
      "div",
      { class: "panel empty empty-small", "data-testid": "audit-empty" },
      h("h2", null, filter.actor !== "" || filter.action !== "" ? "Nothing matches" : "No changes yet"),
      h(
        "p",
        { class: "lead" },
        filter.actor !== "" || filter.action !== ""
          ? "No entry matches this filter. Clear it to see everything."
          : "Changes to boards, playlists, users, tokens and sources appear here as they are made.",
      ),
    );

  /** Puts the filter in the address (so Back and a shared link work) and loads. */
  const navigate = (): void => {
    const url = auditPageURL(filter);
    if (window.location.pathname + window.location.search !== url) window.history.pushState(null, "", url);
    void load(false);
  };

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    filter = { actor: actorInput.value.trim(), action: actionSelect.value };
    navigate();
  });
  actionSelect.addEventListener("change", () => {
    filter = { actor: actorInput.value.trim(), action: actionSelect.value };
    navigate();
  });
  clear.addEventListener("click", () => {
    filter = { actor: "", action: "" };
    actorInput.value = "";
    fillActions();
    navigate();
  });
  older.addEventListener("click", () => void load(true));
  window.addEventListener("popstate", () => {
    filter = filterFromSearch(window.location.search);
    actorInput.value = filter.actor;
    fillActions();
    void load(false);
  });

  fillActions();
  void load(false);
}
