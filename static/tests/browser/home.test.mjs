// The board list (/) against the real server: empty state; cards with
// thumbnails drawn at the variant's true proportions and names that stay
// text; the error state with Retry; create (blank, and from a template with
// the keyboard); duplicate; delete with Undo; the trash (restore, delete
// forever); import and export.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launchBrowser, screenshot, startServer, watchPage, apiRequest } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer({ name: "home", args: ["--demo=false"] }); // the list starts empty: no first-run boards
  browser = await launchBrowser({ width: 1600, height: 1000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function api(method, p, body) {
  return apiRequest(server.url, method, p, body);
}

async function boardIDs() {
  const res = await api("GET", "/api/v1/boards");
  assert.equal(res.status, 200, res.text);
  return res.json().boards.map((b) => b.id);
}

async function trashIDs() {
  const res = await api("GET", "/api/v1/trash");
  assert.equal(res.status, 200, res.text);
  return res.json().boards.map((b) => b.id);
}

const card = (page, id) => page.locator(`[data-testid="board-card"][data-board-id="${id}"]`);

/** The editor is another page: answered here with a stub so these tests see only the list's navigation to it. */
async function stubEditor(page) {
  await page.route(/\/edit\/[^/]+$/, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<title>editor stub</title>" }));
}

/** Waits for the list to be drawn (thumbnails come with it: the list answer carries every board's layout). */
async function waitForList(page) {
  await page.waitForSelector('[data-testid="boards"]');
}

/** The paths of the API requests recorded from index from on, without the origin. */
const apiPaths = (watch, from) => watch.requests.slice(from).map((u) => new URL(u).pathname).filter((p) => p.startsWith("/api/"));

test("home: empty state, then cards with thumbnails at true proportions, escaped names and working links", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page);

  await page.goto(server.url + "/");
  await page.waitForSelector('[data-testid="empty"]');
  assert.equal(await page.title(), "Flexboard");
  assert.ok(await page.isVisible('[data-testid="empty-create"]'), "the empty state offers no Create button");
  assert.equal(
    await page.textContent('[data-testid="curl"]'),
    `curl -X POST -H 'Content-Type: application/json' -d '{"name":"My first board"}' ${server.url}/api/v1/boards`,
  );
  await page.click('[data-testid="copy-curl"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="copy-curl"]')?.textContent !== "Copy");
  assert.equal(await page.textContent('[data-testid="copy-curl"]'), "Copied");

  const health = (await api("GET", "/healthz")).json();
  await page.waitForFunction(() => (document.querySelector('[data-testid="version"]')?.textContent ?? "") !== "");
  assert.ok((await page.textContent('[data-testid="version"]')).includes(health.version));
  await screenshot(page, "home-empty");

  // A 32:9 board with four kinds placed, and two plain 16:9 ones.
  const wide = {
    name: "Reservation system — situation room",
    widgets: [
      { id: "tps", kind: "stat", title: "TPS", config: {} },
      { id: "trend", kind: "timeseries", title: "Trend", config: {} },
      { id: "hosts", kind: "honeycomb", title: "Hosts", config: {} },
      { id: "rt", kind: "hitmap", title: "Response times", config: {} },
    ],
    variants: [
      {
        name: "32:9",
        canvas: { width: 3840, height: 1080 },
        grid: { columns: 96, rows: 27 },
        placements: [
          { widget: "tps", x: 0, y: 0, w: 12, h: 9 },
          { widget: "trend", x: 12, y: 0, w: 36, h: 9 },
          { widget: "hosts", x: 0, y: 9, w: 48, h: 18 },
          { widget: "rt", x: 48, y: 0, w: 48, h: 27 },
        ],
      },
      { name: "16:9", canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements: [] },
    ],
  };
  const created = [];
  for (const body of [wide, { name: "<script>alert(1)</script>" }, { name: "Lobby" }]) {
    const res = await api("POST", "/api/v1/boards", body);
    assert.equal(res.status, 201, `POST /api/v1/boards: ${res.text}`);
    created.push(res.json());
  }

  const before = watch.requests.length;
  await page.reload();
  await waitForList(page);
  await page.waitForLoadState("networkidle"); // nothing left in flight: late thumbnail fetches would show below
  assert.equal(await page.locator('[data-testid="board-card"]').count(), 3);
  // One list request draws every card and thumbnail: no GET of a single board.
  const paths = apiPaths(watch, before);
  assert.deepEqual(paths.filter((p) => p === "/api/v1/boards"), ["/api/v1/boards"], `API requests: ${paths.join(", ")}`);
  assert.deepEqual(paths.filter((p) => p.startsWith("/api/v1/boards/")), [], `API requests: ${paths.join(", ")}`);
  assert.equal(await page.locator('[data-testid="thumb-box"][data-thumb="drawn"]').count(), 3);
  assert.equal(await page.textContent('[data-testid="board-count"]'), "3");

  for (const board of created) {
    const c = card(page, board.id);
    assert.equal(await c.count(), 1, `no card for board ${board.id}`);
    assert.equal(await c.locator('[data-testid="board-name"]').textContent(), board.name);
    assert.equal(await c.locator('[data-testid="board-revision"]').textContent(), String(board.revision));
    const updated = c.locator('[data-testid="board-updated"]');
    assert.equal(await updated.textContent(), "just now");
    assert.equal(await updated.getAttribute("datetime"), board.updated_at);
    assert.match(await updated.getAttribute("title"), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC[+-]\d{2}:\d{2}$/);
    assert.equal(await c.locator('[data-testid="link-display"]').getAttribute("href"), `/d/${board.id}`);
    assert.equal(await c.locator('[data-testid="link-editor"]').getAttribute("href"), `/edit/${board.id}`);
    assert.equal(await c.locator('[data-testid="link-edit"]').getAttribute("href"), `/edit/${board.id}`);
    const exportLink = c.locator('[data-testid="link-export"]');
    assert.equal(await exportLink.getAttribute("href"), `/api/v1/boards/${board.id}/export`);
    assert.notEqual(await exportLink.getAttribute("download"), null, "Export link has no download attribute");
  }

  // The 32:9 board: both variants listed, the thumbnail drawn from the first
  // at 32:9 with one rectangle per placement, tinted by kind, in place.
  const w = card(page, created[0].id);
  assert.deepEqual(await w.locator('[data-testid="variant"]').allTextContents(), ["32:9 · 3840×1080", "16:9 · 1920×1080"]);
  assert.equal(await w.locator('[data-testid="board-widgets"]').textContent(), "4 widgets");
  const thumb = w.locator('[data-testid="thumb"]');
  assert.equal(await thumb.getAttribute("data-canvas"), "3840x1080");
  assert.equal(await thumb.getAttribute("data-variant"), "32:9");
  const geo = await thumb.evaluate((svg) => {
    const outer = svg.querySelector("rect").getBoundingClientRect();
    return {
      outer: { x: outer.x, y: outer.y, w: outer.width, h: outer.height },
      items: Array.from(svg.querySelectorAll('[data-testid="thumb-item"]'), (g) => {
        const r = g.querySelector("rect").getBoundingClientRect();
        return { kind: g.getAttribute("data-kind"), x: r.x, y: r.y, w: r.width, h: r.height, label: g.querySelector("title").textContent };
      }),
    };
  });
  const ratio = geo.outer.w / geo.outer.h;
  assert.ok(Math.abs(ratio - 32 / 9) < 0.05, `thumbnail drawn at ${ratio.toFixed(3)}:1, want 32:9 (3.556)`);
  assert.deepEqual(
    geo.items.map((i) => [i.kind, i.label]),
    [
      ["stat", "stat widget"],
      ["timeseries", "timeseries widget"],
      ["honeycomb", "honeycomb widget"],
      ["hitmap", "hitmap widget"],
    ],
  );
  const placements = wide.variants[0].placements;
  geo.items.forEach((it, i) => {
    const p = placements[i];
    // Each rectangle sits at its grid cells (within a small gap and a pixel of rounding).
    const tol = geo.outer.w * 0.01 + 1;
    assert.ok(Math.abs(it.x - (geo.outer.x + (p.x / 96) * geo.outer.w)) < tol, `${p.widget} x`);
    assert.ok(Math.abs(it.y - (geo.outer.y + (p.y / 27) * geo.outer.h)) < tol, `${p.widget} y`);
    assert.ok(Math.abs(it.w - (p.w / 96) * geo.outer.w) < tol, `${p.widget} w`);
    assert.ok(Math.abs(it.h - (p.h / 27) * geo.outer.h) < tol, `${p.widget} h`);
  });
  // Boards without widgets say so over an empty 16:9 frame.
  const lobby = card(page, created[2].id);
  assert.equal(await lobby.locator('[data-testid="thumb"]').getAttribute("data-canvas"), "1920x1080");
  assert.equal(await lobby.locator('[data-testid="thumb-item"]').count(), 0);
  assert.equal(await lobby.locator(".thumb-empty").textContent(), "No widgets yet");

  // The filter narrows the cards by name.
  await page.fill('[data-testid="filter"]', "reservation");
  assert.equal(await page.locator('[data-testid="board-card"]').count(), 1);
  await page.fill('[data-testid="filter"]', "nothing like this");
  await page.waitForSelector('[data-testid="no-match"]');
  await page.fill('[data-testid="filter"]', "");
  assert.equal(await page.locator('[data-testid="board-card"]').count(), 3);

  // The "<script>" name is text: no element was injected and nothing ran.
  const scripts = await page.evaluate(() => Array.from(document.scripts, (s) => s.getAttribute("src")));
  assert.equal(scripts.length, 1, `scripts on the page: ${JSON.stringify(scripts)}`);
  assert.match(scripts[0], /^\/assets\/main-[A-Z0-9]+\.js$/);
  assert.deepEqual(watch.dialogs, []);

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, "horizontal scrollbar at 1600×1000");
  await screenshot(page, "home");
  assert.deepEqual(browser.foreignRequests, []);
  watch.check();
  await page.close();
});

test("home: API error shows its message, Retry recovers", async () => {
  const page = await browser.newPage();
  // The failure below is staged: Chromium logs the 503 as a console error.
  const watch = watchPage(page, { allowHTTPErrors: [/\/api\/v1\/boards$/], allowConsole: [/status of 503/] });
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
  await waitForList(page);
  assert.equal(await page.locator('[data-testid="board-card"]').count(), 3);
  watch.check();
  await page.close();
});

test("home: create a blank board and one from a template, with the keyboard", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page);
  await stubEditor(page);
  await page.goto(server.url + "/");
  await waitForList(page);
  const before = await boardIDs();

  // Blank: an empty name is refused beside the field and creates nothing.
  await page.click('[data-testid="new-board"]');
  await page.waitForSelector('[data-testid="create-dialog"][open]');
  assert.equal(await page.inputValue('[data-testid="create-name"]'), "New board");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "create-name");
  await page.fill('[data-testid="create-name"]', "   ");
  await page.click('[data-testid="create-submit"]');
  assert.equal(await page.textContent('[data-testid="create-name-error"]'), "Give the board a name.");
  assert.deepEqual(await boardIDs(), before);
  await page.fill('[data-testid="create-name"]', "Ops lobby");
  await page.press('[data-testid="create-name"]', "Enter");
  await page.waitForURL(/\/edit\/[^/]+$/);
  const blankID = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
  const blank = (await api("GET", `/api/v1/boards/${blankID}`)).json();
  assert.equal(blank.name, "Ops lobby");
  assert.deepEqual(blank.widgets, []);
  assert.deepEqual(blank.variants.map((v) => v.name), ["16:9"]);

  // From a template, keyboard only: Tab to New board, Enter, arrows through the templates.
  const templates = (await api("GET", "/api/v1/templates")).json();
  const room = templates.find((t) => t.id === "situation-room");
  assert.ok(room, `no situation-room template in ${JSON.stringify(templates.map((t) => t.id))}`);
  await page.goto(server.url + "/");
  await waitForList(page);
  await page.focus('[data-testid="open-trash"]');
  for (let i = 0; i < 4 && (await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))) !== "new-board"; i++) {
    await page.keyboard.press("Tab");
  }
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "new-board");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="create-dialog"][open]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="template"]').length === n, templates.length + 1);
  // Every template shows its description and its variants.
  for (const t of templates) {
    const label = page.locator(`[data-testid="template"][data-template="${t.id}"]`);
    assert.equal(await label.locator('[data-testid="template-desc"]').textContent(), t.description);
    assert.deepEqual(
      await label.locator('[data-testid="variant"]').allTextContents(),
      t.variants.map((v) => `${v.name} · ${v.width}×${v.height}`),
    );
  }
  await page.keyboard.press("Tab"); // from the name to the chosen option (Blank)
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("value")), "");
  for (let i = 0; i <= templates.length && (await page.evaluate(() => document.activeElement?.getAttribute("value"))) !== "situation-room"; i++) {
    await page.keyboard.press("ArrowDown");
  }
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="template-radio"]:checked')?.getAttribute("value")), "situation-room");
  assert.equal(await page.inputValue('[data-testid="create-name"]'), room.name, "the name follows the chosen template");
  await screenshot(page, "home-create-dialog");
  await page.keyboard.press("Tab"); // Cancel
  await page.keyboard.press("Tab"); // Create and edit
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "create-submit");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/edit\/[^/]+$/);
  const roomID = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
  const made = (await api("GET", `/api/v1/boards/${roomID}`)).json();
  assert.equal(made.name, room.name);
  assert.equal(made.widgets.length, room.widgets);
  assert.deepEqual(made.variants.map((v) => [v.name, v.canvas.width, v.canvas.height]), room.variants.map((v) => [v.name, v.width, v.height]));

  // Escape closes the dialog without creating anything.
  await page.goto(server.url + "/");
  await waitForList(page);
  const now = await boardIDs();
  await page.click('[data-testid="new-board"]');
  await page.waitForSelector('[data-testid="create-dialog"][open]');
  await page.keyboard.press("Escape");
  await page.waitForSelector('[data-testid="create-dialog"]', { state: "detached" });
  assert.deepEqual(await boardIDs(), now);
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "new-board");
  watch.check();
  await page.close();
});

test("home: duplicate, delete with Undo, restore from the trash, delete forever", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(server.url + "/");
  await waitForList(page);
  const lobby = (await api("GET", "/api/v1/boards")).json().boards.find((b) => b.name === "Lobby");
  assert.ok(lobby, "no Lobby board");

  // Duplicate: a new card, highlighted, named "(copy)".
  await card(page, lobby.id).locator('[data-testid="duplicate"]').click();
  await page.waitForSelector('[data-testid="toast"]:has-text("Duplicated as “Lobby (copy)”.")');
  const copy = (await api("GET", "/api/v1/boards")).json().boards.find((b) => b.name === "Lobby (copy)");
  assert.ok(copy, "no copy on the server");
  await card(page, copy.id).waitFor();
  assert.match(await card(page, copy.id).getAttribute("class"), /card-new/);

  // Delete: to the trash, with Undo in the toast.
  await card(page, copy.id).locator('[data-testid="delete"]').click();
  await card(page, copy.id).waitFor({ state: "detached" });
  assert.equal((await api("GET", `/api/v1/boards/${copy.id}`)).status, 404);
  assert.deepEqual(await trashIDs(), [copy.id]);
  assert.equal(await page.textContent('[data-testid="trash-count"]'), "1");
  // Focus went to a card, not back to the top of the page.
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "link-edit");
  await screenshot(page, "home-deleted-undo");
  await page.click('[data-testid="undo"]');
  await card(page, copy.id).waitFor();
  assert.equal((await api("GET", `/api/v1/boards/${copy.id}`)).status, 200);
  assert.deepEqual(await trashIDs(), []);
  await page.waitForFunction(() => document.querySelector('[data-testid="trash-count"]')?.textContent === "");

  // Delete, then restore from the Trash view. One toast per board: the older ones (and their Undo) are gone.
  await card(page, copy.id).locator('[data-testid="delete"]').click();
  await card(page, copy.id).waitFor({ state: "detached" });
  assert.deepEqual(await page.locator(`[data-testid="toast"][data-key="${copy.id}"]`).allTextContents(), ["Moved “Lobby (copy)” to the trash.Undo×"]);
  await page.click('[data-testid="open-trash"]');
  await page.waitForSelector(`[data-testid="trash-row"][data-board-id="${copy.id}"]`);
  assert.equal(await page.title(), "Trash · Flexboard");
  assert.equal(await page.textContent(`[data-testid="trash-row"][data-board-id="${copy.id}"] [data-testid="board-name"]`), "Lobby (copy)");
  // The row shows the board's layout too (Lobby has no widgets: an empty 16:9 frame).
  const trashThumb = page.locator(`[data-testid="trash-row"][data-board-id="${copy.id}"] [data-testid="trash-thumb"] [data-testid="thumb"]`);
  assert.equal(await trashThumb.getAttribute("data-canvas"), "1920x1080");
  await screenshot(page, "home-trash");
  await page.click(`[data-testid="trash-row"][data-board-id="${copy.id}"] [data-testid="restore"]`);
  await page.waitForSelector('[data-testid="trash-empty"]');
  assert.equal((await api("GET", `/api/v1/boards/${copy.id}`)).status, 200);
  await page.click('[data-testid="back-to-boards"]');
  await card(page, copy.id).waitFor();

  // Delete, then delete forever: the confirmation's Cancel keeps it, its OK removes it for good.
  await card(page, copy.id).locator('[data-testid="delete"]').click();
  await card(page, copy.id).waitFor({ state: "detached" });
  await page.click('[data-testid="open-trash"]');
  const row = `[data-testid="trash-row"][data-board-id="${copy.id}"]`;
  await page.click(`${row} [data-testid="purge"]`);
  await page.waitForSelector('[data-testid="confirm-dialog"][open]');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "confirm-cancel");
  await screenshot(page, "home-purge-confirm");
  await page.click('[data-testid="confirm-cancel"]');
  await page.waitForSelector('[data-testid="confirm-dialog"]', { state: "detached" });
  assert.deepEqual(await trashIDs(), [copy.id]);
  await page.click(`${row} [data-testid="purge"]`);
  await page.click('[data-testid="confirm-ok"]');
  await page.waitForSelector('[data-testid="trash-empty"]');
  assert.deepEqual(await trashIDs(), []);
  assert.equal((await api("GET", `/api/v1/boards/${copy.id}`)).status, 404);
  assert.equal((await api("POST", `/api/v1/boards/${copy.id}/restore`)).status, 404);
  watch.check();
  await page.close();
});

test("home: export downloads valid JSON; import takes it back; bad files are explained", async () => {
  const page = await browser.newPage();
  // The staged bad import answers 400; Chromium logs it as a console error.
  const watch = watchPage(page, { allowHTTPErrors: [/\/api\/v1\/boards\/import$/], allowConsole: [/status of 400/] });
  await page.goto(server.url + "/");
  await waitForList(page);
  const src = (await api("GET", "/api/v1/boards")).json().boards.find((b) => b.name === "Reservation system — situation room");
  assert.ok(src);

  const [download] = await Promise.all([page.waitForEvent("download"), card(page, src.id).locator('[data-testid="link-export"]').click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^reservation-system-situation-room-${src.id}\\.flexboard\\.json$`));
  const file = await download.path();
  const doc = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(doc.format, "flexboard-board");
  assert.equal(doc.version, 1);
  assert.equal(doc.source.id, src.id);
  assert.equal(doc.board.name, src.name);
  assert.deepEqual(doc.board.widgets.map((w) => w.id), ["tps", "trend", "hosts", "rt"]);

  // Import the downloaded file: a new board, highlighted in the list.
  const before = await boardIDs();
  await page.setInputFiles('[data-testid="import-file"]', file);
  await page.waitForSelector('[data-testid="toast"]:has-text("Imported “Reservation system — situation room”")');
  const after = await boardIDs();
  const added = after.filter((id) => !before.includes(id));
  assert.equal(added.length, 1, `boards added by the import: ${JSON.stringify(added)}`);
  const imported = (await api("GET", `/api/v1/boards/${added[0]}`)).json();
  assert.deepEqual(imported.variants, doc.board.variants);
  await card(page, added[0]).waitFor();
  await page.waitForFunction((id) => document.querySelector(`[data-board-id="${id}"] [data-testid="thumb-box"]`)?.getAttribute("data-thumb") === "drawn", added[0]);
  await screenshot(page, "home-imported");

  // Not JSON: said before anything is sent.
  await page.setInputFiles('[data-testid="import-file"]', { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello wall") });
  await page.waitForSelector('[data-testid="action-error"]');
  assert.match(await page.textContent('[data-testid="action-error-message"]'), /^notes\.txt is not JSON \(.+\)\. Choose a file made by a board's Export\. \(field: file\)$/);
  // JSON but not an export: the server's message, with its field.
  await page.setInputFiles('[data-testid="import-file"]', { name: "other.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
  await page.waitForFunction(() => /not a Flexboard board export/.test(document.querySelector('[data-testid="action-error-message"]')?.textContent ?? ""));
  const msg = await page.textContent('[data-testid="action-error-message"]');
  assert.match(msg, /\(field: format\)$/);
  assert.match(await page.textContent('[data-testid="action-error"]'), /Could not import other\.json/);
  assert.deepEqual(await boardIDs(), after, "a refused import created a board");
  await screenshot(page, "home-import-error");
  watch.check();
  await page.close();
});
