// Issue 9, what a signed-out browser sees under --auth=password: the real
// binary with a fresh database, its first admin made through the setup link
// it prints (as a person would, but posted as JSON). Signed out, every page
// goes to /login?next=…; a wrong password says so; too many failures say how
// long to wait; signing in returns to the page asked for (never to another
// site); the top bar names the user; Sign out ends the session and returns to
// the sign-in page. With --auth=none, /login says sign-in is off.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiRequest, launchBrowser, screenshot, startServer, watchPage, startPasswordServer, TEST_PASSWORD } from "./harness.mjs";

const PASSWORD = TEST_PASSWORD;

let server;
let open;
let browser;

before(async () => {
  server = await startPasswordServer({ name: "login" });
  browser = await launchBrowser({ width: 1280, height: 800 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await open?.stop();
});

/** The 401s a signed-out page and failed sign-ins cause on purpose. */
const expected = { allowHTTPErrors: [/\/api\/v1\/auth\/(me|login)$/], allowConsole: [/status of 40[13]|status of 429/] };

/** Waits for the board list to finish its requests (leaving earlier would abort them). */
async function homeLoaded(page) {
  await page.waitForSelector('#content:not([data-state="loading"])');
  await page.waitForFunction(() => document.querySelector('[data-testid="version"]')?.textContent !== "");
}

async function fill(page, name, password) {
  await page.fill("#login-name", name);
  await page.fill("#login-password", password);
  await page.click('[data-testid="login-submit"]');
}

test("signed out: / goes to the sign-in page; a wrong password says so; signing in returns; Sign out ends the session", async () => {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  const watch = watchPage(page, expected);
  await page.goto(`${server.url}/`);
  await page.waitForSelector("#login-name");
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, "/login?next=%2F");
  assert.equal(await page.title(), "Sign in · Flexboard");
  await screenshot(page, "login-signed-out");

  await fill(page, "ada", "not the password at all");
  await page.waitForFunction(() => document.querySelector('[data-testid="login-error"]')?.textContent !== "");
  assert.equal(await page.textContent('[data-testid="login-error"]'), "Wrong user name or password.");
  assert.equal(await page.getAttribute("#login-password", "aria-invalid"), "true");
  assert.equal(new URL(page.url()).pathname, "/login");
  await screenshot(page, "login-wrong-password");

  await fill(page, "ada", PASSWORD);
  await page.waitForURL(`${server.url}/`);
  await page.waitForSelector('[data-testid="user-name"]');
  assert.equal(await page.textContent('[data-testid="user-name"]'), "ada");
  await homeLoaded(page);
  await screenshot(page, "login-signed-in-home");

  await page.click('[data-testid="sign-out"]');
  await page.waitForURL(/\/login\?next=%2F$/);
  await page.waitForSelector("#login-name");
  await screenshot(page, "login-signed-out-again");
  // The session really ended: the list sends us back to sign in.
  await page.goto(`${server.url}/widgets`);
  await page.waitForURL(/\/login\?next=%2Fwidgets$/);
  await page.waitForSelector("#login-name");
  await fill(page, "ada", PASSWORD);
  await page.waitForURL(`${server.url}/widgets`);
  watch.check();
  await page.close();
});

test("next: only a path on this server; a deep page with its query comes back whole", async () => {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  const watch = watchPage(page, expected);
  await page.goto(`${server.url}/login?next=${encodeURIComponent("//evil.example/x")}`);
  await page.waitForSelector("#login-name");
  await fill(page, "ada", PASSWORD);
  await page.waitForURL(`${server.url}/`);
  await homeLoaded(page);

  await browser.context.clearCookies();
  await page.goto(`${server.url}/login?next=${encodeURIComponent("http://evil.example/")}`);
  await fill(page, "ada", PASSWORD);
  await page.waitForURL(`${server.url}/`);
  await homeLoaded(page);

  // Signed in already, /login offers to continue rather than a form.
  await page.goto(`${server.url}/login?next=%2Fwidgets`);
  await page.waitForSelector('[data-testid="login-continue"]');
  assert.equal(await page.textContent('[data-testid="login-user"]'), "ada");
  assert.equal(await page.getAttribute('[data-testid="login-continue"]', "href"), "/widgets");

  await browser.context.clearCookies();
  await page.goto(`${server.url}/widgets?kind=gauge#top`);
  await page.waitForSelector("#login-name");
  await fill(page, "ada", PASSWORD);
  await page.waitForURL(`${server.url}/widgets?kind=gauge`);
  assert.deepEqual(browser.foreignRequests, []);
  watch.check();
  await page.close();
});

test("too many failed sign-ins: the page says how long to wait and keeps the button off", async () => {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  const watch = watchPage(page, expected);
  await page.goto(`${server.url}/login`);
  await page.waitForSelector("#login-name");
  // auth.MaxLoginFailuresUser failures for one name, then the next is refused unheard.
  for (let i = 0; i < 5; i++) {
    await fill(page, "mallory", `guess number ${i} is wrong`);
    await page.waitForFunction(() => document.querySelector('[data-testid="login-error"]')?.textContent === "Wrong user name or password.");
    await page.evaluate(() => (document.querySelector('[data-testid="login-error"]').textContent = ""));
  }
  await fill(page, "mallory", "one more guess, refused");
  await page.waitForFunction(() => /^Too many failed sign-ins: try again in \d+ min/.test(document.querySelector('[data-testid="login-error"]')?.textContent ?? ""));
  assert.equal(await page.isDisabled('[data-testid="login-submit"]'), true);
  await screenshot(page, "login-rate-limited");
  watch.check();
  await page.close();
});

test("--auth=none: /login says sign-in is off and links to the board list; the top bar names nobody", async () => {
  open = await startServer({ name: "login-none", args: ["--demo=false"] });
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(`${open.url}/login?next=%2Fwidgets`);
  await page.waitForSelector('[data-testid="login-off"]');
  assert.match(await page.textContent('[data-testid="login"]'), /Sign-in is off/);
  await screenshot(page, "login-auth-none");
  await page.click('a[href="/"]');
  await page.waitForURL(`${open.url}/`);
  await homeLoaded(page);
  assert.equal(await page.locator('[data-testid="sign-out"]').count(), 0);
  watch.check();
  await page.close();
});
