import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseKinds, type KindField } from "../../src/lib/render.ts";
import { checkField, checkTitle, enumLabel, errorsUnder, fieldKey, fieldValue, withConfig } from "../../src/editor/panels/fields.ts";
import {
  applicableFields,
  checkQuery,
  cleanQuery,
  parseDuration,
  parseLabels,
  parseMetrics,
  previewQuery,
  rankSuggestions,
  summarizeResult,
} from "../../src/editor/panels/querymodel.ts";
import { bands, checkSteps, nextStepValue, parseSteps, stateOf } from "../../src/editor/panels/thresholds.ts";
import { checkSettings, newWall, wallSize } from "../../src/editor/panels/settings.ts";
import { buildVariant, checkSide, screensFor, uniqueVariantName } from "../../src/editor/panels/variants.ts";
import type { BoardContent } from "../../src/editor/contract.ts";

function field(p: Partial<KindField> & { name: string; type: string }): KindField {
  return { label: p.name, description: "", enum: [], min: null, max: null, maxLength: 0, ...p };
}

describe("parseKinds (schema details)", () => {
  it("KeepsDefaultEnumBoundsAndLength", () => {
    const k = parseKinds({
      kinds: [
        {
          name: "gauge",
          label: "Gauge",
          max_queries: 1,
          default_size: { w: 8, h: 8 },
          config: [
            { name: "decimals", label: "Decimals", type: "integer", default: 0, min: 0, max: 6 },
            { name: "unit", label: "Unit", type: "enum", default: "", enum: ["", "percent"] },
            { name: "row_label", label: "Row", type: "string", max_length: 128 },
            { name: "color", label: "Colour", type: "color" },
          ],
        },
      ],
      palette: [],
      states: ["ok", "warning", "critical", "nodata", "stale"],
    });
    const [dec, unit, row, color] = k.kinds[0]!.fields;
    assert.deepEqual(dec, { name: "decimals", label: "Decimals", type: "integer", description: "", enum: [], min: 0, max: 6, maxLength: 0, default: 0 });
    assert.deepEqual(unit!.enum, ["", "percent"]);
    assert.equal(unit!.default, "");
    assert.equal(row!.maxLength, 128);
    assert.equal("default" in color!, false);
    assert.deepEqual(k.states, ["ok", "warning", "critical", "nodata", "stale"]);
  });
});

describe("checkField", () => {
  const decimals = field({ name: "decimals", type: "integer", min: 0, max: 6, default: 1 });
  const slow = field({ name: "slow", type: "number", min: 0.001, max: 3600, default: 3 });
  const unit = field({ name: "unit", type: "enum", enum: ["", "percent", "ms"], default: "" });
  const label = field({ name: "row_label", type: "string", maxLength: 5 });
  const md = field({ name: "markdown", type: "text", maxLength: 20000 });
  const color = field({ name: "color", type: "color" });
  const tz = field({ name: "timezone", type: "timezone", default: "" });
  const cases: [string, KindField, string | boolean, { ok: true; value: unknown } | { ok: false; error: string }][] = [
    ["IntegerOK", decimals, "3", { ok: true, value: 3 }],
    ["IntegerBelowMin", decimals, "-1", { ok: false, error: "is -1; the minimum is 0" }],
    ["IntegerAboveMax", decimals, "7", { ok: false, error: "is 7; the maximum is 6" }],
    ["IntegerNotWhole", decimals, "2.5", { ok: false, error: "must be a whole number, got 2.5" }],
    ["IntegerEmptyIsDefault", decimals, "", { ok: true, value: undefined }],
    ["NumberNotANumber", slow, "fast", { ok: false, error: '"fast" is not a number' }],
    ["NumberFraction", slow, "0.5", { ok: true, value: 0.5 }],
    ["NumberBelowMin", slow, "0", { ok: false, error: "is 0; the minimum is 0.001" }],
    ["EnumOK", unit, "ms", { ok: true, value: "ms" }],
    ["EnumEmptyAllowed", unit, "", { ok: true, value: "" }],
    ["EnumUnknown", unit, "km", { ok: false, error: 'must be one of: "", "percent", "ms"' }],
    ["StringTooLong", label, "servic", { ok: false, error: "is 6 characters long; at most 5 allowed" }],
    ["StringCountsCharactersNotUnits", label, "😀😀😀😀😀", { ok: true, value: "😀😀😀😀😀" }],
    ["StringOneLine", label, "a\nb", { ok: false, error: "must be a single line" }],
    ["TextMultiLine", md, "# Hi\n\nthere", { ok: true, value: "# Hi\n\nthere" }],
    ["ColorShort", color, "#abc", { ok: true, value: "#abc" }],
    ["ColorAlpha", color, "#11223344", { ok: true, value: "#11223344" }],
    ["ColorEmptyRemoves", color, "", { ok: true, value: undefined }],
    ["ColorBad", color, "red", { ok: false, error: "must be a colour written #rgb, #rrggbb or #rrggbbaa, or empty for the theme's" }],
    ["TimezoneOK", tz, "Europe/Paris", { ok: true, value: "Europe/Paris" }],
    ["TimezoneLocalRefused", tz, "Local", { ok: false, error: '"Local" is not a time zone name; use an IANA name such as Europe/Paris or UTC, or leave it empty for the display\'s own' }],
    ["Boolean", field({ name: "legend", type: "boolean" }), true, { ok: true, value: true }],
    ["ImageBad", field({ name: "image", type: "image" }), "../x", { ok: false, error: "must be the id of an uploaded image, or empty for none" }],
  ];
  for (const [name, f, input, want] of cases) {
    it(name, () => assert.deepEqual(checkField(f, input), want));
  }
});

describe("config helpers", () => {
  it("FieldValueFallsBackToDefault", () => {
    const f = field({ name: "decimals", type: "integer", default: 1 });
    assert.equal(fieldValue(f, {}), 1);
    assert.equal(fieldValue(f, { decimals: 4 }), 4);
    assert.equal(fieldValue(field({ name: "legend", type: "boolean" }), {}), false);
    assert.deepEqual(fieldValue(field({ name: "thresholds", type: "thresholds" }), {}), []);
  });
  it("WithConfigSetsAndRemovesWithoutMutating", () => {
    const c = { a: 1, b: "x" };
    assert.deepEqual(withConfig(c, "a", 2), { a: 2, b: "x" });
    assert.deepEqual(withConfig(c, "b", undefined), { a: 1 });
    assert.deepEqual(c, { a: 1, b: "x" });
  });
  it("Title", () => {
    assert.equal(checkTitle("CPU"), "");
    assert.equal(checkTitle("x".repeat(201)), "is 201 characters long; at most 200 allowed");
    assert.equal(checkTitle("a\tb"), "must be a single line without control characters");
  });
  it("ErrorsUnderRoutesServerFields", () => {
    const errs = [
      { field: "config.unit", message: "must be one of: ..." },
      { field: "config.thresholds[1].value", message: "is 5, not above" },
      { field: "queries[0].match[1].op", message: '"~" is not an operator' },
      { field: "queries[0]", message: "whole query" },
      { field: "title", message: "too long" },
    ];
    assert.deepEqual([...errorsUnder(errs, "config")], [["unit", "must be one of: ..."], ["thresholds[1].value", "is 5, not above"]]);
    assert.deepEqual([...errorsUnder(errs, "queries[0]")], [["match[1].op", '"~" is not an operator'], ["", "whole query"]]);
    assert.deepEqual([...errorsUnder(errs, "queries")], [["[0].match[1].op", '"~" is not an operator'], ["[0]", "whole query"]]);
    assert.equal(errorsUnder(errs, "").get("title"), "too long");
    assert.equal(fieldKey("thresholds[1].value"), "thresholds");
    assert.equal(fieldKey("unit"), "unit");
  });
  it("EnumLabels", () => {
    assert.equal(enumLabel(field({ name: "unit", type: "enum" }), ""), "none (plain number)");
    assert.equal(enumLabel(field({ name: "direction", type: "enum" }), "lower_is_worse"), "lower is worse");
    assert.equal(enumLabel(field({ name: "style", type: "enum" }), "stacked"), "stacked");
  });
});

describe("queries", () => {
  it("ApplicableFieldsFollowTheKind", () => {
    const ts = applicableFields("timeseries", { metric: "m" });
    assert.ok(ts.has("range") && ts.has("metric") && ts.has("reduce") && ts.has("topk") && ts.has("name"));
    assert.ok(!ts.has("step"), "step only once a range is set");
    assert.ok(!ts.has("group_by"), "group_by only with agg");
    assert.ok(applicableFields("timeseries", { metric: "m", range: "1h", agg: "sum" }).has("step"));
    assert.ok(applicableFields("timeseries", { metric: "m", agg: "sum" }).has("group_by"));
    assert.ok(!applicableFields("timeseries", { metric: "m", fn: "rate" }).has("reduce"), "reduce is not with fn");
    const stat = applicableFields("stat", { metric: "m" });
    assert.ok(!stat.has("range") && !stat.has("topk"));
    const hc = applicableFields("honeycomb", {});
    assert.ok(hc.has("object") && !hc.has("range") && !hc.has("group_by"));
    assert.deepEqual([...applicableFields("hitmap", {})].sort(), ["match", "offset", "range"]);
    assert.deepEqual([...applicableFields("equalizer", {})].sort(), ["match", "offset"]);
  });
  it("PreviewRunsTheQueryAsTheKindDoes", () => {
    assert.deepEqual(previewQuery("timeseries", { range: "6h" }, { metric: "m" }), { metric: "m", range: "6h" });
    assert.deepEqual(previewQuery("timeseries", { range: "6h" }, { metric: "m", range: "15m" }), { metric: "m", range: "15m" });
    assert.deepEqual(previewQuery("bar", { group_by: "service" }, { metric: "m", range: "1h" }), { metric: "m", group_by: ["service"], agg: "sum" });
    assert.deepEqual(previewQuery("honeycomb", { object_label: "db" }, { metric: "up", agg: "sum" }), { metric: "up", object: "db" });
    assert.deepEqual(previewQuery("hitmap", { range: "5m" }, { match: [{ label: "service", op: "=", value: "cart" }] }), {
      source: "transactions",
      match: [{ label: "service", op: "=", value: "cart" }],
      range: "5m",
    });
    assert.deepEqual(previewQuery("equalizer", { group_by: "service", window: "5m" }, {}), { source: "transactions", group_by: ["service"], range: "5m" });
  });
  it("CleanDropsEmptyParts", () => {
    assert.deepEqual(
      cleanQuery({ metric: " m ", fn: "", match: [{ label: "", op: "=", value: "x" }, { label: "a", op: "=~", value: "b.*" }], group_by: ["", "svc"], topk: 0, source: "series" }),
      { metric: "m", match: [{ label: "a", op: "=~", value: "b.*" }], group_by: ["svc"] },
    );
  });
  it("Durations", () => {
    assert.equal(parseDuration("90s"), 90000);
    assert.equal(parseDuration("1h30m"), 5400000);
    assert.equal(parseDuration("1d"), 86400000);
    assert.equal(parseDuration("1.5h"), 5400000);
    assert.equal(parseDuration("5"), null);
    assert.equal(parseDuration("5 m"), null);
    assert.equal(parseDuration("soon"), null);
  });
  it("CheckQueryWithTheServersRules", () => {
    const e = checkQuery("timeseries", {
      metric: "9bad",
      match: [{ label: "ok", op: "=~", value: "(" }, { label: "bad-label", op: "=", value: "" }],
      window: "5 minutes",
      range: "8d",
      topk: 1001,
      group_by: ["svc", "x y"],
    });
    assert.deepEqual([...e.keys()].sort(), ["group_by[1]", "match[0].value", "match[1].label", "metric", "range", "topk", "window"]);
    assert.match(e.get("range")!, /7 days/);
    assert.equal(checkQuery("timeseries", { metric: "m", range: "7d", step: "1s" }).get("step"), "gives 604800 values per series; at most 1000: use a step of at least 605s");
    assert.equal(checkQuery("honeycomb", { metric: "up", object: "host", range: "1h" }).get("object"), "cannot be combined with range: objects answer their latest value");
    assert.equal(checkQuery("hitmap", {}).size, 0, "a transactions query needs no metric");
    assert.equal(checkQuery("stat", {}).get("metric"), "is required: the metric to show, such as http_requests_total");
  });
});

describe("autocomplete ranking", () => {
  const metrics = parseMetrics({
    metrics: [
      { name: "demo_active_users", series: 1 },
      { name: "demo_host_cpu_ratio", series: 10000 },
      { name: "cpu_seconds_total", series: 8 },
      { name: "demo_db_connections", series: 80 },
      { name: "process_cpu", series: 1 },
      "junk",
    ],
  });
  it("ParsesMetricsWithCounts", () => {
    assert.equal(metrics.length, 5);
    assert.deepEqual(metrics[1], { value: "demo_host_cpu_ratio", note: "10000 series" });
  });
  it("PrefixThenWordStartThenSubstringThenLetters", () => {
    assert.deepEqual(rankSuggestions(metrics, "cpu", 10).map((s) => s.value), ["cpu_seconds_total", "demo_host_cpu_ratio", "process_cpu"]);
    assert.deepEqual(rankSuggestions(metrics, "DEMO_", 10).map((s) => s.value), ["demo_active_users", "demo_host_cpu_ratio", "demo_db_connections"]);
    assert.deepEqual(rankSuggestions(metrics, "dhcr", 10).map((s) => s.value), ["demo_host_cpu_ratio"]);
    assert.deepEqual(rankSuggestions(metrics, "zzz", 10), []);
    assert.equal(rankSuggestions(metrics, "", 2).length, 2);
    assert.equal(rankSuggestions(metrics, "o", 3).length, 3);
  });
  it("ParsesLabels", () => {
    const ls = parseLabels({ labels: [{ name: "service", series: 72, values: [{ value: "cart", series: 3 }], distinct: 24 }], sampled: true });
    assert.deepEqual(ls, [{ name: "service", series: 72, values: [{ value: "cart", note: "3 series" }], distinct: 24 }]);
  });
});

describe("summarizeResult", () => {
  it("Vector", () => {
    const s = summarizeResult({ kind: "vector", series: [{ labels: { service: "checkout" }, value: 412.5, ts: 1 }, { labels: {}, value: null }], newest: 1 }, 8);
    assert.equal(s.headline, "2 series, one value each");
    assert.deepEqual(s.rows, [{ name: "service=checkout", value: 412.5 }, { name: "(all)", value: null }]);
  });
  it("MatrixLastNonNull", () => {
    const s = summarizeResult({ kind: "matrix", start: 0, step: 1, matrix: [{ labels: { a: "1", b: "2" }, values: [1, 2, null] }] }, 8);
    assert.equal(s.rows[0]!.name, "a=1 b=2");
    assert.equal(s.rows[0]!.value, 2);
    assert.deepEqual(s.rows[0]!.values, [1, 2, null]);
    assert.equal(s.headline, "1 series over time, 3 values each");
  });
  it("ObjectsCountsAndMore", () => {
    const objects = Array.from({ length: 20 }, (_, i) => ({ id: `h${i}`, value: i % 2 ? 1 : null, ts: 0 }));
    const s = summarizeResult({ kind: "objects", objects }, 8);
    assert.equal(s.headline, "20 objects, 10 with a value");
    assert.equal(s.rows.length, 8);
    assert.equal(s.more, 12);
  });
  it("HitmapAndHistograms", () => {
    assert.equal(summarizeResult({ kind: "hitmap", hitmap: { columns: 90, total_ok: 1515, total_err: 7 } }, 8).headline, "1,522 transactions, 7 errors, in 90 columns");
    const h = summarizeResult({ kind: "histograms", histograms: [{ labels: { service: "cart" }, ok: [1, 2], err: [0, 3] }] }, 8);
    assert.deepEqual(h.rows, [{ name: "service=cart", value: 6 }]);
  });
  it("Garbage", () => {
    assert.equal(summarizeResult("nope", 8).headline, "no answer");
    assert.equal(summarizeResult({ kind: "vector" }, 8).headline, "a vector result");
  });
});

describe("thresholds", () => {
  const steps = [
    { value: 80, state: "warning" },
    { value: 95, state: "critical" },
  ];
  it("StateOfLikeTheServer", () => {
    assert.equal(stateOf(steps, false, 79.9), "ok");
    assert.equal(stateOf(steps, false, 80), "warning");
    assert.equal(stateOf(steps, false, 95), "critical");
    assert.equal(stateOf(steps, false, null), "nodata");
    const down = [
      { value: 20, state: "warning" },
      { value: 5, state: "critical" },
    ];
    assert.equal(stateOf(down, true, 21), "ok");
    assert.equal(stateOf(down, true, 20), "warning");
    assert.equal(stateOf(down, true, 5), "critical");
  });
  it("OrderChecked", () => {
    assert.equal(checkSteps(steps, false).size, 0);
    assert.equal(checkSteps(steps, true).get("thresholds[1].value"), 'is 95, not below the step before (80): with "lower is worse" the steps go down');
    assert.equal(checkSteps([{ value: 1, state: "bad" }], false).get("thresholds[0].state"), "must be one of: ok, warning, critical");
    assert.equal(checkSteps(Array.from({ length: 11 }, (_, i) => ({ value: i, state: "warning" })), false).get("thresholds"), "has 11 steps; at most 10");
  });
  it("Bands", () => {
    assert.deepEqual(bands(steps, false), [
      { state: "ok", text: "below 80" },
      { state: "warning", text: "80 to below 95" },
      { state: "critical", text: "95 and above" },
    ]);
    assert.deepEqual(bands([], false), [{ state: "ok", text: "every value" }]);
    assert.equal(bands([{ value: 5, state: "critical" }], true)[1]!.text, "5 and below");
  });
  it("NextStepAndParse", () => {
    assert.equal(nextStepValue([], false), 80);
    assert.equal(nextStepValue([], true), 20);
    assert.equal(nextStepValue(steps, false), 110);
    assert.equal(nextStepValue([{ value: 20, state: "warning" }], true), 16);
    assert.deepEqual(parseSteps([{ value: 1, state: "ok" }, { value: "x" }, null, { value: "2", state: "critical" }]), [
      { value: 1, state: "ok" },
      { value: 2, state: "critical" },
    ]);
  });
});

function board(p: Partial<BoardContent> = {}): BoardContent {
  return {
    name: "B",
    description: "",
    theme: "dark",
    allow_overlap: false,
    refresh_ms: 1000,
    widgets: [
      { id: "a", kind: "stat", title: "A", config: {} },
      { id: "b", kind: "stat", title: "B", config: {} },
    ],
    variants: [
      {
        name: "16:9",
        canvas: { width: 1920, height: 1080 },
        grid: { columns: 48, rows: 27 },
        placements: [
          { widget: "a", x: 0, y: 0, w: 24, h: 27 },
          { widget: "b", x: 24, y: 0, w: 24, h: 27 },
        ],
      },
    ],
    ...p,
  };
}

describe("settings", () => {
  it("ValidBoard", () => assert.equal(checkSettings(board()).size, 0));
  it("Limits", () => {
    const e = checkSettings(
      board({
        name: " ",
        refresh_ms: 50,
        background: "blue",
        walls: [
          { name: "w", columns: 17, rows: 0, monitor: { width: 10, height: 1080 }, bezel: 501 },
          { name: "w", columns: 2, rows: 2, monitor: { width: 1920, height: 1080 }, bezel: 0 },
        ],
      }),
    );
    assert.deepEqual([...e.keys()].sort(), ["background", "name", "refresh_ms", "walls[0].bezel", "walls[0].columns", "walls[0].monitor", "walls[0].rows", "walls[1].name"]);
    assert.equal(e.get("refresh_ms"), "is 50; displays refresh every 100 to 60000 ms");
  });
  it("WallSizeCountsBezels", () => {
    assert.deepEqual(wallSize({ name: "w", columns: 3, rows: 2, monitor: { width: 1920, height: 1080 }, bezel: 10 }), { width: 5800, height: 2180 });
    assert.equal(newWall([{ ...newWall([]) }]).name, "wall-2");
  });
});

describe("variants", () => {
  it("UniqueNames", () => {
    assert.equal(uniqueVariantName(board(), "32:9"), "32:9");
    assert.equal(uniqueVariantName(board(), "16:9"), "16:9 (2)");
  });
  it("ScreensIncludeWalls", () => {
    const s = screensFor(board({ walls: [{ name: "ops", columns: 2, rows: 1, monitor: { width: 1920, height: 1080 }, bezel: 5 }] }));
    assert.deepEqual(s.map((x) => x.id), ["16:9", "4k", "32:9", "21:9", "4:3", "portrait", "wall:ops"]);
    assert.deepEqual([s[6]!.width, s[6]!.height], [3850, 1080]);
  });
  it("Sides", () => {
    assert.equal(checkSide(1920), "");
    assert.equal(checkSide(100), "must be 320 to 32768 px");
    assert.equal(checkSide(1.5), "must be a whole number of pixels");
  });
  it("BuildVariantFromTheCurrentOne", () => {
    const { variant, result } = buildVariant(board(), "16:9", "32:9", { width: 3840, height: 1080 }, { columns: 96, rows: 27 });
    assert.equal(result.mode, "flow");
    assert.equal(variant.name, "32:9");
    assert.deepEqual(variant.grid, { columns: 96, rows: 27 });
    assert.equal(variant.placements.length, 2);
    // Two full-height halves: side by side, filling the wide grid, not overlapping.
    const [a, b] = variant.placements;
    assert.ok(a!.x + a!.w <= b!.x, JSON.stringify(variant.placements));
    assert.equal(b!.x + b!.w, 96);
  });
});
