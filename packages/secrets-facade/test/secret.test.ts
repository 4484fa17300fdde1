import { inspect } from 'node:util';
import { serialize } from 'node:v8';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret, SecretBuffer, SecretError, SecretKey, isSecretError } from '../src/index.js';
import { bytesOf, tempDirectory, writeSecretFile } from './helpers.js';

const TOKEN = 'tok-3f9a1c0e7b2d4a5f9e8d7c6b5a4f3e2d';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDirectory());
});
afterEach(() => cleanup());

function captureError(run: () => unknown): SecretError {
  try {
    run();
  } catch (error) {
    expect(isSecretError(error)).toBe(true);
    return error as SecretError;
  }
  throw new Error('expected a SecretError, got a return');
}

describe('Secret loading', () => {
  it('SEC-SECRET-010 loadFromFile keeps the trimmed bytes in a SecretBuffer and wipes them on dispose', async () => {
    const path = writeSecretFile(dir, 'api-token', `  ${TOKEN}\n`);
    const secret = await Secret.loadFromFile(path);
    expect(secret.byteLength).toBe(TOKEN.length);
    let view: Uint8Array | undefined;
    secret.expose((bytes) => {
      view = bytes;
      expect(new TextDecoder().decode(bytes)).toBe(TOKEN);
    });
    secret.dispose();
    expect(view?.every((byte) => byte === 0)).toBe(true);
    expect(secret.disposed).toBe(true);
    expect(secret.byteLength).toBe(0);
  });

  it('loadFromFileSync loads the same token as loadFromFile', async () => {
    const path = writeSecretFile(dir, 'api-token', TOKEN);
    const a = Secret.loadFromFileSync(path);
    const b = await Secret.loadFromFile(path);
    expect(a.expose((x) => b.verify(x))).toBe(true);
  });

  it('refuses a group-readable token file with PERMISSIONS_TOO_OPEN', async () => {
    const path = writeSecretFile(dir, 'api-token', TOKEN, 0o640);
    await expect(Secret.loadFromFile(path)).rejects.toMatchObject({ code: 'PERMISSIONS_TOO_OPEN' });
    expect(() => Secret.loadFromFileSync(path)).toThrow(SecretError);
  });

  it('accepts a 0640 file with allowGroupRead', async () => {
    const path = writeSecretFile(dir, 'api-token', TOKEN, 0o640);
    const secret = await Secret.loadFromFile(path, { allowGroupRead: true });
    expect(secret.verify(TOKEN)).toBe(true);
  });

  it('loads a systemd credential from the credentials directory', async () => {
    writeSecretFile(dir, 'api-token', `${TOKEN}\n`, 0o400);
    const secret = await Secret.fromSystemdCredential('api-token', { directory: dir });
    expect(secret.verify(TOKEN)).toBe(true);
    const again = Secret.fromSystemdCredentialSync('api-token', { directory: dir });
    expect(again.verify(TOKEN)).toBe(true);
  });

  it('refuses a credential name with a path separator', async () => {
    await expect(
      Secret.fromSystemdCredential('../api-token', { directory: dir }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIAL_NAME' });
  });

  it('Secret.from copies a Uint8Array or a SecretBuffer and refuses an empty token', () => {
    const source = bytesOf(TOKEN);
    const secret = Secret.from(source, { wipeSource: true });
    expect(source.every((byte) => byte === 0)).toBe(true);
    expect(secret.verify(TOKEN)).toBe(true);
    const buffer = SecretBuffer.fromUtf8(TOKEN);
    const copy = Secret.from(buffer);
    buffer.dispose();
    expect(copy.verify(TOKEN)).toBe(true);
    expect(captureError(() => Secret.from(new Uint8Array(0))).code).toBe('EMPTY');
    expect(captureError(() => Secret.from('text' as never)).code).toBe('INVALID_ARGUMENT');
  });

  it('cannot be constructed directly', () => {
    const ctor = Secret as unknown as new () => Secret;
    expect(captureError(() => new ctor()).code).toBe('INVALID_ARGUMENT');
  });
});

describe('Secret and SecretKey redaction', () => {
  it('SEC-SECRET-011 never shows the token through any way of turning it into text or data', () => {
    const secret = Secret.from(bytesOf(TOKEN));
    const key = SecretKey.deriveFromToken(secret, 'llorch-test-v1');
    for (const value of [secret, key]) {
      const renderings = [
        String(value),
        `${value as unknown as string}`,
        JSON.stringify({ value }),
        inspect(value, { showHidden: true, depth: 10 }),
        inspect({ nested: [value] }, { showHidden: true, depth: 10 }),
        JSON.stringify(structuredClone(value)),
        Buffer.from(serialize(value)).toString('latin1'),
        Object.keys(value).join(','),
        JSON.stringify({ ...value }),
      ];
      for (const text of renderings) expect(text).not.toContain(TOKEN);
      expect(String(value)).toBe('[REDACTED]');
      expect(JSON.stringify(value)).toBe('"[REDACTED]"');
      expect(Number(value)).toBeNaN();
    }
    const keyHex = key.expose((bytes) => Buffer.from(bytes).toString('hex'));
    expect(inspect(key, { showHidden: true })).not.toContain(keyHex);
    expect(Buffer.from(serialize(key)).toString('hex')).not.toContain(keyHex);
  });
});

describe('Secret disposal', () => {
  it('SEC-SECRET-014 dispose and Symbol.dispose zero the bytes, are idempotent, and never throw', () => {
    const secret = Secret.from(bytesOf(TOKEN));
    const key = SecretKey.deriveFromToken(secret, 'llorch-test-v1');
    const views: Uint8Array[] = [];
    secret.expose((bytes) => views.push(bytes));
    key.expose((bytes) => views.push(bytes));
    secret[Symbol.dispose]();
    key[Symbol.dispose]();
    secret.dispose();
    key.dispose();
    for (const view of views) expect(view.every((byte) => byte === 0)).toBe(true);
    expect(key.disposed).toBe(true);
    expect(key.byteLength).toBe(0);
    expect(captureError(() => secret.expose(() => 1)).code).toBe('DISPOSED');
    expect(captureError(() => key.expose(() => 1)).code).toBe('DISPOSED');
    // Methods called on strangers do nothing or throw SecretError, never a TypeError.
    expect(() => Secret.prototype.dispose.call({})).not.toThrow();
    expect(() => SecretKey.prototype.dispose.call({})).not.toThrow();
    expect(captureError(() => Secret.prototype.verify.call({}, 'x')).code).toBe('INVALID_ARGUMENT');
  });

  it('verify after dispose throws DISPOSED', () => {
    const secret = Secret.from(bytesOf(TOKEN));
    expect(secret.verify(TOKEN)).toBe(true);
    secret.dispose();
    const error = captureError(() => secret.verify(TOKEN));
    expect(error.code).toBe('DISPOSED');
    expect(captureError(() => secret.verify('other')).code).toBe('DISPOSED');
  });
});

describe('failure messages', () => {
  it('SEC-SECRET-012 error messages of failed loads hold metadata only, never the content', async () => {
    const marker = 'zz-not-hex-marker-0123456789abcdef0123456789abcdef0123456789';
    const badKey = writeSecretFile(dir, 'bad-key', marker);
    const openFile = writeSecretFile(dir, 'open-token', marker, 0o644);
    const failures: unknown[] = [];
    for (const run of [
      () => SecretKey.loadFromFile(badKey),
      () => Secret.loadFromFile(openFile),
      () => SecretKey.loadFromFile(openFile),
      () => Secret.loadFromFile(badKey, { maxBytes: 4 }),
    ]) {
      failures.push(
        await run().then(
          () => 'resolved',
          (error: unknown) => error,
        ),
      );
    }
    expect(failures.map((e) => (e as SecretError).code)).toEqual([
      'INVALID_FORMAT',
      'PERMISSIONS_TOO_OPEN',
      'PERMISSIONS_TOO_OPEN',
      'TOO_LARGE',
    ]);
    for (const error of failures) {
      expect(isSecretError(error)).toBe(true);
      const text = `${(error as Error).message} ${inspect(error)} ${JSON.stringify(error)}`;
      expect(text).not.toContain(marker);
      expect(text).not.toContain(marker.slice(0, 12));
    }
  });
});
