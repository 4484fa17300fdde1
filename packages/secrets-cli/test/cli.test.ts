import { spawnSync } from 'node:child_process';
import { createHash, hkdfSync } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, HAS_SCRIPT, run, runOnTerminal, tempDirectory, writeFile } from './helpers.js';

const NOBODY = 65534;
const ESCAPE = '\u001b[';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDirectory());
});
afterEach(() => cleanup());

function generated(path: string): string {
  return readFileSync(path, 'utf8');
}

function cliVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('llorch-secrets: program', () => {
  it('prints the package version with --version and -V, exit 0', () => {
    for (const flag of ['--version', '-V']) {
      const result = run([flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`llorch-secrets ${cliVersion()}\n`);
    }
  });

  it('prints the version for --version after a command, as help lists it, running nothing', () => {
    const path = join(dir, 'x');
    for (const args of [
      ['gen', path, '--version'],
      ['gen', '-V', path],
      ['check', '--version'],
    ]) {
      const result = run(args);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`llorch-secrets ${cliVersion()}\n`);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes an argument after -- for a path, not a flag: gen -- --help writes ./--help', () => {
    const result = run(['gen', '--', '--help'], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('llorch-secrets gen <path>');
    expect(result.stdout).toContain(`wrote ${join(dir, '--help')}`);
    expect(generated(join(dir, '--help'))).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const version = run(['gen', '--', '--version'], { cwd: dir });
    expect(version.status).toBe(0);
    expect(version.stdout).toContain(`wrote ${join(dir, '--version')}`);
    expect(readdirSync(dir).sort()).toEqual(['--help', '--version']);
  });

  it('never takes an option value for a flag', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const help = run(['check', path, '--root=--help']);
    expect(help.status).toBe(1);
    expect(help.stdout).not.toContain('llorch-secrets check <path>...');
    expect(help.stdout).toMatch(/\[FAIL\] root --help does not resolve/);
    const json = run(['check', path, '--root', '--json']);
    expect(json.status).toBe(2);
    expect(json.stdout).toBe('');
    expect(json.stderr).toContain("'--root' argument is ambiguous");
  });

  it('reads -h and -V in a group only when the whole group is known flags', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    // A base64url token can start with a dash: the strict parser rejects it, and so must this.
    for (const token of ['-Vq7xK', '-q7hxK']) {
      const result = run(['verify', path, token]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
    }
    const help = run(['gen', '-hV', path]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('llorch-secrets gen <path>');
    expect(readdirSync(dir)).toEqual(['api-token']);
  });

  it('prints help with --help, for the program and each command, exit 0', () => {
    const main = run(['--help']);
    expect(main.status).toBe(0);
    for (const command of ['gen', 'check', 'fingerprint', 'verify', 'creds list']) {
      expect(main.stdout).toContain(`llorch-secrets ${command}`);
    }
    for (const command of ['gen', 'check', 'fingerprint', 'verify', 'creds']) {
      const result = run([command, '--help']);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`llorch-secrets ${command}`);
    }
  });

  it.each([
    ['no arguments', []],
    ['an unknown command', ['frobnicate']],
    ['an unknown option', ['gen', 'x', '--bogus']],
    ['a missing path', ['gen']],
    ['two paths for gen', ['gen', 'a', 'b']],
    ['check without a path', ['check']],
    ['fingerprint without --domain', ['fingerprint', 'x']],
    ['--root without a value', ['check', 'x', '--root']],
    ['creds without list', ['creds']],
  ])('exits 2 with usage on standard error for %s', (_label, args) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stderr.length).toBeGreaterThan(0);
    expect(result.stdout).toBe('');
  });

  it('names a short unknown option, so the operator sees the typo', () => {
    const result = run(['gen', 'x', '--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--bogus');
  });

  it('SEC-SECRET-013 never echoes an unknown argument that may be a token pasted on argv', () => {
    // A gen token is 43 base64url characters; one that starts with "-" reads as an option.
    for (const token of [
      `--${'Q7'.repeat(20)}x`,
      `-${'a'.repeat(42)}`,
      `--${'zz-'.repeat(14)}=${'v'.repeat(20)}`,
    ]) {
      for (const args of [
        ['verify', 'x', token],
        ['check', token],
        ['gen', '--json', 'x', token],
      ]) {
        const result = run(args);
        expect(result.status).toBe(2);
        const output = result.stdout + result.stderr;
        expect(output).toContain('not shown');
        expect(output).not.toContain(token.slice(2, 20));
      }
    }
  });

  it('reports a usage error as JSON under --json, still exit 2', () => {
    for (const args of [
      ['gen', '--json'],
      ['frobnicate', '--json'],
    ]) {
      const result = run(args);
      expect(result.status).toBe(2);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    }
    const after = run(['gen', '--', '--json', 'extra']);
    expect(after.status).toBe(2);
    expect(after.stdout).toBe('');
  });

  it('writes no colour escapes when stdout is not a terminal, even with FORCE_COLOR', () => {
    const path = writeFile(dir, 'open', 'token', 0o644);
    const result = run(['check', path], { env: { FORCE_COLOR: '3', NO_COLOR: undefined } });
    expect(result.stdout).toContain('[FAIL]');
    expect(result.stdout).not.toContain(ESCAPE);
  });

  it('colours marks on a terminal, and not with NO_COLOR, which wins over FORCE_COLOR', ({
    skip,
  }) => {
    skip(!HAS_SCRIPT, 'util-linux script is not installed, so no pseudo-terminal to run on');
    const path = writeFile(dir, 'open', 'token', 0o644);
    const coloured = runOnTerminal(['check', path]);
    expect(coloured.status).toBe(1);
    expect(coloured.stdout).toContain(`${ESCAPE}31m[FAIL]${ESCAPE}0m`);
    expect(coloured.stdout).toContain(`${ESCAPE}32m[pass]${ESCAPE}0m`);
    // FORCE_COLOR=1 makes Node's own hasColors() say yes: only the CLI's NO_COLOR check is left.
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: '1', FORCE_COLOR: '1' }]) {
      const plain = runOnTerminal(['check', path], env);
      expect(plain.status).toBe(1);
      expect(plain.stdout).toContain('[FAIL]');
      expect(plain.stdout).not.toContain(ESCAPE);
    }
  });
});

describe('llorch-secrets gen', () => {
  it('SEC-SECRET-022 writes a new 256-bit base64url token with mode 0600', () => {
    const path = join(dir, 'api-token');
    const result = run(['gen', path]);
    expect(result.status).toBe(0);
    expect(statSync(path).mode & 0o7777).toBe(0o600);
    expect(generated(path)).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(Buffer.from(generated(path).trim(), 'base64url')).toHaveLength(32);
    expect(result.stdout).toContain('mode 0600');
  });

  it('SEC-SECRET-022 sets mode 0600 exactly, whatever the umask', () => {
    for (const umask of ['0377', '0000']) {
      const path = join(dir, `token-${umask}`);
      const result = spawnSync('/bin/sh', [
        '-c',
        `umask ${umask}; exec "$0" "$@"`,
        process.execPath,
        CLI,
        'gen',
        path,
      ]);
      expect(result.status).toBe(0);
      expect(statSync(path).mode & 0o7777).toBe(0o600);
    }
  });

  it('SEC-SECRET-013 never prints the generated secret, in text or JSON output', () => {
    const path = join(dir, 'api-token');
    const text = run(['gen', path]);
    const key = join(dir, 'seal-key');
    const json = run(['gen', key, '--hex-key', '--json']);
    expect(json.status).toBe(0);
    for (const [result, file] of [
      [text, path],
      [json, key],
    ] as const) {
      const secret = generated(file).trim();
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(result.stdout + result.stderr).not.toContain(secret.slice(0, 16));
    }
    expect(JSON.parse(json.stdout)).toEqual({
      ok: true,
      path: key,
      kind: 'hex-key',
      bits: 256,
      mode: '0600',
    });
  });

  it('writes a 64-hex-digit key with --hex-key', () => {
    const path = join(dir, 'seal-key');
    expect(run(['gen', path, '--hex-key']).status).toBe(0);
    expect(generated(path)).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('gives a different secret each time', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    run(['gen', a]);
    run(['gen', b]);
    expect(generated(a)).not.toBe(generated(b));
  });

  it('refuses to overwrite without --force (exit 1, file unchanged), replaces with it', () => {
    const path = writeFile(dir, 'api-token', 'existing-token\n');
    const refused = run(['gen', path]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--force');
    expect(generated(path)).toBe('existing-token\n');
    const forced = run(['gen', path, '--force']);
    expect(forced.status).toBe(0);
    expect(generated(path)).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(statSync(path).mode & 0o7777).toBe(0o600);
  });

  it('refuses to write through a dangling symlink without --force', () => {
    const link = join(dir, 'link');
    symlinkSync(join(dir, 'target'), link);
    expect(run(['gen', link]).status).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['link']);
  });

  it('leaves no temporary file behind, on success or failure', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    run(['gen', path]);
    expect(readdirSync(dir)).toEqual(['api-token']);
    const missing = run(['gen', join(dir, 'no-such-dir', 'token')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('IO');
  });
});

describe('llorch-secrets check', () => {
  it('passes a file written by gen, one [pass] line per check, exit 0', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const result = run(['check', path]);
    expect(result.status).toBe(0);
    for (const text of [
      'exists',
      'parent directory',
      'regular file',
      'mode 0600',
      'size',
      'loads',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`\\[pass\\] .*${text}`));
    }
    expect(result.stdout).not.toContain('[FAIL]');
    expect(result.stdout).toContain('all checks passed');
  });

  it('shows when --root is unset, and checks it when set', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const unset = run(['check', path]);
    expect(unset.stdout).toMatch(/\[info\] root: not set/);
    const inside = run(['check', path, '--root', dir]);
    expect(inside.status).toBe(0);
    expect(inside.stdout).toMatch(/\[pass\] inside root/);
    const other = join(dir, 'other');
    mkdirSync(other, { mode: 0o700 });
    const outside = run(['check', path, '--root', other]);
    expect(outside.status).toBe(1);
    expect(outside.stdout).toMatch(/\[FAIL\] the file resolves outside root/);
  });

  it('SEC-SECRET-022 fails a 0644 file with the chmod 600 fix and the Kubernetes defaultMode fix', () => {
    const path = writeFile(dir, 'api-token', 'token-value-0644', 0o644);
    const result = run(['check', path]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `^  \\[FAIL\\] mode 0644: .* — fix: chmod 600 ${literal(path)}; .*defaultMode: 0400`,
        'm',
      ),
    );
    expect(result.stdout).toMatch(/\[FAIL\] does not load \(PERMISSIONS_TOO_OPEN\).* — fix: /);
  });

  it('prints one line per check: its mark, what it found and, on the same line, the fix', () => {
    const path = writeFile(dir, 'api-token', 'token-value-0644', 0o644);
    const lines = run(['check', path]).stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(path);
    expect(lines.at(-1)).toBe('1 file checked: 1 with failures');
    const checks = lines.slice(1, -1);
    // exists, parents, root, type, owner, mode, size, load
    expect(checks).toHaveLength(8);
    for (const line of checks) expect(line).toMatch(/^ {2}\[(pass|FAIL|info)\] \S/);
    for (const line of checks) {
      if (line.startsWith('  [FAIL]')) expect(line).toMatch(/ — fix: \S/);
      if (line.startsWith('  [pass]')) expect(line).not.toContain(' — ');
    }
    expect(checks).toContain(
      '  [info] root: not set, so any path is accepted — tip: pass --root <dir> here and ' +
        'LoadOptions.root in the service to confine loads',
    );
  });

  it('tolerates 0640 only with --allow-group-read', () => {
    const path = writeFile(dir, 'api-token', 'token-value-0640', 0o640);
    expect(run(['check', path]).status).toBe(1);
    const allowed = run(['check', path, '--allow-group-read']);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toMatch(/\[pass\] mode 0640/);
  });

  it('fails a file owned by another user (uid 65534), naming the owner', () => {
    const path = writeFile(dir, 'api-token', 'token-value-owner', 0o600);
    chownSync(path, NOBODY, NOBODY);
    const result = run(['check', path]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/\[FAIL\] owner uid 65534/);
    expect(result.stdout).toMatch(/INSECURE_OWNER/);
  });

  it('fails a file under a directory others can write to', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const path = writeFile(open, 'api-token', 'token-value-parent');
    const result = run(['check', path]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/\[FAIL\] .*writable by group or others/);
    expect(result.stdout).toContain(`chmod go-w ${open}`);
  });

  it('fails a missing file with the gen fix, and an empty one with EMPTY', () => {
    const missing = run(['check', join(dir, 'absent')]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(/\[FAIL\] not found/);
    expect(missing.stdout).toContain('llorch-secrets gen');
    const empty = writeFile(dir, 'empty', '  \n');
    expect(run(['check', empty]).stdout).toMatch(/does not load \(EMPTY\)/);
  });

  it('checks several files and exits 1 when any fails; --json gives one result per file', () => {
    const good = join(dir, 'good');
    run(['gen', good]);
    const bad = writeFile(dir, 'bad', 'token-value', 0o604);
    const result = run(['check', good, bad, '--json']);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      files: {
        path: string;
        ok: boolean;
        checks: { id: string; status: string; message: string; fix?: string }[];
      }[];
    };
    expect(report.ok).toBe(false);
    expect(report.files.map((f) => [f.path, f.ok])).toEqual([
      [good, true],
      [bad, false],
    ]);
    // The fix stays a field of its own in JSON, not joined to the message as in the text.
    expect(report.files[1]?.checks.find((c) => c.id === 'mode')).toEqual({
      id: 'mode',
      status: 'fail',
      message: 'mode 0604: other users can reach it',
      fix:
        `chmod 600 ${bad}; on Kubernetes set defaultMode: 0400 on the secret volume ` +
        '(or 0440 with fsGroup and allowGroupRead)',
    });
  });

  it('gives the same JSON whether --json comes before or after the paths', () => {
    const path = writeFile(dir, 'api-token', 'token-value', 0o644);
    const before = run(['check', '--json', path]);
    const after = run(['check', path, '--json']);
    for (const result of [before, after]) {
      expect(result.status).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, files: [{ path, ok: false }] });
    }
    expect(before.stdout).toBe(after.stdout);
  });

  it('checks a key file with --hex-key, refusing a token there', () => {
    const key = join(dir, 'seal-key');
    run(['gen', key, '--hex-key']);
    expect(run(['check', key, '--hex-key']).status).toBe(0);
    const token = join(dir, 'api-token');
    run(['gen', token]);
    const result = run(['check', token, '--hex-key']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/INVALID_FORMAT/);
  });

  it('SEC-SECRET-013 never prints the content of the file it checks', () => {
    const marker = 'check-marker-content-4f3e2d1c';
    const files = [
      writeFile(dir, 'ok', marker),
      writeFile(dir, 'open', marker, 0o644),
      writeFile(dir, 'key', marker),
    ];
    for (const args of [[files[0]], [files[1]], [files[2], '--hex-key'], [files[1], '--json']]) {
      const result = run(['check', ...(args as string[])]);
      expect(result.stdout + result.stderr).not.toContain(marker);
      expect(result.stdout + result.stderr).not.toContain(marker.slice(0, 10));
    }
  });
});

describe('llorch-secrets fingerprint', () => {
  function expected(token: string, domain: string): string {
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(token), Buffer.alloc(0), domain, 32));
    return createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');
  }

  it('prints the first 8 bytes of SHA-256 of the HKDF-derived key, never the key', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const token = generated(path).trim();
    const result = run(['fingerprint', path, '--domain', 'llorch-seal-key-v1']);
    expect(result.status).toBe(0);
    const fingerprint = expected(token, 'llorch-seal-key-v1');
    expect(result.stdout.startsWith(`${fingerprint}  `)).toBe(true);
    const key = Buffer.from(
      hkdfSync('sha256', Buffer.from(token), Buffer.alloc(0), 'llorch-seal-key-v1', 32),
    ).toString('hex');
    expect(result.stdout).not.toContain(key.slice(0, 16 + 2));
    expect(result.stdout).not.toContain(token);
  });

  it('agrees for the same secret and domain, differs for another domain or secret', () => {
    const a = writeFile(dir, 'a', 'shared-token-value\n');
    const b = writeFile(dir, 'b', 'shared-token-value');
    const c = writeFile(dir, 'c', 'other-token-value');
    const print = (path: string, domain: string) =>
      (
        JSON.parse(run(['fingerprint', path, '--domain', domain, '--json']).stdout) as {
          fingerprint: string;
        }
      ).fingerprint;
    expect(print(a, 'd1')).toBe(print(b, 'd1'));
    expect(print(a, 'd1')).not.toBe(print(a, 'd2'));
    expect(print(a, 'd1')).not.toBe(print(c, 'd1'));
    expect(print(a, 'd1')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('fingerprints a hex key file with --hex-key, and fails an insecure file with exit 1', () => {
    const key = join(dir, 'seal-key');
    run(['gen', key, '--hex-key']);
    expect(run(['fingerprint', key, '--hex-key', '--domain', 'd']).status).toBe(0);
    const open = writeFile(dir, 'open', 'token', 0o644);
    const result = run(['fingerprint', open, '--domain', 'd']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PERMISSIONS_TOO_OPEN');
  });
});

describe('llorch-secrets verify', () => {
  it('exits 0 for the right token on standard input, with or without a newline', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const token = generated(path).trim();
    for (const input of [token, `${token}\n`, `  ${token}\r\n`]) {
      const result = run(['verify', path], { input });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('match');
      expect(result.stdout).not.toContain(token);
    }
  });

  it('exits 1 for a wrong, truncated or empty candidate', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const token = generated(path).trim();
    for (const input of [`${token}x`, token.slice(0, -1), '', '\n', 'wrong']) {
      const result = run(['verify', path], { input });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('no match');
    }
    const json = run(['verify', path, '--json'], { input: 'wrong' });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, match: false });
  });

  it('SEC-SECRET-013 takes no candidate from the command line: an extra argument is a usage error', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const token = generated(path).trim();
    const result = run(['verify', path, token]);
    expect(result.status).toBe(2);
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('SEC-SECRET-012 reports a refused file by its code and path, never its content', () => {
    const marker = 'verify-marker-content-8a7b6c5d';
    const path = writeFile(dir, 'api-token', marker, 0o644);
    const result = run(['verify', path], { input: marker });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PERMISSIONS_TOO_OPEN');
    expect(result.stderr).toContain(path);
    expect(result.stdout + result.stderr).not.toContain(marker);
  });

  it('refuses a candidate over 64 KiB with exit 1', () => {
    const path = join(dir, 'api-token');
    run(['gen', path]);
    const result = run(['verify', path], { input: 'a'.repeat(70_000) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('TOO_LARGE');
  });
});

describe('llorch-secrets creds list', () => {
  it('lists the credential names in --directory, sorted, never their contents', () => {
    writeFile(dir, 'zeta', 'content-zeta', 0o400);
    writeFile(dir, 'alpha', 'content-alpha', 0o400);
    symlinkSync(join(dir, 'alpha'), join(dir, 'linked'));
    const result = run(['creds', 'list', '--directory', dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${dir}: 2 credentials\n  alpha\n  zeta\n`);
    expect(result.stdout).not.toContain('content-');
    const json = run(['creds', 'list', '--directory', dir, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: true,
      directory: dir,
      credentials: ['alpha', 'zeta'],
    });
  });

  it('reads $CREDENTIALS_DIRECTORY, and exits 1 with the fix when it is unset', () => {
    writeFile(dir, 'api-token', 'x', 0o400);
    const fromEnv = run(['creds', 'list'], { env: { CREDENTIALS_DIRECTORY: dir } });
    expect(fromEnv.status).toBe(0);
    expect(fromEnv.stdout).toContain('api-token');
    const unset = run(['creds', 'list'], { env: { CREDENTIALS_DIRECTORY: undefined } });
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain('CREDENTIALS_UNAVAILABLE');
    expect(unset.stderr).toContain('LoadCredential=');
  });

  it('exits 1 for a credentials directory that is not a directory', () => {
    const file = writeFile(dir, 'file', 'x');
    writeFileSync(join(dir, 'unused'), '');
    const result = run(['creds', 'list', '--directory', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('INVALID_CREDENTIALS_DIRECTORY');
  });
});
