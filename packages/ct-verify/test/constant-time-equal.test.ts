import { timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../src/index.js';
import {
  detachedUint8Array,
  foreignUint8Array,
  LyingUint8Array,
  notUint8Arrays,
  arbitraryHostileValues,
} from './hostile-values.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('constantTimeEqual', () => {
  it('SEC-SECRET-030: returns true for equal arrays and false for different ones', () => {
    expect(constantTimeEqual(bytes(1, 2, 3), bytes(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(bytes(1, 2, 3), bytes(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(bytes(0), bytes(0))).toBe(true);
    expect(constantTimeEqual(bytes(0), bytes(0x80))).toBe(false);
  });

  it('SEC-SECRET-032: finds a one-bit difference at every position of every length up to 70', () => {
    for (let length = 1; length <= 70; length++) {
      const a = new Uint8Array(length).map((_, i) => (i * 37 + 11) & 0xff);
      for (let position = 0; position < length; position++) {
        for (const bit of [0x01, 0x80]) {
          const b = new Uint8Array(a);
          b[position] = (b[position] ?? 0) ^ bit;
          expect(constantTimeEqual(a, b)).toBe(false);
        }
      }
      expect(constantTimeEqual(a, new Uint8Array(a))).toBe(true);
    }
  });

  it('SEC-SECRET-032: accumulates differences with no early exit inside its loops', () => {
    // The timing script measures this; the source is checked too, so that a refactor that
    // adds a `return` or `break` to a loop fails here first.
    const source = constantTimeEqual.toString();
    const loops = source.match(/for \([^)]*\) \{[^}]*\}|for \([^)]*\)[^;{]*;/g) ?? [];
    expect(loops.length).toBe(2);
    for (const loop of loops) expect(loop).not.toMatch(/\b(return|break|if)\b/);
  });

  it('SEC-SECRET-031: agrees with crypto.timingSafeEqual on any pair of equal-length arrays', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 300 })
          .chain((length) =>
            fc.tuple(
              fc.uint8Array({ minLength: length, maxLength: length }),
              fc.uint8Array({ minLength: length, maxLength: length }),
            ),
          ),
        fc.boolean(),
        ([a, b], copy) => {
          const other = copy ? new Uint8Array(a) : b;
          expect(constantTimeEqual(a, other)).toBe(timingSafeEqual(a, other));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('SEC-SECRET-033: arrays of different lengths are never equal (the length may short-circuit)', () => {
    expect(constantTimeEqual(bytes(1, 2, 3), bytes(1, 2))).toBe(false);
    expect(constantTimeEqual(bytes(1, 2), bytes(1, 2, 3))).toBe(false);
    expect(constantTimeEqual(bytes(), bytes(0))).toBe(false);
    expect(constantTimeEqual(bytes(1, 2, 3), bytes(1, 2, 3, 0))).toBe(false);
  });

  it('two empty arrays are equal', () => {
    expect(constantTimeEqual(bytes(), bytes())).toBe(true);
  });

  it('compares Buffers, views with an offset and arrays from another realm by their bytes', () => {
    const backing = bytes(9, 1, 2, 3, 9);
    expect(constantTimeEqual(backing.subarray(1, 4), bytes(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), bytes(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(foreignUint8Array([1, 2, 3]), bytes(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(foreignUint8Array([1, 2, 3]), bytes(1, 2, 4))).toBe(false);
  });

  it('reads a subclass through its internal slots, whatever its overrides claim', () => {
    expect(constantTimeEqual(LyingUint8Array.from([1, 2, 3]), bytes())).toBe(false);
    expect(constantTimeEqual(LyingUint8Array.from([1, 2, 3]), bytes(1, 2, 3))).toBe(true);
  });

  it('treats a detached array as empty', () => {
    expect(constantTimeEqual(detachedUint8Array(), bytes())).toBe(true);
    expect(constantTimeEqual(detachedUint8Array(), bytes(1, 2, 3))).toBe(false);
  });

  it('does not modify either argument', () => {
    const a = bytes(1, 2, 3);
    const b = bytes(1, 2, 4);
    constantTimeEqual(a, b);
    expect([...a, ...b]).toEqual([1, 2, 3, 1, 2, 4]);
  });

  it.each(notUint8Arrays())(
    'SEC-SECRET-001: returns false, never throws, for %s on either side',
    (_name, value) => {
      const real = bytes(1, 2, 3);
      const call = constantTimeEqual as (a: unknown, b: unknown) => unknown;
      expect(call(value, real)).toBe(false);
      expect(call(real, value)).toBe(false);
      expect(call(value, value)).toBe(false);
    },
  );

  it('SEC-SECRET-001: any two values at all give a boolean and never throw', () => {
    const call = constantTimeEqual as (a: unknown, b: unknown) => unknown;
    const value = fc.oneof(
      fc.anything(),
      fc.uint8Array(),
      fc.constantFrom(...arbitraryHostileValues()),
    );
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(typeof call(a, b)).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('ignores later tampering with the prototypes it relies on', () => {
    const prototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
    const tag = Object.getOwnPropertyDescriptor(prototype, Symbol.toStringTag);
    const byteLength = Object.getOwnPropertyDescriptor(prototype, 'byteLength');
    try {
      Object.defineProperty(prototype, Symbol.toStringTag, { get: () => 'Uint8Array' });
      Object.defineProperty(prototype, 'byteLength', { get: () => 0 });
      expect(
        constantTimeEqual(new Uint16Array(2) as unknown as Uint8Array, bytes(0, 0, 0, 0)),
      ).toBe(false);
      expect(constantTimeEqual(bytes(1, 2), bytes(1, 3))).toBe(false);
    } finally {
      Object.defineProperty(prototype, Symbol.toStringTag, tag!);
      Object.defineProperty(prototype, 'byteLength', byteLength!);
    }
  });
});
