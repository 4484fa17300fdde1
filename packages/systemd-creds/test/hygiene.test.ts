import { inspect } from 'node:util';
import { join } from 'node:path';
import { symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSecretError } from '@llorch/secret-buffer';
import {
  credentialsDirectory,
  loadCredential,
  loadCredentialSync,
  loadKeyCredential,
  loadKeyCredentialSync,
} from '../src/index.js';
import { CANARY, giveToNobody, makeFixture, rejected, thrown, type Fixture } from './fixture.js';

// High bytes never appear in an ASCII message; if one decoded into a string, it would show as a
// character from U+0080 up, or as U+FFFD.
const BINARY_CANARY = Uint8Array.from({ length: 48 }, (_, index) => 0x80 + index);

let fixture: Fixture;

beforeAll(() => {
  fixture = makeFixture();
  const text = `${CANARY}\n`;
  fixture.add('open', text, 0o444);
  fixture.add('group-write', text, 0o460);
  fixture.add('foreign', text, 0o400);
  giveToNobody(join(fixture.directory, 'foreign'));
  fixture.add('large', `${CANARY}${CANARY}${CANARY}`, 0o400);
  fixture.add('not-hex', `${CANARY}${CANARY}${CANARY}`.slice(0, 64), 0o400);
  fixture.add('binary-short', BINARY_CANARY.subarray(0, 31), 0o400);
  fixture.add('binary-open', BINARY_CANARY, 0o644);
  fixture.add('binary-large', BINARY_CANARY, 0o400);
  writeFileSync(join(fixture.base, 'outside'), text, { mode: 0o400 });
  symlinkSync(join(fixture.base, 'outside'), join(fixture.directory, 'escape'));
});

afterAll(() => {
  fixture.cleanup();
});

/** Every way an error becomes text in a log. */
function renderings(error: unknown): string[] {
  const e = error as Error;
  return [e.message, String(e), e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 5 })];
}

function expectClean(error: unknown): void {
  expect(isSecretError(error)).toBe(true);
  for (const text of renderings(error)) {
    // Any 6 consecutive characters of the content would be a leak.
    for (let start = 0; start + 6 <= CANARY.length; start += 1) {
      expect(text).not.toContain(CANARY.slice(start, start + 6));
    }
    expect(text).not.toMatch(/[\u0080-\uffff]/);
  }
  // A message says what is wrong and where: never a bare code.
  expect((error as Error).message.length).toBeGreaterThan(20);
}

const FAILURES: ReadonlyArray<readonly [string, string, object, string]> = [
  ['a world-readable credential', 'open', {}, 'PERMISSIONS_TOO_OPEN'],
  ['a group-writable credential', 'group-write', {}, 'PERMISSIONS_TOO_OPEN'],
  [
    'a 0440 credential with allowGroupRead false',
    'group-token',
    { allowGroupRead: false },
    'PERMISSIONS_TOO_OPEN',
  ],
  ['a credential owned by another user', 'foreign', {}, 'INSECURE_OWNER'],
  ['a credential over maxBytes', 'large', { maxBytes: 40 }, 'TOO_LARGE'],
  ['a symlink out of the directory', 'escape', {}, 'OUTSIDE_ROOT'],
  ['a binary credential over maxBytes', 'binary-large', { maxBytes: 16 }, 'TOO_LARGE'],
  ['a binary 0644 credential', 'binary-open', {}, 'PERMISSIONS_TOO_OPEN'],
];

const KEY_FAILURES: ReadonlyArray<readonly [string, string, object, string]> = [
  ['a key credential that is not hex', 'not-hex', {}, 'INVALID_FORMAT'],
  [
    'a binary key credential of the wrong length',
    'binary-short',
    { encoding: 'binary' },
    'INVALID_FORMAT',
  ],
  ['a key credential that is world-readable', 'open', {}, 'PERMISSIONS_TOO_OPEN'],
];

describe('error hygiene', () => {
  it.each(FAILURES)(
    'SEC-SECRET-012 refusing %s shows no content byte in message, String, stack or JSON',
    async (_label, name, extra, code) => {
      const options = { directory: fixture.directory, ...extra };
      const a = thrown(() => loadCredentialSync(name, options));
      const b = await rejected(loadCredential(name, options));
      for (const error of [a, b]) {
        expect(error).toMatchObject({ code });
        expectClean(error);
      }
    },
  );

  it.each(KEY_FAILURES)(
    'SEC-SECRET-012 refusing %s shows no content byte in message, String, stack or JSON',
    async (_label, name, extra, code) => {
      const options = { directory: fixture.directory, ...extra };
      const a = thrown(() => loadKeyCredentialSync(name, options));
      const b = await rejected(loadKeyCredential(name, options));
      for (const error of [a, b]) {
        expect(error).toMatchObject({ code });
        expectClean(error);
      }
    },
  );

  it('SEC-SECRET-012 never repeats a refused name, even one that looks like a secret', async () => {
    for (const name of [`${CANARY}/x`, `${CANARY}:x`, `${CANARY}\u00e9`, CANARY.repeat(20)]) {
      expectClean(thrown(() => loadCredentialSync(name, { directory: fixture.directory })));
      expectClean(await rejected(loadCredential(name, { directory: fixture.directory })));
    }
  });

  it('SEC-SECRET-012 never repeats the contents of a refused env or options value', () => {
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error(CANARY);
        },
      },
    );
    expectClean(thrown(() => credentialsDirectory(proxy)));
    expectClean(thrown(() => loadCredentialSync('api-token', proxy)));
    expectClean(thrown(() => credentialsDirectory({ CREDENTIALS_DIRECTORY: 42 } as never)));
  });
});
