/**
 * The secret type and the error type of the `@llorch` secrets packages. No dependencies, no
 * `node:` imports: it runs wherever Web Crypto does.
 *
 * @module
 */
export { SecretBuffer, REDACTED } from './secret-buffer.js';
export type { FromOptions } from './secret-buffer.js';
export { SecretError, isSecretError, SECRET_ERROR_CODES } from './errors.js';
export type { SecretErrorCode, SecretErrorDetails } from './errors.js';
export { wipe } from './wipe.js';
export { isUint8Array, MAX_SECRET_BYTES, trueByteLength } from './bytes.js';
