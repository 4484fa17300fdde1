// deriveKey takes key material, a domain and options straight from callers.
import { hkdfSync } from 'node:crypto';
import { bytes, exposed, fc, junk, sameBytes, text, isU8 } from '../lib.mjs';

const PKG = 'hkdf-derive';
// Marks inputs the call turns into a SecretBuffer; a WeakSet lookup runs no proxy trap.
const asSecretBuffer = new WeakSet();
const wrap = (b) => {
  const marker = { bytes: b };
  asSecretBuffer.add(marker);
  return marker;
};

const needs = { [PKG]: ['deriveKey'], 'secret-buffer': ['SecretBuffer'] };

export const targets = [
  {
    name: 'deriveKey',
    pkg: PKG,
    needs,
    arbitrary: () =>
      fc.record({
        ikm: fc.oneof(
          { weight: 3, arbitrary: bytes(64) },
          { weight: 2, arbitrary: bytes(64).map(wrap) },
          { weight: 1, arbitrary: junk() },
        ),
        domain: fc.oneof(
          { weight: 3, arbitrary: text(40) },
          { weight: 2, arbitrary: bytes(40) },
          { weight: 1, arbitrary: junk() },
        ),
        options: fc.oneof(
          fc.constant(undefined),
          fc.record(
            {
              salt: fc.oneof(bytes(40), junk()),
              byteLength: fc.oneof(
                fc.integer({ min: 30, max: 70 }),
                fc.constantFrom(0, 31, 32, 8160, 8161, 1.5, -32),
                junk(),
              ),
            },
            { requiredKeys: [] },
          ),
          junk(),
        ),
      }),
    call: (ctx, input) => {
      const { SecretBuffer } = ctx.mods['secret-buffer'];
      const ikm = asSecretBuffer.has(input.ikm) ? SecretBuffer.from(input.ikm.bytes) : input.ikm;
      return { key: ctx.mods[PKG].deriveKey(ikm, input.domain, input.options), ikm };
    },
    check: (ctx, { key, ikm }, input) => {
      if (!(key instanceof ctx.mods['secret-buffer'].SecretBuffer)) return 'not a SecretBuffer';
      const rawIkm = isU8(ikm) ? ikm : exposed(ikm);
      const domain =
        typeof input.domain === 'string' ? new TextEncoder().encode(input.domain) : input.domain;
      const options = input.options;
      let length;
      let salt;
      try {
        length = options?.byteLength ?? 32;
        salt = options?.salt ?? new Uint8Array(0);
      } catch {
        key.dispose();
        return undefined;
      }
      // DESIGN.md names no error for odd options or salts, so only their type is checked then.
      if (options !== undefined && (typeof options !== 'object' || options === null)) {
        key.dispose();
        return undefined;
      }
      if (!isU8(salt)) {
        key.dispose();
        return undefined;
      }
      if (!isU8(domain) || domain.length === 0) return 'accepted a bad domain';
      if (rawIkm.length === 0) return 'accepted empty key material';
      if (!Number.isInteger(length) || length < 32 || length > 8160) return 'accepted a bad length';
      const expected = new Uint8Array(hkdfSync('sha256', rawIkm, salt, domain, length));
      const ok = sameBytes(exposed(key), expected);
      key.dispose();
      if (typeof ikm.dispose === 'function') ikm.dispose();
      return ok ? undefined : 'output differs from RFC 5869 HKDF-SHA256 (node:crypto)';
    },
    redact: (input) => ({ ...input, ikm: '<key material>' }),
  },
];
