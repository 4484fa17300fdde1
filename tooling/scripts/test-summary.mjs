#!/usr/bin/env node
// Sums vitest's JSON reports (one per package) into the one plain line CI reads:
// `N passed, N failed`. Exits 1 when any test failed, any suite failed to load, or no
// report was found at all, so that a run that tested nothing is never taken for a pass.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
let brokenSuites = 0;
for (const group of ['packages', 'examples']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'reports', 'vitest.json');
    if (!existsSync(file)) continue;
    let report;
    try {
      report = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // A report cut short (a runner killed mid-write) is a failure, and the summary line
      // must still be the last line printed.
      reports += 1;
      brokenSuites += 1;
      continue;
    }
    reports += 1;
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const suite of report.testResults ?? []) {
      if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
        brokenSuites += 1;
      }
    }
  }
}
failed += brokenSuites;
const extra = skipped > 0 ? `, ${skipped} skipped` : '';
console.log(`${passed} passed, ${failed} failed${extra}`);
process.exitCode = reports === 0 || failed > 0 || passed === 0 ? 1 : 0;
