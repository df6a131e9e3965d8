import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatRelativeTime, formatTimestamp, parseTimestamp } from "../../src/lib/time.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const NOW = Date.UTC(2026, 10, 22, 14, 5, 3);

describe("formatRelativeTime", () => {
  const cases: Array<[string, number, string]> = [
    ["Same instant", 0, "just now"],
    ["59 seconds ago", 59 * S, "just now"],
    ["Exactly one minute", M, "1 min ago"],
    ["Floors minutes", 3 * M + 59 * S, "3 min ago"],
    ["59 minutes is not an hour", 59 * M + 59 * S, "59 min ago"],
    ["Exactly one hour", H, "1 hour ago"],
    ["Plural hours", 5 * H + 30 * M, "5 hours ago"],
    ["23 hours", 23 * H + 59 * M, "23 hours ago"],
    ["Exactly one day", D, "1 day ago"],
    ["29 days", 29 * D, "29 days ago"],
    ["30 days is a month", 30 * D, "1 month ago"],
    ["364 days is still months", 364 * D, "12 months ago"],
    ["One year", 365 * D, "1 year ago"],
    ["Three years", 3 * 365 * D + D, "3 years ago"],
    ["Small future skew", -30 * S, "just now"],
    ["Future minutes", -5 * M, "in 5 min"],
    ["Future hours", -2 * H, "in 2 hours"],
  ];
  for (const [name, ago, want] of cases) {
    it(name, () => {
      assert.equal(formatRelativeTime(NOW - ago, NOW), want);
    });
  }

  it("NotFinite", () => {
    assert.equal(formatRelativeTime(NaN, NOW), "unknown");
    assert.equal(formatRelativeTime(NOW, Infinity), "unknown");
  });
});

describe("parseTimestamp", () => {
  it("UTC", () => {
    assert.equal(parseTimestamp("2026-11-22T14:05:03Z"), NOW);
  });
  it("FractionalSecondsAndOffset", () => {
    assert.equal(parseTimestamp("2026-11-22T15:05:03.250+01:00"), NOW + 250);
  });
  it("NanosecondPrecisionFromGo", () => {
    // Go's time.RFC3339Nano can print 9 fractional digits.
    assert.equal(parseTimestamp("2026-11-22T14:05:03.123456789Z"), NOW + 123);
  });
  const invalid: unknown[] = ["", "yesterday", "2026-11-22", "2026-11-22 14:05:03", "2026-13-45T99:99:99Z", 1700000000, null, undefined, {}];
  for (const v of invalid) {
    it(`Rejects ${JSON.stringify(v) ?? String(v)}`, () => {
      assert.equal(parseTimestamp(v), null);
    });
  }
});

describe("formatTimestamp", () => {
  it("UTC", () => {
    assert.equal(formatTimestamp(NOW, 0), "2026-11-22 14:05:03 UTC+00:00");
  });
  it("EastOfUTC", () => {
    assert.equal(formatTimestamp(NOW, 60), "2026-11-22 15:05:03 UTC+01:00");
  });
  it("HalfHourZoneWestOfUTCCrossesMidnight", () => {
    assert.equal(formatTimestamp(Date.UTC(2026, 0, 1, 2, 0, 0), -210), "2025-12-31 22:30:00 UTC-03:30");
  });
  it("Invalid", () => {
    assert.equal(formatTimestamp(NaN, 0), "unknown");
  });
});
