import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SecretBuffer, isSecretError, wipe } from '../src/index.js';
import { randomMarker } from './leak-forms.js';

const allZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);

function capturedView(secret: SecretBuffer): Uint8Array {
  return secret.expose((bytes) => bytes);
}

describe('wiping', () => {
  it('SEC-SECRET-014 a view captured inside expose reads all zero after dispose', () => {
    const marker = randomMarker(48);
    const secret = SecretBuffer.from(marker);
    const view = capturedView(secret);
    expect(Buffer.from(view).equals(Buffer.from(marker))).toBe(true);
    secret.dispose();
    expect(view.length).toBe(48);
    expect(allZero(view)).toBe(true);
  });

  it('SEC-SECRET-014 expose after dispose throws DISPOSED', () => {
    const secret = SecretBuffer.random(32);
    secret.dispose();
    expect(secret.disposed).toBe(true);
    expect(secret.byteLength).toBe(0);
    let thrown: unknown;
    try {
      secret.expose(() => 1);
    } catch (error) {
      thrown = error;
    }
    expect(isSecretError(thrown, 'DISPOSED')).toBe(true);
  });

  it('SEC-SECRET-014 a using declaration disposes at the end of its scope', () => {
    let view: Uint8Array;
    let outside: SecretBuffer;
    {
      using secret = SecretBuffer.random(32);
      outside = secret;
      view = capturedView(secret);
      expect(secret.disposed).toBe(false);
    }
    expect(outside.disposed).toBe(true);
    expect(allZero(view)).toBe(true);
  });

  it('SEC-SECRET-014 from with wipeSource zeroes the caller bytes and keeps a copy', () => {
    const marker = randomMarker(32);
    const source = new Uint8Array(marker);
    const secret = SecretBuffer.from(source, { wipeSource: true });
    expect(allZero(source)).toBe(true);
    expect(secret.expose((bytes) => Buffer.from(bytes).equals(Buffer.from(marker)))).toBe(true);
  });

  it('SEC-SECRET-014 from without wipeSource copies and leaves the caller bytes alone', () => {
    const source = randomMarker(32);
    const before = new Uint8Array(source);
    const secret = SecretBuffer.from(source);
    source.fill(7);
    expect(secret.expose((bytes) => Buffer.from(bytes).equals(Buffer.from(before)))).toBe(true);
    secret.dispose();
    expect(source.every((b) => b === 7)).toBe(true);
  });

  it('SEC-SECRET-014 keeps each secret in its own unpooled ArrayBuffer', () => {
    for (const secret of [
      SecretBuffer.from(new Uint8Array([1])),
      SecretBuffer.from(Buffer.from('pooled-source')),
      SecretBuffer.fromUtf8('x'),
      SecretBuffer.random(7),
    ]) {
      const layout = secret.expose((bytes) => ({
        isBuffer: Buffer.isBuffer(bytes),
        offset: bytes.byteOffset,
        sameSize: bytes.buffer.byteLength === bytes.byteLength,
      }));
      expect(layout).toEqual({ isBuffer: false, offset: 0, sameSize: true });
    }
  });

  it('SEC-SECRET-015 wipe zeroes through every alias, even a subclass that overrides fill', () => {
    class Sneaky extends Uint8Array {
      override fill(): this {
        return this;
      }
    }
    const sneaky = new Sneaky(randomMarker(16));
    const alias = new Uint8Array(sneaky.buffer, 4, 8);
    wipe(sneaky);
    expect(allZero(sneaky)).toBe(true);
    expect(allZero(alias)).toBe(true);
  });

  it('SEC-SECRET-015 dispose zeroes subarray views taken inside expose', () => {
    const secret = SecretBuffer.from(randomMarker(64));
    const tail = secret.expose((bytes) => bytes.subarray(32));
    secret.dispose();
    expect(allZero(tail)).toBe(true);
  });

  it('SEC-SECRET-005 dispose is idempotent and never throws, whatever it is called on', () => {
    const secret = SecretBuffer.random(8);
    expect(() => {
      secret.dispose();
      secret.dispose();
      secret[Symbol.dispose]();
    }).not.toThrow();
    for (const stranger of [
      undefined,
      null,
      1,
      'x',
      {},
      [],
      Object.create(SecretBuffer.prototype),
    ]) {
      expect(() => SecretBuffer.prototype.dispose.call(stranger)).not.toThrow();
    }
  });

  it('SEC-SECRET-014 the finalizer wipes a buffer collected without dispose (--expose-gc)', () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      const { SecretBuffer } = await import(${JSON.stringify(entry)});
      const make = () => {
        const secret = SecretBuffer.random(64);
        return secret.expose((bytes) => bytes);
      };
      // One secret is dropped; the control stays referenced and must keep its bytes.
      const dropped = make();
      const kept = SecretBuffer.random(64);
      const keptView = kept.expose((bytes) => bytes);
      const zero = (v) => v.every((b) => b === 0);
      const before = { dropped: zero(dropped), kept: zero(keptView) };
      for (let round = 0; round < 50 && !zero(dropped); round += 1) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      process.stdout.write(JSON.stringify({
        before,
        after: { dropped: zero(dropped), kept: zero(keptView) },
        keptAlive: kept.byteLength,
      }));
    `;
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({
      before: { dropped: false, kept: false },
      after: { dropped: true, kept: false },
      keptAlive: 64,
    });
  });
});
