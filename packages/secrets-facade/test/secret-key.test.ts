import { hkdfSync, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_BYTES, Secret, SecretBuffer, SecretKey, isSecretError } from '../src/index.js';
import { bytesOf, tempDirectory, writeSecretFile } from './helpers.js';

const TOKEN = 'derive-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDirectory());
});
afterEach(() => cleanup());

function hexOf(key: SecretKey): string {
  return key.expose((bytes) => Buffer.from(bytes).toString('hex'));
}

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return isSecretError(error) ? error.code : 'not a SecretError';
  }
}

describe('SecretKey.deriveFromToken', () => {
  it('SEC-SECRET-041 gives unrelated keys for different domains and the same key for the same domain', () => {
    const token = Secret.from(bytesOf(TOKEN));
    const seal = hexOf(SecretKey.deriveFromToken(token, 'llorch-seal-key-v1'));
    const seal2 = hexOf(SecretKey.deriveFromToken(token, 'llorch-seal-key-v1'));
    const enc = hexOf(SecretKey.deriveFromToken(token, 'llorch-encryption-v1'));
    const bytesDomain = hexOf(SecretKey.deriveFromToken(token, bytesOf('llorch-seal-key-v1')));
    expect(seal).toBe(seal2);
    expect(seal).toBe(bytesDomain);
    expect(seal).not.toBe(enc);
  });

  it('SEC-SECRET-041 matches HKDF-SHA256 from node:crypto with the domain as info', () => {
    const ikm = randomBytes(32);
    for (const domain of ['llorch-seal-key-v1', 'a', 'domain with spaces \u00e9']) {
      const expected = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), domain, 32));
      const key = SecretKey.deriveFromToken(new Uint8Array(ikm), domain);
      expect(hexOf(key)).toBe(expected.toString('hex'));
    }
  });

  it('SEC-SECRET-041 refuses an empty domain and an empty token', async () => {
    const token = Secret.from(bytesOf(TOKEN));
    expect(await codeOf(() => SecretKey.deriveFromToken(token, ''))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => SecretKey.deriveFromToken(token, new Uint8Array(0)))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(() => SecretKey.deriveFromToken(new Uint8Array(0), 'd'))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('SEC-SECRET-042 derives 32-byte keys, the same from a Secret, a SecretBuffer or bytes', () => {
    const fromSecret = SecretKey.deriveFromToken(Secret.from(bytesOf(TOKEN)), 'd-v1');
    const fromBuffer = SecretKey.deriveFromToken(SecretBuffer.fromUtf8(TOKEN), 'd-v1');
    const fromBytes = SecretKey.deriveFromToken(bytesOf(TOKEN), 'd-v1');
    expect(KEY_BYTES).toBe(32);
    for (const key of [fromSecret, fromBuffer, fromBytes]) {
      expect(key.byteLength).toBe(32);
      expect(key.expose((bytes) => bytes.length)).toBe(32);
    }
    expect(hexOf(fromSecret)).toBe(hexOf(fromBuffer));
    expect(hexOf(fromSecret)).toBe(hexOf(fromBytes));
  });

  it('leaves the token unchanged and refuses a disposed one', async () => {
    const token = Secret.from(bytesOf(TOKEN));
    SecretKey.deriveFromToken(token, 'd-v1');
    expect(token.verify(TOKEN)).toBe(true);
    token.dispose();
    expect(await codeOf(() => SecretKey.deriveFromToken(token, 'd-v1'))).toBe('DISPOSED');
  });
});

describe('SecretKey loading', () => {
  const HEX = '00112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100';

  it('SEC-SECRET-042 loads a 64-hex-digit key file into 32 bytes, async and sync', async () => {
    const path = writeSecretFile(dir, 'seal-key', `${HEX}\n`);
    const key = await SecretKey.loadFromFile(path);
    expect(key.byteLength).toBe(32);
    expect(hexOf(key)).toBe(HEX.toLowerCase());
    expect(hexOf(SecretKey.loadFromFileSync(path))).toBe(HEX.toLowerCase());
  });

  it('SEC-SECRET-042 refuses a byteLength other than 32 and a key of the wrong length', async () => {
    const path = writeSecretFile(dir, 'seal-key', HEX);
    const short = writeSecretFile(dir, 'short-key', HEX.slice(0, 62));
    expect(await codeOf(() => SecretKey.loadFromFile(path, { byteLength: 16 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(() => SecretKey.loadFromFileSync(path, { byteLength: 64 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(() => SecretKey.loadFromFile(path, { byteLength: 32 }))).toBeUndefined();
    expect(await codeOf(() => SecretKey.loadFromFile(short))).toBe('INVALID_FORMAT');
    expect(
      await codeOf(() =>
        SecretKey.fromSystemdCredential('seal-key', { directory: dir, byteLength: 64 }),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('loads a binary key file and a hex or binary systemd credential', async () => {
    const raw = new Uint8Array(randomBytes(32));
    const rawHex = Buffer.from(raw).toString('hex');
    writeSecretFile(dir, 'binary-key', raw, 0o400);
    writeSecretFile(dir, 'hex-key', `${rawHex}\n`, 0o400);
    const fromFile = await SecretKey.loadFromFile(`${dir}/binary-key`, { encoding: 'binary' });
    expect(hexOf(fromFile)).toBe(rawHex);
    const hexCred = await SecretKey.fromSystemdCredential('hex-key', { directory: dir });
    expect(hexOf(hexCred)).toBe(rawHex);
    const binCred = SecretKey.fromSystemdCredentialSync('binary-key', {
      directory: dir,
      encoding: 'binary',
    });
    expect(hexOf(binCred)).toBe(rawHex);
  });
});
