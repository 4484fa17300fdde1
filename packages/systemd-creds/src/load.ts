/**
 * Loading one credential: the name and the directory are checked here, everything about the
 * file itself (walk, permissions, owner, size, read) is file-loader's, with the directory as
 * `root` so that the resolved file must lie inside it (SEC-SECRET-052).
 *
 * @module
 */
import {
  loadKeyFile,
  loadKeyFileSync,
  loadSecretFile,
  loadSecretFileSync,
  type KeyFileOptions,
  type LoadOptions,
} from '@llorch/file-loader';
import type { SecretBuffer } from '@llorch/secret-buffer';
import { checkCredentialName } from './credential-name.js';
import {
  confirmUnchanged,
  confirmUnchangedSync,
  resolveDirectory,
  resolveDirectorySync,
} from './credentials-directory.js';
import { announce, announceSync } from './events.js';
import { asSecretError } from './failures.js';
import { loaderOptions, readLoadOptions } from './options.js';

/**
 * Options of {@link loadCredential}: file-loader's `LoadOptions` without `root` (the
 * credentials directory is always the root) and without `allowUnverifiedPermissions` (systemd
 * credentials exist only where permissions can be checked), plus the directory to use.
 */
export type CredentialOptions = Omit<LoadOptions, 'root' | 'allowUnverifiedPermissions'> & {
  /** Use this directory instead of `$CREDENTIALS_DIRECTORY`; checked the same way. */
  readonly directory?: string | undefined;
  /** Refused when set: credentials are always confined to their directory. */
  readonly root?: undefined;
};

/** Options of {@link loadKeyCredential}: as file-loader's `loadKeyFile`. */
export type KeyCredentialOptions = CredentialOptions &
  Pick<KeyFileOptions, 'byteLength' | 'encoding'>;

type Kind = 'secret' | 'key';

function loadSync(caller: string, kind: Kind, name: unknown, options: unknown): SecretBuffer {
  let path: string | undefined;
  try {
    const checkedName = checkCredentialName(name, caller);
    const settings = readLoadOptions(options, caller, kind);
    const directory = resolveDirectorySync(settings.directory);
    path = `${directory.path}/${checkedName}`;
    const fileOptions = loaderOptions(settings, directory.path);
    const secret =
      kind === 'key' ? loadKeyFileSync(path, fileOptions) : loadSecretFileSync(path, fileOptions);
    try {
      confirmUnchangedSync(directory);
    } catch (error) {
      secret.dispose();
      throw error;
    }
    if (settings.publish) announceSync(checkedName, path, secret.byteLength);
    return secret;
  } catch (error) {
    throw asSecretError(error, caller, path);
  }
}

async function load(
  caller: string,
  kind: Kind,
  name: unknown,
  options: unknown,
): Promise<SecretBuffer> {
  let path: string | undefined;
  try {
    const checkedName = checkCredentialName(name, caller);
    const settings = readLoadOptions(options, caller, kind);
    const directory = await resolveDirectory(settings.directory);
    path = `${directory.path}/${checkedName}`;
    const fileOptions = loaderOptions(settings, directory.path);
    const secret = await (kind === 'key'
      ? loadKeyFile(path, fileOptions)
      : loadSecretFile(path, fileOptions));
    try {
      await confirmUnchanged(directory);
    } catch (error) {
      secret.dispose();
      throw error;
    }
    if (settings.publish) await announce(checkedName, path, secret.byteLength);
    return secret;
  } catch (error) {
    throw asSecretError(error, caller, path);
  }
}

/**
 * Loads the systemd credential `name` from `$CREDENTIALS_DIRECTORY` (or `options.directory`).
 *
 * The name must be one systemd accepts (see {@link isValidCredentialName}). The file goes
 * through every check of `@llorch/file-loader` with the directory as `root`; the group-read
 * bit is tolerated by default (`allowGroupRead: true`) because systemd's ACL entry for the
 * unit's `User=` shows as mode 0440. Leading and trailing ASCII whitespace is trimmed unless
 * `trim: false`. Publishes `{ source: 'systemd-credential', name, path, byteLength }` on
 * `llorch:secrets:load` after a successful load, unless `publish: false`.
 *
 * @returns the credential's bytes, to be disposed of by the caller
 * @throws {SecretError} never synchronously: the promise rejects with
 *   `INVALID_CREDENTIAL_NAME`, `CREDENTIALS_UNAVAILABLE`, `INVALID_CREDENTIALS_DIRECTORY`,
 *   `INVALID_ARGUMENT`, `CHANGED_DURING_LOAD`, or any code of file-loader's `loadSecretFile`
 * @example
 * ```ts
 * // In the unit: LoadCredential=api-token:/etc/llorch/api-token
 * using token = await loadCredential('api-token');
 * ```
 */
export function loadCredential(name: string, options?: CredentialOptions): Promise<SecretBuffer> {
  return load('loadCredential', 'secret', name, options);
}

/** The synchronous form of {@link loadCredential}; throws what it would reject with. */
export function loadCredentialSync(name: string, options?: CredentialOptions): SecretBuffer {
  return loadSync('loadCredentialSync', 'secret', name, options);
}

/**
 * Loads the systemd credential `name` as a key, through file-loader's `loadKeyFile`: hex
 * digits by default (`byteLength` 32, so 64 digits), or exactly `byteLength` raw bytes with
 * `encoding: 'binary'`. Every other rule is that of {@link loadCredential}.
 *
 * @throws {SecretError} by rejecting: the codes of {@link loadCredential}, and `EMPTY` or
 *   `INVALID_FORMAT` when the content is not a key of the expected length
 * @example
 * ```ts
 * // systemd-creds encrypt --name=seal-key seal-key.hex seal-key.cred
 * // In the unit: LoadCredentialEncrypted=seal-key:/etc/llorch/seal-key.cred
 * using key = await loadKeyCredential('seal-key');
 * ```
 */
export function loadKeyCredential(
  name: string,
  options?: KeyCredentialOptions,
): Promise<SecretBuffer> {
  return load('loadKeyCredential', 'key', name, options);
}

/** The synchronous form of {@link loadKeyCredential}; throws what it would reject with. */
export function loadKeyCredentialSync(name: string, options?: KeyCredentialOptions): SecretBuffer {
  return loadSync('loadKeyCredentialSync', 'key', name, options);
}
