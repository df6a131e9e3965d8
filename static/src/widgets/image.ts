// image: an image uploaded to this server, never fetched from elsewhere.

import { h } from "../dom.ts";
import { cfgStr, type WidgetFactory } from "./types.ts";

const FITS = ["contain", "cover", "fill", "none", "scale-down"];

export const createImage: WidgetFactory = (body, w) => {
  const id = cfgStr(w, "image", "");
  if (id === "") {
    body.appendChild(h("div", { class: "fb-placeholder" }, "No image chosen"));
  } else {
    const fit = cfgStr(w, "fit", "contain");
    const img = h("img", { class: "fb-image", alt: w.title, src: `/api/v1/images/${encodeURIComponent(id)}` });
    img.style.objectFit = FITS.indexOf(fit) >= 0 ? fit : "contain";
    body.appendChild(img);
  }
  return { update() {}, dispose() {} };
};
