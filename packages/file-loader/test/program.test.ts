import * as fs from 'node:fs';
import { join } from 'node:path';
import { isSecretError, type SecretError } from '@llorch/secret-buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performSync } from '../src/drivers.js';
import { readSecretArguments } from '../src/options.js';
import { loadProgram, type Loaded, type Operation, type Outcome } from '../src/program.js';
import { marker, mkdir, removeDir, tempDir, unique, writeFile } from './helpers.js';

let dir: string;

beforeAll(() => {
  dir = tempDir('fl-program-');
});

afterAll(() => {
  removeDir(dir);
});

type Hook = (operation: Operation) => Outcome | undefined;

/** Runs one load with real calls, except where `hook` answers; records every call made. */
function script(
  path: string,
  hook: Hook,
  options?: object,
): { log: Operation[]; result: Loaded | SecretError } {
  const settings = readSecretArguments(path, options, 'test');
  const program = loadProgram(settings, { euid: 0 });
  const log: Operation[] = [];
  try {
    let step = program.next({ ok: true, value: undefined });
    while (step.done !== true) {
      log.push(step.value);
      step = program.next(hook(step.value) ?? performSync(step.value));
    }
    return { log, result: step.value };
  } catch (error) {
    if (!isSecretError(error)) throw error;
    return { log, result: error };
  }
}

function ops(log: readonly Operation[]): string[] {
  return log.map((operation) => operation.op);
}

function once(op: Operation['op'], action: (operation: Operation) => Outcome | undefined): Hook {
  let done = false;
  return (operation) => {
    if (done || operation.op !== op) return undefined;
    done = true;
    return action(operation);
  };
}

function codeOf(result: Loaded | SecretError): string {
  return isSecretError(result) ? result.code : 'loaded';
}

describe('the order of the calls', () => {
  it('SEC-SECRET-024 lstats every component, root first, before anything is opened', () => {
    const sub = mkdir(join(dir, unique('sub')));
    const path = writeFile(join(sub, 'token'), marker());
    const { log, result } = script(path, () => undefined);
    expect(codeOf(result)).toBe('loaded');
    const looked = log.flatMap((operation) =>
      operation.op === 'lstats' ? operation.requests.map((request) => request.path) : [],
    );
    expect(looked).toEqual(['/', '/tmp', dir, sub, path]);
    // One batch for the whole path, then the descriptor's calls.
    expect(ops(log)).toEqual(['lstats', 'open', 'fstat', 'read', 'close']);
  });

  it('SEC-SECRET-020 refuses a 0644 file without opening it', () => {
    const path = writeFile(join(dir, unique('open')), marker(), 0o644);
    const { log, result } = script(path, () => undefined);
    expect(codeOf(result)).toBe('PERMISSIONS_TOO_OPEN');
    expect(ops(log)).not.toContain('open');
  });

  it('SEC-SECRET-024 checks the root before opening the file', () => {
    const path = writeFile(join(dir, unique('outside')), marker());
    const root = mkdir(join(dir, unique('root')));
    const { log, result } = script(path, () => undefined, { root });
    expect(codeOf(result)).toBe('OUTSIDE_ROOT');
    expect(ops(log)).not.toContain('open');
  });
});

describe('the device and inode comparison', () => {
  it('SEC-SECRET-024 a file replaced after the walk is CHANGED_DURING_LOAD, never read', () => {
    const path = writeFile(join(dir, unique('target')), marker());
    // The decoy would pass every check of the descriptor: 0600, owned by this user.
    const decoy = writeFile(join(dir, unique('decoy')), `DECOY-${marker()}`);
    const { log, result } = script(
      path,
      once('open', () => {
        fs.renameSync(decoy, path);
        return undefined;
      }),
    );
    expect(codeOf(result)).toBe('CHANGED_DURING_LOAD');
    expect((result as SecretError).path).toBe(path);
    expect(ops(log).slice(-3)).toEqual(['open', 'fstat', 'close']);
    expect(ops(log)).not.toContain('read');
  });

  it('SEC-SECRET-024 a directory swapped after the walk is CHANGED_DURING_LOAD', () => {
    const base = mkdir(join(dir, unique('swap')));
    mkdir(join(base, 'good'));
    const path = writeFile(join(base, 'good', 'secret'), marker());
    mkdir(join(base, 'bad'), 0o777);
    writeFile(join(base, 'bad', 'secret'), `DECOY-${marker()}`);
    const { log, result } = script(
      path,
      once('open', () => {
        fs.renameSync(join(base, 'good'), join(base, 'hold'));
        fs.renameSync(join(base, 'bad'), join(base, 'good'));
        return undefined;
      }),
    );
    expect(codeOf(result)).toBe('CHANGED_DURING_LOAD');
    expect(ops(log)).not.toContain('read');
  });

  it('SEC-SECRET-023 a symlink put in place of the file is CHANGED_DURING_LOAD', () => {
    const path = writeFile(join(dir, unique('target')), marker());
    const decoy = writeFile(join(dir, unique('decoy')), `DECOY-${marker()}`);
    const { log, result } = script(
      path,
      once('open', () => {
        fs.unlinkSync(path);
        fs.symlinkSync(decoy, path);
        return undefined;
      }),
    );
    expect(codeOf(result)).toBe('CHANGED_DURING_LOAD');
    expect(ops(log)).not.toContain('read');
    expect(ops(log)).not.toContain('close');
  });
});

describe('the descriptor is closed on every path', () => {
  it('closes it when fstat fails', () => {
    const path = writeFile(join(dir, unique('file')), marker());
    const { log, result } = script(
      path,
      once('fstat', () => ({ ok: false, errno: 'EIO' })),
    );
    expect(codeOf(result)).toBe('IO');
    expect((result as SecretError).errno).toBe('EIO');
    expect(ops(log).at(-1)).toBe('close');
  });

  it('SEC-SECRET-014 closes it and wipes the partial read when a read fails', () => {
    const path = writeFile(join(dir, unique('file')), marker());
    let buffer: Uint8Array | undefined;
    const { log, result } = script(path, (operation) => {
      if (operation.op !== 'read') return undefined;
      buffer = operation.buffer;
      // Half the file arrives, then the disk fails.
      performSync(operation);
      return { ok: false, errno: 'EIO' };
    });
    expect(codeOf(result)).toBe('IO');
    expect(ops(log).at(-1)).toBe('close');
    expect(buffer?.some((byte) => byte !== 0)).toBe(false);
  });

  it('closes it when the file outgrows maxBytes while being read', () => {
    const path = writeFile(join(dir, unique('file')), 'x'.repeat(100));
    // Both stat calls claim 10 bytes, as for a file still being written.
    const small = (operation: Operation): Outcome | undefined => {
      if (operation.op === 'lstats') {
        const outcome = performSync(operation);
        const outcomes = (outcome as { value: Outcome[] }).value.map((each, index) =>
          each.ok && operation.requests[index]?.path === path
            ? { ok: true, value: { ...(each.value as object), size: 10n } }
            : each,
        );
        return { ok: true, value: outcomes };
      }
      if (operation.op !== 'fstat') return undefined;
      const outcome = performSync(operation);
      if (!outcome.ok) return outcome;
      return { ok: true, value: { ...(outcome.value as object), size: 10n } };
    };
    const { log, result } = script(path, small, { maxBytes: 50 });
    expect(codeOf(result)).toBe('TOO_LARGE');
    expect(ops(log).at(-1)).toBe('close');
    const requested = log
      .filter((operation) => operation.op === 'read')
      .reduce((sum, operation) => sum + (operation as { length: number }).length, 0);
    expect(requested).toBeLessThanOrEqual(51);
  });

  it('survives a failing close, keeping the bytes read', () => {
    const content = marker();
    const path = writeFile(join(dir, unique('file')), content);
    const { result } = script(
      path,
      once('close', () => ({ ok: false, errno: 'EIO' })),
    );
    expect(codeOf(result)).toBe('loaded');
    const loaded = result as Loaded;
    expect(new TextDecoder().decode(loaded.buffer.subarray(0, loaded.length))).toBe(content);
  });

  it('maps a read count that is not a non-negative integer to IO', () => {
    const path = writeFile(join(dir, unique('file')), marker());
    const { log, result } = script(
      path,
      once('read', () => ({ ok: true, value: -1 })),
    );
    expect(codeOf(result)).toBe('IO');
    expect(ops(log).at(-1)).toBe('close');
  });
});
