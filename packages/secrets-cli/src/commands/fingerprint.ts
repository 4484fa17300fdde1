/**
 * `llorch-secrets fingerprint <path> --domain <d>`: a short, one-way fingerprint of a derived
 * key, so two hosts can confirm they hold the same secret without showing it.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { loadKeyFile, loadSecretFile } from '@llorch/file-loader';
import { deriveKey } from '@llorch/hkdf-derive';
import type { SecretBuffer } from '@llorch/secret-buffer';
import { exactly, flag, parse, stringOption, type Options } from '../args.js';
import { EXIT, printable, printJson, UsageError, type Io } from '../output.js';

/** How many bytes of the SHA-256 of the derived key are shown. */
export const FINGERPRINT_BYTES = 8;

/**
 * The first 8 bytes of SHA-256(HKDF-SHA256(secret, info = domain)), in hex. The hash is
 * one-way, and 64 bits are plenty to tell two different 256-bit keys apart by eye.
 */
export function fingerprintOf(secret: SecretBuffer, domain: string): string {
  const key = deriveKey(secret, domain, { byteLength: 32 });
  try {
    // node:crypto copies the key into OpenSSL's memory, which cannot be wiped from
    // JavaScript; the package README says so under Limitations.
    const digest = key.expose((bytes) => createHash('sha256').update(bytes).digest());
    return digest.subarray(0, FINGERPRINT_BYTES).toString('hex');
  } finally {
    key.dispose();
  }
}

/** The options of `fingerprint`. */
export const FINGERPRINT_OPTIONS = {
  domain: { type: 'string' },
  'hex-key': { type: 'boolean' },
  root: { type: 'string' },
  'allow-group-read': { type: 'boolean' },
} as const satisfies Options;

/** Runs `fingerprint`; returns the exit status. */
export async function fingerprint(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, FINGERPRINT_OPTIONS);
  const [given = ''] = exactly(
    parsed,
    1,
    'one path: llorch-secrets fingerprint <path> --domain <d>',
  );
  const domain = stringOption(parsed, 'domain');
  if (domain === undefined) {
    throw new UsageError('--domain <d> is required, for example --domain llorch-seal-key-v1');
  }
  const root = stringOption(parsed, 'root');
  const options = {
    allowGroupRead: flag(parsed, 'allow-group-read'),
    ...(root === undefined ? {} : { root }),
  };
  const path = resolve(given);
  const secret = flag(parsed, 'hex-key')
    ? await loadKeyFile(path, { ...options, encoding: 'hex' })
    : await loadSecretFile(path, options);
  let value: string;
  try {
    value = fingerprintOf(secret, domain);
  } finally {
    secret.dispose();
  }
  if (flag(parsed, 'json')) {
    printJson(io, {
      ok: true,
      path,
      domain,
      fingerprint: value,
      algorithm: 'sha256(hkdf-sha256)[0..8]',
    });
  } else {
    io.out(`${value}  ${printable(path)}  domain ${printable(JSON.stringify(domain))}\n`);
  }
  return EXIT.ok;
}
