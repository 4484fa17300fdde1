import { defineConfig, type Options } from 'tsup';

/**
 * One build for every package: ESM and CJS with their own declaration files, so that
 * `import` and `require` each resolve types of the right module kind (checked by attw).
 * Dependencies are never bundled, so every package shares the one `SecretError` class of
 * `@llorch/secret-buffer` at run time.
 */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
    ...overrides,
  });
}
