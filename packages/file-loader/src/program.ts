/**
 * One load, written once as a generator that yields each file-system call it needs and receives
 * the outcome. `drivers.ts` runs it with `fs.*Sync` or with `fs.promises`: the synchronous and
 * asynchronous loaders share every step, every check and every message, so they cannot drift.
 *
 * @module
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SecretError, wipe } from '@llorch/secret-buffer';
import type { Settings } from './options.js';
import {
  changedDuringLoad,
  directoryProblem,
  failureFromErrno,
  fileProblem,
  MAX_SYMLINKS,
  sameFile,
  symlinkProblem,
  tooLarge,
  unverifiedFileProblem,
  type Facts,
} from './policy.js';

/** An open file: a descriptor number for the synchronous driver, a `FileHandle` otherwise. */
export type Handle = unknown;

/** A file-system call the program asks its driver to make. */
export type Operation =
  | { readonly op: 'lstat'; readonly path: string; readonly exact: boolean }
  | { readonly op: 'lstats'; readonly requests: readonly LstatRequest[] }
  | { readonly op: 'readlink'; readonly path: string }
  | { readonly op: 'realpath'; readonly path: string }
  | { readonly op: 'open'; readonly path: string }
  | { readonly op: 'fstat'; readonly handle: Handle }
  | {
      readonly op: 'read';
      readonly handle: Handle;
      readonly buffer: Uint8Array;
      readonly offset: number;
      readonly length: number;
    }
  | { readonly op: 'close'; readonly handle: Handle };

/**
 * One `lstat` of a batch. `exact` asks for BigInt device and inode numbers, needed only where
 * they are compared with the descriptor's; plain numbers are cheaper to get.
 */
export interface LstatRequest {
  readonly path: string;
  readonly exact: boolean;
}

/** What the driver sends back: the call's result, or the `code` of the error it raised. */
export type Outcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errno: string };

/** The program's type, as the drivers see it. */
export type Program<T> = Generator<Operation, T, Outcome>;

/** A load as far as the bytes: the caller finishes it and wipes `buffer`. */
export interface Loaded {
  /** The resolved path of the file read. */
  readonly path: string;
  /** A fresh buffer of `maxBytes + 1` bytes holding the file's bytes at `[0, length)`. */
  readonly buffer: Uint8Array;
  readonly length: number;
  /** Whether owner, mode and directories were checked: false only after the opt-out. */
  readonly verified: boolean;
}

/** Who is loading: the process's effective uid, or `undefined` without POSIX permissions. */
export interface Identity {
  readonly euid: number | undefined;
}

function* call(operation: Operation): Program<Outcome> {
  return yield operation;
}

function* stat(operation: Operation, given: string, at: string): Program<Facts> {
  const outcome = yield* call(operation);
  if (!outcome.ok) throw failureFromErrno(outcome.errno, { given, at, action: operation.op });
  return outcome.value as Facts;
}

function* text(operation: Operation, given: string, at: string): Program<string> {
  const outcome = yield* call(operation);
  if (!outcome.ok) throw failureFromErrno(outcome.errno, { given, at, action: operation.op });
  return outcome.value as string;
}

/** Components of `path`, `/` separated; a trailing `/` demands a directory, as `.` does. */
function components(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  if (path.endsWith('/') && parts.length > 0) parts.push('.');
  return parts;
}

function joined(parts: readonly string[]): string {
  return `/${parts.join('/')}`;
}

/** Absolute form of a path, against the working directory as `fs` does, without `..` folding. */
export function absolute(path: string, given: string): string {
  if (path.startsWith('/')) return path;
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (error) {
    const errno = errnoOf(error);
    throw failureFromErrno(errno, { given, at: '.', action: 'getcwd' });
  }
  // process.cwd() is the kernel's answer, already free of symlinks and `..`.
  return `${cwd}/${path}`;
}

/** The `code` of a thrown operating-system error, `UNKNOWN` when it has none. */
export function errnoOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UNKNOWN';
  try {
    const code: unknown = Reflect.get(error, 'code');
    return typeof code === 'string' && /^E[A-Z0-9]{1,20}$/.test(code) ? code : 'UNKNOWN';
  } catch {
    return 'UNKNOWN';
  }
}

/** Where a walk ended: the resolved path and the `lstat` of what is there. */
interface Walked {
  readonly path: string;
  readonly facts: Facts;
}

// Enough for any real path; a longer one is looked up in several batches.
const MAX_BATCH = 16;

/**
 * The paths the walk will `lstat` after `base`, assuming no symlink on the way: `base` first,
 * then each prefix formed by the pending components, `..` stepping back. Only the path that
 * ends the walk is asked for exactly.
 */
function speculate(base: readonly string[], pending: readonly string[]): LstatRequest[] {
  const requests: LstatRequest[] = [];
  const parts = [...base];
  let last = -1;
  for (let i = pending.length - 1; i >= 0; i -= 1) {
    const name = pending[i];
    if (name === '.' || name === undefined) continue;
    if (name === '..') {
      parts.pop();
      continue;
    }
    parts.push(name);
    requests.push({ path: joined(parts), exact: false });
    last = i;
  }
  const speculative = requests.slice(0, MAX_BATCH - 1);
  const final = speculative.length === requests.length && last === 0;
  const lastRequest = speculative[speculative.length - 1];
  if (final && lastRequest !== undefined) {
    speculative[speculative.length - 1] = { path: lastRequest.path, exact: true };
  }
  return speculative;
}

/**
 * Resolves `start` one component at a time, as the kernel does: `lstat` on each, symlinks
 * followed physically (a relative target against the link's directory, and `..` after a link
 * leaves the link's target), at most {@link MAX_SYMLINKS} links. Every directory passed through
 * is checked with {@link directoryProblem}, the root `/` and those holding a followed link
 * included, and every link with {@link symlinkProblem} before it is read; the last component is
 * returned unchecked, for the caller to judge.
 *
 * The `lstat` calls are asked for in batches: the components that the path already names are
 * looked up together (in parallel by the asynchronous driver), and the results are used in walk
 * order, exactly as if each had been asked for in turn. A followed symlink discards what was
 * looked up beyond it.
 */
function* walk(start: string, given: string, euid: number): Program<Walked> {
  const pending = components(start).reverse();
  const resolved: string[] = [];
  const looked = new Map<string, { readonly outcome: Outcome; readonly exact: boolean }>();

  function* lookup(path: string, base: readonly string[]): Program<Facts> {
    const exact = pending.length === 0;
    let found = looked.get(path);
    if (found === undefined || (exact && !found.exact)) {
      const requests = [{ path, exact }, ...speculate(base, pending)];
      const batch = yield* call({ op: 'lstats', requests });
      const outcomes = batch.ok && Array.isArray(batch.value) ? (batch.value as unknown[]) : [];
      requests.forEach((request, index) => {
        const outcome = outcomes[index] as Outcome | undefined;
        if (outcome !== undefined) looked.set(request.path, { outcome, exact: request.exact });
      });
      found = looked.get(path);
    }
    if (found === undefined) throw failureFromErrno('EIO', { given, at: path, action: 'lstat' });
    const { outcome } = found;
    if (!outcome.ok) throw failureFromErrno(outcome.errno, { given, at: path, action: 'lstat' });
    return outcome.value as Facts;
  }

  const root = yield* lookup('/', []);
  const problem = directoryProblem('/', root, euid);
  if (problem !== undefined) throw problem;
  // Facts of each directory in `resolved`, `/` first, so `..` can step back to its parent's.
  const directories: Facts[] = [root];
  let links = 0;
  for (;;) {
    const name = pending.pop();
    if (name === undefined) break;
    if (name === '.') continue;
    if (name === '..') {
      // `resolved` never holds a symlink, so its parent is the physical parent; `/..` is `/`.
      if (resolved.length > 0) {
        resolved.pop();
        directories.pop();
      }
      continue;
    }
    const parent = directories[directories.length - 1] ?? root;
    const base = [...resolved, name];
    const path = joined(base);
    const facts = yield* lookup(path, base);
    if (facts.kind === 'symlink') {
      links += 1;
      if (links > MAX_SYMLINKS) {
        throw failureFromErrno('ELOOP', { given, at: path, action: 'walk' });
      }
      const untrusted = symlinkProblem(path, joined(resolved), parent, facts, euid);
      if (untrusted !== undefined) throw untrusted;
      const target = yield* text({ op: 'readlink', path }, given, path);
      if (target === '') throw failureFromErrno('ENOENT', { given, at: path, action: 'readlink' });
      if (target.startsWith('/')) {
        resolved.length = 0;
        directories.length = 1;
      }
      for (const part of components(target).reverse()) pending.push(part);
      // Looked up on the assumption that this was no symlink: stale from here on.
      looked.clear();
      continue;
    }
    if (pending.length === 0) return { path, facts };
    if (facts.kind !== 'directory') {
      throw failureFromErrno('ENOTDIR', { given, at: path, action: 'walk' });
    }
    const unsafe = directoryProblem(path, facts, euid);
    if (unsafe !== undefined) throw unsafe;
    resolved.push(name);
    directories.push(facts);
  }
  // The path ended on `.`, `..` or `/`: it names a directory already walked.
  return { path: joined(resolved), facts: directories[directories.length - 1] ?? root };
}

function segments(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** Whether `file` lies strictly inside `root`, by whole path segments. */
export function insideRoot(file: string, root: string): boolean {
  const fileParts = segments(file);
  const rootParts = segments(root);
  if (fileParts.length <= rootParts.length) return false;
  return rootParts.every((part, index) => fileParts[index] === part);
}

function outsideRoot(path: string, root: string): SecretError {
  return new SecretError(
    'OUTSIDE_ROOT',
    `${path} resolves outside the root ${root}; move the file into the root, or fix the ` +
      'symlink or `..` that leads out of it',
    { path },
  );
}

function rootNotDirectory(root: string): SecretError {
  return new SecretError(
    'INVALID_ARGUMENT',
    `options.root ${root} is not a directory; give the directory the secrets must lie in`,
    { path: root },
  );
}

function* resolveRoot(root: string, euid: number): Program<string> {
  const walked = yield* walk(absolute(root, root), root, euid);
  if (walked.facts.kind !== 'directory') throw rootNotDirectory(root);
  const problem = directoryProblem(walked.path, walked.facts, euid);
  if (problem !== undefined) throw problem;
  return walked.path;
}

// The first buffer holds the size fstat reported plus one byte, at least this much.
const FIRST_READ_BYTES = 256;

function freshBytes(byteLength: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(byteLength));
}

/**
 * Reads the open file into fresh buffers of at most `maxBytes + 1` bytes in all, until end of
 * file or until that much is read, whatever `fstat` said: a file that grows while being read, or
 * one that reports size 0 (procfs), cannot push more than that into memory. The first buffer is
 * sized from `fstat`, so a small secret costs no 64 KiB allocation and wipe; when the file holds
 * more, the bytes move to a buffer twice as large and the old one is wiped.
 */
function* readBounded(
  handle: Handle,
  path: string,
  maxBytes: number,
  reported: bigint,
): Program<Loaded> {
  const limit = maxBytes + 1;
  const hint = reported < BigInt(limit) ? Number(reported) + 1 : limit;
  let buffer = freshBytes(Math.min(limit, Math.max(FIRST_READ_BYTES, hint)));
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length >= limit) break;
        const larger = freshBytes(Math.min(limit, length * 2));
        larger.set(buffer);
        wipe(buffer);
        buffer = larger;
      }
      const requested = buffer.length - length;
      const outcome = yield* call({
        op: 'read',
        handle,
        buffer,
        offset: length,
        length: requested,
      });
      if (!outcome.ok) {
        throw failureFromErrno(outcome.errno, { given: path, at: path, action: 'read' });
      }
      const count = outcome.value;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw failureFromErrno('EIO', { given: path, at: path, action: 'read' });
      }
      if (count === 0) break;
      length += Math.min(count, requested);
      // A short read that ends exactly at the size fstat reported is the end of a regular
      // file, which saves the call that would return 0. Size 0 (procfs) never stops here.
      if (count < requested && reported > 0n && BigInt(length) === reported) break;
    }
    if (length > maxBytes) throw tooLarge(path, 'holds more bytes than that', maxBytes);
    return { path, buffer, length, verified: true };
  } catch (error) {
    wipe(buffer);
    throw error;
  }
}

/**
 * Opens the checked file, checks the descriptor and reads it, closing it on every path. A file
 * swapped since its `lstat` has another device or inode (`CHANGED_DURING_LOAD`) and is never
 * read.
 */
function* openAndRead(
  walked: Walked,
  judge: (facts: Facts) => SecretError | undefined,
  maxBytes: number,
): Program<Loaded> {
  const { path } = walked;
  const opened = yield* call({ op: 'open', path });
  if (!opened.ok) {
    // The walk saw no symlink here: ELOOP from O_NOFOLLOW means one was put in its place.
    if (opened.errno === 'ELOOP') throw changedDuringLoad(path);
    throw failureFromErrno(opened.errno, { given: path, at: path, action: 'open' });
  }
  const handle = opened.value;
  try {
    const facts = yield* stat({ op: 'fstat', handle }, path, path);
    if (!sameFile(walked.facts, facts)) throw changedDuringLoad(path);
    const problem = judge(facts);
    if (problem !== undefined) throw problem;
    return yield* readBounded(handle, path, maxBytes, facts.size);
  } finally {
    // A failed close changes nothing for the caller: the bytes are read or the load failed.
    yield* call({ op: 'close', handle });
  }
}

/** A complete load with every POSIX check. */
function* verifiedLoad(settings: Settings, euid: number): Program<Loaded> {
  const { given, root, maxBytes } = settings;
  const walked = yield* walk(absolute(given, given), given, euid);
  if (root !== undefined) {
    const realRoot = yield* resolveRoot(root, euid);
    if (!insideRoot(walked.path, realRoot)) throw outsideRoot(walked.path, realRoot);
  }
  const judge = (facts: Facts): SecretError | undefined =>
    fileProblem(walked.path, facts, euid, settings);
  // Judged on the lstat first, so a FIFO, a device or an open file is never even opened.
  const early = judge(walked.facts);
  if (early !== undefined) throw early;
  return yield* openAndRead(walked, judge, maxBytes);
}

function insideRootNative(file: string, root: string): boolean {
  const path = relative(root, file);
  return path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
}

/**
 * A load where ownership and modes cannot be checked: the platform's own `realpath`, the root
 * check, type and size, the device and inode comparison, the bounded read.
 */
function* unverifiedLoad(settings: Settings): Program<Loaded> {
  const { given, root, maxBytes } = settings;
  const path = yield* text({ op: 'realpath', path: resolve(given) }, given, given);
  if (root !== undefined) {
    const realRoot = yield* text({ op: 'realpath', path: resolve(root) }, root, root);
    if (!insideRootNative(path, realRoot)) throw outsideRoot(path, realRoot);
  }
  const facts = yield* stat({ op: 'lstat', path, exact: true }, given, path);
  const judge = (current: Facts): SecretError | undefined =>
    unverifiedFileProblem(path, current, settings);
  const early = judge(facts);
  if (early !== undefined) throw early;
  const loaded = yield* openAndRead({ path, facts }, judge, maxBytes);
  return { ...loaded, verified: false };
}

function unverifiable(given: string): SecretError {
  return new SecretError(
    'IO',
    `${given}: this platform has no POSIX owners and modes, so the file's permissions cannot ` +
      'be checked (ENOTSUP); pass allowUnverifiedPermissions: true to load it without them',
    { path: given, errno: 'ENOTSUP' },
  );
}

/** The program of one load, for the driver to run. Throws `SecretError` only. */
export function* loadProgram(settings: Settings, identity: Identity): Program<Loaded> {
  const { euid } = identity;
  if (euid !== undefined) return yield* verifiedLoad(settings, euid);
  if (!settings.allowUnverifiedPermissions) throw unverifiable(settings.given);
  return yield* unverifiedLoad(settings);
}
