import { chmodSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSecretError, type SecretErrorCode } from '@llorch/secret-buffer';
import {
  credentialsDirectory,
  listCredentials,
  listCredentialsSync,
  loadCredential,
  loadCredentialSync,
} from '../src/index.js';
import {
  confirmUnchangedSync,
  confirmUnchanged,
  resolveDirectorySync,
} from '../src/credentials-directory.js';
import {
  giveToNobody,
  makeFixture,
  rejected,
  textOf,
  thrown,
  TOKEN,
  type Fixture,
} from './fixture.js';

let fixture: Fixture;
let paths: Record<string, string>;
const saved = process.env['CREDENTIALS_DIRECTORY'];

beforeAll(() => {
  fixture = makeFixture();
  const { base, directory } = fixture;
  paths = {
    link: join(base, 'link-to-credentials'),
    file: join(base, 'plain-file'),
    groupWritable: join(base, 'group-writable'),
    worldWritable: join(base, 'world-writable'),
    foreign: join(base, 'foreign'),
    viaLink: join(base, 'link-to-base', 'credentials'),
  };
  symlinkSync(directory, paths['link']!);
  symlinkSync(base, join(base, 'link-to-base'));
  writeFileSync(paths['file']!, 'not a directory', { mode: 0o400 });
  for (const [key, mode] of [
    ['groupWritable', 0o770],
    ['worldWritable', 0o777],
    ['foreign', 0o500],
  ] as const) {
    mkdirSync(paths[key]!);
    chmodSync(paths[key]!, mode);
  }
  giveToNobody(paths['foreign']!);
});

afterEach(() => {
  if (saved === undefined) delete process.env['CREDENTIALS_DIRECTORY'];
  else process.env['CREDENTIALS_DIRECTORY'] = saved;
});

afterAll(() => {
  fixture.cleanup();
});

interface Case {
  readonly label: string;
  readonly value: () => string | undefined;
  readonly code: SecretErrorCode;
  /** false where process.env cannot hold the value: setenv() cuts a string at its NUL. */
  readonly viaEnv?: false;
}

const ALL_VALUES: readonly Case[] = [
  { label: 'unset', value: () => undefined, code: 'CREDENTIALS_UNAVAILABLE' },
  { label: 'empty', value: () => '', code: 'CREDENTIALS_UNAVAILABLE' },
  {
    label: 'relative',
    value: () => 'run/credentials/api.service',
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'relative with ./',
    value: () => './credentials',
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'containing ..',
    value: () => `${fixture.directory}/../credentials`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'ending in ..',
    value: () => `${fixture.directory}/..`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'containing .',
    value: () => `${fixture.base}/./credentials`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'containing //',
    value: () => `${fixture.base}//credentials`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'two trailing slashes',
    value: () => `${fixture.directory}//`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  { label: 'a symlink', value: () => paths['link'], code: 'INVALID_CREDENTIALS_DIRECTORY' },
  {
    label: 'a symlink with a trailing /',
    value: () => `${paths['link']!}/`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  { label: 'a plain file', value: () => paths['file'], code: 'INVALID_CREDENTIALS_DIRECTORY' },
  {
    label: 'missing',
    value: () => join(fixture.base, 'missing'),
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'under a plain file',
    value: () => `${paths['file']!}/x`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  { label: 'the root directory', value: () => '/', code: 'INVALID_CREDENTIALS_DIRECTORY' },
  {
    label: 'holding a NUL byte',
    value: () => `${fixture.directory}\0/x`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
    viaEnv: false,
  },
  {
    label: 'longer than PATH_MAX',
    value: () => `/${'d'.repeat(5000)}`,
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'group-writable (0770)',
    value: () => paths['groupWritable'],
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'world-writable (0777)',
    value: () => paths['worldWritable'],
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
  {
    label: 'owned by another user',
    value: () => paths['foreign'],
    code: 'INVALID_CREDENTIALS_DIRECTORY',
  },
];

const BAD_VALUES = ALL_VALUES.filter((c) => c.viaEnv !== false);

function setVariable(value: string | undefined): void {
  if (value === undefined) delete process.env['CREDENTIALS_DIRECTORY'];
  else process.env['CREDENTIALS_DIRECTORY'] = value;
}

describe('$CREDENTIALS_DIRECTORY', () => {
  it.each(ALL_VALUES)(
    'SEC-SECRET-051 credentialsDirectory(env) refuses a value that is $label',
    (c) => {
      const value = c.value();
      const env = value === undefined ? {} : { CREDENTIALS_DIRECTORY: value };
      const error = thrown(() => credentialsDirectory(env));
      expect(isSecretError(error, c.code)).toBe(true);
    },
  );

  it.each(BAD_VALUES)(
    'SEC-SECRET-051 loadCredentialSync refuses a variable that is $label',
    (c) => {
      setVariable(c.value());
      const error = thrown(() => loadCredentialSync('api-token'));
      expect(isSecretError(error, c.code)).toBe(true);
    },
  );

  it.each(BAD_VALUES)(
    'SEC-SECRET-051 loadCredential rejects a variable that is $label',
    async (c) => {
      setVariable(c.value());
      const error = await rejected(loadCredential('api-token'));
      expect(isSecretError(error, c.code)).toBe(true);
    },
  );

  it.each(BAD_VALUES)(
    'SEC-SECRET-051 listCredentialsSync refuses a variable that is $label',
    (c) => {
      setVariable(c.value());
      const error = thrown(() => listCredentialsSync());
      expect(isSecretError(error, c.code)).toBe(true);
    },
  );

  it.each(BAD_VALUES)(
    'SEC-SECRET-051 listCredentials rejects a variable that is $label',
    async (c) => {
      setVariable(c.value());
      const error = await rejected(listCredentials());
      expect(isSecretError(error, c.code)).toBe(true);
    },
  );

  it('SEC-SECRET-051 returns a valid directory as given, and reads process.env by default', () => {
    expect(credentialsDirectory({ CREDENTIALS_DIRECTORY: fixture.directory })).toBe(
      fixture.directory,
    );
    setVariable(fixture.directory);
    expect(credentialsDirectory()).toBe(fixture.directory);
    setVariable(undefined);
    expect(
      isSecretError(
        thrown(() => credentialsDirectory()),
        'CREDENTIALS_UNAVAILABLE',
      ),
    ).toBe(true);
  });

  it('SEC-SECRET-051 tolerates one trailing slash and returns the path without it', () => {
    expect(credentialsDirectory({ CREDENTIALS_DIRECTORY: `${fixture.directory}/` })).toBe(
      fixture.directory,
    );
  });

  it('SEC-SECRET-052 accepts a directory under a symlinked ancestor, returned unresolved', () => {
    expect(credentialsDirectory({ CREDENTIALS_DIRECTORY: paths['viaLink']! })).toBe(
      paths['viaLink'],
    );
  });

  it('names the offending directory in err.path and says how to fix it', () => {
    const error = thrown(() =>
      credentialsDirectory({ CREDENTIALS_DIRECTORY: paths['worldWritable']! }),
    );
    expect(error).toMatchObject({
      code: 'INVALID_CREDENTIALS_DIRECTORY',
      path: paths['worldWritable'],
    });
    expect((error as Error).message).toMatch(/0777.*chmod go-w/s);
    const relative = thrown(() => credentialsDirectory({ CREDENTIALS_DIRECTORY: 'relative/dir' }));
    expect((relative as Error).message).toContain('absolute');
    const link = thrown(() => credentialsDirectory({ CREDENTIALS_DIRECTORY: paths['link']! }));
    expect((link as Error).message).toContain('symbolic link');
    const file = thrown(() => credentialsDirectory({ CREDENTIALS_DIRECTORY: paths['file']! }));
    expect((file as Error).message).toContain('not a directory');
    const unset = thrown(() => credentialsDirectory({}));
    expect((unset as Error).message).toContain('LoadCredential=');
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', '/run/credentials/x'],
    ['a function', () => ({})],
    ['a symbol', Symbol('env')],
  ])('SEC-SECRET-001 refuses env that is %s with INVALID_ARGUMENT', (_label, env) => {
    const error = thrown(() => credentialsDirectory(env as never));
    expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('SEC-SECRET-001 refuses an env whose variable cannot be read or is not a string', () => {
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const getter = Object.defineProperty({}, 'CREDENTIALS_DIRECTORY', {
      get: () => {
        throw new TypeError('x');
      },
    });
    for (const env of [
      throwing,
      revoked.proxy,
      getter,
      { CREDENTIALS_DIRECTORY: 42 },
      { CREDENTIALS_DIRECTORY: null },
    ]) {
      const error = thrown(() => credentialsDirectory(env));
      expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('options.directory', () => {
  it('SEC-SECRET-051 wins over the environment', async () => {
    setVariable(paths['worldWritable']);
    using sync = loadCredentialSync('api-token', { directory: fixture.directory });
    using async = await loadCredential('api-token', { directory: fixture.directory });
    expect(textOf(sync)).toBe(TOKEN);
    expect(textOf(async)).toBe(TOKEN);
  });

  it.each(ALL_VALUES.filter((c) => c.label !== 'unset'))(
    'SEC-SECRET-051 is checked like the variable: refuses one that is $label, sync and async',
    async (c) => {
      const directory = c.value()!;
      // Unlike the variable, an empty option is a mistake, not an absence.
      const code = directory === '' ? 'INVALID_CREDENTIALS_DIRECTORY' : c.code;
      expect(
        isSecretError(
          thrown(() => loadCredentialSync('api-token', { directory })),
          code,
        ),
      ).toBe(true);
      expect(isSecretError(await rejected(loadCredential('api-token', { directory })), code)).toBe(
        true,
      );
      expect(
        isSecretError(
          thrown(() => listCredentialsSync({ directory })),
          code,
        ),
      ).toBe(true);
      expect(isSecretError(await rejected(listCredentials({ directory })), code)).toBe(true);
    },
  );

  it.each([
    ['a number', 7],
    ['null', null],
    ['an object', {}],
  ])(
    'SEC-SECRET-001 refuses a directory option that is %s with INVALID_ARGUMENT',
    async (_label, directory) => {
      const options = { directory } as never;
      expect(
        isSecretError(
          thrown(() => loadCredentialSync('api-token', options)),
          'INVALID_ARGUMENT',
        ),
      ).toBe(true);
      expect(
        isSecretError(await rejected(loadCredential('api-token', options)), 'INVALID_ARGUMENT'),
      ).toBe(true);
      expect(isSecretError(await rejected(listCredentials(options)), 'INVALID_ARGUMENT')).toBe(
        true,
      );
    },
  );
});

describe('a directory swapped after its check', () => {
  it('SEC-SECRET-052 is noticed as CHANGED_DURING_LOAD, sync and async', async () => {
    const original = join(fixture.base, 'swap');
    mkdirSync(original, { mode: 0o500 });
    const checked = resolveDirectorySync(original);
    expect(() => {
      confirmUnchangedSync(checked);
    }).not.toThrow();
    renameSync(original, join(fixture.base, 'swap-old'));
    mkdirSync(original, { mode: 0o500 });
    expect(
      isSecretError(
        thrown(() => confirmUnchangedSync(checked)),
        'CHANGED_DURING_LOAD',
      ),
    ).toBe(true);
    expect(isSecretError(await rejected(confirmUnchanged(checked)), 'CHANGED_DURING_LOAD')).toBe(
      true,
    );
  });
});
