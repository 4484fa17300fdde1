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
    redact: ([a, b]) =>
      [a, b].map((v) =>
        isU8(v)
          ? `<${String(v.length)} bytes>`
          : typeof v === 'string'
            ? `<string of ${String(v.length)}>`
            : v,
      ),
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
      const candidateBytes =
        typeof candidate === 'string'
          ? new TextEncoder().encode(candidate)
          : isU8(candidate)
            ? candidate
            : undefined;
      const expected =
        isU8(secret) &&
        secret.length > 0 &&
        candidateBytes !== undefined &&
        sameBytes(secret, candidateBytes);
      return result === expected
        ? undefined
        : `returned ${String(result)}, expected ${String(expected)}`;
    },
    redact: ([a, b]) =>
      [a, b].map((v) =>
        isU8(v)
          ? `<${String(v.length)} bytes>`
          : typeof v === 'string'
            ? `<string of ${String(v.length)}>`
            : v,
      ),
  },
];
