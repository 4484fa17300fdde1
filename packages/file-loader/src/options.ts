/**
 * Arguments and options, read once into plain values: a getter that answers differently on each
 * read, or a Proxy that throws, cannot make the checks and the load see different values.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { MAX_SECRET_BYTES, SecretError } from '@llorch/secret-buffer';

/** Options of every load. Unknown keys are ignored, so wrappers can pass their own through. */
export interface LoadOptions {
  /**
   * A directory the resolved file must lie inside, compared by path segments after the root
   * itself is resolved to its real path; else `OUTSIDE_ROOT`.
   */
  readonly root?: string | undefined;
  /** Remove leading and trailing ASCII whitespace. Default `true`; ignored by key loads. */
  readonly trim?: boolean | undefined;
  /**
   * The largest file accepted, an integer from 1 to 1,048,576. Default 65,536 for secrets and
   * 1,024 for keys (for a hex key longer than 480 bytes, its digits plus 64; for a binary key
   * longer than 1,024 bytes, its length); a larger file is `TOO_LARGE`.
   */
  readonly maxBytes?: number | undefined;
  /**
   * Tolerate the group-read bit (0o040) alone, for Kubernetes `fsGroup` volumes and Vault
   * Agent sinks (modes 0440 and 0640). Default `false`.
   */
  readonly allowGroupRead?: boolean | undefined;
  /**
   * Publish the `{ source: 'file', path, byteLength }` event on {@link SECRETS_LOAD_CHANNEL}
   * after a successful load. Default `true`; wrappers that publish their own event pass `false`.
   */
  readonly publish?: boolean | undefined;
  /**
   * On a platform without POSIX ownership and modes (where `process.geteuid` is missing, such
   * as Windows), load without the owner, mode and directory checks instead of refusing, and emit
   * a `LLORCH_UNVERIFIED_PERMISSIONS` warning each time. Default `false`. It changes nothing
   * where POSIX permissions exist: there every check always runs.
   */
  readonly allowUnverifiedPermissions?: boolean | undefined;
}

/** Options of the key loaders. */
export interface KeyFileOptions extends LoadOptions {
  /** The key length in bytes, an integer from 1 to 65,536. Default 32. */
  readonly byteLength?: number | undefined;
  /** `hex` (default): hex digits and surrounding whitespace; `binary`: exactly the raw bytes. */
  readonly encoding?: 'hex' | 'binary' | undefined;
}

/** The channel name of the load event, as `node:diagnostics_channel` knows it. */
export const SECRETS_LOAD_CHANNEL = 'llorch:secrets:load';

/** The default `maxBytes` of a secret load. */
export const DEFAULT_SECRET_MAX_BYTES = 65_536;
/** The default `maxBytes` of a key load, unless the key itself needs more. */
export const DEFAULT_KEY_MAX_BYTES = 1_024;
// Room for a trailing newline, indentation or a CRLF when a long key sets the limit.
const KEY_WHITESPACE_ALLOWANCE = 64;
/** The longest key the key loaders accept, in bytes. */
export const MAX_KEY_BYTES = 65_536;
/** The default key length in bytes. */
export const DEFAULT_KEY_BYTES = 32;
// Bounds the work of the walk; the kernel refuses far shorter paths anyway.
const MAX_PATH_LENGTH = 65_536;

/** What a load needs to know, after every argument has been checked. */
export interface Settings {
  /** The path as the caller gave it (decoded, for a URL): what messages name. */
  readonly given: string;
  readonly root: string | undefined;
  readonly trim: boolean;
  readonly maxBytes: number;
  readonly allowGroupRead: boolean;
  readonly publish: boolean;
  readonly allowUnverifiedPermissions: boolean;
}

/** Settings of a key load. */
export interface KeySettings extends Settings {
  readonly byteLength: number;
  readonly encoding: 'hex' | 'binary';
}

function invalid(message: string, path?: string): SecretError {
  return new SecretError('INVALID_ARGUMENT', message, path === undefined ? {} : { path });
}

// Array.isArray throws a TypeError for a revoked Proxy.
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** A short description of a value's type for messages; never the value itself. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  const type = typeof value;
  if (type === 'object') return 'an object';
  return type === 'undefined' ? 'undefined' : `a ${type}`;
}

// Taken once at load time: the intrinsic getter reads the URL's internal state and throws for
// anything that is not a real URL (a look-alike object, a Proxy), which a duck-typed check of
// `href` and `protocol` would accept.
const urlHref = Reflect.getOwnPropertyDescriptor(URL.prototype, 'href')?.get;

function hrefOf(value: object): string | undefined {
  if (urlHref === undefined) return undefined;
  try {
    const href: unknown = Reflect.apply(urlHref, value, []);
    return typeof href === 'string' ? href : undefined;
  } catch {
    return undefined;
  }
}

function checkPathString(path: string, what: string, caller: string): string {
  if (path.length === 0) throw invalid(`${caller}: ${what} is an empty string; give a file path`);
  if (path.length > MAX_PATH_LENGTH) {
    throw invalid(`${caller}: ${what} is over ${String(MAX_PATH_LENGTH)} characters long`);
  }
  if (path.includes('\0')) {
    throw invalid(`${caller}: ${what} contains a NUL character, which no file name can hold`);
  }
  return path;
}

/**
 * The path argument as a string: a non-empty string without NUL, or a `file:` URL.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` for anything else
 */
export function readPath(value: unknown, caller: string): string {
  if (typeof value === 'string') return checkPathString(value, 'path', caller);
  if (typeof value !== 'object' || value === null) {
    throw invalid(`${caller}: path must be a string or a file: URL, not ${describeType(value)}`);
  }
  const href = hrefOf(value);
  if (href === undefined) {
    throw invalid(`${caller}: path must be a string or a file: URL, not ${describeType(value)}`);
  }
  let url: URL;
  try {
    // A fresh URL of our own, so nothing the caller holds can change between the checks.
    url = new URL(href);
  } catch {
    throw invalid(`${caller}: path is not a valid URL`);
  }
  if (url.protocol !== 'file:') {
    throw invalid(`${caller}: path must be a file: URL, not a ${url.protocol} URL`);
  }
  let decoded: string;
  try {
    decoded = fileURLToPath(url);
  } catch {
    throw invalid(
      `${caller}: path is a file: URL that names no local file (a host, or an encoded "/")`,
    );
  }
  return checkPathString(decoded, 'path', caller);
}

function asOptions(options: unknown, caller: string): object {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || isArray(options)) {
    throw invalid(`${caller}: options must be an object, not ${describeType(options)}`);
  }
  return options;
}

function readKey(options: object, key: string, caller: string): unknown {
  try {
    return Reflect.get(options, key);
  } catch {
    throw invalid(`${caller}: options.${key} could not be read`);
  }
}

function readBoolean(options: object, key: string, caller: string, fallback: boolean): boolean {
  const value = readKey(options, key, caller);
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw invalid(`${caller}: options.${key} must be a boolean, not ${describeType(value)}`);
  }
  return value;
}

function readInteger(
  options: object,
  key: string,
  caller: string,
  bounds: { readonly min: number; readonly max: number; readonly fallback: number },
): number {
  const value = readKey(options, key, caller);
  if (value === undefined) return bounds.fallback;
  // Number.isInteger also rules out NaN, the infinities and every non-number.
  if (
    !Number.isInteger(value) ||
    (value as number) < bounds.min ||
    (value as number) > bounds.max
  ) {
    throw invalid(
      `${caller}: options.${key} must be an integer from ${String(bounds.min)} to ` +
        String(bounds.max),
    );
  }
  return value as number;
}

function readRoot(options: object, caller: string): string | undefined {
  const value = readKey(options, 'root', caller);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw invalid(`${caller}: options.root must be a string, not ${describeType(value)}`);
  }
  return checkPathString(value, 'options.root', caller);
}

function readCommon(
  path: unknown,
  source: object,
  caller: string,
  defaultMaxBytes: number,
): Settings {
  const given = readPath(path, caller);
  return {
    given,
    root: readRoot(source, caller),
    trim: readBoolean(source, 'trim', caller, true),
    maxBytes: readInteger(source, 'maxBytes', caller, {
      min: 1,
      max: MAX_SECRET_BYTES,
      fallback: defaultMaxBytes,
    }),
    allowGroupRead: readBoolean(source, 'allowGroupRead', caller, false),
    publish: readBoolean(source, 'publish', caller, true),
    allowUnverifiedPermissions: readBoolean(source, 'allowUnverifiedPermissions', caller, false),
  };
}

/**
 * Checks the arguments of a secret load.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` for a bad path or option
 */
export function readSecretArguments(path: unknown, options: unknown, caller: string): Settings {
  return readCommon(path, asOptions(options, caller), caller, DEFAULT_SECRET_MAX_BYTES);
}

/**
 * Checks the arguments of a key load.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` for a bad path or option
 */
export function readKeyArguments(path: unknown, options: unknown, caller: string): KeySettings {
  const source = asOptions(options, caller);
  const byteLength = readInteger(source, 'byteLength', caller, {
    min: 1,
    max: MAX_KEY_BYTES,
    fallback: DEFAULT_KEY_BYTES,
  });
  const encodingValue = readKey(source, 'encoding', caller);
  if (encodingValue !== undefined && encodingValue !== 'hex' && encodingValue !== 'binary') {
    throw invalid(`${caller}: options.encoding must be 'hex' or 'binary'`);
  }
  const encoding = encodingValue ?? 'hex';
  // A key too long for the default limit would otherwise never load without a maxBytes
  // option: then the limit is the digits plus a little whitespace.
  const needed = encoding === 'hex' ? byteLength * 2 + KEY_WHITESPACE_ALLOWANCE : byteLength;
  const fallback = Math.max(DEFAULT_KEY_MAX_BYTES, needed);
  return { ...readCommon(path, source, caller, fallback), byteLength, encoding };
}
