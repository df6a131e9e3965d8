import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expandTimes } from "../../src/lib/series.ts";

describe("expandTimes", () => {
  it("ExpandsCompactSeries", () => {
    const got = expandTimes({
      series: [{ id: "q0", type: "line", data: [5, null, 7], t0: 1000, dt: 10, showSymbol: true }],
      xAxis: [{ min: 1000, max: 1020 }],
    });
    assert.deepEqual(got, {
      series: [{ id: "q0", type: "line", data: [[1000, 5], [1010, null], [1020, 7]], showSymbol: true }],
      xAxis: [{ min: 1000, max: 1020 }],
    });
  });
  it("LeavesOtherSeriesAlone", () => {
    const data = { series: [{ id: "bars", data: [1, 2, 3] }, { id: "pie", data: [{ name: "a", value: 1 }] }] };
    assert.equal(expandTimes(data), data);
  });
  it("NotAnOption", () => {
    assert.equal(expandTimes(null), null);
    assert.deepEqual(expandTimes({ value: 3 }), { value: 3 });
  });
});
