import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  MAX_SECRET_BYTES,
  SecretBuffer,
  SecretError,
  isUint8Array,
  wipe,
} from '@llorch/secret-buffer';

/** The shortest key `deriveKey` will produce: 256 bits (SEC-SECRET-042). */
export const MIN_DERIVED_BYTES = 32;
/** The longest output HKDF-SHA256 can produce: 255 blocks of 32 bytes (RFC 5869 section 2.3). */
export const MAX_DERIVED_BYTES = 8160;

/** Options of {@link deriveKey}. */
export interface DeriveOptions {
  /** HKDF salt; absent means HashLen zero bytes, as RFC 5869 section 2.2 specifies. */
  readonly salt?: Uint8Array;
  /** Output length in bytes: an integer from 32 to 8160. Default 32. */
  readonly byteLength?: number;
}

function invalid(message: string): SecretError {
  return new SecretError('INVALID_ARGUMENT', `deriveKey: ${message}`);
}

function readOption(options: unknown, key: 'salt' | 'byteLength'): unknown {
  try {
    return (options as Record<string, unknown>)[key];
  } catch {
    throw invalid(`options.${key} could not be read`);
  }
}

interface CheckedOptions {
  readonly salt: Uint8Array | undefined;
  readonly byteLength: number;
}

function checkOptions(options: unknown): CheckedOptions {
  if (options === undefined) return { salt: undefined, byteLength: MIN_DERIVED_BYTES };
  if (typeof options !== 'object' || options === null) {
    throw invalid('options must be an object');
  }
  const salt = readOption(options, 'salt');
  if (salt !== undefined && !isUint8Array(salt)) throw invalid('options.salt must be a Uint8Array');
  if (salt !== undefined && salt.byteLength > MAX_SECRET_BYTES) {
    throw invalid('options.salt is over the 1 MiB limit');
  }
  const byteLength = readOption(options, 'byteLength') ?? MIN_DERIVED_BYTES;
  if (
    typeof byteLength !== 'number' ||
    !Number.isInteger(byteLength) ||
    byteLength < MIN_DERIVED_BYTES ||
    byteLength > MAX_DERIVED_BYTES
  ) {
    throw invalid('options.byteLength must be an integer from 32 to 8160');
  }
  return { salt, byteLength };
}

// The encoded domain goes into a buffer of our own so that it can be wiped: a domain can name
// a tenant or a purpose that the caller would rather not leave in memory.
function encodeDomain(domain: unknown): Uint8Array {
  if (typeof domain === 'string') {
    if (domain.length === 0) throw invalid('domain must not be empty');
    if (domain.length > MAX_SECRET_BYTES / 3) throw invalid('domain is over the length limit');
    const scratch = new Uint8Array(new ArrayBuffer(domain.length * 3));
    const { written } = new TextEncoder().encodeInto(domain, scratch);
    return scratch.subarray(0, written);
  }
  if (isUint8Array(domain)) {
    if (domain.byteLength === 0) throw invalid('domain must not be empty');
    if (domain.byteLength > MAX_SECRET_BYTES) throw invalid('domain is over the 1 MiB limit');
    const copy = new Uint8Array(new ArrayBuffer(domain.byteLength));
    copy.set(domain);
    return copy;
  }
  throw invalid('domain must be a non-empty string or Uint8Array');
}

function checkIkm(ikm: Uint8Array): void {
  if (ikm.byteLength === 0) throw invalid('ikm must not be empty');
  if (ikm.byteLength > MAX_SECRET_BYTES) throw invalid('ikm is over the 1 MiB limit');
}

function expandInto(ikm: Uint8Array, info: Uint8Array, options: CheckedOptions): SecretBuffer {
  checkIkm(ikm);
  let okm: Uint8Array | undefined;
  try {
    // noble's hkdf wipes its pseudorandom key and HMAC state itself (since 2.3.0).
    okm = hkdf(sha256, ikm, options.salt, info, options.byteLength);
    return SecretBuffer.from(okm, { wipeSource: true });
  } catch (error) {
    if (error instanceof SecretError) throw error;
    // Unreachable after the checks above; the contract still allows only SecretError out.
    throw invalid('HKDF-SHA256 failed on the given input');
  } finally {
    if (okm !== undefined) wipe(okm);
  }
}

function isSecretBuffer(value: unknown): value is SecretBuffer {
  try {
    return value instanceof SecretBuffer;
  } catch {
    // A Proxy whose getPrototypeOf trap throws is not a SecretBuffer.
    return false;
  }
}

/**
 * Derives a key from `ikm` with HKDF-SHA256 (RFC 5869), using `domain` as the `info` input,
 * so that each purpose gets its own independent key (SEC-SECRET-040, -041, -044).
 *
 * Deterministic: the same inputs always give the same key (SEC-SECRET-043). The pseudorandom
 * key, the HMAC state, the output before its copy into the returned `SecretBuffer`, and the
 * encoded domain are all wiped before it returns.
 *
 * @param ikm - input keying material: a `SecretBuffer` or a non-empty `Uint8Array` (1 MiB max)
 * @param domain - a non-empty purpose label such as `'llorch-seal-key-v1'` (UTF-8 when a string)
 * @param options - `salt` (default: 32 zero bytes) and `byteLength` (32..8160, default 32)
 * @returns a new `SecretBuffer` holding `byteLength` bytes
 * @throws {SecretError} `INVALID_ARGUMENT` for an empty or oversized input, a bad option, or a
 *   wrong type; `DISPOSED` when `ikm` is a disposed `SecretBuffer`
 * @example
 * ```ts
 * import { deriveKey } from '@llorch/hkdf-derive';
 * using sealKey = deriveKey(token, 'llorch-seal-key-v1');
 * ```
 */
export function deriveKey(
  ikm: SecretBuffer | Uint8Array,
  domain: string | Uint8Array,
  options?: DeriveOptions,
): SecretBuffer {
  const checked = checkOptions(options);
  const isSecret = isSecretBuffer(ikm);
  if (!isSecret && !isUint8Array(ikm)) {
    throw invalid('ikm must be a SecretBuffer or a Uint8Array');
  }
  const info = encodeDomain(domain);
  try {
    if (isSecret) return ikm.expose((bytes) => expandInto(bytes, info, checked));
    return expandInto(ikm, info, checked);
  } finally {
    wipe(info);
  }
}
