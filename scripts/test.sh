#!/usr/bin/env bash
# The project's test command (as root: fleet tests create network namespaces and daemons).
#
#   scripts/test.sh [jest path filters…]
#
# Installs what is missing (scripts/install-deps.sh), runs the unit tests in parallel, then
# the fleet tests one at a time against the test fleet (test/fleet/setup.ts brings it up),
# and ends with one line computed from Jest's JSON results:
#
#   tests: N passed, N failed, N skipped
#
# Exits non-zero when anything failed, a suite could not run, or no test ran at all.
set -uo pipefail

root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"

bash scripts/install-deps.sh || { echo "tests: 0 passed, 0 failed (scripts/install-deps.sh failed)"; exit 1; }

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# Unit tests: two workers, the machine has two cores. Fleet tests share one fleet: serially.
npx jest --selectProjects unit --maxWorkers=2 --passWithNoTests --json --outputFile="$results/unit.json" "$@"
npx jest --selectProjects fleet --runInBand --passWithNoTests --json --outputFile="$results/fleet.json" "$@"

node - "$results" <<'JS'
const { existsSync, readFileSync } = require("node:fs");
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
for (const project of ["unit", "fleet"]) {
  const file = `${dir}/${project}.json`;
  if (!existsSync(file)) {
    // Jest wrote no results: its global setup (e.g. bringing up the fleet) failed.
    console.log(`${project} tests did not run (no Jest results); counted as 1 failed`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  // A suite that fails to load has no failed tests of its own but must not pass unnoticed.
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped += r.numPendingTests + r.numTodoTests;
  if (r.numRuntimeErrorTestSuites) console.log(`${project}: ${r.numRuntimeErrorTestSuites} suite(s) could not run`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
JS
