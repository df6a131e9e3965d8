// The editor's side panels (static/src/editor/panels) in real Chromium
// against the real server: the panels are bundled here and mounted on a page
// of the server's origin by a small host that plays the editor core's part
// (keeps the board, applies every onChange, saves with PUT and hands the
// server's field errors back). What a person does: edit config and see a
// client check, autocomplete a metric and a label value, preview the query
// live and see the server refuse a bad one, set thresholds, see a server-only
// error beside its field, edit settings and a wall, add a 32:9 variant and
// save it (the server checks overlap and bounds).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import * as esbuild from "esbuild";
import { apiRequest, launchBrowser, pushPoints, repoRoot, screenshot, startServer, watchPage } from "./harness.mjs";

let server;
let browser;
let bundle;

/** The host page's script: the panels plus a stand-in for the editor core. */
const HOST = `
import * as panels from "./index.ts";
import { parseKinds } from "../../lib/render.ts";

const side = document.getElementById("side");
const s = { board: null, rev: 0, id: "", kinds: null, handle: null, selected: null, errors: [], changes: [] };

function widgetProps() {
  const i = s.board.widgets.findIndex((w) => w.id === s.selected);
  const w = s.board.widgets[i];
  const prefix = "widgets[" + i + "].";
  return {
    widget: w,
    kind: s.kinds.kinds.find((k) => k.name === w.kind),
    kinds: s.kinds,
    board: s.board,
    errors: s.errors.filter((e) => e.field.startsWith(prefix)).map((e) => ({ field: e.field.slice(prefix.length), message: e.message })),
    onChange: (next, label) => {
      s.board = { ...s.board, widgets: s.board.widgets.map((x) => (x.id === next.id ? next : x)) };
      s.changes.push(label);
      s.handle.update(widgetProps());
    },
  };
}
function settingsProps() {
  return {
    board: s.board,
    errors: s.errors.filter((e) => !e.field.startsWith("widgets[")),
    onChange: (next, label) => {
      s.board = next;
      s.changes.push(label);
      s.handle.update(settingsProps());
    },
  };
}
window.fbt = {
  state: s,
  async load(id) {
    s.id = id;
    s.kinds = parseKinds(await (await fetch("/api/v1/widgets/kinds")).json());
    const b = await (await fetch("/api/v1/boards/" + id)).json();
    s.rev = b.revision;
    const { id: _id, revision, created_at, updated_at, ...content } = b;
    s.board = content;
  },
  showWidget(id) {
    s.handle?.destroy();
    s.selected = id;
    s.handle = panels.renderWidgetPanel(side, widgetProps());
  },
  showSettings() {
    s.handle?.destroy();
    s.selected = null;
    s.handle = panels.renderSettingsPanel(side, settingsProps());
  },
  async save() {
    const res = await fetch("/api/v1/boards/" + s.id, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...s.board, revision: s.rev }),
    });
    const body = await res.json();
    if (res.ok) {
      s.rev = body.revision;
      s.errors = [];
    } else {
      s.errors = [{ field: body.error.field || "", message: body.error.message }];
    }
    s.handle.update(s.selected ? widgetProps() : settingsProps());
    return { status: res.status, error: body.error || null };
  },
  async addVariant(from) {
    const v = await panels.openAddVariantDialog({ board: s.board, from });
    if (v) s.board = { ...s.board, variants: [...s.board.variants, v] };
    return v;
  },
};
`;

before(async () => {
  server = await startServer({ name: "panels", args: ["--demo=false"] });
  browser = await launchBrowser({ width: 1400, height: 1000 });
  const panelsDir = path.join(repoRoot, "static/src/editor/panels");
  const js = await esbuild.build({
    stdin: { contents: HOST, resolveDir: panelsDir, loader: "ts", sourcefile: "host.ts" },
    bundle: true,
    write: false,
    format: "iife",
    target: "chrome90",
    logLevel: "warning",
  });
  const css = await esbuild.build({ entryPoints: [path.join(repoRoot, "static/src/styles.css")], bundle: true, write: false, logLevel: "warning", external: ["*.svg", "*.woff2"] });
  bundle = { js: js.outputFiles[0].text, css: css.outputFiles[0].text };
  // Data the autocomplete and the preview find: a latency per service, a few seconds of it.
  const now = Date.now();
  const points = [];
  for (let i = 0; i < 5; i++) {
    for (const [service, base] of [["cart", 120], ["checkout", 340]]) {
      points.push({ metric: "shop_latency_ms", labels: { service, region: "eu" }, value: base + i, ts: now - (5 - i) * 1000 });
    }
    points.push({ metric: "shop_orders_total", labels: { service: "checkout" }, value: 100 + i, ts: now - (5 - i) * 1000 });
  }
  await pushPoints(server.url, points);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function createBoard() {
  const res = await apiRequest(server.url, "POST", "/api/v1/boards", {
    name: "Panels test",
    description: "",
    theme: "dark",
    allow_overlap: false,
    refresh_ms: 1000,
    widgets: [
      { id: "lat", kind: "timeseries", title: "Latency", config: {} },
      { id: "clk", kind: "clock", title: "Clock", config: {} },
      { id: "txt", kind: "text", title: "Note", config: { markdown: "hello" } },
    ],
    variants: [
      {
        name: "16:9",
        canvas: { width: 1920, height: 1080 },
        grid: { columns: 48, rows: 27 },
        placements: [
          { widget: "lat", x: 0, y: 0, w: 32, h: 18 },
          { widget: "clk", x: 32, y: 0, w: 16, h: 9 },
          { widget: "txt", x: 32, y: 9, w: 16, h: 9 },
        ],
      },
    ],
  });
  assert.equal(res.status, 201, res.text);
  return res.json().id;
}

async function openHost(page, id) {
  await page.route(server.url + "/__panels", (r) =>
    r.fulfill({ contentType: "text/html", body: `<!doctype html><html><head><link rel="stylesheet" href="/__panels.css"></head><body><div style="display:flex;height:100vh"><div id="canvas" style="flex:1"></div><aside id="side" class="fb-ed-side" style="width:380px;overflow-y:auto;padding:12px 14px;border-left:1px solid #2a2d35;background:#181b1f"></aside></div><script src="/__panels.js"></script></body></html>` }),
  );
  await page.route(server.url + "/__panels.js", (r) => r.fulfill({ contentType: "text/javascript", body: bundle.js }));
  await page.route(server.url + "/__panels.css", (r) => r.fulfill({ contentType: "text/css", body: bundle.css }));
  await page.goto(server.url + "/__panels");
  await page.evaluate((bid) => window.fbt.load(bid), id);
}

const changes = (page) => page.evaluate(() => window.fbt.state.changes.slice());
const widgetOf = (page, id) => page.evaluate((w) => window.fbt.state.board.widgets.find((x) => x.id === w), id);
const focusedKey = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-key") ?? null);

test("panels: widget form, query autocomplete and live preview, thresholds, server errors, settings, add variant", async () => {
  const id = await createBoard();
  const page = await browser.newPage();
  // The 400s are the save the test makes fail on purpose, and the preview refused.
  const watch = watchPage(page, { allowHTTPErrors: [/\/api\/v1\/boards\/[^/]+$/, /\/api\/v1\/query$/], allowConsole: [/status of 400/] });
  await openHost(page, id);

  // --- Widget form from the schema ---
  await page.evaluate(() => window.fbt.showWidget("lat"));
  await page.waitForSelector('[data-key="w.title"]');
  for (const key of ["cfg.style", "cfg.unit", "cfg.decimals", "cfg.range", "cfg.compare", "cfg.legend", "cfg.threshold_style", "cfg.direction"]) {
    assert.equal(await page.locator(`[data-key="${key}"]`).count(), 1, `${key} has a control`);
  }
  await page.fill('[data-key="w.title"]', "Checkout latency");
  assert.equal((await widgetOf(page, "lat")).title, "Checkout latency");
  assert.equal(await focusedKey(page), "w.title", "typing keeps the focus through the update");

  // A client-side check: decimals above the schema's max shows at once and changes nothing.
  await page.fill('[data-key="cfg.decimals"]', "9");
  const decField = page.locator('.field:has([data-key="cfg.decimals"])');
  assert.match(await decField.locator(".field-error").innerText(), /is 9; the maximum is 6/);
  assert.equal((await widgetOf(page, "lat")).config.decimals, undefined);
  await page.fill('[data-key="cfg.decimals"]', "2");
  assert.equal((await widgetOf(page, "lat")).config.decimals, 2);
  assert.equal(await decField.locator(".field-error").innerText(), "");
  await page.selectOption('[data-key="cfg.unit"]', "ms");
  assert.equal((await widgetOf(page, "lat")).config.unit, "ms");

  // --- Query with autocomplete ---
  await page.click('button:has-text("+ Query")');
  await page.click('[data-key="q0.metric"]');
  await page.keyboard.type("shop_lat");
  await page.waitForSelector('.ac-list:not(.hidden) li:has-text("shop_latency_ms")');
  await screenshot(page, "panels-autocomplete-metric");
  await page.keyboard.press("Enter");
  assert.equal((await widgetOf(page, "lat")).queries[0].metric, "shop_latency_ms");
  assert.equal(await focusedKey(page), "q0.metric");

  await page.click('button:has-text("+ Label condition")');
  await page.click('[data-key="q0.match[0].label"]');
  await page.keyboard.type("serv");
  await page.waitForSelector('.ac-list:not(.hidden) li:has-text("service")');
  await page.keyboard.press("Enter");
  await page.click('[data-key="q0.match[0].value"]');
  await page.waitForSelector('.ac-list:not(.hidden) li:has-text("checkout")');
  await page.click('.ac-list:not(.hidden) li:has-text("cart")');
  assert.deepEqual((await widgetOf(page, "lat")).queries[0].match, [{ label: "service", op: "=", value: "cart" }]);

  // --- Live preview: the query as the time series runs it (the widget's 1h range) ---
  await page.waitForSelector('.q-preview .q-headline:has-text("1 series over time")');
  await page.waitForSelector('.q-preview .q-name:has-text("service=cart")');
  assert.match(await page.locator(".q-preview .q-value").first().innerText(), /^12[0-4]$/);
  assert.equal(await page.locator(".q-preview svg.spark path").count(), 1);

  // A regular expression JavaScript accepts but the server's RE2 refuses: the server's message.
  await page.selectOption('[data-key="q0.match[0].op"]', "=~");
  await page.fill('[data-key="q0.match[0].value"]', "(?=c)art");
  await page.waitForSelector('.q-preview-error:has-text("match[0].value")');
  await screenshot(page, "panels-preview-error");
  await page.fill('[data-key="q0.match[0].value"]', "ca.*");
  await page.waitForSelector('.q-preview .q-name:has-text("service=cart")');

  // --- Thresholds with colour preview ---
  await page.click('button:has-text("+ Step")');
  await page.click('button:has-text("+ Step")');
  let w = await widgetOf(page, "lat");
  assert.deepEqual(w.config.thresholds, [{ value: 80, state: "warning" }, { value: 96, state: "critical" }]);
  await page.fill('[data-key="cfg.thresholds[0].value"]', "200");
  assert.match(await page.locator(".th-row").nth(1).locator(".field-error").innerText(), /not above the step before \(200\)/);
  await page.fill('[data-key="cfg.thresholds[1].value"]', "300");
  await page.waitForFunction(() => document.querySelectorAll(".th-row .field-error:not(:empty)").length === 0);
  const bandColours = await page.$$eval(".th-band", (els) => els.map((e) => getComputedStyle(e).backgroundColor));
  assert.deepEqual(bandColours, ["rgb(63, 185, 80)", "rgb(227, 179, 65)", "rgb(255, 95, 86)"], "ok, warning, critical from the palette");
  assert.match(await page.locator(".th-probe").innerText(), /→\s*ok/);
  await page.locator(".thresholds").scrollIntoViewIfNeeded();
  await screenshot(page, "panels-thresholds");

  let saved = await page.evaluate(() => window.fbt.save());
  assert.equal(saved.status, 200, JSON.stringify(saved.error));
  const stored = (await apiRequest(server.url, "GET", `/api/v1/boards/${id}`)).json().widgets.find((x) => x.id === "lat");
  assert.deepEqual(stored.config, { decimals: 2, unit: "ms", thresholds: [{ value: 200, state: "warning" }, { value: 300, state: "critical" }], direction: "higher_is_worse" });
  assert.deepEqual(stored.queries, [{ metric: "shop_latency_ms", match: [{ label: "service", op: "=~", value: "ca.*" }] }]);

  // --- A server-only error beside its field ---
  await page.evaluate(() => window.fbt.showWidget("clk"));
  await page.fill('[data-key="cfg.timezone"]', "Mars/Olympus");
  saved = await page.evaluate(() => window.fbt.save());
  assert.equal(saved.status, 400);
  assert.equal(saved.error.field, "widgets[1].config.timezone");
  const tzField = page.locator('.field:has([data-key="cfg.timezone"])');
  await tzField.locator(".field-error", { hasText: "not a known time zone" }).waitFor();
  assert.match(await tzField.getAttribute("class"), /invalid/);
  await screenshot(page, "panels-server-error");
  await page.fill('[data-key="cfg.timezone"]', "Europe/Paris");
  saved = await page.evaluate(() => window.fbt.save());
  assert.equal(saved.status, 200, JSON.stringify(saved.error));

  // --- Settings and a wall profile ---
  await page.evaluate(() => window.fbt.showSettings());
  await page.fill('[data-key="s.refresh_ms"]', "0.05");
  assert.match(await page.locator('.field:has([data-key="s.refresh_ms"]) .field-error').innerText(), /0\.1 to 60 seconds/);
  await page.fill('[data-key="s.refresh_ms"]', "2");
  await page.selectOption('[data-key="s.theme"]', "light");
  await page.click('button:has-text("+ Wall profile")');
  await page.fill('[data-key="s.walls[0].columns"]', "3");
  await page.fill('[data-key="s.walls[0].bezel"]', "12");
  assert.match(await page.locator(".wall-card").innerText(), /Whole picture 5808×2184 px/);
  await screenshot(page, "panels-settings");
  saved = await page.evaluate(() => window.fbt.save());
  assert.equal(saved.status, 200, JSON.stringify(saved.error));
  const b = (await apiRequest(server.url, "GET", `/api/v1/boards/${id}`)).json();
  assert.equal(b.refresh_ms, 2000);
  assert.equal(b.theme, "light");
  assert.deepEqual(b.walls, [{ name: "wall-1", columns: 3, rows: 2, monitor: { width: 1920, height: 1080 }, bezel: 12 }]);

  // --- Add a 32:9 variant ---
  const pending = page.evaluate(() => window.fbt.addVariant("16:9"));
  await page.waitForSelector(".av-dialog");
  await page.click('.av-choice:has-text("32:9")');
  assert.equal(await page.inputValue("#av\\.columns"), "96");
  assert.equal(await page.inputValue("#av\\.rows"), "27");
  assert.equal(await page.locator(".av-rect").count(), 3);
  assert.match(await page.locator(".av-report").innerText(), /3 of 3 widgets placed/);
  await screenshot(page, "panels-add-variant");
  await page.click('.av-dialog button:has-text("Add variant")');
  const v = await pending;
  assert.equal(v.name, "32:9");
  assert.deepEqual(v.canvas, { width: 3840, height: 1080 });
  saved = await page.evaluate(() => window.fbt.save());
  assert.equal(saved.status, 200, `the server accepts the new variant (no overlap, inside): ${JSON.stringify(saved.error)}`);
  const plan = await apiRequest(server.url, "GET", `/api/v1/boards/${id}/plan?width=3840&height=1080`);
  assert.equal(plan.status, 200, plan.text);
  assert.equal(plan.json().variant, "32:9", "a 3840×1080 screen picks it");

  // Escape cancels the dialog.
  const cancelled = page.evaluate(() => window.fbt.addVariant("16:9"));
  await page.waitForSelector(".av-dialog");
  await page.keyboard.press("Escape");
  assert.equal(await cancelled, null);
  assert.equal(await page.locator(".av-dialog").count(), 0);

  assert.ok((await changes(page)).includes("Change title"));
  watch.check();
  await page.close();
});
