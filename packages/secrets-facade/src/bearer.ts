import { MAX_SECRET_BYTES, SecretError, wipe } from '@llorch/secret-buffer';
import { invalid } from './internal.js';
import { secretBufferOf, verifyToken, type Secret } from './secret.js';

const SCHEME = 'bearer';
const SPACE = 0x20;

// Bearer tokens are far shorter than this; a header's token of up to this many bytes is
// copied here rather than into a fresh ArrayBuffer per request, which would cost more than
// the comparison. The check is synchronous and runs no caller code, so nothing can reenter
// while the copy is in it, and it is zeroed before the function returns.
const SCRATCH_BYTES = 4096;
const SHARED_SCRATCH = new Uint8Array(new ArrayBuffer(SCRATCH_BYTES));

/**
 * Where the token starts in `Bearer <token>`, or -1 when the value is not of that form.
 *
 * RFC 7235 section 2.1: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, the
 * scheme being case-insensitive. Only ASCII letters can match the scheme (a Unicode letter
 * whose lower case is ASCII, such as U+212A, must not pass), only SP separates, and nothing
 * may come before the scheme.
 */
function tokenStart(header: string): number {
  if (header.length <= SCHEME.length + 1) return -1;
  for (let i = 0; i < SCHEME.length; i += 1) {
    const code = header.charCodeAt(i);
    const isLetter = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
    if (!isLetter || (code | 0x20) !== SCHEME.charCodeAt(i)) return -1;
  }
  let start = SCHEME.length;
  if (header.charCodeAt(start) !== SPACE) return -1;
  while (start < header.length && header.charCodeAt(start) === SPACE) start += 1;
  return start < header.length ? start : -1;
}

/**
 * Returns a function that checks an HTTP `Authorization` header value against `secret`.
 *
 * The value must be `Bearer`, in any letter case, one or more spaces, then the token, which is
 * compared byte for byte, untrimmed, in constant time (`verifyPaddedSecret`). Anything else is
 * `false`: no header, another scheme, a leading space, a tab, an empty token, a value that is
 * not a string. Header values are byte strings (Node's `http` and the Fetch API decode them as
 * Latin-1), so each character is one byte; a character above U+00FF cannot have come from the
 * wire and makes the value `false`.
 *
 * The returned function throws `DISPOSED` once `secret` is disposed, whatever the header, so a
 * service that disposed its token too early fails loudly instead of refusing everyone.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` when `secret` is not a {@link Secret}
 * @example
 * ```ts
 * const authorized = bearerVerifier(token);
 * if (!authorized(req.headers.authorization)) res.writeHead(401).end();
 * ```
 */
export function bearerVerifier(secret: Secret): (authorization: string | undefined) => boolean {
  const buffer = secretBufferOf(secret);
  if (buffer === undefined) {
    throw invalid('bearerVerifier(secret): expected a Secret');
  }
  return (authorization: string | undefined): boolean => {
    if (buffer.disposed) {
      throw new SecretError('DISPOSED', 'bearerVerifier: the secret was already disposed');
    }
    if (typeof authorization !== 'string') return false;
    const start = tokenStart(authorization);
    if (start < 0) return false;
    const length = authorization.length - start;
    if (length > MAX_SECRET_BYTES) return false;
    // The candidate may be the right token, so it gets the same care as the secret: a buffer
    // outside V8's moving heap, wiped before returning.
    const candidate =
      length <= SCRATCH_BYTES
        ? SHARED_SCRATCH.subarray(0, length)
        : new Uint8Array(new ArrayBuffer(length));
    try {
      for (let i = 0; i < length; i += 1) {
        const code = authorization.charCodeAt(start + i);
        if (code > 0xff) return false;
        candidate[i] = code;
      }
      return verifyToken(secret, candidate, 'bearerVerifier');
    } finally {
      wipe(candidate);
    }
  };
}
