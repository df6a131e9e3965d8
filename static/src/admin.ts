// /admin: users and API tokens, for admins (server: --auth=password; the
// guard answers anyone else 403). Users: list, add, change role, reset
// password, delete. API tokens: list, create (the secret shown once, with
// ready-to-paste commands), revoke. The server's errors are shown beside
// the field they name. With --auth=none there are no users, and the page
// says so and how to turn password sign-in on.

import { copyText, h, replace } from "./dom.ts";
import { confirmDialog, topbar } from "./home.ts";
import { getJSON, goToLogin, requestJSON, sendToLoginWhenSignedOut, serverVersion, whoAmI } from "./lib/api.ts";
import {
  DEFAULT_MIN_PASSWORD,
  fieldSentence,
  parseToken,
  parseTokens,
  parseUsers,
  passwordProblem,
  ROLE_HELP,
  ROLES,
  SCOPES,
  tokenExamples,
  type AdminToken,
  type AdminUser,
} from "./lib/admin.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { formatVersion } from "./lib/format.ts";
import { formatRelativeTime, formatTimestamp, parseTimestamp } from "./lib/time.ts";

type Tab = "users" | "tokens";

function tabOfHash(): Tab {
  return window.location.hash === "#tokens" ? "tokens" : "users";
}

/** Renders the admin page into root. */
export function renderAdmin(root: HTMLElement): void {
  document.title = "Admin · Flexboard";
  sendToLoginWhenSignedOut();
  const version = h("span", { class: "version", "data-testid": "version", title: "Server version" });
  const body = h("div", { "data-testid": "admin", "data-state": "loading" }, h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Loading…"));
  replace(
    root,
    topbar(version),
    h(
      "main",
      { class: "page admin-page" },
      h(
        "div",
        { class: "page-head" },
        h("div", { class: "page-title" }, h("h1", null, "Admin"), h("p", { class: "subtitle" }, "Who may sign in to this server, and the tokens scripts and agents use.")),
      ),
      body,
    ),
  );
  serverVersion().then(
    (v) => (version.textContent = formatVersion(v)),
    () => undefined,
  );
  whoAmI().then(
    (me) => {
      if (me === null) return goToLogin();
      if (me.auth === "none") return showAuthNone(body);
      if (me.user?.role !== "admin") return showNotAdmin(body, me.user?.name ?? "", me.user?.role ?? "");
      showAdmin(body, me.user.name);
    },
    (err: unknown) => showFailure(body, "Could not ask the server who is signed in", err, () => renderAdmin(root)),
  );
}

// --- states without the admin tools ------------------------------------------

function showAuthNone(body: HTMLElement): void {
  body.setAttribute("data-state", "auth-none");
  replace(
    body,
    h(
      "div",
      { class: "panel admin-off", "data-testid": "auth-none" },
      h("h2", null, "There are no users: sign-in is off"),
      h(
        "p",
        null,
        "This server runs with ",
        h("code", null, "--auth=none"),
        ": nobody signs in, and everyone who can reach it may read and change every board, source and setting. ",
        "Users, roles and API tokens exist only with password sign-in.",
      ),
      h("h3", null, "Turn password sign-in on"),
      h("ol", null,
        h("li", null, "Restart the server with ", h("code", null, "flexboard serve --auth=password"), " (or set ", h("code", null, "FLEXBOARD_AUTH=password"), ")."),
        h("li", null, "With no user yet, it prints a one-time setup link (valid 1 hour) that creates the first admin. Or create one on the command line: ",
          h("code", null, "flexboard user add NAME --role admin --db PATH"), "."),
        h("li", null, "Sign in as that admin and come back here to add people and make API tokens."),
      ),
      h("p", { class: "muted" }, "Until then, pushing data needs no token unless the server has ", h("code", null, "--ingest-token"), "."),
      h("a", { class: "btn btn-primary", href: "/" }, "Go to the board list"),
    ),
  );
}

function showNotAdmin(body: HTMLElement, name: string, role: string): void {
  body.setAttribute("data-state", "not-admin");
  replace(
    body,
    h(
      "div",
      { class: "panel admin-off", "data-testid": "not-admin" },
      h("h2", null, "This page needs the admin role"),
      h("p", null, "You are signed in as ", h("strong", null, name), " with the ", role || "no", " role. Ask an admin to change your role."),
      h("a", { class: "btn btn-primary", href: "/" }, "Go to the board list"),
    ),
  );
}

function showFailure(body: HTMLElement, title: string, err: unknown, retry: () => void): void {
  body.setAttribute("data-state", "error");
  const again = h("button", { type: "button", class: "btn btn-primary", "data-testid": "retry" }, "Retry");
  again.addEventListener("click", retry);
  const details: string[] = [];
  if (err instanceof ApiError) {
    if (err.code !== "") details.push(`code: ${err.code}`);
    if (err.status > 0) details.push(`HTTP ${err.status}`);
  }
  replace(
    body,
    h(
      "div",
      { class: "panel error", role: "alert", "data-testid": "error" },
      h("h2", null, title),
      h("p", { class: "error-message", "data-testid": "error-message" }, errorMessage(err)),
      details.length > 0 ? h("p", { class: "error-meta mono" }, details.join(" · ")) : null,
      again,
    ),
  );
}

// --- the admin tools -----------------------------------------------------------

/** A time cell: relative ("3 min ago"), the exact time in its tooltip; "never" for null. */
function when(iso: string | null, testid: string, never = "never"): HTMLElement {
  const ms = iso === null ? null : parseTimestamp(iso);
  if (ms === null) return h("span", { class: "muted", "data-testid": testid }, never);
  return h("time", { datetime: iso ?? "", title: formatTimestamp(ms, -new Date().getTimezoneOffset()), "data-testid": testid }, formatRelativeTime(ms, Date.now()));
}

/** Shows err beside a field: its message as a sentence naming label; clears with "". */
function fieldError(el: HTMLElement, input: HTMLElement | null, label: string, err: unknown): void {
  const msg = err === "" ? "" : err instanceof ApiError ? fieldSentence(label, err.message) : typeof err === "string" ? err : errorMessage(err);
  el.textContent = msg;
  if (input) {
    if (msg === "") input.removeAttribute("aria-invalid");
    else input.setAttribute("aria-invalid", "true");
  }
}

function showAdmin(body: HTMLElement, me: string): void {
  body.setAttribute("data-state", "ready");
  const usersTab = h("button", { type: "button", class: "admin-tab", role: "tab", id: "tab-users", "aria-controls": "panel-users", "data-testid": "tab-users" }, "Users", h("span", { class: "count count-inline", "data-testid": "user-count" }));
  const tokensTab = h("button", { type: "button", class: "admin-tab", role: "tab", id: "tab-tokens", "aria-controls": "panel-tokens", "data-testid": "tab-tokens" }, "API tokens", h("span", { class: "count count-inline", "data-testid": "token-count", title: "Tokens in use (not revoked)" }));
  const usersPanel = h("section", { class: "admin-panel", role: "tabpanel", id: "panel-users", "aria-labelledby": "tab-users", "data-testid": "users" });
  const tokensPanel = h("section", { class: "admin-panel", role: "tabpanel", id: "panel-tokens", "aria-labelledby": "tab-tokens", "data-testid": "tokens" });
  replace(body, h("div", { class: "admin-tabs", role: "tablist" }, usersTab, tokensTab), usersPanel, tokensPanel);

  const show = (tab: Tab): void => {
    usersTab.setAttribute("aria-selected", String(tab === "users"));
    tokensTab.setAttribute("aria-selected", String(tab === "tokens"));
    usersPanel.classList.toggle("hidden", tab !== "users");
    tokensPanel.classList.toggle("hidden", tab !== "tokens");
  };
  usersTab.addEventListener("click", () => {
    history.replaceState(null, "", "#users");
    show("users");
  });
  tokensTab.addEventListener("click", () => {
    history.replaceState(null, "", "#tokens");
    show("tokens");
  });
  window.addEventListener("hashchange", () => show(tabOfHash()));
  show(tabOfHash());

  usersSection(usersPanel, me, usersTab.querySelector(".count") as HTMLElement);
  tokensSection(tokensPanel, tokensTab.querySelector(".count") as HTMLElement);
}

// --- users -----------------------------------------------------------------------

function roleSelect(value: string, attrs: Record<string, string>): HTMLSelectElement {
  const sel = h("select", { class: "input admin-select", ...attrs });
  for (const r of ROLES) {
    const o = h("option", { value: r, title: ROLE_HELP[r] ?? "" }, r);
    if (r === value) o.selected = true;
    sel.appendChild(o);
  }
  return sel;
}

function usersSection(panel: HTMLElement, me: string, count: HTMLElement): void {
  let minPassword = DEFAULT_MIN_PASSWORD;
  const list = h("div", { class: "admin-box admin-list", "data-testid": "user-list", "aria-live": "polite" }, h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Loading users…"));

  // The add form: the password's minimum is said before anyone types.
  const name = h("input", { class: "input", id: "user-name", autocomplete: "off", autocapitalize: "none", spellcheck: "false", maxlength: 64, "aria-describedby": "user-name-error", "data-testid": "new-user-name" });
  const role = roleSelect("viewer", { id: "user-role", "aria-describedby": "user-role-error", "data-testid": "new-user-role" });
  const password = h("input", { class: "input", id: "user-password", type: "password", autocomplete: "new-password", "aria-describedby": "user-password-hint user-password-error", "data-testid": "new-user-password" });
  const nameErr = h("p", { class: "field-error", id: "user-name-error", "data-testid": "new-user-name-error" });
  const roleErr = h("p", { class: "field-error", id: "user-role-error", "data-testid": "new-user-role-error" });
  const roleHelp = h("p", { class: "field-hint" }, ROLE_HELP["viewer"] ?? "");
  const pwHint = h("p", { class: "field-hint", id: "user-password-hint", "data-testid": "password-hint" });
  const pwErr = h("p", { class: "field-error", id: "user-password-error", "data-testid": "new-user-password-error" });
  const formErr = h("p", { class: "form-error", role: "alert", "data-testid": "new-user-error" });
  const formOk = h("p", { class: "form-ok", role: "status", "data-testid": "new-user-ok" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "add-user" }, "Add user");
  const sayMin = (): void => {
    const n = Array.from(password.value).length;
    pwHint.textContent = n === 0 ? `At least ${minPassword} characters.` : n < minPassword ? `${n} of at least ${minPassword} characters.` : `${n} characters.`;
  };
  sayMin();
  const form = h(
    "form",
    { class: "admin-box admin-form", novalidate: true, "data-testid": "add-user-form" },
    h("h2", { class: "admin-form-title" }, "Add a user"),
    h(
      "div",
      { class: "admin-fields" },
      h("div", { class: "admin-field" }, h("label", { class: "field-label", for: "user-name" }, "Name"), name, h("p", { class: "field-hint" }, "Letters, digits and . _ - @"), nameErr),
      h("div", { class: "admin-field admin-field-role" }, h("label", { class: "field-label", for: "user-role" }, "Role"), role, roleHelp, roleErr),
      h("div", { class: "admin-field" }, h("label", { class: "field-label", for: "user-password" }, "Password"), password, pwHint, pwErr),
      h("div", { class: "admin-field admin-field-submit" }, submit),
    ),
    formErr,
    formOk,
  );
  role.addEventListener("change", () => (roleHelp.textContent = ROLE_HELP[role.value] ?? ""));
  password.addEventListener("input", () => {
    sayMin();
    fieldError(pwErr, password, "Password", "");
  });
  name.addEventListener("input", () => fieldError(nameErr, name, "Name", ""));

  const fields: Record<string, [HTMLElement, HTMLElement, string]> = {
    name: [nameErr, name, "Name"],
    role: [roleErr, role, "Role"],
    password: [pwErr, password, "Password"],
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    for (const k of Object.keys(fields)) fieldError(fields[k]![0], fields[k]![1], fields[k]![2], "");
    formErr.textContent = "";
    formOk.textContent = "";
    if (name.value.trim() === "") return fieldError(nameErr, name, "Name", "Enter a user name.");
    if (password.value === "") return fieldError(pwErr, password, "Password", passwordProblem("", minPassword));
    submit.disabled = true;
    requestJSON("POST", "/api/v1/users", { name: name.value.trim(), role: role.value, password: password.value }).then(
      () => {
        submit.disabled = false;
        formOk.textContent = `Added ${name.value.trim()} (${role.value}).`;
        name.value = "";
        password.value = "";
        sayMin();
        void load();
      },
      (err: unknown) => {
        submit.disabled = false;
        const f = err instanceof ApiError ? fields[err.field] : undefined;
        if (f) {
          fieldError(f[0], f[1], f[2], err);
          f[1].focus();
        } else formErr.textContent = `Could not add the user: ${errorMessage(err)}`;
      },
    );
  });

  replace(panel, form, list);

  const load = async (): Promise<void> => {
    try {
      const parsed = parseUsers(await getJSON("/api/v1/users"));
      if (parsed === null) throw new ApiError("unexpected answer to GET /api/v1/users", 200, "bad_response");
      minPassword = parsed.minPasswordLength;
      sayMin();
      count.textContent = String(parsed.users.length);
      replace(list, userTable(parsed.users, me, minPassword, load));
    } catch (err) {
      const again = h("button", { type: "button", class: "btn btn-small" }, "Retry");
      again.addEventListener("click", () => void load());
      replace(list, h("div", { class: "admin-list-error", role: "alert", "data-testid": "users-error" }, h("strong", null, "Could not load the users: "), errorMessage(err), " ", again));
    }
  };
  void load();
}

function userTable(users: AdminUser[], me: string, minPassword: number, reload: () => Promise<void>): HTMLElement {
  const rows = users.map((u) => userRow(u, u.name === me, minPassword, reload));
  return h(
    "table",
    { class: "boards admin-table" },
    h("thead", null, h("tr", null, h("th", null, "Name"), h("th", null, "Role"), h("th", null, "Created"), h("th", null, "Last sign-in"), h("th", { class: "actions" }, h("span", { class: "sr-only" }, "Actions")))),
    h("tbody", null, ...rows),
  );
}

function userRow(u: AdminUser, isMe: boolean, minPassword: number, reload: () => Promise<void>): HTMLElement {
  const role = roleSelect(u.role, { "aria-label": `Role of ${u.name}`, "data-testid": "user-role" });
  const roleErr = h("p", { class: "field-error row-error", "data-testid": "user-role-error" });
  const actErr = h("p", { class: "field-error row-error", "data-testid": "user-action-error" });
  const reset = h("button", { type: "button", class: "btn btn-small", "data-testid": "reset-password" }, "Reset password");
  const del = h("button", { type: "button", class: "btn btn-small btn-danger", "data-testid": "delete-user" }, "Delete");

  role.addEventListener("change", () => {
    const to = role.value;
    fieldError(roleErr, role, "Role", "");
    const go = isMe && to !== "admin"
      ? confirmDialog(`Make yourself ${to}?`, `You will lose access to this page and to users, tokens and sources as soon as you do.`, `Make me ${to}`)
      : Promise.resolve(true);
    void go.then((ok) => {
      if (!ok) {
        role.value = u.role;
        return;
      }
      role.disabled = true;
      requestJSON("PUT", `/api/v1/users/${u.id}`, { role: to }).then(
        () => {
          if (isMe && to !== "admin") window.location.assign("/");
          else void reload();
        },
        (err: unknown) => {
          role.disabled = false;
          role.value = u.role;
          fieldError(roleErr, role, "Role", err);
        },
      );
    });
  });
  reset.addEventListener("click", () => void resetPasswordDialog(u, isMe, minPassword).then((done) => {
    if (done) void reload();
  }));
  del.addEventListener("click", () => {
    fieldError(actErr, null, "", "");
    const detail = isMe
      ? `You are deleting your own account: your sessions end and you are signed out at once.`
      : `${u.name} can no longer sign in, and every session they have open ends now. This cannot be undone.`;
    void confirmDialog(`Delete the user ${u.name}?`, detail, "Delete user").then((ok) => {
      if (!ok) return;
      del.disabled = true;
      requestJSON("DELETE", `/api/v1/users/${u.id}`).then(
        () => void reload(),
        (err: unknown) => {
          del.disabled = false;
          fieldError(actErr, null, "", err);
        },
      );
    });
  });

  return h(
    "tr",
    { "data-testid": "user-row", "data-user": u.name, "data-user-id": String(u.id) },
    h("td", { class: "name-cell" }, h("span", { class: "board-name", "data-testid": "user-name-cell" }, u.name, isMe ? h("span", { class: "you-chip", "data-testid": "you" }, "you") : null)),
    h("td", { class: "admin-role-cell" }, role, roleErr),
    h("td", { class: "updated" }, when(u.createdAt, "user-created", "—")),
    h("td", { class: "updated" }, when(u.lastLoginAt, "user-last-login")),
    h("td", { class: "actions" }, reset, del, actErr),
  );
}

/** Asks for a new password for u and sends it; resolves true when it was changed. */
function resetPasswordDialog(u: AdminUser, isMe: boolean, minPassword: number): Promise<boolean> {
  const d = h("dialog", { class: "dialog dialog-narrow", "data-testid": "reset-dialog", "aria-labelledby": "reset-title" });
  const pw = h("input", { class: "input", id: "reset-password", type: "password", autocomplete: "new-password", "aria-describedby": "reset-hint reset-error", "data-testid": "reset-password-input" });
  const hint = h("p", { class: "field-hint", id: "reset-hint" }, `At least ${minPassword} characters.`);
  const err = h("p", { class: "field-error", id: "reset-error", "data-testid": "reset-password-error" });
  const cancel = h("button", { type: "button", class: "btn", "data-testid": "reset-cancel" }, "Cancel");
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "reset-submit" }, "Set password");
  const form = h(
    "form",
    { class: "dialog-form", novalidate: true },
    h("h2", { id: "reset-title", class: "dialog-title" }, `New password for ${u.name}`),
    h("p", { class: "dialog-text" }, isMe ? "Your other sessions end; this one goes to the sign-in page." : `Every session ${u.name} has open ends: they sign in again with the new password.`),
    h("label", { class: "field-label", for: "reset-password" }, "New password"),
    pw,
    hint,
    err,
    h("div", { class: "dialog-buttons" }, cancel, submit),
  );
  d.appendChild(form);
  document.body.appendChild(d);
  pw.addEventListener("input", () => {
    const n = Array.from(pw.value).length;
    hint.textContent = n === 0 || n >= minPassword ? `At least ${minPassword} characters.` : `${n} of at least ${minPassword} characters.`;
    fieldError(err, pw, "Password", "");
  });
  return new Promise((resolve) => {
    let changed = false;
    d.addEventListener("close", () => {
      d.parentNode?.removeChild(d);
      resolve(changed);
    });
    cancel.addEventListener("click", () => d.close());
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const problem = pw.value === "" ? passwordProblem("", minPassword) : "";
      if (problem !== "") return fieldError(err, pw, "Password", problem);
      submit.disabled = true;
      requestJSON("PUT", `/api/v1/users/${u.id}`, { password: pw.value }).then(
        () => {
          changed = true;
          if (isMe) window.location.assign("/login?next=%2Fadmin");
          d.close();
        },
        (e2: unknown) => {
          submit.disabled = false;
          fieldError(err, pw, "Password", e2);
          pw.focus();
        },
      );
    });
    d.showModal();
    pw.focus();
  });
}

// --- API tokens --------------------------------------------------------------------

function tokensSection(panel: HTMLElement, count: HTMLElement): void {
  const list = h("div", { class: "admin-box admin-list", "data-testid": "token-list", "aria-live": "polite" }, h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Loading tokens…"));
  const name = h("input", { class: "input", id: "token-name", autocomplete: "off", maxlength: 64, placeholder: "agent on web-1", "aria-describedby": "token-name-error", "data-testid": "new-token-name" });
  const nameErr = h("p", { class: "field-error", id: "token-name-error", "data-testid": "new-token-name-error" });
  const scopesErr = h("p", { class: "field-error", id: "token-scopes-error", "data-testid": "new-token-scopes-error" });
  const formErr = h("p", { class: "form-error", role: "alert", "data-testid": "new-token-error" });
  const boxes: HTMLInputElement[] = [];
  const scopeList = h("div", { class: "scope-list", role: "group", "aria-labelledby": "token-scopes-label", "aria-describedby": "token-scopes-error" });
  for (const s of SCOPES) {
    const box = h("input", { type: "checkbox", value: s.name, class: "scope-box", "data-testid": `scope-${s.name}` });
    box.addEventListener("change", () => fieldError(scopesErr, scopeList, "Scopes", ""));
    boxes.push(box);
    scopeList.appendChild(h("label", { class: "scope" }, box, h("span", { class: "scope-body" }, h("span", { class: "scope-name" }, s.name), h("span", { class: "scope-help" }, s.help))));
  }
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "create-token" }, "Create token");
  const form = h(
    "form",
    { class: "admin-box admin-form", novalidate: true, "data-testid": "create-token-form" },
    h("h2", { class: "admin-form-title" }, "Create an API token"),
    h("p", { class: "field-hint admin-form-lead" }, "For scripts and agents, sent as ", h("code", null, "Authorization: Bearer fbt_…"), ". A token never has an admin's rights; its secret is shown once."),
    h(
      "div",
      { class: "admin-fields" },
      h("div", { class: "admin-field" }, h("label", { class: "field-label", for: "token-name" }, "Name"), name, h("p", { class: "field-hint" }, "What or who uses it"), nameErr),
      h("div", { class: "admin-field admin-field-wide" }, h("p", { class: "field-label", id: "token-scopes-label" }, "Scopes"), scopeList, scopesErr),
      h("div", { class: "admin-field admin-field-submit" }, submit),
    ),
    formErr,
  );
  name.addEventListener("input", () => fieldError(nameErr, name, "Name", ""));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    fieldError(nameErr, name, "Name", "");
    fieldError(scopesErr, scopeList, "Scopes", "");
    formErr.textContent = "";
    const scopes = boxes.filter((b) => b.checked).map((b) => b.value);
    if (name.value.trim() === "") return fieldError(nameErr, name, "Name", "Say what the token is for, e.g. “agent on web-1”.");
    if (scopes.length === 0) return fieldError(scopesErr, scopeList, "Scopes", "Choose at least one scope.");
    submit.disabled = true;
    requestJSON("POST", "/api/v1/tokens", { name: name.value.trim(), scopes }).then(
      (body) => {
        submit.disabled = false;
        const t = parseToken(body);
        const secret = typeof body === "object" && body !== null ? (body as { secret?: unknown }).secret : undefined;
        name.value = "";
        for (const b of boxes) b.checked = false;
        void load();
        if (t && typeof secret === "string") void secretDialog(t, secret);
        else formErr.textContent = "The token was created, but the server's answer held no secret: revoke it and try again.";
      },
      (err: unknown) => {
        submit.disabled = false;
        if (err instanceof ApiError && err.field === "name") fieldError(nameErr, name, "Name", err);
        else if (err instanceof ApiError && err.field.startsWith("scopes")) fieldError(scopesErr, scopeList, "Scopes", err);
        else formErr.textContent = `Could not create the token: ${errorMessage(err)}`;
      },
    );
  });
  replace(panel, form, list);

  const load = async (): Promise<void> => {
    try {
      const tokens = parseTokens(await getJSON("/api/v1/tokens"));
      if (tokens === null) throw new ApiError("unexpected answer to GET /api/v1/tokens", 200, "bad_response");
      count.textContent = String(tokens.filter((t) => t.revokedAt === null).length);
      replace(list, tokens.length === 0 ? h("p", { class: "admin-empty", "data-testid": "no-tokens" }, "No API tokens yet. Agents that push data and scripts that read boards each get their own, so one can be revoked without the others.") : tokenTable(tokens, load));
    } catch (err) {
      const again = h("button", { type: "button", class: "btn btn-small" }, "Retry");
      again.addEventListener("click", () => void load());
      replace(list, h("div", { class: "admin-list-error", role: "alert", "data-testid": "tokens-error" }, h("strong", null, "Could not load the tokens: "), errorMessage(err), " ", again));
    }
  };
  void load();
}

function tokenTable(tokens: AdminToken[], reload: () => Promise<void>): HTMLElement {
  return h(
    "table",
    { class: "boards admin-table" },
    h("thead", null, h("tr", null, h("th", null, "Name"), h("th", null, "Scopes"), h("th", null, "Created"), h("th", null, "Last used"), h("th", null, "Status"), h("th", { class: "actions" }, h("span", { class: "sr-only" }, "Actions")))),
    h("tbody", null, ...tokens.map((t) => tokenRow(t, reload))),
  );
}

function tokenRow(t: AdminToken, reload: () => Promise<void>): HTMLElement {
  const revoked = t.revokedAt !== null;
  const err = h("p", { class: "field-error row-error", "data-testid": "token-action-error" });
  let action: HTMLElement | null = null;
  if (!revoked) {
    const revoke = h("button", { type: "button", class: "btn btn-small btn-danger", "data-testid": "revoke-token" }, "Revoke");
    revoke.addEventListener("click", () => {
      void confirmDialog(`Revoke the token “${t.name}”?`, "Everything that uses it is refused from now on (401). It stays listed as revoked; this cannot be undone.", "Revoke token").then((ok) => {
        if (!ok) return;
        revoke.disabled = true;
        requestJSON("DELETE", `/api/v1/tokens/${t.id}`).then(
          () => void reload(),
          (e: unknown) => {
            revoke.disabled = false;
            fieldError(err, null, "", e);
          },
        );
      });
    });
    action = revoke;
  }
  return h(
    "tr",
    { class: revoked ? "token-revoked" : "", "data-testid": "token-row", "data-token": t.name, "data-token-id": String(t.id), "data-revoked": revoked ? "true" : "false" },
    h("td", { class: "name-cell" }, h("span", { class: "board-name", "data-testid": "token-name" }, t.name)),
    h("td", null, h("span", { "data-testid": "token-scopes" }, ...t.scopes.map((s) => h("span", { class: "chip scope-chip" }, s)))),
    h("td", { class: "updated" }, when(t.createdAt, "token-created", "—"), h("span", { class: "created-by", "data-testid": "token-created-by" }, t.createdBy !== "" ? ` by ${t.createdBy}` : "")),
    h("td", { class: "updated" }, when(t.lastUsedAt, "token-last-used")),
    h("td", { class: "updated" }, revoked ? h("span", { class: "status-revoked", "data-testid": "token-status" }, "Revoked ", when(t.revokedAt, "token-revoked-at")) : h("span", { class: "status-active", "data-testid": "token-status" }, "Active")),
    h("td", { class: "actions" }, action, err),
  );
}

/** Shows a new token's secret, once, with a Copy button and commands that use it. */
function secretDialog(t: AdminToken, secret: string): Promise<void> {
  const d = h("dialog", { class: "dialog", "data-testid": "secret-dialog", "aria-labelledby": "secret-title" });
  const copyButton = (text: string, testid: string): HTMLButtonElement => {
    const b = h("button", { type: "button", class: "btn btn-small copy", "data-testid": testid }, "Copy");
    b.addEventListener("click", () => {
      void copyText(text).then((ok) => {
        b.textContent = ok ? "Copied" : "Select and copy";
        window.setTimeout(() => (b.textContent = "Copy"), 2000);
      });
    });
    return b;
  };
  const done = h("button", { type: "button", class: "btn btn-primary", "data-testid": "secret-done" }, "I have copied it");
  const examples = tokenExamples(window.location.origin, secret, t.scopes);
  d.appendChild(
    h(
      "div",
      { class: "dialog-form" },
      h("h2", { id: "secret-title", class: "dialog-title" }, `Token “${t.name}” created`),
      h("p", { class: "secret-warning", role: "note" }, h("strong", null, "Copy the secret now: it is shown only this once. "), "The server keeps only a hash of it; if it is lost, revoke the token and make a new one."),
      h("p", { class: "field-label" }, `Secret (scopes: ${t.scopes.join(", ")})`),
      h("div", { class: "code secret-code" }, h("pre", null, h("code", { "data-testid": "token-secret" }, secret)), copyButton(secret, "copy-secret")),
      ...examples.map((ex, i) =>
        h("div", { class: "secret-example" }, h("p", { class: "field-label" }, ex.label), h("div", { class: "code" }, h("pre", null, h("code", { "data-testid": "token-example" }, ex.command)), copyButton(ex.command, `copy-example-${i}`))),
      ),
      h("div", { class: "dialog-buttons" }, done),
    ),
  );
  document.body.appendChild(d);
  return new Promise((resolve) => {
    d.addEventListener("close", () => {
      d.parentNode?.removeChild(d);
      resolve();
    });
    done.addEventListener("click", () => d.close());
    d.showModal();
    done.focus();
  });
}
