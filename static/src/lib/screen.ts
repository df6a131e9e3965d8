// A paired screen's side of the control channel (server: screens/,
// docs/protocol.md "Screens"). A browser paired at /pair keeps its display
// token in localStorage (the server also set it as an HttpOnly cookie for
// the pages and the stream); a player given /d/{id}?token=fbd_… has it in
// its address. Either way, on /pair, /d/ and /p/ pages the agent holds the
// channel open and obeys it: show this page, flash your name, reload, you
// are revoked. It reports what it shows, its script errors and the
// watchdog's reloads, which the screens console lists.

import { h } from "../dom.ts";
import { pageToken } from "./pagetoken.ts";
import { backoffDelay } from "./stream.ts";

/** Where a paired browser keeps its display token. */
export const TOKEN_KEY = "flexboard.screenToken";
/** Where the watchdog counts its reloads until the agent reports them (survives the reload). */
export const RELOADS_KEY = "flexboard.watchdogReloads";
/** Display tokens start with this (auth.DisplayTokenPrefix). */
export const TOKEN_PREFIX = "fbd_";
/** The channel's close code for a revoked screen (screens.CloseRevoked). */
export const CLOSE_REVOKED = 4401;
/** How often the agent says it is alive and what it shows. */
export const REPORT_EVERY_MS = 30000;
/** The pairing page, and what it shows after a revocation. */
export const PAIR_PATH = "/pair";
export const REVOKED_PATH = "/pair?revoked=1";

/** A control message from the server. */
export interface ControlMessage {
  type: "assign" | "reload" | "identify" | "revoked" | string;
  name?: string;
  url?: string;
  seconds?: number;
}

/** Parses a control message; null for anything else. */
export function parseControl(data: unknown): ControlMessage | null {
  if (typeof data !== "string") return null;
  try {
    const m = JSON.parse(data) as unknown;
    if (typeof m !== "object" || m === null || typeof (m as { type?: unknown }).type !== "string") return null;
    return m as ControlMessage;
  } catch {
    return null;
  }
}

/** The display token in a page address (?token=fbd_…), "" when none (a published link's is not a screen's). */
export function tokenFromQuery(search: string): string {
  const t = pageToken(search);
  return t.indexOf(TOKEN_PREFIX) === 0 ? t : "";
}

/** The token this browser holds: the address's first, then the stored one. */
export function screenToken(): string {
  const q = tokenFromQuery(window.location.search);
  if (q !== "") return q;
  try {
    return localStorage.getItem(TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

export function storeToken(token: string): void {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // No storage (a locked-down player): the cookie still authenticates it.
  }
}

export function forgetToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
}

/**
 * The address to go to for an assignment: the server's url, keeping the
 * ?token= of a player that came with one (it may keep no cookie).
 */
export function assignedURL(url: string, search: string): string {
  const t = tokenFromQuery(search);
  if (t === "") return url;
  return url + (url.indexOf("?") >= 0 ? "&" : "?") + "token=" + encodeURIComponent(t);
}

/** Whether the browser is already on url (path and query, order of the query ignored). */
export function samePage(url: string, path: string, search: string): boolean {
  const norm = (p: string, q: string): string => {
    const params = new URLSearchParams(q);
    params.delete("token");
    const keys: string[] = [];
    params.forEach((_v, k) => keys.push(k));
    keys.sort();
    return p.replace(/\/+$/, "") + "?" + keys.map((k) => `${k}=${params.get(k)}`).join("&");
  };
  const i = url.indexOf("?");
  return norm(i >= 0 ? url.slice(0, i) : url, i >= 0 ? url.slice(i) : "") === norm(path, search);
}

/** Counts a watchdog reload (called just before it reloads the page). */
export function countWatchdogReload(): void {
  try {
    sessionStorage.setItem(RELOADS_KEY, String(Number(sessionStorage.getItem(RELOADS_KEY) || "0") + 1));
  } catch {
    // No storage: the reload is not counted.
  }
}

function takeReloads(): number {
  try {
    const n = Number(sessionStorage.getItem(RELOADS_KEY) || "0");
    sessionStorage.removeItem(RELOADS_KEY);
    return isFinite(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** A short browser description from a User-Agent: "Chrome 120 on Linux". */
export function browserName(ua: string): string {
  if (ua === "") return "—";
  const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /CrOS/.test(ua) ? "ChromeOS" : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  // Most specific first: Edge and Opera also say Chrome, Chrome also says Safari.
  let name = "Browser";
  let ver = "";
  for (const n of ["Edg", "OPR", "Firefox", "HeadlessChrome", "Chromium", "Chrome", "Version", "Safari"]) {
    const m = new RegExp(`\\b${n}/(\\d+)`).exec(ua);
    if (m) {
      name = n === "Edg" ? "Edge" : n === "OPR" ? "Opera" : n === "Version" ? "Safari" : n;
      ver = " " + m[1];
      break;
    }
  }
  return name + ver + (os ? " on " + os : "");
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" for null. */
export function ago(iso: string | null, now: number): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (isNaN(t)) return "—";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Options of the agent: what to do besides navigating (tests and /pair). */
export interface AgentOptions {
  /** Told of each assignment; returns true when it handled it (the pairing page shows "waiting"). */
  onAssign?: (m: ControlMessage) => boolean;
}

/**
 * Keeps a paired screen's control channel open while the page lives.
 * Returns null when this browser is not a paired screen.
 */
export function startAgent(opts: AgentOptions = {}): ScreenAgent | null {
  const token = screenToken();
  if (token === "") return null;
  return new ScreenAgent(token, opts);
}

export class ScreenAgent {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private errors = 0;
  private lastError = "";
  private reloads = takeReloads();
  private timer: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private identifyEl: HTMLElement | null = null;
  private identifyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly token: string,
    private readonly opts: AgentOptions,
  ) {
    window.addEventListener("error", (e) => this.noteError(e.message || "script error"));
    window.addEventListener("unhandledrejection", (e) => this.noteError(String((e as PromiseRejectionEvent).reason)));
    this.connect();
    this.timer = setInterval(() => this.report(), REPORT_EVERY_MS);
  }

  /** Counts a problem the console should show (script errors). */
  noteError(message: string): void {
    this.errors++;
    this.lastError = message.slice(0, 300);
    this.report();
  }

  private connect(): void {
    if (this.stopped) return;
    const url = `${window.location.origin.replace(/^http/, "ws")}/api/v1/screen/ws?token=${encodeURIComponent(this.token)}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.report(true);
    };
    ws.onmessage = (e) => {
      const m = parseControl(e.data);
      if (m) this.obey(m);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (e.code === CLOSE_REVOKED) return this.revoked();
      // A refused upgrade looks like any lost connection (1006): after a
      // few, ask over HTTP whether the token still works.
      this.attempts++;
      if (this.attempts >= 3) void this.checkRevoked();
      this.retry = setTimeout(() => this.connect(), backoffDelay(this.attempts, Math.random()));
    };
  }

  private async checkRevoked(): Promise<void> {
    try {
      const res = await fetch("/api/v1/screen?token=" + encodeURIComponent(this.token), { cache: "no-store", credentials: "same-origin" });
      if (res.status === 401) this.revoked();
    } catch {
      // The server is down: keep trying.
    }
  }

  private obey(m: ControlMessage): void {
    switch (m.type) {
      case "assign":
        if (this.opts.onAssign && this.opts.onAssign(m)) return;
        if (m.url && !samePage(m.url, window.location.pathname, window.location.search)) {
          window.location.replace(assignedURL(m.url, window.location.search));
        }
        return;
      case "reload":
        window.location.reload();
        return;
      case "identify":
        this.identify(m.name || "", (m.seconds || 10) * 1000);
        return;
      case "revoked":
        this.revoked();
        return;
    }
  }

  /** Flashes the screen's name over whatever it shows. */
  private identify(name: string, ms: number): void {
    if (this.identifyEl) this.identifyEl.remove();
    if (this.identifyTimer) clearTimeout(this.identifyTimer);
    const el = h(
      "div",
      { class: "screen-identify", "data-testid": "screen-identify", role: "status" },
      h("div", { class: "screen-identify-name" }, name),
      h("div", { class: "screen-identify-hint" }, "This screen"),
    );
    document.body.appendChild(el);
    this.identifyEl = el;
    this.identifyTimer = setTimeout(() => {
      el.remove();
      this.identifyEl = null;
    }, ms);
  }

  private revoked(): void {
    this.stop();
    forgetToken();
    window.location.replace(REVOKED_PATH);
  }

  private report(first = false): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const msg = {
      type: "status",
      showing: window.location.pathname + window.location.search.replace(/([?&])token=[^&]*&?/, "$1").replace(/[?&]$/, ""),
      errors: this.errors,
      last_error: this.lastError,
      reloads: this.reloads,
    };
    if (!first && msg.errors === 0 && msg.reloads === 0) msg.showing = "";
    try {
      ws.send(JSON.stringify(msg));
      this.errors = 0;
      this.reloads = 0;
      this.lastError = "";
    } catch {
      // Closed meanwhile: the next report carries the counts.
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
  }
}
