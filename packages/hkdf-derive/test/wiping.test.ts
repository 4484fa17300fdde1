import { isSecretError, SecretBuffer } from '@llorch/secret-buffer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deriveKey } from '../src/index.js';

// noble's expand() is wrapped so that the test sees what deriveKey hands it (the pseudorandom
// key and the encoded domain, both views of deriveKey's scratch buffer) and what it returns
// (the output before its copy into the SecretBuffer). The wrapper computes nothing itself.
interface ExpandCall {
  prk: Uint8Array;
  info: Uint8Array;
  okm: Uint8Array;
}
const calls: ExpandCall[] = [];
const failNext = { value: false };

vi.mock('@noble/hashes/hkdf.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@noble/hashes/hkdf.js')>();
  return {
    ...actual,
    expand: (...args: Parameters<typeof actual.expand>) => {
      if (failNext.value) {
        failNext.value = false;
        calls.push({
          prk: args[1],
          info: args[2] as Uint8Array,
          okm: new Uint8Array(0),
        });
        throw new Error('simulated failure inside noble');
      }
      const okm = actual.expand(...args);
      calls.push({ prk: args[1], info: args[2] as Uint8Array, okm });
      return okm;
    },
  };
});

const allZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);
const lastCall = () => {
  const call = calls.at(-1);
  if (call === undefined) throw new Error('expand was not called');
  return call;
};

afterEach(() => {
  calls.length = 0;
});

describe('SEC-SECRET-014: deriveKey wipes every intermediate it holds', () => {
  const ikm = new Uint8Array(32).fill(0x5a);

  it('SEC-SECRET-014: the pseudorandom key, its copies of ikm, salt and domain, and the output', () => {
    using key = deriveKey(ikm, 'llorch:wipe:v1', { salt: new Uint8Array(16).fill(3) });
    const { prk, info, okm } = lastCall();
    expect(prk.byteLength).toBe(32);
    expect(allZero(prk)).toBe(true);
    expect(allZero(info)).toBe(true);
    expect(allZero(okm)).toBe(true);
    // prk and info are views of the scratch buffer, which also held the ikm and salt copies.
    expect(allZero(new Uint8Array(prk.buffer))).toBe(true);
    expect(prk.buffer).toBe(info.buffer);
    // The key itself is intact, and not the array that was wiped.
    expect(key.expose((bytes) => allZero(bytes))).toBe(false);
  });

  it('SEC-SECRET-014: the same when the inputs need a scratch buffer of their own', () => {
    using key = deriveKey(new Uint8Array(6000).fill(1), 'd'.repeat(2000), { byteLength: 200 });
    const { prk, okm } = lastCall();
    expect(prk.buffer.byteLength).toBeGreaterThan(4096);
    expect(allZero(new Uint8Array(prk.buffer))).toBe(true);
    expect(allZero(okm)).toBe(true);
    expect(key.byteLength).toBe(200);
  });

  it('SEC-SECRET-014: the same with a SecretBuffer as ikm, whose own bytes stay as they were', () => {
    using secret = SecretBuffer.from(ikm);
    using key = deriveKey(secret, new TextEncoder().encode('llorch:wipe:v1'));
    expect(allZero(new Uint8Array(lastCall().prk.buffer))).toBe(true);
    expect(allZero(lastCall().okm)).toBe(true);
    expect(secret.expose((bytes) => bytes.every((byte) => byte === 0x5a))).toBe(true);
    expect(key.byteLength).toBe(32);
  });

  it('SEC-SECRET-014: the same when the derivation fails half-way, which surfaces as a SecretError', () => {
    failNext.value = true;
    let error: unknown;
    try {
      deriveKey(ikm, 'llorch:wipe:v1');
    } catch (caught) {
      error = caught;
    }
    expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(String((error as Error).message)).not.toMatch(/simulated/);
    expect(allZero(new Uint8Array(lastCall().prk.buffer))).toBe(true);
  });

  it('SEC-SECRET-014: dispose() of the returned key zeroes its bytes', () => {
    const key = deriveKey(ikm, 'llorch:wipe:v1');
    const live = key.expose((bytes) => bytes);
    expect(allZero(live)).toBe(false);
    key.dispose();
    expect(allZero(live)).toBe(true);
  });
});
