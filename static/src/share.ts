// Share on the display (issue 8): freezes a snapshot of the board variant on
// show (at the moment shown when paused) and offers its permalink and, once
// the server's headless Chromium has taken it, its PNG: copied with
// navigator.clipboard where the page may (a secure context), otherwise as
// select-able text and a download link.

import { h } from "./dom.ts";
import type { BoardView } from "./display.ts";
import { errorMessage } from "./lib/errors.ts";
import { createSnapshot, waitForPNG, type SnapshotRef } from "./lib/snapshots.ts";
import { shownTime } from "./lib/timeline.ts";

/** A dialog nobody touches closes by itself: a kiosk must not stay covered. */
const DIALOG_IDLE_CLOSE_MS = 120000;

interface ClipboardWithWrite {
  writeText?(text: string): Promise<void>;
  write?(items: unknown[]): Promise<void>;
}

function clipboard(): ClipboardWithWrite | null {
  const c = (navigator as unknown as { clipboard?: ClipboardWithWrite }).clipboard;
  return c ? c : null;
}

function canCopyImage(): boolean {
  const c = clipboard();
  return c !== null && typeof c.write === "function" && typeof (window as unknown as { ClipboardItem?: unknown }).ClipboardItem === "function";
}

/** The Share dialog of a display. */
export class ShareDialog {
  private el: HTMLElement | null = null;
  private closed = true;
  private objectURL = "";
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape" && !this.closed) {
      e.preventDefault();
      this.close();
    }
  };

  constructor(
    private readonly root: HTMLElement,
    private readonly view: BoardView,
  ) {}

  /** Whether the dialog is on screen. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** Freezes a snapshot of what the view shows and opens the dialog for it. */
  async open(): Promise<void> {
    if (!this.closed) return;
    this.closed = false;
    const at = this.view.pausedAt;
    const variant = this.view.plan ? this.view.plan.variant : "";
    const status = h("div", { class: "fb-share-status", "data-testid": "share-status" }, "Freezing a snapshot…");
    const body = h("div", { class: "fb-share-body" });
    const closeBtn = h("button", { type: "button", class: "fb-tt-btn", "data-testid": "share-close", title: "Close (Esc)" }, "Close");
    closeBtn.addEventListener("click", () => this.close());
    const title = `Snapshot${at !== null ? ` at ${shownTime(at, this.view.stage.now())}` : ""}`;
    const dialog = h(
      "div",
      { class: "fb-share", "data-testid": "share-dialog", role: "dialog", "aria-label": "Share a snapshot" },
      h("div", { class: "fb-share-head" }, h("span", { class: "fb-share-title" }, title), closeBtn),
      status,
      body,
    );
    // Clicks inside count as someone being there.
    dialog.addEventListener("pointerdown", () => this.keepOpen());
    dialog.addEventListener("keydown", () => this.keepOpen());
    this.el = dialog;
    this.root.appendChild(dialog);
    document.addEventListener("keydown", this.onKey);
    this.keepOpen();
    let snap: SnapshotRef;
    try {
      snap = await createSnapshot(this.view.opts.board, variant, at);
    } catch (err) {
      if (this.closed) return;
      status.textContent = `The snapshot failed: ${errorMessage(err)}`;
      status.classList.add("fb-share-error");
      return;
    }
    if (this.closed) return;
    const link = new URL(snap.url, window.location.href).href;
    const png = new URL(snap.png_url, window.location.href).href;
    status.textContent = "Taking the picture…";
    const input = h("input", { type: "text", class: "fb-share-link", "data-testid": "share-link", readonly: true, value: link, "aria-label": "Permalink" });
    input.value = link;
    input.addEventListener("focus", () => input.select());
    input.addEventListener("click", () => input.select());
    const row = h("div", { class: "fb-share-row" }, input);
    const c = clipboard();
    if (c && typeof c.writeText === "function") {
      const copy = h("button", { type: "button", class: "fb-tt-btn", "data-testid": "share-copy-link" }, "Copy link");
      copy.addEventListener("click", () => {
        void c.writeText!(link).then(
          () => (copy.textContent = "Copied"),
          () => {
            copy.textContent = "Select and copy";
            input.select();
          },
        );
      });
      row.appendChild(copy);
    }
    row.appendChild(h("a", { class: "fb-tt-btn", href: link, target: "_blank", rel: "noopener", "data-testid": "share-open" }, "Open"));
    const thumb = h("div", { class: "fb-share-thumb", "data-testid": "share-thumb-box" });
    const actions = h("div", { class: "fb-share-row" });
    body.appendChild(row);
    body.appendChild(thumb);
    body.appendChild(actions);
    // Selected at once: without a clipboard, Ctrl+C is all it takes.
    input.focus();
    input.select();

    const blob = await waitForPNG(png, () => this.closed);
    if (this.closed) return;
    if (!blob) {
      status.textContent = "No picture: the server has no headless Chromium to take it. The link works.";
      return;
    }
    status.textContent = "Snapshot ready";
    this.objectURL = URL.createObjectURL(blob);
    const img = h("img", { src: this.objectURL, alt: "The snapshot's picture", "data-testid": "share-thumb", "data-png": png });
    thumb.appendChild(img);
    if (canCopyImage()) {
      const copyImg = h("button", { type: "button", class: "fb-tt-btn", "data-testid": "share-copy-image" }, "Copy image");
      copyImg.addEventListener("click", () => {
        const Item = (window as unknown as { ClipboardItem: new (items: Record<string, Blob>) => unknown }).ClipboardItem;
        void clipboard()!.write!([new Item({ "image/png": blob })]).then(
          () => (copyImg.textContent = "Copied"),
          () => (copyImg.textContent = "Cannot copy: download it"),
        );
      });
      actions.appendChild(copyImg);
    }
    const name = `flexboard-${this.view.opts.board}-${snap.id.slice(0, 8)}.png`;
    actions.appendChild(h("a", { class: "fb-tt-btn", href: png, download: name, "data-testid": "share-download" }, "Download PNG"));
  }

  private keepOpen(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), DIALOG_IDLE_CLOSE_MS);
  }

  /** Closes the dialog (a picture still awaited is given up). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    document.removeEventListener("keydown", this.onKey);
    if (this.el) this.el.remove();
    this.el = null;
    if (this.objectURL !== "") URL.revokeObjectURL(this.objectURL);
    this.objectURL = "";
  }
}
