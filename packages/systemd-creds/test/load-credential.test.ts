import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSecretError, SecretBuffer, type SecretErrorCode } from '@llorch/secret-buffer';
import {
  listCredentials,
  listCredentialsSync,
  loadCredential,
  loadCredentialSync,
  loadKeyCredential,
  loadKeyCredentialSync,
} from '../src/index.js';
import {
  BINARY_KEY,
  bytesOf,
  giveToNobody,
  GROUP_TOKEN,
  HEX_KEY,
  makeFixture,
  NOBODY,
  rejected,
  textOf,
  thrown,
  TOKEN,
  type Fixture,
} from './fixture.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

let fixture: Fixture;

beforeAll(() => {
  fixture = makeFixture();
  fixture.add('binary', Uint8Array.of(0x20, 0x00, 0xff, 0x0a, 0x00, 0x20), 0o400);
  fixture.add('blank', ' \n\t\n', 0o400);
  fixture.add('foreign-owner', 'foreign-value', 0o400);
  giveToNobody(join(fixture.directory, 'foreign-owner'));
  fixture.add('large', 'x'.repeat(100), 0o400);
  fixture.add('short-key', 'abcdef\n', 0o400);
  mkdirSync(join(fixture.directory, 'subdirectory'), { mode: 0o500 });
  writeFileSync(join(fixture.base, 'outside'), 'outside-value', { mode: 0o400 });
  symlinkSync(join(fixture.base, 'outside'), join(fixture.directory, 'escape'));
  symlinkSync('api-token', join(fixture.directory, 'alias'));
  fixture.add('bad:name', 'never-listed', 0o400);
  fixture.add('caf\u00e9', 'never-listed', 0o400);
});

afterAll(() => {
  fixture.cleanup();
});

const sync = <T>(run: () => T) => run();

describe('the systemd fixture: a 0500 directory with 0400 and 0440 credentials', () => {
  it('SEC-SECRET-052 loads a 0400 credential, trimmed, sync and async', async () => {
    const directory = fixture.directory;
    const a = sync(() => loadCredentialSync('api-token', { directory }));
    const b = await loadCredential('api-token', { directory });
    expect(a).toBeInstanceOf(SecretBuffer);
    expect(textOf(a)).toBe(TOKEN);
    expect(textOf(b)).toBe(TOKEN);
    a.dispose();
    b.dispose();
  });

  it('SEC-SECRET-021 tolerates the 0440 of systemd ACL by default, sync and async', async () => {
    const directory = fixture.directory;
    const a = loadCredentialSync('group-token', { directory });
    const b = await loadCredential('group-token', { directory });
    expect(textOf(a)).toBe(GROUP_TOKEN);
    expect(textOf(b)).toBe(GROUP_TOKEN);
    a.dispose();
    b.dispose();
  });

  it('SEC-SECRET-021 refuses the 0440 credential when allowGroupRead is false', async () => {
    const options = { directory: fixture.directory, allowGroupRead: false };
    const a = thrown(() => loadCredentialSync('group-token', options));
    const b = await rejected(loadCredential('group-token', options));
    expect(isSecretError(a, 'PERMISSIONS_TOO_OPEN')).toBe(true);
    expect(isSecretError(b, 'PERMISSIONS_TOO_OPEN')).toBe(true);
  });

  it.each([0o444, 0o404, 0o460, 0o450, 0o644, 0o600 | 0o002, 0o640 | 0o004, 0o600 | 0o020])(
    'SEC-SECRET-021 refuses a credential with mode 0%o, sync and async',
    async (mode) => {
      const name = `mode-${mode.toString(8)}`;
      fixture.add(name, 'mode-value', mode);
      const a = thrown(() => loadCredentialSync(name, { directory: fixture.directory }));
      const b = await rejected(loadCredential(name, { directory: fixture.directory }));
      for (const error of [a, b]) {
        expect(isSecretError(error, 'PERMISSIONS_TOO_OPEN')).toBe(true);
        expect(error).toMatchObject({ path: join(fixture.directory, name) });
      }
    },
  );

  it('SEC-SECRET-020 refuses a credential owned by another user before reading it', async () => {
    const options = { directory: fixture.directory };
    const a = thrown(() => loadCredentialSync('foreign-owner', options));
    const b = await rejected(loadCredential('foreign-owner', options));
    expect(isSecretError(a, 'INSECURE_OWNER')).toBe(true);
    expect(isSecretError(b, 'INSECURE_OWNER')).toBe(true);
  });

  it('keeps whitespace and NUL bytes with trim: false', async () => {
    const options = { directory: fixture.directory, trim: false };
    const expected = Uint8Array.of(0x20, 0x00, 0xff, 0x0a, 0x00, 0x20);
    const a = loadCredentialSync('binary', options);
    const b = await loadCredential('binary', options);
    expect(bytesOf(a)).toEqual(expected);
    expect(bytesOf(b)).toEqual(expected);
    const trimmed = loadCredentialSync('api-token', options);
    expect(textOf(trimmed)).toBe(`${TOKEN}\n`);
    for (const secret of [a, b, trimmed]) secret.dispose();
  });

  it.each<[string, string, object, SecretErrorCode]>([
    ['a missing credential', 'missing', {}, 'NOT_FOUND'],
    ['a whitespace-only credential', 'blank', {}, 'EMPTY'],
    ['a credential over maxBytes', 'large', { maxBytes: 99 }, 'TOO_LARGE'],
    ['a directory', 'subdirectory', {}, 'NOT_A_FILE'],
  ])('refuses %s with the file-loader code, sync and async', async (_label, name, extra, code) => {
    const options = { directory: fixture.directory, ...extra };
    expect(
      isSecretError(
        thrown(() => loadCredentialSync(name, options)),
        code,
      ),
    ).toBe(true);
    expect(isSecretError(await rejected(loadCredential(name, options)), code)).toBe(true);
  });

  it('names the credential path in err.path when it is missing', () => {
    const error = thrown(() => loadCredentialSync('missing', { directory: fixture.directory }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', path: join(fixture.directory, 'missing') });
  });

  it('SEC-SECRET-052 refuses a symlink out of the directory, sync and async', async () => {
    const options = { directory: fixture.directory };
    expect(
      isSecretError(
        thrown(() => loadCredentialSync('escape', options)),
        'OUTSIDE_ROOT',
      ),
    ).toBe(true);
    expect(isSecretError(await rejected(loadCredential('escape', options)), 'OUTSIDE_ROOT')).toBe(
      true,
    );
  });

  it('SEC-SECRET-052 refuses options.root: the directory is always the root', async () => {
    const options = { directory: fixture.directory, root: '/' } as never;
    expect(
      isSecretError(
        thrown(() => loadCredentialSync('api-token', options)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isSecretError(await rejected(loadCredential('api-token', options)), 'INVALID_ARGUMENT'),
    ).toBe(true);
  });

  it.each([
    ['options that are a string', 'options'],
    ['options that are null', null],
    ['allowGroupRead that is a string', { allowGroupRead: 'yes' }],
    ['publish that is a number', { publish: 1 }],
    ['trim that is a string', { trim: 'no' }],
  ])('SEC-SECRET-001 refuses %s with INVALID_ARGUMENT', async (_label, extra) => {
    const options = (
      typeof extra === 'object' && extra !== null
        ? { directory: fixture.directory, ...extra }
        : extra
    ) as never;
    expect(
      isSecretError(
        thrown(() => loadCredentialSync('api-token', options)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isSecretError(await rejected(loadCredential('api-token', options)), 'INVALID_ARGUMENT'),
    ).toBe(true);
  });
});

describe('key credentials', () => {
  const expectedHex = Uint8Array.from(
    HEX_KEY.match(/../g)!.map((pair) => Number.parseInt(pair, 16)),
  );

  it('SEC-SECRET-052 loads a hex key credential, sync and async', async () => {
    const a = loadKeyCredentialSync('seal-key', { directory: fixture.directory });
    const b = await loadKeyCredential('seal-key', { directory: fixture.directory });
    expect(bytesOf(a)).toEqual(expectedHex);
    expect(bytesOf(b)).toEqual(expectedHex);
    a.dispose();
    b.dispose();
  });

  it('loads a binary key credential, sync and async', async () => {
    const options = { directory: fixture.directory, encoding: 'binary' } as const;
    const a = loadKeyCredentialSync('seal-key.bin', options);
    const b = await loadKeyCredential('seal-key.bin', options);
    expect(bytesOf(a)).toEqual(BINARY_KEY);
    expect(bytesOf(b)).toEqual(BINARY_KEY);
    a.dispose();
    b.dispose();
  });

  it('refuses a key of the wrong length with INVALID_FORMAT, sync and async', async () => {
    const options = { directory: fixture.directory };
    expect(
      isSecretError(
        thrown(() => loadKeyCredentialSync('short-key', options)),
        'INVALID_FORMAT',
      ),
    ).toBe(true);
    expect(
      isSecretError(await rejected(loadKeyCredential('short-key', options)), 'INVALID_FORMAT'),
    ).toBe(true);
  });

  it('SEC-SECRET-021 tolerates a 0440 key credential and refuses a 0444 one', async () => {
    fixture.add('group-key', HEX_KEY, 0o440);
    fixture.add('open-key', HEX_KEY, 0o444);
    const options = { directory: fixture.directory };
    const key = await loadKeyCredential('group-key', options);
    expect(bytesOf(key)).toEqual(expectedHex);
    key.dispose();
    expect(
      isSecretError(
        thrown(() => loadKeyCredentialSync('open-key', options)),
        'PERMISSIONS_TOO_OPEN',
      ),
    ).toBe(true);
  });
});

describe('listCredentials', () => {
  it('lists regular files with valid names, sorted, never symlinks, sync and async', async () => {
    const expected = readdirSync(fixture.directory, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !/[:/]|[^\x20-\x7e]/.test(entry.name))
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const a = listCredentialsSync({ directory: fixture.directory });
    const b = await listCredentials({ directory: fixture.directory });
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    expect(a).toContain('api-token');
    expect(a).toContain('group-token');
    for (const absent of ['escape', 'alias', 'subdirectory', 'bad:name', 'caf\u00e9']) {
      expect(a).not.toContain(absent);
    }
  });

  it('sorts by code unit, not by locale', async () => {
    const base = makeFixture();
    try {
      for (const name of ['b', 'B', 'a', '_', 'Z', '~']) base.add(name, 'v', 0o400);
      const names = await listCredentials({ directory: base.directory });
      expect(names).toEqual([
        'B',
        'Z',
        '_',
        'a',
        'api-token',
        'b',
        'group-token',
        'seal-key',
        'seal-key.bin',
        '~',
      ]);
    } finally {
      base.cleanup();
    }
  });
});

/** Runs `script` as NOBODY, where no root privilege can bypass a permission bit. */
function runAsNobody(script: string, directory: string): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    uid: NOBODY,
    gid: NOBODY,
    timeout: 20_000,
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', CREDENTIALS_DIRECTORY: directory, DIST },
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('as an unprivileged service user (child process, uid 65534)', () => {
  it('SEC-SECRET-020 loads 0400 and 0440 credentials, refuses what systemd never writes', () => {
    const own = makeFixture();
    try {
      own.add('open', 'open-value', 0o444);
      own.add('root-only', 'root-value', 0o400);
      for (const name of ['api-token', 'group-token', 'seal-key', 'seal-key.bin', 'open']) {
        chownSync(join(own.directory, name), NOBODY, NOBODY);
      }
      chownSync(own.directory, NOBODY, NOBODY);
      chmodSync(own.directory, 0o500);
      const script = `
        const m = await import(process.env.DIST);
        const { loadCredential, loadCredentialSync, listCredentials } = m;
        const text = (s) => s.expose((b) => new TextDecoder().decode(b));
        const code = async (run) => {
          try { await run(); return 'loaded'; } catch (e) { return e.code; }
        };
        const out = {
          token: text(loadCredentialSync('api-token')),
          group: text(await loadCredential('group-token')),
          open: await code(() => loadCredential('open')),
          rootOnly: await code(() => loadCredentialSync('root-only')),
          names: await listCredentials(),
        };
        process.stdout.write(JSON.stringify(out));
      `;
      const { status, out } = runAsNobody(script, own.directory);
      expect(status, out).toBe(0);
      const result = JSON.parse(out) as Record<string, unknown>;
      expect(result['token']).toBe(TOKEN);
      expect(result['group']).toBe(GROUP_TOKEN);
      expect(result['open']).toBe('PERMISSIONS_TOO_OPEN');
      // Root owns it, which the loader allows; the kernel refuses the open.
      expect(result['rootOnly']).toBe('IO');
      expect(result['names']).toEqual([
        'api-token',
        'group-token',
        'open',
        'root-only',
        'seal-key',
        'seal-key.bin',
      ]);
    } finally {
      own.cleanup();
    }
  });

  it('SEC-SECRET-051 refuses a root-owned directory writable by the user group', () => {
    const own = makeFixture();
    try {
      chownSync(own.directory, 0, NOBODY);
      chmodSync(own.directory, 0o570);
      const script = `
        const { credentialsDirectory } = await import(process.env.DIST);
        try { credentialsDirectory(); process.stdout.write('accepted'); }
        catch (e) { process.stdout.write(String(e.code)); }
      `;
      const { status, out } = runAsNobody(script, own.directory);
      expect(status, out).toBe(0);
      expect(out).toBe('INVALID_CREDENTIALS_DIRECTORY');
    } finally {
      own.cleanup();
    }
  });
});
