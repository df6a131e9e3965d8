// npm test: bundles static/tests/unit/*.test.ts with esbuild (node platform, the
// TypeScript sources it imports included) into node_modules/.cache and runs the
// bundles with node's test runner. Fails when no test file or no test is found.

import * as esbuild from "esbuild";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runNodeTests } from "./runner.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const unitDir = path.join(here, "unit");
const outDir = path.join(root, "node_modules/.cache/flexboard-unit");

const files = readdirSync(unitDir)
  .filter((f) => f.endsWith(".test.ts"))
  .sort();
if (files.length === 0) {
  console.error(`no *.test.ts files in ${path.relative(root, unitDir)}`);
  process.exit(1);
}

rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: files.map((f) => path.join(unitDir, f)),
  outdir: outDir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "inline",
  packages: "external",
  logLevel: "warning",
});

const bundles = files.map((f) => path.join(outDir, f.replace(/\.ts$/, ".mjs")));
process.exit(await runNodeTests(bundles, { cwd: root }));
