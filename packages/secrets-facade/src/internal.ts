/**
 * Small helpers shared by the facade's modules; none of them is exported from the package.
 *
 * @module
 */
import { isSecretError, SecretBuffer, SecretError } from '@llorch/secret-buffer';

/** An `INVALID_ARGUMENT` error with `message`. */
export function invalid(message: string): SecretError {
  return new SecretError('INVALID_ARGUMENT', message);
}

/** The errno code (`ENOENT`, `EACCES`, ...) of a Node system error; never throws. */
function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const code: unknown = (error as { code?: unknown }).code;
    return typeof code === 'string' && /^E[A-Z0-9]{1,20}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Passes a `SecretError` through and replaces anything else. Nothing of a foreign error is
 * copied but its errno code: its message could hold anything, a secret included.
 */
export function asSecretError(error: unknown, context: string): SecretError {
  if (isSecretError(error)) return error;
  const errno = errnoOf(error);
  return new SecretError('IO', `${context}: unexpected failure (${errno ?? 'no errno code'})`, {
    errno,
  });
}

// Array.isArray throws on a revoked Proxy; a value that cannot say is treated as no array.
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** A short, value-free description of what a caller passed, for messages; never throws. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Copies a caller's options once into a plain object, so that a getter answering differently
 * on each read, or a Proxy, cannot make a check and a load see different values.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` for a non-object or options that cannot be read
 */
export function snapshotOptions(options: unknown, caller: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || isArray(options)) {
    throw invalid(`${caller}: options must be an object, not ${describeType(options)}`);
  }
  try {
    return { ...options };
  } catch {
    throw invalid(`${caller}: options could not be read`);
  }
}

// `instanceof` runs a Proxy's getPrototypeOf trap, which may throw: these checks never do.
function safeInstanceOf(value: unknown, check: (value: object) => boolean): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return check(value);
  } catch {
    return false;
  }
}

/** Whether `value` is a {@link SecretBuffer}; never throws. */
export function isSecretBuffer(value: unknown): value is SecretBuffer {
  return safeInstanceOf(value, (v) => v instanceof SecretBuffer);
}

/** Whether `value` is a `URL`; never throws. */
export function isUrl(value: unknown): value is URL {
  return safeInstanceOf(value, (v) => v instanceof URL);
}
