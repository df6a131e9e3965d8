// clock: the time and date in the display's or a chosen time zone, on the
// server's clock (a wall TV's own clock is often wrong).

import { h } from "../dom.ts";
import { fitWidth } from "./measure.ts";
import { cfgBool, cfgStr, type WidgetFactory } from "./types.ts";

/** What a clock shows at one instant. */
export interface ClockText {
  time: string;
  date: string;
}

/**
 * Formats ms in timeZone ("" for the display's own): "14:05:03" or
 * "2:05:03 PM", and "Saturday, 21 November 2026". An unknown zone falls back
 * to the display's own rather than failing.
 */
export function clockText(ms: number, timeZone: string, hour12: boolean, seconds: boolean): ClockText {
  const d = new Date(ms);
  const base: Intl.DateTimeFormatOptions = timeZone !== "" ? { timeZone } : {};
  const timeOpts: Intl.DateTimeFormatOptions = { ...base, hour: "2-digit", minute: "2-digit", hour12 };
  if (seconds) timeOpts.second = "2-digit";
  const dateOpts: Intl.DateTimeFormatOptions = { ...base, weekday: "long", day: "numeric", month: "long", year: "numeric" };
  try {
    return { time: d.toLocaleTimeString(hour12 ? "en-US" : "en-GB", timeOpts), date: d.toLocaleDateString("en-GB", dateOpts) };
  } catch {
    // RangeError: a zone this browser does not know.
    return timeZone !== "" ? clockText(ms, "", hour12, seconds) : { time: "", date: "" };
  }
}

export const createClock: WidgetFactory = (body, w, size, ctx) => {
  const tz = cfgStr(w, "timezone", "");
  const hour12 = cfgStr(w, "format", "24h") === "12h";
  const seconds = cfgBool(w, "show_seconds", true);
  const showDate = cfgBool(w, "show_date", true);
  const time = h("div", { class: "fb-clock-time", "data-testid": "clock-time" });
  const date = h("div", { class: "fb-clock-date" });
  const zone = h("div", { class: "fb-clock-zone" }, tz);
  const dateFont = Math.max(10, Math.round(Math.min(size.h * 0.14, size.w / 18)));
  const sample = (hour12 ? "12:59" : "23:59") + (seconds ? ":59" : "") + (hour12 ? " PM" : "");
  time.style.fontSize = `${fitWidth([[sample, 1, 700]], size.w, (size.h - (showDate ? dateFont * 2.6 : 0)) * 0.7)}px`;
  date.style.fontSize = `${dateFont}px`;
  zone.style.fontSize = `${Math.round(dateFont * 0.8)}px`;
  body.appendChild(h("div", { class: "fb-clock" }, time, showDate ? date : null, tz !== "" ? zone : null));
  let last = "";
  const draw = (): void => {
    const t = clockText(ctx.now(), tz, hour12, seconds);
    if (t.time + t.date === last) return;
    last = t.time + t.date;
    time.textContent = t.time;
    date.textContent = t.date;
  };
  draw();
  return { update() {}, tick: draw, dispose() {} };
};
