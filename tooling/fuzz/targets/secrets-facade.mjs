// The facade's request-time entry points: header values and candidates come from the network,
// environment variable names, credential names, paths and domains from configuration.
import { existsSync } from 'node:fs';
import { types } from 'node:util';
import {
  bytes,
  credentialLoadArbitrary,
  credentialsDirectoryArbitrary,
  disposeQuietly,
  exposed,
  fc,
  isU8,
  junk,
  loadOptionsArbitrary,
  pathArbitrary,
  restoreEnvironment,
  sameBytes,
  snapshotEnvironment,
  text,
  validCredentialName,
} from '../lib.mjs';

const PKG = 'secrets-facade';
const DEFAULT_SECRETS_DIRECTORY = '/etc/llorch/secrets';

function tokenVariants(token) {
  return fc.oneof(
    fc.constant(token),
    fc.constantFrom(
      `${token} `,
      ` ${token}`,
      `${token}\n`,
      token.slice(1),
      token.slice(0, -1),
      `${token}x`,
      token.toUpperCase(),
      '',
    ),
    fc.nat(token.length - 1).map((at) => `${token.slice(0, at)}?${token.slice(at + 1)}`),
    text(50),
  );
}

function candidateBytes(candidate) {
  if (typeof candidate === 'string') return new TextEncoder().encode(candidate);
  return isU8(candidate) ? candidate : undefined;
}

function loadSecret(ctx) {
  return ctx.mods[PKG].Secret.loadFromFileSync(ctx.sandbox.paths.secret);
}

/** A facade loader fed hostile paths and options: it returns its class or throws SecretError. */
function loaderTarget(className, method, isAsync) {
  return {
    name: `${className}.${method}`,
    pkg: PKG,
    needs: { [PKG]: [className] },
    async: isAsync,
    arbitrary: (ctx) =>
      fc.record({ path: pathArbitrary(ctx.sandbox), options: loadOptionsArbitrary(ctx.sandbox) }),
    call: (ctx, input) => ctx.mods[PKG][className][method](input.path, input.options),
    check: (ctx, result) => {
      if (!(result instanceof ctx.mods[PKG][className])) return `did not return a ${className}`;
      result.dispose();
      return undefined;
    },
  };
}

function fromHex(hex) {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

// Never runs a trap: junk options include revoked proxies, which throw on getPrototypeOf.
function isPlainObject(value) {
  if (value === null || typeof value !== 'object' || types.isProxy(value)) return false;
  return [Object.prototype, null].includes(Object.getPrototypeOf(value));
}

/**
 * A facade credential loader fed hostile names and options. With no options, `token` must load
 * as the token (for a Secret) and `key` as the key (for a SecretKey, which must refuse the
 * token: it is not hex); a SecretKey is 32 bytes, so any other stated `byteLength` is refused.
 */
function credentialTarget(className, method, isAsync) {
  const isKey = className === 'SecretKey';
  const keyFormat = {
    byteLength: fc.oneof(fc.constantFrom(32, 16, 33, 0), junk()),
    encoding: fc.oneof(fc.constantFrom('hex', 'binary', 'base64'), junk()),
  };
  return {
    name: `${className}.${method}`,
    pkg: PKG,
    needs: { [PKG]: [className] },
    async: isAsync,
    arbitrary: (ctx) =>
      credentialLoadArbitrary(ctx.sandbox, {
        extra: isKey ? keyFormat : {},
        directoryOptional: true,
      }),
    call: (ctx, input) => ctx.mods[PKG][className][method](input.name, input.options),
    check: (ctx, result, input) => {
      if (!(result instanceof ctx.mods[PKG][className])) return `did not return a ${className}`;
      let message;
      const stated = isPlainObject(input.options) ? input.options.byteLength : undefined;
      if (!validCredentialName(input.name)) message = 'loaded a credential with an invalid name';
      else if (isKey && stated !== undefined && stated !== 32) {
        message = `accepted byteLength ${String(stated)}`;
      } else if (isKey && result.byteLength !== 32) message = 'returned a key that is not 32 bytes';
      else if (input.options === undefined && !isKey && input.name === 'token') {
        if (!result.verify(ctx.sandbox.token)) message = 'returned the wrong token';
      } else if (input.options === undefined && isKey && input.name === 'key') {
        if (!sameBytes(exposed(result), fromHex(ctx.sandbox.keyHex))) {
          message = 'returned the wrong key';
        }
      } else if (input.options === undefined && isKey && input.name === 'token') {
        message = 'returned a key for a credential that is not hex';
      }
      result.dispose();
      return message;
    },
    checkError: (ctx, error, input) => {
      const stated = isPlainObject(input.options) ? input.options.byteLength : undefined;
      if (isKey && stated !== undefined && stated !== 32) {
        return error.code === 'INVALID_ARGUMENT'
          ? undefined
          : `threw ${error.code}, not INVALID_ARGUMENT, for byteLength ${String(stated)}`;
      }
      if (input.options !== undefined) return undefined;
      if (!validCredentialName(input.name)) {
        return error.code === 'INVALID_CREDENTIAL_NAME'
          ? undefined
          : `threw ${error.code} for a bad name`;
      }
      const good = isKey ? ['key'] : ['token', 'key'];
      if (good.includes(input.name)) return `threw ${error.code} for a good credential`;
      return undefined;
    },
  };
}

// What resolveServiceSecret accepts as a variable name (the oracle; DESIGN.md and the README).
function validVariableName(name) {
  return typeof name === 'string' && name.length <= 1024 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

function slugOracle(name) {
  const bare = /^LLORCH_./.test(name) ? name.slice('LLORCH_'.length) : name;
  return bare.toLowerCase().replaceAll('_', '-');
}

// Invalid names (the trailing "-" sees to that) carrying a marker: a message that repeats
// what it was given shows it.
const LEAK_MARKER = 'LLORCH_LEAK_MARKER';

function variableNameArbitrary() {
  return fc.oneof(
    {
      weight: 4,
      // LLORCH_TOKEN's slug is the sandbox credential `token`; LLORCH_OPEN's is a 0644 one.
      arbitrary: fc.constantFrom(
        'LLORCH_FUZZ_RESOLVE',
        'LLORCH_TOKEN',
        'LLORCH_KEY',
        'LLORCH_OPEN',
        'FUZZ_KEY',
        'LLORCH_',
        '_',
      ),
    },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        '1ABC',
        'A-B',
        'A=B',
        'A\0B',
        'LLORCH_../x',
        '../etc/passwd',
        'é',
        'A'.repeat(1024),
        'A'.repeat(1025),
      ),
    },
    { weight: 1, arbitrary: text(20).map((s) => `${LEAK_MARKER}${s}-`) },
    { weight: 1, arbitrary: text(30) },
    { weight: 1, arbitrary: junk() },
  );
}

function checkNameError(error, name) {
  if (typeof error.message === 'string' && error.message.includes(LEAK_MARKER)) {
    return 'the message repeats the name it was given';
  }
  if (!validVariableName(name) && error.code !== 'INVALID_ARGUMENT') {
    return `threw ${error.code}, not INVALID_ARGUMENT, for a bad name`;
  }
  return undefined;
}

const SOURCES = ['path', 'file-env', 'default-path', 'systemd-credential', 'env'];

/**
 * resolveServiceSecret and its Sync form. Each input may set `<name>_FILE` and `<name>` in
 * process.env; the environment is snapshotted before and restored after every input, because
 * the resolver reads both and Secret.fromEnv deletes what it reads.
 */
function resolveTarget(fnName, isAsync) {
  return {
    name: fnName,
    pkg: PKG,
    needs: { [PKG]: [fnName, 'Secret'] },
    async: isAsync,
    setup: () => ({ hostDefaults: existsSync(DEFAULT_SECRETS_DIRECTORY) }),
    arbitrary: (ctx) => {
      const p = ctx.sandbox.paths;
      const fields = fc.record(
        {
          path: fc.oneof(
            { weight: 3, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: pathArbitrary(ctx.sandbox) },
          ),
          defaultPath: fc.oneof(
            fc.constant(false),
            fc.constant(undefined),
            fc.constantFrom(p.secret, p.open, p.empty, p.dangling, `${p.dir}/absent`, ''),
            junk(),
          ),
          credential: fc.oneof(
            fc.constant(false),
            fc.constant(undefined),
            fc.constantFrom('token', 'key', 'open', 'absent', 'a/b', ''),
            junk(),
          ),
          credentialsDirectory: fc.oneof(
            fc.constant(undefined),
            credentialsDirectoryArbitrary(ctx.sandbox),
          ),
          allowEnv: fc.oneof(fc.boolean(), junk()),
        },
        { requiredKeys: [] },
      );
      return fc.record({
        name: variableNameArbitrary(),
        file: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.constantFrom(p.secret, p.open, p.empty, p.dangling, '') },
          { weight: 1, arbitrary: text(20) },
        ),
        value: fc.oneof(
          { weight: 2, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom(ctx.sandbox.token, '', ' \n') },
          { weight: 1, arbitrary: text(20) },
        ),
        options: fc.oneof(
          { weight: 1, arbitrary: fc.constant(undefined) },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fields, loadOptionsArbitrary(ctx.sandbox))
              .map(([own, load]) => (isPlainObject(load) ? { ...load, ...own } : own)),
          },
          { weight: 1, arbitrary: junk() },
        ),
      });
    },
    prepare: (ctx, input) => {
      const saved = snapshotEnvironment();
      const prepared = { ...input, saved };
      if (validVariableName(input.name)) {
        // A leftover from the host or an earlier input must not decide where the token is found.
        delete process.env[`${input.name}_FILE`];
        delete process.env[input.name];
        try {
          if (input.file !== undefined) process.env[`${input.name}_FILE`] = input.file;
          if (input.value !== undefined) process.env[input.name] = input.value;
        } catch {
          // A value the environment refuses stays unset; the oracle reads back what was kept.
        }
        prepared.file = process.env[`${input.name}_FILE`];
        prepared.value = process.env[input.name];
      }
      return prepared;
    },
    call: (ctx, input) => ctx.mods[PKG][fnName](input.name, input.options),
    cleanup: (ctx, input) => restoreEnvironment(input.saved),
    check: (ctx, result, input) => {
      if (!isPlainObject(result)) return 'did not return a plain object';
      const { secret, source } = result;
      if (!(secret instanceof ctx.mods[PKG].Secret)) return 'result.secret is not a Secret';
      const fail = (message) => {
        secret.dispose();
        return message;
      };
      if (!validVariableName(input.name)) return fail('resolved a secret for a bad name');
      if (!SOURCES.includes(source)) return fail(`unknown source ${String(source)}`);
      if (secret.byteLength === 0) return fail('resolved an empty secret');
      const options = isPlainObject(input.options) ? input.options : {};
      if ((options.path !== undefined) !== (source === 'path')) {
        return fail(`source ${source} with options.path ${String(options.path)}`);
      }
      if (source === 'file-env') {
        if (result.variable !== `${input.name}_FILE` || result.path !== input.file) {
          return fail('file-env names the wrong variable or path');
        }
      }
      if (source === 'env') {
        if (options.allowEnv !== true) return fail('read the environment without allowEnv');
        if (result.variable !== input.name) return fail('env names the wrong variable');
        if (input.name in process.env) return fail('left the variable set');
      }
      if (source === 'systemd-credential' && !validCredentialName(result.credential)) {
        return fail('names an invalid credential');
      }
      if (
        (source === 'path' || source === 'file-env' || source === 'default-path') &&
        result.path === ctx.sandbox.paths.secret &&
        !secret.verify(ctx.sandbox.token) &&
        !secret.verify(`${ctx.sandbox.token}\n`)
      ) {
        return fail('read the wrong token from the sandbox secret');
      }
      return fail(undefined);
    },
    checkError: (ctx, error, input, state) => {
      const problem = checkNameError(error, input.name);
      if (problem !== undefined) return problem;
      // Nothing else in the way: the default path is absent, so the credential must be found.
      if (
        input.name === 'LLORCH_TOKEN' &&
        input.options === undefined &&
        input.file === undefined &&
        !state.hostDefaults
      ) {
        return `threw ${error.code} although credential token exists`;
      }
      return undefined;
    },
    redact: (input) => ({
      ...input,
      saved: '<environment withheld>',
      value: `<${String(input.value?.length ?? 'unset')}>`,
    }),
  };
}

// Secret.from is handed bytes, real buffers and forgeries; made fresh by prepare, so that
// fast-check never holds (and probes) a Proxy or a live buffer.
const FROM_KINDS = [
  'bytes',
  'bytes',
  'bytes',
  'buffer',
  'buffer',
  'disposed buffer',
  'secret',
  'forged buffer',
  'lying buffer',
  'proxied buffer',
  'junk',
];

/** The source for `input.kind`, and the real buffer or token behind it that cleanup disposes. */
function makeSource(ctx, input) {
  const { SecretBuffer } = ctx.mods['secret-buffer'];
  const prototypeOnly = { getPrototypeOf: () => SecretBuffer.prototype };
  switch (input.kind) {
    case 'bytes':
      return { source: Uint8Array.from(input.bytes) };
    case 'buffer': {
      const buffer = SecretBuffer.from(input.bytes);
      return { source: buffer, owned: buffer };
    }
    case 'disposed buffer': {
      const buffer = SecretBuffer.from(input.bytes);
      buffer.dispose();
      return { source: buffer };
    }
    case 'secret': {
      const secret = loadSecret(ctx);
      return { source: secret, owned: secret };
    }
    case 'forged buffer': {
      const get = () => {
        throw new Error('forged');
      };
      return { source: new Proxy({}, { ...prototypeOnly, get }) };
    }
    case 'lying buffer':
      return { source: new Proxy({}, { ...prototypeOnly, get: () => () => 'not a buffer' }) };
    case 'proxied buffer': {
      const buffer = SecretBuffer.from(input.bytes);
      return { source: new Proxy(buffer, prototypeOnly), owned: buffer };
    }
    default:
      return { source: input.junk };
  }
}

function optionsAcceptable(options) {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) return false;
  let wipeSource;
  try {
    wipeSource = options.wipeSource;
  } catch {
    return false;
  }
  return wipeSource === undefined || typeof wipeSource === 'boolean';
}

// The code Secret.from must throw for `input`, or undefined when it must succeed.
function expectedFromCode(ctx, input) {
  const { source, options } = input;
  if (isU8(source)) {
    if (!optionsAcceptable(options)) return 'INVALID_ARGUMENT';
    return input.before.length === 0 ? 'EMPTY' : undefined;
  }
  if (input.kind === 'buffer' || input.kind === 'disposed buffer') {
    if (options !== undefined) return 'INVALID_ARGUMENT';
    if (input.kind === 'disposed buffer') return 'DISPOSED';
    return input.bytes.length === 0 ? 'EMPTY' : undefined;
  }
  return 'INVALID_ARGUMENT';
}

export const targets = [
  loaderTarget('Secret', 'loadFromFile', true),
  loaderTarget('Secret', 'loadFromFileSync', false),
  loaderTarget('SecretKey', 'loadFromFile', true),
  loaderTarget('SecretKey', 'loadFromFileSync', false),
  credentialTarget('Secret', 'fromSystemdCredential', true),
  credentialTarget('Secret', 'fromSystemdCredentialSync', false),
  credentialTarget('SecretKey', 'fromSystemdCredential', true),
  credentialTarget('SecretKey', 'fromSystemdCredentialSync', false),
  resolveTarget('resolveServiceSecret', true),
  resolveTarget('resolveServiceSecretSync', false),
  {
    name: 'secretSlug',
    pkg: PKG,
    needs: { [PKG]: ['secretSlug'] },
    arbitrary: () => variableNameArbitrary(),
    call: (ctx, name) => ctx.mods[PKG].secretSlug(name),
    check: (ctx, slug, name) => {
      if (typeof slug !== 'string') return 'did not return a string';
      if (!validVariableName(name)) return 'returned a slug for a bad name';
      // The slug becomes a file name under /etc/llorch/secrets and a credential name.
      if (!/^[a-z0-9-]+$/.test(slug)) return 'the slug holds more than a-z, 0-9 and "-"';
      const want = slugOracle(name);
      return slug === want ? undefined : `returned ${slug}, expected ${want}`;
    },
    checkError: (ctx, error, name) => {
      const problem = checkNameError(error, name);
      if (problem !== undefined) return problem;
      return validVariableName(name) ? `threw ${error.code} for a good name` : undefined;
    },
  },
  {
    name: 'Secret.from',
    pkg: PKG,
    needs: { [PKG]: ['Secret'], 'secret-buffer': ['SecretBuffer'] },
    arbitrary: () =>
      fc.record({
        kind: fc.constantFrom(...FROM_KINDS),
        bytes: bytes(64),
        junk: junk(),
        options: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          {
            weight: 2,
            arbitrary: fc.record(
              { wipeSource: fc.oneof(fc.boolean(), junk()) },
              { requiredKeys: [] },
            ),
          },
          { weight: 1, arbitrary: junk() },
        ),
      }),
    prepare: (ctx, input) => {
      const { source, owned } = makeSource(ctx, input);
      // A detached array is a real, empty Uint8Array; it cannot even be copied.
      const before = isU8(source)
        ? source.byteLength === 0
          ? new Uint8Array(0)
          : Uint8Array.from(source)
        : undefined;
      return { ...input, source, before, owned };
    },
    call: (ctx, input) => ctx.mods[PKG].Secret.from(input.source, input.options),
    // Only what prepare made and knows to be real: a forgery's dispose would be its own code.
    cleanup: (ctx, input) => input.owned?.dispose(),
    check: (ctx, result, input) => {
      if (!(result instanceof ctx.mods[PKG].Secret)) return 'did not return a Secret';
      const expected = expectedFromCode(ctx, input);
      if (expected !== undefined) {
        // Judged before any use: a Secret made from a forgery may not even hold a buffer.
        disposeQuietly(result);
        return `returned a Secret where ${expected} was due`;
      }
      const got = exposed(result);
      let message;
      if (isU8(input.source)) {
        if (!sameBytes(got, input.before)) message = 'the token differs from the bytes given';
        else if (input.options?.wipeSource === true && input.source.some((b) => b !== 0)) {
          message = 'wipeSource: true left the source unwiped';
        } else if (input.options?.wipeSource !== true && !sameBytes(input.source, input.before)) {
          message = 'changed the source without wipeSource';
        }
      } else if (!sameBytes(got, input.bytes)) message = 'the token differs from the buffer';
      else {
        // A copy, not the caller's buffer: disposing the source must leave the token whole.
        input.owned.dispose();
        if (!sameBytes(exposed(result), input.bytes)) message = 'the token shares its buffer';
      }
      result.dispose();
      return message;
    },
    checkError: (ctx, error, input) => {
      const expected = expectedFromCode(ctx, input);
      if (expected === undefined) return `threw ${error.code} for a good source`;
      return error.code === expected ? undefined : `threw ${error.code}, expected ${expected}`;
    },
    redact: (input) => ({
      kind: input.kind,
      bytes: `<${String(input.bytes.length)} bytes withheld>`,
      options: input.options,
    }),
  },
  {
    name: 'Secret.verify',
    pkg: PKG,
    needs: { [PKG]: ['Secret'] },
    neverThrows: true,
    setup: (ctx) => ({ secret: loadSecret(ctx) }),
    arbitrary: (ctx) =>
      fc.oneof(
        tokenVariants(ctx.sandbox.token),
        tokenVariants(ctx.sandbox.token).map((s) => new TextEncoder().encode(s)),
        bytes(),
        junk(),
      ),
    call: (ctx, candidate, state) => state.secret.verify(candidate),
    check: (ctx, result, candidate) => {
      if (typeof result !== 'boolean') return 'did not return a boolean';
      const given = candidateBytes(candidate);
      const want =
        given !== undefined && sameBytes(given, new TextEncoder().encode(ctx.sandbox.token));
      return result === want ? undefined : `returned ${String(result)}, expected ${String(want)}`;
    },
    redact: () => '<candidate withheld: it may equal the token>',
  },
  {
    name: 'bearerVerifier',
    pkg: PKG,
    needs: { [PKG]: ['Secret', 'bearerVerifier'] },
    neverThrows: true,
    setup: (ctx) => ({ check: ctx.mods[PKG].bearerVerifier(loadSecret(ctx)) }),
    arbitrary: (ctx) =>
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc
            .tuple(
              fc.constantFrom(
                'Bearer',
                'bearer',
                'BEARER',
                'bEaReR',
                'Basic',
                'Bearer:',
                '',
                ' Bearer',
                'Bearer\t',
                'Bearerx',
                '\u0130Bearer',
              ),
              fc.constantFrom('', ' ', '  ', '\t', ' \t', '   '),
              tokenVariants(ctx.sandbox.token),
            )
            .map(([scheme, gap, token]) => `${scheme}${gap}${token}`),
        },
        { weight: 1, arbitrary: text(80) },
        { weight: 1, arbitrary: junk() },
      ),
    call: (ctx, header, state) => state.check(header),
    check: (ctx, result, header) => {
      if (typeof result !== 'boolean') return 'did not return a boolean';
      const match = typeof header === 'string' ? /^[Bb][Ee][Aa][Rr][Ee][Rr] +/.exec(header) : null;
      const want = match !== null && header.slice(match[0].length) === ctx.sandbox.token;
      return result === want ? undefined : `returned ${String(result)}, expected ${String(want)}`;
    },
    redact: () => '<header withheld: it may carry the token>',
  },
  {
    name: 'Secret.fromEnv',
    pkg: PKG,
    needs: { [PKG]: ['Secret'], 'secret-buffer': ['SecretBuffer'] },
    arbitrary: () =>
      fc.record({
        name: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('LLORCH_FUZZ_TOKEN', 'LLORCH_FUZZ_OTHER') },
          { weight: 1, arbitrary: fc.constantFrom('', '=', 'A=B', 'A\0B', 'lower_case') },
          { weight: 1, arbitrary: junk() },
        ),
        value: fc.oneof(fc.constant(undefined), fc.constantFrom('', ' ', '\n\t'), text(40)),
      }),
    prepare: (ctx, input) => {
      if (typeof input.name === 'string' && input.value !== undefined) {
        try {
          process.env[input.name] = input.value;
        } catch {
          return { ...input, value: undefined, unsettable: true };
        }
      }
      return input;
    },
    call: (ctx, input) => ctx.mods[PKG].Secret.fromEnv(input.name),
    cleanup: (ctx, input) => {
      if (typeof input.name === 'string') {
        try {
          delete process.env[input.name];
        } catch {
          // A name the environment refused was never set.
        }
      }
    },
    check: (ctx, result, input) => {
      if (!(result instanceof ctx.mods[PKG].Secret)) return 'did not return a Secret';
      let message;
      if (input.value === undefined) message = 'returned a Secret for an unset variable';
      else if (input.value.trim() === '' && /^[ \t\n\v\f\r]*$/.test(input.value)) {
        message = 'returned a Secret for a blank variable';
      } else if (typeof input.name === 'string' && input.name in process.env) {
        message = 'left the variable in process.env';
      }
      result.dispose();
      return message;
    },
    checkError: (ctx, error, input) => {
      if (typeof input.name !== 'string' || !input.name.startsWith('LLORCH_FUZZ_'))
        return undefined;
      if (input.name in process.env) return 'left the variable in process.env after failing';
      if (input.value === undefined && error.code !== 'NOT_FOUND')
        return `threw ${error.code} when unset`;
      return undefined;
    },
    redact: (input) => ({ name: input.name, value: `<${String(input.value?.length ?? 'unset')}>` }),
  },
  {
    name: 'SecretKey.deriveFromToken',
    pkg: PKG,
    needs: { [PKG]: ['Secret', 'SecretKey'], 'secret-buffer': ['SecretBuffer'] },
    arbitrary: () =>
      fc.record({
        token: fc.oneof(
          fc.constantFrom('secret', 'disposed-secret', 'secret-buffer'),
          bytes(64),
          junk(),
        ),
        domain: fc.oneof(text(40), bytes(40), fc.constantFrom('', 'llorch-seal-key-v1'), junk()),
      }),
    prepare: (ctx, input) => {
      let token;
      if (input.token === 'secret' || input.token === 'disposed-secret') {
        token = loadSecret(ctx);
        if (input.token === 'disposed-secret') token.dispose();
      } else if (input.token === 'secret-buffer') {
        token = ctx.mods['secret-buffer'].SecretBuffer.random(32);
      } else {
        return input;
      }
      return { ...input, token, made: token };
    },
    call: (ctx, input) => ctx.mods[PKG].SecretKey.deriveFromToken(input.token, input.domain),
    cleanup: (ctx, input) => {
      // Only what prepare made: `instanceof` on a hostile token would run its proxy traps.
      input.made?.dispose();
    },
    check: (ctx, result) => {
      if (!(result instanceof ctx.mods[PKG].SecretKey)) return 'did not return a SecretKey';
      result.dispose();
      return undefined;
    },
    redact: (input) => ({ token: '<token withheld>', domain: input.domain }),
  },
];
