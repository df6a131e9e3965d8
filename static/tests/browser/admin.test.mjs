// Issue 9, the admin page (/admin) under --auth=password: the real binary with
// a fresh database and its first admin made through the setup link. An admin
// adds an editor, changes their role, meets the server's refusals beside the
// field they name (a short password, a name taken, the last admin), makes an
// ingest token whose secret is shown once, pushes with it (last used filled),
// revokes it and sees the push refused. A signed-in viewer opening /admin
// gets a page saying why, not JSON. With --auth=none the page says there are
// no users and how to turn sign-in on.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiRequest, launchBrowser, screenshot, startServer, watchPage, startPasswordServer, TEST_PASSWORD } from "./harness.mjs";

const PASSWORD = TEST_PASSWORD;
const ED_PASSWORD = "editor's long password";

let server;
let open;
let browser;

before(async () => {
  server = await startPasswordServer({ name: "admin" });
  browser = await launchBrowser({ width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await open?.stop();
});

/** The refusals the tests cause on purpose (the page shows them; the browser logs each). */
const expected = {
  allowHTTPErrors: [/\/api\/v1\/users(\/\d+)?$/, /\/admin$/, /\/api\/v1\/auth\/me$/],
  allowConsole: [/status of 40[0139]/],
};

async function signIn(page, name, password, next = "/admin") {
  await browser.context.clearCookies();
  await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
  await page.waitForSelector("#login-name");
  await page.fill("#login-name", name);
  await page.fill("#login-password", password);
  await page.click('[data-testid="login-submit"]');
  await page.waitForURL(`${server.url}${next}`);
}

const row = (name) => `[data-testid="user-row"][data-user="${name}"]`;
const text = (page, sel) => page.textContent(sel).then((t) => (t ?? "").trim());

test("users: the admin is marked you; add an editor; a short password and a taken name are refused beside the field; role changes; the last admin stays", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page, expected);
  await signIn(page, "ada", PASSWORD);
  await page.waitForSelector(`${row("ada")} [data-testid="you"]`);
  assert.equal(await page.title(), "Admin · Flexboard");
  assert.equal(await page.getAttribute('[data-testid="tab-users"]', "aria-selected"), "true");
  // The minimum comes from the server (auth.MinPasswordLength), before anyone types.
  assert.equal(await text(page, '[data-testid="password-hint"]'), "At least 12 characters.");
  assert.equal(await page.inputValue(`${row("ada")} [data-testid="user-role"]`), "admin");
  assert.notEqual(await text(page, `${row("ada")} [data-testid="user-last-login"]`), "never");
  // The top bar's Admin link is there for an admin.
  assert.equal(await page.getAttribute('[data-testid="admin-link"]', "aria-current"), "page");

  // A short password: the server's message, beside the password field.
  await page.fill('[data-testid="new-user-name"]', "ed");
  await page.selectOption('[data-testid="new-user-role"]', "editor");
  await page.fill('[data-testid="new-user-password"]', "short");
  assert.equal(await text(page, '[data-testid="password-hint"]'), "5 of at least 12 characters.");
  await page.click('[data-testid="add-user"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="new-user-password-error"]')?.textContent !== "");
  assert.equal(await text(page, '[data-testid="new-user-password-error"]'), "Password is 5 characters; a password needs at least 12");
  assert.equal(await page.getAttribute('[data-testid="new-user-password"]', "aria-invalid"), "true");
  assert.equal(await text(page, '[data-testid="new-user-name-error"]'), "");
  assert.equal(await page.locator(row("ed")).count(), 0);
  await screenshot(page, "admin-short-password");

  await page.fill('[data-testid="new-user-password"]', ED_PASSWORD);
  assert.equal(await text(page, '[data-testid="new-user-password-error"]'), "", "typing clears the error");
  await page.click('[data-testid="add-user"]');
  await page.waitForSelector(row("ed"));
  assert.equal(await page.inputValue(`${row("ed")} [data-testid="user-role"]`), "editor");
  assert.equal(await text(page, `${row("ed")} [data-testid="user-last-login"]`), "never");
  assert.equal(await page.locator(`${row("ed")} [data-testid="you"]`).count(), 0);
  assert.equal(await text(page, '[data-testid="new-user-ok"]'), "Added ed (editor).");
  assert.equal(await text(page, '[data-testid="user-count"]'), "2");
  assert.equal(await page.inputValue('[data-testid="new-user-name"]'), "", "the form is emptied");

  // A name taken (ignoring case): beside the name.
  await page.fill('[data-testid="new-user-name"]', "ED");
  await page.fill('[data-testid="new-user-password"]', ED_PASSWORD);
  await page.click('[data-testid="add-user"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="new-user-name-error"]')?.textContent !== "");
  assert.match(await text(page, '[data-testid="new-user-name-error"]'), /^A user named "ED" already exists \(names ignore case\)$/);
  assert.equal(await text(page, '[data-testid="new-user-password-error"]'), "");
  await screenshot(page, "admin-users");

  // Change ed's role: the server has it, the list shows it after its reload.
  await page.selectOption(`${row("ed")} [data-testid="user-role"]`, "viewer");
  await page.waitForFunction(async () => {
    const res = await fetch("/api/v1/users");
    const body = await res.json();
    return body.users.some((u) => u.name === "ed" && u.role === "viewer");
  });
  await page.waitForFunction(() => document.querySelector('[data-user="ed"] [data-testid="user-role"]')?.disabled === false);
  assert.equal(await page.inputValue(`${row("ed")} [data-testid="user-role"]`), "viewer");

  // Demoting the last admin (yourself): asked first, then refused by the server, beside the role.
  await page.selectOption(`${row("ada")} [data-testid="user-role"]`, "editor");
  await page.waitForSelector('[data-testid="confirm-dialog"]');
  assert.match(await text(page, '[data-testid="confirm-dialog"]'), /You will lose access to this page/);
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForFunction(() => document.querySelector('[data-user="ada"] [data-testid="user-role-error"]')?.textContent !== "");
  assert.match(await text(page, `${row("ada")} [data-testid="user-role-error"]`), /is the last admin: .* would leave nobody to manage users; make another admin first/);
  assert.equal(await page.inputValue(`${row("ada")} [data-testid="user-role"]`), "admin", "the select goes back");
  await screenshot(page, "admin-last-admin");

  // Deleting the last admin: refused the same way, beside the row's actions.
  await page.click(`${row("ada")} [data-testid="delete-user"]`);
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForFunction(() => document.querySelector('[data-user="ada"] [data-testid="user-action-error"]')?.textContent !== "");
  assert.match(await text(page, `${row("ada")} [data-testid="user-action-error"]`), /is the last admin/);

  // Reset ed's password: too short first (beside the field in the dialog), then a good one that signs in.
  await page.click(`${row("ed")} [data-testid="reset-password"]`);
  await page.waitForSelector('[data-testid="reset-dialog"]');
  await page.fill('[data-testid="reset-password-input"]', "tiny");
  await page.click('[data-testid="reset-submit"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="reset-password-error"]')?.textContent !== "");
  assert.equal(await text(page, '[data-testid="reset-password-error"]'), "Password is 4 characters; a password needs at least 12");
  await screenshot(page, "admin-reset-short");
  await page.fill('[data-testid="reset-password-input"]', "a brand new password for ed");
  await page.click('[data-testid="reset-submit"]');
  await page.waitForSelector('[data-testid="reset-dialog"]', { state: "detached" });
  const login = await apiRequest(server.url, "POST", "/api/v1/auth/login", { name: "ed", password: "a brand new password for ed" });
  assert.equal(login.status, 200, login.text);
  watch.check();

  // A signed-in viewer opening /admin gets a page that says why (403), not JSON; no Admin link.
  await signIn(page, "ed", "a brand new password for ed", "/");
  await page.waitForSelector('[data-testid="user-name"]');
  assert.equal(await page.locator('[data-testid="admin-link"]').count(), 0);
  const res = await page.goto(`${server.url}/admin`);
  assert.equal(res.status(), 403);
  await page.waitForSelector('[data-testid="forbidden"]');
  assert.match(await text(page, '[data-testid="forbidden"]'), /This page needs the admin role.*You are signed in as ed, with the viewer role/s);
  await screenshot(page, "admin-forbidden-viewer");
  await page.close();
});

test("API tokens: create with ingest scope, the secret shown once; push with it fills last used; revoke, and a push with it is refused 401", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page, expected);
  await signIn(page, "ada", PASSWORD, "/");
  // The board list's top bar links here for an admin.
  await page.click('[data-testid="admin-link"]');
  await page.waitForURL(`${server.url}/admin`);
  await page.click('[data-testid="tab-tokens"]');
  await page.waitForSelector('[data-testid="no-tokens"]');
  assert.equal(new URL(page.url()).hash, "#tokens");
  // Each scope says what it allows.
  for (const s of ["ingest", "read", "write"]) assert.equal(await page.locator(`[data-testid="scope-${s}"]`).count(), 1);
  assert.match(await text(page, '[data-testid="create-token-form"]'), /ingest\s*push data to the ingest endpoints/);

  // Without a scope: said beside the scopes, nothing sent.
  await page.fill('[data-testid="new-token-name"]', "agent on web-1");
  await page.click('[data-testid="create-token"]');
  assert.equal(await text(page, '[data-testid="new-token-scopes-error"]'), "Choose at least one scope.");

  await page.check('[data-testid="scope-ingest"]');
  await page.click('[data-testid="create-token"]');
  await page.waitForSelector('[data-testid="secret-dialog"]');
  const secret = await text(page, '[data-testid="token-secret"]');
  assert.match(secret, /^fbt_[A-Za-z0-9_-]{43}$/);
  const examples = await page.locator('[data-testid="token-example"]').allTextContents();
  assert.equal(examples.length, 2);
  assert.match(examples[0], new RegExp(`flexboard push --format prometheus --url ${server.url} --token ${secret}$`));
  assert.match(examples[1], new RegExp(`^curl -X POST ${server.url}/api/v1/ingest -H 'Authorization: Bearer ${secret}'`));
  await screenshot(page, "admin-token-secret");
  await page.click('[data-testid="secret-done"]');
  await page.waitForSelector('[data-testid="secret-dialog"]', { state: "detached" });

  const tokenRow = '[data-testid="token-row"][data-token="agent on web-1"]';
  await page.waitForSelector(tokenRow);
  assert.equal(await text(page, `${tokenRow} [data-testid="token-scopes"]`), "ingest");
  assert.equal(await text(page, `${tokenRow} [data-testid="token-created-by"]`), "by ada");
  assert.equal(await text(page, `${tokenRow} [data-testid="token-last-used"]`), "never");
  assert.equal(await text(page, `${tokenRow} [data-testid="token-status"]`), "Active");
  // The secret is nowhere on the page any more.
  assert.equal((await page.content()).includes(secret), false);

  // The curl example works as printed: a push with the Bearer header.
  const push = () =>
    fetch(`${server.url}/api/v1/ingest`, {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
      body: JSON.stringify({ points: [{ metric: "demo_temperature", labels: { room: "lab" }, value: 21.5 }] }),
    });
  const ok = await push();
  assert.ok(ok.status >= 200 && ok.status < 300, `push: ${ok.status} ${await ok.text()}`);

  await page.reload();
  await page.waitForSelector(tokenRow);
  assert.equal(await page.getAttribute('[data-testid="tab-tokens"]', "aria-selected"), "true", "#tokens opens the tokens tab");
  assert.notEqual(await text(page, `${tokenRow} [data-testid="token-last-used"]`), "never");
  assert.ok(await page.getAttribute(`${tokenRow} [data-testid="token-last-used"]`, "datetime"));

  await page.click(`${tokenRow} [data-testid="revoke-token"]`);
  await page.waitForSelector('[data-testid="confirm-dialog"]');
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForSelector(`${tokenRow}[data-revoked="true"]`);
  assert.match(await text(page, `${tokenRow} [data-testid="token-status"]`), /^Revoked /);
  assert.equal(await page.locator(`${tokenRow} [data-testid="revoke-token"]`).count(), 0);
  assert.equal(await text(page, '[data-testid="token-count"]'), "0");
  // Greyed: the revoked row's text is the faint colour, not the normal one.
  const color = await page.$eval(`${tokenRow} td`, (td) => getComputedStyle(td).color);
  assert.equal(color, "rgb(111, 115, 134)");
  await screenshot(page, "admin-token-revoked");

  const refused = await push();
  assert.equal(refused.status, 401);
  const body = await refused.json();
  assert.equal(body.error.code, "unauthorized");
  assert.match(body.error.message, /revoked/);
  assert.deepEqual(browser.foreignRequests, []);
  watch.check();
  await page.close();
});

test("--auth=none: /admin says there are no users and how to turn password sign-in on", async () => {
  open = await startServer({ name: "admin-none", args: ["--demo=false"] });
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(`${open.url}/admin`);
  await page.waitForSelector('[data-testid="auth-none"]');
  const t = await text(page, '[data-testid="auth-none"]');
  assert.match(t, /There are no users: sign-in is off/);
  assert.match(t, /flexboard serve --auth=password/);
  assert.match(t, /flexboard user add NAME --role admin/);
  assert.equal(await page.locator('[data-testid="admin-link"]').count(), 0);
  await screenshot(page, "admin-auth-none");
  watch.check();
  await page.close();
});
