import { join } from 'node:path';
import { isSecretError, MAX_SECRET_BYTES, SecretBuffer } from '@llorch/secret-buffer';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  keyForms,
  marker,
  removeDir,
  secretForms,
  tempDir,
  textOf,
  writeFile,
  type Loader,
} from './helpers.js';

let dir: string;
let good: string;
let content: string;

beforeAll(() => {
  dir = tempDir('fl-args-');
  content = marker();
  good = writeFile(join(dir, 'token'), content);
});

afterAll(() => {
  removeDir(dir);
});

const revoked = Proxy.revocable({}, {});
revoked.revoke();

const throwing = new Proxy(
  {},
  {
    get() {
      throw new Error('trap');
    },
    getPrototypeOf() {
      throw new Error('trap');
    },
    has() {
      throw new Error('trap');
    },
    ownKeys() {
      throw new Error('trap');
    },
    getOwnPropertyDescriptor() {
      throw new Error('trap');
    },
  },
);

class FakeUrl {
  href = 'file:///etc/passwd';
  protocol = 'file:';
  pathname = '/etc/passwd';
}

const detached = new Uint8Array(new ArrayBuffer(8));
structuredClone(detached.buffer, { transfer: [detached.buffer] });

const badPaths: readonly (readonly [string, unknown])[] = [
  ['an empty string', ''],
  ['a string with a NUL byte', '/tmp/a\0b'],
  ['a lone NUL', '\0'],
  ['a number', 42],
  ['NaN', Number.NaN],
  ['a bigint', 10n],
  ['a symbol', Symbol('path')],
  ['a boolean', true],
  ['null', null],
  ['undefined', undefined],
  ['a plain object', {}],
  ['an array', ['/tmp/a']],
  ['a function', () => '/tmp/a'],
  ['a Buffer', Buffer.from('/tmp/a')],
  ['a Uint8Array', new TextEncoder().encode('/tmp/a')],
  ['a detached Uint8Array', detached],
  ['a String object', new String('/tmp/a')],
  ['a URL look-alike', new FakeUrl()],
  ['an object whose toString returns a path', { toString: () => '/tmp/a' }],
  ['a throwing Proxy', throwing],
  ['a revoked Proxy', revoked.proxy],
  ['a Proxy of a real URL', new Proxy(new URL('file:///tmp/a'), {})],
  ['a path over 65,536 characters', `/${'a'.repeat(65_536)}`],
];

const badOptions: readonly (readonly [string, unknown])[] = [
  ['null', null],
  ['a string', 'root'],
  ['a number', 1],
  ['an array', []],
  ['a function', () => undefined],
  ['a throwing Proxy', throwing],
  ['a revoked Proxy', revoked.proxy],
  [
    'an object with a throwing getter',
    Object.defineProperty({}, 'trim', {
      get: () => {
        throw new Error('getter');
      },
    }),
  ],
  ['root: an empty string', { root: '' }],
  ['root: a NUL byte', { root: '/tmp\0' }],
  ['root: a number', { root: 1 }],
  ['root: a URL', { root: new URL('file:///tmp') }],
  ['trim: a string', { trim: 'yes' }],
  ['trim: null', { trim: null }],
  ['allowGroupRead: 1', { allowGroupRead: 1 }],
  ['publish: a string', { publish: 'no' }],
  ['allowUnverifiedPermissions: a string', { allowUnverifiedPermissions: 'true' }],
];

const badMaxBytes: readonly (readonly [string, unknown])[] = [
  ['0', 0],
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['MAX_SECRET_BYTES + 1', MAX_SECRET_BYTES + 1],
  ['2 ** 53', 2 ** 53],
  ["the string '64'", '64'],
  ['a bigint', 64n],
  ['null', null],
];

describe.each([...secretForms, ...keyForms.map(([form, load]) => [`key ${form}`, load] as const)])(
  'arguments (%s)',
  (_form, load: Loader) => {
    it.each(badPaths)(
      'SEC-SECRET-001 refuses %s as the path with INVALID_ARGUMENT',
      async (_name, path) => {
        await expectFailure(load(path), 'INVALID_ARGUMENT');
      },
    );

    it.each(badOptions)(
      'SEC-SECRET-001 refuses options %s with INVALID_ARGUMENT',
      async (_name, options) => {
        await expectFailure(load(good, options), 'INVALID_ARGUMENT', content);
      },
    );

    it.each(badMaxBytes)(
      'SEC-SECRET-004 refuses maxBytes %s with INVALID_ARGUMENT',
      async (_name, maxBytes) => {
        const error = await expectFailure(load(good, { maxBytes }), 'INVALID_ARGUMENT', content);
        expect(error.message).toContain('1048576');
      },
    );
  },
);

describe.each(secretForms)('any input (%s)', (_form, load) => {
  it('ignores unknown option keys, so wrappers can pass their own through', async () => {
    const options = { directory: '/elsewhere', somethingElse: 1 };
    expect((await load(good, options)).byteLength).toBeGreaterThan(0);
  });

  it('SEC-SECRET-001 settles with a SecretBuffer or a SecretError, whatever the path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ withBigInt: true, withTypedArray: true }), async (path) => {
        try {
          const secret = await load(path);
          expect(secret).toBeInstanceOf(SecretBuffer);
          secret.dispose();
        } catch (error) {
          expect(isSecretError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 settles with a secret or a SecretError, whatever the options', async () => {
    const value = fc.anything({ withBigInt: true, withTypedArray: true, withNullPrototype: true });
    const options = fc.oneof(
      value,
      fc.record(
        {
          root: fc.oneof(value, fc.constant(dir), fc.constant('/')),
          trim: value,
          maxBytes: fc.oneof(value, fc.integer({ min: -10, max: MAX_SECRET_BYTES + 10 })),
          allowGroupRead: value,
          publish: value,
          allowUnverifiedPermissions: value,
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(options, async (given) => {
        try {
          const secret = await load(good, given);
          expect(textOf(secret)).toBe(content);
        } catch (error) {
          expect(isSecretError(error), String(error)).toBe(true);
          expect((error as Error).message).not.toContain(content);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 paths made of random segments settle with a SecretError', async () => {
    const segment = fc.constantFrom('.', '..', '', 'token', 'x', 'proc', 'self', 'tmp', 'dev');
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 12 }),
        fc.boolean(),
        async (parts, rooted) => {
          const path = `${rooted ? '/' : ''}${parts.join('/')}`;
          try {
            (await load(path)).dispose();
          } catch (error) {
            expect(isSecretError(error), String(error)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
