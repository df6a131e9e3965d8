import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ageAt,
  agoText,
  clampAt,
  DEFAULT_RETENTION_MS,
  FramePump,
  oldestAt,
  oldestFromMessage,
  pollDelays,
  posOfAge,
  posOfTime,
  replayAt,
  replayIntervalMs,
  RETENTION_MARGIN_MS,
  timeAt,
} from "../../src/lib/timeline.ts";
import { frameURL, parsePastFrame } from "../../src/lib/snapshots.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEK = DEFAULT_RETENTION_MS;

describe("scrubber scale", () => {
  it("StopsAtEachQuarter", () => {
    assert.equal(ageAt(1, WEEK), 0, "the right end is now");
    assert.equal(ageAt(0.75, WEEK), 15 * MIN);
    assert.equal(ageAt(0.5, WEEK), HOUR);
    assert.equal(ageAt(0.25, WEEK), DAY);
    assert.equal(ageAt(0, WEEK), WEEK, "the left end is the retention");
  });
  it("LinearBetweenStops", () => {
    // −30 min is a third of the way from 15 min to 1 h: 0.75 − 0.25/3.
    assert.equal(ageAt(0.75 - 0.25 / 3, WEEK), 30 * MIN);
    assert.ok(Math.abs(posOfAge(30 * MIN, WEEK) - (0.75 - 0.25 / 3)) < 1e-12);
    assert.equal(ageAt(0.875, WEEK), 7.5 * MIN);
  });
  it("RoundTrips", () => {
    for (const age of [0, 1000, 59_000, 15 * MIN, 30 * MIN, 2 * HOUR, 3 * DAY, WEEK]) {
      const back = ageAt(posOfAge(age, WEEK), WEEK);
      assert.ok(Math.abs(back - age) <= 1, `age ${age}: back ${back}`);
    }
    for (let p = 0; p <= 1; p += 0.0625) {
      assert.ok(Math.abs(posOfAge(ageAt(p, WEEK), WEEK) - p) < 1e-6, `pos ${p}`);
    }
  });
  it("MonotonicWithTime", () => {
    let prev = -1;
    for (let p = 0; p <= 1.0001; p += 0.01) {
      const t = timeAt(p, 1e12, WEEK);
      assert.ok(t > prev, `pos ${p}: ${t} after ${prev}`);
      prev = t;
    }
  });
  it("ClampsOutOfRange", () => {
    assert.equal(ageAt(-3, WEEK), WEEK);
    assert.equal(ageAt(7, WEEK), 0);
    assert.equal(ageAt(NaN, WEEK), 0, "nonsense is now");
    assert.equal(posOfAge(-5000, WEEK), 1, "the future is now");
    assert.equal(posOfAge(30 * DAY, WEEK), 0, "older than the retention: the left end");
  });
  it("ShortRetention", () => {
    // A server keeping 30 min: the stops past it go; the rest of the bar spans 15–30 min.
    assert.equal(ageAt(0, 30 * MIN), 30 * MIN);
    assert.equal(ageAt(0.75, 30 * MIN), 15 * MIN);
    assert.equal(ageAt(0.375, 30 * MIN), 22.5 * MIN);
    assert.equal(posOfAge(22.5 * MIN, 30 * MIN), 0.375);
    // Shorter than the first stop: one straight line.
    assert.equal(ageAt(0.5, 10 * MIN), 5 * MIN);
  });
  it("TimeAndPositionUseTheServersNow", () => {
    const now = 1_795_353_600_000;
    assert.equal(timeAt(0.5, now, WEEK), now - HOUR);
    assert.equal(posOfTime(now - HOUR, now, WEEK), 0.5);
  });
});

describe("history range", () => {
  it("ClampsIntoTheRetentionWithAMargin", () => {
    const now = 1_000_000_000_000;
    assert.equal(oldestAt(now, WEEK), now - WEEK + RETENTION_MARGIN_MS);
    assert.equal(clampAt(now - 30 * MIN, now, WEEK), now - 30 * MIN, "inside: untouched");
    assert.equal(clampAt(now - 8 * DAY, now, WEEK), now - WEEK + RETENTION_MARGIN_MS, "older: the oldest kept");
    assert.equal(clampAt(now + 5000, now, WEEK), now, "the future: now");
    assert.equal(clampAt(NaN, now, WEEK), now);
  });
  it("LearnsTheOldestFromTheServersMessage", () => {
    const msg = "2026-11-01T10:00:00Z is older than the history kept (--history-retention 24h0m0s): the oldest moment is 2026-11-21T14:05:30Z";
    assert.equal(oldestFromMessage(msg), Date.parse("2026-11-21T14:05:30Z"));
    assert.equal(oldestFromMessage("2026-11-21T14:05:30Z is in the future"), null);
  });
});

describe("replay pacing", () => {
  it("IntervalPerSpeed", () => {
    assert.equal(replayIntervalMs(1), 1000, "1×: a frame a second, as live");
    assert.equal(replayIntervalMs(10), 1000, "10×: one roll-up step (10 s) a second");
    assert.equal(replayIntervalMs(60), 250, "60×: at most 4 requests a second");
    assert.equal(replayIntervalMs(0), 1000);
    assert.equal(replayIntervalMs(1e6), 250);
  });
  it("ShownTimeAdvancesAtTheSpeed", () => {
    const start = 1_000_000;
    assert.equal(replayAt(start, 1, 5000), start + 5000);
    assert.equal(replayAt(start, 10, 5000), start + 50_000);
    assert.equal(replayAt(start, 60, 60_000), start + HOUR);
    assert.equal(replayAt(start, 60, -10), start, "no going back on a clock hiccup");
  });
  it("AgoText", () => {
    assert.equal(agoText(0), "now");
    assert.equal(agoText(30 * MIN), "−30 min");
    assert.equal(agoText(2 * HOUR + 5 * MIN), "−2 h 05 min");
    assert.equal(agoText(3 * DAY + 4 * HOUR), "−3 d 4 h");
  });
  it("PNGPollingIsBounded", () => {
    const d = pollDelays(60_000, 500, 5000);
    assert.equal(d[0], 500);
    assert.equal(d[1], 750);
    assert.ok(d.every((x, i) => i === 0 || x >= d[i - 1]!), "growing");
    assert.ok(Math.max(...d) <= 5000, "capped");
    const sum = d.reduce((a, b) => a + b, 0);
    assert.ok(sum <= 60_000 && sum > 55_000, `about a minute in all: ${sum}`);
  });
});

/** A fetch whose answers the test releases by hand, in any order. */
function manualFetch(): { fetch: (at: number) => Promise<string>; calls: number[]; resolve(at: number): Promise<void>; reject(at: number): Promise<void> } {
  const waiting = new Map<number, { ok: (v: string) => void; fail: (e: unknown) => void }>();
  const calls: number[] = [];
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return {
    calls,
    fetch: (at) => {
      calls.push(at);
      return new Promise((ok, fail) => waiting.set(at, { ok, fail }));
    },
    async resolve(at) {
      waiting.get(at)!.ok(`frame@${at}`);
      waiting.delete(at);
      await settle();
    },
    async reject(at) {
      waiting.get(at)!.fail(new Error(`no frame at ${at}`));
      waiting.delete(at);
      await settle();
    },
  };
}

describe("FramePump", () => {
  it("NeverMoreThanMaxInFlightNorAQueue", async () => {
    const f = manualFetch();
    const applied: number[] = [];
    const pump = new FramePump(f.fetch, (at) => applied.push(at), () => undefined, 2);
    // A replay at 60× wanting a frame every tick while the server is slow.
    for (let at = 1; at <= 50; at++) pump.want(at);
    assert.deepEqual(f.calls, [1, 2], "two asked");
    assert.equal(pump.busy, 2);
    assert.equal(pump.waiting, 50, "one waiting: the latest wanted");
    await f.resolve(1);
    assert.deepEqual(applied, [1]);
    assert.deepEqual(f.calls, [1, 2, 50], "the waiting one takes the free slot; 3…49 are skipped");
    assert.equal(pump.waiting, null);
    await f.resolve(50);
    await f.resolve(2);
    assert.deepEqual(applied, [1, 50], "an answer older than one applied is dropped");
    assert.equal(pump.busy, 0);
  });
  it("ErrorsReportedAndSlotFreed", async () => {
    const f = manualFetch();
    const errors: number[] = [];
    const pump = new FramePump(f.fetch, () => undefined, (at) => errors.push(at), 1);
    pump.want(10);
    pump.want(20);
    await f.reject(10);
    assert.deepEqual(errors, [10]);
    assert.deepEqual(f.calls, [10, 20], "the waiting moment is asked after a failure too");
  });
  it("CancelDropsAnswersOnTheirWay", async () => {
    const f = manualFetch();
    const applied: number[] = [];
    const pump = new FramePump(f.fetch, (at) => applied.push(at), () => undefined, 2);
    pump.want(1);
    pump.want(2);
    pump.want(3);
    pump.cancel();
    assert.equal(pump.busy, 0);
    assert.equal(pump.waiting, null);
    await f.resolve(1);
    await f.resolve(2);
    assert.deepEqual(applied, [], "Live was pressed: nothing from the past lands after it");
    assert.deepEqual(f.calls, [1, 2], "the waiting one is not asked");
    pump.want(4);
    await f.resolve(4);
    assert.deepEqual(applied, [4]);
  });
});

describe("frame API", () => {
  it("URLAndAnswer", () => {
    assert.equal(frameURL("b 1", "16:9", 1234.4), "/api/v1/boards/b%201/frame?at=1234&variant=16%3A9");
    assert.equal(frameURL("b", "", 5), "/api/v1/boards/b/frame?at=5");
    const f = parsePastFrame({ board: "b", variant: "16:9", at: 77, widgets: { tps: { state: "ok", data: { value: 1 } } } }, 5);
    assert.equal(f.at, 77);
    assert.equal(f.variant, "16:9");
    assert.deepEqual(Object.keys(f.widgets), ["tps"]);
    assert.equal(f.oldest, 0, "no oldest in the answer");
    assert.equal(parsePastFrame({ at: 77, oldest: 12, widgets: {} }, 5).oldest, 12);
    assert.equal(parsePastFrame({ at: 77, oldest: "12", widgets: {} }, 5).oldest, 0);
    assert.throws(() => parsePastFrame({ at: 1 }, 5), /no widgets/);
  });
});
