// A widget's frame: title bar and body, the state on its edge and as a tint,
// sizes from the widget's rect on the design canvas.

import { h } from "../dom.ts";
import { frameMetrics, type FrameMetrics } from "../lib/fit.ts";
import type { RenderWidget, State } from "../lib/render.ts";

/** Kinds without data carry no state edge. */
const NO_STATE = ["text", "clock", "image"];

/** A placed widget frame. */
export interface Frame {
  el: HTMLElement;
  body: HTMLElement;
  metrics: FrameMetrics;
  /** Sets the state the server decided. */
  setState(state: State): void;
  /** Marks the data stale (connection down, or too old) or live again. */
  setStale(stale: boolean): void;
  /** Shows how old the data is ("12 s old"), or hides the badge (null). */
  setAge(text: string | null): void;
}

/** Builds the frame of widget w, placed at its rect. */
export function createFrame(w: RenderWidget): Frame {
  const hasTitle = w.title.trim() !== "";
  const m = frameMetrics(w.rect.w, w.rect.h, hasTitle);
  const stateful = NO_STATE.indexOf(w.kind) < 0;
  const body = h("div", { class: "fb-body" });
  body.style.left = `${m.pad + m.strip}px`;
  body.style.top = `${m.titleH + (hasTitle ? m.pad * 0.5 : m.pad)}px`;
  body.style.width = `${m.bodyW}px`;
  body.style.height = `${m.bodyH}px`;
  const title = hasTitle ? h("div", { class: "fb-title", title: w.title }, w.title) : null;
  if (title) {
    title.style.fontSize = `${m.titleFont}px`;
    title.style.height = `${m.titleH}px`;
    title.style.lineHeight = `${m.titleH}px`;
    title.style.left = `${m.pad + m.strip}px`;
    title.style.right = `${m.pad}px`;
    title.style.top = `${Math.round(m.pad * 0.5)}px`;
  }
  const strip = stateful ? h("div", { class: "fb-strip" }) : null;
  // The age badge: in the title bar's corner, created on first use.
  let age: HTMLElement | null = null;
  if (strip) strip.style.width = `${m.strip}px`;
  const el = h(
    "div",
    {
      class: "fb-widget",
      "data-kind": w.kind,
      "data-widget-id": w.id,
      "data-state": stateful ? "nodata" : null,
      "data-testid": "widget",
    },
    h("div", { class: "fb-tint" }),
    strip,
    title,
    body,
  );
  el.style.left = `${w.rect.x}px`;
  el.style.top = `${w.rect.y}px`;
  el.style.width = `${w.rect.w}px`;
  el.style.height = `${w.rect.h}px`;
  el.style.fontSize = `${m.titleFont}px`;
  return {
    el,
    body,
    metrics: m,
    setState(state) {
      if (stateful && el.getAttribute("data-state") !== state) el.setAttribute("data-state", state);
    },
    setStale(stale) {
      if (stale === el.hasAttribute("data-stale")) return;
      if (stale) el.setAttribute("data-stale", "");
      else el.removeAttribute("data-stale");
    },
    setAge(text) {
      if (text === null) {
        if (age) age.style.display = "none";
        return;
      }
      if (!age) {
        age = h("div", { class: "fb-age", "data-testid": "age" });
        age.style.fontSize = `${Math.max(10, Math.round(m.titleFont * 0.85))}px`;
        age.style.top = `${Math.round(m.pad * 0.5)}px`;
        age.style.right = `${m.pad}px`;
        el.appendChild(age);
      }
      age.style.display = "";
      if (age.textContent !== text) age.textContent = text;
    },
  };
}
