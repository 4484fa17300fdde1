import { isSecretError, SecretBuffer } from '@llorch/secret-buffer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deriveKey } from '../src/index.js';

// noble's hmac.create is wrapped so that the test sees every key deriveKey hands it: the salt
// (extract) and then the pseudorandom key (expand), both views of deriveKey's scratch buffer,
// and every HMAC state it makes. The wrapper computes nothing itself.
interface Created {
  key: Uint8Array;
  mac: { destroyed?: unknown };
}
const created: Created[] = [];
// Which hmac.create call, counting from 1, throws instead; 0 for none.
const failAt = { value: 0 };
// Which hmac.create call's state throws on its first update(); 0 for none.
const failUpdateOf = { value: 0 };

vi.mock('@noble/hashes/hmac.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@noble/hashes/hmac.js')>();
  const create = (...args: Parameters<typeof actual.hmac.create>) => {
    if (created.length + 1 === failAt.value) {
      created.push({ key: args[1], mac: {} });
      throw new Error('simulated failure inside noble');
    }
    const mac = actual.hmac.create(...args);
    if (created.length + 1 === failUpdateOf.value) {
      mac.update = () => {
        throw new Error('simulated failure inside noble');
      };
    }
    created.push({ key: args[1], mac: mac as unknown as Created['mac'] });
    return mac;
  };
  const hmac = Object.assign((...args: Parameters<typeof actual.hmac>) => actual.hmac(...args), {
    create,
  });
  return { ...actual, hmac };
});

const allZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);
// The key of the last hmac.create: the pseudorandom key, when expand has run.
const prkOfLastCall = () => {
  const call = created.at(-1);
  if (call === undefined) throw new Error('hmac.create was not called');
  return call.key;
};
const everyStateDestroyed = () => created.every(({ mac }) => mac.destroyed === true);

afterEach(() => {
  created.length = 0;
  failAt.value = 0;
  failUpdateOf.value = 0;
});

describe('SEC-SECRET-014: deriveKey wipes every intermediate it holds', () => {
  const ikm = new Uint8Array(32).fill(0x5a);

  it('SEC-SECRET-014: the pseudorandom key, its copies of ikm, salt and domain, and the HMAC states', () => {
    using key = deriveKey(ikm, 'llorch:wipe:v1', { salt: new Uint8Array(16).fill(3) });
    expect(created).toHaveLength(2);
    const [salt, prk] = created.map((call) => call.key) as [Uint8Array, Uint8Array];
    expect(prk.byteLength).toBe(32);
    expect(allZero(prk)).toBe(true);
    // Both are views of the scratch buffer, which also held the ikm and domain copies.
    expect(salt.buffer).toBe(prk.buffer);
    expect(allZero(new Uint8Array(prk.buffer))).toBe(true);
    expect(everyStateDestroyed()).toBe(true);
    // The key itself is intact: expand wrote it in place.
    expect(key.expose((bytes) => allZero(bytes))).toBe(false);
  });

  it('SEC-SECRET-014: the partial last block of a key that is not a multiple of 32 bytes', () => {
    using key = deriveKey(ikm, 'llorch:wipe:v1', { byteLength: 77 });
    // The last block went through the scratch buffer; the whole of it is zero again.
    expect(allZero(new Uint8Array(prkOfLastCall().buffer))).toBe(true);
    expect(everyStateDestroyed()).toBe(true);
    expect(key.byteLength).toBe(77);
    expect(key.expose((bytes) => allZero(bytes.subarray(64)))).toBe(false);
  });

  it('SEC-SECRET-014: the same when the inputs need a scratch buffer of their own', () => {
    using key = deriveKey(new Uint8Array(6000).fill(1), 'd'.repeat(2000), { byteLength: 200 });
    const prk = prkOfLastCall();
    expect(prk.buffer.byteLength).toBeGreaterThan(4096);
    expect(allZero(new Uint8Array(prk.buffer))).toBe(true);
    expect(everyStateDestroyed()).toBe(true);
    expect(key.byteLength).toBe(200);
  });

  it('SEC-SECRET-014: the same with a SecretBuffer as ikm, whose own bytes stay as they were', () => {
    using secret = SecretBuffer.from(ikm);
    using key = deriveKey(secret, new TextEncoder().encode('llorch:wipe:v1'));
    expect(allZero(new Uint8Array(prkOfLastCall().buffer))).toBe(true);
    expect(everyStateDestroyed()).toBe(true);
    expect(secret.expose((bytes) => bytes.every((byte) => byte === 0x5a))).toBe(true);
    expect(key.byteLength).toBe(32);
  });

  it('SEC-SECRET-014: the same when the derivation fails half-way, which surfaces as a SecretError', () => {
    // The second hmac.create is expand's, after the pseudorandom key has been computed.
    failAt.value = 2;
    let error: unknown;
    try {
      deriveKey(ikm, 'llorch:wipe:v1');
    } catch (caught) {
      error = caught;
    }
    expect(isSecretError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(String((error as Error).message)).not.toMatch(/simulated/);
    expect(allZero(new Uint8Array(prkOfLastCall().buffer))).toBe(true);
    expect(created[0]?.mac.destroyed).toBe(true);
  });

  it('SEC-SECRET-014: the keyed HMAC state, when expand fails after making it', () => {
    failUpdateOf.value = 2;
    expect(() => deriveKey(ikm, 'llorch:wipe:v1', { byteLength: 96 })).toThrow();
    expect(created).toHaveLength(2);
    // Never digested, so only deriveKey's own clean-up can have destroyed it.
    expect(created[1]?.mac.destroyed).toBe(true);
    expect(allZero(new Uint8Array(prkOfLastCall().buffer))).toBe(true);
  });

  it('SEC-SECRET-014: dispose() of the returned key zeroes its bytes', () => {
    const key = deriveKey(ikm, 'llorch:wipe:v1');
    const live = key.expose((bytes) => bytes);
    expect(allZero(live)).toBe(false);
    key.dispose();
    expect(allZero(live)).toBe(true);
  });
});
