// Credential names and $CREDENTIALS_DIRECTORY come from unit files and the environment.
import { types } from 'node:util';
import {
  credentialLoadArbitrary,
  credentialNameArbitrary,
  credentialsDirectoryArbitrary,
  exposed,
  fc,
  junk,
  safeGet,
  sameBytes,
  text,
  validCredentialName,
} from '../lib.mjs';

const PKG = 'systemd-creds';

function fromHex(hex) {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

// Key loaders also take a format; a 32-byte hex key is what the sandbox's `key` holds.
const KEY_FORMAT = {
  byteLength: fc.oneof(fc.constantFrom(16, 32, 33, 0, -1), fc.double(), junk()),
  encoding: fc.oneof(fc.constantFrom('hex', 'binary', 'base64', ''), junk()),
};

/**
 * A loader of one credential. `kind` is 'secret' (any bytes) or 'key' (hex): with no options,
 * `token` must load as the token and `key` as the key, and a key loader must refuse the token,
 * which is not hex.
 */
const loadTarget = (fnName, isAsync, kind) => ({
  name: fnName,
  pkg: PKG,
  needs: { [PKG]: [fnName], 'secret-buffer': ['SecretBuffer'] },
  async: isAsync,
  arbitrary: (ctx) =>
    credentialLoadArbitrary(ctx.sandbox, { extra: kind === 'key' ? KEY_FORMAT : {} }),
  call: (ctx, input) => ctx.mods[PKG][fnName](input.name, input.options),
  check: (ctx, result, input) => {
    if (!(result instanceof ctx.mods['secret-buffer'].SecretBuffer)) return 'not a SecretBuffer';
    let message;
    if (!validCredentialName(input.name)) message = 'loaded a credential with an invalid name';
    else if (input.options === undefined) {
      if (kind === 'secret' && input.name === 'token') {
        const want = new TextEncoder().encode(ctx.sandbox.token);
        if (!sameBytes(exposed(result), want)) message = 'returned the wrong bytes';
      } else if (kind === 'key' && input.name === 'key') {
        if (!sameBytes(exposed(result), fromHex(ctx.sandbox.keyHex))) {
          message = 'returned the wrong key';
        }
      } else if (kind === 'key' && input.name === 'token') {
        message = 'returned a key for a credential that is not hex';
      }
    }
    result.dispose();
    return message;
  },
  checkError: (ctx, error, input) => {
    if (input.options !== undefined) return undefined;
    if (!validCredentialName(input.name)) {
      return error.code === 'INVALID_CREDENTIAL_NAME'
        ? undefined
        : `threw ${error.code} for a bad name`;
    }
    const good = kind === 'key' ? ['key'] : ['token', 'key'];
    if (good.includes(input.name)) return `threw ${error.code} for a good credential`;
    if (kind === 'key' && input.name === 'token' && error.code !== 'INVALID_FORMAT') {
      return `threw ${error.code}, not INVALID_FORMAT, for a credential that is not hex`;
    }
    return undefined;
  },
});

/** Lists the credentials; the sandbox's directory must list exactly its valid regular files. */
const listTarget = (fnName, isAsync) => ({
  name: fnName,
  pkg: PKG,
  needs: { [PKG]: [fnName] },
  async: isAsync,
  arbitrary: (ctx) =>
    fc.oneof(
      fc.constant(undefined),
      credentialsDirectoryArbitrary(ctx.sandbox).map((directory) => ({ directory })),
      junk(),
    ),
  call: (ctx, options) => ctx.mods[PKG][fnName](options),
  check: (ctx, result, options) => {
    if (!Array.isArray(result) || result.some((n) => typeof n !== 'string')) return 'not string[]';
    const sorted = [...result].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (result.join('\0') !== sorted.join('\0')) return 'not sorted by code unit';
    if (result.some((n) => !validCredentialName(n))) return 'listed an invalid name';
    const creds = ctx.sandbox.paths.creds;
    const dir = options === undefined ? creds : safeGet(options, 'directory');
    if (
      (dir === creds || dir === `${creds}/`) &&
      result.join(',') !== ctx.sandbox.credentialNames.join(',')
    ) {
      return `listed ${result.join(',')}, expected ${ctx.sandbox.credentialNames.join(',')}`;
    }
    return undefined;
  },
});

export const targets = [
  {
    name: 'credentialsDirectory',
    pkg: PKG,
    needs: { [PKG]: ['credentialsDirectory'] },
    arbitrary: (ctx) =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: credentialsDirectoryArbitrary(ctx.sandbox).map((d) => ({
            CREDENTIALS_DIRECTORY: d,
          })),
        },
        { weight: 1, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: junk() },
      ),
    call: (ctx, env) => ctx.mods[PKG].credentialsDirectory(env),
    check: (ctx, result, env) => {
      if (typeof result !== 'string') return 'did not return a string';
      const creds = ctx.sandbox.paths.creds;
      const given = safeGet(env, 'CREDENTIALS_DIRECTORY');
      if ((given === creds || given === `${creds}/`) && result !== creds) return 'wrong directory';
      if (typeof given === 'string' && !given.startsWith('/')) return 'accepted a relative path';
      if (/(^|\/)\.\.?(\/|$)/.test(result) || result.includes('//')) return 'not normalized';
      return undefined;
    },
    checkError: (ctx, error, env) => {
      const given = safeGet(env, 'CREDENTIALS_DIRECTORY');
      const plain =
        env !== null &&
        typeof env === 'object' &&
        !types.isProxy(env) &&
        !Array.isArray(env) &&
        [Object.prototype, null].includes(Object.getPrototypeOf(env));
      if (plain && (given === undefined || given === '')) {
        if (error.code !== 'CREDENTIALS_UNAVAILABLE')
          return `threw ${error.code} for an unset variable`;
      }
      const creds = ctx.sandbox.paths.creds;
      if (given === creds || given === `${creds}/`)
        return `threw ${error.code} for a good directory`;
      return undefined;
    },
  },
  {
    name: 'isValidCredentialName',
    pkg: PKG,
    needs: { [PKG]: ['isValidCredentialName'] },
    neverThrows: true,
    arbitrary: () =>
      fc.oneof(
        { weight: 3, arbitrary: credentialNameArbitrary() },
        // Lengths around the 255-byte limit, where an off-by-one would hide.
        { weight: 1, arbitrary: fc.integer({ min: 250, max: 260 }).map((n) => 'n'.repeat(n)) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
        { weight: 1, arbitrary: text(300) },
      ),
    call: (ctx, name) => ctx.mods[PKG].isValidCredentialName(name),
    check: (ctx, result, name) => {
      if (typeof result !== 'boolean') return 'did not return a boolean';
      const want = validCredentialName(name);
      return result === want ? undefined : `returned ${String(result)}, expected ${String(want)}`;
    },
  },
  loadTarget('loadCredential', true, 'secret'),
  loadTarget('loadCredentialSync', false, 'secret'),
  loadTarget('loadKeyCredential', true, 'key'),
  loadTarget('loadKeyCredentialSync', false, 'key'),
  listTarget('listCredentials', true),
  listTarget('listCredentialsSync', false),
];
