/**
 * `llorch-secrets verify <path>`: compares a candidate read from standard input with a token
 * file, in constant time. Never from argv: `ps` and `/proc/<pid>/cmdline` show arguments.
 *
 * @module
 */
import { readSync } from 'node:fs';
import { resolve } from 'node:path';
import { SecretError, wipe } from '@llorch/secret-buffer';
import { Secret } from '@llorch/secrets-facade';
import { exactly, flag, parse, stringOption, type Options } from '../args.js';
import { EXIT, printable, printJson, type Io } from '../output.js';
import { errnoOf } from './failures.js';

// The loader's default limit for secret files.
const MAX_CANDIDATE_BYTES = 65_536;
const RETRY_MS = 10;

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readChunk(fd: number, into: Uint8Array, offset: number): number {
  for (;;) {
    try {
      return readSync(fd, into, offset, into.length - offset, null);
    } catch (error) {
      const errno = errnoOf(error);
      // A non-blocking pipe has nothing yet: wait, as a blocking read would.
      if (errno === 'EAGAIN') {
        pause(RETRY_MS);
        continue;
      }
      if (errno === 'EOF') return 0;
      throw new SecretError('IO', `cannot read standard input (${errno ?? 'unknown error'})`, {
        errno,
      });
    }
  }
}

/**
 * Reads all of `fd` into one fresh buffer, one byte larger than the limit so that an
 * over-long candidate is seen without reading further. The caller wipes `buffer`.
 */
export function readCandidate(fd: number): { buffer: Uint8Array; length: number } {
  const buffer = new Uint8Array(new ArrayBuffer(MAX_CANDIDATE_BYTES + 1));
  let length = 0;
  try {
    while (length < buffer.length) {
      const count = readChunk(fd, buffer, length);
      if (count === 0) break;
      length += count;
    }
  } catch (error) {
    wipe(buffer);
    throw error;
  }
  if (length > MAX_CANDIDATE_BYTES) {
    wipe(buffer);
    throw new SecretError('TOO_LARGE', 'the candidate on standard input is over 64 KiB');
  }
  return { buffer, length };
}

function isAsciiWhitespace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** `bytes` without leading and trailing ASCII whitespace, as the loader trims files; a view. */
export function trimView(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let end = bytes.length;
  while (start < end && isAsciiWhitespace(bytes[start] ?? 0)) start += 1;
  while (end > start && isAsciiWhitespace(bytes[end - 1] ?? 0)) end -= 1;
  return bytes.subarray(start, end);
}

/** The options of `verify`. */
export const VERIFY_OPTIONS = {
  root: { type: 'string' },
  'allow-group-read': { type: 'boolean' },
} as const satisfies Options;

/** Runs `verify`; returns the exit status. */
export async function verify(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, VERIFY_OPTIONS);
  const [given = ''] = exactly(parsed, 1, 'one path: llorch-secrets verify <path> < candidate');
  const root = stringOption(parsed, 'root');
  const path = resolve(given);
  const secret = await Secret.loadFromFile(path, {
    allowGroupRead: flag(parsed, 'allow-group-read'),
    ...(root === undefined ? {} : { root }),
  });
  let match: boolean;
  try {
    if (io.stdinIsTTY) {
      io.err('reading the candidate token from standard input; end it with Ctrl-D\n');
    }
    const candidate = readCandidate(io.stdinFd);
    try {
      const trimmed = trimView(candidate.buffer.subarray(0, candidate.length));
      match = trimmed.length > 0 && secret.verify(trimmed);
    } finally {
      wipe(candidate.buffer);
    }
  } finally {
    secret.dispose();
  }
  if (flag(parsed, 'json')) {
    printJson(io, { ok: match, match, path });
  } else {
    io.out(
      match
        ? `match: the candidate equals ${printable(path)}\n`
        : `no match: the candidate differs from ${printable(path)}\n`,
    );
  }
  return match ? EXIT.ok : EXIT.failed;
}
