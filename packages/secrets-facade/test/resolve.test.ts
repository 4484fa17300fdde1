import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SECRETS_DIRECTORY,
  isSecretError,
  resolveServiceSecret,
  resolveServiceSecretSync,
  secretSlug,
} from '../src/index.js';
import { tempDirectory, warningsDuring, writeSecretFile } from './helpers.js';

const NAME = 'LLORCH_RESOLVE_TEST_TOKEN';
const TOKEN = 'resolve-token-7d6c5b4a39281706f5e4d3c2b1a0';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDirectory());
});
afterEach(() => {
  cleanup();
  delete process.env[NAME];
  delete process.env[`${NAME}_FILE`];
});

// Every test names its own default path and credentials directory, so the host's
// /etc/llorch/secrets and $CREDENTIALS_DIRECTORY never take part.
function isolated(extra: Record<string, unknown> = {}) {
  return {
    defaultPath: `${dir}/absent-default`,
    credentialsDirectory: dir,
    credential: 'absent-credential',
    ...extra,
  };
}

async function reason(run: () => Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await run();
    return { message: 'resolved' };
  } catch (error) {
    if (!isSecretError(error)) return { code: 'not a SecretError', message: String(error) };
    return { code: error.code, message: error.message };
  }
}

describe('resolveServiceSecret', () => {
  it('derives the default file and credential name from the variable name', () => {
    expect(secretSlug('LLORCH_API_TOKEN')).toBe('api-token');
    expect(secretSlug('WORKER_TOKEN')).toBe('worker-token');
    expect(secretSlug('LLORCH_')).toBe('llorch-');
    expect(DEFAULT_SECRETS_DIRECTORY).toBe('/etc/llorch/secrets');
  });

  it('SEC-SECRET-001 secretSlug refuses a non-string or malformed name', () => {
    const refusals = [
      null,
      undefined,
      42,
      {},
      ['LLORCH_API_TOKEN'],
      '',
      '../etc/passwd',
      '9_LIVES',
    ];
    for (const name of [...refusals, 'A'.repeat(1025), 'LLORCH_tok3n-value']) {
      let caught: unknown;
      try {
        secretSlug(name as never);
      } catch (error) {
        caught = error;
      }
      expect(isSecretError(caught, 'INVALID_ARGUMENT'), String(name)).toBe(true);
      const message = (caught as Error).message;
      expect(message).toMatch(/^secretSlug: name must be .*LLORCH_API_TOKEN/);
      // The parameter and the expected form, never what was passed.
      expect(message).not.toContain('tok3n-value');
      expect(message).not.toContain('etc/passwd');
    }
    expect(secretSlug('A'.repeat(1024))).toBe('a'.repeat(1024));
  });

  it('takes an explicit path first, over <NAME>_FILE', async () => {
    const explicit = writeSecretFile(dir, 'explicit', TOKEN);
    process.env[`${NAME}_FILE`] = writeSecretFile(dir, 'from-variable', 'other-token');
    const result = await resolveServiceSecret(NAME, isolated({ path: explicit }));
    expect(result.source).toBe('path');
    expect(result.path).toBe(explicit);
    expect(result.secret.verify(TOKEN)).toBe(true);
  });

  it('takes the file named by <NAME>_FILE next, and says which variable', async () => {
    const file = writeSecretFile(dir, 'from-variable', `${TOKEN}\n`);
    process.env[`${NAME}_FILE`] = file;
    writeSecretFile(dir, 'default', 'default-token');
    const result = await resolveServiceSecret(NAME, isolated({ defaultPath: `${dir}/default` }));
    expect(result).toMatchObject({ source: 'file-env', path: file, variable: `${NAME}_FILE` });
    expect(result.secret.verify(TOKEN)).toBe(true);
  });

  it('takes the default path when <NAME>_FILE is unset or empty', async () => {
    process.env[`${NAME}_FILE`] = '';
    const file = writeSecretFile(dir, 'default', TOKEN);
    const result = await resolveServiceSecret(NAME, isolated({ defaultPath: file }));
    expect(result).toMatchObject({ source: 'default-path', path: file });
    expect(result.secret.verify(TOKEN)).toBe(true);
  });

  it('does not fall through past a default file that exists but fails its checks', async () => {
    const file = writeSecretFile(dir, 'default', TOKEN, 0o644);
    writeSecretFile(dir, 'cred', 'credential-token', 0o400);
    const outcome = await reason(() =>
      resolveServiceSecret(NAME, isolated({ defaultPath: file, credential: 'cred' })),
    );
    expect(outcome.code).toBe('PERMISSIONS_TOO_OPEN');
  });

  it('takes a systemd credential when no file is there', async () => {
    writeSecretFile(dir, 'cred', TOKEN, 0o400);
    const result = await resolveServiceSecret(NAME, isolated({ credential: 'cred' }));
    expect(result).toMatchObject({ source: 'systemd-credential', credential: 'cred' });
    expect(result.secret.verify(TOKEN)).toBe(true);
    const sync = resolveServiceSecretSync(NAME, isolated({ credential: 'cred' }));
    expect(sync.source).toBe('systemd-credential');
  });

  it('ignores the environment value unless allowEnv is set, then warns and deletes it', async () => {
    process.env[NAME] = TOKEN;
    const refused = await reason(() => resolveServiceSecret(NAME, isolated()));
    expect(refused.code).toBe('NOT_FOUND');
    expect(process.env[NAME]).toBe(TOKEN);

    let result: Awaited<ReturnType<typeof resolveServiceSecretSync>> | undefined;
    const warnings = await warningsDuring(() => {
      result = resolveServiceSecretSync(NAME, isolated({ allowEnv: true }));
    });
    expect(result).toMatchObject({ source: 'env', variable: NAME });
    expect(result?.secret.verify(TOKEN)).toBe(true);
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual([
      'LLORCH_SECRET_FROM_ENV',
    ]);
    expect(process.env[NAME]).toBeUndefined();
  });

  it('is NOT_FOUND when no source has the token, listing what it tried', async () => {
    const outcome = await reason(() => resolveServiceSecret(NAME, isolated({ allowEnv: true })));
    expect(outcome.code).toBe('NOT_FOUND');
    expect(outcome.message).toContain(`${NAME}_FILE`);
    expect(outcome.message).toContain(`${dir}/absent-default`);
    expect(outcome.message).toContain('systemd credential absent-credential');
    expect(outcome.message).toContain(`environment variable ${NAME}`);
  });

  it('moves on from a missing $CREDENTIALS_DIRECTORY and skips sources set to false', async () => {
    const saved = process.env['CREDENTIALS_DIRECTORY'];
    delete process.env['CREDENTIALS_DIRECTORY'];
    try {
      const withCredential = await reason(() => resolveServiceSecret(NAME, { defaultPath: false }));
      expect(withCredential.code).toBe('NOT_FOUND');
      expect(withCredential.message).toContain('systemd credential resolve-test-token');
      const skipped = await reason(() =>
        resolveServiceSecret(NAME, { defaultPath: false, credential: false }),
      );
      expect(skipped.code).toBe('NOT_FOUND');
      expect(skipped.message).not.toContain('systemd credential');
    } finally {
      if (saved !== undefined) process.env['CREDENTIALS_DIRECTORY'] = saved;
    }
  });

  it('names the source but never holds the value in what it returns', async () => {
    const file = writeSecretFile(dir, 'explicit', TOKEN);
    const result = await resolveServiceSecret(NAME, isolated({ path: file }));
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(Object.keys(result).sort()).toEqual(['path', 'secret', 'source']);
  });

  it('refuses a bad name or bad options with INVALID_ARGUMENT, by rejecting', async () => {
    for (const [name, options] of [
      ['bad-name', undefined],
      ['1ABC', undefined],
      ['', undefined],
      [NAME, 'options'],
      [NAME, { path: 42 }],
      [NAME, { allowEnv: 'yes' }],
      [NAME, { defaultPath: '' }],
      [NAME, { credential: 7 }],
    ] as const) {
      const outcome = await reason(() => resolveServiceSecret(name, options as never));
      expect(outcome.code).toBe('INVALID_ARGUMENT');
    }
  });
});
