import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { isSecretError } from '@llorch/secret-buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bytesOf,
  expectFailure,
  marker,
  removeDir,
  secretForms,
  tempDir,
  textOf,
  unique,
  writeFile,
} from './helpers.js';

let dir: string;

beforeAll(() => {
  dir = tempDir('fl-content-');
});

afterAll(() => {
  removeDir(dir);
});

function file(content: string | Uint8Array, mode = 0o600): string {
  return writeFile(join(dir, unique('file')), content, mode);
}

describe.each(secretForms)('content (%s)', (_form, load) => {
  it('reports an empty file as EMPTY', async () => {
    const path = file('');
    const error = await expectFailure(load(path), 'EMPTY');
    expect(error.path).toBe(path);
  });

  it('reports a whitespace-only file as EMPTY', async () => {
    await expectFailure(load(file(' \t\n\v\f\r \n')), 'EMPTY');
  });

  it('trims leading and trailing ASCII whitespace only', async () => {
    const content = marker();
    expect(textOf(await load(file(`\t \r\n${content} x\v\f\r\n`)))).toBe(`${content} x`);
  });

  it('keeps every byte with trim: false', async () => {
    const content = `  ${marker()}\n`;
    expect(textOf(await load(file(content), { trim: false }))).toBe(content);
    await expectFailure(load(file(''), { trim: false }), 'EMPTY');
    expect(textOf(await load(file(' \n'), { trim: false }))).toBe(' \n');
  });

  it('keeps binary content with NUL bytes and non-ASCII bytes exactly', async () => {
    const content = Uint8Array.from([0, 1, 0, 0xff, 0x80, 0x0a, 0x41, 0]);
    expect(Array.from(bytesOf(await load(file(content), { trim: false })))).toEqual(
      Array.from(content),
    );
    // NUL is not whitespace: only the 0x0a in the middle would be, and it is not at an edge.
    expect(Array.from(bytesOf(await load(file(content))))).toEqual(Array.from(content));
  });

  it('loads a file of exactly maxBytes bytes', async () => {
    const content = 'k'.repeat(64);
    expect(textOf(await load(file(content), { maxBytes: 64 }))).toBe(content);
  });

  it('refuses a file of maxBytes + 1 bytes with TOO_LARGE', async () => {
    const content = marker().repeat(3).slice(0, 65);
    const error = await expectFailure(load(file(content), { maxBytes: 64 }), 'TOO_LARGE', content);
    expect(error.message).toContain('65 bytes');
    expect(error.message).toContain('64');
  });

  it('applies the default limit of 65,536 bytes', async () => {
    const exact = 'x'.repeat(65_536);
    expect((await load(file(exact))).byteLength).toBe(65_536);
    await expectFailure(load(file(`${exact}y`)), 'TOO_LARGE');
  });

  it('loads up to the 1 MiB ceiling when maxBytes allows it', async () => {
    const secret = await load(file('m'.repeat(1_048_576)), { maxBytes: 1_048_576 });
    expect(secret.byteLength).toBe(1_048_576);
  });

  it('reads at most maxBytes + 1 bytes whatever fstat says (procfs reports size 0)', async () => {
    // /proc/self/environ is a 0400 regular file of this process whose stat size is 0.
    expect(fs.statSync('/proc/self/environ').size).toBe(0);
    const whole = fs.readFileSync('/proc/self/environ');
    expect(whole.length).toBeGreaterThan(16);
    await expectFailure(load('/proc/self/environ', { maxBytes: 16 }), 'TOO_LARGE');
    const loaded = await load('/proc/self/environ', { trim: false, maxBytes: 1_048_576 });
    expect(loaded.byteLength).toBe(whole.length);
  });
});

describe.each(secretForms)('a file that grows while being read (%s)', (_form, load) => {
  it('never yields more than maxBytes bytes, nor bytes that were never in the file', async () => {
    const path = file('g'.repeat(16));
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         const fd = fs.openSync(process.argv[1], 'a');
         const chunk = Buffer.alloc(64, 0x67);
         process.stdout.write('ready\\n');
         for (let i = 0; i < 200000; i += 1) fs.writeSync(fd, chunk);`,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      const codes = new Set<string>();
      for (let i = 0; i < 500; i += 1) {
        try {
          const secret = await load(path, { maxBytes: 4096 });
          const bytes = bytesOf(secret);
          expect(bytes.length).toBeLessThanOrEqual(4096);
          expect(bytes.every((byte) => byte === 0x67)).toBe(true);
        } catch (error) {
          expect(isSecretError(error, 'TOO_LARGE')).toBe(true);
          codes.add('TOO_LARGE');
        }
      }
      expect(codes.has('TOO_LARGE')).toBe(true);
    } finally {
      writer.kill();
    }
  });
});
