/**
 * `llorch-secrets check <path>...`: the loader's checks, one printed line each, with fixes.
 *
 * The loader stops at the first failure; this command looks at every fact it can on its own
 * (the path, its parents, `--root`, type, owner, mode, size) so that one run shows every
 * problem, then loads the file with `@llorch/file-loader` as the final, authoritative check.
 *
 * @module
 */
import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { loadKeyFile, loadSecretFile } from '@llorch/file-loader';
import { isSecretError, type SecretBuffer } from '@llorch/secret-buffer';
import { flag, parse, stringOption, type Options } from '../args.js';
import { EXIT, mark, printable, printJson, UsageError, type Io, type Mark } from '../output.js';
import { errnoOf } from './failures.js';

/** One check's outcome. */
export interface CheckResult {
  readonly id: string;
  readonly status: Mark;
  readonly message: string;
  readonly fix?: string;
}

interface Settings {
  readonly root: string | undefined;
  readonly allowGroupRead: boolean;
  readonly hexKey: boolean;
}

const SECRET_MAX_BYTES = 65_536;
const KEY_MAX_BYTES = 1_024;
const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function ownerOk(uid: number): boolean {
  const me = currentUid();
  return uid === 0 || me === undefined || uid === me;
}

function ownerText(uid: number): string {
  if (uid === currentUid()) return `uid ${String(uid)} (you)`;
  return uid === 0 ? 'uid 0 (root)' : `uid ${String(uid)}`;
}

function pass(id: string, message: string): CheckResult {
  return { id, status: 'pass', message };
}

function fail(id: string, message: string, fix: string): CheckResult {
  return { id, status: 'fail', message, fix };
}

function parents(file: string): string[] {
  const list: string[] = [];
  let current = dirname(file);
  for (;;) {
    list.unshift(current);
    const next = dirname(current);
    if (next === current) return list;
    current = next;
  }
}

function checkParents(resolved: string): CheckResult {
  for (const directory of parents(resolved)) {
    let stats: Stats;
    try {
      stats = statSync(directory);
    } catch (error) {
      return fail(
        'parents',
        `cannot inspect ${printable(directory)} (${errnoOf(error) ?? 'unknown error'})`,
        'make every parent directory searchable by the service user',
      );
    }
    const sticky = stats.uid === 0 && (stats.mode & STICKY) !== 0;
    if (!ownerOk(stats.uid)) {
      return fail(
        'parents',
        `${printable(directory)} is owned by ${ownerText(stats.uid)}, who could swap the file`,
        `chown root ${printable(directory)}, or keep the secret in a directory you own`,
      );
    }
    if ((stats.mode & GROUP_OR_OTHER_WRITE) !== 0 && !sticky) {
      return fail(
        'parents',
        `${printable(directory)} is writable by group or others (mode ${octal(stats.mode)})`,
        `chmod go-w ${printable(directory)}`,
      );
    }
  }
  return pass('parents', 'no parent directory is writable by group or others');
}

function inside(file: string, root: string): boolean {
  if (root === sep) return true;
  return file === root || file.startsWith(`${root}${sep}`);
}

function checkRoot(resolved: string, settings: Settings): CheckResult {
  if (settings.root === undefined) {
    return {
      id: 'root',
      status: 'info',
      message: 'root: not set, so any path is accepted',
      fix: 'pass --root <dir> here and LoadOptions.root in the service to confine loads',
    };
  }
  let root: string;
  try {
    root = realpathSync(settings.root);
  } catch (error) {
    return fail(
      'root',
      `root ${printable(settings.root)} does not resolve (${errnoOf(error) ?? 'unknown error'})`,
      'pass an existing directory to --root',
    );
  }
  if (!inside(resolved, root)) {
    return fail(
      'root',
      `the file resolves outside root ${printable(root)}`,
      `move the file into ${printable(root)}, or fix the symlink that leads out of it`,
    );
  }
  return pass('root', `inside root ${printable(root)}`);
}

function modeFix(path: string, mode: number): string {
  const base = `chmod 600 ${printable(path)}`;
  if ((mode & 0o007) === 0) return base;
  return (
    `${base}; on Kubernetes set defaultMode: 0400 on the secret volume ` +
    '(or 0440 with fsGroup and allowGroupRead)'
  );
}

function checkStats(path: string, stats: Stats, settings: Settings): CheckResult[] {
  const results: CheckResult[] = [];
  if (!stats.isFile()) {
    results.push(
      fail('type', 'not a regular file', 'point the service at a regular file, not a directory'),
    );
    return results;
  }
  results.push(pass('type', 'regular file'));
  results.push(
    ownerOk(stats.uid)
      ? pass('owner', `owner ${ownerText(stats.uid)}`)
      : fail(
          'owner',
          `owner ${ownerText(stats.uid)}: neither you nor root`,
          `chown $(id -u) ${printable(path)}`,
        ),
  );
  const tolerated = settings.allowGroupRead ? 0o040 : 0;
  const open = stats.mode & 0o077 & ~tolerated;
  const mode = octal(stats.mode);
  results.push(
    open === 0
      ? pass(
          'mode',
          `mode ${mode}: no access for ${settings.allowGroupRead ? 'others' : 'group or others'}`,
        )
      : fail(
          'mode',
          `mode ${mode}: ${(open & 0o007) === 0 ? 'the group' : 'other users'} can reach it`,
          modeFix(path, stats.mode),
        ),
  );
  const limit = settings.hexKey ? KEY_MAX_BYTES : SECRET_MAX_BYTES;
  results.push(
    stats.size <= limit
      ? pass('size', `size ${String(stats.size)} bytes (limit ${String(limit)})`)
      : fail(
          'size',
          `size ${String(stats.size)} bytes is over the ${String(limit)}-byte limit`,
          'a secret file holds one token or key; regenerate it with llorch-secrets gen',
        ),
  );
  return results;
}

const LOAD_FIXES: Readonly<Record<string, string>> = {
  EMPTY: 'write a secret into it: llorch-secrets gen --force <path>',
  INVALID_FORMAT:
    'a key file holds exactly 64 hex digits: llorch-secrets gen --hex-key --force <path>',
  CHANGED_DURING_LOAD: 'the file was replaced while it was read; run the check again',
};

async function checkLoad(path: string, settings: Settings): Promise<CheckResult> {
  const options = {
    allowGroupRead: settings.allowGroupRead,
    ...(settings.root === undefined ? {} : { root: settings.root }),
  };
  let secret: SecretBuffer;
  try {
    secret = settings.hexKey
      ? await loadKeyFile(path, { ...options, encoding: 'hex' })
      : await loadSecretFile(path, options);
  } catch (error) {
    const code = isSecretError(error) ? error.code : 'IO';
    const message = isSecretError(error) ? error.message : 'unexpected failure';
    return fail(
      'load',
      `does not load (${code}): ${printable(message)}`,
      LOAD_FIXES[code] ?? 'fix the failures above',
    );
  }
  const length = secret.byteLength;
  secret.dispose();
  const what = settings.hexKey ? 'key' : 'token';
  return pass('load', `loads: a ${String(length)}-byte ${what}`);
}

/** Every check of one file, in the loader's order. */
export async function checkFile(given: string, settings: Settings): Promise<CheckResult[]> {
  const path = resolve(given);
  let resolved: string;
  try {
    resolved = realpathSync(path);
  } catch (error) {
    const errno = errnoOf(error) ?? 'unknown error';
    return [
      fail(
        'exists',
        errno === 'ENOENT' ? 'not found' : `does not resolve (${errno})`,
        errno === 'ENOENT'
          ? `create it: llorch-secrets gen ${printable(path)}`
          : 'check the path and the symlinks on it',
      ),
    ];
  }
  const results: CheckResult[] = [
    pass('exists', resolved === path ? 'exists' : `resolves to ${printable(resolved)}`),
    checkParents(resolved),
    checkRoot(resolved, settings),
  ];
  try {
    results.push(...checkStats(path, statSync(resolved), settings));
  } catch (error) {
    results.push(
      fail('type', `cannot inspect (${errnoOf(error) ?? 'unknown error'})`, 'run the check again'),
    );
  }
  results.push(await checkLoad(path, settings));
  return results;
}

/** `  [FAIL] <message> — fix: <fix>`: one line per check, so each failure greps with its fix. */
function checkLine(io: Io, result: CheckResult): string {
  const line = `  ${mark(io, result.status)} ${result.message}`;
  if (result.fix === undefined) return `${line}\n`;
  return `${line} — ${result.status === 'fail' ? 'fix' : 'tip'}: ${result.fix}\n`;
}

function printFile(io: Io, path: string, results: readonly CheckResult[]): void {
  io.out(`${printable(path)}\n`);
  for (const result of results) io.out(checkLine(io, result));
}

/** The options of `check`. */
export const CHECK_OPTIONS = {
  root: { type: 'string' },
  'allow-group-read': { type: 'boolean' },
  'hex-key': { type: 'boolean' },
} as const satisfies Options;

/** Runs `check`; returns the exit status. */
export async function check(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, CHECK_OPTIONS);
  if (parsed.positionals.length === 0) {
    throw new UsageError('expected at least one path: llorch-secrets check <path>...');
  }
  const settings: Settings = {
    root: stringOption(parsed, 'root'),
    allowGroupRead: flag(parsed, 'allow-group-read'),
    hexKey: flag(parsed, 'hex-key'),
  };
  const files: { path: string; ok: boolean; checks: CheckResult[] }[] = [];
  for (const given of parsed.positionals) {
    const checks = await checkFile(given, settings);
    files.push({ path: resolve(given), ok: checks.every((c) => c.status !== 'fail'), checks });
  }
  const ok = files.every((file) => file.ok);
  if (flag(parsed, 'json')) {
    printJson(io, { ok, files });
  } else {
    for (const file of files) printFile(io, file.path, file.checks);
    const failed = files.filter((file) => !file.ok).length;
    const count = `${String(files.length)} file${files.length === 1 ? '' : 's'} checked`;
    io.out(ok ? `${count}: all checks passed\n` : `${count}: ${String(failed)} with failures\n`);
  }
  return ok ? EXIT.ok : EXIT.failed;
}
