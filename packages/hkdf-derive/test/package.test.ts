import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};

describe('@llorch/hkdf-derive as a package', () => {
  it('exports deriveKey and its length limits', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_KEY_BYTES',
      'MAX_KEY_BYTES',
      'MIN_KEY_BYTES',
      'deriveKey',
    ]);
  });

  it('SEC-SECRET-040: depends on @llorch/secret-buffer and @noble/hashes 2.4.0 only', () => {
    expect(manifest.dependencies).toEqual({
      '@llorch/secret-buffer': 'workspace:^',
      '@noble/hashes': '2.4.0',
    });
  });

  it('imports no node: module, so it runs wherever Web Crypto does', () => {
    for (const file of readdirSync(join(packageDir, 'src'))) {
      const code = readFileSync(join(packageDir, 'src', file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      const specifiers = [...code.matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1]);
      for (const specifier of specifiers) {
        expect(specifier).toMatch(
          /^(\.\/[\w-]+\.js|@llorch\/secret-buffer|@noble\/hashes\/(hkdf|hmac|sha2)\.js)$/,
        );
      }
      expect(code).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\./);
    }
  });
});
