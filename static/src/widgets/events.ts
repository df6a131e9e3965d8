// events: state changes and pushed events, newest first: time, a severity
// colour, the widget or object, the message.

import { h, replace } from "../dom.ts";
import { isRecord, numOrNull, strOf, type WidgetContext, type WidgetFactory } from "./types.ts";

function pad(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/**
 * Formats an event time in the display's zone: "14:05:03" today, "Nov 21
 * 14:05" on another day (now is the server's clock).
 */
export function eventTime(ts: number, now: number): string {
  const d = new Date(ts);
  const n = new Date(now);
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate()) return hms;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${months[d.getMonth()]} ${d.getDate()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const createEvents: WidgetFactory = (body, _w, size, ctx: WidgetContext) => {
  const list = h("ul", { class: "fb-events" });
  const font = Math.max(10, Math.round(Math.min(size.h / 10, size.w / 34, 24)));
  list.style.fontSize = `${font}px`;
  body.appendChild(list);
  body.classList.add("fb-scroll-hidden");
  // Only what fits is drawn: a wall cannot scroll.
  const maxRows = Math.max(1, Math.floor(size.h / (font * 1.5)));
  return {
    update(data) {
      const d = isRecord(data) ? data : {};
      const events = Array.isArray(d["events"]) ? (d["events"] as unknown[]).filter(isRecord) : [];
      const now = ctx.now();
      if (events.length === 0) {
        replace(list, h("li", { class: "fb-events-empty" }, "No events"));
        return;
      }
      replace(
        list,
        ...events.slice(0, maxRows).map((e) => {
          const who = [strOf(e["title"]) || strOf(e["widget"]), strOf(e["object"])].filter((s) => s !== "").join(" · ");
          return h(
            "li",
            { "data-state": strOf(e["severity"]) || "nodata" },
            h("time", null, eventTime(numOrNull(e["ts"]) ?? 0, now)),
            h("span", { class: "fb-events-dot", "aria-hidden": "true" }),
            h("span", { class: "fb-events-who" }, who),
            h("span", { class: "fb-events-msg" }, strOf(e["message"])),
          );
        }),
      );
    },
    dispose() {},
  };
};
