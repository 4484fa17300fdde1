// The facade's request-time entry points: header values and candidates come from the network,
// environment variable names and domains from configuration.
import {
  bytes,
  fc,
  isU8,
  junk,
  loadOptionsArbitrary,
  pathArbitrary,
  sameBytes,
  text,
} from '../lib.mjs';

const PKG = 'secrets-facade';

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

export const targets = [
  loaderTarget('Secret', 'loadFromFile', true),
  loaderTarget('Secret', 'loadFromFileSync', false),
  loaderTarget('SecretKey', 'loadFromFile', true),
  loaderTarget('SecretKey', 'loadFromFileSync', false),
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
