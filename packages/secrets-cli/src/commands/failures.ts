/**
 * Reading Node system errors without trusting them.
 *
 * @module
 */

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
