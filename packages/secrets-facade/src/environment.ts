/**
 * Every read of the process environment the facade makes. This is the one facade file the lint
 * configuration lets read `process.env` (`tooling/eslint.config.js`), so that a reviewer finds
 * all of them here.
 *
 * @module
 */
import { channel } from 'node:diagnostics_channel';
import { SECRETS_LOAD_CHANNEL } from '@llorch/file-loader';
import { MAX_SECRET_BYTES, SecretBuffer, SecretError } from '@llorch/secret-buffer';
import { describeType, invalid } from './internal.js';

/** The warning code of {@link readEnvironmentSecret}, for `process.on('warning')` filters. */
export const FROM_ENV_WARNING_CODE = 'LLORCH_SECRET_FROM_ENV';

// POSIX leaves names open but `=` ends a name and NUL ends the string; longer names than
// this are a mistake, not a configuration.
const MAX_NAME_LENGTH = 1024;
const loadChannel = channel(SECRETS_LOAD_CHANNEL);

/**
 * Checks an environment variable name.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` for an empty name, one with `=` or NUL, or a non-string
 */
export function checkVariableName(name: unknown, caller: string): string {
  if (typeof name !== 'string') {
    throw invalid(`${caller}: name must be a string, not ${describeType(name)}`);
  }
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw invalid(`${caller}: name must be 1 to ${String(MAX_NAME_LENGTH)} characters long`);
  }
  if (name.includes('=') || name.includes('\0')) {
    throw invalid(`${caller}: name must not contain "=" or a NUL character`);
  }
  return name;
}

function read(name: string, caller: string): string | undefined {
  try {
    const value: unknown = process.env[name];
    return typeof value === 'string' ? value : undefined;
  } catch {
    throw new SecretError('IO', `${caller}: the environment could not be read`);
  }
}

function remove(name: string): void {
  try {
    Reflect.deleteProperty(process.env, name);
  } catch {
    // process.env replaced by something that refuses deletion: nothing more can be done, and
    // the warning already names the exposure.
  }
}

// The same bytes a file loader keeps: leading and trailing space, tab, LF, VT, FF and CR go.
function isAsciiWhitespace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

function trimmed(raw: SecretBuffer): SecretBuffer {
  return raw.expose((bytes) => {
    let start = 0;
    let end = bytes.length;
    while (start < end && isAsciiWhitespace(bytes[start] ?? 0)) start += 1;
    while (end > start && isAsciiWhitespace(bytes[end - 1] ?? 0)) end -= 1;
    return SecretBuffer.from(bytes.subarray(start, end));
  });
}

/**
 * Takes a secret out of environment variable `name`: warns, deletes the variable, and returns
 * its value, trimmed as a file would be, as a {@link SecretBuffer}.
 *
 * The warning (code `LLORCH_SECRET_FROM_ENV`) is emitted on every read, a blank value
 * included. The variable is deleted whenever it existed, so child processes and later reads
 * no longer see it; `/proc/<pid>/environ` still shows the value the process started with, and
 * the JavaScript string read here cannot be wiped.
 *
 * @throws {SecretError} `NOT_FOUND` when unset, `EMPTY` when blank, `INVALID_ARGUMENT` for a bad
 *   name or a value over 1 MiB
 */
export function readEnvironmentSecret(name: unknown): SecretBuffer {
  const caller = 'Secret.fromEnv';
  const variable = checkVariableName(name, caller);
  const value = read(variable, caller);
  if (value === undefined) {
    throw new SecretError('NOT_FOUND', `${caller}: environment variable ${variable} is not set`);
  }
  remove(variable);
  process.emitWarning(
    `Secret.fromEnv read a secret from environment variable ${variable}. Environment ` +
      `variables are visible in /proc/<pid>/environ and to every child process; ${variable} ` +
      'was deleted from process.env, but /proc/<pid>/environ keeps the value the process ' +
      'started with. Load the secret from a file or a systemd credential instead.',
    { type: 'SecurityWarning', code: FROM_ENV_WARNING_CODE },
  );
  if (value.length > MAX_SECRET_BYTES) {
    throw invalid(`${caller}: environment variable ${variable} is over the 1 MiB limit`);
  }
  const raw = SecretBuffer.fromUtf8(value);
  let secret: SecretBuffer;
  try {
    secret = trimmed(raw);
  } finally {
    raw.dispose();
  }
  if (secret.byteLength === 0) {
    secret.dispose();
    throw new SecretError('EMPTY', `${caller}: environment variable ${variable} is blank`);
  }
  if (loadChannel.hasSubscribers) {
    loadChannel.publish({ source: 'env', name: variable, byteLength: secret.byteLength });
  }
  return secret;
}

/**
 * The value of `<name>_FILE` (Docker's convention for pointing at a secret file), or
 * `undefined` when it is unset or empty. The value is a path, not a secret.
 */
export function readFileVariable(name: string): string | undefined {
  const value = read(`${name}_FILE`, 'resolveServiceSecret');
  return value === undefined || value.length === 0 ? undefined : value;
}
