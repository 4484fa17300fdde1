import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../tooling/vitest.shared.js';

export default mergeConfig(sharedTestConfig, defineConfig({}));
