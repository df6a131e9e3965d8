// npm run soak: the display's long-life check, accelerated (issue 6). A
// 20-widget board at refresh_ms 100 (10 frames a second) is shown on /d/{id}
// in headless Chromium while data is pushed continuously (every 100 ms, every
// widget's data changes); every 30 s the JS heap is measured after a forced
// GC (CDP HeapProfiler.collectGarbage, then Performance.getMetrics
// JSHeapUsedSize), with DOM nodes and event listeners. The run fails when the
// heap grew more than 10% between the first-minute sample and the last.
//
//   SOAK_MINUTES=5 (default) stands in for the 30 minutes.
//   Writes test-results/display-soak.md (the curve and the method) and .json.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { launchBrowser, resultsDir, startServer, watchPage } from "../browser/harness.mjs";

const MINUTES = Number(process.env.SOAK_MINUTES || 5);
const SAMPLE_MS = 30000;
const PUSH_MS = 100;
const MAX_GROWTH = 0.1;
const HOSTS = 8;

function board() {
  const widgets = [];
  const placements = [];
  const add = (id, kind, config, queries, w, h) => {
    widgets.push({ id, kind, title: id, config, queries });
    placements.push({ widget: id, w, h });
  };
  for (let i = 0; i < 5; i++) add(`stat${i}`, "stat", { unit: "ms", thresholds: [{ value: 50, state: "warning" }, { value: 90, state: "critical" }] }, [{ metric: `soak_m${i}` }], 8, 5);
  add("status0", "status", { thresholds: [{ value: 80, state: "critical" }] }, [{ metric: "soak_m5" }], 8, 5);
  for (let i = 0; i < 4; i++) add(`ts${i}`, "timeseries", { unit: "ms", range: "15m" }, [{ metric: `soak_m${i}` }], 16, 7);
  add("gauge0", "gauge", { unit: "percent" }, [{ metric: "soak_m6" }], 8, 7);
  add("gauge1", "gauge", { unit: "percent" }, [{ metric: "soak_m7" }], 8, 7);
  add("bar0", "bar", { group_by: "host" }, [{ metric: "soak_cpu" }], 12, 7);
  add("pie0", "pie", { group_by: "host" }, [{ metric: "soak_cpu" }], 8, 7);
  add("table0", "table", {}, [{ metric: "soak_cpu" }], 12, 8);
  add("topn0", "topn", {}, [{ metric: "soak_cpu" }], 10, 8);
  add("honey0", "honeycomb", { thresholds: [{ value: 60, state: "warning" }, { value: 90, state: "critical" }] }, [{ metric: "soak_cpu", object: "host" }], 10, 8);
  add("events0", "events", {}, [], 12, 8);
  add("clock0", "clock", {}, [], 8, 5);
  add("text0", "text", { markdown: "Soak" }, [], 8, 5);
  // Pack left to right, top to bottom on a 96×54 grid (3840×2160 canvas, 40 px cells).
  let x = 0;
  let y = 0;
  let rowH = 0;
  for (const p of placements) {
    if (x + p.w > 96) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    p.x = x;
    p.y = y;
    x += p.w;
    rowH = Math.max(rowH, p.h);
  }
  return {
    name: "Soak",
    refresh_ms: 100,
    widgets,
    variants: [{ name: "16:9", canvas: { width: 3840, height: 2160 }, grid: { columns: 96, rows: 54 }, placements }],
  };
}

async function main() {
  if (widgetsCount() !== 20) throw new Error(`the soak board has ${widgetsCount()} widgets, want 20`);
  const server = await startServer({ name: "soak", args: ["--demo=false"] });
  const browser = await launchBrowser({ width: 1920, height: 1080 });
  let pusher = null;
  try {
    const res = await fetch(server.url + "/api/v1/boards", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(board()) });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST /api/v1/boards: ${res.status} ${text}`);
    const id = JSON.parse(text).id;

    // History first: the time-series windows (15 min) and sparklines (1 h) start
    // full, so growth measured is the display's, not its data windows filling.
    const now = Date.now();
    for (let from = now - 3600000; from < now; from += 300000) {
      const points = [];
      for (let t = from; t < Math.min(from + 300000, now); t += t < now - 900000 ? 10000 : 1000) {
        for (let i = 0; i < 8; i++) points.push({ metric: `soak_m${i}`, value: 50 + 45 * Math.sin(t / 7000 + i), ts: t });
      }
      const r = await fetch(server.url + "/api/v1/ingest", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ points }) });
      if (!r.ok) throw new Error(`backfill: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    }

    let n = 0;
    let pushes = 0;
    let pushErrors = 0;
    const pushOnce = async () => {
      const t = n++;
      const points = [];
      for (let i = 0; i < 8; i++) points.push({ metric: `soak_m${i}`, value: 50 + 45 * Math.sin(t / (7 + i)) });
      for (let hst = 0; hst < HOSTS; hst++) points.push({ metric: "soak_cpu", labels: { host: `h${hst}` }, value: 50 + 49 * Math.sin(t / 5 + hst) });
      const r = await fetch(server.url + "/api/v1/ingest", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ points }) });
      await r.arrayBuffer();
      if (r.ok) pushes++;
      else pushErrors++;
    };
    pusher = setInterval(() => void pushOnce().catch(() => pushErrors++), PUSH_MS);

    const page = await browser.newPage();
    const watch = watchPage(page);
    await page.goto(`${server.url}/d/${id}`);
    await page.waitForSelector('[data-testid="display"][data-revision] .fb-widget');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const started = Date.now();
    const samples = [];
    const sample = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      const { metrics } = await cdp.send("Performance.getMetrics");
      const get = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
      const frames = await page.evaluate(() => document.querySelector('[data-testid="display"] .fb-stage-box').fbStage.stats.frames);
      const s = {
        t: Math.round((Date.now() - started) / 1000),
        heapMB: +(get("JSHeapUsedSize") / 1048576).toFixed(2),
        nodes: get("Nodes"),
        listeners: get("JSEventListeners"),
        frames,
      };
      samples.push(s);
      console.log(`  t=${String(s.t).padStart(4)} s  heap ${s.heapMB.toFixed(2)} MB  nodes ${s.nodes}  listeners ${s.listeners}  frames ${s.frames}`);
    };
    console.log(`soak: ${MINUTES} min, 20 widgets, refresh 100 ms, data every ${PUSH_MS} ms, a sample every ${SAMPLE_MS / 1000} s`);
    const end = started + MINUTES * 60000;
    while (Date.now() < end) {
      await sample();
      await new Promise((r) => setTimeout(r, Math.min(SAMPLE_MS, Math.max(0, end - Date.now()))));
    }
    if (Date.now() - started - samples[samples.length - 1].t * 1000 > 5000) await sample();
    clearInterval(pusher);
    pusher = null;
    watch.check();

    // Issue #6: growth between minute 5 and the end of the 30 minutes; a
    // shorter run (a quick check) starts at minute 1.
    const from = MINUTES >= 10 ? 300 : 60;
    const first = samples.find((s) => s.t >= from) || samples[0];
    const last = samples[samples.length - 1];
    const growth = (last.heapMB - first.heapMB) / first.heapMB;
    const framesPerSec = (last.frames - samples[0].frames) / Math.max(1, last.t - samples[0].t);
    const ok = growth <= MAX_GROWTH;
    const report = [
      `# Display soak (accelerated)`,
      ``,
      `Method: \`npm run soak\` (static/tests/bench/display-soak.mjs). A 20-widget board (5 stat, 1 status, 4 timeseries,`,
      `2 gauge, bar, pie, table, topn, honeycomb, events, clock, text) on a 3840×2160 canvas at refresh_ms 100 is shown on`,
      `/d/{id} in headless Chromium (1920×1080, deviceScaleFactor 1) while ${8 + HOSTS} series are pushed over ingest every`,
      `${PUSH_MS} ms (after an hour of history, so the data windows start full), so every data widget changes on every frame. Every ${SAMPLE_MS / 1000} s: CDP HeapProfiler.collectGarbage,`,
      `then Performance.getMetrics (JSHeapUsedSize, Nodes, JSEventListeners). ${MINUTES} minutes stand in for 30 (10 frames a`,
      `second: ${MINUTES * 600} frames). Pass: heap growth between the first sample at or after minute ${from / 60} and the last ≤ ${MAX_GROWTH * 100}%.`,
      ``,
      `Result: heap ${first.heapMB} MB at ${first.t} s → ${last.heapMB} MB at ${last.t} s: ${(growth * 100).toFixed(1)}% (${ok ? "pass" : "FAIL"});`,
      `${framesPerSec.toFixed(1)} frames applied per second; ${pushes} pushes, ${pushErrors} failed.`,
      ``,
      `| t (s) | JS heap after GC (MB) | DOM nodes | listeners | frames applied |`,
      `|---:|---:|---:|---:|---:|`,
      ...samples.map((s) => `| ${s.t} | ${s.heapMB.toFixed(2)} | ${s.nodes} | ${s.listeners} | ${s.frames} |`),
      ``,
    ].join("\n");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, "display-soak.md"), report);
    writeFileSync(path.join(resultsDir, "display-soak.json"), JSON.stringify({ minutes: MINUTES, first, last, growth, framesPerSec, samples }, null, 2));
    console.log(report);
    if (!ok) process.exitCode = 1;
    await page.close();
  } finally {
    if (pusher) clearInterval(pusher);
    await browser.close();
    await server.stop();
  }
}

function widgetsCount() {
  return board().widgets.length;
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
