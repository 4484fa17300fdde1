import { byteLengthOf, isUint8Array } from './bytes.js';

// Lengths beyond this would not survive the 32-bit bitwise arithmetic of verifySecret. No
// secret comes near 2 GiB; longer inputs there are simply never equal. constantTimeEqual does
// no arithmetic on lengths and needs no such bound.
const MAX_COMPARABLE_LENGTH = 0x7fff_ffff;

// UTF-8 takes at most three bytes per UTF-16 code unit (a surrogate pair is two units and
// four bytes), so a string of up to this many units always fits the shared scratch buffer.
const SCRATCH_UNITS = 1024;

const ENCODER = new TextEncoder();

// One scratch buffer for every string candidate, reused so that verifying a bearer token
// does not pay for an allocation (a fresh ArrayBuffer costs more than the comparison). It is
// zeroed after each use: the candidate may be the secret itself. Nothing else can run while
// it holds bytes, since verifySecret is synchronous and calls no code of its caller.
const SHARED_SCRATCH = new Uint8Array(new ArrayBuffer(SCRATCH_UNITS * 3));

// Read in place of an empty secret, so that the loop below never needs another shape.
const ONE_ZERO_BYTE = new Uint8Array(new ArrayBuffer(1));

/**
 * Compares two byte arrays in constant time for a given length: every byte is examined,
 * whether or not an earlier one differed (SEC-SECRET-032). Arrays of different lengths
 * return `false` at once: the length is not secret here (SEC-SECRET-033). Use
 * {@link verifySecret} where it is.
 *
 * @param a - a `Uint8Array` (a Node `Buffer` counts)
 * @param b - a `Uint8Array` (a Node `Buffer` counts)
 * @returns `true` when both hold the same bytes; `false` otherwise, and for anything that is
 *   not a `Uint8Array` (`ArrayBuffer`, `DataView` and other typed arrays included). Two empty
 *   arrays are equal. Never throws.
 * @example
 * ```ts
 * import { constantTimeEqual } from '@llorch/ct-verify';
 * constantTimeEqual(expectedTag, receivedTag); // both 32 bytes
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!isUint8Array(a) || !isUint8Array(b)) return false;
  const length = byteLengthOf(a);
  // SEC-SECRET-033: a length mismatch may short-circuit.
  if (length !== byteLengthOf(b)) return false;
  // SEC-SECRET-031/032: XOR each pair and OR the results together; no branch depends on a
  // byte, and the loop always runs to the end. Unrolled by four, which V8 runs faster. Every
  // index is below the length, so each read is a number (`as number` only tells TypeScript).
  let difference = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    difference |=
      ((a[i] as number) ^ (b[i] as number)) |
      ((a[i + 1] as number) ^ (b[i + 1] as number)) |
      ((a[i + 2] as number) ^ (b[i + 2] as number)) |
      ((a[i + 3] as number) ^ (b[i + 3] as number));
  }
  for (; i < length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/**
 * Checks a candidate against a secret, taking a time that depends on the candidate alone:
 * neither the secret's content nor its length changes how long it runs, by construction. As
 * measured, the secret's length still shows in some runs, by a few hundredths of a nanosecond
 * per call (past the secret's end, where it reads depends on the secret's length); where the
 * length must stay hidden, use {@link verifyPaddedSecret}, which shows no such dependence (see
 * the README's Limitations).
 *
 * It goes one step further than SEC-SECRET-033 allows: the loop runs over the candidate's
 * bytes only, and a length mismatch is folded into the result instead of returning early,
 * so a caller who times it learns the length of what they sent and nothing else.
 *
 * @param secret - the secret, as a `Uint8Array`; an empty secret matches nothing
 * @param candidate - the value to check, as a `Uint8Array` or a string; a string is compared
 *   as its UTF-8 encoding, as `TextEncoder` produces it (a lone surrogate becomes U+FFFD)
 * @returns `true` only when the candidate holds exactly the secret's bytes; `false`
 *   otherwise, and for any argument of the wrong type. Never throws.
 * @example
 * ```ts
 * import { verifySecret } from '@llorch/ct-verify';
 * if (!verifySecret(tokenBytes, presentedToken)) return reply(401);
 * ```
 */
export function verifySecret(secret: Uint8Array, candidate: Uint8Array | string): boolean {
  if (!isUint8Array(secret)) return false;
  if (typeof candidate === 'string') return verifyText(secret, candidate);
  if (!isUint8Array(candidate)) return false;
  return matches(secret, candidate, byteLengthOf(candidate));
}

function verifyText(secret: Uint8Array, text: string): boolean {
  const ascii = matchesAscii(secret, text);
  if (ascii !== undefined) return ascii;
  return encodedThen(text, (bytes, n) => matches(secret, bytes, n));
}

/**
 * Encodes `text` as UTF-8 into a scratch buffer of this package's, runs `compare` on it, and
 * zeroes the scratch before returning. encodeInto writes into our own buffer, so the only
 * copy of the candidate's bytes is one this function wipes; encode() would leave a fresh
 * array to the garbage collector.
 */
function encodedThen(
  text: string,
  compare: (bytes: Uint8Array, length: number) => boolean,
): boolean {
  let scratch = SHARED_SCRATCH;
  if (text.length > SCRATCH_UNITS) {
    try {
      scratch = new Uint8Array(new ArrayBuffer(text.length * 3));
    } catch {
      // The runtime could not allocate that much: far longer than any secret it holds.
      return false;
    }
  }
  let written = 0;
  try {
    written = ENCODER.encodeInto(text, scratch).written;
    return compare(scratch, written);
  } finally {
    scratch.fill(0, 0, written);
  }
}

// The same comparison as `matches`, on a string's UTF-16 code units: for a string of ASCII
// characters only, as every bearer token is (RFC 6750's b64token), those are its UTF-8 bytes.
// No copy of the candidate is made, so there is none to wipe, and it runs about twice as fast
// as encoding first. `undefined` when a code unit is past 0x7F: the caller then encodes. That
// choice depends on the candidate's characters, never on the secret.
function matchesAscii(secret: Uint8Array, text: string): boolean | undefined {
  const n = text.length;
  const s = byteLengthOf(secret);
  if (n > MAX_COMPARABLE_LENGTH || s > MAX_COMPARABLE_LENGTH) return false;
  const empty = (s - 1) >>> 31;
  const reference = empty === 1 ? ONE_ZERO_BYTE : secret;
  const size = s + empty;
  let difference = (n ^ s) | empty;
  let wide = 0;
  let j = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    wide |= c0 | c1 | c2 | c3;
    const j1 = (j + 1) & ((j + 1 - size) >> 31);
    const j2 = (j1 + 1) & ((j1 + 1 - size) >> 31);
    const j3 = (j2 + 1) & ((j2 + 1 - size) >> 31);
    difference |=
      (c0 ^ (reference[j] as number)) |
      (c1 ^ (reference[j1] as number)) |
      (c2 ^ (reference[j2] as number)) |
      (c3 ^ (reference[j3] as number));
    j = (j3 + 1) & ((j3 + 1 - size) >> 31);
  }
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    wide |= c;
    difference |= c ^ (reference[j] as number);
    j = (j + 1) & ((j + 1 - size) >> 31);
  }
  if (wide > 0x7f) return undefined;
  return difference === 0;
}

// The candidate-length-only comparison behind verifySecret.
function matches(secret: Uint8Array, candidate: Uint8Array, candidateLength: number): boolean {
  const n = candidateLength;
  const s = byteLengthOf(secret);
  if (n > MAX_COMPARABLE_LENGTH || s > MAX_COMPARABLE_LENGTH) return false;
  // 1 when the secret is empty, else 0. An empty secret is read as one zero byte instead,
  // and the 1 is folded into the result, so that it matches nothing.
  const empty = (s - 1) >>> 31;
  const reference = empty === 1 ? ONE_ZERO_BYTE : secret;
  const size = s + empty;
  // Zero exactly when the lengths are equal (both are below 2^31): folded into the result
  // instead of returning early.
  let difference = (n ^ s) | empty;
  // Byte i of the candidate meets byte j = i mod size of the secret, j counting up and
  // wrapping to 0 without a branch: (j + 1 - size) >> 31 is all ones below size, else 0. The
  // loop count is the candidate's length; while i is within the secret, j = i whatever the
  // secret's length, and past its end the secret is read again from the start. Where those
  // reads go depends on the secret's length, as it must for any scheme that reads only the
  // secret: reading byte 0 instead, or a masked index, measured no better (README, Limitations).
  let j = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const j1 = (j + 1) & ((j + 1 - size) >> 31);
    const j2 = (j1 + 1) & ((j1 + 1 - size) >> 31);
    const j3 = (j2 + 1) & ((j2 + 1 - size) >> 31);
    difference |=
      ((candidate[i] as number) ^ (reference[j] as number)) |
      ((candidate[i + 1] as number) ^ (reference[j1] as number)) |
      ((candidate[i + 2] as number) ^ (reference[j2] as number)) |
      ((candidate[i + 3] as number) ^ (reference[j3] as number));
    j = (j3 + 1) & ((j3 + 1 - size) >> 31);
  }
  for (; i < n; i++) {
    difference |= (candidate[i] as number) ^ (reference[j] as number);
    j = (j + 1) & ((j + 1 - size) >> 31);
  }
  return difference === 0;
}

// Past this, a window would not fit the masks' 32-bit arithmetic; no secret comes near it.
const MAX_WINDOW = 0x4000_0000;

/**
 * {@link verifySecret} for a secret kept at the start of a zero-padded window whose length is
 * a power of two, as `@llorch/secrets-facade` keeps its tokens: the same answer, and a time
 * that depends on the candidate's length alone, even for a candidate longer than the secret.
 *
 * `verifySecret` has only the secret's own bytes to read, so past their end it reads them
 * again from the start, and where it reads then depends on the secret's length: measurable,
 * at a few hundredths of a nanosecond per call (see the README's timing evidence). Here byte
 * `i` of the candidate meets byte `i mod window.length` of the window, an address that
 * depends on `i` and the window alone. The window's bytes past `secretLength` never change
 * the answer: whenever they are read, the lengths differ, and that difference is already in
 * the result.
 *
 * @param window - a `Uint8Array` whose length is a power of two, holding the secret in its
 *   first `secretLength` bytes
 * @param secretLength - the secret's length: an integer from 0 to `window.length`; a secret
 *   of length 0 matches nothing
 * @param candidate - as for {@link verifySecret}: bytes, or a string compared as UTF-8
 * @returns `true` only when the candidate holds exactly the first `secretLength` bytes of the
 *   window; `false` otherwise, and for any argument of the wrong type or a window whose length
 *   is not a power of two. Never throws.
 * @example
 * ```ts
 * import { verifyPaddedSecret } from '@llorch/ct-verify';
 * const window = new Uint8Array(64); // zeros past the token
 * window.set(tokenBytes);
 * verifyPaddedSecret(window, tokenBytes.length, presentedToken);
 * ```
 */
export function verifyPaddedSecret(
  window: Uint8Array,
  secretLength: number,
  candidate: Uint8Array | string,
): boolean {
  if (!isUint8Array(window)) return false;
  const size = byteLengthOf(window);
  if (size === 0 || size > MAX_WINDOW || (size & (size - 1)) !== 0) return false;
  if (!Number.isInteger(secretLength) || secretLength < 0 || secretLength > size) return false;
  if (typeof candidate === 'string') {
    const ascii = windowMatchesAscii(window, size - 1, secretLength, candidate);
    if (ascii !== undefined) return ascii;
    return encodedThen(candidate, (bytes, n) =>
      windowMatches(window, size - 1, secretLength, bytes, n),
    );
  }
  if (!isUint8Array(candidate)) return false;
  return windowMatches(window, size - 1, secretLength, candidate, byteLengthOf(candidate));
}

// The comparison behind verifyPaddedSecret: candidate byte i against window byte i & mask.
function windowMatches(
  window: Uint8Array,
  mask: number,
  s: number,
  candidate: Uint8Array,
  n: number,
): boolean {
  if (n > MAX_COMPARABLE_LENGTH) return false;
  // An empty secret matches nothing: its flag is folded in, as the length difference is.
  let difference = (n ^ s) | ((s - 1) >>> 31);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    difference |=
      ((candidate[i] as number) ^ (window[i & mask] as number)) |
      ((candidate[i + 1] as number) ^ (window[(i + 1) & mask] as number)) |
      ((candidate[i + 2] as number) ^ (window[(i + 2) & mask] as number)) |
      ((candidate[i + 3] as number) ^ (window[(i + 3) & mask] as number));
  }
  for (; i < n; i++) difference |= (candidate[i] as number) ^ (window[i & mask] as number);
  return difference === 0;
}

// windowMatches on an ASCII string's code units, as matchesAscii is for verifySecret;
// `undefined` when a code unit is past 0x7F.
function windowMatchesAscii(
  window: Uint8Array,
  mask: number,
  s: number,
  text: string,
): boolean | undefined {
  const n = text.length;
  if (n > MAX_COMPARABLE_LENGTH) return false;
  let difference = (n ^ s) | ((s - 1) >>> 31);
  let wide = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    wide |= c0 | c1 | c2 | c3;
    difference |=
      (c0 ^ (window[i & mask] as number)) |
      (c1 ^ (window[(i + 1) & mask] as number)) |
      (c2 ^ (window[(i + 2) & mask] as number)) |
      (c3 ^ (window[(i + 3) & mask] as number));
  }
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    wide |= c;
    difference |= c ^ (window[i & mask] as number);
  }
  if (wide > 0x7f) return undefined;
  return difference === 0;
}
