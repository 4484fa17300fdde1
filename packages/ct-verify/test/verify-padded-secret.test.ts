import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyPaddedSecret, verifySecret } from '../src/index.js';
import { notUint8Arrays } from './hostile-values.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const call = verifyPaddedSecret as (
  window: unknown,
  length: unknown,
  candidate: unknown,
) => unknown;

// The secret at the start of a power-of-two window, the rest filled with `filler`: what the
// window holds past the secret must never change an answer.
function windowOf(secret: Uint8Array, filler: number, minimum = 1): Uint8Array {
  let size = Math.max(minimum, 1);
  while (size < secret.length) size *= 2;
  const window = new Uint8Array(size).fill(filler);
  window.set(secret);
  return window;
}

describe('verifyPaddedSecret', () => {
  it('SEC-SECRET-030: accepts the secret itself, as bytes or as its UTF-8 string', () => {
    const secret = utf8('s3cr3t-token');
    const window = windowOf(secret, 0, 64);
    expect(verifyPaddedSecret(window, secret.length, 's3cr3t-token')).toBe(true);
    expect(verifyPaddedSecret(window, secret.length, utf8('s3cr3t-token'))).toBe(true);
    expect(verifyPaddedSecret(window, secret.length, 's3cr3t-tokem')).toBe(false);
    expect(verifyPaddedSecret(window, secret.length, 's3cr3t-token\0')).toBe(false);
    expect(verifyPaddedSecret(window, secret.length, 's3cr3t-toke')).toBe(false);
  });

  it('SEC-SECRET-031: agrees with verifySecret on any secret, candidate and padding', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70 }),
        fc.uint8Array({ maxLength: 140 }),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(1, 16, 64, 128),
        fc.boolean(),
        (secret, other, filler, minimum, same) => {
          const window = windowOf(secret, filler, minimum);
          // Candidates that run into the padding, made of the padding's own byte, are the
          // ones that would match if the padding were compared.
          const padded = Uint8Array.from(window.subarray(0, secret.length + 3));
          for (const candidate of [same ? new Uint8Array(secret) : other, padded]) {
            expect(verifyPaddedSecret(window, secret.length, candidate)).toBe(
              verifySecret(secret, candidate),
            );
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('SEC-SECRET-031: agrees with verifySecret on any string candidate, ASCII or not', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (a, b) => {
          const secret = utf8(a);
          const window = windowOf(secret, 0x61, 32);
          expect(verifyPaddedSecret(window, secret.length, b)).toBe(verifySecret(secret, b));
          expect(verifyPaddedSecret(window, secret.length, a)).toBe(secret.length > 0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('SEC-SECRET-032: rejects a one-bit difference at every position of every length up to 70', () => {
    for (let length = 1; length <= 70; length++) {
      const secret = new Uint8Array(length).map((_, i) => (i * 53 + 7) & 0xff);
      const window = windowOf(secret, 0, 64);
      for (let position = 0; position < length; position++) {
        const candidate = new Uint8Array(secret);
        candidate[position] = (candidate[position] ?? 0) ^ 0x01;
        expect(verifyPaddedSecret(window, length, candidate)).toBe(false);
      }
      expect(verifyPaddedSecret(window, length, new Uint8Array(secret))).toBe(true);
    }
  });

  it('reads the window past its length for long candidates, and still says false', () => {
    const window = windowOf(utf8('abcd'), 0, 4);
    expect(verifyPaddedSecret(window, 4, 'abcd')).toBe(true);
    expect(verifyPaddedSecret(window, 4, 'abcdabcd')).toBe(false);
    expect(verifyPaddedSecret(window, 4, 'abcd'.repeat(300))).toBe(false);
  });

  it('an empty secret matches nothing, whatever the window holds', () => {
    const window = new Uint8Array(8);
    expect(verifyPaddedSecret(window, 0, '')).toBe(false);
    expect(verifyPaddedSecret(window, 0, new Uint8Array(0))).toBe(false);
    expect(verifyPaddedSecret(window, 0, new Uint8Array(8))).toBe(false);
  });

  it.each([
    ['a window of length 0', new Uint8Array(0), 0],
    ['a window of length 3', new Uint8Array(3), 2],
    ['a window of length 48', new Uint8Array(48), 2],
    ['a secret longer than its window', new Uint8Array(4), 5],
    ['a negative length', new Uint8Array(4), -1],
    ['a fractional length', new Uint8Array(4), 1.5],
    ['a NaN length', new Uint8Array(4), Number.NaN],
    ['a string length', new Uint8Array(4), '2'],
    ['a bigint length', new Uint8Array(4), 2n],
  ])('SEC-SECRET-001: returns false, never throws, for %s', (_name, window, length) => {
    expect(call(window, length, new Uint8Array(2))).toBe(false);
    expect(call(window, length, '')).toBe(false);
  });

  it.each(notUint8Arrays())(
    'SEC-SECRET-001: returns false, never throws, for %s',
    (_name, value) => {
      expect(call(value, 3, new Uint8Array([1, 2, 3]))).toBe(false);
      expect(call(new Uint8Array([1, 2, 3, 0]), 3, value)).toBe(false);
    },
  );

  it('SEC-SECRET-001: any three values at all give a boolean and never throw', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (window, length, candidate) => {
        expect(typeof call(window, length, candidate)).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
