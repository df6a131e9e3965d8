import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { changedIndexes, commonPrefixLength, fitName, hexAt, hexCenter, hexLayout, namesFont, readStates } from "../../src/widgets/honeycomb.ts";
import { defaultSort, fitTable, hiddenNote, nextSort, parseTable, sortRows, type TableRow } from "../../src/widgets/table.ts";
import { categoryLabelLayout, fitCategoryAxis } from "../../src/widgets/labels.ts";
import { fitFont, statDelta } from "../../src/widgets/stat.ts";
import { sparkPaths } from "../../src/widgets/spark.ts";
import { statusWord } from "../../src/widgets/status.ts";
import { fitContain, frameMetrics } from "../../src/lib/fit.ts";
import { backoffDelay, streamURL } from "../../src/lib/stream.ts";
import { hitmapRows } from "../../src/widgets/hitmap.ts";

const SQRT3 = Math.sqrt(3);

describe("hexLayout", () => {
  it("EveryHexagonInsideTheBox", () => {
    for (const [n, w, h] of [
      [1, 300, 200],
      [7, 300, 200],
      [40, 460, 260],
      [10000, 1100, 500],
      [10000, 300, 1200],
    ] as Array<[number, number, number]>) {
      const l = hexLayout(n, w, h);
      assert.ok(l.r > 0, `n=${n}: radius ${l.r}`);
      assert.ok(l.cols * l.rows >= n, `n=${n}: ${l.cols}×${l.rows} cannot hold every object`);
      for (const i of [0, l.cols - 1, n - 1, Math.min(n - 1, l.cols)]) {
        const [x, y] = hexCenter(l, i);
        const eps = 1e-6;
        assert.ok(x - (SQRT3 / 2) * l.r >= -eps && x + (SQRT3 / 2) * l.r <= w + eps, `n=${n} i=${i}: x ${x} out of 0..${w}`);
        assert.ok(y - l.r >= -eps && y + l.r <= h + eps, `n=${n} i=${i}: y ${y} out of 0..${h}`);
      }
    }
  });
  it("NoBetterColumnCount", () => {
    // The chosen radius is the best any column count gives.
    const n = 40;
    const w = 460;
    const h = 260;
    const l = hexLayout(n, w, h);
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const r = Math.min(w / (SQRT3 * (cols + (rows > 1 ? 0.5 : 0))), h / (1.5 * (rows - 1) + 2));
      assert.ok(r <= l.r + 1e-9, `${cols} columns give radius ${r} > chosen ${l.r}`);
    }
  });
  it("TenThousandHostsAreNotSpecks", () => {
    const l = hexLayout(10000, 1100, 500);
    assert.ok(l.r >= 3, `radius ${l.r}`);
  });
  it("CentredInTheBox", () => {
    const l = hexLayout(1, 300, 200);
    const [x, y] = hexCenter(l, 0);
    assert.ok(Math.abs(x - 150) < 1e-9 && Math.abs(y - 100) < 1e-9, `centre at ${x},${y}`);
  });
  it("Empty", () => {
    assert.deepEqual(hexLayout(0, 300, 200), { n: 0, r: 0, cols: 0, rows: 0, ox: 0, oy: 0 });
    assert.equal(hexLayout(5, 0, 200).r, 0);
  });
  it("OddRowsShiftedByHalfAHexagon", () => {
    const l = hexLayout(20, 400, 400);
    const [x0] = hexCenter(l, 0);
    const [x1, y1] = hexCenter(l, l.cols);
    const [, y0] = hexCenter(l, 0);
    assert.ok(Math.abs(x1 - x0 - (SQRT3 / 2) * l.r) < 1e-9);
    assert.ok(Math.abs(y1 - y0 - 1.5 * l.r) < 1e-9);
  });
});

describe("honeycomb updates", () => {
  it("ChangedIndexes", () => {
    assert.deepEqual(changedIndexes([0, 0, 1, 3], [0, 2, 1, 0]), [1, 3]);
    assert.deepEqual(changedIndexes([0, 0], [0, 0]), []);
    assert.deepEqual(changedIndexes([0], [0, 1, 2]), [0, 1, 2]);
  });
  it("ReadStatesArray", () => {
    assert.deepEqual(Array.from(readStates({ states: [0, 1, 2, 3, 9, null] }, 7)), [0, 1, 2, 3, 3, 3, 3]);
  });
  it("ReadStatesBase64", () => {
    // Go's encoding/json writes []uint8 as base64: AAECAw== is 0,1,2,3.
    assert.deepEqual(Array.from(readStates({ states: "AAECAw==" }, 5)), [0, 1, 2, 3, 3]);
  });
});

describe("table sorting", () => {
  const rows: TableRow[] = [
    { name: "host-10", cells: [{ value: 5, state: "ok" }, null] },
    { name: "host-2", cells: [{ value: 50, state: "critical" }, { value: 1, state: "ok" }] },
    { name: "host-1", cells: [null, { value: 3, state: "ok" }] },
    { name: "host-3", cells: [{ value: 5, state: "ok" }, { value: 2, state: "ok" }] },
  ];
  const names = (rs: TableRow[]): string[] => rs.map((r) => r.name);
  it("ByNameNatural", () => {
    assert.deepEqual(names(sortRows(rows, { column: -1, desc: false })), ["host-1", "host-2", "host-3", "host-10"]);
    assert.deepEqual(names(sortRows(rows, { column: -1, desc: true })), ["host-10", "host-3", "host-2", "host-1"]);
  });
  it("ByColumnDescMissingLast", () => {
    assert.deepEqual(names(sortRows(rows, { column: 0, desc: true })), ["host-2", "host-3", "host-10", "host-1"]);
  });
  it("ByColumnAscMissingLast", () => {
    assert.deepEqual(names(sortRows(rows, { column: 0, desc: false })), ["host-3", "host-10", "host-2", "host-1"]);
    assert.deepEqual(names(sortRows(rows, { column: 1, desc: false })), ["host-2", "host-3", "host-1", "host-10"]);
  });
  it("DoesNotMutate", () => {
    const before = names(rows);
    sortRows(rows, { column: 0, desc: true });
    assert.deepEqual(names(rows), before);
  });
  it("DefaultFromConfig", () => {
    assert.deepEqual(defaultSort(3, 1, "desc"), { column: 1, desc: true });
    assert.deepEqual(defaultSort(3, 0, "asc"), { column: 0, desc: false });
    assert.deepEqual(defaultSort(3, 2, "name"), { column: -1, desc: false });
    assert.deepEqual(defaultSort(2, 5, "desc"), { column: -1, desc: false });
  });
  it("HeaderClicks", () => {
    assert.deepEqual(nextSort({ column: -1, desc: false }, 1), { column: 1, desc: true });
    assert.deepEqual(nextSort({ column: 1, desc: true }, 1), { column: 1, desc: false });
    assert.deepEqual(nextSort({ column: 1, desc: false }, -1), { column: -1, desc: false });
  });
  it("ParsesTheWireShape", () => {
    const t = parseTable({
      columns: [{ name: "req/s", unit: "req/s", decimals: 1 }],
      rows: [{ name: "checkout", labels: {}, cells: [{ value: null, state: "nodata" }] }, { name: "x", cells: [null] }],
    });
    assert.deepEqual(t.columns, [{ name: "req/s", unit: "req/s", decimals: 1 }]);
    assert.deepEqual(t.rows, [
      { name: "checkout", cells: [{ value: null, state: "nodata" }] },
      { name: "x", cells: [null] },
    ]);
  });
});

describe("stat", () => {
  it("DeltaFromServer", () => {
    assert.deepEqual(statDelta(412.5, 398, 3.64), { arrow: "▲", text: "3.6%", direction: "up" });
    assert.deepEqual(statDelta(10, 20, -50), { arrow: "▼", text: "50.0%", direction: "down" });
  });
  it("DeltaComputedWhenAbsent", () => {
    assert.deepEqual(statDelta(150, 100, null), { arrow: "▲", text: "50.0%", direction: "up" });
    assert.deepEqual(statDelta(-150, -100, null), { arrow: "▼", text: "50.0%", direction: "down" });
    assert.deepEqual(statDelta(500, 100, null), { arrow: "▲", text: "400%", direction: "up" });
  });
  it("DeltaFlat", () => {
    assert.deepEqual(statDelta(100, 100, 0.01), { arrow: "▶", text: "0.0%", direction: "flat" });
  });
  it("NoDelta", () => {
    assert.equal(statDelta(5, 0, null), null);
    assert.equal(statDelta(null, 3, null), null);
    assert.equal(statDelta(3, null, null), null);
  });
  it("FitFont", () => {
    assert.equal(fitFont(5, 300, 1000), 100); // width-bound: 300 / (5 × 0.6)
    assert.equal(fitFont(2, 1000, 100, 0.5), 50); // height-bound
    assert.equal(fitFont(100, 10, 10), 8); // never below 8 px
  });
  it("StatusWords", () => {
    assert.deepEqual(
      (["ok", "warning", "critical", "nodata", "stale"] as const).map(statusWord),
      ["OK", "WARNING", "CRITICAL", "NO DATA", "STALE"],
    );
  });
  it("SparkPathsBreakAtNulls", () => {
    const p = sparkPaths([0, 10, null, 5, 5], 40, 10);
    assert.equal((p.line.match(/M/g) ?? []).length, 2);
    assert.match(p.line, /^M0 9\.5L10 0\.5M30 5L40 5$/);
    assert.deepEqual(sparkPaths([null, null], 40, 10), { line: "", area: "" });
  });
});

describe("stage fit", () => {
  it("WiderBoxLetterboxesSides", () => {
    assert.deepEqual(fitContain(1920, 1080, 3840, 1080), { scale: 1, x: 960, y: 0 });
  });
  it("TallerBoxLetterboxesTopAndBottom", () => {
    assert.deepEqual(fitContain(1920, 1080, 960, 1080), { scale: 0.5, x: 0, y: 270 });
  });
  it("ScalesUpOn4K", () => {
    assert.deepEqual(fitContain(1920, 1080, 3840, 2160), { scale: 2, x: 0, y: 0 });
  });
  it("PortraitCanvasOnLandscape", () => {
    const f = fitContain(1080, 1920, 1920, 1080);
    assert.equal(f.scale, 1080 / 1920);
    assert.equal(f.y, 0);
    assert.equal(f.x, (1920 - 1080 * f.scale) / 2);
  });
  it("Degenerate", () => {
    assert.deepEqual(fitContain(1920, 1080, 0, 500), { scale: 0, x: 0, y: 0 });
    assert.deepEqual(fitContain(0, 1080, 100, 500), { scale: 0, x: 0, y: 0 });
  });
  it("FrameMetricsFromRect", () => {
    const small = frameMetrics(320, 200, true);
    const big = frameMetrics(640, 400, true);
    assert.equal(small.titleFont, 15);
    assert.equal(big.titleFont, 30);
    assert.equal(small.bodyW + 2 * small.pad + small.strip, 320);
    assert.ok(small.bodyH > 0 && small.bodyH < 200 - small.titleH);
    assert.equal(frameMetrics(320, 200, false).titleH, 0);
    assert.equal(frameMetrics(40, 40, true).titleFont, 11);
  });
});

describe("stream", () => {
  it("BackoffDoublesTo30s", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(a, 1)), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
  it("BackoffJitter", () => {
    assert.equal(backoffDelay(0, 0), 500);
    assert.equal(backoffDelay(5, 0), 15000);
    assert.equal(backoffDelay(2, 0.5), 3000);
  });
  it("URL", () => {
    assert.equal(streamURL("http://wall:8080", "catalogue", "", "", 0), "ws://wall:8080/api/v1/stream?board=catalogue");
    assert.equal(
      streamURL("https://x", "a b", "16:9", "9f2c", 41),
      "wss://x/api/v1/stream?board=a%20b&variant=16%3A9&epoch=9f2c&seq=41",
    );
    assert.equal(streamURL("http://x", "b", "", "", 0, "fbd_a+b"), "ws://x/api/v1/stream?board=b&token=fbd_a%2Bb");
  });
});

describe("hitmap rows", () => {
  const cells = (...bs: number[]) => [{ id: "ok", data: bs.map((b) => [0, b, 3]) }, { id: "err", data: [] }];
  it("WholeDecadesAroundTheData", () => {
    // 10–100 ms (buckets 25–32) and one at 300 ms (bucket 36): from 10 ms to 1 s.
    assert.deepEqual(hitmapRows(cells(25, 30, 36)), { min: 25, max: 41 });
  });
  it("AtLeastTwoDecadesRoomAbove", () => {
    assert.deepEqual(hitmapRows(cells(27, 28)), { min: 25, max: 41 });
  });
  it("TopClamped", () => {
    assert.deepEqual(hitmapRows(cells(56, 57)), { min: 41, max: 57 });
  });
  it("ZeroBucket", () => {
    assert.deepEqual(hitmapRows(cells(0, 3)), { min: 0, max: 17 });
  });
  it("EmptyOrZeroCountsKeepEveryRow", () => {
    assert.equal(hitmapRows(cells()), null);
    assert.equal(hitmapRows([{ data: [[0, 30, 0]] }]), null);
    assert.equal(hitmapRows(undefined), null);
  });
});

describe("categoryLabelLayout", () => {
  // The cases Go's CategoryLabelLayout runs too: wall and snapshot agree.
  type Case = { name: string; names: string[]; plotW: number; plotH: number; font: number; want: Record<string, number> };
  const cases = JSON.parse(readFileSync("widgets/testdata/category_labels.json", "utf8")) as Case[];
  it("HasCases", () => assert.ok(cases.length >= 5, `only ${cases.length} cases`));
  for (const c of cases) {
    it(c.name, () => {
      const got = categoryLabelLayout(c.names, c.plotW, c.plotH, c.font);
      assert.equal(got["interval"], 0);
      assert.equal(got["hideOverlap"], false);
      assert.equal(got["overflow"], "truncate");
      for (const k of ["rotate", "width", "fontSize"]) assert.equal(got[k], c.want[k], `${k}`);
    });
  }
  it("FitCategoryAxisUsesTheBaseGridAndFont", () => {
    const base = { grid: [{ left: "13", right: "13", top: "39", bottom: "13" }], xAxis: [{ axisLabel: { fontSize: 11 } }] };
    const names = ["analytics", "auth", "cart", "catalog", "checkout", "fraud", "gateway", "inventory", "ledger", "loyalty",
      "notifications", "orders", "payment", "pricing", "recommendations", "reviews", "search", "shipping", "tax", "users"];
    const x = fitCategoryAxis(base, { xAxis: [{ data: names }] }, 480, 320);
    // Widgets/labels_test.go's TestRenderHTMLEqualizerLabels: the same 45°, 99 px.
    assert.deepEqual(x?.[0]?.["data"], names);
    const label = x?.[0]?.["axisLabel"] as Record<string, unknown>;
    assert.equal(label["rotate"], 45);
    assert.equal(label["width"], 99);
    assert.equal(fitCategoryAxis(base, { series: [] }, 480, 320), null);
  });
});

describe("hexAt", () => {
  it("CentresAndCornersFindTheirHexagon", () => {
    const l = hexLayout(40, 460, 260);
    for (let i = 0; i < l.n; i++) {
      const [x, y] = hexCenter(l, i);
      assert.equal(hexAt(l, x, y), i, `centre of ${i}`);
      // Just inside its top corner and its right side.
      assert.equal(hexAt(l, x, y - l.r * 0.9), i, `near the top of ${i}`);
      assert.equal(hexAt(l, x + l.r * 0.8, y), i, `near the right of ${i}`);
    }
  });
  it("OutsideIsNone", () => {
    const l = hexLayout(7, 300, 200);
    assert.equal(hexAt(l, -5, -5), -1);
    assert.equal(hexAt(l, 1000, 100), -1);
    // Past the last hexagon of an incomplete last row.
    const [x, y] = hexCenter(l, l.n - 1);
    if (l.n % l.cols !== 0) assert.equal(hexAt(l, x + SQRT3 * l.r, y), -1);
    assert.equal(hexAt(hexLayout(0, 300, 200), 10, 10), -1);
  });
});

describe("honeycomb names", () => {
  // A monospace stand-in for measureText: 0.6 em a character.
  const width = (s: string): number => Array.from(s).length * 0.6;
  it("OneFontThatFitsEveryName", () => {
    // 60 px wide: "db-1" fits at 25 px, "db-eu-west-17" (13 chars) at 7.69 px.
    assert.equal(namesFont(["db-1", "db-2"].map(width), 60, 20, 6), 20);
    assert.ok(Math.abs(namesFont(["db-1", "db-eu-west-17"].map(width), 60, 20, 6) - 60 / 7.8) < 1e-9);
    // Never under the minimum: the longest is then shortened.
    assert.equal(namesFont(["db-eu-west-17-replica"].map(width), 60, 20, 9), 9);
  });
  it("WholeWhenItFits", () => {
    assert.equal(fitName("db-eu-west-17", 100, 10, width), "db-eu-west-17");
  });
  it("ShortenedInTheMiddleKeepingTheEnd", () => {
    // 60 px at 10 px: 10 characters, the ellipsis one of them.
    const t = fitName("db-eu-west-17", 60, 10, width);
    assert.equal(t, "db-…est-17");
    assert.ok(width(t) * 10 <= 60);
    // Names that differ only at the end stay apart.
    assert.notEqual(fitName("db-analytics-1", 60, 10, width), fitName("db-analytics-2", 60, 10, width));
  });
  it("CommonPrefixUpToASeparator", () => {
    assert.equal(commonPrefixLength(["db-analytics-01", "db-audit-01", "db-orders-02"]), 3);
    // Not inside a word: "db-a" is shared, "db-" is dropped.
    assert.equal(commonPrefixLength(["db-analytics-01", "db-audit-01"]), 3);
    assert.equal(commonPrefixLength(["host-0001", "host-0002"]), 5);
    assert.equal(commonPrefixLength(["web-1", "db-1"]), 0);
    assert.equal(commonPrefixLength(["db-1"]), 0);
    // Never a name left empty.
    assert.equal(commonPrefixLength(["db-", "db-x"]), 0);
  });
  it("AtLeastTheLastCharacter", () => {
    assert.equal(fitName("host-12345", 5, 10, width), "…5");
  });
});

describe("fitTable", () => {
  it("RoomEnoughKeepsTheFont", () => {
    assert.deepEqual(fitTable(100, [80, 80, 80], 400, 20, 11), { font: 20, shown: 3, nameMax: 0 });
  });
  it("ShrinksToKeepEveryColumn", () => {
    // 480 px at 20 px in 320: 13 px keeps all three.
    assert.deepEqual(fitTable(120, [120, 120, 120], 320, 20, 11), { font: 13, shown: 3, nameMax: 0 });
  });
  it("AtTheMinimumNamesAreCutBeforeAColumnGoes", () => {
    // At 11 px (0.55): name 110, columns 66 each (198). In 280 px the names
    // are cut to 82 (not under 7 em, 77 px) and every column stays.
    assert.deepEqual(fitTable(200, [120, 120, 120], 280, 20, 11), { font: 11, shown: 3, nameMax: 82 });
    // In 250 px even 77 px names leave no room for the third: two columns,
    // and then the names are whole again.
    assert.deepEqual(fitTable(200, [120, 120, 120], 250, 20, 11), { font: 11, shown: 2, nameMax: 0 });
  });
  it("BelowTheMinimumHidesTheLastColumns", () => {
    // At 11 px (0.55): name 66 (under 7 em: whole), columns 66 each; 200 px hold the name and two.
    assert.deepEqual(fitTable(120, [120, 120, 120], 200, 20, 11), { font: 11, shown: 2, nameMax: 0 });
    // Always the first column of values, however narrow; the name at 7 em at least.
    assert.deepEqual(fitTable(300, [120, 120, 120], 50, 20, 11), { font: 11, shown: 1, nameMax: 77 });
  });
  it("HiddenNote", () => {
    assert.equal(hiddenNote([]), "");
    assert.equal(hiddenNote(["p95 ms"]), "+1 column: p95 ms");
    assert.equal(hiddenNote(["error ratio", "p95 ms"]), "+2 columns: error ratio, p95 ms");
  });
});
