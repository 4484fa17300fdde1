import { byteLengthOf, isUint8Array, zeroFill } from './bytes.js';
import { SecretError } from './errors.js';

/**
 * Overwrites every byte of `bytes` with zero, in place.
 *
 * A JavaScript engine cannot elide this write the way a C compiler may elide a `memset`
 * before `free`: the array stays reachable, so the zeros are observable and must happen.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` when `bytes` is not a `Uint8Array`
 * @example
 * ```ts
 * const scratch = new Uint8Array(new ArrayBuffer(32));
 * try { use(scratch); } finally { wipe(scratch); }
 * ```
 */
export function wipe(bytes: Uint8Array): void {
  if (!isUint8Array(bytes)) {
    throw new SecretError('INVALID_ARGUMENT', 'wipe(bytes): expected a Uint8Array');
  }
  // A detached buffer has nothing left to wipe, and fill would throw a TypeError on it.
  if (byteLengthOf(bytes) === 0) return;
  zeroFill(bytes);
}
