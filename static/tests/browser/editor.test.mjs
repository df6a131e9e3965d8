// The board editor /edit/{id} against the real server (demo data on) in
// headless Chromium: the acceptance list. Build a board by drag and
// drop, bind a query with autocomplete, set a threshold, save, reload, see it
// on the display; two editors on one board and each choice of the conflict
// dialog; the history; undo/redo of every kind of edit; a 32:9 variant the
// display picks; drafts kept across a reload and the warning before leaving.
//
// Drags go through gridstack with mouse events dispatched in the page:
// gridstack announces its drags with a bubbling "dragstart" CustomEvent,
// which Playwright's mouse takes for a native HTML5 drag and then waits
// forever for the browser to start one. The events are the ones a mouse
// sends (mousedown on the item, mousemove/mouseup on the document, with
// coordinates); gridstack handles them as it handles a person's.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiRequest, launchBrowser, openDisplayPage, screenshot, startServer, watchPage, createBoardAt } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer({ name: "editor", args: ["--demo=true"] });
  browser = await launchBrowser({ width: 1600, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function api(method, p, body) {
  return apiRequest(server.url, method, p, body);
}

function createBoard(body) {
  return createBoardAt(server.url, body);
}

async function getBoard(id) {
  const res = await api("GET", `/api/v1/boards/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

/** The parts of a board an editor changes (what PUT takes), for comparing with the editor's document. */
function content(b) {
  const c = {
    name: b.name,
    description: b.description,
    theme: b.theme,
    allow_overlap: b.allow_overlap,
    refresh_ms: b.refresh_ms,
    widgets: b.widgets.map((w) => ({ ...w, config: w.config ?? {} })),
    variants: b.variants,
  };
  if (b.background) c.background = b.background;
  if (b.alert_sound) c.alert_sound = true;
  if (b.walls && b.walls.length) c.walls = b.walls;
  return c;
}

const stat = (id, title = id) => ({ id, kind: "stat", title, config: {} });

function variant16x9(placements) {
  return { name: "16:9", canvas: { width: 1920, height: 1080 }, grid: { columns: 48, rows: 27 }, placements };
}

/** The editor's state (document, base revision, dirty …). */
function state(page) {
  return page.evaluate(() => document.getElementById("app").fbEditor.state());
}

function placementsOf(doc, variant = "16:9") {
  const v = doc.variants.find((x) => x.name === variant);
  const out = {};
  for (const p of v.placements) out[p.widget] = { x: p.x, y: p.y, w: p.w, h: p.h };
  return out;
}

async function openEditor(page, id) {
  await page.goto(`${server.url}/edit/${encodeURIComponent(id)}`);
  await page.waitForSelector('[data-testid="editor-grid"]');
  // The first preview drew the widgets with live data.
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().previews > 0);
}

/** A mouse drag in the page (see the top of the file), from and to in page pixels. */
async function drag(page, from, to, steps = 12) {
  await page.evaluate(
    async ({ from, to, steps }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const send = (type, x, y, target) =>
        target.dispatchEvent(
          new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, screenX: x, screenY: y, button: 0, buttons: type === "mouseup" ? 0 : 1, view: window }),
        );
      send("mousedown", from.x, from.y, document.elementFromPoint(from.x, from.y));
      for (let i = 1; i <= steps; i++) {
        const x = from.x + ((to.x - from.x) * i) / steps;
        const y = from.y + ((to.y - from.y) * i) / steps;
        send("mousemove", x, y, document.elementFromPoint(x, y) || document);
        await frame();
      }
      send("mouseup", to.x, to.y, document.elementFromPoint(to.x, to.y) || document);
      await frame();
      await frame();
    },
    { from, to, steps },
  );
}

/** The canvas's cell size in page pixels and its origin. */
async function grid(page) {
  const box = await page.locator('[data-testid="editor-sheet"]').boundingBox();
  const s = await state(page);
  const v = s.doc.variants.find((x) => x.name === s.variant);
  return { x: box.x, y: box.y, cw: box.width / v.grid.columns, ch: box.height / v.grid.rows, v };
}

/** Drags the palette's kind so that the new widget's top-left lands on cell (cx, cy). */
async function dragKind(page, kind, cx, cy) {
  const before = Object.keys(placementsOf((await state(page)).doc)).length;
  const src = await page.locator(`[data-testid="palette-kind"][data-kind="${kind}"]`).boundingBox();
  const g = await grid(page);
  const grab = { x: src.x + 10, y: src.y + 10 };
  // gridstack places by the dragged clone's top-left: the cursor keeps its offset in the clone.
  await drag(page, grab, { x: g.x + (cx + 0.3) * g.cw + 10, y: g.y + (cy + 0.3) * g.ch + 10 });
  await page.waitForFunction((n) => {
    const d = document.getElementById("app").fbEditor.state().doc;
    return d.variants[0].placements.length === n + 1;
  }, before);
}

/** Center of a placed widget's item on the page. */
async function itemBox(page, id) {
  return page.locator(`[data-testid="editor-item"][gs-id="${id}"]`).boundingBox();
}

async function selectWidget(page, id) {
  const b = await itemBox(page, id);
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  await page.waitForFunction((id) => document.getElementById("app").fbEditor.state().selected === id, id);
}

async function saveAndWait(page) {
  const before = (await state(page)).base;
  await page.keyboard.press("Control+s");
  await page.waitForFunction((b) => {
    const s = document.getElementById("app").fbEditor.state();
    return s.base > b && !s.dirty;
  }, before);
  return (await state(page)).base;
}

function noOverlapInside(doc) {
  const problems = [];
  for (const v of doc.variants) {
    const ps = v.placements;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      if (p.x < 0 || p.y < 0 || p.w < 1 || p.h < 1 || p.x + p.w > v.grid.columns || p.y + p.h > v.grid.rows) problems.push(`${v.name}: ${p.widget} outside`);
      for (let j = 0; j < i; j++) {
        const q = ps[j];
        if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h) problems.push(`${v.name}: ${p.widget} overlaps ${q.widget}`);
      }
    }
  }
  return problems;
}

/** A placement's rectangle in canvas pixels, as the server's boards.CellRect rounds it. */
function cellRect(v, p) {
  const cw = v.canvas.width / v.grid.columns;
  const ch = v.canvas.height / v.grid.rows;
  const x0 = Math.round(p.x * cw), x1 = Math.round((p.x + p.w) * cw);
  const y0 = Math.round(p.y * ch), y1 = Math.round((p.y + p.h) * ch);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

test("editor: drag three kinds, resize, bind a query with autocomplete, set a threshold, save, reload; the display shows the same, live", async () => {
  const b = await createBoard({ name: "Editor acceptance" });
  const page = await browser.newPage();
  // Share polls the snapshot's picture, which answers 404 until the server has taken it.
  const watch = watchPage(page, { allowHTTPErrors: [/\/s\/[^/]+\.png$/], allowConsole: [/status of 404 \(Not Found\)/] });
  await openEditor(page, b.id);
  assert.equal(await page.textContent('[data-testid="editor-name"]'), "Editor acceptance");
  assert.match(await page.textContent('[data-testid="editor-status"]'), /Saved · revision 1/);
  // The canvas has the variant's proportions.
  const sheet = await page.locator('[data-testid="editor-sheet"]').boundingBox();
  assert.ok(Math.abs(sheet.width / sheet.height - 1920 / 1080) < 0.01, `sheet ${sheet.width}×${sheet.height} is not 16:9`);

  assert.ok(await page.isVisible('[data-testid="editor-empty-hint"]'), "an empty canvas says how to start");
  await dragKind(page, "stat", 1, 1);
  assert.equal(await page.isVisible('[data-testid="editor-empty-hint"]'), false);
  await dragKind(page, "timeseries", 12, 1);
  await dragKind(page, "gauge", 1, 10);
  let s = await state(page);
  assert.deepEqual(s.doc.widgets.map((w) => [w.id, w.kind]), [["stat", "stat"], ["timeseries", "timeseries"], ["gauge", "gauge"]]);
  const ps = placementsOf(s.doc);
  // Each lands where it was let go (gridstack snaps the dragged clone's corner to the nearest cell), at its kind's size.
  for (const [id, x, y, w, h] of [["stat", 1, 1, 8, 5], ["timeseries", 12, 1, 16, 8], ["gauge", 1, 10, 8, 8]]) {
    const p = ps[id];
    assert.ok(Math.abs(p.x - x) <= 1 && Math.abs(p.y - y) <= 1, `${id} dropped near ${x},${y}: ${JSON.stringify(p)}`);
    assert.deepEqual([p.w, p.h], [w, h], `${id}: its kind's default size`);
  }
  assert.deepEqual(noOverlapInside(s.doc), []);
  assert.equal(await page.locator('[data-testid="editor-item"]').count(), 3);
  assert.ok(s.dirty);
  await screenshot(page, "editor-dropped");

  // Resize the time series by its bottom-right handle: 4 columns wider, 3 rows taller.
  await selectWidget(page, "timeseries");
  const handle = await page.locator('[data-testid="editor-item"][gs-id="timeseries"] .ui-resizable-se').boundingBox();
  const g = await grid(page);
  await drag(page, { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, { x: handle.x + handle.width / 2 + 4 * g.cw, y: handle.y + handle.height / 2 + 3 * g.ch });
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.variants[0].placements.find((p) => p.widget === "timeseries").w === 20);
  assert.deepEqual(placementsOf((await state(page)).doc).timeseries, { ...ps.timeseries, w: 20, h: 11 });
  // The drawing follows the new size (redrawn at the cells' design pixels, 800×440).
  await page.waitForFunction(() => {
    const art = document.querySelector('[gs-id="timeseries"] .fb-ed-art');
    return art && art.style.width === "800px" && art.style.height === "440px";
  });

  // Bind the stat to a metric picked from the autocomplete, and give it a threshold.
  await selectWidget(page, "stat");
  await page.fill('[data-key="w.title"]', "Active users");
  await page.click('button:has-text("+ Query")');
  await page.click('[data-key="q0.metric"]');
  await page.keyboard.type("demo_active_u");
  await page.waitForSelector('.ac-list:not(.hidden) li:has-text("demo_active_users")');
  await screenshot(page, "editor-autocomplete");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => (document.getElementById("app").fbEditor.state().doc.widgets[0].queries || [])[0]?.metric === "demo_active_users");
  await page.click('button:has-text("+ Step")');
  await page.fill('[data-key="cfg.thresholds[0].value"]', "1");
  s = await state(page);
  const th = s.doc.widgets[0].config.thresholds;
  assert.ok(Array.isArray(th) && th.length === 1 && th[0].value === 1, `thresholds: ${JSON.stringify(th)}`);
  // The stat draws the demo's live value while editing, coloured by the new threshold (above 1: not ok).
  await page.waitForFunction(() => {
    const el = document.querySelector('[gs-id="stat"] .fb-widget');
    return el && el.getAttribute("data-state") !== "nodata" && el.getAttribute("data-state") !== "ok";
  }, null, { timeout: 20000 });
  const statValue = await page.textContent('[gs-id="stat"] .fb-stat-value');
  assert.match(statValue, /\d/, `the stat shows a number while editing, got ${JSON.stringify(statValue)}`);
  await screenshot(page, "editor-live");
  // New data every refresh redraws nothing: the drawings are kept and only their data changes.
  const before = await state(page);
  await page.waitForFunction((n) => document.getElementById("app").fbEditor.state().previews >= n + 3, before.previews, { timeout: 15000 });
  assert.equal((await state(page)).redraws, before.redraws, "widgets were redrawn by polls of an unchanged draft");

  const rev = await saveAndWait(page);
  assert.equal(rev, 2);
  assert.match(await page.textContent('[data-testid="editor-status"]'), /Saved · revision 2/);
  const saved = await getBoard(b.id);
  assert.equal(saved.revision, 2);
  s = await state(page);
  assert.deepEqual(content(saved), s.doc, "the server has what the editor shows");

  // Reload: all there, nothing offered back (the draft was cleared on save).
  await page.reload();
  await page.waitForSelector('[data-testid="editor-grid"]');
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().previews > 0);
  s = await state(page);
  assert.equal(s.base, 2);
  assert.equal(s.dirty, false);
  assert.deepEqual(s.doc, content(saved));
  assert.equal(await page.locator('[data-testid="editor-item"]').count(), 3);
  assert.equal(await page.locator('[data-testid="notice-draft-offer"]').count(), 0);
  assert.equal(s.doc.widgets[0].queries[0].metric, "demo_active_users");

  // Share the saved board from the editor (the display's Share dialog).
  await page.click('[data-testid="editor-share"]');
  await page.waitForSelector('[data-testid="share-link"]');
  assert.match(await page.inputValue('[data-testid="share-link"]'), new RegExp(`^${server.url}/s/[A-Za-z0-9_-]+$`));
  await page.click('[data-testid="share-close"]');

  // The display: the same arrangement (each widget at its cells' pixels), live.
  assert.equal(await page.getAttribute('[data-testid="editor-open-display"]', "href"), `/d/${b.id}`);
  const disp = await browser.newPage();
  await disp.setViewportSize({ width: 1920, height: 1080 });
  const dwatch = watchPage(disp);
  await openDisplayPage(disp, server.url, b.id);
  const v = saved.variants[0];
  for (const p of v.placements) {
    const want = cellRect(v, p);
    const got = await disp.evaluate((id) => {
      const el = document.querySelector(`.fb-widget[data-widget-id="${id}"]`);
      return el ? { x: parseFloat(el.style.left), y: parseFloat(el.style.top), w: parseFloat(el.style.width), h: parseFloat(el.style.height) } : null;
    }, p.widget);
    assert.deepEqual(got, want, `${p.widget} on the display`);
  }
  await disp.waitForFunction(() => {
    const el = document.querySelector('.fb-widget[data-widget-id="stat"]');
    return el && el.getAttribute("data-state") !== "nodata";
  }, null, { timeout: 20000 });
  await screenshot(disp, "editor-display");
  dwatch.check();
  await disp.close();
  watch.check();
  await page.close();
});

test("editor: two editors on one board; each conflict choice does what it says; the history shows every revision, previews and restores", async () => {
  const b = await createBoard({
    name: "Shared board",
    widgets: [stat("a", "Alpha"), stat("b", "Beta")],
    variants: [variant16x9([{ widget: "a", x: 0, y: 0, w: 8, h: 5 }, { widget: "b", x: 10, y: 0, w: 8, h: 5 }])],
  });
  const v1 = content(b);
  const pa = await browser.newPage();
  const pb = await browser.newPage();
  // The conflicts are 409 answers to PUT, which the browser also logs.
  const conflicts = { allowHTTPErrors: [/\/api\/v1\/boards\/[^/]+$/], allowConsole: [/status of 409 \(Conflict\)/] };
  const wa = watchPage(pa, conflicts);
  const wb = watchPage(pb, conflicts);
  await openEditor(pa, b.id);
  await openEditor(pb, b.id);

  // A moves Alpha and saves: revision 2.
  await pa.bringToFront();
  await selectWidget(pa, "a");
  await pa.keyboard.press("ArrowDown");
  assert.equal(await saveAndWait(pa), 2);

  // B, still on revision 1, moves Beta and saves: the conflict dialog says what changed.
  await pb.bringToFront();
  await selectWidget(pb, "b");
  await pb.keyboard.press("ArrowRight");
  await pb.keyboard.press("Control+s");
  await pb.waitForSelector('[data-testid="conflict-dialog"]');
  assert.match(await pb.textContent('[data-testid="conflict-dialog"] h3'), /Revision 2 was saved while you edited revision 1/);
  assert.deepEqual(await pb.locator('[data-testid="conflict-theirs"] li').allTextContents(), ["variant “16:9” changed: layout"]);
  assert.deepEqual(await pb.locator('[data-testid="conflict-mine"] li').allTextContents(), ["variant “16:9” changed: layout"]);
  await screenshot(pb, "editor-conflict");

  // Choice 1, reload theirs: B now shows revision 2, and Undo brings its edit back.
  await pb.click('[data-testid="conflict-reload"]');
  await pb.waitForSelector('[data-testid="conflict-dialog"]', { state: "detached" });
  let sb = await state(pb);
  const r2 = await getBoard(b.id);
  assert.equal(sb.base, 2);
  assert.equal(sb.dirty, false);
  assert.deepEqual(sb.doc, content(r2));
  await pb.click('[data-testid="editor-undo"]');
  assert.deepEqual(placementsOf((await state(pb)).doc).b, { x: 11, y: 0, w: 8, h: 5 });
  await pb.click('[data-testid="editor-redo"]');
  assert.deepEqual((await state(pb)).doc, content(r2));

  // B deletes Beta and saves: revision 3, no conflict (it is based on 2).
  await selectWidget(pb, "b");
  await pb.keyboard.press("Delete");
  assert.deepEqual((await state(pb)).doc.widgets.map((w) => w.id), ["a"]);
  assert.equal(await saveAndWait(pb), 3);

  // A (based on 2) renames Alpha: conflict; choice 2, save mine as the newest revision.
  await pa.bringToFront();
  await selectWidget(pa, "a");
  await pa.fill('[data-key="w.title"]', "Alpha prime");
  await pa.keyboard.press("Control+s");
  await pa.waitForSelector('[data-testid="conflict-dialog"]');
  assert.deepEqual(await pa.locator('[data-testid="conflict-theirs"] li').allTextContents(), ["widget “Beta” (b) removed", "variant “16:9” changed: layout"]);
  assert.deepEqual(await pa.locator('[data-testid="conflict-mine"] li').allTextContents(), ["widget “Alpha prime” (a) changed: title"]);
  await pa.click('[data-testid="conflict-overwrite"]');
  await pa.waitForSelector('[data-testid="conflict-dialog"]', { state: "detached" });
  const sa = await state(pa);
  assert.equal(sa.base, 4);
  assert.equal(sa.dirty, false);
  const r4 = await getBoard(b.id);
  assert.equal(r4.revision, 4);
  assert.deepEqual(content(r4), sa.doc, "A's board, Beta included, is the newest revision");
  assert.deepEqual(r4.widgets.map((w) => w.title), ["Alpha prime", "Beta"]);

  // B (based on 3) widens Alpha: conflict; choice 3, save mine as a copy: a new board, this one untouched.
  await pb.bringToFront();
  await selectWidget(pb, "a");
  await pb.keyboard.press("Shift+ArrowRight");
  const mine = (await state(pb)).doc;
  await pb.keyboard.press("Control+s");
  await pb.waitForSelector('[data-testid="conflict-dialog"]');
  await Promise.all([pb.waitForURL((u) => /\/edit\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith(`/${b.id}`)), pb.click('[data-testid="conflict-copy"]')]);
  const copyId = decodeURIComponent(new URL(pb.url()).pathname.split("/")[2]);
  const copy = await getBoard(copyId);
  assert.equal(copy.name, "Shared board (copy)");
  assert.deepEqual({ ...content(copy), name: mine.name }, mine, "the copy holds B's edits");
  assert.equal((await getBoard(b.id)).revision, 4, "the original is as A saved it");
  await pb.waitForSelector('[data-testid="editor-grid"]');
  assert.equal(await pb.textContent('[data-testid="editor-name"]'), "Shared board (copy)");

  // History on A: every saved revision, newest first; preview revision 1 read-only, then restore it.
  await pa.bringToFront();
  await pa.click('[data-testid="editor-history"]');
  await pa.waitForSelector('[data-testid="history-version"]');
  assert.deepEqual(await pa.locator('[data-testid="history-version"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-revision"))), ["4", "3", "2", "1"]);
  await pa.locator('[data-testid="history-version"][data-revision="1"] [data-testid="history-preview"]').click();
  await pa.waitForFunction(() => document.getElementById("app").fbEditor.state().viewing === 1);
  await pa.waitForSelector('.grid-stack-static');
  const shown = await pa.evaluate(() => Array.from(document.querySelectorAll('[data-testid="editor-item"]')).map((e) => [e.getAttribute("gs-id"), e.getAttribute("gs-x") || "0", e.getAttribute("gs-y") || "0"]));
  assert.deepEqual(shown.sort(), [["a", "0", "0"], ["b", "10", "0"]], "revision 1's layout on the canvas");
  assert.equal(await pa.isDisabled('[data-testid="editor-save"]'), true, "a preview cannot be saved over");
  await screenshot(pa, "editor-history-preview");
  await pa.click('[data-testid="history-restore"]');
  await pa.waitForFunction(() => document.getElementById("app").fbEditor.state().base === 5);
  const r5 = await getBoard(b.id);
  assert.deepEqual(content(r5), v1, "revision 5 is revision 1 again");
  assert.deepEqual((await state(pa)).doc, v1);
  await pa.waitForFunction(() => document.querySelectorAll('[data-testid="history-version"]').length === 5);
  assert.equal(await pa.locator('.grid-stack-static').count(), 0, "editing again after the restore");
  wa.check();
  // B left its page for the copy's editor: a preview or revision check in flight then is aborted by the browser.
  wb.failedRequests = wb.failedRequests.filter((r) => !(/ERR_ABORTED$/.test(r) && r.includes(`/api/v1/boards/`)));
  wb.check();
  await pa.close();
  await pb.close();
});

test("editor: undo and redo of move, resize, add, delete and config change", async () => {
  const b = await createBoard({ name: "Undo", widgets: [stat("a", "Alpha")], variants: [variant16x9([{ widget: "a", x: 0, y: 0, w: 8, h: 5 }])] });
  const page = await browser.newPage();
  const watch = watchPage(page);
  await openEditor(page, b.id);
  const steps = [(await state(page)).doc];
  const step = async (what) => {
    const d = (await state(page)).doc;
    assert.notDeepEqual(d, steps[steps.length - 1], `${what} changed nothing`);
    steps.push(d);
  };

  // Move (a drag of three cells right and two down).
  const a = await itemBox(page, "a");
  const g = await grid(page);
  await drag(page, { x: a.x + a.width / 2, y: a.y + a.height / 2 }, { x: a.x + a.width / 2 + 3 * g.cw, y: a.y + a.height / 2 + 2 * g.ch });
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.variants[0].placements[0].x === 3);
  assert.deepEqual(placementsOf((await state(page)).doc).a, { x: 3, y: 2, w: 8, h: 5 });
  await step("move");
  // Resize (keyboard: two quick presses are one step).
  await selectWidget(page, "a");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("Shift+ArrowRight");
  assert.deepEqual(placementsOf((await state(page)).doc).a, { x: 3, y: 2, w: 10, h: 5 });
  await step("resize");
  // Add (a click on the palette: the first free room).
  await page.click('[data-testid="palette-kind"][data-kind="gauge"]');
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.widgets.length === 2);
  await step("add");
  // Config change (the title, typed: one step).
  await selectWidget(page, "a");
  await page.fill('[data-key="w.title"]', "Alpha one");
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.widgets[0].title === "Alpha one");
  await step("config change");
  // Duplicate Alpha (Ctrl+D), then delete the copy and the gauge.
  await selectWidget(page, "a");
  await page.keyboard.press("Control+d");
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().selected === "a-2");
  assert.equal((await state(page)).doc.widgets.find((w) => w.id === "a-2").title, "Alpha one copy");
  await step("duplicate");
  await page.keyboard.press("Delete");
  await step("delete the copy");
  // Delete the gauge.
  await selectWidget(page, "gauge");
  await page.click('[data-testid="selected-delete"]');
  assert.deepEqual((await state(page)).doc.widgets.map((w) => w.id), ["a"]);
  await step("delete");
  assert.equal(await page.locator('[data-testid="editor-item"]').count(), 1);

  // Undo every step with Ctrl+Z (focus off the text field): each gives back the state before.
  await page.click('[data-testid="editor-sheet"]', { position: { x: 5, y: 5 } });
  for (let i = steps.length - 1; i > 0; i--) {
    await page.keyboard.press("Control+z");
    assert.deepEqual((await state(page)).doc, steps[i - 1], `undo to step ${i - 1}`);
    const ids = Object.keys(placementsOf(steps[i - 1])).sort();
    const shown = (await page.locator('[data-testid="editor-item"]').evaluateAll((els) => els.map((e) => e.getAttribute("gs-id")))).sort();
    assert.deepEqual(shown, ids, `the canvas after undo to step ${i - 1}`);
  }
  assert.equal((await state(page)).canUndo, false);
  assert.equal((await state(page)).dirty, false);
  assert.equal(await page.isDisabled('[data-testid="editor-undo"]'), true);
  // Redo them all, with the button and Ctrl+Shift+Z.
  for (let i = 1; i < steps.length; i++) {
    if (i % 2 === 1) await page.click('[data-testid="editor-redo"]');
    else await page.keyboard.press("Control+Shift+z");
    assert.deepEqual((await state(page)).doc, steps[i], `redo to step ${i}`);
  }
  const pos = await page.evaluate(() => {
    const e = document.querySelector('[data-testid="editor-item"][gs-id="a"]');
    return [e.getAttribute("gs-x"), e.getAttribute("gs-y"), e.getAttribute("gs-w")];
  });
  assert.deepEqual(pos, ["3", "2", "10"], "gridstack shows the redone layout");
  assert.equal((await state(page)).canRedo, false);
  watch.check();
  await page.close();
});

test("editor: a 32:9 variant from the 16:9 one: nothing overlaps or falls outside; the display at 3840×1080 picks it", async () => {
  const widgets = ["a", "b", "c", "d", "e"].map((id) => stat(id, id.toUpperCase()));
  const b = await createBoard({
    name: "Variants",
    widgets,
    variants: [
      variant16x9([
        { widget: "a", x: 0, y: 0, w: 16, h: 9 },
        { widget: "b", x: 16, y: 0, w: 16, h: 9 },
        { widget: "c", x: 32, y: 0, w: 16, h: 9 },
        { widget: "d", x: 0, y: 9, w: 24, h: 18 },
        { widget: "e", x: 24, y: 9, w: 24, h: 18 },
      ]),
    ],
  });
  const page = await browser.newPage();
  const watch = watchPage(page);
  await openEditor(page, b.id);
  await page.click('[data-testid="variant-add"]');
  await page.waitForSelector(".av-dialog");
  await page.click('.av-choice:has-text("32:9")');
  await page.click('.av-dialog button:has-text("Add variant")');
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().variant === "32:9");
  const s = await state(page);
  const v = s.doc.variants.find((x) => x.name === "32:9");
  assert.deepEqual(v.canvas, { width: 3840, height: 1080 });
  assert.deepEqual(noOverlapInside(s.doc), []);
  assert.equal(v.placements.length, 5, "every widget has room on 32:9");
  // The tab shows the new variant at its proportions, and its widgets.
  assert.equal(await page.getAttribute('[data-testid="variant-tab"][aria-selected="true"]', "data-variant"), "32:9");
  const sheet = await page.locator('[data-testid="editor-sheet"]').boundingBox();
  assert.ok(Math.abs(sheet.width / sheet.height - 32 / 9) < 0.01, `sheet ${sheet.width}×${sheet.height} is not 32:9`);
  assert.equal(await page.locator('[data-testid="editor-item"]').count(), 5);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="editor-item"] .fb-widget .fb-stat-main').length === 5);
  await screenshot(page, "editor-variant-32x9");

  // Zoom in on the wide canvas: larger, scrolled, still editable by mouse; Fit brings it back.
  const fitLevel = await page.textContent('[data-testid="zoom-level"]');
  await page.click('[data-testid="zoom-in"]');
  await page.click('[data-testid="zoom-in"]');
  const zoomed = await page.locator('[data-testid="editor-sheet"]').boundingBox();
  assert.ok(Math.abs(zoomed.width / sheet.width - 2.25) < 0.02, `zoomed ×2.25: ${zoomed.width} vs ${sheet.width}`);
  const level = parseInt(await page.textContent('[data-testid="zoom-level"]'), 10);
  assert.ok(Math.abs(level - parseInt(fitLevel, 10) * 2.25) <= 1.5, `zoom level ${level}% from ${fitLevel}`);
  assert.ok(await page.evaluate(() => { const c = document.querySelector('[data-testid="editor-canvas"]'); return c.scrollWidth > c.clientWidth; }), "the zoomed canvas scrolls");
  // (The layout is full, so the mouse edit is a narrowing by the right-hand handle: two cells.)
  const before = placementsOf((await state(page)).doc, "32:9").a;
  await selectWidget(page, "a");
  const eh = await page.locator('[data-testid="editor-item"][gs-id="a"] .ui-resizable-e').boundingBox();
  const zg = await grid(page);
  await drag(page, { x: eh.x + eh.width / 2, y: eh.y + eh.height / 2 }, { x: eh.x + eh.width / 2 - 2 * zg.cw, y: eh.y + eh.height / 2 });
  await page.waitForFunction((w) => document.getElementById("app").fbEditor.state().doc.variants[1].placements.find((p) => p.widget === "a").w !== w, before.w);
  assert.deepEqual(placementsOf((await state(page)).doc, "32:9").a, { ...before, w: before.w - 2 }, "a resize at zoom changes by the cells dragged");
  await screenshot(page, "editor-variant-32x9-zoomed");
  await page.click('[data-testid="editor-undo"]');
  await page.click('[data-testid="zoom-fit"]');
  assert.equal(await page.textContent('[data-testid="zoom-level"]'), fitLevel);

  // Leaving a widget out of this variant lists it, and it can be placed again.
  await selectWidget(page, "e");
  await page.click('[data-testid="selected-leave-out"]');
  assert.deepEqual(await page.locator('[data-testid="leftout-widget"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-widget"))), ["e"]);
  await page.click('[data-testid="leftout-widget"][data-widget="e"]');
  assert.equal(await page.locator('[data-testid="leftout-widget"]').count(), 0);
  assert.deepEqual(noOverlapInside((await state(page)).doc), []);

  // Deleting a variant is one undo step (no "are you sure"): the notice offers Undo.
  const withVariant = (await state(page)).doc;
  await page.click('[data-testid="variant-delete"]');
  assert.deepEqual((await state(page)).doc.variants.map((x) => x.name), ["16:9"]);
  assert.equal(await page.getAttribute('[data-testid="variant-tab"][aria-selected="true"]', "data-variant"), "16:9");
  await page.click('[data-testid="notice-edit"] [data-testid="notice-undo"]');
  // (Under load the notice can be redrawn around the click: wait for the undo to land rather than read at once.)
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.variants.length === 2, null, { timeout: 10000 });
  assert.deepEqual((await state(page)).doc, withVariant);
  await page.click('[data-testid="variant-tab"][data-variant="32:9"]');
  assert.equal((await state(page)).variant, "32:9");

  await saveAndWait(page);
  const saved = await getBoard(b.id);
  assert.deepEqual(saved.variants.map((x) => x.name), ["16:9", "32:9"]);
  const disp = await browser.newPage();
  await disp.setViewportSize({ width: 3840, height: 1080 });
  const dwatch = watchPage(disp);
  await openDisplayPage(disp, server.url, b.id);
  assert.equal(await disp.getAttribute('[data-testid="display"]', "data-variant"), "32:9");
  assert.equal(await disp.locator(".fb-widget").count(), 5);
  await screenshot(disp, "editor-variant-display-3840x1080");
  dwatch.check();
  await disp.close();
  watch.check();
  await page.close();
});

test("editor: unsaved edits survive a reload and are offered back; leaving with unsaved edits asks first; a server error marks its field", async () => {
  const b = await createBoard({ name: "Drafts", widgets: [stat("a", "Alpha")], variants: [variant16x9([{ widget: "a", x: 0, y: 0, w: 8, h: 5 }])] });
  const page = await browser.newPage();
  const dialogs = [];
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  page.on("dialog", (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await openEditor(page, b.id);
  await selectWidget(page, "a");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  const edited = (await state(page)).doc;
  assert.ok((await state(page)).dirty);
  // The draft is written a moment after the last edit.
  await page.waitForFunction((id) => Object.keys(localStorage).some((k) => k === `flexboard.editor.draft.${id}.1`), b.id);
  await page.reload();
  await page.waitForSelector('[data-testid="notice-draft-offer"]');
  assert.ok(dialogs.includes("beforeunload"), `the browser asked before leaving: ${JSON.stringify(dialogs)}`);
  assert.match(await page.textContent('[data-testid="notice-draft-offer"]'), /unsaved edits from .*based on revision 1/);
  await screenshot(page, "editor-draft-offer");
  assert.equal((await state(page)).dirty, false);
  await page.click('[data-testid="draft-restore"]');
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().dirty);
  assert.deepEqual((await state(page)).doc, edited);
  assert.deepEqual(placementsOf(edited).a, { x: 1, y: 1, w: 8, h: 5 });

  // A mistake only the server catches (a background that is no colour, set in the document as an
  // import would): the preview's 400 names the field, the settings panel shows it.
  await page.evaluate(() => {
    const ed = document.getElementById("app").fbEditor;
    const d = ed.state().doc;
    d.background = "#12345";
    ed.apply(d, "Set background");
  });
  await page.waitForSelector('[data-testid="notice-preview"]');
  assert.match(await page.textContent('[data-testid="notice-preview"]'), /"#12345" is not a colour.*\(field: background\)/);
  await page.click('[data-testid="editor-undo"]');
  await page.waitForSelector('[data-testid="notice-preview"]', { state: "detached" });

  // Saving clears the draft; closing with nothing unsaved asks nothing.
  const rev = await saveAndWait(page);
  assert.equal(await page.evaluate((id) => Object.keys(localStorage).filter((k) => k.indexOf(`flexboard.editor.draft.${id}.`) === 0).length, b.id), 0);

  // Someone saves the board elsewhere: the editor says so before any save of its own runs into it.
  const other = content(await getBoard(b.id));
  other.name = "Drafts, renamed elsewhere";
  const put = await fetch(`${server.url}/api/v1/boards/${b.id}`, { method: "PUT", headers: { "Content-Type": "application/json", "If-Match": `"${rev}"` }, body: JSON.stringify(other) });
  assert.equal(put.status, 200);
  await page.waitForSelector('[data-testid="notice-newer"]', { timeout: 15000 });
  assert.match(await page.textContent('[data-testid="notice-newer"]'), new RegExp(`Revision ${rev + 1} of this board was saved elsewhere`));
  await page.click('[data-testid="newer-load"]');
  await page.waitForFunction((r) => document.getElementById("app").fbEditor.state().base === r, rev + 1);
  assert.equal(await page.textContent('[data-testid="editor-name"]'), "Drafts, renamed elsewhere");
  assert.equal(await page.locator('[data-testid="notice-newer"]').count(), 0);
  dialogs.length = 0;
  assert.deepEqual(pageErrors, []);
  await page.close({ runBeforeUnload: true });
  assert.deepEqual(dialogs, []);
});

test("editor: overlap only when the board allows it; the server's refusal marks the widgets", async () => {
  const b = await createBoard({
    name: "Overlap",
    widgets: [stat("a", "Alpha"), stat("b", "Beta")],
    variants: [variant16x9([{ widget: "a", x: 0, y: 0, w: 8, h: 5 }, { widget: "b", x: 10, y: 0, w: 8, h: 5 }])],
  });
  const page = await browser.newPage();
  const watch = watchPage(page, { allowHTTPErrors: [/\/api\/v1\/boards\/preview/], allowConsole: [/status of 400 \(Bad Request\)/] });
  await openEditor(page, b.id);

  // Overlap off: the keyboard refuses to move Beta onto Alpha, and says why.
  await selectWidget(page, "b");
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowLeft");
  // Two steps left are free (x 10 → 8); the third would cover Alpha's last column.
  assert.deepEqual(placementsOf((await state(page)).doc).b, { x: 8, y: 0, w: 8, h: 5 });
  assert.match(await page.textContent('[data-testid="notice-edit"]'), /“Beta” would overlap “Alpha”; turn on "Allow overlap"/);
  // A drag onto Alpha: gridstack makes room, nothing ends up overlapping.
  let g = await grid(page);
  let bb = await itemBox(page, "b");
  await drag(page, { x: bb.x + bb.width / 2, y: bb.y + bb.height / 2 }, { x: bb.x + bb.width / 2 - 6 * g.cw, y: bb.y + bb.height / 2 + 1 * g.ch });
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.variants[0].placements.find((p) => p.widget === "b").x !== 8);
  assert.deepEqual(noOverlapInside((await state(page)).doc), []);

  // Overlap on (board settings): the same drag stacks Beta over Alpha.
  await page.click('[data-testid="editor-undo"]');
  await page.keyboard.press("Escape");
  await page.check('[data-key="s.allow_overlap"]');
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.allow_overlap === true);
  g = await grid(page);
  bb = await itemBox(page, "b");
  await drag(page, { x: bb.x + bb.width / 2, y: bb.y + bb.height / 2 }, { x: bb.x + bb.width / 2 - 6 * g.cw, y: bb.y + bb.height / 2 + 1 * g.ch });
  await page.waitForFunction(() => document.getElementById("app").fbEditor.state().doc.variants[0].placements.find((p) => p.widget === "b").x !== 8);
  let s = await state(page);
  assert.deepEqual(placementsOf(s.doc).a, { x: 0, y: 0, w: 8, h: 5 }, "Alpha stays where it was");
  assert.deepEqual(placementsOf(s.doc).b, { x: 2, y: 1, w: 8, h: 5 });
  assert.equal(noOverlapInside(s.doc).length, 1);
  await screenshot(page, "editor-overlap");
  assert.equal(await saveAndWait(page), 2, "the server takes an overlapping layout when the board allows it");

  // Overlap off again with the widgets stacked: the preview's 400 names the placement, the widget is marked.
  await page.keyboard.press("Escape");
  await page.uncheck('[data-key="s.allow_overlap"]');
  await page.waitForSelector('[data-testid="notice-preview"]');
  assert.match(await page.textContent('[data-testid="notice-preview"]'), /"b" overlaps "a" at x=2 y=1; .*\(field: variants\[0\]\.placements\[1\]\)/);
  await page.waitForSelector('[data-testid="editor-item"][gs-id="b"][data-invalid]');
  // The canvas still shows the document as it is (gridstack did not push Alpha away).
  assert.deepEqual(
    await page.evaluate(() => ["a", "b"].map((id) => { const e = document.querySelector(`[data-testid="editor-item"][gs-id="${id}"]`); return [e.getAttribute("gs-x") || "0", e.getAttribute("gs-y") || "0"]; })),
    [["0", "0"], ["2", "1"]],
  );
  await screenshot(page, "editor-overlap-refused");
  await page.click('[data-testid="editor-undo"]');
  await page.waitForSelector('[data-testid="notice-preview"]', { state: "detached" });
  assert.equal(await page.locator("[data-invalid]").count(), 0);
  s = await state(page);
  assert.equal(s.doc.allow_overlap, true);
  assert.equal(s.dirty, false);
  watch.check();
  await page.close();
});
