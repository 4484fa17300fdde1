/**
 * Turning the bytes read into a secret: trimming and hex decoding happen in place, on bytes, so
 * the secret never passes through a string, and the read buffer is wiped whatever happens.
 *
 * @module
 */
import { SecretBuffer, SecretError, wipe } from '@llorch/secret-buffer';

/** Whether `byte` is ASCII whitespace as DESIGN.md counts it: space, tab, LF, VT, FF, CR. */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * The bounds of `bytes[0, length)` without leading and trailing ASCII whitespace. It branches
 * on whether a byte is whitespace, which only the first and last non-blank bytes can reveal.
 */
export function trimBounds(bytes: Uint8Array, length: number): { start: number; end: number } {
  let start = 0;
  let end = length;
  while (start < end && isSpace(bytes[start] ?? 0)) start += 1;
  while (end > start && isSpace(bytes[end - 1] ?? 0)) end -= 1;
  return { start, end };
}

/**
 * The value of one hex digit in the low four bits, and 0x100 set when `c` is not a digit.
 * Arithmetic on the character code only: no branch and no table look-up depends on `c`, so the
 * running time says nothing about the key.
 */
export function hexNibble(c: number): number {
  // ((lo - 1 - c) & (c - hi - 1)) is negative exactly when lo <= c <= hi; >> 31 spreads the
  // sign into an all-ones or all-zeros mask.
  const digit = ((0x2f - c) & (c - 0x3a)) >> 31;
  const folded = c | 0x20;
  const letter = ((0x60 - folded) & (folded - 0x67)) >> 31;
  const value = (digit & (c - 0x30)) | (letter & (folded - 0x57));
  return (value & 0x0f) | (~(digit | letter) & 0x100);
}

/**
 * Decodes the `2 * byteLength` hex digits at `bytes[start, ...)` into `bytes[start, start +
 * byteLength)`. Byte `i` is written after digits `2i` and `2i + 1` are read, and `2i >= i`, so
 * no digit is overwritten before it is used. Returns whether every digit was valid; the caller
 * wipes the buffer either way.
 */
export function decodeHexInPlace(bytes: Uint8Array, start: number, byteLength: number): boolean {
  let bad = 0;
  for (let i = 0; i < byteLength; i += 1) {
    const at = start + 2 * i;
    const high = hexNibble(bytes[at] ?? 0);
    const low = hexNibble(bytes[at + 1] ?? 0);
    bad |= (high | low) & 0x100;
    bytes[start + i] = ((high & 0x0f) << 4) | (low & 0x0f);
  }
  return bad === 0;
}

function empty(path: string): SecretError {
  return new SecretError(
    'EMPTY',
    `${path} is empty or holds only whitespace; write the secret into it`,
    { path },
  );
}

/**
 * The secret in `buffer[0, length)`, trimmed unless `trim` is false. Wipes `buffer`.
 *
 * @throws {SecretError} `EMPTY` when nothing remains
 */
export function finishSecret(
  buffer: Uint8Array,
  length: number,
  trim: boolean,
  path: string,
): SecretBuffer {
  try {
    const { start, end } = trim ? trimBounds(buffer, length) : { start: 0, end: length };
    if (end <= start) throw empty(path);
    return SecretBuffer.from(buffer.subarray(start, end));
  } finally {
    wipe(buffer);
  }
}

/**
 * The key in `buffer[0, length)`: hex digits with surrounding whitespace, or exactly
 * `byteLength` raw bytes. Wipes `buffer`.
 *
 * @throws {SecretError} `EMPTY` for a blank file, `INVALID_FORMAT` for anything else that is
 *   not exactly `byteLength` bytes of key
 */
export function finishKey(
  buffer: Uint8Array,
  length: number,
  key: { readonly byteLength: number; readonly encoding: 'hex' | 'binary' },
  path: string,
): SecretBuffer {
  try {
    const { byteLength, encoding } = key;
    if (encoding === 'binary') {
      if (length === 0) throw empty(path);
      if (length !== byteLength) {
        throw new SecretError(
          'INVALID_FORMAT',
          `${path} holds ${String(length)} bytes; a binary key file must hold exactly ` +
            `${String(byteLength)} bytes, with nothing around them (no trailing newline)`,
          { path },
        );
      }
      return SecretBuffer.from(buffer.subarray(0, length));
    }
    const { start, end } = trimBounds(buffer, length);
    if (end <= start) throw empty(path);
    const digits = end - start;
    const expected = `exactly ${String(byteLength * 2)} hexadecimal digits (a ${String(
      byteLength,
    )}-byte key), with optional whitespace around them`;
    if (digits !== byteLength * 2) {
      throw new SecretError(
        'INVALID_FORMAT',
        `${path} holds ${String(digits)} characters after trimming; a hex key file must ` +
          `hold ${expected}`,
        { path },
      );
    }
    if (!decodeHexInPlace(buffer, start, byteLength)) {
      throw new SecretError(
        'INVALID_FORMAT',
        `${path} holds a character that is not a hexadecimal digit; a hex key file must ` +
          `hold ${expected}`,
        { path },
      );
    }
    return SecretBuffer.from(buffer.subarray(start, start + byteLength));
  } finally {
    wipe(buffer);
  }
}
