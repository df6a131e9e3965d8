import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fixed, formatValue, splitUnit } from "../../src/lib/units.ts";

interface Case {
  value: number | null;
  unit: string;
  decimals: number;
  want: string;
}

// The same cases Go's widgets.FormatValue is tested with (npm test runs from the repo root).
const cases = JSON.parse(readFileSync("widgets/testdata/format_cases.json", "utf8")) as Case[];

describe("formatValue shared cases", () => {
  it("HasCases", () => {
    assert.ok(cases.length >= 30, `only ${cases.length} cases in format_cases.json`);
  });
  for (const c of cases) {
    it(`${JSON.stringify(c.value)} ${c.unit || "plain"} ${c.decimals}`, () => {
      assert.equal(formatValue(c.value, c.unit, c.decimals), c.want);
    });
  }
});

describe("formatValue", () => {
  it("Infinities", () => {
    assert.equal(formatValue(Infinity, "", 1), "∞");
    assert.equal(formatValue(-Infinity, "ms", 1), "-∞");
  });
  it("DecimalsClamped", () => {
    assert.equal(formatValue(1.23456789, "", 9), "1.234568");
    assert.equal(formatValue(1.5, "", -2), "2");
  });
  it("UnknownUnitIsPlain", () => {
    assert.equal(formatValue(3.14159, "furlongs", 2), "3.14");
  });
});

describe("fixed rounds exact ties like Go", () => {
  it("HalfToEven", () => {
    assert.equal(fixed(87.25, 1), "87.2"); // 87.25 is exact in binary: a true tie
    assert.equal(fixed(87.75, 1), "87.8");
    assert.equal(fixed(0.5, 0), "0");
    assert.equal(fixed(1.5, 0), "2");
    assert.equal(fixed(-2.5, 0), "-2");
    assert.equal(fixed(0.125, 2), "0.12");
  });
  it("NotTiesRoundNormally", () => {
    assert.equal(fixed(0.15, 1), "0.1"); // 0.1499999… in binary
    assert.equal(fixed(1.005, 2), "1.00");
    assert.equal(fixed(2.675, 2), "2.67");
  });
  it("NoNegativeZero", () => {
    assert.equal(fixed(-0.04, 1), "0.0");
    assert.equal(fixed(-0, 0), "0");
  });
});

describe("splitUnit", () => {
  it("Splits", () => {
    assert.deepEqual(splitUnit("4.1k req/s"), ["4.1k", " req/s"]);
    assert.deepEqual(splitUnit("87.3%"), ["87.3", "%"]);
    assert.deepEqual(splitUnit("2.0 MiB"), ["2.0", " MiB"]);
    assert.deepEqual(splitUnit("–"), ["–", ""]);
  });
});
