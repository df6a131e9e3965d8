// npm run test:browser: checks that Chromium and the server binary are there
// (failing with how to get them), then runs static/tests/browser/*.test.mjs
// one file at a time (each starts a server and a browser; the machine has 2
// cores). Fails when no test ran.
//
//   FLEXBOARD_BIN=bin/flexboard CHROMIUM=/usr/bin/chromium npm run test:browser

import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromiumPath, serverBinary } from "./browser/harness.mjs";
import { runNodeTests } from "./runner.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const browserDir = path.join(here, "browser");

try {
  chromiumPath();
  serverBinary();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

const files = readdirSync(browserDir)
  .filter((f) => f.endsWith(".test.mjs"))
  .sort()
  .map((f) => path.join(browserDir, f));
if (files.length === 0) {
  console.error(`no *.test.mjs files in ${browserDir}`);
  process.exit(1);
}
process.exit(await runNodeTests(files, { concurrency: 1 }));
