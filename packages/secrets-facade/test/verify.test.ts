import { describe, expect, it, vi } from 'vitest';
import * as ctVerify from '@llorch/ct-verify';
import { Secret, bearerVerifier } from '../src/index.js';
import { bytesOf } from './helpers.js';

vi.mock('@llorch/ct-verify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@llorch/ct-verify')>();
  return { ...actual, verifyPaddedSecret: vi.fn(actual.verifyPaddedSecret) };
});

const TOKEN = 'verify-token-9c8b7a6f5e4d3c2b1a0f';

describe('Secret.verify', () => {
  it('SEC-SECRET-030 compares through verifyPaddedSecret of @llorch/ct-verify, on a padded copy', () => {
    const spy = vi.mocked(ctVerify.verifyPaddedSecret);
    spy.mockClear();
    const secret = Secret.from(bytesOf(TOKEN));
    expect(secret.verify(TOKEN)).toBe(true);
    expect(secret.verify(bytesOf(TOKEN))).toBe(true);
    expect(bearerVerifier(secret)(`Bearer ${TOKEN}`)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(3);
    for (const call of spy.mock.results) expect(call.value).toBe(true);
    // The window: a power of two of at least 256 bytes, the token first, zeros after.
    for (const [window, length] of spy.mock.calls) {
      expect(length).toBe(TOKEN.length);
      expect(window.byteLength).toBe(256);
      expect(new TextDecoder().decode(window.subarray(0, length))).toBe(TOKEN);
      expect(window.subarray(length).every((byte) => byte === 0)).toBe(true);
    }
  });

  it('SEC-SECRET-014 dispose wipes the padded copy as well as the token', () => {
    const spy = vi.mocked(ctVerify.verifyPaddedSecret);
    spy.mockClear();
    const secret = Secret.from(bytesOf(TOKEN));
    expect(secret.verify(TOKEN)).toBe(true);
    const window = spy.mock.calls[0]?.[0];
    expect(window?.subarray(0, TOKEN.length).some((byte) => byte !== 0)).toBe(true);
    secret.dispose();
    expect(window?.every((byte) => byte === 0)).toBe(true);
  });

  it('gives a token over 256 bytes a window of the next power of two', () => {
    const spy = vi.mocked(ctVerify.verifyPaddedSecret);
    spy.mockClear();
    const long = 'k'.repeat(300);
    const secret = Secret.from(bytesOf(long));
    expect(secret.verify(long)).toBe(true);
    expect(secret.verify(long.repeat(2))).toBe(false);
    expect(spy.mock.calls[0]?.[0].byteLength).toBe(512);
    secret.dispose();
  });

  it('SEC-SECRET-030 is false for a difference at any single byte, a prefix, or an extension', () => {
    const secret = Secret.from(bytesOf(TOKEN));
    for (let i = 0; i < TOKEN.length; i += 1) {
      const candidate = bytesOf(TOKEN);
      candidate[i] = (candidate[i] ?? 0) ^ 0x01;
      expect(secret.verify(candidate)).toBe(false);
    }
    expect(secret.verify(TOKEN.slice(0, -1))).toBe(false);
    expect(secret.verify(`${TOKEN}x`)).toBe(false);
    expect(secret.verify('')).toBe(false);
  });

  it('is false, never a throw, for a candidate of the wrong type', () => {
    const secret = Secret.from(bytesOf(TOKEN));
    for (const value of [undefined, null, 1, {}, new Uint16Array(4), new ArrayBuffer(4)]) {
      expect(secret.verify(value as never)).toBe(false);
    }
  });
});
