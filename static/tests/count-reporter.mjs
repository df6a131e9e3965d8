// A node:test reporter that counts the tests that really ran. Node's own
// summary counts a file without any test as one passing test, so "tests 1"
// would hide an empty suite. Writes one JSON line: {"tests","pass","fail","skip"}.

export default async function* countReporter(source) {
  const n = { tests: 0, pass: 0, fail: 0, skip: 0 };
  for await (const ev of source) {
    if (ev.type !== "test:pass" && ev.type !== "test:fail") continue;
    const d = ev.data;
    if (d.details && d.details.type === "suite") continue;
    // The stand-in entry for a whole file that declared no test.
    if (ev.type === "test:pass" && d.file && d.name === d.file) continue;
    n.tests++;
    if (ev.type === "test:fail") n.fail++;
    else if (d.skip || d.todo) n.skip++;
    else n.pass++;
  }
  yield JSON.stringify(n) + "\n";
}
