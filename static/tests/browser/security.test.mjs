// Issue 9, hardening: every page of the real binary runs under its
// Content-Security-Policy without a single violation (the board list, a
// display with its live websocket and an ECharts tooltip, the editor, the
// widget catalogue, the sign-in and setup pages, a snapshot page), and
// answers with the security headers. The policy is shown to bite: a <style>
// element and an inline script injected into a page are refused and
// reported. --frame-ancestors decides who may frame the pages: another
// origin's page cannot frame the server by default, and can once listed.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { apiRequest, createBoardAt, launchBrowser, openDisplayPage, pushPoints, screenshot, startServer, watchPage } from "./harness.mjs";

let server; // --auth=none, the default
let locked; // --auth=password, framable by the portal
let portal; // a page of another origin (another port) that frames both
let portalURL;
let setupLink;
let browser;

before(async () => {
  portal = http.createServer((req, res) => {
    const target = new URL(req.url, "http://x").searchParams.get("src") || "";
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>portal</title><iframe id="board" width="800" height="500" src="${target.replace(/"/g, "&quot;")}"></iframe>`);
  });
  await new Promise((resolve) => portal.listen(0, "127.0.0.1", resolve));
  portalURL = `http://127.0.0.1:${portal.address().port}`;
  server = await startServer({ name: "security", args: ["--demo=false"] });
  locked = await startServer({ name: "security-locked", args: ["--auth=password", "--demo=false", "--frame-ancestors", `'self' ${portalURL}`] });
  const m = locked.output().match(/link=(http:\/\/\S+\/setup\/\S+)/);
  assert.ok(m, `no setup link printed:\n${locked.output()}`);
  setupLink = m[1];
  browser = await launchBrowser({ width: 1280, height: 800 });
  // Before any script of the page: every violation the page meets is kept.
  await browser.context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} (${(e.sample || "").slice(0, 60)})`);
    });
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await locked?.stop();
  await new Promise((resolve) => (portal ? portal.close(resolve) : resolve()));
});

/** Watches a page for CSP reports in the console as well as in events. */
function watchCSP(page, opts) {
  const w = watchPage(page, opts);
  const consoleCSP = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) consoleCSP.push(msg.text());
  });
  w.checkCSP = async (where) => {
    const events = await page.evaluate(() => window.__csp);
    assert.deepEqual(events, [], `${where}: securitypolicyviolation events`);
    assert.deepEqual(consoleCSP, [], `${where}: CSP errors in the console`);
    w.check();
  };
  return w;
}

/** Asserts the security headers of a page's answer; frame is its frame-ancestors. */
function checkHeaders(res, where, { frame = "'self'", xfo = "SAMEORIGIN", referrer = "same-origin" } = {}) {
  const h = res.headers();
  const csp = h["content-security-policy"] || "";
  // Scripts only from the server (and the snapshot page's nonce), or none at all.
  assert.match(csp, /(^|; )script-src 'self'( 'nonce-[^']+')?(;|$)|^default-src 'none'(?!.*script-src)/, `${where}: script-src in ${csp}`);
  assert.ok(!/script-src[^;]*unsafe/.test(csp), `${where}: no unsafe script source in ${csp}`);
  assert.match(csp, /object-src 'none'|default-src 'none'/, `${where}: no plugins in ${csp}`);
  assert.ok(csp.includes(`frame-ancestors ${frame}`), `${where}: frame-ancestors ${frame} in ${csp}`);
  assert.equal(h["x-frame-options"] ?? null, xfo, `${where}: X-Frame-Options`);
  assert.equal(h["x-content-type-options"], "nosniff", `${where}: X-Content-Type-Options`);
  assert.equal(h["referrer-policy"], referrer, `${where}: Referrer-Policy`);
}

const board = {
  name: "Security wall",
  widgets: [
    { id: "lat", kind: "timeseries", title: "Latency", config: { unit: "ms", range: "15m" }, queries: [{ metric: "security_latency" }] },
    { id: "tps", kind: "stat", title: "Orders", config: { unit: "req/s", decimals: 0 }, queries: [{ metric: "security_tps" }] },
    { id: "note", kind: "text", title: "", config: { markdown: "**Hardened** wall" } },
  ],
  variants: [
    {
      name: "16:9",
      canvas: { width: 1920, height: 1080 },
      grid: { columns: 48, rows: 27 },
      placements: [
        { widget: "lat", x: 0, y: 0, w: 32, h: 18 },
        { widget: "tps", x: 32, y: 0, w: 16, h: 9 },
        { widget: "note", x: 32, y: 9, w: 16, h: 9 },
      ],
    },
  ],
};

let made;
async function securityBoard() {
  if (made) return made;
  made = await createBoardAt(server.url, board);
  const now = Date.now();
  const points = [];
  for (let i = 0; i < 30; i++) {
    points.push({ metric: "security_latency", value: 100 + (i % 7) * 10, ts: now - (30 - i) * 20000 });
  }
  points.push({ metric: "security_tps", value: 420, ts: now });
  await pushPoints(server.url, points);
  return made;
}

test("board list, display (live websocket, tooltip), editor, widget catalogue: no CSP violation, headers on", async () => {
  const b = await securityBoard();
  const page = await browser.newPage();

  let w = watchCSP(page);
  let res = await page.goto(`${server.url}/`);
  checkHeaders(res, "/");
  await page.waitForSelector('#content:not([data-state="loading"])');
  await page.waitForFunction(() => document.querySelector('[data-testid="version"]')?.textContent !== "");
  await w.checkCSP("board list");
  await page.close();

  const display = await browser.newPage();
  w = watchCSP(display);
  const displayAnswer = display.waitForResponse((r) => new URL(r.url()).pathname === `/d/${b.id}`);
  await openDisplayPage(display, server.url, b.id);
  checkHeaders(await displayAnswer, "/d");
  // The chart's tooltip is HTML with style="" attributes, which the policy
  // allows on purpose; hovering the line shows it.
  const box = await display.locator('[data-widget-id="lat"] canvas').first().boundingBox();
  assert.ok(box, "the latency chart has a canvas");
  await display.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await display.mouse.move(box.x + box.width / 2 + 5, box.y + box.height / 2);
  const marker = await display.waitForFunction(() =>
    [...document.querySelectorAll('[data-widget-id="lat"] span')].find((s) => (s.getAttribute("style") || "").includes("border-radius")),
  );
  assert.equal(await marker.evaluate((s) => getComputedStyle(s).display), "inline-block", "the tooltip's inline style applies");
  await screenshot(display, "security-display-tooltip");
  await w.checkCSP("display");
  await display.close();

  const editor = await browser.newPage();
  w = watchCSP(editor);
  res = await editor.goto(`${server.url}/edit/${encodeURIComponent(b.id)}`);
  checkHeaders(res, "/edit");
  await editor.waitForSelector('[data-testid="editor-grid"]');
  await editor.waitForFunction(() => document.getElementById("app").fbEditor.state().previews > 0);
  await screenshot(editor, "security-editor");
  await w.checkCSP("editor");
  await editor.close();

  const catalogue = await browser.newPage();
  w = watchCSP(catalogue);
  res = await catalogue.goto(`${server.url}/widgets`);
  checkHeaders(res, "/widgets");
  await catalogue.waitForSelector('[data-testid="stage-dark"][data-stream="live"]');
  await catalogue.waitForSelector('[data-testid="stage-light"][data-stream="live"]');
  await catalogue.waitForFunction(() => document.querySelectorAll('[data-testid="stage-dark"] canvas').length > 0);
  await w.checkCSP("widget catalogue");
  await catalogue.close();
});

test("snapshot page: its own nonce policy, the server's frame-ancestors, no violation", async () => {
  const b = await securityBoard();
  const made = await apiRequest(server.url, "POST", `/api/v1/boards/${encodeURIComponent(b.id)}/snapshots`, { note: "security check" });
  assert.equal(made.status, 201, made.text);
  const page = await browser.newPage();
  const w = watchCSP(page, { allowHTTPErrors: [/\/s\/[^/]+\.png$/] });
  const res = await page.goto(server.url + made.json().url);
  checkHeaders(res, "/s/{id}", { referrer: "no-referrer" });
  assert.match(res.headers()["content-security-policy"], /connect-src 'none'/);
  await page.waitForFunction(() => document.querySelectorAll('[data-widget="lat"] canvas').length > 0);
  await screenshot(page, "security-snapshot");
  await w.checkCSP("snapshot page");
  await page.close();
});

test("sign-in and setup pages under --auth=password: no violation, headers on", async () => {
  const page = await browser.newPage();
  let w = watchCSP(page);
  let res = await page.goto(setupLink);
  // The setup page carries a secret in its URL: nobody may frame it.
  checkHeaders(res, "/setup", { frame: "'none'", xfo: "DENY" });
  await page.waitForSelector("#password");
  await screenshot(page, "security-setup");
  await w.checkCSP("setup page");
  await page.close();

  const login = await browser.newPage();
  w = watchCSP(login, { allowHTTPErrors: [/\/api\/v1\/auth\/me$/], allowConsole: [/status of 401/] });
  res = await login.goto(`${locked.url}/login`);
  // A list of origins has no X-Frame-Options equivalent: the header is left out.
  checkHeaders(res, "/login", { frame: `'self' ${portalURL}`, xfo: null });
  await login.waitForSelector("#login-name");
  await w.checkCSP("sign-in page");
  await login.close();
});

test("the policy bites: an injected <style> element and inline script are refused and reported", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#content:not([data-state="loading"])');
  await page.evaluate(() => {
    const style = document.createElement("style");
    style.textContent = "body { background: rgb(255, 0, 0) !important; }";
    document.head.appendChild(style);
    const script = document.createElement("script");
    script.textContent = "window.__ran = true;";
    document.head.appendChild(script);
  });
  await page.waitForFunction(() => window.__csp.length >= 2);
  const events = await page.evaluate(() => window.__csp);
  assert.ok(events.some((e) => e.startsWith("style-src-elem blocked inline")), events.join("\n"));
  assert.ok(events.some((e) => e.startsWith("script-src-elem blocked inline")), events.join("\n"));
  assert.equal(await page.evaluate(() => window.__ran === true), false, "the inline script did not run");
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(255, 0, 0)", "the injected style did not apply");
  await page.close();
});

test("--frame-ancestors: another site cannot frame the server by default, and can once listed", async () => {
  const page = await browser.newPage();
  // Chromium reports a refused frame in the console of the page that framed it.
  const refusal = page.waitForEvent("console", (msg) => /Framing .* violates .*frame-ancestors/.test(msg.text()));
  await page.goto(`${portalURL}/?src=${encodeURIComponent(server.url + "/")}`);
  assert.match((await refusal).text(), /frame-ancestors 'self'/);
  const refused = await (await page.$("#board")).contentFrame();
  assert.equal(await refused.locator('[data-testid="version"]').count(), 0, "the board list is not inside the portal");
  assert.equal(refused.url(), "chrome-error://chromewebdata/", "the refused frame shows Chromium's error page");
  await screenshot(page, "security-framed-refused");

  await page.goto(`${portalURL}/?src=${encodeURIComponent(locked.url + "/login")}`);
  const framed = await (await page.$("#board")).contentFrame();
  await framed.waitForSelector("#login-name");
  assert.equal(framed.url(), locked.url + "/login");
  await screenshot(page, "security-framed-login");
  await page.close();
});
