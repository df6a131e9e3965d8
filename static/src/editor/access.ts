// The editor's Access dialog (issue 9): mark the board private (its
// snapshots then need a signed-in user) and publish read-only links that
// show the board to anyone holding them, until revoked. Server: boards/
// access.go, docs/api.md "Board access". Styles: editor.css.

import { h, replace } from "../dom.ts";
import { getJSON, requestJSON } from "../lib/api.ts";
import { errorMessage } from "../lib/errors.ts";

interface Link {
  id: number;
  name: string;
  url: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
}

interface Access {
  private: boolean;
  links: Link[];
}

/** Opens the Access dialog of board id over root. */
export function openAccessDialog(root: HTMLElement, id: string): void {
  const base = `/api/v1/boards/${encodeURIComponent(id)}`;
  const body = h("div", { class: "dialog-form", "data-testid": "access-dialog" }, h("p", { class: "dialog-text" }, "Loading…"));
  const dlg = h("dialog", { class: "dialog" }, body) as HTMLDialogElement;
  root.appendChild(dlg);
  dlg.addEventListener("close", () => dlg.remove());
  dlg.showModal();

  const draw = (a: Access, error = ""): void => {
    const priv = h("input", { type: "checkbox", "data-testid": "access-private" }) as HTMLInputElement;
    priv.checked = a.private;
    priv.addEventListener("change", () => {
      priv.disabled = true;
      requestJSON("PUT", `${base}/access`, { private: priv.checked }).then(
        (x) => draw(x as Access),
        (err: unknown) => draw(a, errorMessage(err)),
      );
    });
    const name = h("input", { class: "input", placeholder: "e.g. Lobby TV, intranet portal", maxlength: "64", "data-testid": "access-link-name" }) as HTMLInputElement;
    const publish = h("button", { type: "button", class: "btn btn-primary", "data-testid": "access-publish" }, "Publish a read-only link");
    publish.addEventListener("click", () => {
      publish.disabled = true;
      requestJSON("POST", `${base}/links`, { name: name.value }).then(
        () => void load(),
        (err: unknown) => draw(a, errorMessage(err)),
      );
    });
    const rows = a.links.map((l) => {
      const full = window.location.origin + l.url;
      const revoked = l.revoked_at !== null;
      const actions: HTMLElement[] = [];
      if (!revoked) {
        const copy = h("button", { type: "button", class: "btn btn-small", "data-testid": "access-copy" }, "Copy");
        copy.addEventListener("click", () => {
          const c = (navigator as unknown as { clipboard?: { writeText(t: string): Promise<void> } }).clipboard;
          if (c) void c.writeText(full).then(() => (copy.textContent = "Copied"), () => undefined);
        });
        const revoke = h("button", { type: "button", class: "btn btn-small btn-danger", "data-testid": "access-revoke" }, "Revoke");
        revoke.addEventListener("click", () => {
          if (!window.confirm(`Revoke “${l.name}”? Whoever has the link loses the board at once.`)) return;
          requestJSON("DELETE", `${base}/links/${l.id}`).then(
            () => void load(),
            (err: unknown) => draw(a, errorMessage(err)),
          );
        });
        actions.push(copy, revoke);
      }
      return h(
        "li",
        { class: "access-link" + (revoked ? " access-link-revoked" : ""), "data-testid": "access-link" },
        h("div", { class: "access-link-head" }, h("strong", null, l.name), h("span", { class: "muted" }, revoked ? " · revoked" : ` · by ${l.created_by}`)),
        revoked ? null : h("input", { class: "input mono", readonly: "", value: full, "data-testid": "access-link-url" }),
        h("div", { class: "access-link-actions" }, ...actions),
      );
    });
    const close = h("button", { type: "button", class: "btn", "data-testid": "access-close" }, "Close");
    close.addEventListener("click", () => dlg.close());
    replace(
      body,
      h("h2", { class: "dialog-title" }, "Access"),
      h("label", { class: "access-private" }, priv, " Private: its snapshots need a signed-in user (otherwise anyone with a snapshot's link may open it)"),
      h("h3", { class: "access-h3" }, "Published read-only links"),
      h("p", { class: "dialog-text" }, "Anyone holding a link sees this board live, read-only, without signing in — until you revoke it."),
      a.links.length === 0 ? h("p", { class: "muted", "data-testid": "access-no-links" }, "None yet.") : h("ul", { class: "access-links" }, ...rows),
      h("div", { class: "access-new" }, name, publish),
      h("p", { class: "form-error", role: "alert", "data-testid": "access-error" }, error),
      h("div", { class: "dialog-buttons" }, close),
    );
  };
  const load = async (): Promise<void> => {
    try {
      draw((await getJSON(`${base}/access`)) as Access);
    } catch (err) {
      replace(body, h("p", { class: "form-error", role: "alert", "data-testid": "access-error" }, errorMessage(err)));
    }
  };
  void load();
}
