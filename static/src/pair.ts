// /pair: where an unattended screen starts. Unpaired, it shows a short code
// in letters readable across a room; an editor types it into /screens and
// says what the screen shows, and the screen goes there by itself. Paired,
// it goes straight to what it shows (a kiosk browser that always opens
// /pair lands on its board after every restart). Revoked, it says so and
// shows a new code at once.

import { h, replace } from "./dom.ts";
import { ApiError, errorFromResponse } from "./lib/errors.ts";
import { assignedURL, forgetToken, screenToken, startAgent, storeToken, tokenFromQuery, type ControlMessage } from "./lib/screen.ts";

/** How often a waiting screen asks whether its code was claimed. */
const POLL_MS = 2000;
/** How long to wait before trying again when the server does not answer. */
const RETRY_MS = 5000;

interface Pending {
  code: string;
  secret: string;
  expires_at: string;
}

interface ScreenInfo {
  id: number;
  name: string;
  url: string;
}

async function call(method: string, path: string, token = ""): Promise<unknown> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token !== "") headers["Authorization"] = "Bearer " + token;
  const res = await fetch(path, { method, headers, cache: "no-store", credentials: "same-origin" });
  const text = await res.text();
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
  return text === "" ? null : (JSON.parse(text) as unknown);
}

export function renderPair(root: HTMLElement): void {
  document.title = "Pair this screen · Flexboard";
  document.body.classList.add("pair-body");
  const revoked = new URLSearchParams(window.location.search).get("revoked") === "1";
  const box = h("main", { class: "pair", "data-testid": "pair" });
  replace(root, box);

  const show = (...children: (HTMLElement | null)[]): void => replace(box, ...children);
  const banner = (): HTMLElement | null =>
    revoked ? h("div", { class: "pair-revoked", role: "alert", "data-testid": "pair-revoked" }, "Revoked — pair again") : null;

  const waitingForBoard = (name: string): void =>
    show(
      h("h1", { class: "pair-title" }, name),
      h("p", { class: "pair-lead", "data-testid": "pair-waiting" }, "Paired. Waiting for an editor to choose what this screen shows (Screens console)."),
    );

  const goTo = (url: string, name: string): void => {
    if (url) window.location.replace(assignedURL(url, window.location.search));
    else {
      waitingForBoard(name);
      // The channel says when something is assigned.
      startAgent({ onAssign: (m: ControlMessage) => (m.url ? false : true) });
    }
  };

  // Paired already? Then off to what it shows.
  const start = async (): Promise<void> => {
    const token = screenToken();
    try {
      const sc = (await call("GET", "/api/v1/screen", token)) as ScreenInfo;
      if (token !== "" && tokenFromQuery(window.location.search) === "") storeToken(token);
      goTo(sc.url, sc.name);
      return;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) {
        show(banner(), h("p", { class: "pair-lead", "data-testid": "pair-error" }, "The server does not answer. Trying again…"));
        setTimeout(() => void start(), RETRY_MS);
        return;
      }
      forgetToken(); // unknown or revoked: this browser pairs anew
    }
    await newCode();
  };

  const newCode = async (): Promise<void> => {
    let p: Pending;
    try {
      p = (await call("POST", "/api/v1/pair")) as Pending;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      show(banner(), h("p", { class: "pair-lead", "data-testid": "pair-error" }, `No code yet: ${msg}. Trying again…`));
      setTimeout(() => void newCode(), RETRY_MS);
      return;
    }
    const expires = Date.parse(p.expires_at);
    const left = h("span", { "data-testid": "pair-expiry" });
    const consoleURL = `${window.location.origin}/screens`;
    show(
      banner(),
      h("p", { class: "pair-kicker" }, "Pair this screen"),
      h("div", { class: "pair-code", "data-testid": "pair-code" }, p.code),
      h("p", { class: "pair-lead" }, "On a computer, open ", h("strong", null, consoleURL), " and enter this code."),
      h("p", { class: "pair-hint" }, "The code changes in ", left, "."),
    );
    const tick = (): void => {
      const s = Math.max(0, Math.round((expires - Date.now()) / 1000));
      left.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    };
    tick();
    const poll = async (): Promise<void> => {
      tick();
      try {
        const a = (await call("GET", "/api/v1/pair/" + encodeURIComponent(p.secret))) as { status: string; token?: string; url?: string; screen?: ScreenInfo };
        if (a.status === "paired" && a.token) {
          storeToken(a.token);
          goTo(a.url || "", a.screen ? a.screen.name : "");
          return;
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          void newCode(); // expired (or the server restarted)
          return;
        }
        // Unreachable for a moment: keep the code on screen and ask again.
      }
      setTimeout(() => void poll(), POLL_MS);
    };
    setTimeout(() => void poll(), POLL_MS);
  };

  void start();
}
