import { loadKeyFile, loadKeyFileSync, type LoadOptions } from '@llorch/file-loader';
import { deriveKey } from '@llorch/hkdf-derive';
import { isUint8Array, REDACTED, SecretError, type SecretBuffer } from '@llorch/secret-buffer';
import { loadKeyCredential, loadKeyCredentialSync } from '@llorch/systemd-creds';
import { asSecretError, invalid, isSecretBuffer, snapshotOptions } from './internal.js';
import { secretBufferOf, type CredentialOptions, type Secret } from './secret.js';

/** Every key of these packages is 256 bits (SEC-SECRET-042). */
export const KEY_BYTES = 32;

/** How a key file or credential is written. */
export interface KeyFormatOptions {
  /** `'hex'` (default): 64 hex digits, whitespace around them allowed; `'binary'`: 32 raw bytes. */
  readonly encoding?: 'hex' | 'binary';
  /** Always 32; any other value is `INVALID_ARGUMENT`. Accepted so callers can state it. */
  readonly byteLength?: number;
}

/** Options of {@link SecretKey.loadFromFile}. */
export type KeyLoadOptions = LoadOptions & KeyFormatOptions;

/** Options of {@link SecretKey.fromSystemdCredential}. */
export type KeyCredentialOptions = CredentialOptions & KeyFormatOptions;

const CONSTRUCT = Symbol('SecretKey.construct');
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

function keyOptions(options: unknown, caller: string): Record<string, unknown> {
  const copy = snapshotOptions(options, caller);
  const byteLength = copy['byteLength'];
  if (byteLength !== undefined && byteLength !== KEY_BYTES) {
    throw invalid(`${caller}: a SecretKey is always ${String(KEY_BYTES)} bytes`);
  }
  copy['byteLength'] = KEY_BYTES;
  return copy;
}

function checked(buffer: SecretBuffer, caller: string): SecretBuffer {
  // The loaders already enforce the length; a second look costs nothing and keeps the type's
  // promise even if a dependency regresses.
  if (buffer.byteLength !== KEY_BYTES) {
    buffer.dispose();
    throw new SecretError('INVALID_FORMAT', `${caller}: expected a ${String(KEY_BYTES)}-byte key`);
  }
  return buffer;
}

/**
 * A 256-bit key: loaded from a hex or binary key file or credential, or derived from a token
 * with HKDF-SHA256 and a domain string. Redacted like {@link Secret}; wiped by `dispose()`.
 *
 * @example
 * ```ts
 * using token = await Secret.loadFromFile('/etc/llorch/secrets/api-token');
 * using sealKey = SecretKey.deriveFromToken(token, 'llorch-seal-key-v1');
 * ```
 */
export class SecretKey implements Disposable {
  readonly #buffer: SecretBuffer;

  /** Use one of the static loaders or {@link SecretKey.deriveFromToken}. */
  private constructor(token: symbol, buffer: SecretBuffer) {
    if (token !== CONSTRUCT) {
      throw invalid('new SecretKey(): use SecretKey.loadFromFile or SecretKey.deriveFromToken');
    }
    this.#buffer = buffer;
  }

  /**
   * Loads a 32-byte key file: 64 hex digits by default, 32 raw bytes with
   * `encoding: 'binary'`, with every check of the file loader. Rejects, never throws.
   *
   * @throws {SecretError} `INVALID_ARGUMENT` for a `byteLength` other than 32, `INVALID_FORMAT`,
   *   `EMPTY` and any other code of `loadKeyFile`
   */
  static async loadFromFile(path: string | URL, options?: KeyLoadOptions): Promise<SecretKey> {
    const caller = 'SecretKey.loadFromFile';
    try {
      const buffer = await loadKeyFile(path, keyOptions(options, caller));
      return new SecretKey(CONSTRUCT, checked(buffer, caller));
    } catch (error) {
      throw asSecretError(error, caller);
    }
  }

  /** The synchronous form of {@link SecretKey.loadFromFile}. */
  static loadFromFileSync(path: string | URL, options?: KeyLoadOptions): SecretKey {
    const caller = 'SecretKey.loadFromFileSync';
    try {
      const buffer = loadKeyFileSync(path, keyOptions(options, caller));
      return new SecretKey(CONSTRUCT, checked(buffer, caller));
    } catch (error) {
      throw asSecretError(error, caller);
    }
  }

  /**
   * Loads a 32-byte key from the systemd credential `name`, in the same formats as
   * {@link SecretKey.loadFromFile}. Rejects, never throws.
   */
  static async fromSystemdCredential(
    name: string,
    options?: KeyCredentialOptions,
  ): Promise<SecretKey> {
    const caller = 'SecretKey.fromSystemdCredential';
    try {
      const buffer = await loadKeyCredential(name, keyOptions(options, caller));
      return new SecretKey(CONSTRUCT, checked(buffer, caller));
    } catch (error) {
      throw asSecretError(error, caller);
    }
  }

  /** The synchronous form of {@link SecretKey.fromSystemdCredential}. */
  static fromSystemdCredentialSync(name: string, options?: KeyCredentialOptions): SecretKey {
    const caller = 'SecretKey.fromSystemdCredentialSync';
    try {
      const buffer = loadKeyCredentialSync(name, keyOptions(options, caller));
      return new SecretKey(CONSTRUCT, checked(buffer, caller));
    } catch (error) {
      throw asSecretError(error, caller);
    }
  }

  /**
   * Derives a 32-byte key from a token with HKDF-SHA256 (RFC 5869), `domain` as the `info`
   * input. Deterministic; a different `domain` gives an unrelated key, so use one domain per
   * purpose, with a version (`'llorch-seal-key-v1'`). The token is not changed.
   *
   * @throws {SecretError} `INVALID_ARGUMENT` for an empty or ill-typed token or domain;
   *   `DISPOSED` for a disposed token
   */
  static deriveFromToken(
    token: Secret | SecretBuffer | Uint8Array,
    domain: string | Uint8Array,
  ): SecretKey {
    const caller = 'SecretKey.deriveFromToken';
    try {
      const derive = (ikm: SecretBuffer | Uint8Array): SecretBuffer =>
        deriveKey(ikm, domain, { byteLength: KEY_BYTES });
      const secretBuffer = secretBufferOf(token);
      let buffer: SecretBuffer;
      if (secretBuffer !== undefined) {
        buffer = secretBuffer.expose((bytes) => derive(bytes));
      } else if (isSecretBuffer(token) || isUint8Array(token)) {
        buffer = derive(token);
      } else {
        throw invalid(`${caller}(token): expected a Secret, a SecretBuffer or a Uint8Array`);
      }
      return new SecretKey(CONSTRUCT, checked(buffer, caller));
    } catch (error) {
      throw asSecretError(error, caller);
    }
  }

  private static own(value: unknown, caller: string): SecretBuffer {
    if (typeof value !== 'object' || value === null || !(#buffer in value)) {
      throw invalid(`${caller}: called on something that is not a SecretKey`);
    }
    return value.#buffer;
  }

  /**
   * Calls `use` with the live 32 bytes (not a copy) and returns what it returns.
   *
   * @throws {SecretError} `DISPOSED` after disposal; `INVALID_ARGUMENT` when `use` is not a
   *   function
   */
  expose<T>(use: (bytes: Uint8Array) => T): T {
    return SecretKey.own(this, 'SecretKey.expose').expose(use);
  }

  /** 32; 0 once disposed. */
  get byteLength(): number {
    try {
      return SecretKey.own(this, 'SecretKey.byteLength').byteLength;
    } catch {
      return 0;
    }
  }

  /** Whether {@link SecretKey.dispose} has run. */
  get disposed(): boolean {
    try {
      return SecretKey.own(this, 'SecretKey.disposed').disposed;
    } catch {
      return true;
    }
  }

  /** Overwrites the key with zeros. Idempotent; never throws. */
  dispose(): void {
    SecretKey.disposeOf(this);
  }

  /** The same as {@link SecretKey.dispose}, for `using` declarations. */
  [Symbol.dispose](): void {
    // Not this.dispose(): on a foreign receiver, or one whose dispose was replaced, that
    // lookup could throw, and disposal must never throw.
    SecretKey.disposeOf(this);
  }

  private static disposeOf(value: unknown): void {
    try {
      SecretKey.own(value, 'SecretKey.dispose').dispose();
    } catch {
      // Called on something that is not a SecretKey: there is nothing of ours to wipe.
    }
  }

  /** `[REDACTED]`. */
  toString(): string {
    return REDACTED;
  }

  /** `[REDACTED]`. */
  toJSON(): string {
    return REDACTED;
  }

  /** `[REDACTED]` for string and default hints, `NaN` for numbers. */
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === 'number' ? Number.NaN : REDACTED;
  }

  /** What `console.log` and `util.inspect` show. */
  [INSPECT](): string {
    return `SecretKey ${REDACTED}`;
  }

  get [Symbol.toStringTag](): string {
    return 'SecretKey';
  }
}
