/**
 * HKDF-SHA256 key derivation with domain separation, on `@noble/hashes`. No `node:` imports:
 * it runs wherever Web Crypto does.
 *
 * @module
 */
export { deriveKey, MAX_DERIVED_BYTES, MIN_DERIVED_BYTES } from './derive.js';
export type { DeriveOptions } from './derive.js';
