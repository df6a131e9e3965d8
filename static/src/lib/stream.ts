// The display stream client (docs/protocol.md): one websocket per board
// variant, answering pings, resuming with epoch/seq after a reconnect, with
// jittered exponential backoff from 1 s to 30 s.

/** One widget's entry of a frame. */
export interface WidgetFrame {
  state: string;
  data: unknown;
}

/** What the stream tells its owner. */
export interface StreamHandlers {
  /** The board changed (and on every connection): fetch the render answer again. */
  onBoard(revision: number): void;
  /** A snapshot (full) or update (changed widgets only) to apply. */
  onFrame(widgets: Record<string, WidgetFrame>, full: boolean, ts: number): void;
  /** The connection went up or down; deleted when the board is gone. */
  onStatus(status: StreamStatus): void;
}

/** Connection state. */
export type StreamStatus = "connecting" | "live" | "down" | "deleted";

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

/** Returns the stream URL for a board variant, resuming at epoch/seq when known. */
export function streamURL(origin: string, board: string, variant: string, epoch: string, seq: number): string {
  const base = origin.replace(/^http/, "ws");
  let u = `${base}/api/v1/stream?board=${encodeURIComponent(board)}`;
  if (variant !== "") u += `&variant=${encodeURIComponent(variant)}`;
  if (epoch !== "") u += `&epoch=${encodeURIComponent(epoch)}&seq=${seq}`;
  return u;
}

/** A reconnecting stream of one board variant. */
export class BoardStream {
  /** Server clock minus the display's clock, from hello and pings. */
  clockOffset = 0;
  private ws: WebSocket | null = null;
  private epoch = "";
  private seq = 0;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly board: string,
    private readonly variant: string,
    private readonly handlers: StreamHandlers,
  ) {}

  /** Opens the connection (and keeps it open until close()). */
  open(): void {
    if (this.closed || this.ws) return;
    this.handlers.onStatus("connecting");
    const ws = new WebSocket(streamURL(window.location.origin, this.board, this.variant, this.epoch, this.seq));
    this.ws = ws;
    ws.onmessage = (ev) => this.message(ev.data);
    ws.onclose = (ev) => this.closedBy(ws, ev.code);
    // onerror is always followed by onclose, where the reconnect is planned.
  }

  /** Closes for good. */
  close(): void {
    this.closed = true;
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
      case "hello":
        if (typeof m["server_time"] === "number") this.clockOffset = m["server_time"] - Date.now();
        this.attempt = 0;
        this.handlers.onStatus("live");
        break;
      case "board":
        this.handlers.onBoard(typeof m["revision"] === "number" ? m["revision"] : 0);
        break;
      case "snapshot":
      case "update": {
        if (typeof m["epoch"] === "string") this.epoch = m["epoch"];
        if (typeof m["seq"] === "number") this.seq = m["seq"];
        const widgets = m["widgets"];
        if (typeof widgets === "object" && widgets !== null) {
          this.handlers.onFrame(widgets as Record<string, WidgetFrame>, m["type"] === "snapshot", typeof m["ts"] === "number" ? m["ts"] : 0);
        }
        break;
      }
      case "ping":
        if (typeof m["ts"] === "number") this.clockOffset = m["ts"] - Date.now();
        this.send({ type: "pong", ts: m["ts"] });
        break;
      case "shutdown":
        // The close (1001) follows; wait at least what the server asked.
        if (typeof m["reconnect_ms"] === "number") this.attempt = 0;
        break;
    }
  }

  private send(m: unknown): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  private closedBy(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.closed) return;
    const deleted = code === 4404;
    this.handlers.onStatus(deleted ? "deleted" : "down");
    const delay = deleted ? DELETED_RETRY_MS : backoffDelay(this.attempt++, Math.random());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
  }
}
