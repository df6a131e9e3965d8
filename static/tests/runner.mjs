// Shared by run-unit.mjs and run-browser.mjs: runs node's test runner on the
// given files with the spec reporter on stdout, and fails when the run failed
// or ran no test at all (a suite that silently finds nothing must not pass).

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const countReporter = path.join(path.dirname(fileURLToPath(import.meta.url)), "count-reporter.mjs");

/**
 * Runs `node --test` on files (absolute paths) and resolves to the exit code to use.
 * @param {string[]} files
 * @param {{ concurrency?: number, cwd?: string }} [opts]
 */
export async function runNodeTests(files, opts = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "flexboard-tests-"));
  const countFile = path.join(tmp, "count.json");
  const args = [
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    `--test-reporter=${countReporter}`,
    `--test-reporter-destination=${countFile}`,
  ];
  if (opts.concurrency) args.push(`--test-concurrency=${opts.concurrency}`);
  args.push(...files);
  try {
    const code = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: opts.cwd, stdio: ["ignore", "inherit", "inherit"] });
      child.on("error", reject);
      child.on("close", (c, signal) => resolve(signal ? 1 : (c ?? 1)));
    });
    let n = null;
    try {
      n = JSON.parse(readFileSync(countFile, "utf8"));
    } catch {
      n = null;
    }
    if (code !== 0) {
      console.error(`\ntest run failed (exit ${code})`);
      return code;
    }
    if (!n || n.tests === 0 || n.pass === 0) {
      console.error(`\nno test ran (${n ? `${n.tests} tests, ${n.pass} passed` : "no count"}): that is a failure`);
      return 1;
    }
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
