// Pure logic of the widget form: reading a config field's value, checking what
// a person typed against the kind's schema (the same rules as widgets/kind.go
// Field.validate, so most mistakes show before the server sees them), and
// routing the server's field errors to the input they are about.

import type { KindField } from "../../lib/render.ts";
import type { FieldError } from "../contract.ts";

/** The server's default length limit of a string field (widgets.MaxStringLength). */
export const MAX_STRING_LENGTH = 1000;
/** A widget title's limit (boards.MaxTitleLength). */
export const MAX_TITLE_LENGTH = 200;

const COLOR_RE = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** The value a field shows: the config's, else the kind's default, else "" / false. */
export function fieldValue(field: KindField, config: Record<string, unknown>): unknown {
  const v = config[field.name];
  if (v !== undefined && v !== null) return v;
  if (field.default !== undefined) return field.default;
  return field.type === "boolean" ? false : field.type === "thresholds" ? [] : "";
}

/** The config over the kind's defaults, as the server runs it (Kind.withDefaults). */
export function withDefaults(fields: readonly KindField[], config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f.default !== undefined) out[f.name] = f.default;
  for (const k of Object.keys(config)) if (config[k] !== null && config[k] !== undefined) out[k] = config[k];
  return out;
}

/** Outcome of checking one input: the value to store (undefined: remove the key, the default applies) or an error. */
export type Checked = { ok: true; value: unknown } | { ok: false; error: string };

/** Characters in a string as the server counts them (code points, not UTF-16 units). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function fmtNum(n: number): string {
  return String(n);
}

/**
 * Checks what was typed into a field's input (text for every type but
 * boolean) and returns the config value or the message to show beside it.
 */
export function checkField(field: KindField, input: string | boolean): Checked {
  switch (field.type) {
    case "boolean":
      return { ok: true, value: input === true };
    case "string":
    case "text": {
      const s = String(input);
      const limit = field.maxLength > 0 ? field.maxLength : MAX_STRING_LENGTH;
      const n = charCount(s);
      if (n > limit) return { ok: false, error: `is ${n} characters long; at most ${limit} allowed` };
      if (field.type === "string" && /[\r\n]/.test(s)) return { ok: false, error: "must be a single line" };
      return { ok: true, value: s };
    }
    case "number":
    case "integer": {
      const s = String(input).trim();
      if (s === "") {
        return field.default !== undefined ? { ok: true, value: undefined } : { ok: false, error: "is required: enter a number" };
      }
      const x = Number(s);
      if (!Number.isFinite(x)) return { ok: false, error: `"${s}" is not a number` };
      if (field.type === "integer" && !Number.isInteger(x)) return { ok: false, error: `must be a whole number, got ${s}` };
      if (field.min !== null && x < field.min) return { ok: false, error: `is ${fmtNum(x)}; the minimum is ${fmtNum(field.min)}` };
      if (field.max !== null && x > field.max) return { ok: false, error: `is ${fmtNum(x)}; the maximum is ${fmtNum(field.max)}` };
      return { ok: true, value: x };
    }
    case "enum": {
      const s = String(input);
      if (!field.enum.includes(s)) return { ok: false, error: `must be one of: ${field.enum.map((e) => JSON.stringify(e)).join(", ")}` };
      return { ok: true, value: s };
    }
    case "color": {
      const s = String(input).trim();
      if (s === "") return { ok: true, value: undefined };
      if (!COLOR_RE.test(s)) return { ok: false, error: "must be a colour written #rgb, #rrggbb or #rrggbbaa, or empty for the theme's" };
      return { ok: true, value: s };
    }
    case "timezone": {
      const s = String(input).trim();
      if (s === "") return { ok: true, value: "" };
      if (s === "Local" || s.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(s)) {
        return { ok: false, error: `"${s}" is not a time zone name; use an IANA name such as Europe/Paris or UTC, or leave it empty for the display's own` };
      }
      return { ok: true, value: s };
    }
    case "image": {
      const s = String(input);
      if (s.length > 64 || /[/?#\\ ]/.test(s)) return { ok: false, error: "must be the id of an uploaded image, or empty for none" };
      return { ok: true, value: s };
    }
  }
  return { ok: true, value: input };
}

/** Returns config with key set to value (undefined removes it: the default applies); config itself is not changed. */
export function withConfig(config: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}

/** Checks a widget title (boards: at most 200 characters, one line). */
export function checkTitle(s: string): string {
  const n = charCount(s);
  if (n > MAX_TITLE_LENGTH) return `is ${n} characters long; at most ${MAX_TITLE_LENGTH} allowed`;
  if (/[\u0000-\u001f\u007f]/.test(s)) return "must be a single line without control characters";
  return "";
}

/**
 * The errors about one path and everything under it, keyed by the rest of
 * the path: errorsUnder([{field:"config.unit"}], "config") → {"unit": ...}.
 * An error on exactly the path has the key "".
 */
export function errorsUnder(errors: readonly FieldError[], prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of errors) {
    let rest: string | null = null;
    if (prefix === "") rest = e.field;
    else if (e.field === prefix) rest = "";
    else if (e.field.startsWith(prefix + ".")) rest = e.field.slice(prefix.length + 1);
    else if (e.field.startsWith(prefix + "[")) rest = e.field.slice(prefix.length);
    if (rest === null) continue;
    const prev = out.get(rest);
    out.set(rest, prev ? `${prev}; ${e.message}` : e.message);
  }
  return out;
}

/** The top-level config key an error path is about: "thresholds[1].value" → "thresholds". */
export function fieldKey(path: string): string {
  const m = /^[^.[]*/.exec(path);
  return m ? m[0] : path;
}

/** How an enum value reads in a select: "" is "(none)", snake_case becomes words. */
export function enumLabel(field: KindField, value: string): string {
  if (value === "") return field.name === "unit" ? "none (plain number)" : "(none)";
  if (value === "higher_is_worse") return "higher is worse";
  if (value === "lower_is_worse") return "lower is worse";
  return value.replace(/_/g, " ");
}
