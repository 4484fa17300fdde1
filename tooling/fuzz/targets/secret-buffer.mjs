// SecretBuffer's constructors, wipe, isSecretError, isUint8Array and trueByteLength take
// whatever a caller hands them.
import { types } from 'node:util';
import { runInNewContext } from 'node:vm';
import { bytes, fc, junk, sameBytes, text, exposed, isU8 } from '../lib.mjs';

const PKG = 'secret-buffer';
const needs = { [PKG]: ['SecretBuffer', 'wipe', 'isSecretError', 'SecretError'] };

const TYPED_ARRAY_BYTE_LENGTH = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype),
  'byteLength',
).get;

class NotUint8Array extends Uint8Array {
  get [Symbol.toStringTag]() {
    return 'Int8Array';
  }
}

// Values that fool a naive check one way or the other, made fresh for each input: generated
// values are markers, so that fast-check never holds (and probes) a Proxy.
const LOOKALIKES = {
  buffer: () => Buffer.from('abc'),
  subclass: () => new NotUint8Array(4),
  'other realm': () => runInNewContext('new Uint8Array(4)'),
  'proxy of one': () => new Proxy(new Uint8Array(4), {}),
  'tag liar': () => ({ [Symbol.toStringTag]: 'Uint8Array', length: 0, byteLength: 0 }),
  'prototype only': () => Object.create(Uint8Array.prototype),
  clamped: () => new Uint8ClampedArray(4),
  'array buffer': () => new ArrayBuffer(4),
  'typed array class': () => Uint8Array,
};

class Lookalike {
  constructor(kind) {
    this.kind = kind;
  }

  [fc.toStringMethod]() {
    return `lookalike:${this.kind}`;
  }
}

// Real arrays, values that imitate one, and junk: what a brand check must tell apart.
const maybeUint8Array = () =>
  fc.oneof(
    { weight: 2, arbitrary: bytes(32) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(...Object.keys(LOOKALIKES)).map((k) => new Lookalike(k)),
    },
    { weight: 2, arbitrary: junk() },
  );

// `instanceof` would run a revoked Proxy's getPrototypeOf trap, which throws.
const resolveLookalike = (input) =>
  !types.isProxy(input) && input instanceof Lookalike ? LOOKALIKES[input.kind]() : input;

function isBuffer(ctx, value) {
  return value instanceof ctx.mods[PKG].SecretBuffer;
}

export const targets = [
  {
    name: 'SecretBuffer.from',
    pkg: PKG,
    needs,
    arbitrary: () =>
      fc.tuple(
        fc.oneof({ weight: 4, arbitrary: bytes(256) }, { weight: 1, arbitrary: junk() }),
        fc.oneof(
          fc.constant(undefined),
          fc.record({ wipeSource: fc.oneof(fc.boolean(), junk()) }, { requiredKeys: [] }),
          junk(),
        ),
      ),
    call: (ctx, [input, options]) => {
      // A detached array (byteLength 0) cannot even be iterated; its copy is empty.
      const copy = isU8(input)
        ? input.byteLength === 0
          ? new Uint8Array(0)
          : Uint8Array.from(input)
        : undefined;
      const result = ctx.mods[PKG].SecretBuffer.from(input, options);
      return { result, copy, input, options };
    },
    check: (ctx, { result, copy, input, options }) => {
      if (!isBuffer(ctx, result)) return 'did not return a SecretBuffer';
      if (copy === undefined) return 'accepted a non-Uint8Array';
      if (!sameBytes(exposed(result), copy)) return 'the copy differs from the source';
      const wiped = input.byteLength === 0 || input.every((b) => b === 0);
      if (options?.wipeSource === true && !wiped) return 'source not wiped';
      result.dispose();
      if (!result.disposed) return 'dispose() did not mark the buffer disposed';
      return undefined;
    },
    redact: ([input, options]) => ({
      input: isU8(input) ? `<${String(input.length)} bytes>` : input,
      options,
    }),
  },
  {
    name: 'SecretBuffer.fromUtf8',
    pkg: PKG,
    needs,
    arbitrary: () =>
      fc.oneof({ weight: 4, arbitrary: text(200) }, { weight: 1, arbitrary: junk() }),
    call: (ctx, input) => ctx.mods[PKG].SecretBuffer.fromUtf8(input),
    check: (ctx, result, input) => {
      if (!isBuffer(ctx, result)) return 'did not return a SecretBuffer';
      if (typeof input !== 'string') return 'accepted a non-string';
      if (!sameBytes(exposed(result), new TextEncoder().encode(input))) return 'wrong UTF-8 bytes';
      result.dispose();
      return undefined;
    },
    redact: (input) => (typeof input === 'string' ? `<string of ${String(input.length)}>` : input),
  },
  {
    name: 'SecretBuffer.random',
    pkg: PKG,
    needs,
    arbitrary: () =>
      fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: -4, max: 4096 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(0, 1, 65_536, 65_537, 1_048_576, 1_048_577, 2 ** 53),
        },
        { weight: 1, arbitrary: fc.double() },
        { weight: 1, arbitrary: junk() },
      ),
    call: (ctx, input) => ctx.mods[PKG].SecretBuffer.random(input),
    check: (ctx, result, input) => {
      if (!isBuffer(ctx, result)) return 'did not return a SecretBuffer';
      if (!Number.isInteger(input) || input < 1 || input > 1_048_576)
        return 'accepted a bad length';
      if (result.byteLength !== input) return 'wrong byteLength';
      result.dispose();
      return undefined;
    },
  },
  {
    name: 'wipe',
    pkg: PKG,
    needs,
    arbitrary: () =>
      fc.oneof({ weight: 3, arbitrary: bytes(512) }, { weight: 1, arbitrary: junk() }),
    call: (ctx, input) => ({ returned: ctx.mods[PKG].wipe(input), input }),
    check: (ctx, { returned, input }) => {
      if (returned !== undefined) return 'wipe returned a value';
      if (!isU8(input)) return 'accepted a non-Uint8Array';
      if (input.byteLength > 0 && input.some((b) => b !== 0)) return 'left a non-zero byte';
      return undefined;
    },
    redact: (input) => (isU8(input) ? `<${String(input.length)} bytes>` : input),
  },
  {
    name: 'isSecretError',
    pkg: PKG,
    needs,
    neverThrows: true,
    arbitrary: () =>
      fc.tuple(
        fc.oneof(
          junk(),
          fc.constantFrom('NOT_FOUND', 'IO', 'DISPOSED', 'nope').map((code) => ({ code })),
          fc.constant('real'),
        ),
        fc.oneof(fc.constant(undefined), fc.constantFrom('NOT_FOUND', 'IO', 'BOGUS'), junk()),
      ),
    call: (ctx, [value, code]) => {
      const { SecretError, isSecretError } = ctx.mods[PKG];
      const subject = value === 'real' ? new SecretError('NOT_FOUND', 'fuzz') : value;
      return { answer: isSecretError(subject, code), real: value === 'real', code };
    },
    check: (ctx, { answer, real, code }) => {
      if (typeof answer !== 'boolean') return 'did not return a boolean';
      if (!real && answer) return 'called a non-SecretError a SecretError';
      if (real && code === undefined && !answer) return 'missed a real SecretError';
      if (real && code === 'NOT_FOUND' && !answer) return 'missed a real SecretError code';
      return undefined;
    },
  },
  {
    name: 'isUint8Array',
    pkg: PKG,
    needs: { [PKG]: ['isUint8Array', 'isSecretError'] },
    neverThrows: true,
    arbitrary: maybeUint8Array,
    prepare: (ctx, input) => resolveLookalike(input),
    call: (ctx, value) => ({ answer: ctx.mods[PKG].isUint8Array(value), value }),
    // The oracle is V8's own internal-slot check, which no prototype, tag or Proxy can fool.
    check: (ctx, { answer, value }) => {
      if (typeof answer !== 'boolean') return 'did not return a boolean';
      const want = isU8(value);
      return answer === want ? undefined : `returned ${String(answer)}, expected ${String(want)}`;
    },
    redact: (input) => (isU8(input) ? `<${String(input.length)} bytes>` : input),
  },
  {
    name: 'trueByteLength',
    pkg: PKG,
    needs: { [PKG]: ['trueByteLength', 'isSecretError'] },
    neverThrows: true,
    arbitrary: maybeUint8Array,
    prepare: (ctx, input) => resolveLookalike(input),
    call: (ctx, value) => ({ answer: ctx.mods[PKG].trueByteLength(value), value }),
    // The oracle is the %TypedArray%.prototype.byteLength getter itself, taken here, which a
    // subclass's own getter does not reach.
    check: (ctx, { answer, value }) => {
      const want = isU8(value) ? TYPED_ARRAY_BYTE_LENGTH.call(value) : 0;
      if (typeof answer !== 'number') return 'did not return a number';
      return answer === want ? undefined : `returned ${String(answer)}, expected ${String(want)}`;
    },
    redact: (input) => (isU8(input) ? `<${String(input.length)} bytes>` : input),
  },
];
