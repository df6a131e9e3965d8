import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aspectRatio, createBoardCurl, formatVersion, variantLabel } from "../../src/lib/format.ts";

describe("variantLabel", () => {
  it("NamedVariant", () => {
    assert.equal(variantLabel("16:9", { width: 1920, height: 1080 }), "16:9 · 1920×1080");
  });
  it("TrimsName", () => {
    assert.equal(variantLabel("  projector ", { width: 3840, height: 1080 }), "projector · 3840×1080");
  });
  it("UnnamedUsesAspectRatio", () => {
    assert.equal(variantLabel("", { width: 1080, height: 1920 }), "9:16 · 1080×1920");
  });
  it("InvalidCanvasKeepsName", () => {
    assert.equal(variantLabel("4:3", { width: 0, height: 768 }), "4:3");
    assert.equal(variantLabel("4:3", null), "4:3");
    assert.equal(variantLabel("4:3", { width: 1024.5, height: 768 }), "4:3");
  });
  it("NothingKnown", () => {
    assert.equal(variantLabel(" ", undefined), "unnamed variant");
  });
});

describe("aspectRatio", () => {
  const cases: Array<[number, number, string]> = [
    [1920, 1080, "16:9"],
    [3840, 2160, "16:9"],
    [3840, 1080, "32:9"],
    [1024, 768, "4:3"],
    [1080, 1920, "9:16"],
    [1000, 1000, "1:1"],
    [2560, 1080, "2.37:1"],
    [1080, 2560, "1:2.37"],
    [0, 1080, ""],
    [-1920, 1080, ""],
  ];
  for (const [w, h, want] of cases) {
    it(`${w}x${h}`, () => {
      assert.equal(aspectRatio({ width: w, height: h }), want);
    });
  }
});

describe("formatVersion", () => {
  it("Semver", () => assert.equal(formatVersion("1.2.3"), "v1.2.3"));
  it("AlreadyPrefixed", () => assert.equal(formatVersion("v0.1.0"), "v0.1.0"));
  it("Dev", () => assert.equal(formatVersion("dev"), "dev"));
  it("Blank", () => assert.equal(formatVersion("  "), ""));
  it("NotAString", () => assert.equal(formatVersion(12), ""));
});

describe("createBoardCurl", () => {
  it("UsesOrigin", () => {
    assert.equal(
      createBoardCurl("http://wall.local:8080"),
      `curl -X POST -H 'Content-Type: application/json' -d '{"name":"My first board"}' http://wall.local:8080/api/v1/boards`,
    );
  });
  it("TrailingSlash", () => {
    assert.match(createBoardCurl("http://127.0.0.1:9000/"), / http:\/\/127\.0\.0\.1:9000\/api\/v1\/boards$/);
  });
});
