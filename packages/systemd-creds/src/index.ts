/**
 * systemd credentials for Node.js services: `$CREDENTIALS_DIRECTORY` checked, credential names
 * checked, and every file loaded through the checks of `@llorch/file-loader`.
 *
 * @module
 */
export { credentialsDirectory } from './credentials-directory.js';
export { isValidCredentialName, MAX_CREDENTIAL_NAME_BYTES } from './credential-name.js';
export {
  loadCredential,
  loadCredentialSync,
  loadKeyCredential,
  loadKeyCredentialSync,
} from './load.js';
export type { CredentialOptions, KeyCredentialOptions } from './load.js';
export { listCredentials, listCredentialsSync } from './list.js';
export type { ListOptions } from './list.js';
export type { CredentialLoadEvent } from './events.js';
