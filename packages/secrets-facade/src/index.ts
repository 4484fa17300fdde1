/**
 * What a Node.js service needs from the `@llorch` secrets packages, in one import: an API
 * token ({@link Secret}), a 256-bit key ({@link SecretKey}), a bearer-header check
 * ({@link bearerVerifier}) and a resolver that finds the token where operators put it
 * ({@link resolveServiceSecret}).
 *
 * @module
 */
export { Secret } from './secret.js';
export type { CredentialOptions } from './secret.js';
export { SecretKey, KEY_BYTES } from './secret-key.js';
export type { KeyCredentialOptions, KeyFormatOptions, KeyLoadOptions } from './secret-key.js';
export { bearerVerifier } from './bearer.js';
export {
  resolveServiceSecret,
  resolveServiceSecretSync,
  secretSlug,
  DEFAULT_SECRETS_DIRECTORY,
} from './resolve.js';
export type { ResolveOptions, ResolvedSecret, SecretSource } from './resolve.js';
export { FROM_ENV_WARNING_CODE } from './environment.js';
export { SecretBuffer, SecretError, isSecretError } from '@llorch/secret-buffer';
export type { SecretErrorCode } from '@llorch/secret-buffer';
export type { LoadOptions } from '@llorch/file-loader';
