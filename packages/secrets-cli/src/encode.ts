/**
 * Encodings of fresh secret bytes into the text written to a secret file, without a string,
 * a lookup table indexed by secret bytes, or a branch on them: each output character is
 * computed with masks, as libsodium's `sodium_bin2base64` does.
 *
 * @module
 */

// All-ones (-1) when a < b, else 0; a and b are small non-negative integers.
function lessThan(a: number, b: number): number {
  return (a - b) >> 8;
}

function hexDigit(nibble: number): number {
  // '0'..'9' for 0..9, 'a'..'f' for 10..15: 'a' - '0' - 10 = 39.
  return 48 + nibble + (~lessThan(nibble, 10) & 39);
}

function base64UrlDigit(six: number): number {
  const upper = lessThan(six, 26);
  const lower = ~upper & lessThan(six, 52);
  const digit = ~lessThan(six, 52) & lessThan(six, 62);
  const dash = ~lessThan(six, 62) & lessThan(six, 63);
  const underscore = ~lessThan(six, 63);
  return (
    (upper & (six + 65)) |
    (lower & (six + 71)) |
    (digit & (six - 4)) |
    (dash & 45) |
    (underscore & 95)
  );
}

/** Lower-case hex of `bytes` followed by a newline, in a fresh buffer the caller must wipe. */
export function hexLine(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(bytes.length * 2 + 1));
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i] ?? 0;
    out[2 * i] = hexDigit(byte >> 4);
    out[2 * i + 1] = hexDigit(byte & 0x0f);
  }
  out[out.length - 1] = 0x0a;
  return out;
}

/**
 * Unpadded base64url (RFC 4648 section 5) of `bytes` followed by a newline, in a fresh buffer
 * the caller must wipe. Its alphabet fits an RFC 6750 bearer token as is.
 */
export function base64UrlLine(bytes: Uint8Array): Uint8Array {
  const length = Math.ceil((bytes.length * 4) / 3);
  const out = new Uint8Array(new ArrayBuffer(length + 1));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (const byte of bytes) {
    bits = ((bits << 8) | byte) & 0xffff;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out[o] = base64UrlDigit((bits >> count) & 0x3f);
      o += 1;
    }
  }
  if (count > 0) {
    out[o] = base64UrlDigit((bits << (6 - count)) & 0x3f);
    o += 1;
  }
  out[o] = 0x0a;
  return out;
}
