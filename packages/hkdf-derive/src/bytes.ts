/**
 * The byte length of a `Uint8Array`, read from its internal slot, never from an overridable
 * property. `isUint8Array` comes from `@llorch/secret-buffer`; this small addition does not.
 *
 * @module
 */

type Getter = (target: unknown) => unknown;

const TYPED_ARRAY_PROTOTYPE: object =
  Reflect.getPrototypeOf(Uint8Array.prototype) ?? Uint8Array.prototype;

// Taken once at load time, so that patching a prototype later cannot reach into it.
const descriptor = Reflect.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, 'byteLength');
const intrinsicByteLength: unknown = descriptor === undefined ? undefined : descriptor.get;
const typedArrayByteLength: Getter =
  typeof intrinsicByteLength === 'function'
    ? (Function.prototype.call.bind(intrinsicByteLength) as Getter)
    : () => 0;

/** The byte length of a known `Uint8Array`; 0 when its buffer was detached. */
export function byteLengthOf(bytes: Uint8Array): number {
  const length = typedArrayByteLength(bytes);
  return typeof length === 'number' ? length : 0;
}
