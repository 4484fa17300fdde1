/**
 * The one error class of every `@llorch` secrets package.
 *
 * The `code` is the contract: it never changes for a given condition, while a message may be
 * reworded in any release. Messages carry metadata only (paths, octal modes, byte counts,
 * expected formats), never a byte of a secret.
 *
 * @module
 */

/** Every code a {@link SecretError} can carry, in the order DESIGN.md lists them. */
export const SECRET_ERROR_CODES = [
  'NOT_FOUND',
  'PERMISSIONS_TOO_OPEN',
  'INSECURE_OWNER',
  'INSECURE_PARENT',
  'OUTSIDE_ROOT',
  'NOT_A_FILE',
  'TOO_LARGE',
  'EMPTY',
  'INVALID_FORMAT',
  'INVALID_ARGUMENT',
  'CREDENTIALS_UNAVAILABLE',
  'INVALID_CREDENTIALS_DIRECTORY',
  'INVALID_CREDENTIAL_NAME',
  'CHANGED_DURING_LOAD',
  'DISPOSED',
  'IO',
] as const;

/** A stable, machine-readable reason for a {@link SecretError}. */
export type SecretErrorCode = (typeof SECRET_ERROR_CODES)[number];

/** Extra facts about a failure; none of them may be secret. */
export interface SecretErrorDetails {
  /** The file or directory the failure is about (see DESIGN.md for which one). */
  readonly path?: string | undefined;
  /** The operating-system error code behind an `IO` failure, such as `EACCES`. */
  readonly errno?: string | undefined;
}

// A registry symbol rather than a module-local one: an application that loads both the ESM and
// the CJS build still gets two classes, and `instanceof` must hold across them.
const BRAND: unique symbol = Symbol.for('@llorch/secret-buffer:SecretError');
const KNOWN_CODES: ReadonlySet<string> = new Set(SECRET_ERROR_CODES);

function hasBrand(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return Object.prototype.hasOwnProperty.call(value, BRAND);
  } catch {
    // A revoked Proxy throws on every trap: it is not one of ours.
    return false;
  }
}

/**
 * Thrown (or rejected with) by every public function of the `@llorch` secrets packages.
 *
 * @example
 * ```ts
 * try {
 *   await loadSecretFile('/etc/llorch/secrets/api-token');
 * } catch (error) {
 *   if (isSecretError(error, 'PERMISSIONS_TOO_OPEN')) console.error(error.message);
 * }
 * ```
 */
export class SecretError extends Error {
  /** Why it failed; stable across releases. */
  readonly code: SecretErrorCode;
  /** The path the failure is about, when a file or directory is involved. */
  declare readonly path?: string;
  /** The operating-system error code, for `IO` failures. */
  declare readonly errno?: string;

  /**
   * @param code - one of {@link SECRET_ERROR_CODES}; anything else becomes `INVALID_ARGUMENT`
   * @param message - what is wrong and how to fix it, without secret bytes
   * @param details - the path and errno code, when they apply
   */
  constructor(code: SecretErrorCode, message: string, details?: SecretErrorDetails) {
    super(typeof message === 'string' ? message : 'invalid error message');
    // Plain JavaScript callers can pass anything; the class must still hold its invariants.
    this.code = typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'INVALID_ARGUMENT';
    Object.defineProperty(this, 'name', { value: 'SecretError', enumerable: false });
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
    const path = readDetail(details, 'path');
    if (path !== undefined) this.definePublic('path', path);
    const errno = readDetail(details, 'errno');
    if (errno !== undefined) this.definePublic('errno', errno);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep ordinary prototype checks; the brand stands in for the base class only.
    if (this !== SecretError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return hasBrand(value);
  }

  private definePublic(key: 'path' | 'errno', value: string): void {
    Object.defineProperty(this, key, { value, enumerable: true, writable: false });
  }
}

function readDetail(details: unknown, key: 'path' | 'errno'): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  try {
    const value: unknown = (details as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells whether `value` is a {@link SecretError}, optionally of one `code`. Never throws.
 *
 * @example
 * ```ts
 * if (isSecretError(error, 'NOT_FOUND')) useDefaults();
 * ```
 */
export function isSecretError(value: unknown, code?: SecretErrorCode): value is SecretError {
  if (!hasBrand(value)) return false;
  if (code === undefined) return true;
  try {
    return (value as SecretError).code === code;
  } catch {
    return false;
  }
}
