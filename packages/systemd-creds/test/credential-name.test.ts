import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSecretError } from '@llorch/secret-buffer';
import {
  isValidCredentialName,
  loadCredential,
  loadCredentialSync,
  loadKeyCredential,
  loadKeyCredentialSync,
} from '../src/index.js';
import { makeFixture, rejected, thrown, type Fixture } from './fixture.js';

// systemd's credential_name_valid(), written independently of the implementation.
function reference(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  if (name === '.' || name === '..') return false;
  return /^[\x20-\x39\x3b-\x7e]{1,255}$/.test(name) && !name.includes('/');
}

const INVALID_NAMES: ReadonlyArray<readonly [string, unknown]> = [
  ['empty', ''],
  ['dot', '.'],
  ['dot-dot', '..'],
  ['a slash', 'a/b'],
  ['a leading slash', '/api-token'],
  ['a traversal', '../../../etc/passwd'],
  ['a colon', 'a:b'],
  ['non-ASCII', 'clé'],
  ['an emoji', 'token-\u{1f511}'],
  ['a NUL byte', 'api\0token'],
  ['a newline', 'api\ntoken'],
  ['DEL', 'api\x7ftoken'],
  ['256 bytes', 'x'.repeat(256)],
  ['a number', 42],
  ['null', null],
  ['an object', { toString: () => 'api-token' }],
];

let fixture: Fixture;

beforeAll(() => {
  fixture = makeFixture();
  // A real file behind 'a/b' and beside 'a:b', so that a refusal cannot come from a missing file.
  mkdirSync(join(fixture.directory, 'a'), { mode: 0o700 });
  writeFileSync(join(fixture.directory, 'a', 'b'), 'nested-value', { mode: 0o400 });
});

afterAll(() => {
  fixture.cleanup();
});

describe('isValidCredentialName', () => {
  it.each([
    'api-token',
    'a',
    ' ',
    '~',
    '.hidden',
    '..data',
    'with space',
    'x'.repeat(255),
    'ALL_PRINTABLE!"#$%&\'()*+,-.;<=>?@[\\]^_`{|}~',
  ])('SEC-SECRET-050 accepts the systemd-valid name %j', (name) => {
    expect(isValidCredentialName(name)).toBe(true);
  });

  it.each(INVALID_NAMES)('SEC-SECRET-050 refuses a name that is %s', (_label, name) => {
    expect(isValidCredentialName(name)).toBe(false);
  });

  it('SEC-SECRET-050 agrees with systemd rule on arbitrary strings', () => {
    const nearMisses = fc.string({
      unit: fc.constantFrom('a', '.', '/', ':', ' ', '~', '\x1f', '\x7f', 'é', '\0'),
      maxLength: 4,
    });
    fc.assert(
      fc.property(fc.oneof(nearMisses, fc.string({ unit: 'binary', maxLength: 300 })), (name) => {
        expect(isValidCredentialName(name)).toBe(reference(name));
      }),
      { numRuns: 2000 },
    );
  });

  it('SEC-SECRET-001 never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withTypedArray: true }), (v) => {
        expect(isValidCredentialName(v)).toBe(reference(v));
      }),
    );
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(isValidCredentialName(revoked.proxy)).toBe(false);
    expect(isValidCredentialName(Symbol('x'))).toBe(false);
  });
});

describe('loaders refuse invalid names before touching the file system', () => {
  const loaders = [
    [
      'loadCredentialSync',
      (name: unknown) =>
        thrown(() => loadCredentialSync(name as string, { directory: fixture.directory })),
    ],
    [
      'loadKeyCredentialSync',
      (name: unknown) =>
        thrown(() => loadKeyCredentialSync(name as string, { directory: fixture.directory })),
    ],
    [
      'loadCredential',
      (name: unknown) => rejected(loadCredential(name as string, { directory: fixture.directory })),
    ],
    [
      'loadKeyCredential',
      (name: unknown) =>
        rejected(loadKeyCredential(name as string, { directory: fixture.directory })),
    ],
  ] as const;

  for (const [loader, attempt] of loaders) {
    it.each(INVALID_NAMES)(
      `SEC-SECRET-050 ${loader} refuses a name that is %s with INVALID_CREDENTIAL_NAME`,
      async (_label, name) => {
        const error = await attempt(name);
        expect(isSecretError(error, 'INVALID_CREDENTIAL_NAME')).toBe(true);
      },
    );
  }

  it('SEC-SECRET-050 names the broken rule without repeating the name', () => {
    const name = `../${'secret-looking-value'}`;
    const error = thrown(() => loadCredentialSync(name, { directory: fixture.directory }));
    expect(isSecretError(error, 'INVALID_CREDENTIAL_NAME')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('"/"');
    expect(message).not.toContain('secret-looking-value');
    expect(JSON.stringify(error)).not.toContain('secret-looking-value');
  });

  it('SEC-SECRET-050 checks the name before the environment', async () => {
    const error = await rejected(loadCredential('a:b', { directory: '' }));
    expect(isSecretError(error, 'INVALID_CREDENTIAL_NAME')).toBe(true);
  });

  it('SEC-SECRET-050 refuses an invalid name synchronously only in the Sync form', () => {
    const promise = loadCredential('..', { directory: fixture.directory });
    expect(promise).toBeInstanceOf(Promise);
    return expect(promise).rejects.toMatchObject({ code: 'INVALID_CREDENTIAL_NAME' });
  });
});
