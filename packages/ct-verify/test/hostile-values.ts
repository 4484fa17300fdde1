import { runInNewContext } from 'node:vm';

/**
 * Values that are not a `Uint8Array`, or only pretend to be one. Every public function must
 * answer them with `false` and never throw.
 */
export function notUint8Arrays(): [string, unknown][] {
  const real = new Uint8Array([1, 2, 3]);
  const revocable = Proxy.revocable(new Uint8Array(3), {});
  revocable.revoke();
  const throwingGetters = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
    },
  );
  return [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a bigint', 10n],
    ['a boolean', true],
    ['a symbol', Symbol('x')],
    ['a function', () => real],
    ['a plain object', {}],
    ['an array of bytes', [1, 2, 3]],
    ['an ArrayBuffer', new ArrayBuffer(3)],
    ['a SharedArrayBuffer', new SharedArrayBuffer(3)],
    ['a DataView', new DataView(new ArrayBuffer(3))],
    ['a Uint8ClampedArray', new Uint8ClampedArray([1, 2, 3])],
    ['an Int8Array', new Int8Array([1, 2, 3])],
    ['a Uint16Array', new Uint16Array([1, 2, 3])],
    ['a Float64Array', new Float64Array([1, 2, 3])],
    ['a boxed String', new String('abc')],
    ['Object.create(Uint8Array.prototype)', Object.create(Uint8Array.prototype)],
    [
      'an object with a Uint8Array tag and length',
      { [Symbol.toStringTag]: 'Uint8Array', length: 3, byteLength: 3, 0: 1, 1: 2, 2: 3 },
    ],
    ['a Proxy of a Uint8Array', new Proxy(real, {})],
    ['a revoked Proxy', revocable.proxy],
    ['a Proxy whose every trap throws', throwingGetters],
  ];
}

/**
 * The same values for fast-check, minus the Proxies: fast-check itself probes the values it
 * generates, and a revoked Proxy throws at that probe before the property runs.
 */
export function arbitraryHostileValues(): unknown[] {
  return notUint8Arrays()
    .filter(([name]) => !name.includes('Proxy'))
    .map(([, value]) => value);
}

/** A `Uint8Array` made in another realm, as `vm` or an iframe would hand over. */
export function foreignUint8Array(bytes: number[]): Uint8Array {
  return runInNewContext(`new Uint8Array(${JSON.stringify(bytes)})`) as Uint8Array;
}

/** A `Uint8Array` whose buffer has been transferred away, so it reads as empty. */
export function detachedUint8Array(): Uint8Array {
  const bytes = new Uint8Array([1, 2, 3]);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

/** A subclass that lies about its length and contents through every overridable door. */
export class LyingUint8Array extends Uint8Array {
  override get length(): number {
    return 0;
  }
  override get byteLength(): number {
    return 0;
  }
  override subarray(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(0);
  }
  override [Symbol.iterator](): ArrayIterator<number> {
    return new Uint8Array(0)[Symbol.iterator]();
  }
}
