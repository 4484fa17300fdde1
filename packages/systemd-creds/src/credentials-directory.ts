/**
 * Finding and checking the directory systemd puts a service's credentials in.
 *
 * This is the one file of the package that may read `process.env` (a named exception in
 * `tooling/eslint.config.js`): `$CREDENTIALS_DIRECTORY` is the interface systemd gives us.
 *
 * @module
 */
import { lstatSync, type BigIntStats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { SecretError } from '@llorch/secret-buffer';
import { describeType } from './credential-name.js';
import { errnoOf } from './failures.js';

const VARIABLE = 'CREDENTIALS_DIRECTORY';
// Linux's PATH_MAX, counting the terminating NUL: nothing longer can be opened anyway.
const PATH_MAX = 4095;
const GROUP_OR_OTHER_WRITE = 0o022;

/** A directory that passed every check, with the identity it had when it was checked. */
export interface CheckedDirectory {
  readonly path: string;
  readonly dev: bigint;
  readonly ino: bigint;
}

/** Where the directory came from, for messages. */
type Origin = 'environment' | 'option';

function label(origin: Origin): string {
  return origin === 'environment' ? '$CREDENTIALS_DIRECTORY' : 'options.directory';
}

/** How to get a directory that passes, for the messages that say what is wrong with one. */
function remedy(origin: Origin): string {
  return origin === 'environment'
    ? 'systemd sets $CREDENTIALS_DIRECTORY for a unit with LoadCredential= or ' +
        'ImportCredential=; run this process as that unit, or pass options.directory'
    : 'pass the directory systemd made for the unit, its $CREDENTIALS_DIRECTORY ' +
        '(/run/credentials/<unit>)';
}

function invalidDirectory(message: string, path?: string, errno?: string): SecretError {
  return new SecretError('INVALID_CREDENTIALS_DIRECTORY', message, { path, errno });
}

function unavailable(detail: string): SecretError {
  return new SecretError(
    'CREDENTIALS_UNAVAILABLE',
    `$CREDENTIALS_DIRECTORY is ${detail}: this process was not started by systemd with ` +
      'credentials. Add LoadCredential= or ImportCredential= to the unit, or pass ' +
      'options.directory.',
  );
}

function readVariable(env: unknown): string {
  const source: unknown = env === undefined ? process.env : env;
  if (typeof source !== 'object' || source === null) {
    throw new SecretError(
      'INVALID_ARGUMENT',
      'credentialsDirectory(env): env must be an object such as process.env, not ' +
        describeType(env),
    );
  }
  let value: unknown;
  try {
    value = (source as Record<string, unknown>)[VARIABLE];
  } catch {
    throw new SecretError(
      'INVALID_ARGUMENT',
      'credentialsDirectory(env): env.CREDENTIALS_DIRECTORY could not be read',
    );
  }
  if (value === undefined) throw unavailable('not set');
  if (typeof value !== 'string') {
    throw new SecretError(
      'INVALID_ARGUMENT',
      'credentialsDirectory(env): env.CREDENTIALS_DIRECTORY must be a string, not ' +
        describeType(value),
    );
  }
  if (value.length === 0) throw unavailable('empty');
  return value;
}

/**
 * Checks the spelling of the path, before any system call: absolute and normalized, so that
 * what is checked is exactly what systemd wrote (SEC-SECRET-051).
 */
function normalize(value: string, origin: Origin): string {
  const name = label(origin);
  if (value.length === 0) {
    throw invalidDirectory(`${name} is empty; give the absolute path of the directory`);
  }
  if (value.length > PATH_MAX) {
    throw invalidDirectory(`${name} is ${String(value.length)} characters long, over PATH_MAX`);
  }
  if (value.includes('\0')) {
    throw invalidDirectory(`${name} contains a NUL byte; ${remedy(origin)}`);
  }
  const shown = JSON.stringify(value);
  if (!value.startsWith('/')) {
    throw invalidDirectory(
      `${name} must be an absolute path, got ${shown}; systemd sets /run/credentials/<unit>`,
      value,
    );
  }
  if (value.includes('//')) {
    throw invalidDirectory(`${name} ${shown} contains "//"; give the normalized path`, value);
  }
  const path = value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
  if (path === '/') {
    throw invalidDirectory(`${name} must not be the root directory /`, value);
  }
  for (const segment of path.slice(1).split('/')) {
    if (segment === '.' || segment === '..') {
      throw invalidDirectory(
        `${name} ${shown} contains a "${segment}" segment; give the normalized path`,
        value,
      );
    }
  }
  return path;
}

function statFailure(error: unknown, path: string, origin: Origin): SecretError {
  const name = label(origin);
  const errno = errnoOf(error);
  if (errno === 'ENOENT') {
    return invalidDirectory(`${name} ${path} does not exist; ${remedy(origin)}`, path, errno);
  }
  if (errno === 'ENOTDIR') {
    return invalidDirectory(
      `${name} ${path}: a parent of it is not a directory; ${remedy(origin)}`,
      path,
      errno,
    );
  }
  const fix =
    errno === 'EACCES' || errno === 'EPERM'
      ? "this process's user needs search (x) permission on every directory above it"
      : 'check the path and the file system it is on';
  return invalidDirectory(
    `${name} ${path} could not be examined (${errno ?? 'unknown error'}); ${fix}`,
    path,
    errno,
  );
}

function processUid(): number | undefined {
  return typeof process.geteuid === 'function' ? process.geteuid() : undefined;
}

/** The checks on the `lstat` of the directory itself. */
function inspect(stats: BigIntStats, path: string, origin: Origin): CheckedDirectory {
  const name = label(origin);
  if (stats.isSymbolicLink()) {
    throw invalidDirectory(
      `${name} ${path} is a symbolic link; systemd never makes one. Give the real directory.`,
      path,
    );
  }
  if (!stats.isDirectory()) {
    throw invalidDirectory(`${name} ${path} is not a directory; ${remedy(origin)}`, path);
  }
  const uid = processUid();
  if (uid === undefined) {
    throw new SecretError(
      'CREDENTIALS_UNAVAILABLE',
      'systemd credentials need a POSIX system: this platform has no user ids to check',
      { path },
    );
  }
  // The directory's owner could rename or replace any credential in it, as OpenSSH's
  // StrictModes reasons: only root (systemd's ACL setup) or our own user (its fallback) may.
  if (stats.uid !== 0n && stats.uid !== BigInt(uid)) {
    throw invalidDirectory(
      `${name} ${path} is owned by uid ${stats.uid.toString()}, neither root nor this ` +
        `process's user (uid ${String(uid)}); systemd creates it owned by root`,
      path,
    );
  }
  const mode = Number(stats.mode & 0o7777n);
  if ((mode & GROUP_OR_OTHER_WRITE) !== 0) {
    throw invalidDirectory(
      `${name} ${path} has mode 0${mode.toString(8)}: writable by group or others, who could ` +
        'swap the credentials in it. systemd creates it 0500; run chmod go-w on it.',
      path,
    );
  }
  return { path, dev: stats.dev, ino: stats.ino };
}

function checkSync(value: string, origin: Origin): CheckedDirectory {
  const path = normalize(value, origin);
  let stats: BigIntStats;
  try {
    stats = lstatSync(path, { bigint: true });
  } catch (error) {
    throw statFailure(error, path, origin);
  }
  return inspect(stats, path, origin);
}

async function checkAsync(value: string, origin: Origin): Promise<CheckedDirectory> {
  const path = normalize(value, origin);
  let stats: BigIntStats;
  try {
    stats = await lstat(path, { bigint: true });
  } catch (error) {
    throw statFailure(error, path, origin);
  }
  return inspect(stats, path, origin);
}

function readOption(option: unknown): { value: string; origin: Origin } {
  if (option === undefined) return { value: readVariable(undefined), origin: 'environment' };
  if (typeof option !== 'string') {
    throw new SecretError(
      'INVALID_ARGUMENT',
      `options.directory must be a string, not ${describeType(option)}`,
    );
  }
  return { value: option, origin: 'option' };
}

/**
 * The validated `$CREDENTIALS_DIRECTORY`, without a trailing `/`.
 *
 * The path must be absolute and normalized (no `.` or `..` segment, no `//`; one trailing `/`
 * is tolerated), name an existing directory that is not a symbolic link, be owned by root or
 * this process's user, and not be writable by group or others.
 *
 * @param env - where to read the variable; `process.env` when omitted
 * @throws {SecretError} `CREDENTIALS_UNAVAILABLE` when the variable is unset or empty,
 *   `INVALID_CREDENTIALS_DIRECTORY` when it names anything else, `INVALID_ARGUMENT` when `env`
 *   is not an object or the variable is not a string
 * @example
 * ```ts
 * const directory = credentialsDirectory(); // '/run/credentials/api.service'
 * ```
 */
export function credentialsDirectory(env?: NodeJS.ProcessEnv): string {
  return checkSync(readVariable(env), 'environment').path;
}

/** The directory a loader works in: `options.directory` when given, else the environment. */
export function resolveDirectorySync(option: unknown): CheckedDirectory {
  const { value, origin } = readOption(option);
  return checkSync(value, origin);
}

/** The asynchronous form of {@link resolveDirectorySync}. */
export async function resolveDirectory(option: unknown): Promise<CheckedDirectory> {
  const { value, origin } = readOption(option);
  return checkAsync(value, origin);
}

function changed(directory: CheckedDirectory): SecretError {
  return new SecretError(
    'CHANGED_DURING_LOAD',
    `the credentials directory ${directory.path} was replaced while it was read; try again`,
    { path: directory.path },
  );
}

function isSame(directory: CheckedDirectory, stats: BigIntStats): boolean {
  return (
    stats.isDirectory() &&
    !stats.isSymbolicLink() &&
    stats.dev === directory.dev &&
    stats.ino === directory.ino
  );
}

/**
 * Throws `CHANGED_DURING_LOAD` unless the path still names the directory that was checked:
 * a swap between the check and the read must not go unnoticed.
 */
export function confirmUnchangedSync(directory: CheckedDirectory): void {
  let stats: BigIntStats;
  try {
    stats = lstatSync(directory.path, { bigint: true });
  } catch {
    throw changed(directory);
  }
  if (!isSame(directory, stats)) throw changed(directory);
}

/** The asynchronous form of {@link confirmUnchangedSync}. */
export async function confirmUnchanged(directory: CheckedDirectory): Promise<void> {
  let stats: BigIntStats;
  try {
    stats = await lstat(directory.path, { bigint: true });
  } catch {
    throw changed(directory);
  }
  if (!isSame(directory, stats)) throw changed(directory);
}
