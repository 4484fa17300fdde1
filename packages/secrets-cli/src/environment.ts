/**
 * The CLI's one read of the environment: whether the user asked for no colour.
 *
 * @module
 */

/**
 * Whether `NO_COLOR` is set to a non-empty value (https://no-color.org). It wins over
 * `FORCE_COLOR`, which Node's own colour detection would let override it.
 */
export function noColorRequested(): boolean {
  // NO_COLOR is the convention every command-line tool follows; tooling/eslint.config.js names
  // this file as the CLI's one reader of the environment.
  const value = process.env['NO_COLOR'];
  return typeof value === 'string' && value.length > 0;
}
