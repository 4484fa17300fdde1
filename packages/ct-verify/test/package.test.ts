import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('@llorch/ct-verify as a package', () => {
  it('exports exactly constantTimeEqual, verifyPaddedSecret and verifySecret', () => {
    expect(Object.keys(api).sort()).toEqual([
      'constantTimeEqual',
      'verifyPaddedSecret',
      'verifySecret',
    ]);
  });

  it('has no runtime dependencies at all', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      expect(manifest[field] ?? {}).toEqual({});
    }
  });

  it('imports nothing: no node: module, no other package, so it runs in any runtime', () => {
    for (const file of readdirSync(join(packageDir, 'src'))) {
      // Doc comments may show an import of this package; only code counts.
      const source = readFileSync(join(packageDir, 'src', file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'/g)].map(
        (match) => match[1] ?? match[2],
      );
      for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[\w-]+\.js$/);
      expect(source).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\./);
    }
  });
});
