import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { base64UrlLine, hexLine } from '../src/encode.js';
import { colorEnabled } from '../src/environment.js';
import { main } from '../src/main.js';
import { mark, printable, type Io } from '../src/output.js';
import { trimView } from '../src/commands/verify.js';

function fakeIo(color: boolean): Io & { text: () => string } {
  let out = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      out += t;
    },
    color,
    stdinFd: -1,
    stdinIsTTY: false,
    text: () => out,
  };
}

describe('encoders of generated secrets', () => {
  it('base64UrlLine matches Node base64url for any bytes, plus a newline', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const line = Buffer.from(base64UrlLine(bytes)).toString('latin1');
        expect(line).toBe(`${Buffer.from(bytes).toString('base64url')}\n`);
      }),
      { numRuns: 500 },
    );
  });

  it('hexLine matches Node hex for any bytes, plus a newline', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const line = Buffer.from(hexLine(bytes)).toString('latin1');
        expect(line).toBe(`${Buffer.from(bytes).toString('hex')}\n`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('colour decision (colorEnabled)', () => {
  const yes = () => true;
  const no = () => false;

  it('colours a terminal without NO_COLOR, as far as Node says it has colours', () => {
    expect(colorEnabled({ isTTY: true, env: {}, hasColors: yes })).toBe(true);
    // hasColors is where TERM=dumb and FORCE_COLOR=0 come in.
    expect(colorEnabled({ isTTY: true, env: { FORCE_COLOR: '0' }, hasColors: no })).toBe(false);
  });

  it.each(['1', 'true', '0', 'false', ' '])('turns colour off for NO_COLOR=%j', (value) => {
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: value }, hasColors: yes })).toBe(false);
  });

  it('lets NO_COLOR win over FORCE_COLOR, which would make hasColors say yes', () => {
    const env = { NO_COLOR: '1', FORCE_COLOR: '3' };
    expect(colorEnabled({ isTTY: true, env, hasColors: yes })).toBe(false);
  });

  it('treats an empty NO_COLOR as unset (no-color.org: "present and not an empty string")', () => {
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '' }, hasColors: yes })).toBe(true);
  });

  it('never colours a pipe or a file, even with FORCE_COLOR, and does not ask hasColors', () => {
    for (const isTTY of [false, undefined]) {
      const hasColors = vi.fn(yes);
      expect(colorEnabled({ isTTY, env: { FORCE_COLOR: '3' }, hasColors })).toBe(false);
      // A pipe's stream has no hasColors method: calling it would throw.
      expect(hasColors).not.toHaveBeenCalled();
    }
  });
});

describe('output', () => {
  it('colours marks only when colour is on', () => {
    expect(mark(fakeIo(false), 'fail')).toBe('[FAIL]');
    expect(mark(fakeIo(true), 'fail')).toBe('\u001b[31m[FAIL]\u001b[0m');
    expect(mark(fakeIo(true), 'pass')).toContain('\u001b[32m');
  });

  it('escapes control characters of paths, so a file name cannot drive the terminal', () => {
    expect(printable('/tmp/a\u001b[2Jb\nc\u009b')).toBe('/tmp/a\\x1b[2Jb\\x0ac\\x9b');
    expect(printable('/etc/llorch/secrets/api-token')).toBe('/etc/llorch/secrets/api-token');
  });

  it('colours check lines when Io.color is on, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llorch-cli-unit-'));
    try {
      const path = join(dir, 'token');
      writeFileSync(path, 'unit-token');
      chmodSync(path, 0o644);
      const io = fakeIo(true);
      expect(await main(['check', path], io)).toBe(1);
      expect(io.text()).toContain('\u001b[31m[FAIL]\u001b[0m');
      const plain = fakeIo(false);
      expect(await main(['check', path], plain)).toBe(1);
      expect(plain.text()).not.toContain('\u001b[');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trims candidates like files: ASCII whitespace at both ends only', () => {
    const text = (s: string) => Buffer.from(trimView(new TextEncoder().encode(s))).toString();
    expect(text(' \t\r\n a b \u000b\f')).toBe('a b');
    expect(text('\n\n')).toBe('');
  });
});
