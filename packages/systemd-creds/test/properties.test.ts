import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSecretError, SecretBuffer } from '@llorch/secret-buffer';
import {
  credentialsDirectory,
  listCredentials,
  listCredentialsSync,
  loadCredential,
  loadCredentialSync,
  loadKeyCredential,
  loadKeyCredentialSync,
} from '../src/index.js';
import { makeFixture, type Fixture } from './fixture.js';

let fixture: Fixture;
const saved = process.env['CREDENTIALS_DIRECTORY'];

beforeAll(() => {
  fixture = makeFixture();
});

afterEach(() => {
  if (saved === undefined) delete process.env['CREDENTIALS_DIRECTORY'];
  else process.env['CREDENTIALS_DIRECTORY'] = saved;
});

afterAll(() => {
  fixture.cleanup();
});

function hostileValues(): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const detached = new Uint8Array(new ArrayBuffer(8));
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const trap = (): never => {
    throw new Error('trap');
  };
  const values = [
    revoked.proxy,
    new Proxy(
      {},
      { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap },
    ),
    Object.defineProperty({}, 'directory', { get: trap }),
    Object.defineProperty({}, 'trim', { get: trap }),
    Object.defineProperty({}, 'maxBytes', { get: trap }),
    Object.defineProperty({}, 'allowGroupRead', { get: trap }),
    Object.defineProperty({}, 'CREDENTIALS_DIRECTORY', { get: trap }),
    { toString: trap, valueOf: trap, [Symbol.toPrimitive]: trap },
    detached,
    Buffer.from('api-token'),
    Symbol('x'),
    10n,
    Number.NaN,
    () => 'api-token',
    { directory: { toString: () => fixture.directory } },
    { maxBytes: -1 },
    { maxBytes: Number.POSITIVE_INFINITY },
    { encoding: 'base64' },
    { byteLength: 0 },
    { byteLength: 2 ** 40 },
  ];
  if (values.length !== HOSTILE_COUNT) throw new Error('update HOSTILE_COUNT');
  return values;
}

// fast-check probes every generated value for a clone method, which a revoked Proxy cannot
// survive: the arbitraries carry a marker, and the hostile value is made inside the property.
class Hostile {
  constructor(readonly index: number) {}
}

const HOSTILE_COUNT = 20;

function materialize(value: unknown): unknown {
  if (value instanceof Hostile) return hostileValues()[value.index];
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      copy[key] = field instanceof Hostile ? hostileValues()[field.index] : field;
    }
    return copy;
  }
  return value;
}

// Whatever the arguments, and whatever the environment, a call returns a secret or fails with
// a SecretError: never a TypeError, a RangeError or a raw errno exception.
function arbitraryValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.anything({
      withBigInt: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
    }),
    fc.integer({ min: 0, max: HOSTILE_COUNT - 1 }).map((index) => new Hostile(index)),
    fc.string({
      unit: fc.constantFrom('a', '.', '/', ':', 'é', '\0', ' ', 'api-token'),
      maxLength: 5,
    }),
    fc.constantFrom('api-token', 'group-token', 'seal-key', 'seal-key.bin', '.', '..', ''),
  );
}

function arbitraryOptions(): fc.Arbitrary<unknown> {
  return fc.oneof(
    arbitraryValue(),
    fc.record(
      {
        directory: fc.oneof(fc.constant(undefined), arbitraryValue(), fc.constant('/tmp')),
        trim: fc.oneof(fc.boolean(), arbitraryValue()),
        maxBytes: fc.oneof(fc.integer({ min: -2, max: 70_000 }), arbitraryValue()),
        allowGroupRead: fc.oneof(fc.boolean(), arbitraryValue()),
        publish: fc.oneof(fc.boolean(), arbitraryValue()),
        byteLength: fc.oneof(fc.integer({ min: -1, max: 64 }), arbitraryValue()),
        encoding: fc.oneof(fc.constantFrom('hex', 'binary'), arbitraryValue()),
      },
      { requiredKeys: [] },
    ),
  );
}

function settle(value: unknown): void {
  if (value instanceof SecretBuffer) value.dispose();
  else if (!Array.isArray(value) && typeof value !== 'string') {
    throw new Error('neither a secret, a list nor a path');
  }
}

function expectSecretErrorOrValue(run: () => unknown): void {
  let value: unknown;
  try {
    value = run();
  } catch (error) {
    expect(isSecretError(error), String(error)).toBe(true);
    return;
  }
  settle(value);
}

async function expectRejectionOrValue(run: () => Promise<unknown>): Promise<void> {
  let promise: Promise<unknown>;
  try {
    promise = run();
  } catch (error) {
    throw new Error(`threw synchronously: ${String(error)}`, { cause: error });
  }
  expect(promise).toBeInstanceOf(Promise);
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    expect(isSecretError(error), String(error)).toBe(true);
    return;
  }
  settle(value);
}

const environment = fc.constantFrom<string | undefined>(
  undefined,
  '',
  'relative',
  '/nonexistent',
  '/',
);

describe('SEC-SECRET-001 every input gives a secret or a SecretError', () => {
  it('SEC-SECRET-001 the Sync loaders throw only SecretError, whatever the arguments', () => {
    fc.assert(
      fc.property(arbitraryValue(), arbitraryOptions(), fc.boolean(), (name, options, fromEnv) => {
        if (fromEnv) process.env['CREDENTIALS_DIRECTORY'] = fixture.directory;
        else delete process.env['CREDENTIALS_DIRECTORY'];
        expectSecretErrorOrValue(() =>
          loadCredentialSync(materialize(name) as string, materialize(options) as never),
        );
        expectSecretErrorOrValue(() =>
          loadKeyCredentialSync(materialize(name) as string, materialize(options) as never),
        );
        expectSecretErrorOrValue(() => listCredentialsSync(materialize(options) as never));
      }),
      { numRuns: 400 },
    );
  });

  it('SEC-SECRET-001 the async loaders never throw and reject only with SecretError', async () => {
    process.env['CREDENTIALS_DIRECTORY'] = fixture.directory;
    await fc.assert(
      fc.asyncProperty(arbitraryValue(), arbitraryOptions(), async (name, options) => {
        await expectRejectionOrValue(() =>
          loadCredential(materialize(name) as string, materialize(options) as never),
        );
        await expectRejectionOrValue(() =>
          loadKeyCredential(materialize(name) as string, materialize(options) as never),
        );
        await expectRejectionOrValue(() => listCredentials(materialize(options) as never));
      }),
      { numRuns: 400 },
    );
  });

  it('SEC-SECRET-001 valid names reach file-loader and fail only with SecretError', async () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(printable, async (name) => {
        const options = { directory: fixture.directory };
        expectSecretErrorOrValue(() => loadCredentialSync(name, options));
        await expectRejectionOrValue(() => loadCredential(name, options));
      }),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 credentialsDirectory returns a path or throws SecretError for any env', () => {
    const env = fc.oneof(
      arbitraryValue(),
      fc.record({
        CREDENTIALS_DIRECTORY: fc.oneof(
          arbitraryValue(),
          environment,
          fc.constant(fixture.directory),
        ),
      }),
    );
    fc.assert(
      fc.property(env, (value) => {
        expectSecretErrorOrValue(() => credentialsDirectory(materialize(value) as never));
      }),
      { numRuns: 500 },
    );
  });

  it('SEC-SECRET-001 every hostile value is refused by every entry point', async () => {
    for (let index = 0; index < HOSTILE_COUNT; index += 1) {
      const value = () => hostileValues()[index];
      expectSecretErrorOrValue(() =>
        loadCredentialSync(value() as string, { directory: fixture.directory }),
      );
      expectSecretErrorOrValue(() => loadCredentialSync('api-token', value() as never));
      expectSecretErrorOrValue(() => credentialsDirectory(value() as never));
      expectSecretErrorOrValue(() => listCredentialsSync(value() as never));
      await expectRejectionOrValue(() =>
        loadCredential(value() as string, { directory: fixture.directory }),
      );
      await expectRejectionOrValue(() => loadKeyCredential('seal-key', value() as never));
      await expectRejectionOrValue(() => listCredentials(value() as never));
    }
  });

  it('SEC-SECRET-001 a bad environment fails every loader with a SecretError', async () => {
    await fc.assert(
      fc.asyncProperty(environment, async (value) => {
        if (value === undefined) delete process.env['CREDENTIALS_DIRECTORY'];
        else process.env['CREDENTIALS_DIRECTORY'] = value;
        let caught: unknown;
        try {
          loadCredentialSync('api-token');
        } catch (error) {
          caught = error;
        }
        expect(isSecretError(caught)).toBe(true);
        await expect(loadCredential('api-token')).rejects.toSatisfy((e) => isSecretError(e));
      }),
    );
  });
});
