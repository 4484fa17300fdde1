import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isSecretError } from '@llorch/secret-buffer';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHexInPlace, finishKey, finishSecret, hexNibble, trimBounds } from '../src/decode.js';
import { loadKeyFileSync } from '../src/index.js';
import {
  bytesOf,
  expectFailure,
  keyForms,
  removeDir,
  tempDir,
  unique,
  writeFile,
} from './helpers.js';

let dir: string;

beforeAll(() => {
  dir = tempDir('fl-keys-');
});

afterAll(() => {
  removeDir(dir);
});

function file(content: string | Uint8Array, mode = 0o600): string {
  return writeFile(join(dir, unique('key')), content, mode);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe.each(keyForms)('key files (%s)', (_form, load) => {
  it('loads 64 hex digits as a 32-byte key, in either case, with whitespace around', async () => {
    const key = randomBytes(32);
    const digits = hex(key);
    for (const content of [digits, digits.toUpperCase(), ` \t${digits}\r\n`]) {
      const loaded = await load(file(content));
      expect(hex(bytesOf(loaded))).toBe(digits);
    }
  });

  it('decodes mixed-case digits', async () => {
    const loaded = await load(file('aAbBcCdDeEfF00112233445566778899'), { byteLength: 16 });
    expect(hex(bytesOf(loaded))).toBe('aabbccddeeff00112233445566778899');
  });

  it.each([
    ['63 digits', 'a'.repeat(63)],
    ['65 digits', 'a'.repeat(65)],
    ['a non-hex letter', `${'a'.repeat(63)}g`],
    ['a non-hex first character', `z${'a'.repeat(63)}`],
    ['whitespace inside', `${'a'.repeat(32)} ${'a'.repeat(31)}`],
    ['a 0x prefix', `0x${'a'.repeat(62)}`],
    ['a non-ASCII byte', `${'a'.repeat(62)}\u00e9`],
    ['a NUL byte', `${'a'.repeat(63)}\0`],
  ])('refuses %s with INVALID_FORMAT', async (_name, content) => {
    const error = await expectFailure(load(file(content)), 'INVALID_FORMAT', content);
    expect(error.message).toContain('64 hexadecimal digits');
  });

  it('reports a blank hex key file as EMPTY', async () => {
    await expectFailure(load(file('')), 'EMPTY');
    await expectFailure(load(file(' \n\t')), 'EMPTY');
  });

  it('ignores trim: false for hex keys', async () => {
    const key = randomBytes(32);
    const loaded = await load(file(`${hex(key)}\n`), { trim: false });
    expect(hex(bytesOf(loaded))).toBe(hex(key));
  });

  it('honours byteLength', async () => {
    const key = randomBytes(48);
    expect(hex(bytesOf(await load(file(hex(key)), { byteLength: 48 })))).toBe(hex(key));
    await expectFailure(load(file(hex(key)), { byteLength: 32 }), 'INVALID_FORMAT');
  });

  it('loads a long key without a maxBytes option', async () => {
    const key = randomBytes(4096);
    expect(hex(bytesOf(await load(file(hex(key)), { byteLength: 4096 })))).toBe(hex(key));
  });

  it('loads exactly byteLength raw bytes with encoding binary, whitespace being data', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 0x20 : i));
    const loaded = await load(file(key), { encoding: 'binary' });
    expect(Array.from(bytesOf(loaded))).toEqual(Array.from(key));
  });

  it('refuses a binary key of another length, and reports a 0-byte one as EMPTY', async () => {
    await expectFailure(load(file(randomBytes(31)), { encoding: 'binary' }), 'INVALID_FORMAT');
    const newline = Uint8Array.from([...randomBytes(32), 0x0a]);
    await expectFailure(load(file(newline), { encoding: 'binary' }), 'INVALID_FORMAT');
    await expectFailure(load(file(''), { encoding: 'binary' }), 'EMPTY');
  });

  it('applies the default key limit of 1,024 bytes', async () => {
    const padded = `${hex(randomBytes(32))}${' '.repeat(1024 - 64)}`;
    expect((await load(file(padded))).byteLength).toBe(32);
    await expectFailure(load(file(`${padded} `)), 'TOO_LARGE');
  });

  it('SEC-SECRET-021 checks key files as strictly as secret files', async () => {
    const content = hex(randomBytes(32));
    await expectFailure(load(file(content, 0o644)), 'PERMISSIONS_TOO_OPEN', content);
  });

  it.each([
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['65537', 65_537],
    ['NaN', Number.NaN],
    ["the string '32'", '32'],
    ['null', null],
  ])('SEC-SECRET-004 refuses byteLength %s with INVALID_ARGUMENT', async (_label, byteLength) => {
    await expectFailure(load(file('00'), { byteLength }), 'INVALID_ARGUMENT');
  });

  it.each([
    ["'base64'", 'base64'],
    ["'HEX'", 'HEX'],
    ['an empty string', ''],
    ['a number', 1],
    ['null', null],
  ])('refuses encoding %s', async (_label, encoding) => {
    await expectFailure(load(file('00'), { encoding }), 'INVALID_ARGUMENT');
  });
});

describe('hex decoding', () => {
  it('matches Buffer.from(hex) for every byte value and both cases', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 128 }),
        fc.array(fc.boolean()),
        (key, upper) => {
          const digits = Array.from(hex(key), (c, i) => (upper[i] === true ? c.toUpperCase() : c));
          const buffer = new TextEncoder().encode(digits.join(''));
          expect(decodeHexInPlace(buffer, 0, key.length)).toBe(true);
          expect(hex(buffer.subarray(0, key.length))).toBe(hex(key));
        },
      ),
    );
  });

  it('classifies every byte value exactly as a hex digit or not', () => {
    for (let c = 0; c < 256; c += 1) {
      const char = String.fromCharCode(c);
      const valid = /^[0-9a-fA-F]$/.test(char);
      const nibble = hexNibble(c);
      expect((nibble & 0x100) === 0, `byte ${String(c)}`).toBe(valid);
      if (valid) expect(nibble & 0x0f).toBe(Number.parseInt(char, 16));
    }
  });

  it('rejects any string with a non-hex character', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 64, maxLength: 64, unit: 'binary-ascii' }), (text) => {
        fc.pre(!/^[0-9a-fA-F]{64}$/.test(text));
        const buffer = Uint8Array.from(text, (c) => c.charCodeAt(0));
        expect(decodeHexInPlace(buffer, 0, 32)).toBe(false);
      }),
    );
  });

  it('trims on bytes exactly as String.prototype.trim does for ASCII whitespace', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\v', '\f', '\r', 'a', '\0') }),
        (text) => {
          const bytes = new TextEncoder().encode(text);
          const { start, end } = trimBounds(bytes, bytes.length);
          expect(new TextDecoder().decode(bytes.subarray(start, end))).toBe(text.trim());
        },
      ),
    );
  });
});

describe('SEC-SECRET-014 the read buffer is wiped on every path', () => {
  function filled(text: string, extra = 8): { buffer: Uint8Array; length: number } {
    const encoded = new TextEncoder().encode(text);
    const buffer = new Uint8Array(new ArrayBuffer(encoded.length + extra));
    buffer.set(encoded);
    buffer.fill(0x5a, encoded.length);
    return { buffer, length: encoded.length };
  }

  function zeroed(buffer: Uint8Array): boolean {
    return buffer.every((byte) => byte === 0);
  }

  it('SEC-SECRET-014 wipes after a secret is returned, and after EMPTY', () => {
    const ok = filled(' token ');
    const secret = finishSecret(ok.buffer, ok.length, true, '/x');
    expect(new TextDecoder().decode(bytesOf(secret))).toBe('token');
    expect(zeroed(ok.buffer)).toBe(true);
    const blank = filled(' \n ');
    expect(() => finishSecret(blank.buffer, blank.length, true, '/x')).toThrow();
    expect(zeroed(blank.buffer)).toBe(true);
  });

  it.each([
    ['a decoded hex key', 'ab'.repeat(32), 'hex', true],
    ['a key with a bad digit', `${'ab'.repeat(31)}zz`, 'hex', false],
    ['a key of the wrong length', 'ab'.repeat(31), 'hex', false],
    ['a blank key', '   ', 'hex', false],
    ['a binary key', 'b'.repeat(32), 'binary', true],
    ['a binary key of the wrong length', 'b'.repeat(33), 'binary', false],
  ] as const)('SEC-SECRET-014 wipes after %s', (_name, text, encoding, succeeds) => {
    const { buffer, length } = filled(text);
    const run = (): unknown => finishKey(buffer, length, { byteLength: 32, encoding }, '/x');
    if (succeeds) {
      expect(run()).toBeDefined();
    } else {
      expect(run).toThrow();
    }
    expect(zeroed(buffer)).toBe(true);
  });

  it('SEC-SECRET-014 the returned secret does not share memory with the read buffer', () => {
    const { buffer, length } = filled('ab'.repeat(32));
    const key = finishKey(buffer, length, { byteLength: 32, encoding: 'hex' }, '/x');
    expect(hex(bytesOf(key))).toBe('ab'.repeat(32));
    key.expose((bytes) => {
      expect(bytes.buffer).not.toBe(buffer.buffer);
    });
  });

  it('SEC-SECRET-012 a failed key load names no digit of the key', () => {
    const content = `${'c0ffee'.repeat(10)}zzzz`;
    const path = file(content);
    let caught: unknown;
    try {
      loadKeyFileSync(path);
    } catch (error) {
      caught = error;
    }
    expect(isSecretError(caught, 'INVALID_FORMAT')).toBe(true);
    expect(JSON.stringify(caught)).not.toContain('c0ffee');
    expect(String(caught)).not.toContain('c0ffee');
  });
});
