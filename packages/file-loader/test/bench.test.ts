import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { totalCalls } from '../bench/strace.mjs';

const RULE = '------ ----------- ----------- --------- --------- ------------------';
const HEADER = '% time     seconds  usecs/call     calls    errors syscall';

function report(...rows: string[]): string {
  return [HEADER, RULE, ...rows.slice(0, -1), RULE, rows[rows.length - 1] ?? '', ''].join('\n');
}

describe('the strace -c report of bench/syscalls.mjs', () => {
  it('reads calls from the total line of strace 6', () => {
    const text = report(
      ' 75.00    0.028985         475        61         6 futex',
      ' 18.39    0.007107        1776         4           epoll_pwait',
      '100.00    0.038648          55       693        24 total',
    );
    expect(totalCalls(text)).toBe(693);
  });

  it('reads calls where the total line has no usecs/call, as older strace prints it', () => {
    // Split on whitespace, the fourth field of this line is the error count, 12.
    const text = report(
      ' 45.45    0.000050           1        44           mmap',
      '100.00    0.000110                   143        12 total',
    );
    expect(totalCalls(text)).toBe(143);
  });

  it('reads calls where the total line has neither usecs/call nor errors', () => {
    const text = report(
      ' 45.45    0.000050           1        44           mmap',
      '100.00    0.000110                   143           total',
    );
    expect(totalCalls(text)).toBe(143);
  });

  it('finds the columns by name, wherever they are', () => {
    const text = [
      'syscall         calls',
      '--------------- ---------',
      'read                    7',
      '--------------- ---------',
      'total                  42',
    ].join('\n');
    expect(totalCalls(text)).toBe(42);
  });

  it('throws on a report without the table, rather than counting nothing', () => {
    expect(() => totalCalls('strace: exec: No such file or directory\n')).toThrow(/header/);
    expect(() => totalCalls(report(' 45.45    0.000050     1    44     mmap', ''))).toThrow(
      /total/,
    );
  });
});

describe('bench/syscalls.mjs, which pnpm bench runs after the timings', () => {
  it('skips the count with a note, and succeeds, where strace is not on the PATH', () => {
    const script = fileURLToPath(new URL('../bench/syscalls.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { PATH: '/nonexistent' },
      timeout: 10_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('skipped, strace is not on the PATH');
    expect(run.stdout).not.toContain('system calls per load\n');
  });
});
