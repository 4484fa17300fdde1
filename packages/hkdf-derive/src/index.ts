/**
 * HKDF-SHA256 key derivation with domain separation (RFC 5869), on `@noble/hashes`. No
 * `node:` imports: it runs wherever Web Crypto does.
 *
 * @module
 */
export { deriveKey, DEFAULT_KEY_BYTES, MIN_KEY_BYTES, MAX_KEY_BYTES } from './derive-key.js';
export type { DeriveKeyOptions } from './derive-key.js';
