import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSecretError, type SecretBuffer } from '@llorch/secret-buffer';
import { describe, expect, it } from 'vitest';
import { deriveKey } from '../src/index.js';

// The known-answer files live outside the package, in the shared directory beside the
// repository (CI checks it out at ../shared). They are read at run time from there, and a
// missing file fails this suite: known-answer tests that quietly skip prove nothing.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sharedDir = resolve(repoRoot, '../shared');

function readVectors(relative: string): unknown {
  const file = join(sharedDir, 'vectors', relative);
  if (!existsSync(file)) {
    throw new Error(
      `known-answer vectors missing: ${file} (expected ../shared beside the repository)`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

interface RfcCase {
  case: number;
  ikm: string;
  salt: string;
  info: string;
  length: number;
  prk: string;
  okm: string;
}
interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofFile {
  algorithm: string;
  numberOfTests: number;
  testGroups: { tests: WycheproofTest[] }[];
}

const rfc = readVectors('rfc5869-sha256.json') as { tests: RfcCase[] };
const wycheproof = readVectors('wycheproof/hkdf_sha256_test.json') as WycheproofFile;

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (key: SecretBuffer) => key.expose((bytes) => Buffer.from(bytes).toString('hex'));

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('RFC 5869 appendix A (HKDF-SHA256)', () => {
  const byCase = (n: number) => {
    const found = rfc.tests.find((test) => test.case === n);
    if (found === undefined) throw new Error(`RFC 5869 case ${String(n)} missing from the vectors`);
    return found;
  };

  it.each([1, 2])('SEC-SECRET-040: case %i is reproduced byte for byte', (n) => {
    const test = byCase(n);
    using key = deriveKey(hex(test.ikm), hex(test.info), {
      salt: hex(test.salt),
      byteLength: test.length,
    });
    expect(key.byteLength).toBe(test.length);
    expect(toHex(key)).toBe(test.okm);
  });

  it('SEC-SECRET-041: case 3 is refused: its info, the domain, is empty', () => {
    const test = byCase(3);
    expect(test.info).toBe('');
    const error = refusal(() =>
      deriveKey(hex(test.ikm), hex(test.info), { salt: hex(test.salt), byteLength: test.length }),
    );
    expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('Wycheproof HKDF-SHA256 (C2SP/wycheproof)', () => {
  const all = wycheproof.testGroups.flatMap((group) => group.tests);
  const fits = (test: WycheproofTest) =>
    test.info.length > 0 && test.size >= 32 && test.size <= 8160;
  const usable = all.filter((test) => test.result === 'valid' && fits(test));
  const outside = all.filter((test) => test.result === 'valid' && !fits(test));
  const invalid = all.filter((test) => test.result !== 'valid');

  it('holds the vectors this suite expects', () => {
    expect(wycheproof.algorithm).toBe('HKDF-SHA-256');
    expect(all).toHaveLength(wycheproof.numberOfTests);
    expect(usable).toHaveLength(43);
    expect(outside).toHaveLength(40);
    expect(invalid.map((test) => test.size)).toEqual([8161, 8161, 8161]);
  });

  it.each(usable.map((test) => [test.tcId, test.comment, test] as const))(
    'SEC-SECRET-040: vector %i (%s) is reproduced byte for byte',
    (_id, _comment, test) => {
      using key = deriveKey(hex(test.ikm), hex(test.info), {
        salt: hex(test.salt),
        byteLength: test.size,
      });
      expect(toHex(key)).toBe(test.okm);
    },
  );

  it.each(invalid.map((test) => [test.tcId, test.size, test] as const))(
    'SEC-SECRET-004: vector %i, of size %i past 255 blocks, is refused',
    (_id, _size, test) => {
      const error = refusal(() =>
        deriveKey(hex(test.ikm), hex(test.info), { salt: hex(test.salt), byteLength: test.size }),
      );
      expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
    },
  );

  it('SEC-SECRET-042: vectors outside the API (empty info, or fewer than 32 bytes) are refused', () => {
    for (const test of outside) {
      const error = refusal(() =>
        deriveKey(hex(test.ikm), hex(test.info), { salt: hex(test.salt), byteLength: test.size }),
      );
      expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
