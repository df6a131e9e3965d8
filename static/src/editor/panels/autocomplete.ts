// An autocomplete list under a text input: suggestions ranked by
// rankSuggestions as the person types; arrows move, Enter or a click picks,
// Escape closes. The list loads lazily (the first focus fetches).

import { h, replace } from "../../dom.ts";
import { errorMessage } from "../../lib/errors.ts";
import { rankSuggestions, type Suggestion } from "./querymodel.ts";

/** How many suggestions the list shows. */
const MAX_SHOWN = 12;

/** Options of attachAutocomplete. */
export interface AutocompleteOptions {
  /** The suggestions for the input's current context (fetched or cached). */
  load: () => Promise<Suggestion[]>;
  /** Called with the picked value after the input shows it. */
  onPick: (value: string) => void;
  /** For lists of words ("service, status"): the part being typed, and the input's text once a suggestion replaces it. Default: the whole text. */
  term?: (text: string) => string;
  complete?: (text: string, picked: string) => string;
}

/** term/complete for a comma-separated list: the word after the last comma. */
export const lastWord = {
  term: (text: string) => text.slice(text.lastIndexOf(",") + 1).trim(),
  complete: (text: string, picked: string) => {
    const i = text.lastIndexOf(",");
    return i < 0 ? picked : `${text.slice(0, i + 1)} ${picked}`;
  },
};

/** Attaches an autocomplete list to input; returns a function that detaches it. */
export function attachAutocomplete(input: HTMLInputElement, opts: AutocompleteOptions): () => void {
  const list = h("ul", { class: "ac-list hidden", role: "listbox" });
  input.setAttribute("autocomplete", "off");
  input.setAttribute("aria-autocomplete", "list");
  let shown: Suggestion[] = [];
  let active = -1;
  let seq = 0;

  const close = () => {
    list.classList.add("hidden");
    shown = [];
    active = -1;
  };
  const highlight = () => {
    Array.prototype.forEach.call(list.children, (li: Element, i: number) => li.classList.toggle("active", i === active));
  };
  const pick = (value: string) => {
    input.value = opts.complete ? opts.complete(input.value, value) : value;
    close();
    opts.onPick(input.value);
  };
  const render = (items: Suggestion[], note: string) => {
    shown = items;
    active = items.length ? 0 : -1;
    replace(
      list,
      ...items.map((s, i) => {
        const li = h("li", { role: "option", class: i === active ? "active" : "" }, h("span", { class: "ac-value" }, s.value), s.note ? h("span", { class: "ac-note" }, s.note) : null);
        li.addEventListener("mousedown", (ev) => {
          ev.preventDefault(); // keep the focus in the input
          pick(s.value);
        });
        return li;
      }),
      note ? h("li", { class: "ac-empty" }, note) : null,
    );
    list.classList.toggle("hidden", items.length === 0 && note === "");
    // Placed beside the input when first shown: the input may have been
    // wrapped (in a position: relative .ac-host) after this was attached.
    if (input.parentElement && list.parentElement !== input.parentElement) input.insertAdjacentElement("afterend", list);
  };
  const refresh = async () => {
    const my = ++seq;
    let all: Suggestion[];
    try {
      all = await opts.load();
    } catch (err) {
      if (my === seq && document.activeElement === input) render([], `suggestions unavailable: ${errorMessage(err)}`);
      return;
    }
    if (my !== seq || document.activeElement !== input) return;
    const typed = opts.term ? opts.term(input.value) : input.value;
    const ranked = rankSuggestions(all, typed, MAX_SHOWN);
    // The only suggestion being exactly what is typed helps no one.
    if (ranked.length === 1 && ranked[0]!.value === typed) {
      close();
      return;
    }
    render(ranked, all.length === 0 ? "nothing known yet" : ranked.length === 0 ? "no match" : "");
  };
  const onKey = (ev: KeyboardEvent) => {
    if (list.classList.contains("hidden")) {
      if (ev.key === "ArrowDown") void refresh();
      return;
    }
    if (ev.key === "ArrowDown" && shown.length) {
      active = (active + 1) % shown.length;
      highlight();
      ev.preventDefault();
    } else if (ev.key === "ArrowUp" && shown.length) {
      active = (active - 1 + shown.length) % shown.length;
      highlight();
      ev.preventDefault();
    } else if ((ev.key === "Enter" || ev.key === "Tab") && active >= 0 && shown[active]) {
      if (ev.key === "Enter") ev.preventDefault();
      pick(shown[active]!.value);
    } else if (ev.key === "Escape") {
      close();
      ev.stopPropagation();
    }
  };
  const onInput = () => void refresh();
  const onBlur = () => {
    seq++;
    close();
  };
  input.addEventListener("focus", onInput);
  input.addEventListener("input", onInput);
  input.addEventListener("keydown", onKey);
  input.addEventListener("blur", onBlur);
  return () => {
    input.removeEventListener("focus", onInput);
    input.removeEventListener("input", onInput);
    input.removeEventListener("keydown", onKey);
    input.removeEventListener("blur", onBlur);
    list.remove();
  };
}
