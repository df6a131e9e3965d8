// Who is signed in, and where the sign-in page sends a person back to
// (server: --auth=password; docs/api.md, Access control). Pure helpers: the
// requests are in api.ts.

/** The sign-in page. */
export const LOGIN_PATH = "/login";

/** GET /api/v1/auth/me's answer: "none" (nobody signs in), or the signed-in user. */
export interface Me {
  auth: "none" | "password";
  /** Present with auth "password". */
  user: { name: string; role: string } | null;
}

/** Parses /api/v1/auth/me's answer; null when it is neither shape. */
export function parseMe(body: unknown): Me | null {
  if (typeof body !== "object" || body === null) return null;
  const b = body as Record<string, unknown>;
  if (b["auth"] === "none") return { auth: "none", user: null };
  if (b["auth"] !== "password") return null;
  const u = b["user"];
  if (typeof u !== "object" || u === null) return null;
  const name = (u as Record<string, unknown>)["name"];
  const role = (u as Record<string, unknown>)["role"];
  if (typeof name !== "string" || name === "") return null;
  return { auth: "password", user: { name, role: typeof role === "string" ? role : "" } };
}

/**
 * Returns next if it is a path on this server, "/" otherwise: one leading "/",
 * no backslash, no control character (so "//evil.example", "/\evil.example",
 * "http://…" and "javascript:…" all become "/"). The sign-in page itself is
 * no place to return to. Same rule as the server's auth.SafeNext.
 */
export function safeNext(next: string | null | undefined): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//")) return "/";
  for (let i = 0; i < next.length; i++) {
    const c = next.charCodeAt(i);
    if (c === 0x5c || c < 0x20 || c === 0x7f) return "/";
  }
  if (next === LOGIN_PATH || next.startsWith(LOGIN_PATH + "?") || next.startsWith(LOGIN_PATH + "/")) return "/";
  return next;
}

/** The sign-in page's address that returns to path (with its query) afterwards. */
export function loginURL(path: string): string {
  return `${LOGIN_PATH}?next=${encodeURIComponent(safeNext(path))}`;
}

/** Seconds to wait from a 429's Retry-After header (seconds form), 0 when absent or unreadable. */
export function retryAfterSeconds(header: string | null): number {
  if (header === null) return 0;
  const n = Number(header.trim());
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0;
}

/** "4 min 10 s", "45 s": a wait a person reads. */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const r = s % 60;
  return r === 0 ? `${m} min` : `${m} min ${r} s`;
}
