// Browser test harness: a real Flexboard server on 127.0.0.1:0 with a temp
// database, driven by the system's headless Chromium through playwright-core
// (no browser download: Playwright's own builds cannot be fetched here).
//
// Environment:
//   FLEXBOARD_BIN  server binary (default bin/flexboard, relative to the repo root)
//   CHROMIUM       Chromium binary (default /usr/bin/chromium)

import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Screenshots and server logs go here (ignored by git). */
export const resultsDir = path.join(repoRoot, "test-results");

/** How long the server may take to say it is listening. */
const STARTUP_TIMEOUT_MS = 30000;
/** How long the server may take to stop after SIGTERM before it is killed. */
const SHUTDOWN_TIMEOUT_MS = 10000;
/** Server output kept for error messages; the tail is what matters. */
const MAX_OUTPUT = 256 * 1024;

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the Chromium binary to use, or throws saying how to install it. */
export function chromiumPath() {
  const p = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!isExecutable(p)) {
    throw new Error(
      `Chromium not found at ${p}. Install it with \`apt-get install -y chromium\` ` +
        `(Debian/Ubuntu), or set CHROMIUM to a Chromium or Chrome binary.`,
    );
  }
  return p;
}

/** Returns the server binary to test, or throws saying how to build it. */
export function serverBinary() {
  const p = path.resolve(repoRoot, process.env.FLEXBOARD_BIN || "bin/flexboard");
  if (!isExecutable(p)) {
    throw new Error(
      `Flexboard server binary not found at ${p}. Build it with ` +
        `\`go build -o bin/flexboard ./cmd/flexboard\` (or \`make build\`), or set FLEXBOARD_BIN.`,
    );
  }
  return p;
}

/** Reads a slog text value (bare or quoted) of key from a log line. */
function logValue(line, key) {
  const m = line.match(new RegExp(`(?:^|\\s)${key}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`));
  if (!m) return null;
  const v = m[1];
  return v.startsWith('"') ? JSON.parse(v) : v;
}

/**
 * Spawns the server on addr with the database in dir. Resolves once it logs
 * `msg="flexboard listening"`, with the child, its url and a promise of its exit.
 */
async function spawnServer(bin, dir, addr, args, record) {
  const child = spawn(
    bin,
    // Open mode unless a test asks for sign-in (a later --auth wins).
    ["serve", "--addr", addr, "--db", path.join(dir, "fb.db"), "--log-level", "debug", "--auth=none", ...args],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } },
  );
  child.stdout.setEncoding("utf8").on("data", record.add);
  child.stderr.setEncoding("utf8").on("data", record.add);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${bin} did not log "flexboard listening" within ${STARTUP_TIMEOUT_MS / 1000} s. Output:\n${record.get()}`));
    }, STARTUP_TIMEOUT_MS);
    const onData = (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (logValue(line, "msg") === "flexboard listening") {
          const u = logValue(line, "url");
          if (!u) continue;
          clearTimeout(timer);
          child.stderr.off("data", onData);
          child.stdout.off("data", onData);
          resolve(u.replace(/\/+$/, ""));
          return;
        }
      }
    };
    child.stderr.on("data", onData);
    child.stdout.on("data", onData);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`start ${bin}: ${err.message}`));
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited (${code ?? signal}) before listening. Output:\n${record.get()}`));
    });
  });
  return { child, url, exited };
}

/** Sends signal to a server process and waits for its exit (SIGKILL after a grace period). */
async function endProcess(proc, signal) {
  const { child, exited } = proc;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), SHUTDOWN_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  return exited;
}

/**
 * Starts the server on a free port with a fresh database. Resolves once it
 * logs `msg="flexboard listening"`, with its url, its output so far, stop()
 * and restart(). name labels the log written to test-results/NAME-server.log
 * on stop.
 */
export async function startServer({ name = "server", args = [] } = {}) {
  const bin = serverBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), "flexboard-test-"));
  let output = "";
  const record = {
    add: (chunk) => {
      output += chunk;
      if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT);
    },
    get: () => output,
  };
  let proc;
  try {
    proc = await spawnServer(bin, dir, "127.0.0.1:0", args, record);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = proc.url;

  let stopped = null;
  const server = {
    url,
    output: () => output,
    /**
     * Ends the server with signal (SIGTERM: a deploy, with its shutdown
     * message; SIGKILL: a crash), waits downMs, then starts it again on the
     * same address with the same database. Resolves once it listens again.
     */
    async restart({ signal = "SIGTERM", downMs = 0 } = {}) {
      await endProcess(proc, signal);
      record.add(`--- harness: server ended with ${signal}, restarting in ${downMs} ms ---\n`);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      const addr = new URL(url).host;
      // The port was just freed; a moment of TIME_WAIT or a slow exit is retried.
      for (let attempt = 0; ; attempt++) {
        try {
          proc = await spawnServer(bin, dir, addr, args, record);
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      if (proc.url !== url) throw new Error(`restarted server listens on ${proc.url}, not ${url}`);
    },
    /** Ends the server without starting it again (restart() with a gap the test controls). */
    async kill(signal = "SIGKILL") {
      await endProcess(proc, signal);
    },
    /** Sends SIGTERM, waits for the exit (SIGKILL after a grace period), saves the log, removes the temp dir. */
    stop() {
      if (stopped) return stopped;
      stopped = (async () => {
        const exited = await endProcess(proc, "SIGTERM");
        mkdirSync(resultsDir, { recursive: true });
        writeFileSync(path.join(resultsDir, `${name}-server.log`), output);
        rmSync(dir, { recursive: true, force: true });
        return exited;
      })();
      return stopped;
    },
  };

  try {
    const host = new URL(url).hostname;
    if (host !== "127.0.0.1") throw new Error(`server url ${url}: want a 127.0.0.1 address`);
    await checkEmbeddedBuild(url, bin);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/**
 * Fails when the binary embeds another build of static/dist than the one in the
 * work tree: the tests would exercise stale front-end code.
 */
export async function checkEmbeddedBuild(url, bin) {
  const want = readFileSync(path.join(repoRoot, "static/dist/index.html"), "utf8");
  const res = await fetch(url + "/");
  const got = await res.text();
  if (res.status !== 200 || got !== want) {
    throw new Error(
      `${bin} does not serve the current static/dist/index.html (GET / answered ${res.status}). ` +
        "Rebuild it after `npm run build`: go build -o bin/flexboard ./cmd/flexboard",
    );
  }
}

/**
 * Launches headless Chromium with a fresh profile. Every request to a host
 * other than 127.0.0.1 is aborted and recorded in foreignRequests: the product
 * must work on an isolated network, so a page must never try one.
 */
export async function launchBrowser({ width = 1920, height = 1080, blockCookies = false } = {}) {
  const executablePath = chromiumPath();
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(path.join(os.tmpdir(), "flexboard-chromium-"));
  if (blockCookies) {
    // A signage player that keeps no cookies (nor site storage): the
    // profile's content setting, as chrome://settings/cookies sets it.
    mkdirSync(path.join(profile, "Default"), { recursive: true });
    writeFileSync(path.join(profile, "Default", "Preferences"), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  }
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width, height },
      deviceScaleFactor: 1,
      locale: "en-US",
      timezoneId: "UTC",
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`launch ${executablePath}: ${err.message}`);
  }
  context.setDefaultTimeout(15000);
  const foreignRequests = [];
  await context.route(
    (u) => !isLocal(u),
    (route) => {
      foreignRequests.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  return {
    context,
    foreignRequests,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function isLocal(u) {
  const url = typeof u === "string" ? new URL(u) : u;
  if (url.protocol === "data:" || url.protocol === "blob:" || url.protocol === "about:") return true;
  return url.hostname === "127.0.0.1";
}

/**
 * Records what went wrong on a page: console errors, uncaught exceptions,
 * failed requests, HTTP error answers, dialogs (alert() would mean injected
 * script ran) and every request URL. check() throws listing all of it.
 * Options: allowHTTPErrors / allowConsole are regexps for expected failures.
 */
export function watchPage(page, { allowHTTPErrors = [], allowConsole = [] } = {}) {
  const w = { consoleErrors: [], pageErrors: [], failedRequests: [], httpErrors: [], dialogs: [], requests: [] };
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    if (!allowConsole.some((re) => re.test(text))) w.consoleErrors.push(text);
  });
  page.on("pageerror", (err) => w.pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on("request", (req) => w.requests.push(req.url()));
  page.on("requestfailed", (req) => {
    const f = req.failure();
    w.failedRequests.push(`${req.method()} ${req.url()}: ${f ? f.errorText : "failed"}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && !allowHTTPErrors.some((re) => re.test(res.url()))) {
      w.httpErrors.push(`${res.request().method()} ${res.url()}: ${res.status()}`);
    }
  });
  page.on("dialog", (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  w.check = () => {
    const problems = [];
    for (const key of ["consoleErrors", "pageErrors", "failedRequests", "httpErrors", "dialogs"]) {
      for (const p of w[key]) problems.push(`${key}: ${p}`);
    }
    for (const u of w.requests) if (!isLocal(u)) problems.push(`request to another host: ${u}`);
    if (problems.length > 0) throw new Error(`page problems:\n  ${problems.join("\n  ")}`);
  };
  return w;
}

/** Saves a screenshot of the viewport as test-results/NAME.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** The password the browser tests give the people they create. */
export const TEST_PASSWORD = "correct horse battery staple";

/** The one-time setup link a server started with --auth=password and no user printed. */
export function setupLinkOf(server) {
  const m = server.output().match(/link=(http:\/\/\S+\/setup\/\S+)/);
  if (!m) throw new Error(`no setup link printed:\n${server.output()}`);
  return m[1];
}

/**
 * Starts a server with --auth=password (and args) and makes its first
 * admin, name with TEST_PASSWORD, through the setup link it printed.
 */
export async function startPasswordServer({ name, admin = "ada", args = [] }) {
  const server = await startServer({ name, args: ["--auth=password", "--demo=false", ...args] });
  const made = await apiRequest("", "POST", setupLinkOf(server), { name: admin, password: TEST_PASSWORD });
  if (made.status !== 201) {
    await server.stop();
    throw new Error(`setup link: ${made.status} ${made.text}`);
  }
  return server;
}

/**
 * Calls the server's API: body is sent as JSON (a Buffer as it is).
 * Answers {status, headers, text, json()}.
 */
export async function apiRequest(baseURL, method, p, body) {
  const res = await fetch(baseURL + p, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** Creates a board (POST /api/v1/boards); throws unless the server answers 201; resolves to the board. */
export async function createBoardAt(baseURL, board) {
  const res = await apiRequest(baseURL, "POST", "/api/v1/boards", board);
  if (res.status !== 201) throw new Error(`POST /api/v1/boards: ${res.status} ${res.text}`);
  return res.json();
}

/** Pushes points over the JSON ingest; throws unless the server took them. */
export async function pushPoints(baseURL, points) {
  const res = await apiRequest(baseURL, "POST", "/api/v1/ingest", { points });
  if (res.status < 200 || res.status >= 300) throw new Error(`ingest: ${res.status} ${res.text}`);
}

/** Opens a display page and waits until its board is drawn and its stream live. */
export async function openDisplayPage(page, baseURL, id, query = "") {
  await page.goto(`${baseURL}/d/${encodeURIComponent(id)}${query}`);
  await page.waitForSelector('[data-testid="display"][data-revision] .fb-widget');
  await page.waitForFunction(() => document.querySelector('[data-testid="display"] .fb-stage-box')?.getAttribute("data-stream") === "live");
}
