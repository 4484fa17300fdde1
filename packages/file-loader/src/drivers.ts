/**
 * The two ways of running a load program: `fs.*Sync` calls, or `fs.promises` with a
 * `FileHandle`. Drivers make the calls and report outcomes; they decide nothing.
 *
 * @module
 */
import * as fs from 'node:fs';
import type { BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import {
  errnoOf,
  type LstatRequest,
  type Operation,
  type Outcome,
  type Program,
} from './program.js';
import type { Facts, Kind } from './policy.js';

const { constants } = fs;

// Read by name: the types promise every flag, but Windows has no O_NOFOLLOW or O_NONBLOCK.
function flag(name: string): number {
  const value: unknown = Reflect.get(constants, name);
  return typeof value === 'number' ? value : 0;
}

/**
 * `O_NOFOLLOW` refuses a symlink put in place of the checked file; `O_NONBLOCK` keeps a FIFO
 * from blocking the process, should one get past the checks. Node does not export
 * `O_CLOEXEC`, and libuv sets it on every open anyway; it is added here where it is defined.
 */
export const OPEN_FLAGS: number =
  flag('O_RDONLY') | flag('O_NOFOLLOW') | flag('O_NONBLOCK') | flag('O_CLOEXEC');

type AnyStats = BigIntStats | fs.Stats;

function kindOf(stats: AnyStats): Kind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'unknown';
}

// BigInt stats where devices and inodes are compared, so that inode numbers above 2^53
// (overlayfs, XFS) compare exactly; plain numbers elsewhere, which are cheaper to get.
function factsOf(stats: AnyStats): Facts {
  if (typeof stats.ino === 'bigint') {
    const exact = stats as BigIntStats;
    return {
      kind: kindOf(stats),
      dev: exact.dev,
      ino: exact.ino,
      mode: Number(exact.mode & 0o7777n),
      uid: Number(exact.uid),
      size: exact.size,
      exact: true,
    };
  }
  const plain = stats as fs.Stats;
  return {
    kind: kindOf(stats),
    dev: BigInt(plain.dev),
    ino: BigInt(plain.ino),
    mode: plain.mode & 0o7777,
    uid: plain.uid,
    size: BigInt(plain.size),
    exact: false,
  };
}

function lstatSync(request: LstatRequest): Outcome {
  try {
    const stats = request.exact
      ? fs.lstatSync(request.path, { bigint: true })
      : fs.lstatSync(request.path);
    return ok(factsOf(stats));
  } catch (error) {
    return failed(error);
  }
}

async function lstatAsync(request: LstatRequest): Promise<Outcome> {
  try {
    const stats = request.exact
      ? await fs.promises.lstat(request.path, { bigint: true })
      : await fs.promises.lstat(request.path);
    return ok(factsOf(stats));
  } catch (error) {
    return failed(error);
  }
}

// In walk order, stopping where the walk would stop or change course: a failure or a symlink.
function lstatsSync(requests: readonly LstatRequest[]): (Outcome | undefined)[] {
  const outcomes: (Outcome | undefined)[] = [];
  for (const request of requests) {
    const outcome = lstatSync(request);
    outcomes.push(outcome);
    if (!outcome.ok || (outcome.value as Facts).kind === 'symlink') break;
  }
  return outcomes;
}

function ok(value: unknown): Outcome {
  return { ok: true, value };
}

function failed(error: unknown): Outcome {
  return { ok: false, errno: errnoOf(error) };
}

/** Makes one call synchronously; exported for tests that script a load step by step. */
export function performSync(operation: Operation): Outcome {
  try {
    switch (operation.op) {
      case 'lstat':
        return lstatSync(operation);
      case 'lstats':
        return ok(lstatsSync(operation.requests));
      case 'readlink':
        return ok(fs.readlinkSync(operation.path, 'utf8'));
      case 'realpath':
        return ok(fs.realpathSync.native(operation.path, 'utf8'));
      case 'open':
        return ok(fs.openSync(operation.path, OPEN_FLAGS));
      case 'fstat':
        return ok(factsOf(fs.fstatSync(operation.handle as number, { bigint: true })));
      case 'read':
        return ok(
          fs.readSync(
            operation.handle as number,
            operation.buffer,
            operation.offset,
            operation.length,
            operation.offset,
          ),
        );
      case 'close':
        fs.closeSync(operation.handle as number);
        return ok(undefined);
    }
  } catch (error) {
    return failed(error);
  }
}

async function performAsync(operation: Operation): Promise<Outcome> {
  try {
    switch (operation.op) {
      case 'lstat':
        return await lstatAsync(operation);
      case 'lstats':
        // All at once: each is one round trip through the thread pool, the walk's main cost.
        return ok(await Promise.all(operation.requests.map(lstatAsync)));
      case 'readlink':
        return ok(await fs.promises.readlink(operation.path, 'utf8'));
      case 'realpath':
        return ok(await fs.promises.realpath(operation.path, 'utf8'));
      case 'open':
        return ok(await fs.promises.open(operation.path, OPEN_FLAGS));
      case 'fstat':
        return ok(factsOf(await (operation.handle as FileHandle).stat({ bigint: true })));
      case 'read': {
        const handle = operation.handle as FileHandle;
        const { buffer, offset, length } = operation;
        const { bytesRead } = await handle.read(buffer, offset, length, offset);
        return ok(bytesRead);
      }
      case 'close':
        await (operation.handle as FileHandle).close();
        return ok(undefined);
    }
  } catch (error) {
    return failed(error);
  }
}

/** Runs `program` with synchronous calls. */
export function runSync<T>(program: Program<T>): T {
  let step = program.next(ok(undefined));
  while (step.done !== true) step = program.next(performSync(step.value));
  return step.value;
}

/** Runs `program` with `fs.promises`, one call at a time. */
export async function runAsync<T>(program: Program<T>): Promise<T> {
  let step = program.next(ok(undefined));
  while (step.done !== true) step = program.next(await performAsync(step.value));
  return step.value;
}
