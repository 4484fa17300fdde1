/**
 * `llorch-secrets gen <path>`: a new secret file, written atomically with mode 0600.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { SecretBuffer, SecretError, wipe } from '@llorch/secret-buffer';
import { exactly, flag, parse, type Options } from '../args.js';
import { base64UrlLine, hexLine } from '../encode.js';
import { EXIT, printable, printJson, type Io } from '../output.js';
import { errnoOf } from './failures.js';

const SECRET_BYTES = 32;
const FILE_MODE = 0o600;

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw ioError(error, 'cannot inspect', path);
  }
}

function ioError(error: unknown, what: string, path: string): SecretError {
  const errno = errnoOf(error) ?? 'unknown error';
  return new SecretError('IO', `${what} ${printable(path)} (${errno})`, { path, errno });
}

function refuse(path: string): SecretError {
  return new SecretError(
    'INVALID_ARGUMENT',
    `refusing to overwrite ${printable(path)}: it exists; pass --force to replace it`,
    { path },
  );
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    offset += writeSync(fd, bytes, offset, bytes.length - offset);
  }
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `content` to a new temporary file beside `target`, flushes it, then moves it into
 * place: with `link` when overwriting is refused (it fails if `target` appeared meanwhile),
 * with `rename` under `--force`. The directory is flushed too, so the new name survives a crash.
 */
function writeAtomically(target: string, content: Uint8Array, force: boolean): void {
  const directory = dirname(target);
  const temporary = resolve(
    directory,
    `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  // libuv adds O_CLOEXEC to every open itself; Node does not expose the constant.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(temporary, flags, FILE_MODE);
  } catch (error) {
    throw ioError(error, 'cannot create a temporary file in', directory);
  }
  let placed = false;
  try {
    try {
      // The umask may have narrowed the mode; set it exactly.
      fchmodSync(fd, FILE_MODE);
      writeAll(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (force) {
      renameSync(temporary, target);
      placed = true;
    } else {
      try {
        linkSync(temporary, target);
      } catch (error) {
        if (errnoOf(error) === 'EEXIST') throw refuse(target);
        throw error;
      }
    }
    syncDirectory(directory);
  } catch (error) {
    if (error instanceof SecretError) throw error;
    throw ioError(error, 'cannot write', target);
  } finally {
    if (!placed) {
      try {
        unlinkSync(temporary);
      } catch {
        // Already gone, or never created: nothing to clean up.
      }
    }
  }
}

/** The options of `gen`. */
export const GEN_OPTIONS = {
  'hex-key': { type: 'boolean' },
  force: { type: 'boolean' },
} as const satisfies Options;

/** Runs `gen`; returns the exit status. */
export function gen(args: readonly string[], io: Io): number {
  const parsed = parse(args, GEN_OPTIONS);
  const [given = ''] = exactly(parsed, 1, 'one path: llorch-secrets gen <path>');
  const target = resolve(given);
  const hexKey = flag(parsed, 'hex-key');
  const force = flag(parsed, 'force');
  if (!force && exists(target)) throw refuse(target);

  const secret = SecretBuffer.random(SECRET_BYTES);
  let content: Uint8Array | undefined;
  try {
    content = secret.expose((bytes) => (hexKey ? hexLine(bytes) : base64UrlLine(bytes)));
    writeAtomically(target, content, force);
  } finally {
    if (content !== undefined) wipe(content);
    secret.dispose();
  }

  const kind = hexKey ? 'hex-key' : 'token';
  if (flag(parsed, 'json')) {
    printJson(io, { ok: true, path: target, kind, bits: SECRET_BYTES * 8, mode: '0600' });
  } else {
    const what = hexKey ? '256-bit key (64 hex digits)' : '256-bit token (43 base64url characters)';
    io.out(`wrote ${printable(target)}: a new ${what}, mode 0600\n`);
    io.out(`next: llorch-secrets check ${printable(target)}\n`);
  }
  return EXIT.ok;
}
