// Time travel on the display (issue 8): where a scrubber position lands in
// time, how replay advances, and a frame pump that asks the server for past
// frames with a bounded number of requests in flight. Pure or injectable,
// unit-tested; times are the server's clock (unix ms).

const MINUTE = 60000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How far back a display can rewind when the server does not say: the
 * server's default --history-retention. No endpoint tells the real one; a
 * shorter one is learnt from /frame's 400 (oldestFromMessage).
 */
export const DEFAULT_RETENTION_MS = 7 * DAY;
/**
 * The oldest moment asked for stays this far inside the retention: the server
 * checks it against its own clock when the request lands, which is later.
 */
export const RETENTION_MARGIN_MS = MINUTE;
/** Past the memory window the server answers from 10-second roll-ups: replay steps are never finer. */
export const ROLLUP_MS = 10000;
/** The replay speeds offered. */
export const REPLAY_SPEEDS = [1, 10, 60] as const;

/**
 * The scrubber's scale: (position, age) stops, position 1 being now. Linear
 * over a week would give the last hour 0.6 % of the bar, yet that is where an
 * incident is looked at; so each quarter of the bar covers a longer span: the
 * last 15 minutes, the hour, the day, the rest of the retention.
 */
const STOPS: ReadonlyArray<readonly [number, number]> = [
  [1, 0],
  [0.75, 15 * MINUTE],
  [0.5, HOUR],
  [0.25, DAY],
];

/** The stops for a retention: the fixed ones younger than it, then the retention at position 0. */
function stops(retentionMs: number): Array<readonly [number, number]> {
  const r = Math.max(MINUTE, retentionMs);
  const out: Array<readonly [number, number]> = [];
  for (const s of STOPS) {
    if (s[1] < r) out.push(s);
  }
  // The remaining span is spread over what is left of the bar.
  out.push([0, r]);
  return out;
}

/** The age (ms before now) at a scrubber position in [0, 1]; clamped. */
export function ageAt(pos: number, retentionMs: number): number {
  const p = Math.min(1, Math.max(0, Number.isFinite(pos) ? pos : 1));
  const s = stops(retentionMs);
  for (let i = 1; i < s.length; i++) {
    const [p0, a0] = s[i - 1]!;
    const [p1, a1] = s[i]!;
    if (p >= p1) {
      // A retention shorter than a stop leaves [0, r] alone spanning what is left (p1 = 0).
      const f = p0 === p1 ? 0 : (p0 - p) / (p0 - p1);
      return Math.round(a0 + f * (a1 - a0));
    }
  }
  return s[s.length - 1]![1];
}

/** The scrubber position in [0, 1] of an age (ms before now); clamped. */
export function posOfAge(ageMs: number, retentionMs: number): number {
  const s = stops(retentionMs);
  const a = Math.min(s[s.length - 1]![1], Math.max(0, Number.isFinite(ageMs) ? ageMs : 0));
  for (let i = 1; i < s.length; i++) {
    const [p0, a0] = s[i - 1]!;
    const [p1, a1] = s[i]!;
    if (a <= a1) return a1 === a0 ? p0 : p0 - ((a - a0) / (a1 - a0)) * (p0 - p1);
  }
  return 0;
}

/** The moment at a scrubber position, given the server's now. */
export function timeAt(pos: number, now: number, retentionMs: number): number {
  return now - ageAt(pos, retentionMs);
}

/** The scrubber position of a moment, given the server's now. */
export function posOfTime(at: number, now: number, retentionMs: number): number {
  return posOfAge(now - at, retentionMs);
}

/** The oldest moment that can be asked for at now. */
export function oldestAt(now: number, retentionMs: number): number {
  return now - Math.max(0, retentionMs - RETENTION_MARGIN_MS);
}

/** Clamps a moment into the history range [oldestAt, now]. */
export function clampAt(at: number, now: number, retentionMs: number): number {
  if (!Number.isFinite(at)) return now;
  return Math.min(now, Math.max(oldestAt(now, retentionMs), at));
}

/**
 * The wall-clock interval between frame requests when replaying at speed:
 * one per roll-up step of shown time, but at most 4 and at least 1 per
 * second (1×: a frame a second, as live; 10×: 10 s of data a second; 60×:
 * 15 s of data every 250 ms).
 */
export function replayIntervalMs(speed: number): number {
  const s = speed > 0 && Number.isFinite(speed) ? speed : 1;
  return Math.min(1000, Math.max(250, Math.round(ROLLUP_MS / s)));
}

/** The moment a replay started at startAt shows after elapsedMs of wall time at speed. */
export function replayAt(startAt: number, speed: number, elapsedMs: number): number {
  return startAt + Math.max(0, elapsedMs) * (speed > 0 ? speed : 1);
}

/**
 * Reads the oldest moment from /frame's 400 ("… the oldest moment is
 * 2026-11-15T14:05:30Z"): how a display learns a retention shorter than the
 * default. null when the message does not say.
 */
export function oldestFromMessage(message: string): number | null {
  const m = /oldest moment is (\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))/.exec(message);
  if (!m) return null;
  const t = Date.parse(m[1]!);
  return Number.isFinite(t) ? t : null;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A moment in the display's local time: "14:05:30", with the date in front
 * ("21 Nov 14:05:30") when it is not the same local day as now.
 */
export function shownTime(at: number, now: number): string {
  const d = new Date(at);
  const n = new Date(now);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  return sameDay ? time : `${d.getDate()} ${MONTHS[d.getMonth()]} ${time}`;
}

/** How far back a moment is, for the scrubber's label: "−30 min", "−2 h 05 min", "−3 d 4 h". */
export function agoText(ageMs: number): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 60) return s === 0 ? "now" : `−${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `−${m} min`;
  const hh = Math.floor(m / 60);
  if (hh < 24) return `−${hh} h ${pad(m % 60)} min`;
  return `−${Math.floor(hh / 24)} d ${hh % 24} h`;
}

/**
 * Delays between polls of a snapshot's PNG: from firstMs growing by half each
 * time, capped at maxMs, while their sum stays within totalMs (bounded: a
 * server without Chromium never takes the picture).
 */
export function pollDelays(totalMs = 60000, firstMs = 500, maxMs = 5000): number[] {
  const out: number[] = [];
  let sum = 0;
  let d = firstMs;
  while (sum + d <= totalMs) {
    out.push(d);
    sum += d;
    d = Math.min(maxMs, Math.round(d * 1.5));
  }
  return out;
}

/**
 * Asks for past frames, at most maxInFlight at a time, and applies them in
 * the order they were asked for. A moment wanted while every slot is busy
 * waits in one slot of its own, replaced by the next one wanted: scrubbing
 * fast or replaying at 60× never builds a queue, the display just skips
 * moments. An answer older than one already applied is dropped.
 */
export class FramePump<T> {
  private inFlight = 0;
  private pending: number | null = null;
  private seq = 0;
  private appliedSeq = 0;
  private generation = 0;

  constructor(
    private readonly fetchFrame: (at: number) => Promise<T>,
    private readonly apply: (at: number, frame: T) => void,
    private readonly onError: (at: number, err: unknown) => void,
    readonly maxInFlight = 2,
  ) {}

  /** Requests in flight now. */
  get busy(): number {
    return this.inFlight;
  }

  /** The moment waiting for a free slot, null when none. */
  get waiting(): number | null {
    return this.pending;
  }

  /** Wants the frame at a moment: asked now if a slot is free, else the next one asked. */
  want(at: number): void {
    if (this.inFlight >= this.maxInFlight) {
      this.pending = at;
      return;
    }
    this.ask(at);
  }

  /** Forgets what is waiting and ignores every answer still on its way (back to live, a new mode). */
  cancel(): void {
    this.generation++;
    this.pending = null;
    this.inFlight = 0;
  }

  private ask(at: number): void {
    const gen = this.generation;
    const seq = ++this.seq;
    this.inFlight++;
    let p: Promise<T>;
    try {
      p = this.fetchFrame(at);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (frame) => {
        if (gen !== this.generation) return;
        if (seq > this.appliedSeq) {
          this.appliedSeq = seq;
          this.apply(at, frame);
        }
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        if (seq > this.appliedSeq) this.onError(at, err);
      },
    ).finally(() => {
      if (gen !== this.generation) return;
      this.inFlight--;
      if (this.pending !== null && this.inFlight < this.maxInFlight) {
        const next = this.pending;
        this.pending = null;
        this.ask(next);
      }
    });
  }
}
