// Issue 7's first-run acceptance, on the real binary started as `make run`
// starts it (`flexboard serve`, no flags but a free port instead of :8080, a
// fresh working directory so ./flexboard.db is new):
//   - it prints the display and editor URLs of the boards it made from the
//     templates (the 32:9 situation room with its 16:9 variant, the service
//     overview, the 10,000-host estate);
//   - within 60 s each printed display shows every widget live (none nodata);
//   - during the demo's error-burst the hitmap gains red, during host-down
//     the honeycomb gains grey, and both clear by themselves (short incidents
//     played with `flexboard demo incident`, as a user would);
//   - a second start changes nothing the user made.
//
// How red and grey are read: the hitmap's ECharts instance (element .fb-chart,
// property fbChart) holds the series it draws, "ok" in blues and "err" in the
// theme's yellow-to-red; the share of err transactions in its newest columns
// is what turns the picture red. The honeycomb's legend counts hexagons per
// state; "no data" ones are the grey ones.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { apiRequest, checkEmbeddedBuild, launchBrowser, resultsDir, screenshot, serverBinary, watchPage } from "./harness.mjs";

/** Issue 7: "within 60 s the printed display URL shows every widget live". Measured from the start of the process. */
const FIRST_RUN_BOUND_MS = 60000;
/** The first-run boards, by the template each comes from. */
const FIRST_RUN_TEMPLATES = ["situation-room", "service-overview", "host-estate"];
/** Short incidents: long enough to be seen, short enough for a test. host-down must outlast the honeycomb's 30 s window. */
const BURST = "40s";
const HOSTS_DOWN = "75s";
/** Waits for an incident to show or to clear (bounds, not measurements). */
const SHOW_TIMEOUT_MS = 90000;
const CLEAR_TIMEOUT_MS = 120000;
/** Hitmap columns with fewer transactions are too noisy to judge a share by. */
const MIN_COLUMN_TX = 500;

const bin = serverBinary();
let dir;
let proc;
let browser;
let output = "";

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The environment without FLEXBOARD_* settings: a newcomer's shell has none. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("FLEXBOARD_")));
}

/** Starts `flexboard serve --auth=none --addr ADDR` in dir, as make run does (RUN_FLAGS, on another address); resolves with its base URL once it listens. */
function serve(addr) {
  const child = spawn(bin, ["serve", "--auth=none", "--addr", addr], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: cleanEnv() });
  const from = output.length;
  const add = (chunk) => (output += chunk);
  child.stdout.setEncoding("utf8").on("data", add);
  child.stderr.setEncoding("utf8").on("data", add);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "flexboard listening" within 30 s:\n${output.slice(from)}`)), 30000);
    const check = () => {
      const m = output.slice(from).match(/msg="flexboard listening".*?url=(\S+)/);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", check);
        child.stderr.off("data", check);
        resolve(m[1].replace(/\/+$/, ""));
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`flexboard exited (${e.code ?? e.signal}) before listening:\n${output.slice(from)}`));
    });
  });
  return { child, exited, url, from };
}

async function stop(p) {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 10000);
  await p.exited;
  clearTimeout(timer);
}

function demoIncident(base, name, duration) {
  return new Promise((resolve, reject) => {
    execFile(bin, ["demo", "incident", name, "--url", base, "--duration", duration], { timeout: 20000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`flexboard demo incident ${name}: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The largest screen of a canvas's shape within 1920×1080. */
function screenFor(c) {
  const s = Math.min(1920 / c.width, 1080 / c.height);
  return { width: Math.round(c.width * s), height: Math.round(c.height * s) };
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flexboard-firstrun-"));
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

after(async () => {
  await stop(proc);
  await browser?.close();
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, "firstrun-server.log"), output);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("first run: the printed boards are live within 60 s; error-burst reddens the hitmap, host-down greys the honeycomb, both clear; a second start changes nothing", { timeout: 10 * 60000 }, async () => {
  const port = await freePort();
  const started = Date.now();
  proc = serve(`127.0.0.1:${port}`);
  const base = await proc.url;
  await checkEmbeddedBuild(base, bin);

  // The printed URLs: every display link, and an editor link for each.
  const printed = () => {
    const ids = [];
    for (const m of output.matchAll(/\/d\/([A-Za-z0-9_-]{4,})/g)) if (!ids.includes(m[1])) ids.push(m[1]);
    return ids;
  };
  for (let i = 0; i < 50 && printed().length < FIRST_RUN_TEMPLATES.length; i++) await new Promise((r) => setTimeout(r, 200));
  const ids = printed();
  assert.ok(ids.length >= FIRST_RUN_TEMPLATES.length, `a first run should print ${FIRST_RUN_TEMPLATES.length} display URLs; printed: ${JSON.stringify(ids)}\n${output}`);
  for (const id of ids) assert.match(output, new RegExp(`/edit/${id}\\b`), `no editor URL printed for board ${id}`);

  // Which printed board comes from which template: its variants and widget count.
  const templates = (await apiRequest(base, "GET", "/api/v1/templates")).json();
  const boards = [];
  for (const id of ids) {
    const res = await apiRequest(base, "GET", `/api/v1/boards/${id}`);
    assert.equal(res.status, 200, `printed board ${id}: ${res.text}`);
    boards.push(res.json());
  }
  const sameShape = (b, t) =>
    b.widgets.length === t.widgets &&
    JSON.stringify(b.variants.map((v) => [v.name, v.canvas.width, v.canvas.height])) === JSON.stringify(t.variants.map((v) => [v.name, v.width, v.height]));
  const byTemplate = {};
  for (const tid of FIRST_RUN_TEMPLATES) {
    const t = templates.find((x) => x.id === tid);
    assert.ok(t, `no template ${tid}`);
    byTemplate[tid] = boards.find((b) => sameShape(b, t));
    assert.ok(byTemplate[tid], `no printed board made from ${tid}; printed: ${boards.map((b) => b.name).join(", ")}`);
  }
  const room = byTemplate["situation-room"];
  assert.deepEqual(room.variants.map((v) => [v.canvas.width, v.canvas.height]), [[3840, 1080], [1920, 1080]]);

  // Every printed display, on a screen of its first variant's shape, is live within the bound.
  const pages = [];
  for (const b of boards) {
    const page = await browser.newPage();
    const watch = watchPage(page);
    await page.setViewportSize(screenFor(b.variants[0].canvas));
    await page.goto(`${base}/d/${b.id}`);
    pages.push({ page, watch, board: b });
  }
  for (const { page, board } of pages) {
    const left = Math.max(1000, started + FIRST_RUN_BOUND_MS - Date.now());
    try {
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid="display"] .fb-stage-box')?.getAttribute("data-stream") === "live" &&
          document.querySelectorAll('[data-testid="display"] .fb-widget').length > 0 &&
          !document.querySelector('[data-testid="display"] .fb-widget[data-state="nodata"]'),
        null,
        { timeout: left, polling: 250 },
      );
    } catch (err) {
      await screenshot(page, `firstrun-${board.id}-FAILED`);
      const bad = await page.evaluate(() => Array.from(document.querySelectorAll('.fb-widget[data-state="nodata"]'), (w) => w.getAttribute("data-widget-id")));
      throw new Error(`${board.name}: not every widget live ${FIRST_RUN_BOUND_MS / 1000} s after start; nodata: ${bad.join(", ")}`, { cause: err });
    }
    assert.equal(await page.locator('[data-testid="display"] .fb-widget').count(), board.variants[0].placements.length);
  }
  for (const { page, board } of pages) await screenshot(page, `firstrun-${FIRST_RUN_TEMPLATES.find((t) => byTemplate[t] === board) ?? board.id}`);
  for (const { page, watch, board } of pages) {
    watch.check();
    if (board !== room) await page.close();
  }
  const { page } = pages.find((p) => p.board === room);

  // The situation room's hitmap (every transaction) and host honeycomb.
  const hitmapID = room.widgets.find((w) => w.kind === "hitmap")?.id;
  const hostsID = room.widgets.find((w) => w.kind === "honeycomb" && (w.queries ?? []).some((q) => /^demo_host_/.test(q.metric ?? "")))?.id;
  assert.ok(hitmapID && hostsID, `the situation room needs a hitmap and a host honeycomb: ${room.widgets.map((w) => `${w.id}:${w.kind}`).join(", ")}`);
  assert.ok(room.variants[0].placements.some((p) => p.widget === hitmapID) && room.variants[0].placements.some((p) => p.widget === hostsID));

  /** Error share of the hitmap's newest columns, oldest first, [share, transactions]; columns under MIN_COLUMN_TX left out. */
  const shares = (id) =>
    page.evaluate(
      ({ id, min }) => {
        const el = document.querySelector(`.fb-widget[data-widget-id="${id}"] .fb-chart`);
        const opt = el && el.fbChart && el.fbChart.getOption();
        if (!opt) return [];
        const cols = ((opt.xAxis && opt.xAxis[0] && opt.xAxis[0].data) || []).length;
        const ok = new Array(cols).fill(0);
        const err = new Array(cols).fill(0);
        for (const s of opt.series || []) for (const [c, , n] of s.data || []) (s.id === "err" ? err : ok)[c] += n;
        const out = [];
        for (let c = Math.max(0, cols - 4); c < cols; c++) if (ok[c] + err[c] >= min) out.push([err[c] / (ok[c] + err[c]), ok[c] + err[c]]);
        return out;
      },
      { id, min: MIN_COLUMN_TX },
    );
  const grey = async () => Number(await page.textContent(`.fb-widget[data-widget-id="${hostsID}"] .fb-honeycomb-item[data-state="nodata"] .fb-honeycomb-n`));

  await page.waitForFunction(
    ({ id, min }) => {
      const opt = document.querySelector(`.fb-widget[data-widget-id="${id}"] .fb-chart`)?.fbChart?.getOption();
      const n = {};
      for (const s of opt?.series || []) for (const [c, , k] of s.data || []) n[c] = (n[c] || 0) + k;
      return Object.values(n).some((k) => k >= min);
    },
    { id: hitmapID, min: MIN_COLUMN_TX },
    { timeout: 60000, polling: 500 },
  );
  const baseline = Math.max(...(await shares(hitmapID)).map(([s]) => s));
  assert.equal(await grey(), 0, "hosts grey before host-down");
  const redFrom = Math.max(0.01, 3 * baseline);
  const clearBelow = Math.max(0.006, 2 * baseline);

  assert.match(await demoIncident(base, "error-burst", BURST), /incident error-burst started/);
  assert.match(await demoIncident(base, "host-down", HOSTS_DOWN), /incident host-down started/);

  // Red: a column's error share well above what it was.
  await page.waitForFunction(
    ({ id, min, from }) => {
      const opt = document.querySelector(`.fb-widget[data-widget-id="${id}"] .fb-chart`)?.fbChart?.getOption();
      if (!opt) return false;
      const ok = {};
      const err = {};
      for (const s of opt.series || []) for (const [c, , k] of s.data || []) (s.id === "err" ? err : ok)[c] = ((s.id === "err" ? err : ok)[c] || 0) + k;
      return Object.keys(err).some((c) => (ok[c] || 0) + err[c] >= min && err[c] / ((ok[c] || 0) + err[c]) >= from);
    },
    { id: hitmapID, min: MIN_COLUMN_TX, from: redFrom },
    { timeout: SHOW_TIMEOUT_MS, polling: 500 },
  );
  const during = Math.max(...(await shares(hitmapID)).map(([s]) => s));
  await screenshot(page, "firstrun-error-burst");

  // Grey: hexagons with no data, the silent sites' hosts.
  await page.waitForFunction(
    (id) => Number(document.querySelector(`.fb-widget[data-widget-id="${id}"] .fb-honeycomb-item[data-state="nodata"] .fb-honeycomb-n`)?.textContent) >= 100,
    hostsID,
    { timeout: SHOW_TIMEOUT_MS, polling: 500 },
  );
  const greyDuring = await grey();
  await screenshot(page, "firstrun-host-down");

  // Both clear by themselves: the hitmap's newest full columns back near the
  // baseline, no grey hexagon left.
  await page.waitForFunction(
    ({ id, min, below }) => {
      const opt = document.querySelector(`.fb-widget[data-widget-id="${id}"] .fb-chart`)?.fbChart?.getOption();
      const cols = opt?.xAxis?.[0]?.data?.length ?? 0;
      const ok = {};
      const err = {};
      for (const s of opt?.series || []) for (const [c, , k] of s.data || []) (s.id === "err" ? err : ok)[c] = ((s.id === "err" ? err : ok)[c] || 0) + k;
      const full = [];
      for (let c = cols - 3; c < cols; c++) if ((ok[c] || 0) + (err[c] || 0) >= min) full.push((err[c] || 0) / ((ok[c] || 0) + (err[c] || 0)));
      return full.length >= 2 && full.slice(-2).every((s) => s <= below);
    },
    { id: hitmapID, min: MIN_COLUMN_TX, below: clearBelow },
    { timeout: CLEAR_TIMEOUT_MS, polling: 1000 },
  );
  await page.waitForFunction(
    (id) => document.querySelector(`.fb-widget[data-widget-id="${id}"] .fb-honeycomb-item[data-state="nodata"] .fb-honeycomb-n`)?.textContent === "0",
    hostsID,
    { timeout: CLEAR_TIMEOUT_MS, polling: 1000 },
  );
  await screenshot(page, "firstrun-cleared");
  assert.ok(during >= redFrom, `hitmap error share ${during} during the burst, baseline ${baseline}`);
  assert.ok(greyDuring >= 100, `grey hexagons during host-down: ${greyDuring}`);
  assert.equal(await page.locator('[data-testid="display"] .fb-widget[data-state="nodata"]').count(), 0);
  await page.close();

  // A second start changes nothing the user made: a first-run board trashed stays in the trash, nothing is added back.
  const trashed = byTemplate["host-estate"].id;
  assert.equal((await apiRequest(base, "DELETE", `/api/v1/boards/${trashed}`)).status, 204);
  const list = async () => (await apiRequest(base, "GET", "/api/v1/boards")).json().boards.map((b) => `${b.id} r${b.revision} ${b.name}`).sort();
  const beforeRestart = await list();
  await stop(proc);
  proc = serve(`127.0.0.1:${port}`);
  assert.equal(await proc.url, base);
  assert.deepEqual(await list(), beforeRestart);
  assert.deepEqual((await apiRequest(base, "GET", "/api/v1/trash")).json().boards.map((b) => b.id), [trashed]);
  assert.deepEqual(browser.foreignRequests, []);
});
