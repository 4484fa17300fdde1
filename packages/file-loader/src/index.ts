/**
 * Hardened loading of secret files for Node.js: the path walked one component at a time with
 * every directory checked, the permissions checked on the open descriptor, a bounded read into a
 * fresh buffer, and no secret byte in a string.
 *
 * @module
 */
import { channel } from 'node:diagnostics_channel';
import { isSecretError, SecretError, type SecretBuffer } from '@llorch/secret-buffer';
import { finishKey, finishSecret } from './decode.js';
import { runAsync, runSync } from './drivers.js';
import {
  readKeyArguments,
  readSecretArguments,
  SECRETS_LOAD_CHANNEL,
  type KeyFileOptions,
  type LoadOptions,
  type Settings,
} from './options.js';
import { loadProgram, type Identity, type Program, type Loaded } from './program.js';

export { SECRETS_LOAD_CHANNEL, MAX_KEY_BYTES } from './options.js';
export type { KeyFileOptions, LoadOptions } from './options.js';

/** What a successful file load publishes on {@link SECRETS_LOAD_CHANNEL}; never a value. */
export interface FileLoadEvent {
  readonly source: 'file';
  /** The resolved path of the file read. */
  readonly path: string;
  /** The byte length of the returned secret. */
  readonly byteLength: number;
}

const loads = channel(SECRETS_LOAD_CHANNEL);

/** The warning code of a load without permission checks. */
export const UNVERIFIED_PERMISSIONS_WARNING = 'LLORCH_UNVERIFIED_PERMISSIONS';

function warnUnverified(path: string): void {
  process.emitWarning(
    `${path} was loaded without checking its owner, its mode or its directories, because ` +
      'this platform has no POSIX permissions (allowUnverifiedPermissions: true); make sure ' +
      'only this service can read it',
    { type: 'SecurityWarning', code: UNVERIFIED_PERMISSIONS_WARNING },
  );
}

function identity(): Identity {
  // Missing off POSIX (Windows): the permission checks then cannot run.
  return { euid: process.geteuid?.() };
}

function program(settings: Settings): Program<Loaded> {
  return loadProgram(settings, identity());
}

function announce(settings: Settings, loaded: Loaded, secret: SecretBuffer): void {
  const { path } = loaded;
  // Every load without the checks says so, whatever the publish option.
  if (!loaded.verified) warnUnverified(path);
  if (!settings.publish || !loads.hasSubscribers) return;
  const event: FileLoadEvent = { source: 'file', path, byteLength: secret.byteLength };
  try {
    loads.publish(Object.freeze(event));
  } catch {
    // A subscriber's failure must not cost the caller a secret that has already loaded.
  }
}

// The last line of defence for the contract that only SecretError leaves this package: an
// unexpected error is reported by its name alone, since its message could say anything.
function contained(error: unknown, caller: string): SecretError {
  if (isSecretError(error)) return error;
  return new SecretError('IO', `${caller}: unexpected internal failure (${typeof error})`, {
    errno: 'UNKNOWN',
  });
}

/**
 * Loads a secret file: its bytes, with leading and trailing ASCII whitespace removed unless
 * `trim: false`.
 *
 * @param path - absolute, relative to the working directory, or a `file:` URL
 * @param options - see {@link LoadOptions}
 * @returns the secret; dispose of it when done
 * @throws {SecretError} `INVALID_ARGUMENT`, `NOT_FOUND`, `INSECURE_PARENT`, `OUTSIDE_ROOT`,
 *   `NOT_A_FILE`, `INSECURE_OWNER`, `PERMISSIONS_TOO_OPEN`, `TOO_LARGE`, `CHANGED_DURING_LOAD`,
 *   `EMPTY`, or `IO` naming the errno code
 * @example
 * ```ts
 * using token = loadSecretFileSync('/etc/llorch/api-token', { root: '/etc/llorch' });
 * ```
 */
export function loadSecretFileSync(path: string | URL, options?: LoadOptions): SecretBuffer {
  const caller = 'loadSecretFileSync';
  try {
    const settings = readSecretArguments(path, options, caller);
    const loaded = runSync(program(settings));
    const secret = finishSecret(loaded.buffer, loaded.length, settings.trim, loaded.path);
    announce(settings, loaded, secret);
    return secret;
  } catch (error) {
    throw contained(error, caller);
  }
}

/**
 * The asynchronous form of {@link loadSecretFileSync}: every failure rejects the promise, none
 * is thrown synchronously.
 *
 * @example
 * ```ts
 * const token = await loadSecretFile(new URL('file:///run/secrets/api-token'));
 * ```
 */
export async function loadSecretFile(
  path: string | URL,
  options?: LoadOptions,
): Promise<SecretBuffer> {
  const caller = 'loadSecretFile';
  try {
    const settings = readSecretArguments(path, options, caller);
    const loaded = await runAsync(program(settings));
    const secret = finishSecret(loaded.buffer, loaded.length, settings.trim, loaded.path);
    announce(settings, loaded, secret);
    return secret;
  } catch (error) {
    throw contained(error, caller);
  }
}

/**
 * Loads a key file: `byteLength` bytes (default 32) written as hex digits, either case, with
 * optional whitespace around them, or with `encoding: 'binary'` exactly `byteLength` raw bytes.
 * Hex is decoded without data-dependent branches or table look-ups.
 *
 * @throws {SecretError} as {@link loadSecretFileSync}, plus `INVALID_FORMAT` for anything that
 *   is not exactly `byteLength` bytes of key
 * @example
 * ```ts
 * using key = loadKeyFileSync('/etc/llorch/hmac.key');
 * ```
 */
export function loadKeyFileSync(path: string | URL, options?: KeyFileOptions): SecretBuffer {
  const caller = 'loadKeyFileSync';
  try {
    const settings = readKeyArguments(path, options, caller);
    const loaded = runSync(program(settings));
    const key = finishKey(loaded.buffer, loaded.length, settings, loaded.path);
    announce(settings, loaded, key);
    return key;
  } catch (error) {
    throw contained(error, caller);
  }
}

/**
 * The asynchronous form of {@link loadKeyFileSync}; every failure rejects.
 *
 * @example
 * ```ts
 * const key = await loadKeyFile('/etc/llorch/hmac.key', { encoding: 'binary' });
 * ```
 */
export async function loadKeyFile(
  path: string | URL,
  options?: KeyFileOptions,
): Promise<SecretBuffer> {
  const caller = 'loadKeyFile';
  try {
    const settings = readKeyArguments(path, options, caller);
    const loaded = await runAsync(program(settings));
    const key = finishKey(loaded.buffer, loaded.length, settings, loaded.path);
    announce(settings, loaded, key);
    return key;
  } catch (error) {
    throw contained(error, caller);
  }
}
