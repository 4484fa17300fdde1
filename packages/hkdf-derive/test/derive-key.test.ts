import { hkdfSync } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { isSecretError, SecretBuffer } from '@llorch/secret-buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveKey, DEFAULT_KEY_BYTES, MAX_KEY_BYTES, MIN_KEY_BYTES } from '../src/index.js';

const IKM = new Uint8Array(32).map((_, i) => 0xa0 + i);
const DOMAIN = 'llorch:test:v1';
const bytesOf = (key: SecretBuffer) => key.expose((bytes) => new Uint8Array(bytes));
const hexOf = (key: SecretBuffer) => Buffer.from(bytesOf(key)).toString('hex');
const call = deriveKey as (...args: unknown[]) => SecretBuffer;

// What node:crypto derives for the same inputs (an absent salt is HashLen zero bytes).
function reference(
  ikm: Uint8Array,
  info: Uint8Array,
  salt: Uint8Array | undefined,
  length: number,
) {
  return new Uint8Array(hkdfSync('sha256', ikm, salt ?? new Uint8Array(32), info, length));
}

function thrown(run: () => unknown): unknown {
  try {
    const result = run();
    if (result instanceof SecretBuffer) result.dispose();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectRefused(
  run: () => unknown,
  code: 'INVALID_ARGUMENT' | 'DISPOSED' = 'INVALID_ARGUMENT',
) {
  const error = thrown(run);
  expect(isSecretError(error, code), String(error)).toBe(true);
  return error as Error;
}

const hostile = (): [string, unknown][] => {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  return [
    ['undefined', undefined],
    ['null', null],
    ['a number', 7],
    ['a bigint', 7n],
    ['a boolean', false],
    ['a symbol', Symbol('s')],
    ['a function', () => IKM],
    ['a plain object', {}],
    ['an array of numbers', [1, 2, 3]],
    ['an ArrayBuffer', new ArrayBuffer(8)],
    ['a DataView', new DataView(new ArrayBuffer(8))],
    ['a Uint16Array', new Uint16Array(8)],
    ['a Uint8ClampedArray', new Uint8ClampedArray(8)],
    ['Object.create(Uint8Array.prototype)', Object.create(Uint8Array.prototype)],
    ['Object.create(SecretBuffer.prototype)', Object.create(SecretBuffer.prototype)],
    ['a revoked Proxy', revocable.proxy],
    [
      'a Proxy whose every trap throws',
      new Proxy(
        {},
        {
          get() {
            throw new TypeError('trap');
          },
          getPrototypeOf() {
            throw new TypeError('trap');
          },
        },
      ),
    ],
  ];
};

describe('deriveKey', () => {
  it('SEC-SECRET-042: returns a 32-byte SecretBuffer by default', () => {
    using key = deriveKey(IKM, DOMAIN);
    expect(key).toBeInstanceOf(SecretBuffer);
    expect(key.byteLength).toBe(32);
    expect(DEFAULT_KEY_BYTES).toBe(32);
    expect(bytesOf(key)).toEqual(reference(IKM, Buffer.from(DOMAIN), undefined, 32));
  });

  it('SEC-SECRET-042: gives any length from 32 to 8160 bytes, as RFC 5869 allows', () => {
    for (const byteLength of [MIN_KEY_BYTES, 33, 64, 100, 8159, MAX_KEY_BYTES]) {
      using key = deriveKey(IKM, DOMAIN, { byteLength });
      expect(bytesOf(key)).toEqual(reference(IKM, Buffer.from(DOMAIN), undefined, byteLength));
    }
    // A longer key starts with the shorter one: HKDF output is one stream.
    using short = deriveKey(IKM, DOMAIN);
    using long = deriveKey(IKM, DOMAIN, { byteLength: 64 });
    expect(bytesOf(long).subarray(0, 32)).toEqual(bytesOf(short));
  });

  it('SEC-SECRET-004: refuses every byteLength outside the integers 32..8160, never wrapping or truncating', () => {
    for (const byteLength of [
      31,
      8161,
      0,
      -32,
      32.5,
      2 ** 32 + 32,
      2 ** 53,
      Number.NaN,
      Infinity,
      -Infinity,
      '32',
      32n,
      null,
      {},
      true,
    ]) {
      expectRefused(() => call(IKM, DOMAIN, { byteLength }));
    }
  });

  it('SEC-SECRET-043: is deterministic, whatever form the same inputs take', () => {
    const expected = reference(IKM, Buffer.from(DOMAIN), undefined, 32);
    using fromBytes = deriveKey(IKM, DOMAIN);
    using again = deriveKey(new Uint8Array(IKM), DOMAIN);
    using secret = SecretBuffer.from(IKM);
    using fromSecret = deriveKey(secret, DOMAIN);
    using fromDomainBytes = deriveKey(IKM, new TextEncoder().encode(DOMAIN));
    using fromBuffer = deriveKey(Buffer.from(IKM), Buffer.from(DOMAIN));
    using foreign = deriveKey(
      runInNewContext(`new Uint8Array(${JSON.stringify([...IKM])})`) as Uint8Array,
      DOMAIN,
    );
    for (const key of [fromBytes, again, fromSecret, fromDomainBytes, fromBuffer, foreign]) {
      expect(bytesOf(key)).toEqual(expected);
    }
  });

  it('SEC-SECRET-043: a fresh SecretBuffer every call, independent of the others', () => {
    const first = deriveKey(IKM, DOMAIN);
    const second = deriveKey(IKM, DOMAIN);
    expect(first).not.toBe(second);
    first.dispose();
    expect(second.disposed).toBe(false);
    expect(bytesOf(second)).toEqual(reference(IKM, Buffer.from(DOMAIN), undefined, 32));
    second.dispose();
  });

  it('SEC-SECRET-041: the domain is the HKDF info: each domain gives its own key', () => {
    using a = deriveKey(IKM, 'llorch:session-cookie:v1');
    using b = deriveKey(IKM, 'llorch:csrf-token:v1');
    using c = deriveKey(IKM, 'llorch:session-cookie:v2');
    expect(hexOf(a)).not.toBe(hexOf(b));
    expect(hexOf(a)).not.toBe(hexOf(c));
    expect(bytesOf(a)).toEqual(
      reference(IKM, Buffer.from('llorch:session-cookie:v1'), undefined, 32),
    );
  });

  it('SEC-SECRET-041: refuses an empty domain, as a string or as bytes', () => {
    expectRefused(() => deriveKey(IKM, ''));
    expectRefused(() => deriveKey(IKM, new Uint8Array(0)));
  });

  it('SEC-SECRET-044: distinct domain strings give distinct keys (prefixes, case, Unicode)', () => {
    const domains = [
      'a',
      'ab',
      'A',
      'a ',
      ' a',
      'a\0',
      'é',
      'e\u0301',
      '🔑',
      'llorch:x:v1',
      'llorch:x:v10',
    ];
    const keys = domains.map((domain) => {
      using key = deriveKey(IKM, domain);
      return hexOf(key);
    });
    expect(new Set(keys).size).toBe(domains.length);
  });

  it('SEC-SECRET-044: refuses domain strings with lone surrogates, which would collide as U+FFFD', () => {
    for (const domain of ['\uD800', '\uDC00', 'x\uD83D', '\uDE00y']) {
      const error = expectRefused(() => deriveKey(IKM, domain));
      expect(error.message).toMatch(/surrogate/);
    }
    // A well-formed pair is fine.
    using key = deriveKey(IKM, '\uD83D\uDE00');
    expect(key.byteLength).toBe(32);
  });

  it('SEC-SECRET-044: any two different domains give different keys', () => {
    const domain = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      fc.uint8Array({ minLength: 1, maxLength: 30 }),
    );
    const asBytes = (d: string | Uint8Array) =>
      typeof d === 'string' ? new TextEncoder().encode(d) : d;
    fc.assert(
      fc.property(domain, domain, (a, b) => {
        fc.pre(Buffer.compare(asBytes(a), asBytes(b)) !== 0);
        using keyA = deriveKey(IKM, a);
        using keyB = deriveKey(IKM, b);
        expect(hexOf(keyA)).not.toBe(hexOf(keyB));
      }),
      { numRuns: 300 },
    );
  });

  it('uses the salt; an empty salt equals an absent one (RFC 5869 section 2.2)', () => {
    using none = deriveKey(IKM, DOMAIN);
    using empty = deriveKey(IKM, DOMAIN, { salt: new Uint8Array(0) });
    using zeros = deriveKey(IKM, DOMAIN, { salt: new Uint8Array(32) });
    using salted = deriveKey(IKM, DOMAIN, { salt: new Uint8Array([1, 2, 3]) });
    expect(hexOf(empty)).toBe(hexOf(none));
    expect(hexOf(zeros)).toBe(hexOf(none));
    expect(hexOf(salted)).not.toBe(hexOf(none));
    expect(bytesOf(salted)).toEqual(
      reference(IKM, Buffer.from(DOMAIN), new Uint8Array([1, 2, 3]), 32),
    );
  });

  it('handles inputs larger than its scratch buffer', () => {
    const ikm = new Uint8Array(5000).fill(7);
    const salt = new Uint8Array(3000).fill(9);
    const domain = 'd'.repeat(1000);
    using key = deriveKey(ikm, domain, { salt, byteLength: 100 });
    expect(bytesOf(key)).toEqual(reference(ikm, Buffer.from(domain), salt, 100));
    // A small derivation afterwards is unaffected.
    using small = deriveKey(IKM, DOMAIN);
    expect(bytesOf(small)).toEqual(reference(IKM, Buffer.from(DOMAIN), undefined, 32));
  });

  it('refuses an ikm, salt or domain over 1 MiB', () => {
    const big = new Uint8Array(1_048_577);
    expectRefused(() => deriveKey(big, DOMAIN));
    expectRefused(() => deriveKey(IKM, DOMAIN, { salt: big }));
    expectRefused(() => deriveKey(IKM, big));
    expectRefused(() => deriveKey(IKM, 'x'.repeat(1_048_577)));
    expectRefused(() => deriveKey(IKM, '€'.repeat(400_000)));
    using edge = deriveKey(new Uint8Array(1_048_576).fill(1), 'x'.repeat(1_048_576));
    expect(edge.byteLength).toBe(32);
  });

  it('SEC-SECRET-001: refuses an empty or detached ikm', () => {
    expectRefused(() => deriveKey(new Uint8Array(0), DOMAIN));
    const detached = new Uint8Array([1, 2, 3]);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expectRefused(() => deriveKey(detached, DOMAIN));
  });

  it('reads the bytes of a Uint8Array subclass through its internal slots', () => {
    class Lying extends Uint8Array {
      override get length(): number {
        return 1;
      }
      override get byteLength(): number {
        return 1;
      }
      override subarray(): Uint8Array<ArrayBuffer> {
        return new Uint8Array(1);
      }
    }
    using key = deriveKey(Lying.from(IKM), Lying.from(Buffer.from(DOMAIN)), {
      salt: Lying.from([1, 2]),
    });
    expect(bytesOf(key)).toEqual(reference(IKM, Buffer.from(DOMAIN), new Uint8Array([1, 2]), 32));
  });

  describe('with a SecretBuffer as ikm', () => {
    it('derives from its bytes and leaves it usable', () => {
      using secret = SecretBuffer.from(IKM);
      using key = deriveKey(secret, DOMAIN);
      expect(bytesOf(key)).toEqual(reference(IKM, Buffer.from(DOMAIN), undefined, 32));
      expect(secret.disposed).toBe(false);
      expect(bytesOf(secret)).toEqual(IKM);
    });

    it('throws DISPOSED for a disposed one', () => {
      const secret = SecretBuffer.from(IKM);
      secret.dispose();
      expectRefused(() => deriveKey(secret, DOMAIN), 'DISPOSED');
    });

    it('refuses look-alikes that do not hand over a Uint8Array', () => {
      const tagged = (expose: unknown) => ({ [Symbol.toStringTag]: 'SecretBuffer', expose });
      expectRefused(() =>
        call(
          tagged((use: (b: unknown) => unknown) => use('bytes')),
          DOMAIN,
        ),
      );
      expectRefused(() =>
        call(
          tagged(() => undefined),
          DOMAIN,
        ),
      );
      expectRefused(() =>
        call(
          tagged(() => {
            throw new TypeError('boom');
          }),
          DOMAIN,
        ),
      );
      expectRefused(() => call(tagged('not a function'), DOMAIN));
      expectRefused(() =>
        call(
          tagged((use: (b: unknown) => unknown) => use(new Uint8Array(0))),
          DOMAIN,
        ),
      );
    });

    it('stays correct when expose runs deriveKey itself before handing over its bytes', () => {
      using inner = SecretBuffer.from(new Uint8Array(16).fill(1));
      const reentrant = {
        [Symbol.toStringTag]: 'SecretBuffer',
        expose(use: (bytes: Uint8Array) => unknown) {
          deriveKey(inner, 'other:domain', { salt: new Uint8Array(100).fill(2) }).dispose();
          return use(new Uint8Array(IKM));
        },
      };
      using key = call(reentrant, DOMAIN);
      expect(bytesOf(key)).toEqual(reference(IKM, Buffer.from(DOMAIN), undefined, 32));
    });

    it('returns one key when a look-alike calls back twice, having disposed the first', () => {
      const twice = {
        [Symbol.toStringTag]: 'SecretBuffer',
        expose(use: (bytes: Uint8Array) => unknown) {
          use(new Uint8Array(IKM));
          return use(new Uint8Array(IKM));
        },
      };
      using key = call(twice, DOMAIN);
      expect(bytesOf(key)).toEqual(reference(IKM, Buffer.from(DOMAIN), undefined, 32));
    });
  });

  it('does not modify the caller’s ikm, salt or domain', () => {
    const ikm = new Uint8Array(IKM);
    const salt = new Uint8Array([5, 6, 7]);
    const domain = new TextEncoder().encode(DOMAIN);
    deriveKey(ikm, domain, { salt }).dispose();
    expect(ikm).toEqual(IKM);
    expect(salt).toEqual(new Uint8Array([5, 6, 7]));
    expect(domain).toEqual(new TextEncoder().encode(DOMAIN));
  });

  it.each(hostile())(
    'SEC-SECRET-001: refuses %s as ikm, as domain and as options with INVALID_ARGUMENT',
    (_name, value) => {
      expectRefused(() => call(value, DOMAIN));
      if (typeof value !== 'undefined') expectRefused(() => call(IKM, value));
      // Any object reads as options (a missing salt or byteLength takes its default); the
      // rest, and objects whose properties cannot be read, are refused.
      if (
        value !== undefined &&
        (typeof value !== 'object' || value === null || _name.includes('Proxy'))
      ) {
        expectRefused(() => call(IKM, DOMAIN, value));
      }
      expectRefused(() => call(IKM, DOMAIN, { salt: value === undefined ? 'salt' : value }));
    },
  );

  it('SEC-SECRET-001: refuses a string ikm and options whose getters throw', () => {
    expectRefused(() => call('secret', DOMAIN));
    expectRefused(() =>
      call(IKM, DOMAIN, {
        get salt() {
          throw new Error('getter');
        },
      }),
    );
    expectRefused(() =>
      call(IKM, DOMAIN, {
        get byteLength() {
          throw new RangeError('getter');
        },
      }),
    );
  });

  it('SEC-SECRET-012: error messages name the problem, never a byte of the inputs', () => {
    const ikm = new TextEncoder().encode('TOP-SECRET-IKM-0123456789abcdef!');
    const salt = new TextEncoder().encode('SALT-VALUE-XYZ');
    const leaks = [
      'TOP-SECRET',
      Buffer.from(ikm).toString('hex').slice(0, 16),
      Buffer.from(ikm).toString('base64').slice(0, 12),
      'SALT-VALUE',
      Buffer.from(salt).toString('hex').slice(0, 16),
    ];
    const errors = [
      thrown(() => call(ikm, '', { salt })),
      thrown(() => call(ikm, DOMAIN, { salt, byteLength: 16 })),
      thrown(() => call(ikm, 42, { salt })),
      thrown(() => call(ikm.subarray(0, 0), DOMAIN, { salt })),
      thrown(() => call(ikm, '\uD800', { salt })),
      thrown(() =>
        call(
          {
            [Symbol.toStringTag]: 'SecretBuffer',
            expose: () => {
              throw new Error(`leak ${Buffer.from(ikm).toString('hex')}`);
            },
          },
          DOMAIN,
        ),
      ),
    ];
    for (const error of errors) {
      expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
      const text = `${(error as Error).message} ${String((error as Error).stack)} ${JSON.stringify(error)}`;
      expect(text).toMatch(/deriveKey/);
      for (const leak of leaks) expect(text).not.toContain(leak);
      expect((error as Error).cause).toBeUndefined();
    }
  });

  it('SEC-SECRET-040: matches node:crypto hkdfSync on any input', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.option(fc.uint8Array({ maxLength: 200 }), { nil: undefined }),
        fc.oneof(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
        ),
        fc.oneof(fc.integer({ min: 32, max: 300 }), fc.constantFrom(32, 64, 8160)),
        (ikm, salt, domain, byteLength) => {
          const info = typeof domain === 'string' ? Buffer.from(domain) : domain;
          using key = deriveKey(ikm, domain, { salt, byteLength });
          expect(bytesOf(key)).toEqual(reference(ikm, info, salt, byteLength));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001: any arguments at all give a SecretBuffer or a SecretError, nothing else', () => {
    const anyValue = fc.oneof(
      fc.anything(),
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom(
        ...hostile()
          .filter(([name]) => !name.includes('Proxy'))
          .map(([, v]) => v),
      ),
    );
    const options = fc.oneof(
      anyValue,
      fc.record(
        { salt: anyValue, byteLength: fc.oneof(anyValue, fc.integer({ min: 0, max: 9000 })) },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(anyValue, anyValue, options, (ikm, domain, opts) => {
        try {
          const key = call(ikm, domain, opts);
          expect(key).toBeInstanceOf(SecretBuffer);
          key.dispose();
        } catch (error) {
          expect(isSecretError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
