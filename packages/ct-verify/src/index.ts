/**
 * Constant-time comparison of secrets. No dependencies and no `node:` imports: it runs on
 * Node, Bun, Deno, in browsers and in workers.
 *
 * - {@link constantTimeEqual} compares two arrays of a length that is not secret.
 * - {@link verifySecret} checks a candidate against a secret and hides the secret's length
 *   as well as its content, from a candidate no longer than the secret.
 * - {@link verifyPaddedSecret} does the same for a secret kept in a zero-padded window, and
 *   hides its length from a longer candidate too.
 *
 * Both return `false`, never throw, for arguments of the wrong type. What JavaScript cannot
 * guarantee about constant time is in the README.
 *
 * @module
 */
export { constantTimeEqual, verifyPaddedSecret, verifySecret } from './compare.js';
