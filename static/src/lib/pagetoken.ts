// A token in the page's address: a paired screen's display token
// (?token=fbd_…) or a published link's (?token=fbp_…). The server keeps it in
// a cookie when the page is served, but some signage players keep no
// cookies: for them every request of the page carries it too — fetches as
// "Authorization: Bearer", the stream in its address.

const PREFIXES = ["fbd_", "fbp_"];

/** The display or link token in a page address's query, "" when none. */
export function pageToken(search: string): string {
  const t = new URLSearchParams(search).get("token") || "";
  return PREFIXES.some((p) => t.indexOf(p) === 0) ? t : "";
}

/** Whether a fetch target is this server's (a path, or a URL of this origin). */
export function sameOrigin(target: string, origin: string): boolean {
  return (target.indexOf("/") === 0 && target.indexOf("//") !== 0) || target.indexOf(origin + "/") === 0;
}

/**
 * Makes every fetch of the page to its own server carry the page's token
 * (unless it sets Authorization itself). Does nothing without a token.
 */
export function sendPageToken(): void {
  const token = pageToken(window.location.search);
  if (token === "") return;
  const inner = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!sameOrigin(target, window.location.origin)) return inner(input, init);
    const headers = new Headers(init && init.headers ? init.headers : input instanceof Request ? input.headers : undefined);
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
    return inner(input, { ...(init || {}), headers });
  };
}
