// The widget catalogue (/widgets) against the real server with its demo
// source: every kind draws live data in both themes without a console error,
// and a value pushed over ingest reaches a stat and turns it red.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { launchBrowser, resultsDir, startServer, watchPage, apiRequest } from "./harness.mjs";

let server;
let browser;

before(async () => {
  // The first start of an empty database seeds the demo source (default --demo=true):
  // the catalogue board is bound to its series.
  server = await startServer({ name: "widgets" });
  browser = await launchBrowser({ width: 1600, height: 1000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function api(method, p, body) {
  return apiRequest(server.url, method, p, body);
}

/** Saves the full-page region of a stage as test-results/NAME.png. */
async function stageShot(page, selector, name) {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, `${selector} has no size`);
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, clip: box });
  return file;
}

/**
 * In the page: what each widget of a stage drew. Charts: the ECharts series
 * with data and the painted pixels of their canvas; honeycombs: pixels unlike
 * the panel; the others: their text.
 */
function describeStage(sel) {
  const root = document.querySelector(sel);
  if (!root) return null;
  const painted = (canvas) => {
    const g = canvas.getContext("2d");
    if (!g || canvas.width === 0 || canvas.height === 0) return 0;
    const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const [r0, g0, b0] = [px[0], px[1], px[2]];
    let n = 0;
    for (let i = 0; i < px.length; i += 16) {
      if (px[i + 3] > 0 && (Math.abs(px[i] - r0) > 24 || Math.abs(px[i + 1] - g0) > 24 || Math.abs(px[i + 2] - b0) > 24)) n++;
    }
    return n;
  };
  return [...root.querySelectorAll(".fb-widget")].map((el) => {
    const out = { id: el.getAttribute("data-widget-id"), kind: el.getAttribute("data-kind"), state: el.getAttribute("data-state") };
    const chartEl = el.querySelector(".fb-chart");
    if (chartEl && chartEl.fbChart) {
      const series = chartEl.fbChart.getOption().series || [];
      // A series counts when at least one of its points has a value (not [ts, null]).
      const hasValue = (d) =>
        d !== null && d !== undefined && (Array.isArray(d) ? d[d.length - 1] !== null : typeof d === "object" ? d.value !== null && d.value !== undefined : true);
      out.seriesWithData = series.filter((s) => Array.isArray(s.data) && s.data.some(hasValue)).length;
      const canvas = chartEl.querySelector("canvas");
      out.pixels = canvas ? painted(canvas) : 0;
    }
    const hc = el.querySelector("canvas.fb-honeycomb");
    if (hc) out.pixels = painted(hc);
    out.text = (el.querySelector(".fb-body")?.textContent || "").trim();
    return out;
  });
}

/** Whether a widget drew what its kind should, given its description. */
function drawn(w) {
  switch (w.kind) {
    case "timeseries":
    case "bar":
    case "pie":
    case "gauge":
    case "hitmap":
    case "equalizer":
      return w.seriesWithData > 0 && w.pixels > 50;
    case "honeycomb":
      return w.pixels > 50 && /\d+ ok/.test(w.text);
    case "stat":
      return w.text !== "" && !w.text.startsWith("–");
    case "status":
      return /OK|WARNING|CRITICAL/.test(w.text);
    case "table":
    case "topn":
      return /\d/.test(w.text);
    case "clock":
      return /\d{1,2}:\d{2}/.test(w.text);
    case "text":
      return w.text.includes("Checkout is slow?");
    case "events":
      return w.text !== "";
    case "image":
      return w.text === "No image chosen";
  }
  return false;
}

test("widgets: every kind draws live data in both themes, no console errors", async () => {
  const kinds = (await api("GET", "/api/v1/widgets/kinds")).json().kinds;
  assert.ok(kinds.length >= 15, `only ${kinds.length} kinds`);
  const page = await browser.newPage();
  const watch = watchPage(page);
  // Through the DevTools protocol, so the page's CSP (no eval) does not apply.
  await page.addInitScript(`window.__describe = ${describeStage.toString()}; window.__drawn = ${drawn.toString()};`);
  await page.goto(server.url + "/widgets");
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="kind"]').length === n, kinds.length);
  assert.equal(await page.title(), "Widgets · Flexboard");
  for (const k of kinds) {
    const card = page.locator(`[data-testid="kind"][data-kind="${k.name}"]`);
    assert.equal(await card.locator(".kind-label").textContent(), k.label);
    assert.equal(await card.locator(".kind-desc").textContent(), k.description);
  }

  for (const theme of ["dark", "light"]) {
    const sel = `[data-testid="stage-${theme}"]`;
    await page.waitForSelector(`${sel}[data-stream="live"]`);
    try {
      await page.waitForFunction(
        (s) => {
          const ws = window.__describe(s);
          return ws !== null && ws.length > 0 && ws.every(window.__drawn);
        },
        sel,
        { timeout: 30000, polling: 500 },
      );
    } catch (err) {
      const last = await page.evaluate(describeStage, sel);
      const missing = (last || []).filter((w) => !drawn(w)).map((w) => `${w.id} (${w.kind}): ${JSON.stringify(w).slice(0, 200)}`);
      throw new Error(`${theme}: widgets not drawn:\n  ${missing.join("\n  ")}\n${err.message}`);
    }
    const ws = await page.evaluate(describeStage, sel);
    for (const k of kinds) {
      assert.ok(ws.some((w) => w.kind === k.name), `${theme} stage has no ${k.name} widget`);
    }
    // The stage takes the theme's palette from the server, not from the page's CSS.
    const palette = (await api("GET", `/api/v1/boards/catalogue/render?theme=${theme}`)).json().palette;
    const bg = await page.$eval(`${sel} .fb-stage`, (el) => getComputedStyle(el).backgroundColor);
    const hex = palette.background.replace("#", "");
    const rgb = `rgb(${parseInt(hex.slice(0, 2), 16)}, ${parseInt(hex.slice(2, 4), 16)}, ${parseInt(hex.slice(4, 6), 16)})`;
    assert.equal(bg, rgb, `${theme} stage background`);
    await stageShot(page, sel, `widgets-${theme}`);
  }
  await page.screenshot({ path: path.join(resultsDir, "widgets-page.png") });
  watch.check();
  await page.close();
});

/** Saves one widget as test-results/NAME.png (scrolled into view: the stage is taller than the window). */
async function widgetShot(page, selector, name) {
  // In the middle of the window: the page's header covers the top.
  await page.$eval(selector, (el) => el.scrollIntoView({ block: "center" }));
  await page.locator(selector).screenshot({ path: path.join(resultsDir, `${name}.png`) });
}

test("widgets: legible on a wall: every equalizer column named, honeycomb names in full on hover, narrow tables keep or name their columns", async () => {
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(server.url + "/widgets");
  const stage = '[data-testid="stage-dark"]';
  await page.waitForSelector(`${stage}[data-stream="live"]`);
  const w = (id) => `${stage} [data-widget-id="${id}"]`;

  // Equalizer: as many labels drawn as columns (none skipped for overlap), fitted.
  await page.waitForFunction((s) => {
    const c = document.querySelector(`${s} .fb-chart`)?.fbChart;
    return c && (c.getOption().xAxis?.[0]?.data || []).length > 0;
  }, w("equalizer"));
  const eq = await page.$eval(`${w("equalizer")} .fb-chart`, (el) => {
    const c = el.fbChart;
    const axis = c.getModel().getComponent("xAxis", 0).axis;
    const label = c.getOption().xAxis[0].axisLabel;
    return { columns: c.getOption().xAxis[0].data.length, drawn: axis.getViewLabels().length, interval: label.interval, rotate: label.rotate, width: label.width };
  });
  assert.ok(eq.columns >= 10, `the demo equalizer has only ${eq.columns} columns`);
  assert.equal(eq.drawn, eq.columns, `equalizer labels: ${JSON.stringify(eq)}`);
  assert.equal(eq.interval, 0);
  assert.ok(eq.width > 0, `equalizer labels have no width to truncate at: ${JSON.stringify(eq)}`);
  await widgetShot(page, w("equalizer"), "widgets-equalizer");

  // Honeycomb: the hexagon under the pointer names its object in full.
  const hc = `${w("honeycomb-db")} canvas.fb-honeycomb`;
  await page.waitForFunction((s) => /[1-9]\d* (ok|warning|critical|no data)/.test(document.querySelector(s)?.textContent || ""), w("honeycomb-db"));
  await page.locator(hc).scrollIntoViewIfNeeded();
  const box = await page.locator(hc).boundingBox();
  let title = "";
  for (let i = 1; i < 40 && !title; i++) {
    await page.mouse.move(box.x + (box.width * (i % 8)) / 8 + 12, box.y + (box.height * Math.floor(i / 8)) / 5 + 12);
    title = await page.$eval(hc, (el) => el.title);
  }
  assert.match(title, /^db-[a-z0-9-]+: (ok|warning|critical|no data)$/, `honeycomb title ${JSON.stringify(title)}`);
  await widgetShot(page, w("honeycomb-db"), "widgets-honeycomb-db");

  // Tables: every column, or a note naming those hidden; nothing cut at the right.
  for (const id of ["table", "table-s"]) {
    await page.waitForFunction((s) => document.querySelectorAll(`${s} tbody tr`).length > 0, w(id));
    const t = await page.$eval(w(id), (el) => {
      const table = el.querySelector("table");
      const body = el.querySelector(".fb-body");
      return {
        headers: [...table.querySelectorAll("thead th")].map((th) => th.textContent),
        note: el.querySelector('[data-testid="table-hidden"]')?.textContent || "",
        font: parseFloat(getComputedStyle(table).fontSize),
        tableW: table.offsetWidth,
        bodyW: body.clientWidth,
      };
    });
    const shown = t.headers.length - 1;
    assert.ok(t.font >= 11, `${id}: font ${t.font}`);
    assert.ok(t.tableW <= t.bodyW + 1, `${id}: table ${t.tableW} px wide in ${t.bodyW}: columns cut`);
    if (shown < 3) assert.match(t.note, new RegExp(`^\\+${3 - shown} columns?: `), `${id}: ${JSON.stringify(t)}`);
    else assert.equal(t.note, "", `${id}: ${JSON.stringify(t)}`);
    await widgetShot(page, w(id), `widgets-${id}`);
  }
  watch.check();
  await page.close();
});

test("widgets: a value pushed over ingest appears in a stat and turns it critical", async () => {
  const board = {
    name: "Ingest to stat",
    widgets: [
      {
        id: "lat",
        kind: "stat",
        title: "Checkout latency",
        config: { unit: "ms", decimals: 0, sparkline: "off", compare: "off", thresholds: [{ value: 100, state: "warning" }, { value: 200, state: "critical" }] },
        queries: [{ metric: "browser_test_latency_ms" }],
      },
    ],
    variants: [
      {
        name: "16:9",
        canvas: { width: 1920, height: 1080 },
        grid: { columns: 48, rows: 27 },
        placements: [{ widget: "lat", x: 0, y: 0, w: 12, h: 8 }],
      },
    ],
  };
  const created = await api("POST", "/api/v1/boards", board);
  assert.equal(created.status, 201, `POST /api/v1/boards: ${created.text}`);
  const id = created.json().id;

  const push = async (value) => {
    const res = await api("POST", "/api/v1/ingest", { points: [{ metric: "browser_test_latency_ms", value }] });
    assert.ok(res.status >= 200 && res.status < 300, `ingest: ${res.status} ${res.text}`);
  };

  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(`${server.url}/widgets?board=${encodeURIComponent(id)}`);
  const stat = '[data-testid="stage-dark"] [data-widget-id="lat"]';
  await page.waitForSelector(`[data-testid="stage-dark"][data-stream="live"]`);
  await push(42);
  await page.waitForFunction((s) => document.querySelector(`${s} [data-testid="stat-value"]`)?.textContent === "42", stat);
  assert.equal(await page.textContent(`${stat} .fb-stat-unit`), " ms");
  assert.equal(await page.getAttribute(stat, "data-state"), "ok");
  const okColor = await page.$eval(stat, (el) => getComputedStyle(el).backgroundColor);

  await push(250);
  await page.waitForFunction((s) => document.querySelector(s)?.getAttribute("data-state") === "critical", stat);
  assert.equal(await page.textContent(`${stat} [data-testid="stat-value"]`), "250");
  const critColor = await page.$eval(stat, (el) => getComputedStyle(el).backgroundColor);
  const palette = (await api("GET", `/api/v1/boards/${id}/render?theme=dark`)).json().palette;
  const toRGB = (hex) => {
    const x = hex.replace("#", "");
    return `rgb(${parseInt(x.slice(0, 2), 16)}, ${parseInt(x.slice(2, 4), 16)}, ${parseInt(x.slice(4, 6), 16)})`;
  };
  assert.equal(okColor, toRGB(palette.states.ok), "background colour when ok");
  assert.equal(critColor, toRGB(palette.states.critical), "background colour when critical");
  // The light stage shows the same data in its own palette.
  const light = '[data-testid="stage-light"] [data-widget-id="lat"]';
  await page.waitForFunction((s) => document.querySelector(s)?.getAttribute("data-state") === "critical", light);
  const lightPalette = (await api("GET", `/api/v1/boards/${id}/render?theme=light`)).json().palette;
  assert.equal(await page.$eval(light, (el) => getComputedStyle(el).backgroundColor), toRGB(lightPalette.states.critical));
  await stageShot(page, '[data-testid="stage-dark"]', "widgets-stat-critical");
  watch.check();
  await page.close();
});
