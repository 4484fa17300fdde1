// The loaders take paths, options and file contents from outside: the key-file hex parser and
// the trimming are checked against an oracle, everything else only for returning or throwing a
// SecretError.
import {
  ASCII_SPACE,
  bytes,
  exposed,
  fc,
  junk,
  loadOptionsArbitrary,
  pathArbitrary,
  sameBytes,
  trimAscii,
} from '../lib.mjs';

const PKG = 'file-loader';
const HEX = '0123456789abcdefABCDEF';
const SPACE = ASCII_SPACE.map((c) => String.fromCharCode(c));

const space = () => fc.string({ unit: fc.constantFrom(...SPACE), maxLength: 4 });

/** Key-file contents: valid hex in any case with whitespace, near misses, and noise. */
function keyContent() {
  const validHex = (length) =>
    fc
      .tuple(
        space(),
        fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length }),
        space(),
      )
      .map(([a, hex, b]) => `${a}${hex}${b}`);
  const nearMiss = fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...HEX), minLength: 64, maxLength: 64 }),
      fc.nat(63),
      fc.constantFrom('g', 'G', 'x', ' ', '\0', '-', 'é', ':', '/', '@', '`', '\u0660'),
    )
    .map(([hex, at, bad]) => hex.slice(0, at) + bad + hex.slice(at + 1));
  const asText = fc.oneof(
    { weight: 4, arbitrary: validHex(64) },
    { weight: 1, arbitrary: fc.constantFrom(62, 63, 65, 66, 0, 2, 128).chain((n) => validHex(n)) },
    { weight: 2, arbitrary: nearMiss },
    { weight: 1, arbitrary: space() },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom(...HEX, ...SPACE, 'g'), maxLength: 80 }),
    },
  );
  return fc.oneof(
    { weight: 5, arbitrary: asText.map((s) => new TextEncoder().encode(s)) },
    { weight: 1, arbitrary: bytes(40) },
    { weight: 1, arbitrary: fc.constantFrom(1024, 2000).map((n) => new Uint8Array(n).fill(0x41)) },
  );
}

function secretContent() {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.tuple(space(), bytes(64), space()).map(([a, b, c]) => join(a, b, c)),
    },
    { weight: 1, arbitrary: space().map((s) => new TextEncoder().encode(s)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(65_536, 65_537).map((n) => new Uint8Array(n).fill(0x61)),
    },
  );
}

function join(a, middle, b) {
  const enc = new TextEncoder();
  return Uint8Array.from([...enc.encode(a), ...middle, ...enc.encode(b)]);
}

function decodeHex(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** What DESIGN.md says a default-options key load yields: bytes, or an error code. */
function expectedKey(content, options) {
  const binary = options?.encoding === 'binary';
  if (content.length > 1024) return { code: 'TOO_LARGE' };
  if (binary) {
    if (content.length === 0) return { code: 'EMPTY' };
    return content.length === 32 ? { bytes: content } : { code: 'INVALID_FORMAT' };
  }
  const trimmed = trimAscii(content);
  if (trimmed.length === 0) return { code: 'EMPTY' };
  const text = String.fromCharCode(...trimmed);
  return /^[0-9a-fA-F]{64}$/.test(text) ? { bytes: decodeHex(text) } : { code: 'INVALID_FORMAT' };
}

function expectedSecret(content, options) {
  if (content.length > 65_536) return { code: 'TOO_LARGE' };
  const kept = options?.trim === false ? content : trimAscii(content);
  return kept.length === 0 ? { code: 'EMPTY' } : { bytes: kept };
}

// An oracle applies only to inputs whose meaning DESIGN.md fixes exactly.
const oracleOptions = {
  key: [undefined, { encoding: 'hex' }, { encoding: 'binary' }],
  secret: [undefined, { trim: false }, { trim: true }],
};

function makeTargets(fnName, kind, isAsync) {
  const needs = { [PKG]: [fnName], 'secret-buffer': ['SecretBuffer'] };
  const expected = kind === 'key' ? expectedKey : expectedSecret;
  return {
    name: fnName,
    pkg: PKG,
    needs,
    async: isAsync,
    arbitrary: (ctx) => {
      const extra =
        kind === 'key'
          ? {
              byteLength: fc.oneof(fc.integer({ min: -1, max: 80 }), junk()),
              encoding: fc.oneof(fc.constantFrom('hex', 'binary', 'base64'), junk()),
            }
          : {};
      const byPath = fc.record({
        path: pathArbitrary(ctx.sandbox),
        options: loadOptionsArbitrary(ctx.sandbox, extra),
      });
      const byContent = fc.record({
        content: kind === 'key' ? keyContent() : secretContent(),
        options: fc.constantFrom(...oracleOptions[kind]),
      });
      return fc.oneof(byPath, byContent);
    },
    prepare: (ctx, input) =>
      input.content === undefined ? input : { ...input, path: ctx.sandbox.write(input.content) },
    call: (ctx, input) => ctx.mods[PKG][fnName](input.path, input.options),
    cleanup: (ctx, input) => {
      if (input.content !== undefined) ctx.sandbox.remove(input.path);
    },
    check: (ctx, result, input) => {
      if (!(result instanceof ctx.mods['secret-buffer'].SecretBuffer)) return 'not a SecretBuffer';
      let message;
      if (input.content !== undefined) {
        const want = expected(input.content, input.options);
        if (want.code !== undefined) message = `returned a secret, expected ${want.code}`;
        else if (!sameBytes(exposed(result), want.bytes)) message = 'returned the wrong bytes';
      }
      result.dispose();
      return message;
    },
    checkError: (ctx, error, input) => {
      if (input.content === undefined) return undefined;
      const want = expected(input.content, input.options);
      if (want.code === undefined) return `threw ${error.code}, expected a secret`;
      if (error.code !== want.code) return `threw ${error.code}, expected ${want.code}`;
      return leaks(error, input.content);
    },
    redact: (input) =>
      input.content === undefined
        ? input
        : { content: `<${String(input.content.length)} bytes>`, options: input.options },
  };
}

/** SEC-SECRET-012: an error message must never carry the file's contents. */
function leaks(error, content) {
  const text = new TextDecoder().decode(trimAscii(content));
  if (text.length >= 8 && String(error.message).includes(text)) {
    return 'the error message contains the file contents';
  }
  return undefined;
}

export const targets = [
  makeTargets('loadSecretFile', 'secret', true),
  makeTargets('loadSecretFileSync', 'secret', false),
  makeTargets('loadKeyFile', 'key', true),
  makeTargets('loadKeyFileSync', 'key', false),
];
