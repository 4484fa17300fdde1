import { verifyPaddedSecret } from '@llorch/ct-verify';
import { loadSecretFile, loadSecretFileSync, type LoadOptions } from '@llorch/file-loader';
import {
  isSecretError,
  isUint8Array,
  REDACTED,
  SecretBuffer,
  SecretError,
  wipe,
} from '@llorch/secret-buffer';
import { loadCredential, loadCredentialSync, type CredentialOptions } from '@llorch/systemd-creds';
import { readEnvironmentSecret } from './environment.js';
import { asSecretError, invalid, isSecretBuffer } from './internal.js';

export type { CredentialOptions };

const CONSTRUCT = Symbol('Secret.construct');
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

// Filled in by the class's static block, the one place that can read the private field of
// another instance; the key and the bearer verifier use it to reach a token's bytes.
let bufferOf: (value: unknown) => SecretBuffer | undefined = () => undefined;
let windowOf: (value: unknown) => SecretBuffer | undefined = () => undefined;

// Tokens up to this many bytes share one window size, so a candidate longer than the token
// learns nothing of the token's length; a longer token gets the next power of two.
const MIN_WINDOW_BYTES = 256;

/**
 * The token at the start of a zeroed window whose length is a power of two, for
 * `verifyPaddedSecret`: reading `window[i mod size]` for every candidate byte `i` touches
 * addresses that depend on the candidate alone. Made once, at load time.
 */
function paddedWindow(buffer: SecretBuffer): SecretBuffer {
  let size = MIN_WINDOW_BYTES;
  while (size < buffer.byteLength) size *= 2;
  const scratch = new Uint8Array(new ArrayBuffer(size));
  try {
    buffer.expose((bytes) => {
      scratch.set(bytes);
    });
    return SecretBuffer.from(scratch, { wipeSource: true });
  } finally {
    wipe(scratch);
  }
}

/**
 * Whether `candidate` is the token `secret` holds, in constant time; `DISPOSED` once it was
 * disposed. Internal: the one comparison behind `Secret.verify` and `bearerVerifier`.
 */
export function verifyToken(
  secret: unknown,
  candidate: string | Uint8Array,
  caller: string,
): boolean {
  const buffer = bufferOf(secret);
  const window = windowOf(secret);
  if (buffer === undefined || window === undefined) {
    throw invalid(`${caller}: called on something that is not a Secret`);
  }
  if (buffer.disposed || window.disposed) {
    throw new SecretError('DISPOSED', `${caller}: the secret was already disposed`);
  }
  const length = buffer.byteLength;
  return window.expose((bytes) => verifyPaddedSecret(bytes, length, candidate));
}

/**
 * The bytes of `value` when it is a {@link Secret}, else `undefined`. Never throws. Internal:
 * not exported from the package.
 */
export function secretBufferOf(value: unknown): SecretBuffer | undefined {
  return bufferOf(value);
}

/**
 * A fresh copy of what `source` holds. `instanceof` only reads the prototype chain, which a
 * Proxy can fake, so `source.expose` may be anyone's code: the copy is taken only from what it
 * hands to our callback, and a failure that is not a SecretError (a real buffer throws nothing
 * else) means `source` was no SecretBuffer.
 */
function copyOfBuffer(source: SecretBuffer): SecretBuffer {
  let copy: SecretBuffer | undefined;
  try {
    source.expose((view: Uint8Array) => {
      // A forged expose may call back more than once; no earlier copy may go unwiped.
      copy?.dispose();
      copy = SecretBuffer.from(view);
    });
  } catch (error) {
    copy?.dispose();
    if (isSecretError(error)) throw error;
    throw invalid('Secret.from(bytes): expected a Uint8Array or a SecretBuffer');
  }
  if (copy === undefined) {
    throw invalid('Secret.from(bytes): expected a Uint8Array or a SecretBuffer');
  }
  return copy;
}

/**
 * An API token: loaded from a hardened file, a systemd credential or (reluctantly) the
 * environment, compared in constant time, wiped by {@link Secret.dispose}.
 *
 * The bytes live in a {@link SecretBuffer}, the one secret wrapper of these packages; every
 * way of turning a `Secret` into text or data yields `[REDACTED]`.
 *
 * @example
 * ```ts
 * using token = await Secret.loadFromFile('/etc/llorch/secrets/api-token');
 * if (!token.verify(candidate)) return unauthorized();
 * ```
 */
export class Secret implements Disposable {
  readonly #buffer: SecretBuffer;
  // A second copy of the token, padded, used only to verify candidates (see paddedWindow).
  readonly #window: SecretBuffer;

  static {
    bufferOf = (value) =>
      typeof value === 'object' && value !== null && #buffer in value ? value.#buffer : undefined;
    windowOf = (value) =>
      typeof value === 'object' && value !== null && #window in value ? value.#window : undefined;
  }

  /** Use one of the static loaders. */
  private constructor(token: symbol, buffer: SecretBuffer) {
    if (token !== CONSTRUCT) {
      throw invalid('new Secret(): use Secret.loadFromFile, fromSystemdCredential or fromEnv');
    }
    try {
      this.#window = paddedWindow(buffer);
    } catch (error) {
      // No Secret will own the token, so nothing else would ever wipe it.
      buffer.dispose();
      throw error;
    }
    this.#buffer = buffer;
  }

  /**
   * Loads a token from a file, with every check of `@llorch/file-loader` (permissions on the
   * open descriptor, owner, parents, `root`, size). Rejects, never throws.
   *
   * @throws {SecretError} any code of `loadSecretFile`
   */
  static async loadFromFile(path: string | URL, options?: LoadOptions): Promise<Secret> {
    try {
      return new Secret(CONSTRUCT, await loadSecretFile(path, options));
    } catch (error) {
      throw asSecretError(error, 'Secret.loadFromFile');
    }
  }

  /** The synchronous form of {@link Secret.loadFromFile}. */
  static loadFromFileSync(path: string | URL, options?: LoadOptions): Secret {
    try {
      return new Secret(CONSTRUCT, loadSecretFileSync(path, options));
    } catch (error) {
      throw asSecretError(error, 'Secret.loadFromFileSync');
    }
  }

  /**
   * Loads a token from the systemd credential `name` (`LoadCredential=` in the unit). Rejects,
   * never throws.
   *
   * @throws {SecretError} `CREDENTIALS_UNAVAILABLE` outside such a service,
   *   `INVALID_CREDENTIAL_NAME`, and any code of the file loader
   */
  static async fromSystemdCredential(name: string, options?: CredentialOptions): Promise<Secret> {
    try {
      return new Secret(CONSTRUCT, await loadCredential(name, options));
    } catch (error) {
      throw asSecretError(error, 'Secret.fromSystemdCredential');
    }
  }

  /** The synchronous form of {@link Secret.fromSystemdCredential}. */
  static fromSystemdCredentialSync(name: string, options?: CredentialOptions): Secret {
    try {
      return new Secret(CONSTRUCT, loadCredentialSync(name, options));
    } catch (error) {
      throw asSecretError(error, 'Secret.fromSystemdCredentialSync');
    }
  }

  /**
   * Takes a token from environment variable `name`. Prefer a file: the environment is visible
   * in `/proc/<pid>/environ` and to every child process.
   *
   * Emits a warning with code `LLORCH_SECRET_FROM_ENV` through `process.emitWarning` on every
   * read, a blank value included, and deletes the variable from `process.env` whenever it
   * existed. The value is trimmed as a file is. The JavaScript string the environment gave
   * cannot be wiped: it outlives {@link Secret.dispose}.
   *
   * @throws {SecretError} `NOT_FOUND` when unset, `EMPTY` when blank, `INVALID_ARGUMENT` for a
   *   bad name
   */
  static fromEnv(name: string): Secret {
    try {
      return new Secret(CONSTRUCT, readEnvironmentSecret(name));
    } catch (error) {
      throw asSecretError(error, 'Secret.fromEnv');
    }
  }

  /**
   * Copies `bytes` (a `Uint8Array` or a {@link SecretBuffer}) into a new token, for tokens
   * obtained some other way. With `wipeSource`, a `Uint8Array` source is zeroed after the copy.
   *
   * @throws {SecretError} `INVALID_ARGUMENT` for anything else; `EMPTY` for zero bytes;
   *   `DISPOSED` for a disposed buffer
   */
  static from(
    bytes: Uint8Array | SecretBuffer,
    options?: { readonly wipeSource?: boolean },
  ): Secret {
    try {
      let buffer: SecretBuffer;
      if (isSecretBuffer(bytes)) {
        if (options !== undefined) {
          throw invalid('Secret.from: options apply to a Uint8Array only');
        }
        buffer = copyOfBuffer(bytes);
      } else if (isUint8Array(bytes)) {
        buffer = SecretBuffer.from(bytes, options);
      } else {
        throw invalid('Secret.from(bytes): expected a Uint8Array or a SecretBuffer');
      }
      if (buffer.byteLength === 0) {
        buffer.dispose();
        throw new SecretError('EMPTY', 'Secret.from(bytes): a token cannot be empty');
      }
      return new Secret(CONSTRUCT, buffer);
    } catch (error) {
      throw asSecretError(error, 'Secret.from');
    }
  }

  private static own(value: unknown, caller: string): SecretBuffer {
    const buffer = bufferOf(value);
    if (buffer === undefined) throw invalid(`${caller}: called on something that is not a Secret`);
    return buffer;
  }

  /**
   * Compares `candidate` with the token in constant time (`verifyPaddedSecret` of
   * `@llorch/ct-verify`, on a zero-padded copy of the token made at load time): the time
   * depends on the candidate's length only, never on the token's length or content, also for
   * a candidate longer than the token. A string is compared as UTF-8. Anything that is
   * neither a string nor a `Uint8Array` is `false`.
   *
   * @throws {SecretError} `DISPOSED` after {@link Secret.dispose}
   */
  verify(candidate: string | Uint8Array): boolean {
    // verifyToken refuses a foreign receiver and a disposed token; a candidate of the wrong
    // type is false in verifyPaddedSecret.
    return verifyToken(this, candidate, 'Secret.verify');
  }

  /**
   * Calls `use` with the live bytes (not a copy) and returns what it returns. Whatever `use`
   * copies out must be wiped by the caller.
   *
   * @throws {SecretError} `DISPOSED` after disposal; `INVALID_ARGUMENT` when `use` is not a
   *   function
   */
  expose<T>(use: (bytes: Uint8Array) => T): T {
    return Secret.own(this, 'Secret.expose').expose(use);
  }

  /** The token's length in bytes; 0 once disposed. */
  get byteLength(): number {
    return bufferOf(this)?.byteLength ?? 0;
  }

  /** Whether {@link Secret.dispose} has run. */
  get disposed(): boolean {
    return bufferOf(this)?.disposed ?? true;
  }

  /** Overwrites the token with zeros. Idempotent; never throws. */
  dispose(): void {
    windowOf(this)?.dispose();
    bufferOf(this)?.dispose();
  }

  /** The same as {@link Secret.dispose}, for `using` declarations. */
  [Symbol.dispose](): void {
    // Not this.dispose(): on a foreign receiver, or one whose dispose was replaced, that
    // lookup could throw, and disposal must never throw.
    windowOf(this)?.dispose();
    bufferOf(this)?.dispose();
  }

  /** `[REDACTED]`. */
  toString(): string {
    return REDACTED;
  }

  /** `[REDACTED]`, so `JSON.stringify` shows no bytes. */
  toJSON(): string {
    return REDACTED;
  }

  /** `[REDACTED]` for string and default hints, `NaN` for numbers. */
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === 'number' ? Number.NaN : REDACTED;
  }

  /** What `console.log` and `util.inspect` show. */
  [INSPECT](): string {
    return `Secret ${REDACTED}`;
  }

  get [Symbol.toStringTag](): string {
    return 'Secret';
  }
}
