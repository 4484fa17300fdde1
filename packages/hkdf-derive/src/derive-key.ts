import {
  isUint8Array,
  MAX_SECRET_BYTES,
  SecretBuffer,
  SecretError,
  isSecretError,
  trueByteLength as byteLengthOf,
} from '@llorch/secret-buffer';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

// SHA-256 output length, for RFC 5869's counter limit.
const HASH_BYTES = 32;

/** The key length {@link deriveKey} returns unless told otherwise: 256 bits (SEC-SECRET-042). */
export const DEFAULT_KEY_BYTES = 32;

/** The shortest key {@link deriveKey} returns: 256 bits. */
export const MIN_KEY_BYTES = 32;

/** The longest key {@link deriveKey} returns: 255 blocks of SHA-256 (RFC 5869 section 2.3). */
export const MAX_KEY_BYTES = 255 * HASH_BYTES;

/** Options of {@link deriveKey}. */
export interface DeriveKeyOptions {
  /**
   * A non-secret random value (RFC 5869 section 3.1). Absent, it is 32 zero bytes, as the
   * RFC specifies; an empty array is equivalent. At most 1 MiB.
   */
  readonly salt?: Uint8Array | undefined;
  /** The key length in bytes: an integer from 32 to 8160. Default 32. */
  readonly byteLength?: number | undefined;
}

const ENCODER = new TextEncoder();
// A lone surrogate: TextEncoder would turn each one into U+FFFD, so two different domain
// strings would become the same `info`, and the same key.
const LONE_SURROGATE = /\p{Cs}/u;

// One scratch buffer for the copies of domain, ikm and salt and for the pseudorandom key. It
// is reused, since a fresh ArrayBuffer costs about a microsecond, and zeroed before every
// return; inputs too large for it get a buffer of their own, zeroed the same way. Both live
// outside V8's moving heap, so the garbage collector leaves no copies of them behind.
const SCRATCH_BYTES = 4096;
const SHARED_SCRATCH = new Uint8Array(new ArrayBuffer(SCRATCH_BYTES));

// RFC 5869 section 2.2: "if not provided, [salt] is set to a string of HashLen zeros". Only
// ever read.
const ZERO_SALT = new Uint8Array(new ArrayBuffer(HASH_BYTES));

// What a new key starts as before expand writes it: SecretBuffer.from copies its first
// byteLength bytes. Only ever read.
const ZERO_KEY = new Uint8Array(new ArrayBuffer(MAX_KEY_BYTES));

// HKDF's one-byte block counter. Not secret.
const COUNTER = new Uint8Array(1);

const SIGNATURE = 'deriveKey(ikm, domain, options)';

function invalid(problem: string): SecretError {
  return new SecretError('INVALID_ARGUMENT', `${SIGNATURE}: ${problem}`);
}

interface Parameters {
  readonly salt: Uint8Array | undefined;
  readonly byteLength: number;
}

/**
 * Derives a purpose-bound key from input keying material with HKDF-SHA256 (RFC 5869), the
 * `domain` serving as HKDF's `info`, so that every purpose gets its own independent key from
 * one secret (SEC-SECRET-040, SEC-SECRET-041). The same inputs always give the same key
 * (SEC-SECRET-043).
 *
 * Every copy it makes is wiped before it returns (SEC-SECRET-014): the copies of `ikm`, `salt`
 * and `domain` (a string domain encoded as UTF-8), the pseudorandom key, the HMAC states, and
 * the last output block when the length is not a multiple of 32. The key itself is written
 * straight into the returned {@link SecretBuffer}, so no other copy of it exists. The
 * caller's arrays are read, never modified.
 *
 * @param ikm - the input keying material: a {@link SecretBuffer}, or a `Uint8Array` of 1 byte
 *   to 1 MiB. A secret with less than 256 bits of entropy gives keys no stronger than itself.
 * @param domain - what the key is for, unique per use case (SEC-SECRET-044), such as
 *   `'llorch:session-cookie:v1'`: a non-empty string (encoded as UTF-8; lone surrogates are
 *   refused, since they would collide with each other) or `Uint8Array`, at most 1 MiB.
 *   The string `'a'` and the bytes `[0x61]` name the same domain.
 * @param options - `salt` and `byteLength`, see {@link DeriveKeyOptions}
 * @returns a new {@link SecretBuffer} of `byteLength` bytes (32 by default); dispose it when done
 * @throws {SecretError} `INVALID_ARGUMENT` for a wrong-typed or empty `ikm` or `domain`, an
 *   input over 1 MiB, a bad option, or a `byteLength` outside 32..8160; `DISPOSED` when `ikm`
 *   is a disposed {@link SecretBuffer}. Messages never include the bytes of any input.
 * @example
 * ```ts
 * import { deriveKey } from '@llorch/hkdf-derive';
 * using cookieKey = deriveKey(masterSecret, 'llorch:session-cookie:v1');
 * using csrfKey = deriveKey(masterSecret, 'llorch:csrf-token:v1');
 * ```
 */
export function deriveKey(
  ikm: SecretBuffer | Uint8Array,
  domain: string | Uint8Array,
  options?: DeriveKeyOptions,
): SecretBuffer {
  try {
    const parameters = readOptions(options);
    if (typeof domain !== 'string' && !isUint8Array(domain)) {
      throw invalid('domain must be a string or a Uint8Array');
    }
    if (isUint8Array(ikm)) return derive(ikm, domain, parameters);
    return deriveFromSecret(ikm, domain, parameters);
  } catch (error) {
    if (isSecretError(error)) throw error;
    // Nothing above should throw anything else; should it happen (a runtime that cannot
    // allocate, a caller's expose that throws), it still surfaces as a SecretError, without
    // the original error, whose message this function cannot vouch for.
    throw invalid('the derivation failed');
  }
}

function readOptions(options: unknown): Parameters {
  if (options === undefined) return { salt: undefined, byteLength: DEFAULT_KEY_BYTES };
  if (typeof options !== 'object' || options === null) {
    throw invalid('options must be an object');
  }
  let salt: unknown;
  let byteLength: unknown;
  try {
    salt = (options as Record<string, unknown>)['salt'];
    byteLength = (options as Record<string, unknown>)['byteLength'];
  } catch {
    throw invalid('options could not be read');
  }
  if (salt !== undefined && !isUint8Array(salt)) {
    throw invalid('options.salt must be a Uint8Array');
  }
  if (byteLength === undefined) byteLength = DEFAULT_KEY_BYTES;
  if (
    typeof byteLength !== 'number' ||
    !Number.isInteger(byteLength) ||
    byteLength < MIN_KEY_BYTES ||
    byteLength > MAX_KEY_BYTES
  ) {
    const range = `${String(MIN_KEY_BYTES)} to ${String(MAX_KEY_BYTES)}`;
    throw invalid(`options.byteLength must be an integer from ${range}`);
  }
  return { salt, byteLength };
}

function looksLikeSecretBuffer(value: unknown): value is SecretBuffer {
  if (typeof value !== 'object' || value === null) return false;
  // The tag, not `instanceof`: an application that loads both the ESM and the CJS build of
  // @llorch/secret-buffer has two SecretBuffer classes, and either must work here. The
  // bytes handed to the callback are checked again, so a look-alike gains nothing.
  return (
    Object.prototype.toString.call(value) === '[object SecretBuffer]' &&
    typeof (value as { expose?: unknown }).expose === 'function'
  );
}

function deriveFromSecret(
  ikm: unknown,
  domain: string | Uint8Array,
  parameters: Parameters,
): SecretBuffer {
  if (!looksLikeSecretBuffer(ikm)) {
    throw invalid('ikm must be a SecretBuffer or a Uint8Array');
  }
  let key: SecretBuffer | undefined;
  // The derivation runs inside expose, on the live bytes: no copy of the secret outlives it.
  ikm.expose((bytes: unknown) => {
    if (!isUint8Array(bytes)) throw invalid('ikm must be a SecretBuffer or a Uint8Array');
    key?.dispose();
    key = derive(bytes, domain, parameters);
  });
  if (key === undefined) throw invalid('ikm.expose did not hand over its bytes');
  return key;
}

// From here to the return, no code of the caller runs: lengths are read (and checked) only
// now, after any getter or expose has had its turn, and the shared scratch buffer cannot be
// reentered.
function derive(
  ikm: Uint8Array,
  domain: string | Uint8Array,
  parameters: Parameters,
): SecretBuffer {
  const ikmLength = byteLengthOf(ikm);
  if (ikmLength === 0) throw invalid('ikm must not be empty');
  if (ikmLength > MAX_SECRET_BYTES) throw invalid('ikm is over the 1 MiB limit');
  const { salt, byteLength } = parameters;
  const saltLength = salt === undefined ? 0 : byteLengthOf(salt);
  if (saltLength > MAX_SECRET_BYTES) throw invalid('options.salt is over the 1 MiB limit');
  let domainRoom: number;
  if (typeof domain === 'string') {
    if (domain.length === 0) throw invalid('domain must not be empty');
    if (domain.length > MAX_SECRET_BYTES) throw invalid('domain is over the 1 MiB limit');
    if (LONE_SURROGATE.test(domain)) {
      throw invalid('domain must be well-formed Unicode (it holds a lone surrogate)');
    }
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    domainRoom = domain.length * 3;
  } else {
    domainRoom = byteLengthOf(domain);
    if (domainRoom === 0) throw invalid('domain must not be empty');
    if (domainRoom > MAX_SECRET_BYTES) throw invalid('domain is over the 1 MiB limit');
  }

  // Layout: the encoded domain first (encodeInto then writes straight into the scratch
  // buffer), then the ikm, the salt, the pseudorandom key and a block for expand's last T(N)
  // when the key length is not a multiple of 32.
  const needed = domainRoom + ikmLength + saltLength + 2 * HASH_BYTES;
  const scratch =
    needed <= SCRATCH_BYTES ? SHARED_SCRATCH : new Uint8Array(new ArrayBuffer(needed));
  let end = needed;
  try {
    let infoLength = domainRoom;
    if (typeof domain === 'string') {
      infoLength = ENCODER.encodeInto(domain, scratch).written;
      if (infoLength > MAX_SECRET_BYTES) throw invalid('domain is over the 1 MiB limit');
    } else {
      scratch.set(domain);
    }
    // Plain copies that noble reads without calling any method of the caller's arrays:
    // set() reads a typed array through its internal slots. The ikm copy is secret.
    const info = scratch.subarray(0, infoLength);
    const ikmCopy = scratch.subarray(infoLength, infoLength + ikmLength);
    ikmCopy.set(ikm);
    const saltStart = infoLength + ikmLength;
    const saltCopy = scratch.subarray(saltStart, saltStart + saltLength);
    if (salt !== undefined) saltCopy.set(salt);
    const prkStart = saltStart + saltLength;
    end = prkStart + 2 * HASH_BYTES;
    const prk = scratch.subarray(prkStart, prkStart + HASH_BYTES);
    const lastBlock = scratch.subarray(prkStart + HASH_BYTES, end);
    // RFC 5869 section 2.2, extract: PRK = HMAC-SHA256(salt, IKM), with HashLen zero bytes
    // for an absent salt. Done here rather than by noble's extract() so that the PRK is
    // written into this scratch buffer, outside the garbage-collected heap, and wiped below.
    hmac
      .create(sha256, salt === undefined ? ZERO_SALT : saltCopy)
      .update(ikmCopy)
      .digestInto(prk);
    const key = SecretBuffer.from(ZERO_KEY.subarray(0, byteLength));
    try {
      key.expose((okm) => {
        expandInto(prk, info, okm, lastBlock);
      });
    } catch (error) {
      key.dispose();
      throw error;
    }
    return key;
  } finally {
    scratch.fill(0, 0, end);
  }
}

// What expandInto uses of noble's HMAC, whose own types do not let its clones and the state
// they come from share one variable.
interface Mac {
  update(data: Uint8Array): unknown;
  digestInto(out: Uint8Array): void;
  destroy(): void;
}
interface KeyedMac extends Mac {
  clone(): Mac;
}

/**
 * RFC 5869 section 2.3, expand: OKM = T(1) | T(2) | ... with T(N) = HMAC-SHA256(PRK, T(N-1) |
 * info | N), each T(N) digested straight into `okm`, the returned key's own bytes. noble's
 * expand() would return the key in a fresh array of V8's heap, to be copied into the key and
 * wiped: one more copy of the key, and the cost that kept deriveKey over 1.2x noble's hkdf.
 * Only a last, partial block goes through `lastBlock`, which the caller wipes.
 */
function expandInto(
  prk: Uint8Array,
  info: Uint8Array,
  okm: Uint8Array,
  lastBlock: Uint8Array,
): void {
  const length = byteLengthOf(okm);
  const blocks = Math.ceil(length / HASH_BYTES);
  // PRK's pads are absorbed once; each block but the last starts from a clone of that state,
  // and the last consumes it. These states are key-equivalent: digestInto zeroes each one it
  // finishes, and the finally block the rest, should anything throw half-way.
  const keyed: KeyedMac = hmac.create(sha256, prk);
  let clone: Mac | undefined;
  try {
    for (let n = 1; n <= blocks; n++) {
      const start = (n - 1) * HASH_BYTES;
      const mac = n === blocks ? keyed : (clone = keyed.clone());
      if (n > 1) mac.update(okm.subarray(start - HASH_BYTES, start));
      COUNTER[0] = n;
      mac.update(info);
      mac.update(COUNTER);
      if (start + HASH_BYTES <= length) {
        mac.digestInto(okm.subarray(start, start + HASH_BYTES));
      } else {
        mac.digestInto(lastBlock);
        okm.set(lastBlock.subarray(0, length - start), start);
      }
    }
  } finally {
    keyed.destroy();
    clone?.destroy();
  }
}
