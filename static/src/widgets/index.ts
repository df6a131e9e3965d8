// The component of each widget kind.

import { createChart } from "./chart.ts";
import { createClock } from "./clock.ts";
import { createEvents } from "./events.ts";
import { createHoneycomb } from "./honeycomb.ts";
import { createImage } from "./image.ts";
import { createStat } from "./stat.ts";
import { createStatus } from "./status.ts";
import { createTable } from "./table.ts";
import { createText } from "./text.ts";
import { createTopN } from "./topn.ts";
import type { WidgetFactory } from "./types.ts";
import { h } from "../dom.ts";

const FACTORIES: Record<string, WidgetFactory> = {
  stat: createStat,
  status: createStatus,
  table: createTable,
  topn: createTopN,
  honeycomb: createHoneycomb,
  events: createEvents,
  text: createText,
  clock: createClock,
  image: createImage,
};

/** The kinds ECharts draws from the server's option. */
const CHART_KINDS = ["timeseries", "bar", "pie", "gauge", "hitmap", "equalizer"];

/** A kind this front end does not know (a newer server): said in the frame, not thrown. */
const createUnknown: WidgetFactory = (body, w) => {
  body.appendChild(h("div", { class: "fb-placeholder" }, `Unknown widget kind "${w.kind}"`));
  return { update() {}, dispose() {} };
};

/** Returns the component for a widget: its own, the chart one when it has an ECharts option. */
export function factoryFor(kind: string, hasOption: boolean): WidgetFactory {
  return FACTORIES[kind] ?? (hasOption || CHART_KINDS.indexOf(kind) >= 0 ? createChart : createUnknown);
}
