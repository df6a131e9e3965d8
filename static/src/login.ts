// The sign-in page (/login?next=PATH). The server sends a browser without a
// session here from any page (303); signing in goes back to next, which must
// be a path on this server (lib/session.ts safeNext). With --auth=none there
// is nothing to sign in to and the page says so.

import { h, replace } from "./dom.ts";
import { SignInError, signIn, signOut, whoAmI } from "./lib/api.ts";
import { errorMessage } from "./lib/errors.ts";
import { formatWait, safeNext } from "./lib/session.ts";

function shell(root: HTMLElement, ...body: HTMLElement[]): void {
  replace(
    root,
    h(
      "main",
      { class: "login-page" },
      h("div", { class: "login-brand" }, h("span", { class: "brand-name" }, "Flexboard")),
      h("div", { class: "panel login-panel", "data-testid": "login" }, ...body),
    ),
  );
}

/** Renders the sign-in page into root. */
export function renderLogin(root: HTMLElement): void {
  document.title = "Sign in · Flexboard";
  const next = safeNext(new URLSearchParams(window.location.search).get("next"));
  shell(root, h("p", { class: "lead" }, "Checking whether you are signed in…"));
  whoAmI().then(
    (me) => {
      if (me === null) showForm(root, next);
      else if (me.auth === "none") showOff(root);
      else showSignedIn(root, me.user?.name ?? "", next);
    },
    // The form still works if /auth/me did not answer: the login will say what is wrong.
    () => showForm(root, next),
  );
}

function showOff(root: HTMLElement): void {
  shell(
    root,
    h("h1", { class: "login-title" }, "Sign-in is off"),
    h(
      "p",
      { class: "login-text", "data-testid": "login-off" },
      "This server runs without accounts (",
      h("code", null, "--auth=none"),
      "): everyone who can reach it may read and change every board.",
    ),
    h("a", { class: "btn btn-primary", href: "/" }, "Go to the board list"),
  );
}

function showSignedIn(root: HTMLElement, name: string, next: string): void {
  const out = h("button", { type: "button", class: "btn", "data-testid": "login-switch" }, "Sign out");
  const error = h("p", { class: "form-error", role: "alert" });
  out.addEventListener("click", () => {
    out.disabled = true;
    signOut().then(
      () => showForm(root, next),
      (err: unknown) => {
        out.disabled = false;
        error.textContent = `Could not sign out: ${errorMessage(err)}`;
      },
    );
  });
  shell(
    root,
    h("h1", { class: "login-title" }, "Signed in"),
    h("p", { class: "login-text" }, "You are signed in as ", h("strong", { "data-testid": "login-user" }, name), "."),
    h("div", { class: "login-actions" }, h("a", { class: "btn btn-primary", href: next, "data-testid": "login-continue" }, "Continue"), out),
    error,
  );
}

function showForm(root: HTMLElement, next: string): void {
  const name = h("input", { class: "input", id: "login-name", name: "username", autocomplete: "username", required: true, maxlength: 64, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { class: "input", id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary login-submit", "data-testid": "login-submit" }, "Sign in");
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "login-error" });
  const form = h(
    "form",
    { class: "login-form", novalidate: true },
    h("label", { class: "field-label", for: "login-name" }, "User name"),
    name,
    h("label", { class: "field-label login-label", for: "login-password" }, "Password"),
    password,
    submit,
    error,
    h(
      "p",
      { class: "login-hint", "data-testid": "login-hint" },
      "No account yet? On a new server, open the one-time setup link it printed at start to create the first admin, or run ",
      h("code", null, "flexboard user add NAME --role admin"),
      ". A wall display does not sign in: open ",
      h("a", { href: "/pair" }, "/pair"),
      " on it.",
    ),
  );
  let waitTimer = 0;
  const fail = (msg: string, field: HTMLInputElement | null) => {
    error.textContent = msg;
    name.removeAttribute("aria-invalid");
    password.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (name.value.trim() === "") return fail("Enter your user name.", name);
    if (password.value === "") return fail("Enter your password.", password);
    submit.disabled = true;
    error.textContent = "";
    signIn(name.value.trim(), password.value).then(
      () => window.location.replace(next),
      (err: unknown) => {
        submit.disabled = false;
        password.value = "";
        if (err instanceof SignInError && err.status === 429) {
          // Rate-limited: say how long, and keep the button off until then.
          const until = Date.now() + err.retryAfter * 1000;
          submit.disabled = err.retryAfter > 0;
          const tick = () => {
            const left = (until - Date.now()) / 1000;
            if (left <= 0) {
              submit.disabled = false;
              error.textContent = "You may try again now.";
              return;
            }
            error.textContent = `Too many failed sign-ins: try again in ${formatWait(left)}.`;
            waitTimer = window.setTimeout(tick, 1000);
          };
          window.clearTimeout(waitTimer);
          if (err.retryAfter > 0) tick();
          else fail(errorMessage(err), null);
          return;
        }
        if (err instanceof SignInError && err.status === 401) return fail("Wrong user name or password.", password);
        if (err instanceof SignInError && err.field === "name") return fail(errorMessage(err), name);
        fail(`Could not sign in: ${errorMessage(err)}`, null);
      },
    );
  });
  shell(root, h("h1", { class: "login-title" }, "Sign in"), form);
  name.focus();
}
