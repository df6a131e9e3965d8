// ECharts, tree-shaken: only the charts and components the widget kinds use.
//
// Pinned to exactly 5.6.0 in package.json: the Go side builds ECharts 5
// options with go-echarts v2 (widgets/, verified against this version), and
// the front end merges live data into them with setOption's replaceMerge
// (ECharts ≥ 5). Bump both sides together.
//
// Bundled into its own chunk (esbuild code splitting), so pages without
// charts (the board list) never load it; nothing is fetched from a CDN.

import * as echarts from "echarts/core";
import { BarChart, GaugeChart, HeatmapChart, LineChart, PieChart } from "echarts/charts";
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  VisualMapPiecewiseComponent,
} from "echarts/components";
import { LabelLayout } from "echarts/features";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  LineChart,
  BarChart,
  PieChart,
  GaugeChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  MarkAreaComponent,
  VisualMapContinuousComponent,
  VisualMapPiecewiseComponent,
  DatasetComponent,
  // axisLabel.hideOverlap (the Go options set it) needs the label layout feature.
  LabelLayout,
  CanvasRenderer,
]);

export { echarts };
