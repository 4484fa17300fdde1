import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SECRET_ERROR_CODES,
  SecretBuffer,
  SecretError,
  isSecretError,
  isUint8Array,
  trueByteLength,
  wipe,
} from '../src/index.js';
import { anyInput, resolve } from './hostile-values.js';

type Outcome = 'returned' | 'secret-error' | 'other-error';

function outcomeOf(run: () => unknown): Outcome {
  try {
    run();
    return 'returned';
  } catch (error) {
    return isSecretError(error) ? 'secret-error' : 'other-error';
  }
}

const RUNS = { numRuns: 2_000 };
const asAny = (input: unknown) =>
  (typeof input === 'object' && input !== null && ('value' in input || 'hostile' in input)
    ? resolve(input as never)
    : input) as never;

describe('every public function returns or throws SecretError, whatever it is given', () => {
  it('SEC-SECRET-001 SecretBuffer.from', () => {
    fc.assert(
      fc.property(anyInput, anyInput, (bytes, options) => {
        expect(outcomeOf(() => SecretBuffer.from(asAny(bytes), asAny(options)))).not.toBe(
          'other-error',
        );
      }),
      RUNS,
    );
  });

  it('SEC-SECRET-001 SecretBuffer.fromUtf8', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, fc.string({ unit: 'grapheme' })), (text) => {
        expect(outcomeOf(() => SecretBuffer.fromUtf8(asAny(text)))).not.toBe('other-error');
      }),
      RUNS,
    );
  });

  it('SEC-SECRET-001 SecretBuffer.random', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, fc.integer({ min: -2, max: 70_000 })), (length) => {
        expect(outcomeOf(() => SecretBuffer.random(asAny(length)))).not.toBe('other-error');
      }),
      { numRuns: 500 },
    );
  });

  it('SEC-SECRET-001 expose, dispose and the getters, on any receiver and argument', () => {
    const proto = SecretBuffer.prototype;
    const getter = (name: string) => Object.getOwnPropertyDescriptor(proto, name)?.get;
    fc.assert(
      fc.property(anyInput, anyInput, (receiver, use) => {
        const live = SecretBuffer.random(4);
        for (const run of [
          () => live.expose(asAny(use)),
          () => proto.expose.call(asAny(receiver), () => 1),
          () => proto.dispose.call(asAny(receiver)),
          () => getter('byteLength')?.call(asAny(receiver)),
          () => getter('disposed')?.call(asAny(receiver)),
          () => String(live),
          () => JSON.stringify(live),
        ]) {
          expect(outcomeOf(run)).not.toBe('other-error');
        }
      }),
      RUNS,
    );
  });

  it('SEC-SECRET-001 wipe', () => {
    fc.assert(
      fc.property(anyInput, (bytes) => {
        expect(outcomeOf(() => wipe(asAny(bytes)))).not.toBe('other-error');
      }),
      RUNS,
    );
  });

  it('SEC-SECRET-001 isSecretError, isUint8Array and trueByteLength never throw', () => {
    fc.assert(
      fc.property(anyInput, anyInput, (value, code) => {
        expect(outcomeOf(() => isSecretError(asAny(value), asAny(code)))).toBe('returned');
        expect(outcomeOf(() => isUint8Array(asAny(value)))).toBe('returned');
        expect(outcomeOf(() => trueByteLength(asAny(value)))).toBe('returned');
      }),
      RUNS,
    );
  });

  it('SEC-SECRET-001 the SecretError constructor keeps a known code whatever it is given', () => {
    fc.assert(
      fc.property(anyInput, anyInput, anyInput, (code, message, details) => {
        const error = new SecretError(asAny(code), asAny(message), asAny(details));
        expect(SECRET_ERROR_CODES).toContain(error.code);
        expect(typeof error.message).toBe('string');
      }),
      RUNS,
    );
  });

  it('SEC-SECRET-001 new SecretBuffer() outside the factories throws INVALID_ARGUMENT', () => {
    const Constructor = SecretBuffer as unknown as new (...args: unknown[]) => unknown;
    fc.assert(
      fc.property(anyInput, anyInput, (token, bytes) => {
        let thrown: unknown;
        try {
          new Constructor(asAny(token), asAny(bytes));
        } catch (error) {
          thrown = error;
        }
        expect(isSecretError(thrown, 'INVALID_ARGUMENT')).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('bounds', () => {
  it('SEC-SECRET-001 random accepts exactly 1..1048576 bytes and fills past one Web Crypto call', () => {
    expect(SecretBuffer.random(1).byteLength).toBe(1);
    const large = SecretBuffer.random(1_048_576);
    expect(large.byteLength).toBe(1_048_576);
    // The last chunk must be random too, not left at zero by an off-by-one in the chunking.
    expect(large.expose((bytes) => bytes.subarray(1_048_576 - 4096).some((b) => b !== 0))).toBe(
      true,
    );
    for (const bad of [0, 1_048_577, -1, 1.5, Number.NaN]) {
      expect(outcomeOf(() => SecretBuffer.random(bad))).toBe('secret-error');
    }
  });

  it('SEC-SECRET-001 from and fromUtf8 refuse more than 1 MiB', () => {
    expect(SecretBuffer.from(new Uint8Array(1_048_576)).byteLength).toBe(1_048_576);
    expect(outcomeOf(() => SecretBuffer.from(new Uint8Array(1_048_577)))).toBe('secret-error');
    expect(outcomeOf(() => SecretBuffer.fromUtf8('é'.repeat(600_000)))).toBe('secret-error');
    expect(SecretBuffer.fromUtf8('é'.repeat(524_288)).byteLength).toBe(1_048_576);
  });

  it('encodes strings as TextEncoder does, a lone surrogate becoming U+FFFD', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
        const expected = new TextEncoder().encode(text);
        const secret = SecretBuffer.fromUtf8(text);
        expect(secret.expose((bytes) => Buffer.from(bytes).equals(Buffer.from(expected)))).toBe(
          true,
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('trueByteLength', () => {
  class Liar extends Uint8Array {
    override get byteLength(): number {
      return 1_000_000;
    }
    override get length(): number {
      return 1_000_000;
    }
  }

  it('reads the internal slot, not what a subclass claims', () => {
    expect(trueByteLength(new Liar(3))).toBe(3);
    expect(trueByteLength(new Uint8Array(new ArrayBuffer(10), 2, 5))).toBe(5);
    expect(trueByteLength(Buffer.from('abcd'))).toBe(4);
  });

  it('is 0 for a detached array and for anything that is not a Uint8Array', () => {
    const detached = new Uint8Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(trueByteLength(detached)).toBe(0);
    for (const value of [null, 7, 'abc', [1, 2], new ArrayBuffer(4), new Uint16Array(4), {}]) {
      expect(trueByteLength(value)).toBe(0);
    }
    expect(trueByteLength({ [Symbol.toStringTag]: 'Uint8Array', byteLength: 4 })).toBe(0);
  });
});
