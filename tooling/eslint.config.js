// The TypeScript form of the spec's TIER 1 Clippy list (security-spec.md section 6).
// tooling/README.md maps each Clippy lint to the rule below, or says why none exists.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Package scripts run ESLint from inside each package; anchoring every pattern at the repo root
// makes `packages/<name>/...` below mean the same file wherever ESLint starts.
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const browserSafe = ['secret-buffer', 'ct-verify', 'hkdf-derive'];

// What Node gives every module without an import, for the .mjs scripts below.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'Buffer',
    'URL',
    'TextDecoder',
    'TextEncoder',
    'clearInterval',
    'clearTimeout',
    'console',
    'crypto',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

// Only these files may read process.env, because DESIGN.md makes reading it their job:
// systemd-creds reads $CREDENTIALS_DIRECTORY, the facade reads <NAME>_FILE and Secret.fromEnv,
// and the CLI reads NO_COLOR.
const envReaders = [
  'packages/systemd-creds/src/credentials-directory.ts',
  'packages/secrets-facade/src/environment.ts',
  'packages/secrets-cli/src/environment.ts',
];

const sourceRestrictions = {
  'no-console': 'error',
  'no-debugger': 'error',
  'no-eval': 'error',
  'no-new-func': 'error',
  eqeqeq: ['error', 'always'],
  '@typescript-eslint/no-non-null-assertion': 'error',
  '@typescript-eslint/no-explicit-any': 'error',
  '@typescript-eslint/no-unsafe-member-access': 'error',
  '@typescript-eslint/no-unsafe-assignment': 'error',
  '@typescript-eslint/no-unsafe-call': 'error',
  '@typescript-eslint/no-unsafe-return': 'error',
  '@typescript-eslint/no-unsafe-argument': 'error',
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/only-throw-error': 'error',
  '@typescript-eslint/switch-exhaustiveness-check': 'error',
  '@typescript-eslint/consistent-type-imports': 'error',
  '@typescript-eslint/restrict-template-expressions': [
    'error',
    {
      allowAny: false,
      allowBoolean: false,
      allowNullish: false,
      allowNumber: false,
      allowRegExp: false,
      allowNever: false,
    },
  ],
  '@typescript-eslint/restrict-plus-operands': [
    'error',
    { allowAny: false, allowBoolean: false, allowNullish: false, allowNumberAndString: false },
  ],
  'no-restricted-properties': [
    'error',
    {
      object: 'Buffer',
      property: 'allocUnsafe',
      message: 'Pooled or uninitialised memory must never hold secret bytes.',
    },
    {
      object: 'Buffer',
      property: 'allocUnsafeSlow',
      message: 'Uninitialised memory must never hold secret bytes.',
    },
    {
      object: 'Buffer',
      property: 'concat',
      message: 'Buffer.concat allocates from the shared pool; copy into a fresh Uint8Array.',
    },
    {
      object: 'process',
      property: 'env',
      message: 'Only the files DESIGN.md names may read the environment.',
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: 'TSNonNullExpression',
      message: 'Handle the missing case instead of asserting it away.',
    },
  ],
};

const config = tseslint.config(
  {
    ignores: ['**/dist/**', '**/coverage/**', '**/reports/**', '**/node_modules/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
      },
    },
  },
  {
    files: ['**/src/**/*.ts'],
    rules: sourceRestrictions,
  },
  {
    files: browserSafe.map((name) => `packages/${name}/src/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^node:',
              message: 'This package must run in any runtime with Web Crypto: no node: imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: envReaders,
    rules: {
      'no-restricted-properties': [
        'error',
        ...sourceRestrictions['no-restricted-properties']
          .slice(1)
          .filter((entry) => entry.object !== 'process'),
      ],
    },
  },
  {
    // Tests misuse the API on purpose (spreading a secret, coercing it to a string) to prove
    // that the misuse is harmless; these rules would forbid exactly those probes.
    files: ['**/test/**/*.ts', '**/bench/**/*.ts', '**/*.config.ts'],
    rules: {
      '@typescript-eslint/no-misused-spread': 'off',
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      '@typescript-eslint/no-unnecessary-template-expression': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The scripts around the packages (tooling, benchmarks, timing, the example's demo) are
    // plain JavaScript run by Node: the recommended rules, without type information.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: nodeGlobals,
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      // `delete process.env[name]` is the only way to unset a variable, which the fuzz and
      // residue harnesses do between cases.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
);

export default config.map((entry) => ({ ...entry, basePath: repoRoot }));
