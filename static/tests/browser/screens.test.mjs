// Issue 9, unattended displays, on the real binary with --auth=password:
// a screen opens /pair and shows a code; an editor enters it in the screens
// console and picks a board; the screen shows it, live, without anyone
// signing in on it. Identify flashes its name. "Switch every screen" moves
// three open displays to one board and "restore" puts each back. Revoke:
// the screen shows "revoked — pair again" (and a new code) within 10 s.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiRequest, launchBrowser, screenshot, startServer, watchPage, startPasswordServer, TEST_PASSWORD } from "./harness.mjs";

const PASSWORD = TEST_PASSWORD;
const INGEST = "screens-test-ingest-token";

let server;
let consoleBrowser;
const walls = [];
let session = { cookie: "", csrf: "" };

before(async () => {
  server = await startPasswordServer({ name: "screens", admin: "ed", args: [`--ingest-token=${INGEST}`] });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "ed", password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  session = { cookie: login.headers.get("set-cookie").split(";")[0], csrf: (await login.json()).csrf_token };
  consoleBrowser = await launchBrowser({ width: 1400, height: 900 });
  for (let i = 0; i < 3; i++) walls.push(await launchBrowser({ width: 960, height: 540 }));
});

after(async () => {
  for (const w of walls) await w.close();
  await consoleBrowser?.close();
  await server?.stop();
});

/** An API call as the signed-in editor. */
async function api(method, p, body) {
  const res = await fetch(server.url + p, {
    method,
    headers: { Cookie: session.cookie, "X-CSRF-Token": session.csrf, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function push(points) {
  const res = await fetch(`${server.url}/api/v1/ingest`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${INGEST}` },
    body: JSON.stringify({ points }),
  });
  assert.ok(res.ok, `ingest: ${res.status}`);
}

function board(name, metric) {
  return {
    name,
    widgets: [
      { id: "title", kind: "text", title: "", config: { markdown: `# ${name}` } },
      { id: "v", kind: "stat", title: `${name} value`, config: { decimals: 0, sparkline: "off", compare: "off" }, queries: [{ metric }] },
    ],
    variants: [
      {
        name: "16:9",
        canvas: { width: 1920, height: 1080 },
        grid: { columns: 48, rows: 27 },
        placements: [
          { widget: "title", x: 0, y: 0, w: 48, h: 6 },
          { widget: "v", x: 0, y: 6, w: 24, h: 21 },
        ],
      },
    ],
  };
}

async function makeBoard(name, metric) {
  const r = await api("POST", "/api/v1/boards", board(name, metric));
  assert.equal(r.status, 201, r.text);
  return r.json().id;
}

/** The stat value a display page shows. */
const statValue = (page) => page.evaluate(() => document.querySelector('[data-testid="stat-value"]')?.textContent || "");

/** Waits until a wall is on board id, drawn and live. */
async function onBoard(page, id) {
  await page.waitForURL((u) => u.pathname === `/d/${id}`, { timeout: 10000 });
  await page.waitForSelector('[data-testid="display"][data-revision] .fb-widget');
  await page.waitForFunction(() => document.querySelector('[data-testid="display"] .fb-stage-box')?.getAttribute("data-stream") === "live");
}

/** A wall's 401s after it is revoked are on purpose. */
const wallExpected = { allowHTTPErrors: [/\/api\/v1\/screen$/, /\/api\/v1\/screen\?/], allowConsole: [/status of 401/, /WebSocket/] };

test("pair a screen from the console, it shows live data; identify; switch every screen and restore; revoke", async () => {
  const lobby = await makeBoard("Lobby", "screens_lobby");
  const shop = await makeBoard("Shop", "screens_shop");
  const incident = await makeBoard("Incident", "screens_incident");
  await push([{ metric: "screens_lobby", value: 111 }, { metric: "screens_shop", value: 222 }, { metric: "screens_incident", value: 999 }]);
  const pusher = setInterval(() => void push([{ metric: "screens_lobby", value: 111 }, { metric: "screens_shop", value: 222 }, { metric: "screens_incident", value: 999 }]).catch(() => undefined), 1000);
  try {
    // The console, signed in as a person would.
    const ed = await consoleBrowser.newPage();
    await ed.addInitScript(() => {
      window.confirm = () => true; // the console asks before switching and revoking
    });
    // Expected: the sign-in page's 401 before signing in, the wrong code's 404, the tile outside the wall's 400.
    const edWatch = watchPage(ed, { allowHTTPErrors: [/\/api\/v1\/auth\/me$/, /\/api\/v1\/screens(\/\d+)?$/], allowConsole: [/status of 40[014]/] });
    await ed.goto(`${server.url}/screens`);
    await ed.waitForSelector("#login-name");
    await ed.fill("#login-name", "ed");
    await ed.fill("#login-password", PASSWORD);
    await ed.click('[data-testid="login-submit"]');
    await ed.waitForSelector('[data-testid="no-screens"]');
    await screenshot(ed, "screens-console-empty");

    // Wall A: nobody signs in on it; it shows a code.
    const pages = [];
    const watches = [];
    for (const w of walls) {
      const p = await w.newPage();
      watches.push(watchPage(p, wallExpected));
      pages.push(p);
    }
    const [a, b, c] = pages;
    await a.goto(`${server.url}/pair`);
    await a.waitForSelector('[data-testid="pair-code"]');
    const codeA = await a.textContent('[data-testid="pair-code"]');
    assert.match(codeA, /^[A-Z2-9]{3}-[A-Z2-9]{3}$/);
    await screenshot(a, "screens-pair-code");

    // A wrong code is refused beside the field; the right one pairs.
    await ed.fill('[data-testid="pair-code-input"]', "AAA-AAA");
    await ed.fill('[data-testid="pair-name"]', "Wall A");
    await ed.selectOption('[data-testid="pair-target"]', `board:${lobby}`);
    await ed.click('[data-testid="pair-submit"]');
    await ed.waitForFunction(() => (document.querySelector('[data-testid="pair-error-code"]')?.textContent || "").includes("no screen is waiting"));
    await ed.fill('[data-testid="pair-code-input"]', codeA.toLowerCase());
    await ed.click('[data-testid="pair-submit"]');
    await onBoard(a, lobby);
    await a.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "111");
    await screenshot(a, "screens-wall-a-live");
    // The console lists it online, with its browser.
    await ed.waitForFunction(() => document.querySelector('[data-testid="screen-row"] [data-testid="screen-state"]')?.textContent === "Online");
    const rowText = await ed.textContent('[data-testid="screen-row"]');
    assert.match(rowText, /Wall A/);
    assert.match(rowText, /Chrom\w* \d+ on Linux/);

    // Identify: its name over the board.
    await ed.click('[data-testid="screen-row"] [data-testid="screen-identify-btn"]');
    await a.waitForSelector('[data-testid="screen-identify"]', { timeout: 10000 });
    assert.equal(await a.textContent(".screen-identify-name"), "Wall A");
    await screenshot(a, "screens-identify");

    // Walls B and C pair the same way (through the API this time), one
    // on the lobby, one on the shop board, C in group "Ops".
    const pairAs = async (page, name, target, group = "") => {
      await page.goto(`${server.url}/pair`);
      await page.waitForSelector('[data-testid="pair-code"]');
      const code = await page.textContent('[data-testid="pair-code"]');
      const r = await api("POST", "/api/v1/screens", { code, name, group, target });
      assert.equal(r.status, 201, r.text);
      return r.json().id;
    };
    await pairAs(b, "Wall B", { kind: "board", board: lobby });
    await pairAs(c, "Wall C", { kind: "board", board: shop }, "Ops");
    await onBoard(b, lobby);
    await onBoard(c, shop);
    await c.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "222");
    await ed.waitForFunction(() => document.querySelectorAll('[data-testid="screen-row"][data-state="online"]').length === 3, null, { timeout: 10000 });

    // A display token reads only its board: not another's.
    const other = await a.evaluate(async (id) => { const r = await fetch(`/api/v1/boards/${id}`); await r.text(); return r.status; }, shop);
    assert.equal(other, 403);

    // Switch every screen to the incident board.
    await ed.selectOption('[data-testid="switch-target"]', `board:${incident}`);
    await ed.click('[data-testid="switch-all"]');
    await Promise.all(pages.map((p) => onBoard(p, incident)));
    for (const p of pages) await p.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "999");
    await ed.waitForFunction(() => document.querySelectorAll('[data-testid="screen-switched"]').length === 3);
    await screenshot(ed, "screens-console-switched");
    await screenshot(b, "screens-wall-b-switched");

    // Restore: each goes back to what it showed.
    await ed.click('[data-testid="restore-all"]');
    await Promise.all([onBoard(a, lobby), onBoard(b, lobby), onBoard(c, shop)]);
    await c.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "222");
    await ed.waitForFunction(() => document.querySelectorAll('[data-testid="screen-switched"]').length === 0);

    // Change… puts wall C on one tile of a video wall; a tile outside the wall is refused beside its field.
    const rowC = ed.locator('[data-testid="screen-row"]', { hasText: "Wall C" });
    await rowC.locator('[data-testid="screen-change"]').click();
    await ed.waitForSelector('[data-testid="change-dialog"]');
    await ed.click('[data-testid="change-dialog"] summary');
    await ed.fill('[data-testid="change-wall"]', "2x1");
    await ed.fill('[data-testid="change-tile"]', "2,0");
    await ed.click('[data-testid="change-save"]');
    await ed.waitForFunction(() => (document.querySelector('[data-testid="change-error-tile"]')?.textContent || "").includes("outside a 2x1 wall"));
    await screenshot(ed, "screens-change-dialog");
    await ed.fill('[data-testid="change-tile"]', "1,0");
    await ed.click('[data-testid="change-save"]');
    await c.waitForURL((u) => u.pathname === `/d/${shop}` && u.searchParams.get("wall") === "2x1" && u.searchParams.get("tile") === "1,0", { timeout: 10000 });
    await c.waitForSelector('[data-testid="display"][data-revision] .fb-widget');
    await screenshot(c, "screens-wall-c-tile");
    await ed.waitForFunction(() => [...document.querySelectorAll('[data-testid="screen-row"]')].some((r) => r.textContent.includes("wall 2x1, tile 1,0")));

    // Revoke wall A: "revoked — pair again" within 10 s, with a new code.
    const rowA = ed.locator('[data-testid="screen-row"]', { hasText: "Wall A" });
    await rowA.locator('[data-testid="screen-revoke"]').click();
    await a.waitForSelector('[data-testid="pair-revoked"]', { timeout: 10000 });
    assert.match(await a.textContent('[data-testid="pair-revoked"]'), /Revoked — pair again/);
    await a.waitForSelector('[data-testid="pair-code"]');
    assert.notEqual(await a.textContent('[data-testid="pair-code"]'), codeA);
    await screenshot(a, "screens-revoked");
    await ed.waitForFunction(() => [...document.querySelectorAll('[data-testid="screen-row"]')].some((r) => r.getAttribute("data-state") === "revoked"));
    await screenshot(ed, "screens-console-revoked");
    // Its token reads nothing any more.
    const revokedStatus = await a.evaluate(async (id) => { const r = await fetch(`/api/v1/boards/${id}/render`); await r.text(); return r.status; }, lobby);
    assert.ok(revokedStatus === 401 || revokedStatus === 403, `revoked screen read its old board: ${revokedStatus}`);

    edWatch.check();
    watches[1].check();
    watches[2].check();
    for (const w of [consoleBrowser, ...walls]) assert.deepEqual(w.foreignRequests, []);
  } finally {
    clearInterval(pusher);
  }
});

test("Access: publish a read-only link from the editor; anyone holding it sees the board live without signing in; revoked, it stops; private snapshots need sign-in", async () => {
  const id = await makeBoard("Published", "screens_published");
  await push([{ metric: "screens_published", value: 321 }]);
  const ed = await consoleBrowser.newPage();
  await ed.addInitScript(() => {
    window.confirm = () => true;
  });
  const edWatch = watchPage(ed);
  await ed.goto(`${server.url}/edit/${id}`);
  await ed.click('[data-testid="editor-access"]');
  await ed.waitForSelector('[data-testid="access-no-links"]');
  await ed.fill('[data-testid="access-link-name"]', "Lobby TV");
  await ed.click('[data-testid="access-publish"]');
  await ed.waitForSelector('[data-testid="access-link-url"]');
  const link = await ed.inputValue('[data-testid="access-link-url"]');
  assert.match(link, /\/v\/fbp_[A-Za-z0-9_-]{43}$/);
  await ed.check('[data-testid="access-private"]');
  await ed.waitForFunction(() => document.querySelector('[data-testid="access-private"]')?.disabled === false);
  await screenshot(ed, "access-dialog");

  // A stranger's browser: no session, no pairing.
  const stranger = await launchBrowser({ width: 960, height: 540 });
  try {
    const p = await stranger.newPage();
    const watch = watchPage(p, { allowHTTPErrors: [/\/api\/v1\/(stream|boards)/, /\/v\/fbp_/], allowConsole: [/status of 40[134]/, /WebSocket/] });
    await p.goto(link);
    await p.waitForURL((u) => u.pathname === `/d/${id}`);
    await p.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "321");
    await screenshot(p, "access-published-live");
    // Read-only and only this board.
    // (Bodies read: a navigation would abort an unread one, which the watch reports.)
    const status = (path, init) => p.evaluate(async ([u, i]) => { const r = await fetch(u, i); await r.text(); return r.status; }, [path, init]);
    assert.equal(await status(`/api/v1/boards/${id}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: "{}" }), 403);
    assert.equal(await status("/api/v1/boards", {}), 403);
    // The board is private now: a snapshot link needs sign-in.
    const snap = await api("POST", `/api/v1/boards/${id}/snapshots`, {});
    assert.equal(snap.status, 201, snap.text);
    assert.equal((await apiRequest(server.url, "GET", `/api/v1/snapshots/${snap.json().id}`)).status, 401);
    const p2 = await stranger.newPage();
    await p2.goto(`${server.url}/s/${snap.json().id}`);
    await p2.waitForURL((u) => u.pathname === "/login");

    // Revoked: the link stops working.
    await ed.click('[data-testid="access-revoke"]');
    await ed.waitForSelector(".access-link-revoked");
    const res = await apiRequest(server.url, "GET", new URL(link).pathname);
    assert.equal(res.status, 404);
    assert.match(res.text, /revoked/);
    // The page that has it open loses the board at once (its stream is closed with 4401).
    await p.waitForFunction(() => (document.querySelector('[data-testid="display-message"]')?.textContent || "").includes("access revoked"), null, { timeout: 10000 });
    await screenshot(p, "access-link-revoked");
    edWatch.check();
    watch.check();
    assert.deepEqual(stranger.foreignRequests, []);
  } finally {
    await stranger.close();
  }
});

test("a player that keeps no cookies, given /d/{id}?token=: the board live, every request carrying the token", async () => {
  const id = await makeBoard("Player", "screens_player");
  await push([{ metric: "screens_player", value: 77 }]);
  // Pair it as an operator would for such a player: ask for a code, claim it, read the token.
  const p = await apiRequest(server.url, "POST", "/api/v1/pair");
  assert.equal(p.status, 201, p.text);
  const { code, secret } = p.json();
  const claimed = await api("POST", "/api/v1/screens", { code, name: "Signage player", target: { kind: "board", board: id } });
  assert.equal(claimed.status, 201, claimed.text);
  const token = (await apiRequest(server.url, "GET", `/api/v1/pair/${secret}`)).json().token;
  assert.match(token, /^fbd_/);

  const player = await launchBrowser({ width: 960, height: 540, blockCookies: true });
  try {
    const page = await player.newPage();
    const watch = watchPage(page);
    await page.goto(`${server.url}/d/${id}?token=${token}`);
    assert.deepEqual(await player.context.cookies(), [], "the player keeps no cookie");
    await page.waitForFunction(() => document.querySelector('[data-testid="display"] .fb-stage-box')?.getAttribute("data-stream") === "live");
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "77");
    // Its control channel works too: the console sees it online.
    await screenOnline("Signage player");
    await screenshot(page, "screens-cookieless-player");
    watch.check();
  } finally {
    await player.close();
  }
});

/** Waits until the console's API lists the screen called name online. */
async function screenOnline(name) {
  for (let i = 0; i < 100; i++) {
    const list = (await api("GET", "/api/v1/screens")).json().screens;
    if (list.some((s) => s.name === name && s.online)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} never came online`);
}
