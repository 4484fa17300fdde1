import { types } from 'node:util';
import * as secretBufferPackage from '@llorch/secret-buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Secret,
  SecretBuffer,
  SecretError,
  SecretKey,
  bearerVerifier,
  isSecretError,
  resolveServiceSecret,
  resolveServiceSecretSync,
  secretSlug,
} from '../src/index.js';

// Values a JavaScript caller can pass where TypeScript would stop them.
function hostileValues(): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const detached = new Uint8Array(8);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
      ownKeys() {
        throw new Error('trap');
      },
    },
  );
  const getter = Object.defineProperty({}, 'root', {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
  // `instanceof SecretBuffer` holds for both: one throws on every read, the other's expose
  // hands back something that is no buffer.
  const forgedBuffer = new Proxy(
    {},
    {
      getPrototypeOf: () => SecretBuffer.prototype,
      get() {
        throw new Error('trap');
      },
    },
  );
  const lyingBuffer = new Proxy(
    {},
    { getPrototypeOf: () => SecretBuffer.prototype, get: () => () => 'not a buffer' },
  );
  return [
    revoked.proxy,
    detached,
    throwing,
    getter,
    Symbol('s'),
    10n,
    () => 1,
    new Map(),
    forgedBuffer,
    lyingBuffer,
  ];
}

const HOSTILE = hostileValues();
// fast-check inspects every generated value, which a revoked Proxy refuses: the hostile values
// are generated as indexes and looked up inside the property.
const anyInput = fc
  .oneof(
    fc.anything().map((value) => ({ value })),
    fc.nat({ max: HOSTILE.length - 1 }).map((index) => ({ index })),
  )
  .map((box) => () => ('index' in box ? HOSTILE[box.index] : box.value));

// Generated strings must not name a real variable of the test process: fromEnv deletes it.
function safeName(value: unknown): unknown {
  return typeof value === 'string' ? `LLORCH_PROPERTY_${value}` : value;
}

function throwsOnlySecretErrors(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return isSecretError(error);
  }
}

async function rejectsOnlySecretErrors(run: () => unknown): Promise<boolean> {
  let promise: unknown;
  try {
    promise = run();
  } catch {
    return false; // an async function must reject, never throw synchronously
  }
  if (!(promise instanceof Promise)) return false;
  try {
    await promise;
    return true;
  } catch (error) {
    return isSecretError(error);
  }
}

describe('SEC-SECRET-001 no public function throws anything but a SecretError', () => {
  it('SEC-SECRET-001 synchronous functions throw only SecretError, whatever they are given', () => {
    fc.assert(
      fc.property(anyInput, anyInput, (inputA, inputB) => {
        const a = inputA();
        const b = inputB();
        const runs = [
          () => Secret.loadFromFileSync(a as never, b as never),
          () => Secret.fromSystemdCredentialSync(a as never, b as never),
          () => Secret.fromEnv(safeName(a) as never),
          () => Secret.from(a as never, b as never),
          () => SecretKey.loadFromFileSync(a as never, b as never),
          () => SecretKey.fromSystemdCredentialSync(a as never, b as never),
          () => SecretKey.deriveFromToken(a as never, b as never),
          () => bearerVerifier(a as never),
          () => resolveServiceSecretSync(safeName(a) as never, b as never),
          () => secretSlug(a as never),
        ];
        return runs.every(throwsOnlySecretErrors);
      }),
      { numRuns: 150 },
    );
  });

  it('SEC-SECRET-001 asynchronous functions reject with SecretError and never throw', async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, anyInput, async (inputA, inputB) => {
        const a = inputA();
        const b = inputB();
        const runs = [
          () => Secret.loadFromFile(a as never, b as never),
          () => Secret.fromSystemdCredential(a as never, b as never),
          () => SecretKey.loadFromFile(a as never, b as never),
          () => SecretKey.fromSystemdCredential(a as never, b as never),
          () => resolveServiceSecret(safeName(a) as never, b as never),
        ];
        for (const run of runs) if (!(await rejectsOnlySecretErrors(run))) return false;
        return true;
      }),
      { numRuns: 100 },
    );
  });

  it('SEC-SECRET-001 verify and the bearer verifier return booleans for any candidate', () => {
    const secret = Secret.from(new TextEncoder().encode('property-token'));
    const check = bearerVerifier(secret);
    fc.assert(
      fc.property(
        fc.oneof(
          anyInput,
          fc.string().map((s) => () => s),
          fc.uint8Array().map((u) => () => u),
        ),
        (input) => {
          const candidate = input();
          expect(typeof secret.verify(candidate as never)).toBe('boolean');
          expect(typeof check(candidate as never)).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 verify never matches a different string', () => {
    const token = 'property-token-a1b2c3';
    const secret = Secret.from(new TextEncoder().encode(token));
    fc.assert(
      fc.property(fc.string(), (candidate) => {
        fc.pre(candidate !== token);
        expect(secret.verify(candidate)).toBe(false);
        expect(bearerVerifier(secret)(`Bearer ${candidate}`)).toBe(false);
      }),
    );
  });
});

// What resolveServiceSecret accepts as a name, restated here as the oracle.
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const validName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,40}$/);
// Every one of these is refused (the trailing "-" sees to that); the marker shows whether a
// message repeats what it was given.
const LEAK_MARKER = 'LLORCH_LEAK_MARKER';
const markedBadName = fc.string().map((s) => `${LEAK_MARKER}${s}-`);
const nonString = anyInput.filter((input) => typeof input() !== 'string');

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'returned';
  } catch (error) {
    return isSecretError(error) ? error.code : 'not a SecretError';
  }
}

async function rejectionOf(run: () => Promise<unknown>): Promise<SecretError | string> {
  let promise: Promise<unknown>;
  try {
    promise = run();
  } catch {
    return 'threw synchronously';
  }
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isSecretError(error) ? error : 'not a SecretError';
  }
}

function errorOf(run: () => unknown): SecretError | string {
  try {
    run();
    return 'returned';
  } catch (error) {
    return isSecretError(error) ? error : 'not a SecretError';
  }
}

describe('SEC-SECRET-001 secretSlug and the resolver refuse bad names', () => {
  it('SEC-SECRET-001 secretSlug returns a slug or throws INVALID_ARGUMENT for any input', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const name = input();
        let slug: unknown;
        try {
          slug = secretSlug(name as never);
        } catch (error) {
          expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
          expect(typeof name === 'string' && VALID_NAME.test(name)).toBe(false);
          return;
        }
        expect(typeof name === 'string' && VALID_NAME.test(name)).toBe(true);
        expect(slug).toMatch(/^[a-z0-9-]+$/);
      }),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 secretSlug maps each valid name as documented, to a-z, 0-9, "-"', () => {
    fc.assert(
      fc.property(validName, (name) => {
        const bare = /^LLORCH_./.test(name) ? name.slice('LLORCH_'.length) : name;
        const slug = secretSlug(name);
        expect(slug).toBe(bare.toLowerCase().replaceAll('_', '-'));
        // A slug names a file in the secrets directory: it must not be able to leave it.
        expect(slug).toMatch(/^[a-z0-9-]+$/);
        if (!name.startsWith('LLORCH_')) expect(secretSlug(`LLORCH_${name}`)).toBe(slug);
      }),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 a non-string name is INVALID_ARGUMENT wherever one is taken', async () => {
    await fc.assert(
      fc.asyncProperty(nonString, async (input) => {
        const name = input() as never;
        expect(codeOf(() => secretSlug(name))).toBe('INVALID_ARGUMENT');
        expect(codeOf(() => resolveServiceSecretSync(name))).toBe('INVALID_ARGUMENT');
        expect(codeOf(() => Secret.fromEnv(name))).toBe('INVALID_ARGUMENT');
        const rejection = await rejectionOf(() => resolveServiceSecret(name));
        expect(isSecretError(rejection, 'INVALID_ARGUMENT')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('SEC-SECRET-001 a malformed name is INVALID_ARGUMENT, never echoed', async () => {
    await fc.assert(
      fc.asyncProperty(markedBadName, async (name) => {
        const failures = [
          errorOf(() => secretSlug(name)),
          errorOf(() => resolveServiceSecretSync(name)),
          await rejectionOf(() => resolveServiceSecret(name)),
        ];
        for (const failure of failures) {
          expect(isSecretError(failure, 'INVALID_ARGUMENT')).toBe(true);
          expect((failure as SecretError).message).toContain('name must be');
          expect((failure as SecretError).message).not.toContain(LEAK_MARKER);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('SEC-SECRET-001 options that are not an object are INVALID_ARGUMENT, not IO', async () => {
    const revoked = (): unknown => {
      const pair = Proxy.revocable({}, {});
      pair.revoke();
      return pair.proxy;
    };
    const notAnObject = fc.oneof(
      fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.bigInt()),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc
        .constantFrom(
          revoked,
          () => () => 1,
          () => Symbol('s'),
        )
        .map((make) => ({ make })),
    );
    await fc.assert(
      fc.asyncProperty(notAnObject, async (value) => {
        const fresh = (): never =>
          (typeof value === 'object' && value !== null && 'make' in value
            ? value.make()
            : value) as never;
        const name = 'LLORCH_PROPERTY_OPTIONS';
        expect(codeOf(() => resolveServiceSecretSync(name, fresh()))).toBe('INVALID_ARGUMENT');
        expect(codeOf(() => SecretKey.loadFromFileSync('x', fresh()))).toBe('INVALID_ARGUMENT');
        expect(codeOf(() => SecretKey.fromSystemdCredentialSync('x', fresh()))).toBe(
          'INVALID_ARGUMENT',
        );
        const rejections = [
          await rejectionOf(() => resolveServiceSecret(name, fresh())),
          await rejectionOf(() => SecretKey.loadFromFile('x', fresh())),
          await rejectionOf(() => SecretKey.fromSystemdCredential('x', fresh())),
        ];
        for (const rejection of rejections) {
          expect(isSecretError(rejection, 'INVALID_ARGUMENT')).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('SEC-SECRET-001 Secret.from, instance methods and re-exports', () => {
  it('SEC-SECRET-001 Secret.from keeps exactly the bytes given or throws SecretError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'buffer' as const, bytes })),
          anyInput.map((input) => ({ kind: 'other' as const, input })),
        ),
        (given) => {
          const source =
            given.kind === 'bytes'
              ? Uint8Array.from(given.bytes)
              : given.kind === 'buffer'
                ? SecretBuffer.from(given.bytes)
                : given.input();
          let secret: Secret;
          try {
            secret = Secret.from(source as never);
          } catch (error) {
            expect(isSecretError(error)).toBe(true);
            const code = (error as SecretError).code;
            if (given.kind !== 'other') expect([code, given.bytes.length]).toEqual(['EMPTY', 0]);
            // A detached array among the hostile values is a real, empty Uint8Array.
            else if (types.isUint8Array(source)) expect(code).toBe('EMPTY');
            else expect(code).toBe('INVALID_ARGUMENT');
            return;
          }
          expect(given.kind).not.toBe('other');
          if (given.kind === 'other') return;
          expect(secret.expose((bytes) => Array.from(bytes))).toEqual(Array.from(given.bytes));
          // The token is a copy: disposing the source must leave it intact.
          if (source instanceof SecretBuffer) source.dispose();
          expect(secret.verify(given.bytes)).toBe(true);
          secret.dispose();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 instance methods called on a foreign receiver throw only SecretError', () => {
    const getter = (owner: object, key: string) =>
      Object.getOwnPropertyDescriptor(owner, key)?.get ?? (() => 'no getter');
    fc.assert(
      fc.property(anyInput, anyInput, (inputA, inputB) => {
        const receiver = inputA();
        const argument = inputB();
        for (const type of [Secret, SecretKey]) {
          const proto = type.prototype as unknown as Record<PropertyKey, unknown>;
          expect(throwsOnlySecretErrors(() => type.prototype.expose.call(receiver, () => 1))).toBe(
            true,
          );
          expect(getter(proto, 'byteLength').call(receiver)).toBe(0);
          expect(getter(proto, 'disposed').call(receiver)).toBe(true);
          expect(() => type.prototype.dispose.call(receiver)).not.toThrow();
          expect(() => type.prototype[Symbol.dispose].call(receiver)).not.toThrow();
          expect(type.prototype.toString.call(receiver)).toBe('[REDACTED]');
          expect(type.prototype.toJSON.call(receiver)).toBe('[REDACTED]');
        }
        const verify = () => Secret.prototype.verify.call(receiver, argument as never);
        expect(codeOf(verify)).toBe('INVALID_ARGUMENT');
      }),
      { numRuns: 150 },
    );
  });

  it('SEC-SECRET-001 the re-exports are the very objects of secret-buffer', () => {
    // Their never-throw properties live in @llorch/secret-buffer; they cover the facade's
    // exports only while these are the very same objects.
    expect(SecretBuffer).toBe(secretBufferPackage.SecretBuffer);
    expect(SecretError).toBe(secretBufferPackage.SecretError);
    expect(isSecretError).toBe(secretBufferPackage.isSecretError);
  });
});
