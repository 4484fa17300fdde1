/**
 * Turning what Node throws into `SecretError`s, so that no `ErrnoException` or `TypeError`
 * ever reaches a caller.
 *
 * @module
 */
import { isSecretError, SecretError } from '@llorch/secret-buffer';

/** The errno code (`ENOENT`, `EACCES`, ...) of a Node system error; never throws. */
export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const code: unknown = (error as { code?: unknown }).code;
    return typeof code === 'string' && /^E[A-Z0-9]{1,20}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Passes a `SecretError` through unchanged and replaces anything else. The replacement copies
 * nothing from the original but its errno code: a foreign message could hold anything.
 */
export function asSecretError(error: unknown, context: string, path?: string): SecretError {
  if (isSecretError(error)) return error;
  const errno = errnoOf(error);
  return new SecretError(
    'IO',
    `${context}: unexpected failure (${errno ?? 'no errno code'})` +
      (path === undefined ? '' : ` at ${path}`),
    { path, errno },
  );
}
