// npm run bench:browser — main-thread cost of the widget renderers in headless
// Chromium against a real server with the demo source. Prints numbers; asserts
// nothing (speed targets are benchmarks, not tests: docs/benchmarks.md).
//
//  1. Honeycomb of 10,000 hosts (demo_host_cpu_ratio): live frames at 1 s,
//     and a worst case where every hexagon changes state every second.
//     Measured per update: the stage's own timing (performance.now() around
//     applying a frame) and Chromium's TaskDuration (all main-thread work:
//     message parsing, script, style, layout, paint) per frame. Chromium runs
//     headless with --disable-gpu: canvases are rasterised in software.
//  2. A board of 40 widgets of every kind at 1 s refresh: the share of wall
//     time the main thread is busy (TaskDuration / elapsed).
//
//   FLEXBOARD_BIN=bin/flexboard CHROMIUM=/usr/bin/chromium npm run bench:browser

import { launchBrowser, startServer, apiRequest } from "../browser/harness.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS || 30);

const server = await startServer({ name: "bench" });
const browser = await launchBrowser({ width: 1920, height: 1080 });

async function api(method, p, body) {
  const res = await apiRequest(server.url, method, p, body);
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${res.text}`);
  return res.json();
}

function board(name, widgets, placements) {
  return {
    name,
    refresh_ms: 1000,
    widgets,
    variants: [{ name: "16:9", canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements }],
  };
}

const q = {
  tps: { metric: "demo_http_tps", agg: "sum" },
  err: { metric: "demo_http_error_ratio", agg: "avg" },
  cache: { metric: "demo_cache_hit_ratio", agg: "avg" },
  cpu: { metric: "demo_host_cpu_ratio", agg: "avg" },
  podcpu: { metric: "demo_pod_cpu_ratio", agg: "max" },
  health: { metric: "demo_service_health", agg: "max" },
  p99: { metric: "demo_http_response_ms", match: [{ label: "quantile", op: "=", value: "p99" }], agg: "max" },
};
const thr = { thresholds: [{ value: 0.5, state: "warning" }, { value: 0.8, state: "critical" }] };

/** The 40 widgets: every kind, in the proportions of a busy operations wall. */
function fortyWidgets() {
  const ws = [];
  const add = (kind, title, config, queries) => ws.push({ id: `w${ws.length}`, kind, title, config, queries });
  const stats = [q.tps, q.err, q.cache, q.cpu, q.podcpu, q.p99, q.tps, q.err, q.cache, q.cpu];
  stats.forEach((s, i) => add("stat", `Stat ${i}`, { sparkline: "15m", compare: "off", ...thr }, [s]));
  for (let i = 0; i < 4; i++) add("timeseries", `p99 ${i}`, { unit: "ms" }, [{ ...q.p99, group_by: ["service"], topk: 5, range: "15m" }]);
  for (let i = 0; i < 4; i++) add("timeseries", `tps ${i}`, { unit: "req/s", style: "area" }, [{ metric: "demo_http_tps", agg: "sum", group_by: ["service"], topk: 5, range: "15m" }]);
  for (let i = 0; i < 6; i++) add("gauge", `Gauge ${i}`, { min: 0, max: 1, decimals: 2, ...thr }, [i % 2 ? q.cpu : q.cache]);
  for (let i = 0; i < 4; i++) add("bar", `Bar ${i}`, { unit: "req/s" }, [{ metric: "demo_http_tps", agg: "sum", group_by: ["service"], topk: 10 }]);
  for (let i = 0; i < 2; i++) add("pie", `Pie ${i}`, {}, [{ metric: "demo_revenue_total", fn: "rate", window: "5m", agg: "sum", group_by: ["currency"] }]);
  for (let i = 0; i < 3; i++)
    add("table", `Table ${i}`, { row_label: "service", max_rows: 8 }, [
      { name: "req/s", metric: "demo_http_tps", agg: "sum", group_by: ["service"] },
      { name: "p99", ...q.p99, group_by: ["service"] },
    ]);
  for (let i = 0; i < 3; i++) add("topn", `Top ${i}`, { decimals: 2, limit: 8, ...thr }, [{ metric: "demo_pod_cpu_ratio", agg: "max", group_by: ["pod"], topk: 8 }]);
  for (let i = 0; i < 2; i++) add("status", `Status ${i}`, { graph: "15m", thresholds: [{ value: 1, state: "warning" }, { value: 2, state: "critical" }] }, [q.health]);
  add("honeycomb", "Databases", { object_label: "db", unit: "ms", thresholds: [{ value: 5, state: "warning" }, { value: 20, state: "critical" }] }, [{ metric: "demo_db_query_ms", object: "db" }]);
  add("events", "Events", { max_rows: 8 }, []);
  const placements = ws.map((w, i) => ({ widget: w.id, x: (i % 8) * 6, y: Math.floor(i / 8) * 5, w: 6, h: 5 }));
  return board("Bench: 40 widgets", ws, placements);
}

function honeycombBoard() {
  const w = {
    id: "hosts",
    kind: "honeycomb",
    title: "10,000 hosts",
    config: { object_label: "host", decimals: 2, thresholds: [{ value: 0.3, state: "warning" }, { value: 0.5, state: "critical" }] },
    queries: [{ metric: "demo_host_cpu_ratio", object: "host", window: "30s" }],
  };
  return board("Bench: honeycomb", [w], [{ widget: "hosts", x: 0, y: 0, w: 48, h: 27 }]);
}

/** Opens a board on one dark stage; resolves once data is flowing. */
async function open(id, waitFor) {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await page.goto(`${server.url}/widgets?board=${id}&theme=dark`);
  await page.waitForSelector('[data-testid="stage-dark"][data-stream="live"]');
  await page.waitForFunction(waitFor, null, { timeout: 60000, polling: 250 });
  return { page, cdp, errors };
}

async function metrics(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

function stageStats(page) {
  return page.evaluate(() => {
    const s = document.querySelector('[data-testid="stage-dark"]').fbStage.stats;
    return { ...s };
  });
}

/** Runs for seconds; returns main-thread task time per frame and busy share. */
async function measure(page, cdp, seconds) {
  const m0 = await metrics(cdp);
  const s0 = await stageStats(page);
  const t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const m1 = await metrics(cdp);
  const s1 = await stageStats(page);
  const elapsed = (Date.now() - t0) / 1000;
  const frames = s1.frames - s0.frames;
  const task = m1.TaskDuration - m0.TaskDuration;
  return {
    seconds: elapsed,
    frames,
    taskMsPerFrame: frames ? (task * 1000) / frames : NaN,
    applyMsPerFrame: frames ? (s1.totalMs - s0.totalMs) / frames : NaN,
    applyMaxMs: s1.maxMs,
    busyShare: task / elapsed,
    scriptShare: (m1.ScriptDuration - m0.ScriptDuration) / elapsed,
    layoutStyleShare: (m1.LayoutDuration - m0.LayoutDuration + m1.RecalcStyleDuration - m0.RecalcStyleDuration) / elapsed,
  };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

try {
  // 1. Honeycomb.
  const hc = await api("POST", "/api/v1/boards", honeycombBoard());
  const h = await open(hc.id, () => {
    const t = document.querySelector('[data-widget-id="hosts"] .fb-honeycomb-legend')?.textContent || "";
    const n = (t.match(/\d+/g) || []).map(Number).reduce((a, b) => a + b, 0);
    return n >= 10000;
  });
  const live = await measure(h.page, h.cdp, SECONDS);
  // Worst case: every hexagon changes state every second. The live stream is
  // closed first so that only these updates run; the messages are built
  // beforehand. Each update is one page.evaluate: JSON.parse of the message
  // (as the stream does), applying it, and waiting until the next frame has
  // been painted. Its main-thread time is Chromium's TaskDuration across the
  // evaluate, less the same measure around an evaluate that only waits for a
  // painted frame (the CDP round trip and the frame itself).
  const n = Math.max(5, Math.min(SECONDS, 20));
  await h.page.evaluate((n) => {
    const stage = document.querySelector('[data-testid="stage-dark"]').fbStage;
    stage.stream?.close();
    const ids = [];
    for (let i = 0; i < 10000; i++) ids.push(`host-${String(i).padStart(5, "0")}`);
    window.benchMessages = [];
    for (let k = 0; k < n; k++) {
      const states = ids.map((_, i) => (i + k) % 4);
      const values = ids.map((_, i) => ((i + k) % 100) / 100);
      window.benchMessages.push(JSON.stringify({ type: "update", widgets: { hosts: { state: "warning", data: { ids, values, states, counts: { ok: 2500, warning: 2500, critical: 2500, nodata: 2500 } } } } }));
    }
  }, n);
  const step = async (k) => {
    const m0 = await metrics(h.cdp);
    const r = await h.page.evaluate(async (k) => {
      const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t0 = performance.now();
      if (k < 0) {
        await painted();
        return { parse: 0, apply: 0, wall: performance.now() - t0 };
      }
      const m = JSON.parse(window.benchMessages[k]);
      const t1 = performance.now();
      document.querySelector('[data-testid="stage-dark"]').fbStage.applyFrame(m.widgets);
      const t2 = performance.now();
      await painted();
      return { parse: t1 - t0, apply: t2 - t1, wall: performance.now() - t0 };
    }, k);
    const m1 = await metrics(h.cdp);
    return { ...r, task: (m1.TaskDuration - m0.TaskDuration) * 1000 };
  };
  const idle = [];
  const upd = [];
  for (let k = 0; k < n; k++) {
    const t0 = Date.now();
    idle.push(await step(-1));
    upd.push(await step(k));
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - t0))));
  }
  const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const p95 = (a) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * 0.95))];
  const overhead = med(idle.map((x) => x.task));
  const net = upd.map((x) => x.task - overhead);
  if (process.env.BENCH_VERBOSE) console.log("net", net.map((x) => x.toFixed(1)).join(" "), "apply", upd.map((x) => x.apply.toFixed(1)).join(" "));
  const worst = {
    n,
    median: med(net),
    p95: p95(net),
    max: Math.max(...net),
    overhead,
    parse: med(upd.map((x) => x.parse)),
    apply: med(upd.map((x) => x.apply)),
    applyP95: p95(upd.map((x) => x.apply)),
    wall: med(upd.map((x) => x.wall)),
  };
  console.log("Honeycomb, 10,000 hosts, live demo frames at 1 s (1920x1080 viewport):");
  console.log(`  frames ${live.frames} in ${fmt(live.seconds)} s; apply (JS) ${fmt(live.applyMsPerFrame)} ms/frame (max ${fmt(live.applyMaxMs)} ms); main-thread tasks ${fmt(live.taskMsPerFrame)} ms/frame; busy ${fmt(live.busyShare * 100)}%`);
  console.log(`Honeycomb, every hexagon changing state each second (worst case; live stream closed):`);
  console.log(`  ${worst.n} updates, main-thread time per update (TaskDuration, less ${fmt(worst.overhead)} ms measured around an empty painted frame): median ${fmt(worst.median)} ms, p95 ${fmt(worst.p95)} ms, max ${fmt(worst.max)} ms`);
  console.log(`  medians: JSON.parse ${fmt(worst.parse)} ms, apply (JS) ${fmt(worst.apply)} ms (p95 ${fmt(worst.applyP95)} ms); wall time until the next frame is painted ${fmt(worst.wall)} ms (includes waiting for the frame)`);
  if (h.errors.length) console.log(`  page errors: ${h.errors.join("; ")}`);
  await h.page.close();

  // 2. 40 widgets.
  const forty = await api("POST", "/api/v1/boards", fortyWidgets());
  const f = await open(forty.id, () => document.querySelector('[data-testid="stage-dark"]')?.fbStage?.stats.frames > 2);
  const busy = await measure(f.page, f.cdp, SECONDS);
  console.log("Board of 40 widgets (every kind), 1 s refresh:");
  console.log(`  frames ${busy.frames} in ${fmt(busy.seconds)} s; apply (JS) ${fmt(busy.applyMsPerFrame)} ms/frame (max ${fmt(busy.applyMaxMs)} ms); main-thread tasks ${fmt(busy.taskMsPerFrame)} ms/frame`);
  console.log(`  main thread busy ${fmt(busy.busyShare * 100)}% (script ${fmt(busy.scriptShare * 100)}%, style+layout ${fmt(busy.layoutStyleShare * 100)}%)`);
  if (f.errors.length) console.log(`  page errors: ${f.errors.join("; ")}`);
  await f.page.close();
} finally {
  await browser.close();
  await server.stop();
}
