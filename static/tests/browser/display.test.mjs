// The wall display /d/{id} (issue 6) against the real server in headless
// Chromium: every screen shape filled without scrollbars, the right variant
// and letterbox bars; a 2×2 video wall stitched back together pixel for
// pixel; the page surviving a server restart without reloading; board edits
// reaching it live; old data marked.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { launchBrowser, resultsDir, screenshot, startServer, watchPage, apiRequest, pushPoints, openDisplayPage, createBoardAt } from "./harness.mjs";
import { decodePNG, encodePNG, Image } from "./png.mjs";

let server;
let browser;

/** The board's own background: letterbox bars must be this, not the page's default. */
const BOARD_BG = [0x20, 0x30, 0x40];
const BOARD_BG_HEX = "#203040";

before(async () => {
  // No demo source: the tests push their own data, and the machine is small.
  server = await startServer({ name: "display", args: ["--demo=false"] });
  browser = await launchBrowser({ width: 1920, height: 1080 });
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

/**
 * A board with three variants. Each variant frames its canvas with four
 * widgets touching the edges (top, bottom, left, right), so a pixel at the
 * middle of a screen edge is a widget's panel where the canvas reaches the
 * edge and the board's background where a letterbox bar is.
 */
function framedBoard(name) {
  const shapes = [
    { name: "16:9", canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 } },
    { name: "32:9", canvas: { width: 3840, height: 1080 }, grid: { columns: 96, rows: 27 } },
    { name: "9:16", canvas: { width: 1080, height: 1920 }, grid: { columns: 27, rows: 48 } },
  ];
  const text = (id) => ({ id, kind: "text", title: "", config: { markdown: "" } });
  return {
    name,
    background: BOARD_BG_HEX,
    widgets: [
      text("top"),
      text("bottom"),
      text("left"),
      text("right"),
      { id: "tps", kind: "stat", title: "Orders per second", config: { unit: "req/s", decimals: 0, sparkline: "off", compare: "off" }, queries: [{ metric: "display_test_tps" }] },
      { id: "lat", kind: "timeseries", title: "Latency", config: { unit: "ms", range: "15m" }, queries: [{ metric: "display_test_latency" }] },
      { id: "clock", kind: "clock", title: "", config: {} },
    ],
    variants: shapes.map((s) => {
      const C = s.grid.columns;
      const R = s.grid.rows;
      return {
        ...s,
        placements: [
          { widget: "top", x: 0, y: 0, w: C, h: 2 },
          { widget: "bottom", x: 0, y: R - 2, w: C, h: 2 },
          { widget: "left", x: 0, y: 2, w: 2, h: R - 4 },
          { widget: "right", x: C - 2, y: 2, w: 2, h: R - 4 },
          { widget: "tps", x: 3, y: 3, w: 8, h: 5 },
          { widget: "lat", x: 12, y: 3, w: Math.min(16, C - 15), h: 8 },
          { widget: "clock", x: 3, y: 9, w: 8, h: 5 },
        ],
      };
    }),
  };
}

/** Opens a display page and waits until its board is drawn and its stream live. */
function openDisplay(page, id, query = "") {
  return openDisplayPage(page, server.url, id, query);
}

/** In the page: the geometry a display shows. */
function measure() {
  const d = document.documentElement;
  const b = document.body;
  const view = document.querySelector('[data-testid="display"]');
  const widgets = [...document.querySelectorAll(".fb-widget")].map((el) => {
    const r = el.getBoundingClientRect();
    return { id: el.getAttribute("data-widget-id"), x: r.left, y: r.top, r: r.right, b: r.bottom };
  });
  const charts = [...document.querySelectorAll(".fb-chart canvas, canvas.fb-honeycomb")].map((c) => ({ w: c.width, cssW: c.offsetWidth }));
  return {
    inner: [window.innerWidth, window.innerHeight],
    scroll: [d.scrollWidth, d.scrollHeight, b.scrollWidth, b.scrollHeight],
    variant: view.getAttribute("data-variant"),
    plan: view.fbView.plan,
    widgets,
    charts,
  };
}

function near(a, b, tol) {
  return Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol && Math.abs(a[2] - b[2]) <= tol;
}

test("display: every screen shape filled without scrollbars, the right variant, bars only where contain needs them", async () => {
  const board = await createBoard(framedBoard("Screen shapes"));
  const render = (await api("GET", `/api/v1/boards/${board.id}/render`)).json();
  const surface = render.palette.surface.replace("#", "").match(/../g).map((x) => parseInt(x, 16));
  await push([{ metric: "display_test_tps", value: 412 }, { metric: "display_test_latency", value: 12 }]);
  // bars: where contain letterboxes (the canvas's aspect differs from the screen's).
  const screens = [
    { w: 1920, h: 1080, variant: "16:9", bars: "none" },
    { w: 3840, h: 1080, variant: "32:9", bars: "none" },
    { w: 2560, h: 1080, variant: "16:9", bars: "left-right" },
    { w: 1024, h: 768, variant: "16:9", bars: "top-bottom" },
    { w: 1080, h: 1920, variant: "9:16", bars: "none" },
    { w: 7680, h: 2160, variant: "32:9", bars: "none" },
  ];
  // Data keeps coming, as on a wall: the stat stays fresh, the latency line grows.
  let n = 0;
  const pusher = setInterval(() => void push([{ metric: "display_test_tps", value: 412 }, { metric: "display_test_latency", value: 8 + 4 * Math.sin(n++ / 3) }]).catch(() => undefined), 400);
  after(() => clearInterval(pusher));
  const page = await browser.newPage();
  const watch = watchPage(page);
  for (const s of screens) {
    const label = `${s.w}x${s.h}`;
    // Leave the previous display first: resizing it would start a re-plan the navigation then aborts.
    await page.goto("about:blank");
    await page.setViewportSize({ width: s.w, height: s.h });
    await openDisplay(page, board.id);
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "412");
    const m = await page.evaluate(measure);
    assert.deepEqual(m.inner, [s.w, s.h], `${label}: viewport`);
    assert.deepEqual(m.scroll, [s.w, s.h, s.w, s.h], `${label}: document scroll sizes (a scrollbar or overflow)`);
    assert.equal(m.variant, s.variant, `${label}: variant`);
    assert.equal(m.widgets.length, 7, `${label}: widgets placed`);
    for (const w of m.widgets) {
      assert.ok(w.x >= -0.5 && w.y >= -0.5 && w.r <= s.w + 0.5 && w.b <= s.h + 0.5, `${label}: widget ${w.id} at ${JSON.stringify(w)} is outside the viewport`);
    }
    // Crisp: canvases hold render_scale device pixels per canvas pixel.
    assert.ok(m.charts.length >= 1, `${label}: no chart canvas`);
    for (const c of m.charts) {
      const want = Math.min(4, Math.max(0.25, m.plan.render_scale)) * c.cssW;
      assert.ok(Math.abs(c.w - want) <= 2, `${label}: a canvas ${c.cssW} px wide is drawn ${c.w} px wide, want ${want.toFixed(0)} (render_scale ${m.plan.render_scale})`);
    }
    const file = await screenshot(page, `display-${label}`);
    const img = decodePNG((await import("node:fs")).readFileSync(file));
    assert.equal(img.width, s.w, `${label}: screenshot width`);
    // The middle of each screen edge: a bar (the board's background) or the framing widgets' panel.
    const edges = {
      left: img.pixel(1, s.h >> 1),
      right: img.pixel(s.w - 2, s.h >> 1),
      top: img.pixel(s.w >> 1, 1),
      bottom: img.pixel(s.w >> 1, s.h - 2),
    };
    const barred = { none: [], "left-right": ["left", "right"], "top-bottom": ["top", "bottom"] }[s.bars];
    for (const [edge, px] of Object.entries(edges)) {
      const want = barred.includes(edge) ? BOARD_BG : surface;
      assert.ok(near(px, want, 3), `${label}: ${edge} edge pixel ${px.slice(0, 3)}, want ${barred.includes(edge) ? "the board background" : "a widget panel"} ${want}`);
    }
    if (s.bars === "left-right") {
      // Just inside the bar and just inside the canvas.
      const ox = Math.round(m.plan.transform.offset_x);
      assert.ok(ox > 100, `${label}: bar ${ox} px wide`);
      assert.ok(near(img.pixel(ox - 3, s.h >> 1), BOARD_BG, 3), `${label}: bar colour at its inner edge`);
      assert.ok(near(img.pixel(ox + 3, s.h >> 1), surface, 3), `${label}: canvas starts at the bar's edge`);
    }
    if (s.bars === "top-bottom") {
      const oy = Math.round(m.plan.transform.offset_y);
      assert.ok(oy > 50, `${label}: bar ${oy} px high`);
      assert.ok(near(img.pixel(s.w >> 1, oy - 3), BOARD_BG, 3), `${label}: bar colour at its inner edge`);
      assert.ok(near(img.pixel(s.w >> 1, oy + 3), surface, 3), `${label}: canvas starts at the bar's edge`);
    }
  }
  clearInterval(pusher);
  watch.check();
  await page.close();
});

/**
 * The wall pattern: every pixel differs from its neighbours in a way that
 * tells its position (red = x mod 256, green = y mod 256, blue steps every
 * 256 px), so a stitched wall that drops or doubles even one column or row
 * at a seam no longer matches.
 */
function patternImage(w, h) {
  const img = new Image(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      img.data[o] = x & 255;
      img.data[o + 1] = y & 255;
      img.data[o + 2] = (((x >> 8) * 37 + (y >> 8) * 91) & 127) + 64;
      img.data[o + 3] = 255;
    }
  }
  return img;
}

test("display: a 2×2 video wall stitched from its four tiles equals the board on one screen, seams exact", async () => {
  // An image widget covering the seams of a 2×2 wall of 960×540 monitors
  // (bezel 0: the whole wall is 1920×1080, the canvas at scale 1).
  const board = await createBoard({
    name: "Wall",
    background: BOARD_BG_HEX,
    // The text widget lies on the pattern, across both seams.
    allow_overlap: true,
    widgets: [
      { id: "pattern", kind: "image", title: "", config: {} },
      { id: "note", kind: "text", title: "Across the seams", config: { markdown: "The quick brown fox jumps over the lazy dog — 0123456789" } },
    ],
    variants: [
      {
        name: "16:9",
        canvas: { width: 1920, height: 1080 },
        grid: { columns: 48, rows: 27 },
        placements: [
          { widget: "pattern", x: 6, y: 3, w: 36, h: 21 },
          { widget: "note", x: 18, y: 11, w: 12, h: 5 },
        ],
      },
    ],
  });
  // The image exactly the size of its widget's body, so it is drawn 1:1.
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openDisplay(page, board.id);
  const body = await page.$eval('[data-widget-id="pattern"] .fb-body', (el) => ({ w: el.offsetWidth, h: el.offsetHeight }));
  const up = await api("POST", "/api/v1/images?name=pattern.png", encodePNG(patternImage(body.w, body.h)));
  assert.equal(up.status, 201, `upload: ${up.text}`);
  const current = (await api("GET", `/api/v1/boards/${board.id}`)).json();
  current.widgets[0].config = { image: up.json().id, fit: "contain" };
  const put = await api("PUT", `/api/v1/boards/${board.id}`, current);
  assert.equal(put.status, 200, `PUT: ${put.text}`);
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-widget-id="pattern"] img');
    return img && img.complete && img.naturalWidth > 0;
  });
  const single = decodePNG(await page.screenshot());
  writeFileSync(path.join(resultsDir, "wall-single.png"), encodePNG(single));

  const stitched = new Image(1920, 1080);
  for (const [c, r] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    await page.goto("about:blank");
    await page.setViewportSize({ width: 960, height: 540 });
    await openDisplay(page, board.id, `?wall=2x2&tile=${c},${r}&bezel=0`);
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-widget-id="pattern"] img');
      return img && img.complete && img.naturalWidth > 0;
    });
    const m = await page.evaluate(measure);
    assert.deepEqual(m.scroll, [960, 540, 960, 540], `tile ${c},${r}: scroll sizes`);
    assert.deepEqual(m.plan.visible, { x: c * 960, y: r * 540, w: 960, h: 540 }, `tile ${c},${r}: visible rect`);
    const shot = await page.screenshot();
    writeFileSync(path.join(resultsDir, `wall-tile-${c}-${r}.png`), shot);
    stitched.blit(decodePNG(shot), c * 960, r * 540);
  }
  writeFileSync(path.join(resultsDir, "wall-stitched.png"), encodePNG(stitched));

  // Compare every pixel; report the worst and any column or row near a seam that differs.
  let worst = 0;
  let differing = 0;
  const badCols = new Set();
  const badRows = new Set();
  for (let y = 0; y < 1080; y++) {
    for (let x = 0; x < 1920; x++) {
      const a = single.pixel(x, y);
      const b = stitched.pixel(x, y);
      const d = Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
      if (d > worst) worst = d;
      if (d > 2) {
        differing++;
        if (Math.abs(x - 960) <= 2) badCols.add(x);
        if (Math.abs(y - 540) <= 2) badRows.add(y);
      }
    }
  }
  assert.deepEqual([...badCols], [], `columns at the vertical seam differ (a gap or a doubled strip)`);
  assert.deepEqual([...badRows], [], `rows at the horizontal seam differ (a gap or a doubled strip)`);
  assert.equal(differing, 0, `${differing} pixels differ between the stitched wall and the single screen (worst channel difference ${worst})`);
  // The pattern really crosses the seams: the pixels either side of them differ as the pattern says.
  const left = single.pixel(959, 300);
  const right = single.pixel(960, 300);
  assert.equal((right[0] - left[0] + 256) % 256, 1, `the pattern steps by one red level per column at the seam (${left} | ${right})`);
  watch.check();
  await page.close();
});

test("display: survives a server restart without reloading, shows the banner, resumes live within 10 s", async () => {
  const board = await createBoard(framedBoard("Restart"));
  const page = await browser.newPage();
  // The server goes away on purpose: its refused connections are expected.
  const watch = watchPage(page, { allowConsole: [/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/] });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openDisplay(page, board.id);
  await page.evaluate(() => {
    window.__loadMarker = Math.random();
  });
  const marker = await page.evaluate(() => window.__loadMarker);
  await push([{ metric: "display_test_tps", value: 101 }]);
  await page.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "101");

  // A crash: no shutdown message, the socket just dies.
  await server.kill("SIGKILL");
  await page.waitForSelector('[data-testid="banner"]:visible', { timeout: 10000 });
  await page.waitForFunction(() => /connection lost — reconnecting \([1-9]\d* s\)/.test(document.querySelector('[data-testid="banner"]').textContent), null, { timeout: 10000 });
  const stale = await page.$$eval(".fb-widget", (els) => els.filter((e) => e.hasAttribute("data-stale")).length);
  assert.equal(stale, 7, "every widget is marked stale while the connection is down");
  assert.equal(await page.textContent('[data-testid="stat-value"]'), "101", "the last data stays on screen");
  await screenshot(page, "display-restart-down");

  await server.restart({ signal: "SIGKILL" });
  const back = Date.now();
  // New data after the restart (the server's memory started empty).
  const pusher = setInterval(() => void push([{ metric: "display_test_tps", value: 202 }]).catch(() => undefined), 500);
  try {
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "202", null, { timeout: 10000, polling: 100 });
  } finally {
    clearInterval(pusher);
  }
  const took = Date.now() - back;
  assert.ok(took <= 10000, `live again ${took} ms after the server was back`);
  await page.waitForSelector('[data-testid="banner"]', { state: "hidden" });
  assert.equal(await page.evaluate(() => window.__loadMarker), marker, "the page was reloaded");
  assert.equal(await page.$$eval(".fb-widget[data-stale]", (els) => els.length), 0, "widgets still marked stale");
  await screenshot(page, "display-restart-back");

  // A deploy: SIGTERM sends the shutdown message; the page reconnects by itself again.
  await server.restart({ signal: "SIGTERM" });
  const pusher2 = setInterval(() => void push([{ metric: "display_test_tps", value: 303 }]).catch(() => undefined), 500);
  try {
    await page.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "303", null, { timeout: 10000, polling: 100 });
  } finally {
    clearInterval(pusher2);
  }
  assert.equal(await page.evaluate(() => window.__loadMarker), marker, "the page was reloaded after the deploy");
  watch.check();
  await page.close();
});

test("display: a board edit through the API shows within 2 s, without a reload", async () => {
  const board = await createBoard(framedBoard("Edits"));
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openDisplay(page, board.id);
  await page.evaluate(() => {
    window.__loadMarker = 42;
  });
  const current = (await api("GET", `/api/v1/boards/${board.id}`)).json();
  current.widgets.find((w) => w.id === "tps").title = "Checkouts per second";
  // Move the stat on the 16:9 variant too: the layout changes, not only a text.
  current.variants[0].placements.find((p) => p.widget === "tps").x = 30;
  const t0 = Date.now();
  const put = await api("PUT", `/api/v1/boards/${board.id}`, current);
  assert.equal(put.status, 200, `PUT: ${put.text}`);
  await page.waitForFunction(() => document.querySelector('[data-widget-id="tps"] .fb-title')?.textContent === "Checkouts per second", null, { timeout: 5000, polling: 50 });
  const took = Date.now() - t0;
  assert.ok(took <= 2000, `the edit took ${took} ms to show`);
  const left = await page.$eval('[data-widget-id="tps"]', (el) => el.style.left);
  assert.equal(left, "1200px", "the stat moved to column 30");
  assert.equal(await page.evaluate(() => window.__loadMarker), 42, "the page was reloaded");
  await screenshot(page, "display-edited");
  watch.check();
  await page.close();
});

test("display: data older than 3 refresh intervals goes grey with its age; unknown and deleted boards say so", async () => {
  const b = framedBoard("Old data");
  b.refresh_ms = 500;
  const board = await createBoard(b);
  const page = await browser.newPage();
  const watch = watchPage(page, { allowHTTPErrors: [/\/api\/v1\/boards\/(nope|[^/]+)\/plan/, /\/api\/v1\/stream/], allowConsole: [/404|WebSocket/] });
  await page.setViewportSize({ width: 1280, height: 720 });
  await openDisplay(page, board.id);
  await push([{ metric: "display_test_tps", value: 7 }]);
  await page.waitForFunction(() => document.querySelector('[data-testid="stat-value"]')?.textContent === "7");
  // Nothing more is pushed: after 3 × 500 ms the stat is stale, with a badge.
  await page.waitForSelector('[data-widget-id="tps"][data-stale] [data-testid="age"]', { timeout: 6000 });
  assert.match(await page.textContent('[data-widget-id="tps"] [data-testid="age"]'), /^\d+ s old$/);
  assert.equal(await page.$$eval('[data-widget-id="clock"][data-stale], [data-widget-id="top"][data-stale]', (e) => e.length), 0, "widgets without data are not stale while connected");
  await screenshot(page, "display-old-data");
  await push([{ metric: "display_test_tps", value: 8 }]);
  await page.waitForSelector('[data-widget-id="tps"]:not([data-stale])');
  assert.equal(await page.isVisible('[data-widget-id="tps"] [data-testid="age"]'), false, "badge gone with fresh data");

  // Deleted while shown: the stream closes with 4404.
  assert.equal((await api("DELETE", `/api/v1/boards/${board.id}`)).status, 204);
  await page.waitForFunction(() => document.querySelector('[data-testid="display-message"]')?.textContent.includes("board deleted"), null, { timeout: 10000 });
  await screenshot(page, "display-deleted");

  await page.goto(`${server.url}/d/nope`);
  await page.waitForFunction(() => document.querySelector('[data-testid="display-message"]')?.textContent.includes("board not found"));
  const m = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.deepEqual(m, [1280, 720], "the message page has no scrollbars");
  await screenshot(page, "display-not-found");
  watch.check();
  await page.close();
});
