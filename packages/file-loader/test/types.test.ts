import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIST,
  expectFailure,
  marker,
  mkdir,
  removeDir,
  runChild,
  secretForms,
  tempDir,
  textOf,
  unique,
  writeFile,
} from './helpers.js';

let dir: string;
let socketPath: string;
let server: Server;

beforeAll(async () => {
  dir = tempDir('fl-types-');
  socketPath = join(dir, 'socket');
  server = createServer();
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  removeDir(dir);
});

/** `count` links, each pointing at the next, the last at `target`; returns the first. */
function chain(count: number, target: string): string {
  const base = unique('chain');
  let next = target;
  for (let i = count; i >= 1; i -= 1) {
    const link = join(dir, `${base}-${String(i)}`);
    fs.symlinkSync(next, link);
    next = link;
  }
  return next;
}

describe.each(secretForms)('what is at the path (%s)', (_form, load) => {
  it('SEC-SECRET-024 reports NOT_FOUND for a missing file, naming the path', async () => {
    const path = join(dir, 'missing');
    const error = await expectFailure(load(path), 'NOT_FOUND');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('reports NOT_FOUND when a directory on the path is missing', async () => {
    await expectFailure(load(join(dir, 'no-such-dir', 'token')), 'NOT_FOUND');
  });

  it('reports NOT_FOUND when a file stands where a directory should be', async () => {
    const content = marker();
    const file = writeFile(join(dir, unique('plain')), content);
    await expectFailure(load(join(file, 'token')), 'NOT_FOUND', content);
    await expectFailure(load(`${file}/`), 'NOT_FOUND', content);
    await expectFailure(load(`${file}/..`), 'NOT_FOUND', content);
  });

  it('SEC-SECRET-024 refuses a directory with NOT_A_FILE', async () => {
    const error = await expectFailure(load(dir), 'NOT_A_FILE');
    expect(error.path).toBe(dir);
    expect(error.message).toContain('directory');
    await expectFailure(load(`${dir}/`), 'NOT_A_FILE');
    await expectFailure(load(`${dir}/.`), 'NOT_A_FILE');
    await expectFailure(load('/'), 'NOT_A_FILE');
  });

  it.each(['/dev/null', '/dev/zero'])('SEC-SECRET-024 refuses the device %s', async (path) => {
    const error = await expectFailure(load(path), 'NOT_A_FILE');
    expect(error.message).toContain('character device');
  });

  it('SEC-SECRET-024 refuses a unix socket', async () => {
    const error = await expectFailure(load(socketPath), 'NOT_A_FILE');
    expect(error.message).toContain('socket');
  });

  it('refuses a symlink loop with IO naming ELOOP', async () => {
    const a = join(dir, unique('loop-a'));
    const b = join(dir, unique('loop-b'));
    fs.symlinkSync(b, a);
    fs.symlinkSync(a, b);
    const error = await expectFailure(load(a), 'IO');
    expect(error.errno).toBe('ELOOP');
    expect(error.message).toContain('ELOOP');
  });

  it('follows a chain of 40 links, as the kernel does', async () => {
    const content = marker();
    const target = writeFile(join(dir, unique('chained')), content);
    expect(textOf(await load(chain(40, target)))).toBe(content);
  });

  it('refuses a chain of 41 links with IO naming ELOOP', async () => {
    const content = marker();
    const target = writeFile(join(dir, unique('chained')), content);
    const error = await expectFailure(load(chain(41, target)), 'IO', content);
    expect(error.errno).toBe('ELOOP');
  });

  it('reports a dangling symlink as NOT_FOUND, naming the missing target', async () => {
    const link = join(dir, unique('dangling'));
    const target = join(dir, 'nowhere');
    fs.symlinkSync(target, link);
    const error = await expectFailure(load(link), 'NOT_FOUND');
    expect(error.path).toBe(link);
    expect(error.message).toContain(target);
  });

  it('reports an empty symlink target as NOT_FOUND', async () => {
    // symlink(2) refuses an empty target on Linux; a link to "" can only come from elsewhere,
    // so a link to a missing relative name stands in for it.
    const link = join(dir, unique('empty-target'));
    fs.symlinkSync('does-not-exist', link);
    await expectFailure(load(link), 'NOT_FOUND');
  });
});

describe('a FIFO', () => {
  it('SEC-SECRET-024 is refused within 1 s, never opened (child process with a timeout)', () => {
    const fifoDir = mkdir(join(dir, unique('fifo')));
    const fifo = join(fifoDir, 'pipe');
    execFileSync('mkfifo', ['-m', '0600', fifo]);
    const source = `
      import { loadSecretFile, loadSecretFileSync } from ${JSON.stringify(DIST)};
      const codes = [];
      const started = performance.now();
      try { loadSecretFileSync(process.argv[1]); codes.push('loaded'); }
      catch (error) { codes.push(error.code); }
      try { await loadSecretFile(process.argv[1]); codes.push('loaded'); }
      catch (error) { codes.push(error.code); }
      console.log(JSON.stringify({ codes, ms: performance.now() - started }));
    `;
    // The child's own timer cannot fire while a blocking open holds its thread; the parent's
    // timeout kills a hung child, and the child measures the calls themselves.
    const result = runChild(source, [fifo], 10_000);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const { codes, ms } = result.output as { codes: string[]; ms: number };
    expect(codes).toEqual(['NOT_A_FILE', 'NOT_A_FILE']);
    expect(ms).toBeLessThan(1000);
  });
});
