import { defineConfig } from 'vitest/config';

/**
 * Every package runs its tests with the same reporters: the console, a JSON report that
 * `.ci/run` sums into one `N passed, N failed` line, and v8 coverage for the audit report.
 */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
    },
  },
});
