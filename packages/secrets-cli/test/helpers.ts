import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built executable: the tests run what users run. */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `llorch-secrets args...` with `input` on standard input. */
export function run(
  args: readonly string[],
  options: {
    input?: string | Uint8Array;
    env?: Record<string, string | undefined>;
    cwd?: string;
  } = {},
): Run {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? '',
    env,
    encoding: 'utf8',
    timeout: 20_000,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Whether util-linux `script`, which gives a command a pseudo-terminal, is installed. */
export const HAS_SCRIPT = (() => {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('util-linux');
})();

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs `llorch-secrets args...` with standard output on a pseudo-terminal, through
 * `script -qec`. The environment is only PATH, TERM=xterm-256color and `env`, so that the
 * colour variables of the shell running the tests (CI, FORCE_COLOR, NO_COLOR) play no part.
 */
export function runOnTerminal(args: readonly string[], env: Record<string, string> = {}): Run {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    input: '',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A private (0700) temporary directory, removed by the returned cleanup. */
export function tempDirectory(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'llorch-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `content` to `dir/name` with exactly `mode`. */
export function writeFile(dir: string, name: string, content: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}
