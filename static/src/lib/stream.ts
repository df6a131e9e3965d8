// The display stream client (docs/protocol.md): one websocket per board
// variant, answering pings, resuming with epoch/seq after a reconnect, with
// jittered exponential backoff from 1 s to 30 s. The server's clock is
// tracked from hello and pings (clock.ts).

import { ServerClock } from "./clock.ts";
import { pageToken } from "./pagetoken.ts";

/** One widget's entry of a frame. */
export interface WidgetFrame {
  state: string;
  data: unknown;
}

/** What the stream tells its owner. */
export interface StreamHandlers {
  /** The board changed (and on every connection): fetch the render answer again. board is the board document. */
  onBoard(revision: number, board: unknown): void;
  /** A snapshot (full) or update (changed widgets only) to apply; ts and ingestTs are the frame's (server clock). */
  onFrame(widgets: Record<string, WidgetFrame>, full: boolean, ts: number, ingestTs: number): void;
  /** The connection went up or down; deleted when the board is gone. */
  onStatus(status: StreamStatus): void;
  /** The hello of a connection. */
  onHello?(hello: Hello): void;
}

/** What the server says first on a connection. */
export interface Hello {
  serverTime: number;
  revision: number;
  refreshMs: number;
  variant: string;
}

/** Connection state. */
export type StreamStatus = "connecting" | "live" | "down" | "deleted" | "revoked";

/** The close code of a stream whose token was revoked (stream.CloseRevoked): it is not reopened. */
export const CLOSE_REVOKED = 4401;

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;
/** A deleted board is retried rarely (it may be restored or imported again). */
const DELETED_RETRY_MS = 60000;

/**
 * Returns the delay before reconnect attempt n (0-based): 1 s doubling to
 * 30 s, each scaled by a random factor in [0.5, 1) so that a room of displays
 * restarting together does not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, random: number): number {
  const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * Math.pow(2, Math.max(0, attempt)));
  return Math.round(base * (0.5 + 0.5 * Math.min(Math.max(random, 0), 1)));
}

/**
 * Returns the stream URL for a board variant, resuming at epoch/seq when
 * known; token is the page's display or link token (lib/pagetoken.ts), "" for none.
 */
export function streamURL(origin: string, board: string, variant: string, epoch: string, seq: number, token = ""): string {
  const base = origin.replace(/^http/, "ws");
  let u = `${base}/api/v1/stream?board=${encodeURIComponent(board)}`;
  if (variant !== "") u += `&variant=${encodeURIComponent(variant)}`;
  if (epoch !== "") u += `&epoch=${encodeURIComponent(epoch)}&seq=${seq}`;
  if (token !== "") u += `&token=${encodeURIComponent(token)}`;
  return u;
}

/** Returns the delay after a shutdown message: what the server asked, plus up to half of it at random. */
export function shutdownDelay(reconnectMs: number, random: number): number {
  const base = Math.max(0, Math.min(reconnectMs, MAX_BACKOFF_MS));
  return Math.round(base * (1 + 0.5 * Math.min(Math.max(random, 0), 1)));
}

/** A reconnecting stream of one board variant. */
export class BoardStream {
  /** Server clock minus the display's clock (Date.now), from hello and pings. */
  clockOffset = 0;
  /** The server's clock, carried forward monotonically between syncs. */
  readonly clock: ServerClock;
  /** Reconnect attempts that failed since the last hello. */
  failures = 0;
  private ws: WebSocket | null = null;
  private epoch = "";
  private seq = 0;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Set by a shutdown message: the delay the server asked for. */
  private shutdownMs = -1;
  private gotHello = false;
  /** The board was deleted (close 4404): retried rarely until a hello says it is back. */
  private deleted = false;

  constructor(
    private readonly board: string,
    private variant: string,
    private readonly handlers: StreamHandlers,
    clock?: ServerClock,
  ) {
    this.clock = clock ?? new ServerClock();
  }

  /** The variant streamed. */
  get variantName(): string {
    return this.variant;
  }

  /** Streams another variant: a new connection (its data comes as a snapshot). */
  setVariant(variant: string): void {
    if (variant === this.variant) return;
    this.variant = variant;
    this.epoch = "";
    this.seq = 0;
    this.drop();
    if (!this.closed) this.open();
  }

  /** Connects now if waiting for a retry (the network came back). */
  retryNow(): void {
    if (this.closed || this.ws || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  private drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close(1000);
    }
  }

  /** Opens the connection (and keeps it open until close()). */
  open(): void {
    if (this.closed || this.ws) return;
    this.gotHello = false;
    this.shutdownMs = -1;
    this.handlers.onStatus("connecting");
    const ws = new WebSocket(streamURL(window.location.origin, this.board, this.variant, this.epoch, this.seq, pageToken(window.location.search)));
    this.ws = ws;
    ws.onmessage = (ev) => this.message(ev.data);
    ws.onclose = (ev) => this.closedBy(ws, ev.code);
    // onerror is always followed by onclose, where the reconnect is planned.
  }

  /** Closes for good. */
  close(): void {
    this.closed = true;
    this.drop();
  }

  private message(raw: unknown): void {
    if (typeof raw !== "string") return;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof m !== "object" || m === null) return;
    switch (m["type"]) {
      case "hello": {
        if (typeof m["server_time"] === "number") this.syncClock(m["server_time"]);
        this.attempt = 0;
        this.failures = 0;
        this.gotHello = true;
        this.deleted = false;
        const num = (v: unknown): number => (typeof v === "number" ? v : 0);
        if (this.handlers.onHello) {
          this.handlers.onHello({
            serverTime: num(m["server_time"]),
            revision: num(m["revision"]),
            refreshMs: num(m["refresh_ms"]),
            variant: typeof m["variant"] === "string" ? m["variant"] : this.variant,
          });
        }
        this.handlers.onStatus("live");
        break;
      }
      case "board":
        this.handlers.onBoard(typeof m["revision"] === "number" ? m["revision"] : 0, m["board"]);
        break;
      case "snapshot":
      case "update": {
        if (typeof m["epoch"] === "string") this.epoch = m["epoch"];
        if (typeof m["seq"] === "number") this.seq = m["seq"];
        const widgets = m["widgets"];
        if (typeof widgets === "object" && widgets !== null) {
          const num = (v: unknown): number => (typeof v === "number" ? v : 0);
          this.handlers.onFrame(widgets as Record<string, WidgetFrame>, m["type"] === "snapshot", num(m["ts"]), num(m["ingest_ts"]));
        }
        break;
      }
      case "ping":
        if (typeof m["ts"] === "number") this.syncClock(m["ts"]);
        this.send({ type: "pong", ts: m["ts"] });
        break;
      case "shutdown":
        // The close (1001) follows; reconnect after what the server asked.
        this.attempt = 0;
        this.shutdownMs = typeof m["reconnect_ms"] === "number" ? m["reconnect_ms"] : MIN_BACKOFF_MS;
        break;
    }
  }

  private syncClock(serverMs: number): void {
    this.clock.sync(serverMs);
    this.clockOffset = serverMs - Date.now();
  }

  private send(m: unknown): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  private closedBy(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.closed) return;
    if (code === CLOSE_REVOKED) {
      // The screen was revoked or the published link withdrawn: asking
      // again would only be refused.
      this.handlers.onStatus("revoked");
      return;
    }
    if (code === 4404) this.deleted = true;
    const deleted = this.deleted;
    if (!this.gotHello) this.failures++;
    this.handlers.onStatus(deleted ? "deleted" : "down");
    const delay = deleted
      ? DELETED_RETRY_MS
      : this.shutdownMs >= 0
        ? shutdownDelay(this.shutdownMs, Math.random())
        : backoffDelay(this.attempt++, Math.random());
    this.shutdownMs = -1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
  }
}
