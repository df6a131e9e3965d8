// Rebuilding a panel without losing the place of the person typing in it:
// the focused control (found again by its data-key), its text and its
// selection survive, so an update from undo, a save or a server error never
// steals the focus or eats a half-typed value.

import { replace, type Child } from "../../dom.ts";

type Editable = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** Replaces el's children with build()'s, keeping the focused [data-key] control's focus, text and selection. */
export function rebuild(el: HTMLElement, build: () => Child[]): void {
  const active = document.activeElement as Editable | null;
  const key = active && el.contains(active) ? active.getAttribute("data-key") : null;
  let value: string | null = null;
  let start: number | null = null;
  let end: number | null = null;
  if (key && active && "value" in active) {
    value = active.value;
    if (!(active instanceof HTMLSelectElement)) {
      try {
        start = active.selectionStart;
        end = active.selectionEnd;
      } catch {
        // number inputs have no selection
      }
    }
  }
  const scroll = el.scrollTop;
  replace(el, ...build());
  el.scrollTop = scroll;
  if (!key) return;
  const next = el.querySelector(`[data-key="${cssEscape(key)}"]`) as Editable | null;
  if (!next) return;
  if (value !== null && "value" in next && next.type !== "checkbox" && next.type !== "color" && next.type !== "file") next.value = value;
  next.focus({ preventScroll: true });
  if (start !== null && end !== null && !(next instanceof HTMLSelectElement)) {
    try {
      next.setSelectionRange(start, end);
    } catch {
      // not a text control
    }
  }
}

function cssEscape(s: string): string {
  return s.replace(/["\\]/g, "\\$&");
}
