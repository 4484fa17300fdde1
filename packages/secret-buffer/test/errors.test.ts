import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import {
  SECRET_ERROR_CODES,
  SecretBuffer,
  SecretError,
  isSecretError,
  wipe,
} from '../src/index.js';
import { findLeaks, randomMarker } from './leak-forms.js';

const require = createRequire(import.meta.url);

const DESIGN_CODES = [
  'NOT_FOUND',
  'PERMISSIONS_TOO_OPEN',
  'INSECURE_OWNER',
  'INSECURE_PARENT',
  'OUTSIDE_ROOT',
  'NOT_A_FILE',
  'TOO_LARGE',
  'EMPTY',
  'INVALID_FORMAT',
  'INVALID_ARGUMENT',
  'CREDENTIALS_UNAVAILABLE',
  'INVALID_CREDENTIALS_DIRECTORY',
  'INVALID_CREDENTIAL_NAME',
  'CHANGED_DURING_LOAD',
  'DISPOSED',
  'IO',
];

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('SecretError', () => {
  it('offers every code DESIGN.md lists', () => {
    expect([...SECRET_ERROR_CODES].sort()).toEqual([...DESIGN_CODES].sort());
  });

  it('carries code, path and errno as data, and a name for logs', () => {
    const error = new SecretError('IO', 'open failed: EACCES', { path: '/etc/x', errno: 'EACCES' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(SecretError);
    expect(error.name).toBe('SecretError');
    expect(String(error)).toBe('SecretError: open failed: EACCES');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'IO',
      path: '/etc/x',
      errno: 'EACCES',
    });
    expect(isSecretError(error, 'IO')).toBe(true);
    expect(isSecretError(error, 'NOT_FOUND')).toBe(false);
    expect(isSecretError(new Error('x'))).toBe(false);
    expect(isSecretError({ code: 'IO', name: 'SecretError' })).toBe(false);
  });

  it('is recognised across the ESM and CJS builds (one brand, two copies)', () => {
    const cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
    expect(cjs.SecretError).not.toBe(SecretError);
    const fromCjs = new cjs.SecretError('EMPTY', 'blank file');
    expect(fromCjs).toBeInstanceOf(SecretError);
    expect(isSecretError(fromCjs, 'EMPTY')).toBe(true);
    expect(cjs.isSecretError(new SecretError('EMPTY', 'blank'), 'EMPTY')).toBe(true);
  });

  it('SEC-SECRET-012 failures on secret input hold no byte of the secret', () => {
    const marker = randomMarker(32);
    const text = Buffer.from(marker).toString('hex');
    const failures = [
      thrownBy(() => SecretBuffer.from(new Uint8Array(marker), { wipeSource: 'yes' } as never)),
      thrownBy(() => SecretBuffer.fromUtf8(text.repeat(40_000))),
      thrownBy(() => {
        const secret = SecretBuffer.from(marker);
        secret.dispose();
        secret.expose(() => 0);
      }),
      thrownBy(() => wipe(Array.from(marker) as never)),
    ];
    for (const error of failures) {
      expect(isSecretError(error)).toBe(true);
      const rendered = [
        (error as Error).message,
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify(error),
      ].join('\n');
      expect(findLeaks(rendered, marker)).toEqual([]);
    }
  });

  it('SEC-SECRET-013 the library writes nothing to stdout or stderr', () => {
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      const secret = SecretBuffer.random(32);
      secret.expose((bytes) => bytes.length);
      String(secret);
      JSON.stringify(secret);
      secret.dispose();
      thrownBy(() => secret.expose(() => 0));
      thrownBy(() => SecretBuffer.random(-1));
      wipe(new Uint8Array(4));
      expect(out).not.toHaveBeenCalled();
      expect(err).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      out.mockRestore();
      err.mockRestore();
      warn.mockRestore();
    }
  });

  it('SEC-SECRET-010 the factories are the only way to make a SecretBuffer', () => {
    const Constructor = SecretBuffer as unknown as new (...args: unknown[]) => unknown;
    expect(
      isSecretError(
        thrownBy(() => new Constructor()),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(Object.getOwnPropertyNames(SecretBuffer).sort()).toEqual(
      ['from', 'fromUtf8', 'length', 'name', 'prototype', 'random'].sort(),
    );
  });
});
