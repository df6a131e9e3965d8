import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ServerClock, skewText } from "../../src/lib/clock.ts";
import { ageText, dataTime, entryTime, isTooOld, agesOut } from "../../src/lib/staleness.ts";
import { cssTransform, displayOptions, parsePlan, planURL } from "../../src/lib/plan.ts";
import { HEAP_CAP_BYTES, NO_DATA_RELOAD_MS, reloadReason } from "../../src/lib/watchdog.ts";
import { alertSoundOn, entersCritical } from "../../src/lib/alert.ts";
import { shutdownDelay } from "../../src/lib/stream.ts";

describe("ServerClock", () => {
  it("CarriesServerTimeOnTheMonotonicClock", () => {
    let mono = 1000;
    let wall = 5_000_000;
    const c = new ServerClock(
      () => mono,
      () => wall,
    );
    assert.equal(c.now(), wall, "before a sync: the local clock");
    assert.equal(c.skew(), 0);
    c.sync(1_000_000);
    mono += 2500;
    // The local wall clock jumps by an hour: the server time does not.
    wall += 3_600_000;
    assert.equal(c.now(), 1_002_500);
    assert.equal(c.skew(), wall - 1_002_500);
  });
  it("IgnoresNonsense", () => {
    const c = new ServerClock(
      () => 0,
      () => 42,
    );
    c.sync(NaN);
    c.sync(-5);
    assert.equal(c.isSynced, false);
    assert.equal(c.now(), 42);
  });
  it("SaysWhichWay", () => {
    assert.equal(skewText(12_400), "this display's clock is 12 s ahead of the server");
    assert.equal(skewText(-600_000), "this display's clock is 10 min behind the server");
  });
});

describe("staleness", () => {
  it("DataTimeOfStatAndTimeseries", () => {
    assert.equal(dataTime("stat", { value: 1, ts: 1234 }), 1234);
    assert.equal(dataTime("status", { value: 1 }), 0);
    const ts = { series: [{ id: "q0", data: [[100, 1], [200, 2], [300, null]] }, { id: "q1", data: [[250, 5]] }] };
    assert.equal(dataTime("timeseries", ts), 250, "the newest point with a value, over every series");
    assert.equal(dataTime("bar", { series: [] }), 0);
  });
  it("EntryTimePrefersTheServersNewest", () => {
    assert.equal(entryTime("bar", { state: "ok", data: {}, newest: 900 }, 1000, 950), 900);
    assert.equal(entryTime("stat", { state: "ok", data: { ts: 800 } }, 1000, 950), 800);
    assert.equal(entryTime("bar", { state: "ok", data: {} }, 1000, 950), 950, "frame ingest_ts");
    assert.equal(entryTime("bar", { state: "ok", data: {} }, 1000, 0), 1000, "frame ts");
  });
  it("ThreeIntervals", () => {
    assert.equal(isTooOld(3000, 1000), false);
    assert.equal(isTooOld(3001, 1000), true);
    assert.equal(isTooOld(99999, 0), false, "no interval known: never by age");
    assert.equal(agesOut("events"), false);
    assert.equal(agesOut("honeycomb"), true);
  });
  it("AgeText", () => {
    assert.equal(ageText(-5), "0 s old");
    assert.equal(ageText(12_900), "12 s old");
    assert.equal(ageText(119_999), "119 s old");
    assert.equal(ageText(125_000), "2 min old");
    assert.equal(ageText(3 * 3600_000), "3 h old");
    assert.equal(ageText(3 * 86400_000), "3 d old");
  });
});

describe("plan", () => {
  it("URLCarriesTheScreenAndOptions", () => {
    const o = displayOptions("b 1", "?theme=light&fit=cover&wall=2x2&tile=1,0&bezel=12&variant=");
    assert.equal(planURL(o, 960, 540, 1), "/api/v1/boards/b%201/plan?width=960&height=540&fit=cover&wall=2x2&tile=1%2C0&bezel=12");
    assert.equal(planURL(displayOptions("x", ""), 1920.4, 1080, 1.5), "/api/v1/boards/x/plan?width=1920&height=1080&dpr=1.5");
    assert.equal(o.theme, "light");
  });
  it("ParsesAndRefuses", () => {
    const p = parsePlan({ variant: "32:9", canvas: { width: 3840, height: 1080 }, transform: { scale_x: 2, scale_y: 2, offset_x: -960, offset_y: 0 }, render_scale: 2 });
    assert.equal(p.variant, "32:9");
    assert.equal(cssTransform(p.transform), "translate(-960px, 0px) scale(2, 2)");
    assert.throws(() => parsePlan({ error: {} }), /unexpected plan answer/);
  });
});

describe("watchdog", () => {
  it("HeapOverTheCap", () => {
    assert.match(reloadReason({ heapBytes: HEAP_CAP_BYTES + 1, sinceDataMs: 0, failedReconnects: 0 }), /JS heap 768 MB over the 768 MB cap/);
    assert.equal(reloadReason({ heapBytes: HEAP_CAP_BYTES, sinceDataMs: 0, failedReconnects: 0 }), "");
  });
  it("NoDataOnlyAfterFailedReconnects", () => {
    assert.equal(reloadReason({ heapBytes: null, sinceDataMs: NO_DATA_RELOAD_MS, failedReconnects: 0 }), "");
    assert.equal(reloadReason({ heapBytes: null, sinceDataMs: NO_DATA_RELOAD_MS - 1, failedReconnects: 9 }), "");
    assert.match(reloadReason({ heapBytes: null, sinceDataMs: NO_DATA_RELOAD_MS, failedReconnects: 9 }), /no data for 300 s after 9 failed reconnects/);
  });
});

describe("alert", () => {
  it("OnlyWhenEnteringCritical", () => {
    assert.equal(entersCritical(undefined, "critical"), false, "the first state seen is not a change");
    assert.equal(entersCritical("warning", "critical"), true);
    assert.equal(entersCritical("critical", "critical"), false);
    assert.equal(entersCritical("critical", "ok"), false);
  });
  it("BoardSetting", () => {
    assert.equal(alertSoundOn({ alert_sound: true }), true);
    assert.equal(alertSoundOn({}), false);
    assert.equal(alertSoundOn({ alert_sound: "off" }), false);
    assert.equal(alertSoundOn(null), false);
  });
});

describe("shutdownDelay", () => {
  it("WhatTheServerAskedPlusJitter", () => {
    assert.equal(shutdownDelay(1000, 0), 1000);
    assert.equal(shutdownDelay(1000, 1), 1500);
    assert.equal(shutdownDelay(-5, 0.5), 0);
    assert.equal(shutdownDelay(999999, 0), 30000, "capped at the backoff's maximum");
  });
});
