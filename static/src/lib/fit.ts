// Fitting a design canvas into an element: pure geometry, tested in unit tests.

/** Where a canvas lands inside a box: its scale and top-left offset. */
export interface Fit {
  scale: number;
  x: number;
  y: number;
}

/**
 * Fits a canvas of cw×ch into a box of bw×bh keeping its aspect ratio
 * (contain): the whole canvas visible, centred, letterboxed on one axis.
 * Degenerate sizes give scale 0 at the origin.
 */
export function fitContain(cw: number, ch: number, bw: number, bh: number): Fit {
  if (!(cw > 0 && ch > 0 && bw > 0 && bh > 0)) return { scale: 0, x: 0, y: 0 };
  const scale = Math.min(bw / cw, bh / ch);
  return { scale, x: (bw - cw * scale) / 2, y: (bh - ch * scale) / 2 };
}

/** Sizes of a widget frame in design pixels, all derived from its rect. */
export interface FrameMetrics {
  titleFont: number;
  titleH: number;
  pad: number;
  strip: number;
  bodyW: number;
  bodyH: number;
}

function clampNum(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * Returns a frame's title font, paddings and body size from its size on the
 * design canvas (never from the window), so a board looks the same scaled
 * up on a 4K wall as on a laptop.
 */
export function frameMetrics(w: number, h: number, hasTitle: boolean): FrameMetrics {
  const titleFont = Math.round(clampNum(Math.min(h * 0.075, w * 0.05), 11, 44));
  const pad = Math.round(titleFont * 0.6);
  const strip = Math.max(3, Math.round(titleFont * 0.3));
  const titleH = hasTitle ? Math.round(titleFont * 1.5) : 0;
  return {
    titleFont,
    titleH,
    pad,
    strip,
    bodyW: Math.max(0, w - 2 * pad - strip),
    bodyH: Math.max(0, h - titleH - (hasTitle ? pad * 0.5 : pad) - pad),
  };
}
