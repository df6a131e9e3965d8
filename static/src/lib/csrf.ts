// The CSRF token a signed-in browser sends with every change (server:
// --auth=password; docs/api.md, Access control). It comes from
// GET /api/v1/auth/me, asked once per page and again after a refusal; with
// --auth=none the server has none and nothing is sent.

/** The header the server reads the token from. */
export const CSRF_HEADER = "X-CSRF-Token";

let pending: Promise<string> | null = null;

/** Parses /api/v1/auth/me's answer: the token, "" when there is none (no auth, signed out). */
export function csrfFromMe(body: unknown): string {
  if (typeof body !== "object" || body === null) return "";
  const t = (body as Record<string, unknown>)["csrf_token"];
  return typeof t === "string" ? t : "";
}

async function fetchToken(): Promise<string> {
  try {
    const res = await fetch("/api/v1/auth/me", { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" });
    if (!res.ok) return "";
    return csrfFromMe(await res.json());
  } catch {
    return "";
  }
}

/** Whether a request with this method changes something (and so needs the token). */
export function isChange(method: string | undefined): boolean {
  const m = (method || "GET").toUpperCase();
  return m !== "GET" && m !== "HEAD" && m !== "OPTIONS";
}

/**
 * Returns headers with the CSRF token added for a change; reads (and servers
 * without auth) get them back as they were.
 */
export async function withCSRF(method: string | undefined, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  if (!isChange(method)) return headers;
  if (pending === null) pending = fetchToken();
  const token = await pending;
  return token === "" ? headers : { ...headers, [CSRF_HEADER]: token };
}

/** Forgets the token (after a 401/403: the session may have been rotated); the next change asks again. */
export function forgetCSRF(): void {
  pending = null;
}
