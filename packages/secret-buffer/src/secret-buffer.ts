import { byteLengthOf, freshBytes, isUint8Array, MAX_SECRET_BYTES } from './bytes.js';
import { SecretError } from './errors.js';
import { wipe } from './wipe.js';

/** What every redacting hook of a {@link SecretBuffer} returns. */
export const REDACTED = '[REDACTED]';

/** Options of {@link SecretBuffer.from}. */
export interface FromOptions {
  /** Zero the caller's array once it has been copied. Default `false`. */
  readonly wipeSource?: boolean;
}

// Web Crypto refuses to fill more than 65,536 bytes in one call.
const RANDOM_CHUNK_BYTES = 65_536;
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');
const CONSTRUCT = Symbol('SecretBuffer.construct');

// The held value is the byte array, never the owner, so the registry cannot keep an owner
// alive. It runs only for buffers that were collected without dispose(); it must not throw,
// because nothing could catch it.
const finalizer = new FinalizationRegistry<Uint8Array>((bytes) => {
  try {
    wipe(bytes);
  } catch {
    // wipe only throws for a non-Uint8Array, which the registry never holds.
  }
});

function invalid(message: string): SecretError {
  return new SecretError('INVALID_ARGUMENT', message);
}

function readWipeSource(options: unknown): boolean {
  if (options === undefined) return false;
  if (typeof options !== 'object' || options === null) {
    throw invalid('SecretBuffer.from(bytes, options): options must be an object');
  }
  let value: unknown;
  try {
    value = (options as Record<string, unknown>)['wipeSource'];
  } catch {
    throw invalid('SecretBuffer.from(bytes, options): options.wipeSource could not be read');
  }
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw invalid('SecretBuffer.from(bytes, options): options.wipeSource must be a boolean');
  }
  return value;
}

/**
 * Bytes of a secret, kept where no string, log, serializer or pooled buffer can reach them.
 *
 * - The bytes live in a private field, in a fresh `ArrayBuffer` of their own: never Node's
 *   shared `Buffer` pool, never V8's moving heap.
 * - Every way JavaScript has of turning an object into text or data (`toString`, `toJSON`,
 *   `Symbol.toPrimitive`, `util.inspect`, `structuredClone`, `v8.serialize`, spread) yields
 *   `[REDACTED]` or an empty object.
 * - {@link SecretBuffer.dispose} overwrites the bytes with zeros; a buffer collected without
 *   it is wiped by a `FinalizationRegistry`, at a time the garbage collector chooses.
 * - The only way to the bytes is {@link SecretBuffer.expose}, so every access is greppable.
 *
 * @example
 * ```ts
 * using key = SecretBuffer.random(32);
 * const tag = key.expose((bytes) => hmac(sha256, bytes, message));
 * ```
 */
export class SecretBuffer implements Disposable {
  #bytes: Uint8Array;
  #disposed = false;

  /**
   * Use {@link SecretBuffer.from}, {@link SecretBuffer.fromUtf8} or {@link SecretBuffer.random}.
   */
  private constructor(token: symbol, bytes: Uint8Array) {
    if (token !== CONSTRUCT) {
      throw invalid('new SecretBuffer(): use SecretBuffer.from, fromUtf8 or random');
    }
    this.#bytes = bytes;
    finalizer.register(this, bytes, this);
  }

  /**
   * Copies `bytes` into a new secret buffer.
   *
   * @param bytes - the secret; at most 1 MiB
   * @param options - `wipeSource: true` zeroes `bytes` after the copy
   * @throws {SecretError} `INVALID_ARGUMENT` for a non-`Uint8Array`, bad options, or over 1 MiB
   */
  static from(bytes: Uint8Array, options?: FromOptions): SecretBuffer {
    if (!isUint8Array(bytes)) {
      throw invalid('SecretBuffer.from(bytes): expected a Uint8Array');
    }
    const wipeSource = readWipeSource(options);
    const length = byteLengthOf(bytes);
    if (length > MAX_SECRET_BYTES) {
      throw invalid(`SecretBuffer.from(bytes): ${String(length)} bytes is over the 1 MiB limit`);
    }
    const copy = freshBytes(length);
    // set() reads the source through its internal slots, never through its own methods.
    if (length > 0) copy.set(bytes);
    if (wipeSource) wipe(bytes);
    return new SecretBuffer(CONSTRUCT, copy);
  }

  /**
   * Encodes `text` as UTF-8 into a new secret buffer (a lone surrogate becomes U+FFFD).
   *
   * The string itself cannot be wiped: JavaScript strings are immutable and outlive any
   * `dispose()`. Prefer loading secrets as bytes; use this only where a string already exists.
   *
   * @throws {SecretError} `INVALID_ARGUMENT` for a non-string or more than 1 MiB of UTF-8
   */
  static fromUtf8(text: string): SecretBuffer {
    if (typeof text !== 'string') {
      throw invalid('SecretBuffer.fromUtf8(text): expected a string');
    }
    // Three bytes per UTF-16 code unit is the UTF-8 worst case, so encodeInto always fits.
    if (text.length > MAX_SECRET_BYTES) {
      throw invalid('SecretBuffer.fromUtf8(text): the text is over the 1 MiB limit');
    }
    const scratch = freshBytes(text.length * 3);
    try {
      const { written } = new TextEncoder().encodeInto(text, scratch);
      if (written > MAX_SECRET_BYTES) {
        throw invalid('SecretBuffer.fromUtf8(text): the text is over the 1 MiB limit');
      }
      const copy = freshBytes(written);
      copy.set(scratch.subarray(0, written));
      return new SecretBuffer(CONSTRUCT, copy);
    } finally {
      wipe(scratch);
    }
  }

  /**
   * A new secret of `byteLength` bytes from the runtime's cryptographic random generator.
   *
   * @param byteLength - an integer from 1 to 1,048,576
   * @throws {SecretError} `INVALID_ARGUMENT` for any other length; `IO` without Web Crypto
   */
  static random(byteLength: number): SecretBuffer {
    if (!Number.isInteger(byteLength) || byteLength < 1 || byteLength > MAX_SECRET_BYTES) {
      throw invalid('SecretBuffer.random(byteLength): expected an integer from 1 to 1048576');
    }
    const webCrypto = (globalThis as { crypto?: Partial<Crypto> }).crypto;
    if (typeof webCrypto?.getRandomValues !== 'function') {
      throw new SecretError('IO', 'SecretBuffer.random: Web Crypto getRandomValues is missing');
    }
    const bytes = freshBytes(byteLength);
    for (let offset = 0; offset < byteLength; offset += RANDOM_CHUNK_BYTES) {
      const end = Math.min(offset + RANDOM_CHUNK_BYTES, byteLength);
      webCrypto.getRandomValues(bytes.subarray(offset, end));
    }
    return new SecretBuffer(CONSTRUCT, bytes);
  }

  /** The number of secret bytes; 0 once disposed. */
  get byteLength(): number {
    if (!SecretBuffer.#isOwn(this)) return 0;
    return this.#disposed ? 0 : byteLengthOf(this.#bytes);
  }

  /** Whether {@link SecretBuffer.dispose} has run. */
  get disposed(): boolean {
    return SecretBuffer.#isOwn(this) ? this.#disposed : true;
  }

  /**
   * Calls `use` with the live bytes and returns what it returns.
   *
   * The view is the buffer itself, not a copy: it reads as zeros once the buffer is disposed,
   * and whatever `use` writes to it changes the secret. Copy out only what must outlive the
   * call, and wipe the copy. An exception thrown by `use` reaches the caller unchanged.
   *
   * @throws {SecretError} `DISPOSED` after disposal; `INVALID_ARGUMENT` when `use` is not a
   *   function
   */
  expose<T>(use: (bytes: Uint8Array) => T): T {
    if (typeof use !== 'function') {
      throw invalid('SecretBuffer.expose(use): expected a function');
    }
    if (!SecretBuffer.#isOwn(this)) {
      throw invalid('SecretBuffer.expose: called on something that is not a SecretBuffer');
    }
    if (this.#disposed) {
      throw new SecretError('DISPOSED', 'SecretBuffer.expose: the secret was already disposed');
    }
    return use(this.#bytes);
  }

  /** Overwrites the bytes with zeros. Idempotent; never throws. */
  dispose(): void {
    if (!SecretBuffer.#isOwn(this) || this.#disposed) return;
    this.#disposed = true;
    wipe(this.#bytes);
    finalizer.unregister(this);
  }

  /** The same as {@link SecretBuffer.dispose}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // Methods pulled off the prototype and called on a stranger would otherwise throw a
  // TypeError from the private-field access.
  static #isOwn(value: unknown): value is SecretBuffer {
    return typeof value === 'object' && value !== null && #bytes in value;
  }

  /** `[REDACTED]`: the bytes never become a string. */
  toString(): string {
    return REDACTED;
  }

  /** `[REDACTED]`, so `JSON.stringify` of an object holding a secret shows no bytes. */
  toJSON(): string {
    return REDACTED;
  }

  /** `[REDACTED]` for string and default hints (template literals, `+`), `NaN` for numbers. */
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === 'number' ? Number.NaN : REDACTED;
  }

  /** What `console.log` and `util.inspect` show, whatever their options. */
  [INSPECT](): string {
    return `SecretBuffer ${REDACTED}`;
  }

  get [Symbol.toStringTag](): string {
    return 'SecretBuffer';
  }
}
