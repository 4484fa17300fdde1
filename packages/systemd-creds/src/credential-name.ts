/**
 * systemd's rule for credential names, from `credential_name_valid()` in its sources: a valid
 * file name (non-empty, not `.` or `..`, no `/`, at most 255 bytes) that is also a valid file
 * descriptor name (printable ASCII only, no `:`).
 *
 * @module
 */
import { SecretError } from '@llorch/secret-buffer';

/** systemd's `FDNAME_MAX` and Linux's `NAME_MAX`; names are ASCII, so code units are bytes. */
export const MAX_CREDENTIAL_NAME_BYTES = 255;

const SLASH = 0x2f;
const COLON = 0x3a;
const FIRST_PRINTABLE = 0x20;
const LAST_PRINTABLE = 0x7e;

/**
 * Says what is wrong with `name`, or `undefined` when systemd would accept it. The text never
 * repeats the name: a caller who passes a secret by mistake must not find it in a log.
 */
export function credentialNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be a string, not ${describeType(name)}`;
  if (name.length === 0) return 'must not be empty';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  // Checked before the character loop, so that a huge string costs nothing to refuse.
  if (name.length > MAX_CREDENTIAL_NAME_BYTES) {
    return `is ${String(name.length)} characters long; systemd allows at most 255 bytes`;
  }
  for (let index = 0; index < name.length; index += 1) {
    const unit = name.charCodeAt(index);
    if (unit === SLASH) return 'must not contain "/" (a credential is one file in the directory)';
    if (unit === COLON) return 'must not contain ":"';
    if (unit < FIRST_PRINTABLE || unit > LAST_PRINTABLE) {
      return `has a character outside printable ASCII (0x20..0x7E) at index ${String(index)}`;
    }
  }
  return undefined;
}

/**
 * Tells whether systemd accepts `name` as a credential name. Never throws.
 *
 * @example
 * ```ts
 * isValidCredentialName('api-token'); // true
 * isValidCredentialName('../etc/passwd'); // false
 * ```
 */
export function isValidCredentialName(name: unknown): boolean {
  return credentialNameProblem(name) === undefined;
}

/** Returns `name` once it is known to be valid. */
export function checkCredentialName(name: unknown, caller: string): string {
  const problem = credentialNameProblem(name);
  if (problem !== undefined || typeof name !== 'string') {
    throw new SecretError(
      'INVALID_CREDENTIAL_NAME',
      `${caller}: the credential name ${problem ?? 'is invalid'}. Use the name given to ` +
        'LoadCredential=, ImportCredential= or SetCredential= in the unit file.',
    );
  }
  return name;
}

/** A type name for messages; never the value itself. */
export function describeType(value: unknown): string {
  // Only typeof: Array.isArray and friends throw on a revoked Proxy.
  return value === null ? 'null' : typeof value;
}
