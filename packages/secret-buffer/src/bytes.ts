/**
 * Brand checks that cannot be fooled by a spoofed prototype, a `Symbol.toStringTag`, an own
 * `byteLength` property or a Proxy, and that never throw.
 *
 * @module
 */

type Intrinsic = (this: unknown, ...args: unknown[]) => unknown;

const TYPED_ARRAY_PROTOTYPE: object =
  Reflect.getPrototypeOf(Uint8Array.prototype) ?? Uint8Array.prototype;

// Taken once at load time, so that a caller who later patches the prototypes cannot reach
// into these checks.
function intrinsic(key: PropertyKey, kind: 'get' | 'value'): Intrinsic {
  const descriptor = Reflect.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, key);
  const found: unknown = descriptor === undefined ? undefined : Reflect.get(descriptor, kind);
  return typeof found === 'function' ? (found as Intrinsic) : () => undefined;
}

// These read the internal slots: the tag getter gives the element type's name for a real
// typed array of any realm and undefined for anything else; byteLength gives 0 when detached.
const typedArrayTag = intrinsic(Symbol.toStringTag, 'get');
const typedArrayByteLength = intrinsic('byteLength', 'get');
const typedArrayFill = intrinsic('fill', 'value');

/**
 * Tells whether `value` is a real `Uint8Array` (a Node `Buffer` counts), without calling any
 * method of the value itself. Never throws.
 */
export function isUint8Array(value: unknown): value is Uint8Array {
  if (typeof value !== 'object' || value === null) return false;
  return Reflect.apply(typedArrayTag, value, []) === 'Uint8Array';
}

/** The byte length of a known `Uint8Array`, read from its internal slot; 0 when detached. */
export function byteLengthOf(bytes: Uint8Array): number {
  const length: unknown = Reflect.apply(typedArrayByteLength, bytes, []);
  return typeof length === 'number' ? length : 0;
}

/**
 * The byte length of a `Uint8Array` as its internal slot holds it, whatever a subclass's
 * `byteLength` or `length` getter claims: what a loop over the bytes may safely rely on.
 * Never throws.
 *
 * @param value - any value
 * @returns the byte length; 0 for a detached array and for anything that is not a
 *   `Uint8Array`
 */
export function trueByteLength(value: unknown): number {
  return isUint8Array(value) ? byteLengthOf(value) : 0;
}

/** Zeroes a known, attached `Uint8Array` through the intrinsic, not a subclass's own `fill`. */
export function zeroFill(bytes: Uint8Array): void {
  Reflect.apply(typedArrayFill, bytes, [0]);
}

/** The largest secret any `@llorch` package holds: 1 MiB. Every length is checked against it. */
export const MAX_SECRET_BYTES = 1_048_576;

/**
 * A zero-filled array backed by its own `ArrayBuffer`: never a slice of Node's shared pool,
 * and, because the buffer is created explicitly, allocated outside V8's moving heap, so the
 * garbage collector never leaves copies of it behind.
 */
export function freshBytes(byteLength: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(byteLength));
}
