/**
 * A brand check for `Uint8Array` that cannot be fooled and never throws.
 *
 * This is a small copy of the technique in `@llorch/secret-buffer` (`src/bytes.ts`): this
 * package has no dependencies at all, not even that one.
 *
 * @module
 */

type Getter = (target: unknown) => unknown;

const TYPED_ARRAY_PROTOTYPE: object =
  Reflect.getPrototypeOf(Uint8Array.prototype) ?? Uint8Array.prototype;

// `call.bind(get)` turns an intrinsic getter into a plain function of its receiver. Both are
// taken once at load time, so a caller who later patches a prototype (or `Function.prototype
// .call`) cannot reach into these checks. It is also several times faster than `Reflect.apply`
// on V8, which matters for a comparison that must run in about 100 ns.
function intrinsicGetter(key: PropertyKey): Getter {
  const descriptor = Reflect.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, key);
  const get: unknown = descriptor === undefined ? undefined : descriptor.get;
  if (typeof get !== 'function') return () => undefined;
  return Function.prototype.call.bind(get) as Getter;
}

// These read internal slots, never properties of the value: the tag getter gives the element
// type's name for a real typed array of any realm and `undefined` for anything else (a
// Proxy, a spoofed prototype, an object with its own `Symbol.toStringTag`); the byteLength
// getter gives 0 for a detached buffer.
const typedArrayTag = intrinsicGetter(Symbol.toStringTag);
const typedArrayByteLength = intrinsicGetter('byteLength');

/**
 * Tells whether `value` is a real `Uint8Array` (a Node `Buffer` and any other subclass
 * count), without calling any method of the value itself. Never throws.
 */
export function isUint8Array(value: unknown): value is Uint8Array {
  return typeof value === 'object' && value !== null && typedArrayTag(value) === 'Uint8Array';
}

/** The byte length of a known `Uint8Array`, read from its internal slot; 0 when detached. */
export function byteLengthOf(bytes: Uint8Array): number {
  const length = typedArrayByteLength(bytes);
  return typeof length === 'number' ? length : 0;
}
