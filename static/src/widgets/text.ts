// text: the HTML the server rendered from the widget's markdown. The server
// sanitises it (no raw HTML, no script, no event handlers), so it is inserted
// as is; markdown is never turned into HTML here.

import { cfgStr, type WidgetFactory } from "./types.ts";

export const createText: WidgetFactory = (body, w, size) => {
  const el = document.createElement("div");
  el.className = "fb-text";
  el.style.textAlign = cfgStr(w, "align", "left");
  el.style.fontSize = `${Math.max(11, Math.round(Math.min(size.h / 6, size.w / 24, 40)))}px`;
  const color = cfgStr(w, "color", "");
  if (color !== "") el.style.color = color;
  const bg = cfgStr(w, "background", "");
  if (bg !== "") body.style.background = bg;
  el.innerHTML = w.html;
  body.appendChild(el);
  body.classList.add("fb-scroll-hidden");
  return { update() {}, dispose() {} };
};
