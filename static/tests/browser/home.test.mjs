// The home page against the real server: empty state, the board list with
// names that must stay text, and the error state with Retry.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, screenshot, startServer, watchPage, apiRequest } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer({ name: "home", args: ["--demo=false"] }); // the list starts empty: no first-run demo board
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function api(method, p, body) {
  return apiRequest(server.url, method, p, body);
}

test("home: empty state, then boards listed with escaped names and working links", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page);

  await page.goto(server.url + "/");
  await page.waitForSelector('[data-testid="empty"]');
  assert.equal(await page.title(), "Flexboard");
  assert.equal(
    await page.textContent('[data-testid="curl"]'),
    `curl -X POST -H 'Content-Type: application/json' -d '{"name":"My first board"}' ${server.url}/api/v1/boards`,
  );
  assert.ok(await page.isVisible('[data-testid="curl"]'), "curl example is not visible");
  await page.click('[data-testid="copy-curl"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="copy-curl"]')?.textContent !== "Copy");
  assert.equal(await page.textContent('[data-testid="copy-curl"]'), "Copied");

  const health = (await api("GET", "/healthz")).json();
  assert.equal(health.status, "ok");
  await page.waitForFunction(() => (document.querySelector('[data-testid="version"]')?.textContent ?? "") !== "");
  const version = await page.textContent('[data-testid="version"]');
  assert.ok(version.includes(health.version), `header version ${JSON.stringify(version)} lacks ${health.version}`);
  await screenshot(page, "home-empty");

  const names = ["Reservation system — situation room", "<script>alert(1)</script>"];
  const created = [];
  for (const name of names) {
    const res = await api("POST", "/api/v1/boards", { name });
    assert.equal(res.status, 201, `POST /api/v1/boards: ${res.text}`);
    created.push(res.json());
  }

  await page.reload();
  await page.waitForSelector('[data-testid="boards"]');
  assert.equal(await page.locator('[data-testid="board-row"]').count(), 2);
  assert.equal(await page.textContent('[data-testid="board-count"]'), "2");

  for (const board of created) {
    const row = page.locator(`[data-testid="board-row"][data-board-id="${board.id}"]`);
    assert.equal(await row.count(), 1, `no row for board ${board.id}`);
    assert.equal(await row.locator('[data-testid="board-name"]').textContent(), board.name);
    assert.deepEqual(await row.locator('[data-testid="variant"]').allTextContents(), ["16:9 · 1920×1080"]);
    assert.equal(await row.locator('[data-testid="board-widgets"]').textContent(), "0");
    assert.equal(await row.locator('[data-testid="board-revision"]').textContent(), String(board.revision));

    const updated = row.locator('[data-testid="board-updated"]');
    assert.equal(await updated.textContent(), "just now");
    assert.equal(await updated.getAttribute("datetime"), board.updated_at);
    assert.match(await updated.getAttribute("title"), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC[+-]\d{2}:\d{2}$/);

    assert.equal(await row.locator('[data-testid="link-display"]').getAttribute("href"), `/d/${board.id}`);
    const jsonHref = await row.locator('[data-testid="link-json"]').getAttribute("href");
    assert.equal(jsonHref, `/api/v1/boards/${board.id}`);
    const exportLink = row.locator('[data-testid="link-export"]');
    assert.equal(await exportLink.getAttribute("href"), `/api/v1/boards/${board.id}/export`);
    assert.notEqual(await exportLink.getAttribute("download"), null, "Export link has no download attribute");

    const got = await api("GET", jsonHref);
    assert.equal(got.status, 200, `GET ${jsonHref}: ${got.text}`);
    assert.equal(got.json().name, board.name);
    const exported = await api("GET", await exportLink.getAttribute("href"));
    assert.equal(exported.status, 200, `GET export: ${exported.text}`);
  }

  // The "<script>" name is text: no element was injected and nothing ran.
  const scripts = await page.evaluate(() => Array.from(document.scripts, (s) => s.getAttribute("src")));
  assert.equal(scripts.length, 1, `scripts on the page: ${JSON.stringify(scripts)}`);
  assert.match(scripts[0], /^\/assets\/main-[A-Z0-9]+\.js$/);
  assert.deepEqual(watch.dialogs, []);

  // Pages that do not exist yet (the editor) are not linked to.
  const hrefs = await page.evaluate(() => Array.from(document.querySelectorAll("a[href]"), (a) => a.getAttribute("href")));
  for (const href of hrefs) assert.doesNotMatch(href, /^\/edit\//, `link to a page that does not exist: ${href}`);

  // A wall-sized screen shows the whole list without scrollbars.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, "horizontal scrollbar at 1920×1080");

  await screenshot(page, "home");
  assert.deepEqual(browser.foreignRequests, []);
  watch.check();
  await page.close();
});

test("home: API error shows its message, Retry recovers", async () => {
  const page = await browser.newPage();
  // The failure below is staged: Chromium logs the 503 as a console error.
  const watch = watchPage(page, {
    allowHTTPErrors: [/\/api\/v1\/boards$/],
    allowConsole: [/status of 503/],
  });
  let failing = true;
  await page.route("**/api/v1/boards", (route) =>
    failing
      ? route.fulfill({
          status: 503,
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "internal", message: "database is locked — try again" } }),
        })
      : route.continue(),
  );

  await page.goto(server.url + "/");
  await page.waitForSelector('[data-testid="error"]');
  assert.equal(await page.textContent('[data-testid="error-message"]'), "database is locked — try again");
  assert.ok(await page.isVisible('[data-testid="retry"]'), "Retry is not visible");
  await screenshot(page, "home-error");

  failing = false;
  await page.click('[data-testid="retry"]');
  await page.waitForSelector('[data-testid="boards"]');
  assert.equal(await page.locator('[data-testid="board-row"]').count(), 2);
  watch.check();
  await page.close();
});
