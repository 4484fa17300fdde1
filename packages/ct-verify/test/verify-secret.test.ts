import { timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { verifySecret } from '../src/index.js';
import {
  detachedUint8Array,
  foreignUint8Array,
  LyingUint8Array,
  notUint8Arrays,
  arbitraryHostileValues,
} from './hostile-values.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new TextEncoder().encode(text);
const call = verifySecret as (secret: unknown, candidate: unknown) => unknown;

describe('verifySecret', () => {
  it('SEC-SECRET-030: accepts the secret itself, as bytes or as its UTF-8 string', () => {
    const secret = utf8('s3cr3t-token');
    expect(verifySecret(secret, utf8('s3cr3t-token'))).toBe(true);
    expect(verifySecret(secret, 's3cr3t-token')).toBe(true);
    expect(verifySecret(secret, Buffer.from('s3cr3t-token'))).toBe(true);
    expect(verifySecret(secret, 's3cr3t-tokem')).toBe(false);
    expect(verifySecret(secret, utf8('S3cr3t-token'))).toBe(false);
  });

  it('SEC-SECRET-032: rejects a one-bit difference at every position of every length up to 70', () => {
    for (let length = 1; length <= 70; length++) {
      const secret = new Uint8Array(length).map((_, i) => (i * 53 + 7) & 0xff);
      for (let position = 0; position < length; position++) {
        for (const bit of [0x01, 0x80]) {
          const candidate = new Uint8Array(secret);
          candidate[position] = (candidate[position] ?? 0) ^ bit;
          expect(verifySecret(secret, candidate)).toBe(false);
        }
      }
      expect(verifySecret(secret, new Uint8Array(secret))).toBe(true);
    }
  });

  it('rejects every candidate of another length: prefixes, extensions and repetitions', () => {
    const secret = utf8('0123456789abcdef');
    const text = '0123456789abcdef';
    for (let cut = 0; cut < text.length; cut++) {
      expect(verifySecret(secret, text.slice(0, cut))).toBe(false);
      expect(verifySecret(secret, utf8(text.slice(0, cut)))).toBe(false);
    }
    // Candidates longer than the secret read it from the start again: none of them matches.
    expect(verifySecret(secret, text + text)).toBe(false);
    expect(verifySecret(secret, text + text + text.slice(0, 3))).toBe(false);
    expect(verifySecret(secret, `${text}\0`)).toBe(false);
    expect(verifySecret(secret, `\0${text}`)).toBe(false);
    expect(verifySecret(bytes(7), bytes(7, 7, 7, 7, 7))).toBe(false);
    expect(verifySecret(bytes(7, 7, 7, 7, 7), bytes(7))).toBe(false);
  });

  it('an empty secret matches nothing, not even an empty candidate', () => {
    expect(verifySecret(bytes(), bytes())).toBe(false);
    expect(verifySecret(bytes(), '')).toBe(false);
    expect(verifySecret(bytes(), bytes(0))).toBe(false);
    expect(verifySecret(bytes(), '\0')).toBe(false);
    expect(verifySecret(detachedUint8Array(), bytes())).toBe(false);
  });

  it('an empty candidate matches no secret', () => {
    expect(verifySecret(bytes(0), bytes())).toBe(false);
    expect(verifySecret(bytes(1, 2, 3), '')).toBe(false);
  });

  it('encodes string candidates as TextEncoder does, lone surrogates included', () => {
    for (const text of [
      'pässwörd',
      '令牌',
      '🔑 key',
      'a\uD800b',
      '\uDC00',
      'x\uD83D',
      '\u0000\u007F\u0080\u07FF\u0800\uFFFF',
    ]) {
      expect(verifySecret(utf8(text), text)).toBe(true);
    }
    // A lone surrogate becomes U+FFFD, so it matches the bytes EF BF BD.
    expect(verifySecret(bytes(0xef, 0xbf, 0xbd), '\uD800')).toBe(true);
    expect(verifySecret(bytes(0xed, 0xa0, 0x80), '\uD800')).toBe(false);
    // Latin-1 is not UTF-8: 'é' is C3 A9, never E9.
    expect(verifySecret(bytes(0xe9), 'é')).toBe(false);
  });

  it('handles string candidates longer than its shared scratch buffer', () => {
    const long = '€'.repeat(5000) + 'end';
    expect(verifySecret(utf8(long), long)).toBe(true);
    expect(verifySecret(utf8(long), long.slice(0, -1) + 'x')).toBe(false);
    // A short check after a long one still sees only its own bytes.
    expect(verifySecret(utf8('end'), 'end')).toBe(true);
  });

  it('zeroes its UTF-8 copy of a non-ASCII string candidate, and makes none of an ASCII one', () => {
    // The copy lives in a module-private scratch buffer; the spy sees the array that
    // verifySecret zeroes, and the test then checks that array, so removing the wipe (or
    // wiping the wrong range) fails here.
    const zeroed: Uint8Array[] = [];
    const fill = Uint8Array.prototype.fill;
    const spy = vi.spyOn(Uint8Array.prototype, 'fill').mockImplementation(function (
      this: Uint8Array,
      ...args: Parameters<Uint8Array['fill']>
    ) {
      zeroed.push(this);
      return fill.apply(this, args);
    });
    try {
      // ASCII, as every bearer token is: compared code unit by code unit, nothing copied.
      expect(verifySecret(utf8('s3cr3t-token'), 's3cr3t-token')).toBe(true);
      expect(zeroed).toHaveLength(0);
      expect(verifySecret(utf8('pässwörd'), 'pässwörd')).toBe(true);
      expect(verifySecret(utf8('abc'), '€'.repeat(2000))).toBe(false);
    } finally {
      spy.mockRestore();
    }
    expect(zeroed).toHaveLength(2);
    for (const scratch of zeroed) expect(scratch.every((byte) => byte === 0)).toBe(true);
    // The first is the shared scratch buffer; the second, a buffer of its own for a
    // candidate too long for it.
    expect(zeroed[0]?.byteLength).toBe(3072);
    expect(zeroed[1]?.byteLength).toBe(6000);
  });

  it('compares ASCII and non-ASCII string candidates the same way, at every length', () => {
    // The ASCII path compares code units; a single character past 0x7F anywhere sends the
    // whole candidate through UTF-8 encoding instead. Both must agree with TextEncoder.
    for (let length = 0; length <= 40; length++) {
      const ascii = 'k'.repeat(length);
      expect(verifySecret(utf8(ascii), ascii)).toBe(length > 0);
      for (let at = 0; at < length; at++) {
        const wide = `${ascii.slice(0, at)}é${ascii.slice(at + 1)}`;
        expect(verifySecret(utf8(wide), wide)).toBe(true);
        expect(verifySecret(utf8(ascii), wide)).toBe(false);
        expect(verifySecret(utf8(wide), ascii)).toBe(false);
        // 'é' is C3 A9 in UTF-8; its code unit E9 alone must never match.
        const latin1 = new Uint8Array(utf8(ascii));
        latin1[at] = 0xe9;
        expect(verifySecret(latin1, wide)).toBe(false);
      }
    }
  });

  it('compares a string candidate as exactly its own bytes after a longer one', () => {
    expect(verifySecret(utf8('abcdef'), 'abcdef')).toBe(true);
    expect(verifySecret(bytes(0, 0, 0), '\0\0\0')).toBe(true);
    expect(verifySecret(utf8('abc'), '\0\0\0')).toBe(false);
  });

  it('compares Buffers, views with an offset and arrays from another realm by their bytes', () => {
    const backing = bytes(9, 1, 2, 3, 9);
    expect(verifySecret(backing.subarray(1, 4), bytes(1, 2, 3))).toBe(true);
    expect(verifySecret(bytes(1, 2, 3), backing.subarray(1, 4))).toBe(true);
    expect(verifySecret(foreignUint8Array([1, 2, 3]), bytes(1, 2, 3))).toBe(true);
    expect(verifySecret(bytes(1, 2, 3), foreignUint8Array([1, 2, 3]))).toBe(true);
  });

  it('reads a subclass through its internal slots, whatever its overrides claim', () => {
    expect(verifySecret(LyingUint8Array.from([1, 2, 3]), bytes(1, 2, 3))).toBe(true);
    expect(verifySecret(bytes(1, 2, 3), LyingUint8Array.from([1, 2, 3]))).toBe(true);
    expect(verifySecret(LyingUint8Array.from([1, 2, 3]), bytes())).toBe(false);
  });

  it('does not modify the secret or the candidate', () => {
    const secret = bytes(1, 2, 3);
    const candidate = bytes(1, 2, 3);
    expect(verifySecret(secret, candidate)).toBe(true);
    expect([...secret, ...candidate]).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('SEC-SECRET-031: agrees with crypto.timingSafeEqual plus a length check on any input', () => {
    const reference = (secret: Uint8Array, candidate: Uint8Array) =>
      secret.length > 0 && secret.length === candidate.length && timingSafeEqual(secret, candidate);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 80 }),
        (secret, other) => {
          expect(verifySecret(secret, other)).toBe(reference(secret, other));
          expect(verifySecret(secret, new Uint8Array(secret))).toBe(secret.length > 0);
          const prefix = other.subarray(0, secret.length);
          expect(verifySecret(secret, prefix)).toBe(reference(secret, prefix));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('SEC-SECRET-031: agrees with TextEncoder plus timingSafeEqual on any string candidate', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (a, b) => {
          const secret = utf8(a);
          const encoded = utf8(b);
          const expected =
            secret.length > 0 &&
            secret.length === encoded.length &&
            timingSafeEqual(secret, encoded);
          expect(verifySecret(secret, b)).toBe(expected);
          expect(verifySecret(secret, a)).toBe(secret.length > 0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each(notUint8Arrays())(
    'SEC-SECRET-001: returns false, never throws, for %s',
    (_name, value) => {
      expect(call(value, bytes(1, 2, 3))).toBe(false);
      expect(call(bytes(1, 2, 3), value)).toBe(false);
      expect(call(value, value)).toBe(false);
      expect(call(value, '\u0001\u0002\u0003')).toBe(false);
    },
  );

  it('SEC-SECRET-001: a string secret is the wrong type', () => {
    expect(call('abc', 'abc')).toBe(false);
    expect(call('abc', utf8('abc'))).toBe(false);
  });

  it('SEC-SECRET-001: any two values at all give a boolean and never throw', () => {
    const value = fc.oneof(
      fc.anything(),
      fc.uint8Array(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(...arbitraryHostileValues()),
    );
    fc.assert(
      fc.property(value, value, (secret, candidate) => {
        expect(typeof call(secret, candidate)).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
