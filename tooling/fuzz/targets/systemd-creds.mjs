// Credential names and $CREDENTIALS_DIRECTORY come from unit files and the environment.
import { types } from 'node:util';
import { exposed, fc, junk, loadOptionsArbitrary, safeGet, sameBytes, text } from '../lib.mjs';

const PKG = 'systemd-creds';

function nameArbitrary() {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('token', 'key', 'open', 'subdir', 'alias', 'with:colon'),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        '.',
        '..',
        'a/b',
        '/token',
        'token/',
        'a:b',
        '\x7f',
        '\x1f',
        'tab\there',
        'é',
        'x'.repeat(255),
        'x'.repeat(256),
        '../token',
        'token\0',
        ' ',
      ),
    },
    { weight: 2, arbitrary: text(40) },
    { weight: 1, arbitrary: junk() },
  );
}

/** systemd's rule, as DESIGN.md states it. */
function validName(name) {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..') return false;
  if (Buffer.byteLength(name) > 255) return false;
  return /^[\x20-\x7e]*$/.test(name) && !name.includes('/') && !name.includes(':');
}

function directoryArbitrary(ctx) {
  const creds = ctx.sandbox.paths.creds;
  return fc.oneof(
    fc.constantFrom(
      creds,
      `${creds}/`,
      `${creds}//`,
      `${creds}/.`,
      `${creds}/../creds`,
      ctx.sandbox.paths.dir,
      ctx.sandbox.paths.secret,
      ctx.sandbox.paths.up,
      'creds',
      '/nonexistent',
      '/etc',
      '/',
      '',
    ),
    text(30),
    junk(),
  );
}

const loadTarget = (fnName, isAsync) => ({
  name: fnName,
  pkg: PKG,
  needs: { [PKG]: [fnName], 'secret-buffer': ['SecretBuffer'] },
  async: isAsync,
  arbitrary: (ctx) =>
    fc.record({
      name: nameArbitrary(),
      options: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        {
          weight: 3,
          arbitrary: fc
            .tuple(directoryArbitrary(ctx), loadOptionsArbitrary(ctx.sandbox))
            .map(([directory, rest]) =>
              rest !== null && typeof rest === 'object' ? { ...rest, directory } : { directory },
            ),
        },
        { weight: 1, arbitrary: junk() },
      ),
    }),
  call: (ctx, input) => ctx.mods[PKG][fnName](input.name, input.options),
  check: (ctx, result, input) => {
    if (!(result instanceof ctx.mods['secret-buffer'].SecretBuffer)) return 'not a SecretBuffer';
    let message;
    if (!validName(input.name)) message = 'loaded a credential with an invalid name';
    else if (input.options === undefined && input.name === 'token') {
      const want = new TextEncoder().encode(ctx.sandbox.token);
      if (!sameBytes(exposed(result), want)) message = 'returned the wrong bytes';
    }
    result.dispose();
    return message;
  },
  checkError: (ctx, error, input) => {
    if (input.options !== undefined) return undefined;
    if (!validName(input.name)) {
      return error.code === 'INVALID_CREDENTIAL_NAME'
        ? undefined
        : `threw ${error.code} for a bad name`;
    }
    if (input.name === 'token' || input.name === 'key')
      return `threw ${error.code} for a good credential`;
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
          arbitrary: directoryArbitrary(ctx).map((d) => ({ CREDENTIALS_DIRECTORY: d })),
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
  loadTarget('loadCredential', true),
  loadTarget('loadCredentialSync', false),
  {
    name: 'listCredentials',
    pkg: PKG,
    needs: { [PKG]: ['listCredentials'] },
    async: true,
    arbitrary: (ctx) =>
      fc.oneof(
        fc.constant(undefined),
        directoryArbitrary(ctx).map((directory) => ({ directory })),
        junk(),
      ),
    call: (ctx, options) => ctx.mods[PKG].listCredentials(options),
    check: (ctx, result, options) => {
      if (!Array.isArray(result) || result.some((n) => typeof n !== 'string'))
        return 'not string[]';
      const sorted = [...result].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (result.join('\0') !== sorted.join('\0')) return 'not sorted by code unit';
      if (result.some((n) => !validName(n))) return 'listed an invalid name';
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
  },
];
