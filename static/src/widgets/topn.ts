// topn: a ranked list with an inline bar per item, coloured by the item's state.

import { h, replace } from "../dom.ts";
import { formatWith } from "../lib/units.ts";
import { isRecord, numOrNull, strOf, type WidgetFactory } from "./types.ts";

export const createTopN: WidgetFactory = (body, w, size) => {
  const list = h("ol", { class: "fb-topn" });
  body.appendChild(list);
  body.classList.add("fb-scroll-hidden");
  return {
    update(data) {
      const d = isRecord(data) ? data : {};
      const items = Array.isArray(d["items"]) ? (d["items"] as unknown[]).filter(isRecord) : [];
      let max = numOrNull(d["max"]) ?? 0;
      for (const it of items) max = Math.max(max, numOrNull(it["value"]) ?? 0);
      const n = Math.max(items.length, 5);
      const rowH = Math.max(14, Math.min(size.h / n, size.h / 3));
      const font = Math.max(10, Math.round(Math.min(rowH * 0.42, size.w / 22)));
      list.style.fontSize = `${font}px`;
      replace(
        list,
        ...items.map((it, i) => {
          const v = numOrNull(it["value"]);
          const pct = max > 0 && v !== null ? Math.max(0, Math.min(100, (v / max) * 100)) : 0;
          const bar = h("span", { class: "fb-topn-bar" });
          bar.style.width = `${pct.toFixed(1)}%`;
          const li = h(
            "li",
            { "data-state": strOf(it["state"]) || "ok" },
            h("span", { class: "fb-topn-rank" }, String(i + 1)),
            h("span", { class: "fb-topn-name" }, strOf(it["name"])),
            h("span", { class: "fb-topn-value" }, formatWith(v, w.format)),
            h("span", { class: "fb-topn-track" }, bar),
          );
          li.style.height = `${rowH}px`;
          return li;
        }),
      );
    },
    dispose() {},
  };
};
