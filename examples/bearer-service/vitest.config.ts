import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../tooling/vitest.shared.js';

// The example is plain JavaScript run as child processes: coverage of src/**/*.ts has nothing
// to measure here, so it stays off; the JSON report still lands in reports/vitest.json.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({ test: { coverage: { enabled: false } } }),
);
