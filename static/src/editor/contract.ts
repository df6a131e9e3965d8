// The contract between the editor's core (editor/editor.ts and friends: canvas,
// palette, undo/redo, save, history) and its panels (editor/panels/*: the
// widget form, queries, thresholds, board settings, variants). Both sides code
// against these types; neither imports the other's internals.

import type { KindInfo, KindsAnswer } from "../lib/render.ts";

/** A label condition of a query: = != =~ !~ */
export interface MatcherDef {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/** A widget's data binding, as docs/queries.md and widgets/query.go define it (JSON names). */
export interface QueryDef {
  name?: string;
  source?: string;
  metric?: string;
  match?: MatcherDef[];
  fn?: string;
  reduce?: string;
  window?: string;
  agg?: string;
  group_by?: string[];
  topk?: number;
  bottomk?: number;
  range?: string;
  step?: string;
  offset?: string;
  object?: string;
}

/** A widget as a board stores it (boards/board.go Widget). */
export interface WidgetDef {
  id: string;
  kind: string;
  title: string;
  config: Record<string, unknown>;
  queries?: QueryDef[];
}

/** A widget's cells on one variant's grid. */
export interface PlacementDef {
  widget: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One arrangement of the board for one screen shape. */
export interface VariantDef {
  name: string;
  canvas: { width: number; height: number };
  grid: { columns: number; rows: number };
  placements: PlacementDef[];
}

/** A video wall: columns × rows monitors of monitor size with bezel px per side. */
export interface WallProfileDef {
  name: string;
  columns: number;
  rows: number;
  monitor: { width: number; height: number };
  bezel: number;
}

/** What an editor changes: the body of PUT /api/v1/boards/{id}. */
export interface BoardContent {
  name: string;
  description: string;
  theme: string;
  allow_overlap: boolean;
  background?: string;
  alert_sound?: boolean;
  refresh_ms: number;
  widgets: WidgetDef[];
  variants: VariantDef[];
  walls?: WallProfileDef[];
}

/** A field-level problem, from a 400 answer's error.field ("widgets[2].config.unit") and message. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Every panel reports a change as a whole new value plus a short label for the
 * undo history ("Change title", "Edit query"). The core records it as one undo
 * step; typing in one field within UNDO_MERGE_MS merges into one step.
 */
export type Change<T> = (next: T, label: string) => void;

/** What a rendered panel offers its owner. */
export interface PanelHandle {
  /** Shows new values (after undo/redo, a reload, server errors) without losing focus where possible. */
  update(props: unknown): void;
  destroy(): void;
}

/** editor/panels/widget.ts: renderWidgetPanel(el, props) → PanelHandle */
export interface WidgetPanelProps {
  widget: WidgetDef;
  kind: KindInfo;
  kinds: KindsAnswer;
  /** The board being edited, for context (theme, other widget ids). */
  board: BoardContent;
  /** Errors whose field starts with this widget's "widgets[i]" path, with the prefix removed ("config.unit", "queries[0].metric"). */
  errors: FieldError[];
  onChange: Change<WidgetDef>;
}

/** editor/panels/settings.ts: renderSettingsPanel(el, props) → PanelHandle (name, description, theme, refresh, background, overlap, alert sound, walls). */
export interface SettingsPanelProps {
  board: BoardContent;
  errors: FieldError[];
  onChange: Change<BoardContent>;
}

/** editor/panels/variants.ts: openAddVariantDialog(props) resolves with the new variant or null when cancelled. */
export interface AddVariantProps {
  board: BoardContent;
  /** The variant the new one is re-arranged from (the editor's current tab). */
  from: string;
}
