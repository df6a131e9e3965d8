// status: the state in big letters (OK / WARNING / CRITICAL / NO DATA), on
// the state's colour, with a small graph when the data carries a spark.

import { h } from "../dom.ts";
import type { State } from "../lib/render.ts";
import { formatWith } from "../lib/units.ts";
import { Sparkline, sparkValues } from "./spark.ts";
import { fitWidth } from "./measure.ts";
import { cfgBool, isRecord, numOrNull, type WidgetFactory } from "./types.ts";

/** The words a status check shows for each state. */
export function statusWord(state: State): string {
  switch (state) {
    case "ok":
      return "OK";
    case "warning":
      return "WARNING";
    case "critical":
      return "CRITICAL";
    case "stale":
      return "STALE";
  }
  return "NO DATA";
}

export const createStatus: WidgetFactory = (body, w, size) => {
  if (body.parentElement) body.parentElement.setAttribute("data-bg", "");
  const word = h("div", { class: "fb-status-word", "data-testid": "status-word" });
  const value = h("div", { class: "fb-status-value" });
  const sparkH = Math.round(size.h * 0.3);
  const spark = new Sparkline(size.w, sparkH, Math.max(1.5, size.h / 80));
  body.appendChild(spark.el);
  body.appendChild(h("div", { class: "fb-status-main" }, word, value));
  const small = Math.max(10, Math.round(Math.min(size.h * 0.12, size.w * 0.07)));
  value.style.fontSize = `${small}px`;
  const showValue = cfgBool(w, "show_value", true);
  let lastWord = "";
  return {
    update(data, state) {
      const d = isRecord(data) ? data : {};
      const text = statusWord(state);
      if (text !== lastWord) {
        lastWord = text;
        word.textContent = text;
        word.style.fontSize = `${fitWidth([[text, 1, 800]], size.w, (size.h - small * 1.6) * 0.5)}px`;
      }
      const v = numOrNull(d["value"]);
      value.textContent = !showValue || v === null ? "" : formatWith(v, w.format);
      const values = sparkValues(d["spark"]);
      spark.el.style.display = values.length > 1 ? "" : "none";
      spark.set(values);
    },
    dispose() {},
  };
};
