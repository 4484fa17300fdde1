import fc from 'fast-check';

// Values a plain JavaScript caller can pass where a typed API expects something else.
function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array(8);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const throwingGetters = new Proxy(
  {},
  {
    get() {
      throw new Error('getter exploded');
    },
    has() {
      throw new Error('has exploded');
    },
    ownKeys() {
      throw new Error('ownKeys exploded');
    },
    getPrototypeOf() {
      throw new Error('getPrototypeOf exploded');
    },
  },
);

export function hostileValues(): unknown[] {
  return [
    undefined,
    null,
    0,
    -1,
    1.5,
    Number.NaN,
    Infinity,
    2 ** 53,
    -0,
    '',
    'text',
    '\u0000',
    '\ud800',
    true,
    Symbol('s'),
    10n,
    () => 1,
    {},
    [],
    [1, 2, 3],
    { length: 3, 0: 1, 1: 2, 2: 3 },
    Object.create(Uint8Array.prototype) as unknown,
    Object.create(null) as unknown,
    new ArrayBuffer(4),
    new DataView(new ArrayBuffer(4)),
    new Uint16Array(4),
    new Int8Array(4),
    new Uint8ClampedArray(4),
    new Uint8Array(new SharedArrayBuffer(4)),
    Buffer.from('buffer'),
    detachedBytes(),
    revokedProxy(),
    throwingGetters,
    new Proxy(new Uint8Array(4), {}),
    { wipeSource: 'yes' },
    { wipeSource: true },
    new Date(0),
    /regex/,
    new Map(),
    Promise.resolve(1),
  ];
}

/**
 * An input for a property: fast-check's `anything` plus the hostile table above. The table is
 * reached through an index and built afresh inside the property, because fast-check itself
 * probes (and trips over) revoked Proxies and throwing traps when it holds them as values.
 */
export type Input = { readonly value: unknown } | { readonly hostile: number };

const hostileCount = hostileValues().length;

export const anyInput: fc.Arbitrary<Input> = fc.oneof(
  fc
    .anything({ withTypedArray: true, withBigInt: true, withMap: true, withSet: true })
    .map((value) => ({ value })),
  fc.nat({ max: hostileCount - 1 }).map((hostile) => ({ hostile })),
  fc.uint8Array({ maxLength: 64 }).map((value) => ({ value })),
  fc.integer().map((value) => ({ value })),
  fc.string().map((value) => ({ value })),
);

export function resolve(input: Input): unknown {
  return 'value' in input ? input.value : hostileValues()[input.hostile];
}
