/**
 * Everything the CLI prints goes through here: the library packages never print.
 *
 * @module
 */

/** Where a run's output goes; tests pass their own. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colour escapes are written only when this is true (a TTY, and no `NO_COLOR`). */
  readonly color: boolean;
  /** The descriptor `verify` reads the candidate from. */
  readonly stdinFd: number;
  readonly stdinIsTTY: boolean;
}

/** The outcome of one check, as printed and as put in `--json` output. */
export type Mark = 'pass' | 'fail' | 'info';

const COLOURS: Readonly<Record<Mark, string>> = {
  pass: '\u001b[32m',
  fail: '\u001b[31m',
  info: '\u001b[33m',
};
const RESET = '\u001b[0m';
const LABELS: Readonly<Record<Mark, string>> = { pass: 'pass', fail: 'FAIL', info: 'info' };

/**
 * Paths and names come from the user or the file system and may hold control characters;
 * escaping them keeps a crafted file name from rewriting the terminal.
 */
export function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    out += control ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return out;
}

/** `[pass]`, `[FAIL]` or `[info]`, coloured when colour is on. */
export function mark(io: Io, kind: Mark): string {
  const label = `[${LABELS[kind]}]`;
  return io.color ? `${COLOURS[kind]}${label}${RESET}` : label;
}

/** Prints one value as the whole `--json` output. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** A failure the user caused by the command line: exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit statuses: success, a check or operation failed, the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
