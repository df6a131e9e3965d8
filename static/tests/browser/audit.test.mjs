// Issue 9, the audit log page (/audit): the real binary with a fresh
// database under --auth=password, its first admin made through the setup
// link. Changes made through the API (signed in as the admin, with the
// session's CSRF token) and a failed sign-in appear in the table with who,
// what, target, outcome and address; filtering by who and by action (a
// group from the menu, or an exact action clicked in the table) narrows it
// and is kept in the address; "Older entries" pages back; a viewer gets no
// link and no log. With --auth=none the changes are "anonymous" with the
// client's address.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiRequest, createBoardAt, launchBrowser, screenshot, startServer, watchPage, startPasswordServer, TEST_PASSWORD } from "./harness.mjs";

const PASSWORD = TEST_PASSWORD;

let server;
let open;
let browser;

before(async () => {
  server = await startPasswordServer({ name: "audit" });
  browser = await launchBrowser({ width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await open?.stop();
});

async function signIn(page, name) {
  await page.goto(`${server.url}/login`);
  await page.fill("#login-name", name);
  await page.fill("#login-password", PASSWORD);
  await page.click('[data-testid="login-submit"]');
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('[data-testid="user-name"]');
}

/** Calls the API from the page, as the signed-in user, with the session's CSRF token. */
async function call(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch("/api/v1/auth/me")).json();
      const res = await fetch(path, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf_token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.text() };
    },
    { method, path, body },
  );
}

async function rows(page) {
  return page.$$eval('[data-testid="audit-row"]', (trs) =>
    trs.map((tr) => ({
      what: tr.querySelector('[data-testid="audit-what"]').textContent,
      who: tr.querySelector('[data-testid="audit-who"]').textContent,
      summary: tr.querySelector('[data-testid="audit-summary"]').textContent,
      outcome: tr.getAttribute("data-outcome"),
      cells: Array.from(tr.querySelectorAll("td")).map((td) => td.textContent),
    })),
  );
}

async function loaded(page) {
  await page.waitForSelector('[data-testid="audit-content"][data-state="ready"]');
}

/** The 401s of a signed-out page and the failed sign-in, the viewer's 403s. */
const expected = { allowHTTPErrors: [/\/api\/v1\/auth\/(me|login)$/, /\/audit$/, /\/api\/v1\/audit\?/], allowConsole: [/status of 40[13]/] };

test("changes and a failed sign-in appear in the log; filters by who and action; older entries page back", async () => {
  const bad = await apiRequest(server.url, "POST", "/api/v1/auth/login", { name: "ada", password: "not the password, sorry" });
  assert.equal(bad.status, 401);

  const page = await browser.newPage();
  const watch = watchPage(page, expected);
  await signIn(page, "ada");
  // The admin's link is in the top bar.
  await page.waitForSelector('[data-testid="nav-audit"]:not([hidden])');
  const created = await call(page, "POST", "/api/v1/boards", { name: "Checkout" });
  assert.equal(created.status, 201, created.body);
  const board = JSON.parse(created.body);
  const renamed = await call(page, "PUT", `/api/v1/boards/${board.id}`, { ...board, name: "Checkout v2" });
  assert.equal(renamed.status, 200, renamed.body);
  const vic = await call(page, "POST", "/api/v1/users", { name: "vic", role: "viewer", password: PASSWORD });
  assert.equal(vic.status, 201, vic.body);

  await page.click('[data-testid="nav-audit"]');
  await page.waitForURL(`${server.url}/audit`);
  await loaded(page);
  assert.equal(await page.title(), "Audit log · Flexboard");
  let got = await rows(page);
  assert.deepEqual(
    got.map((r) => `${r.what} ${r.who} ${r.outcome}`),
    ["user.create ada done", "board.update ada done", "board.create ada done", "auth.login ada done", "auth.login anonymous refused", "auth.setup ada done"],
  );
  assert.equal(got[1].summary, `updated board ${board.id} "Checkout v2" to revision 2`);
  assert.equal(got[4].summary, 'failed login as "ada": wrong user name or password');
  // When, who, what, target, outcome, address.
  assert.match(got[1].cells[0], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+00:00$/);
  assert.equal(got[1].cells[3], `board ${board.id}`);
  assert.equal(got[1].cells[4], "done 200");
  assert.equal(got[1].cells[5], "127.0.0.1");
  assert.equal(got[4].cells[4], "refused 401");
  assert.equal(got[4].cells[1], "anonymous");
  await screenshot(page, "audit-log");

  // Who: typed.
  await page.fill('[data-testid="audit-actor"]', "anonymous");
  await page.click('[data-testid="audit-apply"]');
  await page.waitForURL(`${server.url}/audit?actor=anonymous`);
  await loaded(page);
  got = await rows(page);
  assert.deepEqual(got.map((r) => r.what), ["auth.login"]);

  // Action: a group from the menu, with who cleared.
  await page.click('[data-testid="audit-clear"]');
  await page.waitForURL(`${server.url}/audit`);
  await loaded(page);
  await page.selectOption('[data-testid="audit-action"]', "board");
  await page.waitForURL(`${server.url}/audit?action=board`);
  await loaded(page);
  got = await rows(page);
  assert.deepEqual(got.map((r) => r.what), ["board.update", "board.create"]);
  await screenshot(page, "audit-log-boards");

  // An exact action, clicked in the table; Back returns to the group.
  await page.click('[data-testid="audit-what"]:text("board.create")');
  await page.waitForURL(`${server.url}/audit?action=board.create`);
  await loaded(page);
  got = await rows(page);
  assert.deepEqual(got.map((r) => r.what), ["board.create"]);
  assert.equal(await page.inputValue('[data-testid="audit-action"]'), "board.create");
  await page.goBack();
  await page.waitForURL(`${server.url}/audit?action=board`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length === 2);

  // Nothing matches: said so.
  await page.fill('[data-testid="audit-actor"]', "nobody-at-all");
  await page.click('[data-testid="audit-apply"]');
  await page.waitForSelector('[data-testid="audit-empty"]');
  assert.match(await page.textContent('[data-testid="audit-empty"]'), /Nothing matches/);

  // Older entries: 55 more changes are over one page of 50.
  for (let i = 0; i < 55; i++) {
    const r = await call(page, "PUT", `/api/v1/boards/${board.id}`, { ...board, name: `Checkout ${i}`, revision: i + 2 });
    assert.equal(r.status, 200, r.body);
  }
  await page.goto(`${server.url}/audit`);
  await loaded(page);
  assert.equal((await rows(page)).length, 50);
  assert.equal(await page.textContent('[data-testid="audit-count"]'), "50+");
  await page.click('[data-testid="audit-older"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length === 61);
  await page.waitForSelector('[data-testid="audit-end"]');
  got = await rows(page);
  assert.equal(got[0].summary, `updated board ${board.id} "Checkout 54" to revision 57`);
  assert.equal(got[60].what, "auth.setup");
  assert.equal(new Set(got.map((r) => r.cells.join("|"))).size, 61, "a row shown twice");
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await screenshot(page, "audit-log-older");
  watch.check();
  assert.deepEqual(browser.foreignRequests, []);
  await page.close();
});

test("a viewer has no audit link and is refused the log", async () => {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  const watch = watchPage(page, expected);
  await signIn(page, "vic");
  await page.waitForSelector('[data-testid="nav-audit"]', { state: "attached" });
  assert.equal(await page.getAttribute('[data-testid="nav-audit"]', "hidden"), "");
  const r = await call(page, "GET", "/api/v1/audit");
  assert.equal(r.status, 403);
  assert.match(JSON.parse(r.body).error.message, /needs the admin role; vic is viewer/);
  const res = await page.goto(`${server.url}/audit`);
  assert.equal(res.status(), 403);
  watch.check();
  await page.close();
});

test("--auth=none: a change is recorded as anonymous with the client's address", async () => {
  open = await startServer({ name: "audit-none", args: ["--demo=false"] });
  const b = await createBoardAt(open.url, { name: "Open board" });
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(`${open.url}/`);
  await page.waitForSelector('[data-testid="nav-audit"]:not([hidden])');
  await page.goto(`${open.url}/audit`);
  await loaded(page);
  const got = await rows(page);
  assert.equal(got.length, 1);
  assert.equal(got[0].what, "board.create");
  assert.equal(got[0].summary, `created board ${b.id} "Open board"`);
  assert.equal(got[0].cells[1], "anonymous");
  assert.equal(got[0].cells[5], "127.0.0.1");
  await screenshot(page, "audit-log-auth-none");
  watch.check();
  await page.close();
});
