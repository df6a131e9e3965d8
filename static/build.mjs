// Builds the front end into static/dist, which the Go binary embeds.
//
// esbuild bundles the entry points into dist/assets/ with content-hashed names,
// then dist/index.html is written from src/index.html with the hashed URLs
// filled in from the metafile. The output is byte-for-byte deterministic (no
// sourcemaps, no timestamps): CI rebuilds and fails on `git diff static/dist`.
//
// index.html also carries a hash of the sources (src/ and this script) so that
// `go test ./static/` can tell, without Node, that dist is stale.

import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const staticDir = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.join(staticDir, "dist");

/** URL prefix of hashed assets; the Go handler serves dist/assets/ under it. */
const PUBLIC_PATH = "/assets/";

/** Entry points in src/, referenced from the template as {{asset:NAME}}. */
const ENTRIES = ["main.ts", "styles.css", "favicon.svg"];

/**
 * Returns "sha256:HEX" over the build inputs: every file under src/ (names
 * starting with "." skipped) and build.mjs, as a sha256sum-style manifest of
 * "HEX  PATH\n" lines sorted by path, CRLF read as LF. static/http_test.go
 * computes the same value; keep the two in step.
 */
export async function sourceHash() {
  const files = ["build.mjs"];
  async function walk(rel) {
    for (const ent of await readdir(path.join(staticDir, rel), { withFileTypes: true })) {
      if (ent.name.startsWith(".")) continue;
      const child = `${rel}/${ent.name}`;
      if (ent.isDirectory()) await walk(child);
      else if (ent.isFile()) files.push(child);
    }
  }
  await walk("src");
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let manifest = "";
  for (const f of files) {
    const text = (await readFile(path.join(staticDir, f))).toString("latin1").replace(/\r\n/g, "\n");
    manifest += `${createHash("sha256").update(text, "latin1").digest("hex")}  ${f}\n`;
  }
  return `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
}

async function build() {
  const result = await esbuild.build({
    absWorkingDir: staticDir,
    entryPoints: ENTRIES.map((e) => `src/${e}`),
    outdir: "dist/assets",
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    chunkNames: "[name]-[hash]",
    publicPath: PUBLIC_PATH,
    bundle: true,
    // ES modules with code splitting: pages load what they use through
    // dynamic import(), so the board list never downloads ECharts. Chunks are
    // content-hashed like entries, and the output stays deterministic.
    format: "esm",
    splitting: true,
    platform: "browser",
    // Wall TVs and signage players run old Chromium builds.
    target: ["chrome69"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    loader: { ".svg": "copy", ".png": "file", ".woff2": "file", ".woff": "file" },
    metafile: true,
    // Files are written below, after dist is emptied, so a failed build leaves the old dist intact.
    write: false,
    logLevel: "warning",
  });

  const urls = new Map();
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    // Shared chunks have no entryPoint, and modules loaded with import() have
    // their own: both are reached from the entries by relative URL.
    if (!meta.entryPoint || !ENTRIES.includes(path.posix.relative("src", meta.entryPoint))) continue;
    urls.set(path.posix.basename(meta.entryPoint), PUBLIC_PATH + path.posix.basename(out));
  }

  const template = await readFile(path.join(staticDir, "src/index.html"), "utf8");
  const hash = await sourceHash();
  const used = new Set();
  const html = template
    .replace(/\{\{asset:([^}]+)\}\}/g, (_, name) => {
      const url = urls.get(name);
      if (!url) throw new Error(`src/index.html: {{asset:${name}}} is not an entry point (have: ${[...urls.keys()].join(", ")})`);
      used.add(name);
      return url;
    })
    .replace(/\{\{source-hash\}\}/g, hash);
  const left = html.match(/\{\{[^}]*\}\}/);
  if (left) throw new Error(`src/index.html: unknown placeholder ${left[0]}`);
  for (const name of urls.keys()) {
    if (!used.has(name)) throw new Error(`src/index.html does not reference entry point ${name}`);
  }

  // Start from an empty dist so no stale hashed file survives.
  await rm(distDir, { recursive: true, force: true });
  await mkdir(path.join(distDir, "assets"), { recursive: true });
  const written = [];
  for (const f of result.outputFiles) {
    await mkdir(path.dirname(f.path), { recursive: true });
    await writeFile(f.path, f.contents);
    written.push([path.relative(staticDir, f.path), f.contents.length]);
  }
  await writeFile(path.join(distDir, "index.html"), html);
  written.push(["dist/index.html", Buffer.byteLength(html)]);

  // The complete ECharts build, for snapshot pages rendered by Go
  // (widgets.RenderHTML loads {assets host}echarts.min.js, with the host
  // /assets/echarts-VERSION/): the same pinned version as the bundle, served
  // by the binary, never from a CDN. Its directory carries the version, so a
  // new version never meets an old cached copy.
  const echartsDir = path.join(staticDir, "..", "node_modules", "echarts");
  const { version } = JSON.parse(await readFile(path.join(echartsDir, "package.json"), "utf8"));
  const full = await readFile(path.join(echartsDir, "dist", "echarts.min.js"));
  const fullOut = path.join(distDir, "assets", `echarts-${version}`, "echarts.min.js");
  await mkdir(path.dirname(fullOut), { recursive: true });
  await writeFile(fullOut, full);
  written.push([path.relative(staticDir, fullOut), full.length]);

  written.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [name, size] of written) console.log(`  static/${name}  ${(size / 1024).toFixed(1)} KiB`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().catch((err) => {
    console.error(`build failed: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
}
