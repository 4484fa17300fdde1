// The comparison functions answer false for anything malformed and never throw (DESIGN.md).
import { bytes, fc, junk, sameBytes, text, isU8 } from '../lib.mjs';

const PKG = 'ct-verify';
const needs = { [PKG]: ['constantTimeEqual', 'verifySecret'] };

// Pairs that are often equal, or equal but for one byte, so the oracle sees both answers.
const pair = () =>
  fc.oneof(
    fc.tuple(bytes(80), bytes(80)),
    bytes(80).map((a) => [a, Uint8Array.from(a)]),
    fc
      .tuple(
        bytes(80).filter((a) => a.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
      )
      .map(([a, at, delta]) => {
        const b = Uint8Array.from(a);
        b[at % b.length] = (b[at % b.length] + delta) % 256;
        return [a, b];
      }),
    fc.tuple(fc.oneof(bytes(), junk()), fc.oneof(bytes(), junk(), text())),
  );

// The oracle's answer for verifySecret and verifyPaddedSecret: the candidate's UTF-8 (or own)
// bytes equal a non-empty secret's.
function expectedMatch(secret, candidate) {
  const candidateBytes =
    typeof candidate === 'string'
      ? new TextEncoder().encode(candidate)
      : isU8(candidate)
        ? candidate
        : undefined;
  return (
    isU8(secret) &&
    secret.length > 0 &&
    candidateBytes !== undefined &&
    sameBytes(secret, candidateBytes)
  );
}

const redactPair = ([a, b]) =>
  [a, b].map((v) =>
    isU8(v)
      ? `<${String(v.length)} bytes>`
      : typeof v === 'string'
        ? `<string of ${String(v.length)}>`
        : v,
  );

// A secret in a power-of-two window with junk after it, or a malformed window or length.
const windowed = () =>
  fc.oneof(
    fc
      .tuple(pair(), fc.integer({ min: 0, max: 255 }), fc.constantFrom(1, 64, 256))
      .map(([[secret, candidate], filler, minimum]) => {
        if (!isU8(secret)) return { window: secret, length: 3, candidate, secret };
        let size = minimum;
        while (size < secret.length) size *= 2;
        const window = new Uint8Array(size).fill(filler);
        window.set(secret);
        return { window, length: secret.length, candidate, secret };
      }),
    fc
      .tuple(fc.oneof(bytes(), junk()), fc.oneof(fc.integer(), junk()), fc.oneof(bytes(), text()))
      .map(([window, length, candidate]) => ({ window, length, candidate, secret: undefined })),
  );

export const targets = [
  {
    name: 'constantTimeEqual',
    pkg: PKG,
    needs,
    neverThrows: true,
    arbitrary: pair,
    call: (ctx, [a, b]) => ctx.mods[PKG].constantTimeEqual(a, b),
    check: (ctx, result, [a, b]) => {
      if (typeof result !== 'boolean') return 'did not return a boolean';
      const isBytes = (v) => isU8(v);
      const expected = isBytes(a) && isBytes(b) && sameBytes(a, b);
      return result === expected
        ? undefined
        : `returned ${String(result)}, expected ${String(expected)}`;
    },
    redact: redactPair,
  },
  {
    name: 'verifySecret',
    pkg: PKG,
    needs,
    neverThrows: true,
    arbitrary: () =>
      fc.oneof(
        pair(),
        text(40).map((s) => [new TextEncoder().encode(s), s]),
        fc.tuple(bytes(), text(40)),
      ),
    call: (ctx, [secret, candidate]) => ctx.mods[PKG].verifySecret(secret, candidate),
    check: (ctx, result, [secret, candidate]) => {
      if (typeof result !== 'boolean') return 'did not return a boolean';
      const expected = expectedMatch(secret, candidate);
      return result === expected
        ? undefined
        : `returned ${String(result)}, expected ${String(expected)}`;
    },
    redact: redactPair,
  },
  {
    name: 'verifyPaddedSecret',
    pkg: PKG,
    needs: { [PKG]: ['verifyPaddedSecret'] },
    neverThrows: true,
    arbitrary: windowed,
    call: (ctx, { window, length, candidate }) =>
      ctx.mods[PKG].verifyPaddedSecret(window, length, candidate),
    // A well-formed window answers as verifySecret of its first `length` bytes would; a
    // malformed one (its length not a power of two, a length past it) answers false.
    check: (ctx, result, { window, length, candidate, secret }) => {
      if (typeof result !== 'boolean') return 'did not return a boolean';
      const wellFormed =
        isU8(window) &&
        window.length > 0 &&
        (window.length & (window.length - 1)) === 0 &&
        Number.isInteger(length) &&
        length >= 0 &&
        length <= window.length;
      const expected = wellFormed
        ? expectedMatch(secret ?? window.subarray(0, length), candidate)
        : false;
      return result === expected
        ? undefined
        : `returned ${String(result)}, expected ${String(expected)}`;
    },
    redact: ({ window, candidate }) => redactPair([window, candidate]),
  },
];
