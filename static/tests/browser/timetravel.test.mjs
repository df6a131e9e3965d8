// Time travel and Share on the wall display (issue 8) against the real
// server in headless Chromium: scrubbing back 30 minutes shows the values
// that were live then under a PAUSED banner, and Live resumes the stream; a
// link into the past (?at=) opens paused; Share freezes a snapshot (at the
// moment shown when paused) whose page lists every widget and whose PNG is
// twice the canvas, also for a 40-widget board taller than the window.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { launchBrowser, resultsDir, screenshot, startServer, watchPage, apiRequest, pushPoints, openDisplayPage, createBoardAt } from "./harness.mjs";

let server;
let browser;

const MIN = 60_000;

before(async () => {
  server = await startServer({ name: "timetravel", args: ["--demo=false"] });
  browser = await launchBrowser({ width: 1280, height: 720 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function api(method, p, body) {
  return apiRequest(server.url, method, p, body);
}

function createBoard(board) {
  return createBoardAt(server.url, board);
}

function push(points) {
  return pushPoints(server.url, points);
}

/** Width and height from a PNG's IHDR. */
function pngSize(buf) {
  assert.equal(buf.subarray(1, 4).toString("latin1"), "PNG", "not a PNG");
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Opens a display page and waits until its board is drawn and its stream live. */
function openDisplay(page, id, query = "") {
  return openDisplayPage(page, server.url, id, query);
}

const statValue = (id) => `[data-widget-id="${id}"] [data-testid="stat-value"]`;

/** The browser runs in UTC (harness): the banner's local time is the UTC time. */
function hhmmss(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}
function secondsOfDay(text) {
  const [h, m, s] = text.split(":").map(Number);
  return h * 3600 + m * 60 + s;
}

/** 404s of the PNG until it is taken are expected (with their console line). */
const pngPolls = { allowHTTPErrors: [/\/s\/[^/]+\.png$/], allowConsole: [/Failed to load resource.*404/] };

const smallBoard = {
  name: "Incident wall",
  widgets: [
    { id: "tps", kind: "stat", title: "Orders per second", config: { unit: "req/s", decimals: 0, sparkline: "off", compare: "off" }, queries: [{ metric: "tt_tps" }] },
    { id: "lat", kind: "timeseries", title: "Latency", config: { unit: "ms", range: "15m" }, queries: [{ metric: "tt_latency" }] },
    { id: "note", kind: "text", title: "", config: { markdown: "**Checkout** — on call: Ana" } },
    { id: "clock", kind: "clock", title: "", config: {} },
  ],
  variants: [
    {
      name: "16:9",
      canvas: { width: 1920, height: 1080 },
      grid: { columns: 48, rows: 27 },
      placements: [
        { widget: "tps", x: 2, y: 2, w: 12, h: 8 },
        { widget: "lat", x: 16, y: 2, w: 30, h: 14 },
        { widget: "note", x: 2, y: 12, w: 12, h: 4 },
        { widget: "clock", x: 2, y: 18, w: 12, h: 6 },
      ],
    },
  ],
};

let incident = null;
let past = null;

/** The small board, with 111 live from 40 to 20 minutes ago and 222 now. */
async function incidentBoard() {
  if (incident) return incident;
  incident = await createBoard(smallBoard);
  const now = Date.now();
  past = now - 30 * MIN;
  const points = [];
  for (let t = now - 40 * MIN; t <= now - 20 * MIN; t += 10_000) {
    points.push({ metric: "tt_tps", value: 111, ts: t });
    points.push({ metric: "tt_latency", value: 40 + 10 * Math.sin(t / 60_000), ts: t });
  }
  for (let t = now - 20 * MIN + 10_000; t <= now - 5_000; t += 30_000) points.push({ metric: "tt_latency", value: 12, ts: t });
  await push(points);
  await push([{ metric: "tt_tps", value: 222 }, { metric: "tt_latency", value: 12 }]);
  return incident;
}

test("time travel: scrubbing back 30 minutes shows the values live then under a PAUSED banner, Live resumes streaming; ?at= opens paused", async () => {
  const board = await incidentBoard();
  const page = await browser.newPage();
  // The last step asks for a moment older than the history: its 400 is expected.
  const watch = watchPage(page, { allowHTTPErrors: [/\/frame\?at=978307200000/], allowConsole: [/Failed to load resource.*400/] });
  await openDisplay(page, board.id);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "222", statValue("tps"));
  // Kiosk: nothing over the board until someone moves the mouse.
  assert.equal(await page.isVisible('[data-testid="tt-controls"]'), false, "controls hidden on a kiosk");
  assert.equal(await page.isVisible('[data-testid="paused-banner"]'), false, "no banner while live");

  await page.keyboard.press("p");
  await page.waitForSelector('[data-testid="paused-banner"]:visible');
  assert.ok(await page.isVisible('[data-testid="tt-controls"]'), "a key shows the controls");
  // Frozen: data arriving now does not reach the screen.
  await push([{ metric: "tt_tps", value: 333 }]);
  await page.waitForTimeout(2500);
  assert.equal(await page.textContent(statValue("tps")), "222", "a paused display keeps what it showed");

  // Scrub to −30 min: position 2/3 of the bar (the quarter from −15 min to −1 h, a third of the way).
  await page.mouse.move(640, 400);
  const scrubAt = Date.now();
  await page.fill('[data-testid="tt-scrubber"]', "6667");
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "111", statValue("tps"), { timeout: 5000 });
  const banner = await page.textContent('[data-testid="paused-banner"]');
  const m = /^PAUSED — showing (\d\d:\d\d:\d\d)$/.exec(banner);
  assert.ok(m, `banner: ${banner}`);
  const want = secondsOfDay(hhmmss(scrubAt - 30 * MIN));
  const diff = Math.abs(secondsOfDay(m[1]) - want);
  assert.ok(diff <= 5 || diff >= 86400 - 5, `banner shows ${m[1]}, want about ${hhmmss(scrubAt - 30 * MIN)}`);
  assert.match(await page.textContent('[data-testid="tt-when"]'), /\(−(29|30) min\)$/);
  // The clock widget shows the moment shown too.
  assert.equal(await page.$eval('[data-testid="display"]', (el) => el.fbView.pausedAt !== null), true);
  await screenshot(page, "timetravel-paused-30min");

  // Replay at 60×: the moment shown moves a minute per second, frames fetched at that pace.
  await page.mouse.move(640, 500);
  await page.click('[data-testid="tt-replay-60"]');
  const from = await page.$eval('[data-testid="display"]', (el) => el.fbView.pausedAt);
  await page.waitForFunction(
    (start) =>
      document.querySelector('[data-testid="display"]').fbView.pausedAt >= start + 90_000 &&
      / · replay 60×$/.test(document.querySelector('[data-testid="paused-banner"]').textContent),
    from,
    { timeout: 10000 },
  );
  await page.click('[data-testid="tt-replay-60"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="paused-banner"]').textContent.includes("replay"));

  // Live: the latest value at once (it kept arriving underneath), then streaming again.
  await page.click('[data-testid="tt-live"]');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "333", statValue("tps"), { timeout: 2000, polling: 50 });
  await page.waitForSelector('[data-testid="paused-banner"]', { state: "hidden" });
  await push([{ metric: "tt_tps", value: 444 }]);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "444", statValue("tps"), { timeout: 5000 });
  assert.equal(await page.$$eval('[data-widget-id="tps"][data-stale]', (els) => els.length), 0, "the live stat is not stale");

  // The controls fade again when nobody is there (the pointer left them).
  await page.mouse.move(640, 100);
  await page.waitForSelector('[data-testid="tt-controls"]', { state: "hidden", timeout: 10000 });

  // A link into the past opens paused there.
  const at = new Date(past).toISOString().replace(/\.\d+Z$/, "Z");
  await openDisplay(page, board.id, `?at=${encodeURIComponent(at)}`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "111", statValue("tps"), { timeout: 5000 });
  assert.equal(await page.textContent('[data-testid="paused-banner"]'), `PAUSED — showing ${hhmmss(past)}`);
  await push([{ metric: "tt_tps", value: 555 }]);
  await page.waitForTimeout(1500);
  assert.equal(await page.textContent(statValue("tps")), "111", "a link into the past stays there");
  await page.keyboard.press("l");
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "555", statValue("tps"), { timeout: 2000 });

  // Older than the history kept: the server's message, shown.
  await openDisplay(page, board.id, "?at=2001-01-01T00:00:00Z");
  await page.waitForSelector('[data-testid="tt-message"]:visible');
  assert.match(await page.textContent('[data-testid="tt-message"]'), /older than the history kept/);
  watch.check();
  await page.close();
});

/**
 * Shares from the display (the mouse moved first: kiosk controls are
 * hidden), and returns the snapshot's link and PNG once the dialog shows them.
 */
async function share(page) {
  await page.mouse.move(300, 300);
  await page.click('[data-testid="share"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="share-link"]')?.value.includes("/s/"));
  const link = await page.inputValue('[data-testid="share-link"]');
  assert.match(link, new RegExp(`^${server.url.replace(/[.]/g, "\\.")}/s/[A-Za-z0-9_-]{22}$`), "an absolute permalink with a 128-bit id");
  // The picture comes from the server's headless Chromium, one at a time: allow it its minute.
  await page.waitForSelector('[data-testid="share-thumb"]', { timeout: 75000 });
  const png = await page.getAttribute('[data-testid="share-thumb"]', "data-png");
  assert.ok(await page.isVisible('[data-testid="share-download"]'), "a download link for the PNG");
  return { link, png, id: link.split("/s/")[1] };
}

test("share: a snapshot of the moment shown (paused), its page listing every widget, its PNG twice the canvas", async () => {
  const board = await incidentBoard();
  const page = await browser.newPage();
  const watch = watchPage(page, pngPolls);
  await openDisplay(page, board.id, `?at=${past}`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "111", statValue("tps"), { timeout: 5000 });
  const shown = await page.$eval('[data-testid="display"]', (el) => el.fbView.pausedAt);
  const snap = await share(page);
  await screenshot(page, "timetravel-share-dialog");

  const meta = await api("GET", `/api/v1/snapshots/${snap.id}`);
  assert.equal(meta.status, 200, meta.text);
  assert.ok(Math.abs(Date.parse(meta.json().at) - shown) < 1000, `snapshot at ${meta.json().at}, shown ${new Date(shown).toISOString()}`);
  assert.equal(meta.json().variant, "16:9");

  const res = await fetch(snap.link);
  assert.equal(res.status, 200);
  const html = await res.text();
  // Each cell (and the widget frame inside it) carries data-widget: the cells are counted.
  const cells = html.match(/class="cell" data-widget="/g) || [];
  assert.equal(cells.length, smallBoard.widgets.length, "every widget is on the snapshot page");
  assert.ok(html.includes(">111 req/s<"), "the snapshot shows the value of the moment shown");
  assert.ok(!/>(222|333|444|555) req\/s</.test(html), "nothing from after it is in the snapshot");

  const img = await fetch(snap.png);
  assert.equal(img.status, 200);
  const buf = Buffer.from(await img.arrayBuffer());
  assert.deepEqual(pngSize(buf), { width: 3840, height: 2160 }, "the PNG is twice the 1920×1080 canvas");
  writeFileSync(path.join(resultsDir, "timetravel-share.png"), buf);

  await page.keyboard.press("Escape");
  await page.waitForSelector('[data-testid="share-dialog"]', { state: "detached" });
  watch.check();
  await page.close();
});

test("share: a 40-widget board taller than the window: every widget in the snapshot page and in the PNG", async () => {
  const kinds = ["stat", "stat", "timeseries", "status", "text"];
  const widgets = [];
  const placements = [];
  for (let i = 0; i < 40; i++) {
    const kind = kinds[i % kinds.length];
    const id = `w${String(i + 1).padStart(2, "0")}`;
    const w = { id, kind, title: `${kind} ${i + 1}`, config: {} };
    if (kind === "stat") {
      w.config = { decimals: 0, sparkline: "off", compare: "off" };
      w.queries = [{ metric: `tall_${i}` }];
    } else if (kind === "timeseries") {
      w.config = { range: "15m" };
      w.queries = [{ metric: `tall_${i}` }];
    } else if (kind === "status") {
      w.queries = [{ metric: `tall_${i}` }];
    } else w.config = { markdown: `Note **${i + 1}**` };
    widgets.push(w);
    // 4 columns × 10 rows of 8×6 cells (320×240 px) on a 1280×2400 canvas: taller than the 1280×720 window.
    placements.push({ widget: id, x: (i % 4) * 8, y: Math.floor(i / 4) * 6, w: 8, h: 6 });
  }
  const board = await createBoard({
    name: "Forty widgets",
    widgets,
    variants: [{ name: "tall", canvas: { width: 1280, height: 2400 }, grid: { columns: 32, rows: 60 }, placements }],
  });
  const now = Date.now();
  const points = [];
  for (let i = 0; i < 40; i++) {
    for (let k = 5; k >= 0; k--) points.push({ metric: `tall_${i}`, value: 10 * i + k, ts: now - k * 30_000 });
  }
  await push(points);

  const page = await browser.newPage();
  const watch = watchPage(page, pngPolls);
  await openDisplay(page, board.id);
  assert.equal(await page.$$eval(".fb-widget", (els) => els.length), 40);
  const plan = await page.$eval('[data-testid="display"]', (el) => el.fbView.plan);
  assert.ok(plan.canvas.height > 720, "the variant is taller than the window");
  const snap = await share(page);
  await screenshot(page, "timetravel-share-40-dialog");

  // The snapshot page, as someone opening the link sees it.
  await page.goto(snap.link);
  const ids = await page.$$eval(".cell[data-widget]", (els) => els.map((e) => e.getAttribute("data-widget")).sort());
  assert.deepEqual(ids, widgets.map((w) => w.id).sort(), "every widget is on the snapshot page");
  await screenshot(page, "timetravel-snapshot-page-40");
  const buf = Buffer.from(await (await fetch(snap.png)).arrayBuffer());
  assert.deepEqual(pngSize(buf), { width: 2560, height: 4800 }, "the PNG is twice the 1280×2400 canvas: every widget, off screen or not");
  writeFileSync(path.join(resultsDir, "timetravel-share-40.png"), buf);
  watch.check();
  await page.close();
});
