import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64UrlLine, hexLine } from '../src/encode.js';
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

  it('prints coloured check lines when run on a terminal (colour on)', async () => {
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
