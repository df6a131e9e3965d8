// Text widths without layout: one shared 2D context measures text, so sizing
// a number to its panel never forces the page to lay out (a stat updated
// every second on a 40-widget board must not thrash layout).

let ctx: CanvasRenderingContext2D | null | undefined;
let family = "";

/** Width in CSS pixels of text in the page's font at size px and weight. */
export function textWidth(text: string, px: number, weight: number): number {
  if (ctx === undefined) {
    ctx = document.createElement("canvas").getContext("2d");
    family = window.getComputedStyle(document.body).fontFamily || "sans-serif";
  }
  if (!ctx) return text.length * px * 0.6;
  ctx.font = `${weight} ${px}px ${family}`;
  return ctx.measureText(text).width;
}

/**
 * Returns the font size (at most maxPx) at which parts (text, relative size,
 * weight) fit in width w, with 4% to spare.
 */
export function fitWidth(parts: Array<[string, number, number]>, w: number, maxPx: number): number {
  let width = 0;
  for (const [text, rel, weight] of parts) width += textWidth(text, 100 * rel, weight);
  if (width <= 0) return Math.max(8, Math.floor(maxPx));
  return Math.max(8, Math.floor(Math.min(maxPx, (100 * w * 0.96) / width)));
}
