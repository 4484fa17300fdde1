import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSecretError, type SecretBuffer, type SecretError } from '@llorch/secret-buffer';
import { expect } from 'vitest';
import { loadKeyFile, loadKeyFileSync, loadSecretFile, loadSecretFileSync } from '../src/index.js';

/** A loader called as plain JavaScript would call it, any argument allowed. */
export type Loader = (path: unknown, options?: unknown) => Promise<SecretBuffer>;

type AnyLoad = (path: never, options?: never) => SecretBuffer;
type AnyLoadAsync = (path: never, options?: never) => Promise<SecretBuffer>;

function syncForm(load: AnyLoad): Loader {
  // An async wrapper turns the synchronous throw into a rejection, so both forms share asserts.
  return async (path, options) => load(path as never, options as never);
}

function asyncForm(load: AnyLoadAsync): Loader {
  return (path, options) => {
    let result: unknown;
    try {
      result = load(path as never, options as never);
    } catch {
      return Promise.reject(new Error('the asynchronous form threw synchronously'));
    }
    if (!(result instanceof Promise)) {
      return Promise.reject(new Error('the asynchronous form returned no promise'));
    }
    return result as Promise<SecretBuffer>;
  };
}

/** Each test of the table runs in both forms. */
export const secretForms: readonly (readonly [string, Loader])[] = [
  ['sync', syncForm(loadSecretFileSync)],
  ['async', asyncForm(loadSecretFile)],
];

export const keyForms: readonly (readonly [string, Loader])[] = [
  ['sync', syncForm(loadKeyFileSync)],
  ['async', asyncForm(loadKeyFile)],
];

/** Random printable content: any run of 8 of its characters found in an error is a leak. */
export function marker(): string {
  return `mk${randomBytes(16).toString('hex')}`;
}

/** A copy of the secret's bytes, for comparison in tests only. */
export function bytesOf(secret: SecretBuffer): Uint8Array {
  return secret.expose((bytes) => Uint8Array.from(bytes));
}

export function textOf(secret: SecretBuffer): string {
  return new TextDecoder().decode(bytesOf(secret));
}

const LEAK_WINDOW = 8;

/**
 * SEC-SECRET-012: nothing a caller can print of an error (message, `String`, stack, JSON)
 * holds a run of the file's content.
 */
export function expectNoLeak(error: unknown, content: string | undefined): void {
  if (content === undefined) return;
  const err = error as SecretError;
  const views = [err.message, String(err), err.stack ?? '', JSON.stringify(err)];
  for (const view of views) {
    for (let i = 0; i + LEAK_WINDOW <= content.length; i += 1) {
      expect(view).not.toContain(content.slice(i, i + LEAK_WINDOW));
    }
  }
}

/**
 * Runs a load that must fail, and checks the failure: a `SecretError` of `code`, a message that
 * says what is wrong, and no trace of `content`.
 */
export async function expectFailure(
  run: Promise<unknown>,
  code: string,
  content?: string,
): Promise<SecretError> {
  let caught: unknown;
  let resolved = false;
  try {
    const value = await run;
    resolved = true;
    (value as SecretBuffer).dispose();
  } catch (error) {
    caught = error;
  }
  expect(resolved, `expected ${code}, but the load succeeded`).toBe(false);
  expect(isSecretError(caught), `expected a SecretError, got ${String(caught)}`).toBe(true);
  const error = caught as SecretError;
  expect(error.code, error.message).toBe(code);
  expect(error.name).toBe('SecretError');
  expect(error.message.length).toBeGreaterThan(20);
  expectNoLeak(error, content);
  return error;
}

/** A fresh directory under /tmp, mode 0700, owned by this process. */
export function tempDir(prefix = 'fl-'): string {
  const dir = fs.mkdtempSync(join('/tmp', prefix));
  fs.chmodSync(dir, 0o700);
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `content` at `path` with `mode` set explicitly (the umask does not apply to chmod). */
export function writeFile(path: string, content: string | Uint8Array, mode = 0o600): string {
  fs.writeFileSync(path, content);
  fs.chmodSync(path, mode);
  return path;
}

export function mkdir(path: string, mode = 0o700): string {
  fs.mkdirSync(path);
  fs.chmodSync(path, mode);
  return path;
}

/** The user that owns nothing here; tests run as root, which bypasses permission checks. */
export const NOBODY = 65_534;

/** The built package, for child processes (which must not depend on vitest's transforms). */
export const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs an ES module in a fresh Node process and returns its parsed last line of output. */
export function runChild(
  source: string,
  args: readonly string[] = [],
  timeout = 10_000,
): { status: number | null; signal: string | null; output: unknown; stderr: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source, ...args], {
    encoding: 'utf8',
    timeout,
  });
  const lines = result.stdout.trim().split('\n');
  let output: unknown;
  try {
    output = JSON.parse(lines[lines.length - 1] ?? 'null');
  } catch {
    output = undefined;
  }
  return { status: result.status, signal: result.signal, output, stderr: result.stderr };
}

/** `[label, mode]` rows for `it.each`, labelled as `chmod` writes modes. */
export function modeRows(modes: readonly number[]): (readonly [string, number])[] {
  return modes.map((mode) => [mode.toString(8).padStart(4, '0'), mode] as const);
}

let sequence = 0;

/** A name no other test of this process uses. */
export function unique(name: string): string {
  sequence += 1;
  return `${name}-${String(sequence)}`;
}
