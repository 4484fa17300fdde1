/**
 * A systemd credentials directory as systemd leaves it: the directory 0500, each credential
 * 0400, and 0440 where systemd added an ACL entry for the unit's User=.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Another user's id: CI runs as root, which no permission bit stops. */
export const NOBODY = 65534;

/** A string that must never appear in any error, message or event. */
export const CANARY = 'Qx7vK2pZ-canary-W9mJ4tR8';
export const TOKEN = `tok-${CANARY}`;
export const GROUP_TOKEN = `grp-${CANARY}`;
export const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF';
export const BINARY_KEY = Uint8Array.from({ length: 32 }, (_, index) => 0xc0 + (index % 64));

export interface Fixture {
  /** A root-owned 0755 directory holding everything below. */
  readonly base: string;
  /** The credentials directory, 0500. */
  readonly directory: string;
  /** Writes `name` into the credentials directory with `mode` (root ignores the 0500). */
  add(name: string, content: string | Uint8Array, mode: number): string;
  cleanup(): void;
}

export function makeFixture(): Fixture {
  const base = mkdtempSync(join(tmpdir(), 'llorch-creds-'));
  // Traversable, so that a child running as NOBODY can reach what it owns below.
  chmodSync(base, 0o755);
  const directory = join(base, 'credentials');
  mkdirSync(directory, { mode: 0o700 });
  const add = (name: string, content: string | Uint8Array, mode: number): string => {
    const path = join(directory, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, mode);
    return path;
  };
  add('api-token', `${TOKEN}\n`, 0o400);
  add('group-token', `  ${GROUP_TOKEN}\n`, 0o440);
  add('seal-key', `${HEX_KEY}\n`, 0o400);
  add('seal-key.bin', BINARY_KEY, 0o400);
  chmodSync(directory, 0o500);
  return {
    base,
    directory,
    add,
    cleanup: () => {
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Hands `paths` to NOBODY. */
export function giveToNobody(...paths: string[]): void {
  for (const path of paths) chownSync(path, NOBODY, NOBODY);
}

/** The UTF-8 text of an exposed secret, for assertions only. */
export function textOf(secret: { expose<T>(use: (bytes: Uint8Array) => T): T }): string {
  return secret.expose((bytes) => new TextDecoder().decode(bytes));
}

/** A copy of an exposed secret's bytes, for assertions only. */
export function bytesOf(secret: { expose<T>(use: (bytes: Uint8Array) => T): T }): Uint8Array {
  return secret.expose((bytes) => Uint8Array.from(bytes));
}

/** The error `run` throws, or a failure when it throws nothing. */
export function thrown(run: () => unknown): unknown {
  try {
    const result = run();
    if (typeof result === 'object' && result !== null && 'dispose' in result) {
      (result as { dispose(): void }).dispose();
    }
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, got a value');
}

/** The reason `promise` rejects with, or a failure when it resolves. */
export async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    const result = await promise;
    if (typeof result === 'object' && result !== null && 'dispose' in result) {
      (result as { dispose(): void }).dispose();
    }
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a value');
}
