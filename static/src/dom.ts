// A tiny DOM builder. Text always goes through textContent, never innerHTML, so
// user data (board names may contain "<script>") can only ever be text.

/** A child of h(): a node, text, or nothing (skipped). */
export type Child = Node | string | null | undefined | false;

/** Attributes of h(); class goes to className, booleans toggle, null skips. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const key of Object.keys(attrs)) {
      const value = attrs[key];
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = String(value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children to a parent, strings as text nodes. */
export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
}

/** Removes every child of el, then appends the given ones (replaceChildren is Chrome 86+). */
export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element with attributes and children. */
export function svg(tag: string, attrs: Record<string, string | number>, ...children: SVGElement[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const key of Object.keys(attrs)) el.setAttribute(key, String(attrs[key]));
  for (const c of children) el.appendChild(c);
  return el;
}

/**
 * Copies text to the clipboard. navigator.clipboard exists only in secure
 * contexts (https or localhost), and wall servers are usually plain http on a
 * LAN, so fall back to a selected textarea and execCommand.
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or unfocused document: try the old way.
    }
  }
  const ta = h("textarea", { class: "offscreen", readonly: true, "aria-hidden": "true" });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  document.body.removeChild(ta);
  return ok;
}
