import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blitSprite, spritePixels } from "../../src/widgets/honeycomb.ts";

// A 2×2 sprite: opaque red, transparent, half-transparent blue, opaque green.
const SPRITE = new Uint8Array([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 128, 0, 255, 0, 255]);
const GREY = [10, 20, 30, 255];

function buffer(w: number, h: number): { bytes: Uint8ClampedArray; words: Uint32Array; bg: number } {
  const bytes = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) bytes.set(GREY, p * 4);
  const words = new Uint32Array(bytes.buffer);
  return { bytes, words, bg: words[0]! };
}

function pixel(bytes: Uint8ClampedArray, w: number, x: number, y: number): number[] {
  return Array.from(bytes.slice((y * w + x) * 4, (y * w + x) * 4 + 4));
}

describe("honeycomb pixel buffer", () => {
  it("SpritePixelsSplitsByAlpha", () => {
    const sp = spritePixels(SPRITE, 2, 5, 0);
    assert.deepEqual(Array.from(sp.opaqueOff), [0, 6]);
    assert.deepEqual(Array.from(sp.partOff), [5]);
    assert.deepEqual(Array.from(sp.partRGBA), [0, 0, 255, 128]);
  });
  it("BlitCopiesOpaqueBlendsRimSkipsTransparent", () => {
    const b = buffer(5, 4);
    const sp = spritePixels(SPRITE, 2, 5, b.bg);
    blitSprite(b.bytes, b.words, 5, 4, sp, 1, 1);
    assert.deepEqual(pixel(b.bytes, 5, 1, 1), [255, 0, 0, 255]);
    assert.deepEqual(pixel(b.bytes, 5, 2, 1), GREY);
    // Source over: 0*128/255 + 10*127/255 = 4.98, 20*127/255 = 9.96, (255*128 + 30*127)/255 = 142.94.
    assert.deepEqual(pixel(b.bytes, 5, 1, 2), [5, 10, 143, 255]);
    assert.deepEqual(pixel(b.bytes, 5, 2, 2), [0, 255, 0, 255]);
    assert.deepEqual(pixel(b.bytes, 5, 0, 0), GREY);
  });
  it("BlitRimOverNonBackgroundBlends", () => {
    const b = buffer(5, 4);
    const sp = spritePixels(SPRITE, 2, 5, b.bg);
    b.bytes.set([200, 100, 0, 255], (2 * 5 + 1) * 4);
    blitSprite(b.bytes, b.words, 5, 4, sp, 1, 1);
    // (0*128 + 200*127)/255 = 99.6, 100*127/255 = 49.8, 255*128/255 = 128.
    assert.deepEqual(pixel(b.bytes, 5, 1, 2), [100, 50, 128, 255]);
  });
  it("BlitClipsAtEdges", () => {
    const b = buffer(3, 3);
    const sp = spritePixels(SPRITE, 2, 3, b.bg);
    blitSprite(b.bytes, b.words, 3, 3, sp, -1, 2);
    // Only the sprite's (1, 0), transparent, lands inside: nothing changes; the
    // pixels outside are dropped, not wrapped onto other rows.
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) assert.deepEqual(pixel(b.bytes, 3, x, y), GREY);
    blitSprite(b.bytes, b.words, 3, 3, sp, 2, -1);
    assert.deepEqual(pixel(b.bytes, 3, 2, 0), [5, 10, 143, 255]);
    assert.deepEqual(pixel(b.bytes, 3, 0, 1), GREY);
  });
});
