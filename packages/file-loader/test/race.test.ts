import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { isSecretError, type SecretErrorCode } from '@llorch/secret-buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretFile, loadSecretFileSync } from '../src/index.js';
import { marker, mkdir, removeDir, tempDir, textOf, unique, writeFile } from './helpers.js';

const SYNC_LOADS = 10_000;
const ASYNC_LOADS = 2_000;

let dir: string;

beforeAll(() => {
  dir = tempDir('fl-race-');
});

afterAll(() => {
  removeDir(dir);
});

/** Starts a process that runs `body` in a loop as fast as it can, in `cwd`. */
async function flipper(cwd: string, body: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const fs = require('node:fs');
       process.chdir(process.argv[1]);
       const step = () => { ${body} };
       step();
       process.stdout.write('ready\\n');
       for (;;) { try { step(); } catch {} }`,
      cwd,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`flipper exited early (${String(code)})`)));
  });
  return child;
}

interface Tally {
  secret: number;
  decoy: number;
  other: number;
  refusals: Map<SecretErrorCode, number>;
}

function record(tally: Tally, outcome: () => string, secret: string, decoy: string): void {
  try {
    const text = outcome();
    if (text === secret) tally.secret += 1;
    else if (text === decoy) tally.decoy += 1;
    else tally.other += 1;
  } catch (error) {
    if (!isSecretError(error)) throw error;
    tally.refusals.set(error.code, (tally.refusals.get(error.code) ?? 0) + 1);
  }
}

/** Runs the loads while the flipper runs; every load must be the secret or a SecretError. */
async function race(
  path: string,
  secret: string,
  decoy: string,
  child: ChildProcess,
): Promise<Tally> {
  const tally: Tally = { secret: 0, decoy: 0, other: 0, refusals: new Map() };
  try {
    for (let i = 0; i < SYNC_LOADS; i += 1) {
      record(tally, () => textOf(loadSecretFileSync(path)), secret, decoy);
    }
    for (let i = 0; i < ASYNC_LOADS; i += 1) {
      let text: string | undefined;
      let failure: unknown;
      try {
        text = textOf(await loadSecretFile(path));
      } catch (error) {
        failure = error;
      }
      record(
        tally,
        () => {
          if (text === undefined) throw failure;
          return text;
        },
        secret,
        decoy,
      );
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return tally;
}

function refused(tally: Tally, codes: readonly SecretErrorCode[]): number {
  return codes.reduce((sum, code) => sum + (tally.refusals.get(code) ?? 0), 0);
}

describe('races against a second process', () => {
  it('SEC-SECRET-020 a symlink flipped to a 0644 decoy never yields the decoy', async () => {
    const base = mkdir(join(dir, unique('flip')));
    const secret = marker();
    const decoy = `DECOY-${marker()}`;
    writeFile(join(base, 'secret'), secret, 0o600);
    writeFile(join(base, 'decoy'), decoy, 0o644);
    fs.symlinkSync('secret', join(base, 'link'));
    const child = await flipper(
      base,
      `fs.symlinkSync('decoy', 'tmp'); fs.renameSync('tmp', 'link');
       fs.symlinkSync('secret', 'tmp'); fs.renameSync('tmp', 'link');`,
    );
    const tally = await race(join(base, 'link'), secret, decoy, child);
    expect(tally.decoy).toBe(0);
    expect(tally.other).toBe(0);
    expect(tally.secret).toBeGreaterThan(0);
    // The decoy was really there to be found: some loads resolved to it and were refused.
    expect(refused(tally, ['PERMISSIONS_TOO_OPEN'])).toBeGreaterThan(0);
    const total = tally.secret + [...tally.refusals.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(SYNC_LOADS + ASYNC_LOADS);
  });

  it('SEC-SECRET-021 files renamed over the secret never yield the 0644 decoy', async () => {
    const base = mkdir(join(dir, unique('rename')));
    const secret = marker();
    const decoy = `DECOY-${marker()}`;
    writeFile(join(base, 'secret'), secret, 0o600);
    writeFile(join(base, 'decoy'), decoy, 0o644);
    const child = await flipper(
      base,
      `fs.renameSync('secret', 'hold'); fs.renameSync('decoy', 'secret');
       fs.renameSync('secret', 'decoy'); fs.renameSync('hold', 'secret');`,
    );
    const tally = await race(join(base, 'secret'), secret, decoy, child);
    expect(tally.decoy).toBe(0);
    expect(tally.other).toBe(0);
    expect(tally.secret).toBeGreaterThan(0);
    expect(
      refused(tally, ['PERMISSIONS_TOO_OPEN', 'NOT_FOUND', 'CHANGED_DURING_LOAD']),
    ).toBeGreaterThan(0);
    const unexpected = [...tally.refusals.keys()].filter(
      (code) => !['PERMISSIONS_TOO_OPEN', 'NOT_FOUND', 'CHANGED_DURING_LOAD'].includes(code),
    );
    expect(unexpected).toEqual([]);
  });
});
