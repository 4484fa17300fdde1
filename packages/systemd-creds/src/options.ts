/**
 * Reading a caller's options once, into a plain object: a getter that answers differently on
 * each read, or a Proxy that throws, cannot make the checks and the load see different values.
 *
 * @module
 */
import type { LoadOptions } from '@llorch/file-loader';
import { SecretError } from '@llorch/secret-buffer';
import { describeType } from './credential-name.js';

/** What the loaders read from their options argument. */
export interface CredentialSettings {
  /** `options.directory`, unchecked; `undefined` means `$CREDENTIALS_DIRECTORY`. */
  readonly directory: unknown;
  /** Whether to publish the `systemd-credential` diagnostics event. */
  readonly publish: boolean;
  /** Everything passed on to file-loader, `root` and `publish` excepted. */
  readonly load: Readonly<Record<string, unknown>>;
}

// Passed on unchecked when present: file-loader validates them and owns their messages.
const LOADER_KEYS = ['trim', 'maxBytes'] as const;
const KEY_KEYS = ['byteLength', 'encoding'] as const;

function read(options: object, key: string, caller: string): unknown {
  try {
    return Reflect.get(options, key);
  } catch {
    throw new SecretError('INVALID_ARGUMENT', `${caller}: options.${key} could not be read`);
  }
}

function readBoolean(options: object, key: string, caller: string, fallback: boolean): boolean {
  const value = read(options, key, caller);
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new SecretError(
      'INVALID_ARGUMENT',
      `${caller}: options.${key} must be a boolean, not ${describeType(value)}`,
    );
  }
  return value;
}

function asObject(options: unknown, caller: string): object {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new SecretError(
      'INVALID_ARGUMENT',
      `${caller}: options must be an object, not ${describeType(options)}`,
    );
  }
  return options;
}

/** The `directory` option alone, for {@link listCredentials}. */
export function readDirectoryOption(options: unknown, caller: string): unknown {
  return read(asObject(options, caller), 'directory', caller);
}

/**
 * Snapshots the options of a load. `allowGroupRead` defaults to `true`: systemd grants a
 * service's own `User=` access through a POSIX ACL entry, which `stat` reports as mode 0440.
 */
export function readLoadOptions(
  options: unknown,
  caller: string,
  kind: 'secret' | 'key',
): CredentialSettings {
  const source = asObject(options, caller);
  const directory = read(source, 'directory', caller);
  if (read(source, 'root', caller) !== undefined) {
    throw new SecretError(
      'INVALID_ARGUMENT',
      `${caller}: options.root does not apply to credentials, which are always confined to ` +
        'their directory; use options.directory to choose the directory',
    );
  }
  const load: Record<string, unknown> = {
    allowGroupRead: readBoolean(source, 'allowGroupRead', caller, true),
  };
  const keys: readonly string[] = kind === 'key' ? [...LOADER_KEYS, ...KEY_KEYS] : LOADER_KEYS;
  for (const key of keys) {
    const value = read(source, key, caller);
    if (value !== undefined) load[key] = value;
  }
  return { directory, publish: readBoolean(source, 'publish', caller, true), load };
}

/** The file-loader options of a credential load, confined to the checked directory. */
export function loaderOptions(settings: CredentialSettings, root: string): LoadOptions {
  // file-loader checks the type of every value it is given; publish is false because this
  // package publishes its own, more specific, event.
  return { ...settings.load, root, publish: false };
}
