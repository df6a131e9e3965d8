// The playlist page /p/{id} (issue 6) against the real server in headless
// Chromium: three boards, each with its own background and a big title,
// rotated every 5 s (the API's minimum). At every switch the page is
// screenshotted as fast as Chromium allows and sampled at every animation
// frame: no frame may show anything but one fully drawn board. Then the
// rotation survives a server restart without a reload and carries on from
// the board it was on, pauses and steps with the keyboard, skips a deleted
// board, and an unknown playlist says so full screen.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { launchBrowser, resultsDir, screenshot, startServer, watchPage, apiRequest } from "./harness.mjs";
import { decodePNG } from "./png.mjs";

let server;
let browser;

/** A small screen keeps screenshots quick, so several land around each switch. */
const W = 960;
const H = 540;

/** Each board's background: a screenshot tells the boards apart by it. */
const BOARDS = [
  { title: "ONE", bg: [0x70, 0x18, 0x18] },
  { title: "TWO", bg: [0x18, 0x60, 0x18] },
  { title: "THREE", bg: [0x18, 0x28, 0x80] },
];
const hex = (rgb) => "#" + rgb.map((c) => c.toString(16).padStart(2, "0")).join("");

/** Sample points, CSS px of the 960×540 screen (the 1920×1080 canvas at scale 0.5). */
const BG_POINT = [40, 40];
/** Inside the title widget, bottom-left corner of its panel: no text there. */
const PANEL_POINT = [250, 410];
/** The widget's panel on screen: [x0, y0, x1, y1]. */
const PANEL_RECT = [240, 120, 720, 420];

before(async () => {
  server = await startServer({ name: "playlist", args: ["--demo=false"] });
  browser = await launchBrowser({ width: W, height: H });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function api(method, p, body) {
  return apiRequest(server.url, method, p, body);
}

/** A board: its background all round, one big text widget in the middle. */
function titleBoard({ title, bg }) {
  return {
    name: `Board ${title}`,
    background: hex(bg),
    widgets: [{ id: "title", kind: "text", title: `Board ${title}`, config: { markdown: `# ${title}`, align: "center" } }],
    variants: [
      {
        name: "16:9",
        canvas: { width: 1920, height: 1080 },
        grid: { columns: 48, rows: 27 },
        placements: [{ widget: "title", x: 12, y: 6, w: 24, h: 15 }],
      },
    ],
  };
}

function near(a, b, tol = 4) {
  return Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol && Math.abs(a[2] - b[2]) <= tol;
}

/**
 * What a screenshot shows: the index of the board whose background, panel
 * and title text are all there, or a description of what is wrong.
 */
function classify(img, surface, text) {
  const bg = img.pixel(...BG_POINT);
  const k = BOARDS.findIndex((b) => near(bg, b.bg));
  if (k < 0) return { board: -1, why: `background pixel ${bg.slice(0, 3)} is no board's background` };
  const panel = img.pixel(...PANEL_POINT);
  if (!near(panel, surface)) return { board: -1, why: `board ${BOARDS[k].title}: panel pixel ${panel.slice(0, 3)}, want the surface ${surface}` };
  // The title: enough text-coloured pixels in the panel.
  let inked = 0;
  const [x0, y0, x1, y1] = PANEL_RECT;
  for (let y = y0 + 4; y < y1 - 4; y += 2) {
    for (let x = x0 + 4; x < x1 - 4; x += 2) if (near(img.pixel(x, y), text, 60)) inked++;
  }
  if (inked < 40) return { board: -1, why: `board ${BOARDS[k].title}: only ${inked} text pixels in its panel (not drawn yet?)` };
  return { board: k, why: "" };
}

/**
 * In the page, from the first paint: at every animation frame, what is on
 * top at the sample points. A frame is good when both points are inside the
 * same board's view, the panel point inside its drawn title widget, and that
 * view shows no message. Keeps the board changes and the bad frames.
 */
function installSampler() {
  const log = { frames: 0, good: 0, bad: [], changes: [], started: false };
  window.__playlistSampler = log;
  window.__loadMarker = Math.random();
  const viewAt = (x, y) => {
    for (const el of document.elementsFromPoint(x, y)) {
      const v = el.closest(".fb-playlist-view");
      if (v) return { view: v, el };
      // The overlay (banner, corners) lies over the board and does not count.
      if (el.closest(".fb-banner, .fb-corner, .fb-playlist-note")) continue;
      return { view: null, el };
    }
    return { view: null, el: null };
  };
  let last = null;
  const sample = () => {
    requestAnimationFrame(sample);
    const root = document.querySelector('[data-testid="playlist"]');
    if (!root || !root.hasAttribute("data-switches")) return;
    log.started = true;
    log.frames++;
    const a = viewAt(40, 40);
    const b = viewAt(250, 410);
    const board = a.view ? a.view.getAttribute("data-board") : null;
    const msg = a.view && a.view.querySelector('[data-testid="display-message"]');
    const title = b.view && b.view.querySelector('.fb-widget[data-widget-id="title"] .fb-text h1');
    let why = "";
    if (!a.view || a.view !== b.view) why = `the sample points are on ${a.view ? a.view.getAttribute("data-board") : a.el && a.el.className} and ${b.view ? b.view.getAttribute("data-board") : b.el && b.el.className}`;
    else if (!b.el.closest('.fb-widget[data-widget-id="title"]')) why = `board ${board}: the panel point is on ${b.el.className}, not its widget`;
    else if (!title || title.textContent.trim() === "") why = `board ${board}: no title drawn`;
    else if (msg && msg.style.display !== "none") why = `board ${board}: shows a message: ${msg.textContent}`;
    if (why !== "") {
      if (log.bad.length < 20) log.bad.push({ t: performance.now(), why });
    } else log.good++;
    if (board !== last) {
      log.changes.push({ t: performance.now(), board, index: root.getAttribute("data-index") });
      last = board;
    }
  };
  requestAnimationFrame(sample);
}

/**
 * Screenshots as fast as possible until `count` switches (board changes seen
 * in the screenshots) have happened, classifying each. At every switch the
 * last frame of the old board and the first two of the new one are saved.
 * Returns the boards seen, in order, and the time between screenshots.
 */
async function watchSwitches(page, count, label, surface, text, timeoutMs) {
  const seen = [];
  const start = Date.now();
  let shots = 0;
  let afterSwitch = 0;
  let switchNo = 0;
  let prev = null;
  while (Date.now() - start < timeoutMs) {
    const buf = await page.screenshot();
    shots++;
    const img = decodePNG(buf);
    const c = classify(img, surface, text);
    if (c.board < 0) {
      writeFileSync(path.join(resultsDir, `playlist-${label}-bad-${shots}.png`), buf);
      assert.fail(`${label}: screenshot ${shots} is not a fully drawn board: ${c.why} (saved as playlist-${label}-bad-${shots}.png)`);
    }
    if (prev !== null && c.board !== prev.board) {
      switchNo++;
      seen.push(c.board);
      writeFileSync(path.join(resultsDir, `playlist-${label}-switch${switchNo}-a-before.png`), prev.buf);
      writeFileSync(path.join(resultsDir, `playlist-${label}-switch${switchNo}-b-after.png`), buf);
      afterSwitch = 1;
    } else if (afterSwitch === 1) {
      writeFileSync(path.join(resultsDir, `playlist-${label}-switch${switchNo}-c-next.png`), buf);
      afterSwitch = 0;
      if (switchNo >= count) break;
    }
    if (prev === null) seen.push(c.board);
    prev = { board: c.board, buf };
  }
  return { seen, shots, msPerShot: (Date.now() - start) / shots };
}

/** The board on show by the page's own account. */
const onShow = (page) => page.evaluate(() => Number(document.querySelector('[data-testid="playlist"]').getAttribute("data-index")));
const switchesDone = (page) => page.evaluate(() => Number(document.querySelector('[data-testid="playlist"]').getAttribute("data-switches") || 0));

test("playlist: three boards cycle in order with no blank frame, survive a restart, pause, step and skip", async (t) => {
  const boards = [];
  for (const b of BOARDS) {
    const res = await api("POST", "/api/v1/boards", titleBoard(b));
    assert.equal(res.status, 201, `POST board: ${res.text}`);
    boards.push(res.json());
  }
  const render = (await api("GET", `/api/v1/boards/${boards[0].id}/render`)).json();
  const rgb = (s) => s.replace("#", "").match(/../g).map((x) => parseInt(x, 16));
  const surface = rgb(render.palette.surface);
  const text = rgb(render.palette.text);
  const pl = await api("POST", "/api/v1/playlists", { name: "Lobby", items: boards.map((b) => ({ board: b.id, seconds: 5 })) });
  assert.equal(pl.status, 201, `POST playlist: ${pl.text}`);
  const playlist = pl.json();

  const page = await browser.newPage();
  // The server goes away on purpose, and a board is deleted while the rotation runs.
  const watch = watchPage(page, {
    allowConsole: [/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/],
    allowHTTPErrors: [new RegExp(`/api/v1/boards/${boards[1].id}/`), /\/api\/v1\/stream/],
  });
  await page.addInitScript(installSampler);
  await page.goto(`${server.url}/p/${playlist.id}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist"]')?.getAttribute("data-switches") === "1");
  const marker = await page.evaluate(() => window.__loadMarker);
  assert.equal(await onShow(page), 0, "starts with the first board");

  // 1. Three switches, screenshotted throughout: ONE → TWO → THREE → ONE.
  const cycle = await watchSwitches(page, 3, "cycle", surface, text, 25000);
  t.diagnostic(`cycle: ${cycle.shots} screenshots, one every ${cycle.msPerShot.toFixed(0)} ms`);
  assert.deepEqual(cycle.seen.slice(0, 4), [0, 1, 2, 0], `boards in the screenshots, in order (${cycle.shots} shots, one every ${cycle.msPerShot.toFixed(0)} ms)`);
  const scroll = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, document.body.scrollWidth, document.body.scrollHeight]);
  assert.deepEqual(scroll, [W, H, W, H], "no scrollbars");
  assert.equal(await page.$$eval(".fb-playlist-view", (els) => els.length) <= 2, true, "at most the board on show and the next one exist");

  // 2. A server crash while TWO is on show, down for longer than a board's turn: no reload, the banner,
  // THREE (prepared before the crash) comes on time, ONE waits for the server, nothing restarts from ONE.
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === "1", null, { timeout: 10000, polling: 50 });
  await page.waitForTimeout(1000);
  const before = await switchesDone(page);
  await server.kill("SIGKILL");
  await page.waitForSelector('[data-testid="banner"]:visible', { timeout: 10000 });
  await screenshot(page, "playlist-restart-down");
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === "2", null, { timeout: 10000, polling: 50 });
  // Past THREE's turn: ONE cannot be drawn without the server, so THREE (stale, with the banner) stays.
  await page.waitForTimeout(5500);
  await screenshot(page, "playlist-restart-down-next");
  assert.equal(await onShow(page), 2, "ONE waits while the server is down: it cannot be drawn");
  await server.restart({ signal: "SIGKILL" });
  const back = Date.now();
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === "0", null, { timeout: 30000, polling: 50 });
  t.diagnostic(`ONE shown ${Date.now() - back} ms after the server was back`);
  // The board prepared before the crash may already have been shown; either way, THREE then ONE.
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="playlist"]').getAttribute("data-switches")) >= n + 2, before, { timeout: 30000, polling: 100 });
  assert.equal(await page.evaluate(() => window.__loadMarker), marker, "the page was reloaded");
  await page.waitForSelector('[data-testid="banner"]', { state: "hidden" });
  await screenshot(page, "playlist-restart-back");

  // 3. Pause on the board on show: it stays past its time, with a note; arrows step, Space resumes.
  const held = await onShow(page);
  const changesBeforePause = await page.evaluate(() => window.__playlistSampler.changes.length);
  await page.keyboard.press("Space");
  await page.waitForSelector('[data-testid="playlist-note"]:visible');
  assert.match(await page.textContent('[data-testid="playlist-note"]'), /paused/);
  await screenshot(page, "playlist-paused");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction((i) => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === String((i + 1) % 3), held, { timeout: 5000 });
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction((i) => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === String(i), held, { timeout: 5000 });
  await page.waitForTimeout(5500);
  assert.equal(await onShow(page), held, "a paused rotation stays on its board past its time, stepping included");
  await page.waitForSelector('[data-testid="playlist-note"].fb-faded');
  await screenshot(page, "playlist-paused-faded");
  await page.keyboard.press("Space");
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="playlist"]').hasAttribute("data-paused")), false);
  await page.waitForFunction((i) => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === String((i + 1) % 3), held, { timeout: 8000 });

  // 4. TWO deleted while THREE is on show (before anything prepares TWO): skipped, ONE → THREE → ONE.
  // Deleting a board while it is being preloaded underneath is a known gap (notes of session 2): it can be
  // swapped in greyed under "connection lost" instead of being skipped.
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") !== "2", null, { timeout: 15000, polling: 50 });
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === "2", null, { timeout: 15000, polling: 50 });
  assert.equal((await api("DELETE", `/api/v1/boards/${boards[1].id}`)).status, 204);
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist"]').getAttribute("data-index") === "0", null, { timeout: 15000, polling: 50 });
  const skip = await watchSwitches(page, 2, "skip", surface, text, 20000);
  assert.deepEqual(skip.seen.slice(0, 3), [0, 2, 0], `TWO is skipped once deleted (seen ${skip.seen.map((k) => BOARDS[k].title)})`);

  // Every animation frame since the first board: one fully drawn board, and the boards in rotation order.
  const log = await page.evaluate(() => window.__playlistSampler);
  writeFileSync(path.join(resultsDir, "playlist-frames.json"), JSON.stringify(log, null, 1));
  t.diagnostic(`${log.frames} animation frames sampled, ${log.good} good`);
  assert.deepEqual(log.bad, [], `frames without a fully drawn board (${log.frames} sampled)`);
  assert.ok(log.frames > 300, `${log.frames} frames sampled`);
  const order = log.changes.map((c) => boards.findIndex((b) => b.id === c.board));
  // Until the pause: strictly in order from ONE, the restart included (no jump back to ONE from TWO).
  for (let i = 1; i < order.length; i++) {
    const step = (order[i] - order[i - 1] + 3) % 3;
    assert.ok(step === 1 || step === 2, `board changes ${order.map((k) => BOARDS[k].title)}: a change to the same board`);
  }
  // Until the pause (the restart included): one step forward each time, never back to ONE from TWO.
  const untilPause = order.slice(0, changesBeforePause);
  for (let i = 1; i < untilPause.length; i++) {
    assert.equal(untilPause[i], (untilPause[i - 1] + 1) % 3, `rotation order before the pause: ${untilPause.map((k) => BOARDS[k].title)}`);
  }
  assert.equal(await page.evaluate(() => window.__loadMarker), marker, "the page was reloaded");
  // Requests refused while the server was down are expected (the rotation asked for the playlist and the next board).
  const refused = watch.failedRequests.filter((r) => /ERR_CONNECTION_REFUSED/.test(r));
  watch.failedRequests.splice(0, watch.failedRequests.length, ...watch.failedRequests.filter((r) => !/ERR_CONNECTION_REFUSED/.test(r)));
  assert.ok(refused.length <= 20, `${refused.length} refused requests while the server was down: the page retries too often`);
  watch.check();
  await page.close();
});

test("playlist: an unknown playlist says so full screen, without scrollbars", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page, { allowHTTPErrors: [/\/api\/v1\/playlists\/nope$/], allowConsole: [/404/] });
  await page.goto(`${server.url}/p/nope`);
  await page.waitForFunction(() => document.querySelector('[data-testid="playlist-message"]')?.textContent.includes("playlist not found"));
  const m = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.deepEqual(m, [W, H], "the message page has no scrollbars");
  await screenshot(page, "playlist-not-found");
  watch.check();
  await page.close();
});
