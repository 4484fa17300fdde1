/**
 * Listing the credentials a service was given: names only, never contents.
 *
 * @module
 */
import { readdirSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { SecretError } from '@llorch/secret-buffer';
import { isValidCredentialName } from './credential-name.js';
import {
  confirmUnchanged,
  confirmUnchangedSync,
  resolveDirectory,
  resolveDirectorySync,
  type CheckedDirectory,
} from './credentials-directory.js';
import { asSecretError, errnoOf } from './failures.js';
import { readDirectoryOption } from './options.js';

/** Options of {@link listCredentials}. */
export interface ListOptions {
  /** Use this directory instead of `$CREDENTIALS_DIRECTORY`; checked the same way. */
  readonly directory?: string | undefined;
}

function readFailure(error: unknown, directory: CheckedDirectory): SecretError {
  const errno = errnoOf(error);
  if (errno === 'ENOENT' || errno === 'ENOTDIR') {
    return new SecretError(
      'CHANGED_DURING_LOAD',
      `the credentials directory ${directory.path} disappeared while it was listed; try again`,
      { path: directory.path, errno },
    );
  }
  return new SecretError(
    'IO',
    `the credentials directory ${directory.path} could not be listed ` +
      `(${errno ?? 'unknown error'}); check that the unit's User= may read it`,
    { path: directory.path, errno },
  );
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// Dirent types come from lstat semantics (Node falls back to lstat when the file system
// gives no type), so a symbolic link is never taken for a regular file.
function select(entries: readonly Dirent[]): string[] {
  return entries
    .filter((entry) => entry.isFile() && isValidCredentialName(entry.name))
    .map((entry) => entry.name)
    .sort(compareCodeUnits);
}

/**
 * The names of the credentials in `$CREDENTIALS_DIRECTORY` (or `options.directory`): regular
 * files, not symbolic links, whose names systemd accepts, sorted by UTF-16 code unit. No file
 * is opened.
 *
 * @throws {SecretError} by rejecting: `CREDENTIALS_UNAVAILABLE`,
 *   `INVALID_CREDENTIALS_DIRECTORY`, `INVALID_ARGUMENT`, `CHANGED_DURING_LOAD`, `IO`
 * @example
 * ```ts
 * const names = await listCredentials(); // ['api-token', 'seal-key']
 * ```
 */
export async function listCredentials(options?: ListOptions): Promise<string[]> {
  try {
    const directory = await resolveDirectory(readDirectoryOption(options, 'listCredentials'));
    let entries: Dirent[];
    try {
      entries = await readdir(directory.path, { withFileTypes: true });
    } catch (error) {
      throw readFailure(error, directory);
    }
    await confirmUnchanged(directory);
    return select(entries);
  } catch (error) {
    throw asSecretError(error, 'listCredentials');
  }
}

/** The synchronous form of {@link listCredentials}; throws what it would reject with. */
export function listCredentialsSync(options?: ListOptions): string[] {
  try {
    const directory = resolveDirectorySync(readDirectoryOption(options, 'listCredentialsSync'));
    let entries: Dirent[];
    try {
      entries = readdirSync(directory.path, { withFileTypes: true });
    } catch (error) {
      throw readFailure(error, directory);
    }
    confirmUnchangedSync(directory);
    return select(entries);
  } catch (error) {
    throw asSecretError(error, 'listCredentialsSync');
  }
}
