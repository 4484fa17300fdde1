import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private (0700) temporary directory, removed by the returned cleanup. */
export function tempDirectory(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'llorch-facade-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `content` to `dir/name` with `mode` (set explicitly, whatever the umask). */
export function writeSecretFile(
  dir: string,
  name: string,
  content: string | Uint8Array,
  mode = 0o600,
): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

/** Collects the warnings emitted while `run` runs and for one tick after. */
export async function warningsDuring(run: () => unknown): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error) => seen.push(warning);
  process.on('warning', listener);
  try {
    try {
      run();
    } catch {
      // The caller asserts on the outcome separately; only warnings are collected here.
    }
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

/** The UTF-8 bytes of `text`. */
export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
