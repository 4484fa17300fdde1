import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS_LOAD_CHANNEL, UNVERIFIED_PERMISSIONS_WARNING } from '../src/index.js';
import {
  DIST,
  expectFailure,
  keyForms,
  marker,
  mkdir,
  NOBODY,
  removeDir,
  runChild,
  secretForms,
  tempDir,
  textOf,
  unique,
  writeFile,
} from './helpers.js';

let dir: string;
let good: { path: string; content: string };
const events: unknown[] = [];
const listener = (message: unknown): void => {
  events.push(message);
};

beforeAll(() => {
  dir = tempDir('fl-events-');
  good = { path: join(dir, 'token'), content: marker() };
  writeFile(good.path, `${good.content}\n`);
  subscribe(SECRETS_LOAD_CHANNEL, listener);
});

afterAll(() => {
  unsubscribe(SECRETS_LOAD_CHANNEL, listener);
  removeDir(dir);
});

afterEach(() => {
  events.length = 0;
});

it('names the channel llorch:secrets:load', () => {
  expect(SECRETS_LOAD_CHANNEL).toBe('llorch:secrets:load');
});

describe.each(secretForms)('diagnostics channel (%s)', (_form, load) => {
  it('SEC-SECRET-013 publishes source, resolved path and length, never the value', async () => {
    const link = join(dir, unique('link'));
    fs.symlinkSync('token', link);
    const secret = await load(link);
    expect(events).toEqual([{ source: 'file', path: good.path, byteLength: secret.byteLength }]);
    expect(secret.byteLength).toBe(good.content.length);
    expect(JSON.stringify(events)).not.toContain(good.content.slice(0, 8));
  });

  it('SEC-SECRET-013 publishes nothing with publish: false', async () => {
    expect(textOf(await load(good.path, { publish: false }))).toBe(good.content);
    expect(events).toEqual([]);
  });

  it('SEC-SECRET-013 publishes nothing when a load fails', async () => {
    await expectFailure(load(join(dir, 'missing')), 'NOT_FOUND');
    const open = writeFile(join(dir, unique('open')), marker(), 0o644);
    await expectFailure(load(open), 'PERMISSIONS_TOO_OPEN');
    expect(events).toEqual([]);
  });

  it('still returns the secret when a subscriber throws', async () => {
    const thrower = (): void => {
      throw new Error('subscriber');
    };
    const crashes: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      crashes.push(error);
    };
    // diagnostics_channel reports a subscriber's exception on the next tick, as uncaught.
    process.on('uncaughtException', onUncaught);
    subscribe(SECRETS_LOAD_CHANNEL, thrower);
    try {
      expect(textOf(await load(good.path))).toBe(good.content);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      unsubscribe(SECRETS_LOAD_CHANNEL, thrower);
      process.off('uncaughtException', onUncaught);
    }
    expect(events).toHaveLength(1);
  });
});

describe.each(keyForms)('diagnostics channel, keys (%s)', (_form, load) => {
  it('SEC-SECRET-013 publishes the key length, not the file length', async () => {
    const path = writeFile(join(dir, unique('key')), `${'ab'.repeat(32)}\n`);
    await load(path);
    expect(events).toEqual([{ source: 'file', path, byteLength: 32 }]);
  });
});

describe.each(secretForms)('a platform without POSIX permissions (%s)', (_form, load) => {
  const original = process.geteuid;
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    // Only this package's warnings: the test runner may emit its own.
    if ((warning as Error & { code?: string }).code === UNVERIFIED_PERMISSIONS_WARNING) {
      warnings.push(warning);
    }
  };

  function withoutPosix(): void {
    Object.defineProperty(process, 'geteuid', {
      value: undefined,
      configurable: true,
      writable: true,
    });
    process.on('warning', onWarning);
  }

  afterEach(async () => {
    // Warnings are emitted on the next tick: let those of the test arrive before cleaning up.
    await new Promise((resolve) => setImmediate(resolve));
    Object.defineProperty(process, 'geteuid', {
      value: original,
      configurable: true,
      writable: true,
    });
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  async function nextTick(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }

  it('SEC-SECRET-020 refuses to load without the explicit opt-out', async () => {
    withoutPosix();
    const error = await expectFailure(load(good.path), 'IO', good.content);
    expect(error.errno).toBe('ENOTSUP');
    expect(error.message).toContain('allowUnverifiedPermissions');
  });

  it('loads with allowUnverifiedPermissions and emits a warning each time', async () => {
    withoutPosix();
    const open = writeFile(join(dir, unique('open')), marker(), 0o644);
    await load(good.path, { allowUnverifiedPermissions: true });
    await load(open, { allowUnverifiedPermissions: true });
    await expectFailure(load(dir, { allowUnverifiedPermissions: true }), 'NOT_A_FILE');
    await nextTick();
    expect(warnings.map((warning) => (warning as Error & { code?: string }).code)).toEqual([
      UNVERIFIED_PERMISSIONS_WARNING,
      UNVERIFIED_PERMISSIONS_WARNING,
    ]);
    expect(warnings[0]?.message).toContain(good.path);
  });

  it('still checks type, size and root without POSIX permissions', async () => {
    withoutPosix();
    const options = { allowUnverifiedPermissions: true };
    await expectFailure(load(dir, options), 'NOT_A_FILE');
    await expectFailure(load('/dev/zero', options), 'NOT_A_FILE');
    await expectFailure(load(good.path, { ...options, maxBytes: 8 }), 'TOO_LARGE', good.content);
    const root = mkdir(join(dir, unique('root')));
    await expectFailure(load(good.path, { ...options, root }), 'OUTSIDE_ROOT', good.content);
    await expectFailure(load(join(dir, 'missing'), options), 'NOT_FOUND');
    const link = join(root, 'link');
    fs.symlinkSync(good.path, link);
    await expectFailure(load(link, { ...options, root }), 'OUTSIDE_ROOT', good.content);
    expect(textOf(await load(link, options))).toBe(good.content);
  });

  it('SEC-SECRET-021 the opt-out changes nothing where POSIX permissions exist', async () => {
    process.on('warning', onWarning);
    const open = writeFile(join(dir, unique('open')), marker(), 0o644);
    await expectFailure(load(open, { allowUnverifiedPermissions: true }), 'PERMISSIONS_TOO_OPEN');
    await load(good.path, { allowUnverifiedPermissions: true });
    await nextTick();
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});

describe('a user without access', () => {
  it('SEC-SECRET-012 maps EACCES to IO naming EACCES, with a hint (child as uid 65534)', () => {
    const closed = mkdir(join(dir, unique('closed')), 0o700);
    const content = marker();
    const path = writeFile(join(closed, 'token'), content);
    const source = `
      import { loadSecretFile, loadSecretFileSync } from ${JSON.stringify(DIST)};
      process.setgid(${String(NOBODY)});
      process.setuid(${String(NOBODY)});
      const out = [];
      const path = process.argv[1];
      for (const run of [() => loadSecretFileSync(path), () => loadSecretFile(path)]) {
        try { await run(); out.push({ loaded: true }); }
        catch (error) {
          const { code, errno, name, message, stack } = error;
          out.push({ code, errno, name, message, stack, json: JSON.stringify(error) });
        }
      }
      console.log(JSON.stringify(out));
    `;
    const result = runChild(source, [path]);
    expect(result.status, result.stderr).toBe(0);
    const outcomes = result.output as Record<string, string>[];
    expect(outcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome['code']).toBe('IO');
      expect(outcome['errno']).toBe('EACCES');
      expect(outcome['name']).toBe('SecretError');
      expect(outcome['message']).toContain('EACCES');
      expect(outcome['message']).toContain('permission');
      expect(JSON.stringify(outcome)).not.toContain(content.slice(2, 10));
    }
  });

  it('SEC-SECRET-022 loads, as uid 65534, a 0600 file it owns in a root-owned directory', () => {
    const shared = mkdir(join(dir, unique('shared')), 0o755);
    const content = marker();
    const path = writeFile(join(shared, 'token'), content);
    fs.chownSync(path, NOBODY, NOBODY);
    execFileSync('chmod', ['0711', dir]);
    const source = `
      import { loadSecretFileSync } from ${JSON.stringify(DIST)};
      process.setgid(${String(NOBODY)});
      process.setuid(${String(NOBODY)});
      const secret = loadSecretFileSync(process.argv[1]);
      console.log(JSON.stringify({ byteLength: secret.byteLength }));
    `;
    try {
      const result = runChild(source, [path]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.output).toEqual({ byteLength: content.length });
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  });
});
