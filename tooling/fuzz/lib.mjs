// Shared pieces of the fuzz targets: loading the built packages, a sandbox of hostile files, and
// arbitraries for the inputs an attacker or a careless caller can hand to a public function.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';
import fc from 'fast-check';

export { fc };

export const repoRoot = new URL('../../', import.meta.url).pathname;

/**
 * Imports a package's built ESM entry, or returns `undefined` when it is missing or lacks one
 * of `needs` (a package shell exports nothing until its owner builds it).
 */
export async function loadPackage(name, needs = []) {
  const entry = join(repoRoot, 'packages', name, 'dist', 'index.js');
  if (!existsSync(entry)) return { missing: `packages/${name}/dist/index.js does not exist` };
  let mod;
  try {
    mod = await import(pathToFileURL(entry).href);
  } catch (error) {
    return { missing: `importing ${name} failed: ${String(error?.message ?? error)}` };
  }
  const absent = needs.filter((key) => !(key in mod));
  if (absent.length > 0) {
    return { missing: `${name} is not built yet: no export ${absent.join(', ')}` };
  }
  return { mod };
}

/** `instanceof` runs proxy traps; this check does not, so hostile inputs cannot break it. */
export const isU8 = (value) => types.isUint8Array(value);

/** Reads `object[key]` for an oracle; a hostile object that throws reads as `undefined`. */
export function safeGet(object, key) {
  try {
    return object?.[key];
  } catch {
    return undefined;
  }
}

/** The ASCII whitespace DESIGN.md says a loader trims: space, tab, LF, VT, FF, CR. */
export const ASCII_SPACE = [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d];

export function trimAscii(bytes) {
  let start = 0;
  let end = bytes.length;
  while (start < end && ASCII_SPACE.includes(bytes[start])) start += 1;
  while (end > start && ASCII_SPACE.includes(bytes[end - 1])) end -= 1;
  return bytes.subarray(start, end);
}

export function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Copies the bytes out of anything with `expose` (SecretBuffer, Secret, SecretKey). */
export function exposed(secret) {
  return secret.expose((bytes) => Uint8Array.from(bytes));
}

export function disposeQuietly(value) {
  try {
    if (value && typeof value.dispose === 'function') value.dispose();
  } catch {
    // dispose() must never throw; the target's own check reports it when it does.
  }
}

/**
 * Values no TypeScript caller could pass but a JavaScript one can: proxies that throw on every
 * trap, getters that throw, symbols, big integers, functions, detached buffers.
 */
export function hostileValues() {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error('hostile get');
      },
      has() {
        throw new Error('hostile has');
      },
      ownKeys() {
        throw new Error('hostile ownKeys');
      },
      getPrototypeOf() {
        throw new Error('hostile getPrototypeOf');
      },
    },
  );
  const getter = Object.defineProperty({}, 'wipeSource', {
    get() {
      throw new Error('hostile getter');
    },
    enumerable: true,
  });
  const detached = new Uint8Array(new ArrayBuffer(8));
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  return [
    revocable.proxy,
    throwing,
    getter,
    Symbol('x'),
    10n,
    () => 1,
    detached,
    new ArrayBuffer(4),
    new DataView(new ArrayBuffer(4)),
    new Uint16Array(4),
    new Int8Array(3),
    Object.create(null),
    [1, 2, 3],
    NaN,
    Infinity,
    -0,
  ];
}

// fast-check probes generated values (for a clone method), which a revoked proxy cannot
// survive, so the arbitraries carry a marker and the worker swaps in the real value per call.
class HostileMarker {
  constructor(index) {
    this.index = index;
  }

  [fc.toStringMethod]() {
    return `hostile#${String(this.index)}`;
  }
}

const HOSTILE_COUNT = hostileValues().length;

export const hostile = () =>
  fc.integer({ min: 0, max: HOSTILE_COUNT - 1 }).map((index) => new HostileMarker(index));

/** Replaces every hostile marker in arrays and plain objects with a fresh hostile value. */
export function materialize(value) {
  if (value instanceof HostileMarker) return hostileValues()[value.index];
  if (Array.isArray(value)) return value.map(materialize);
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const copy = proto === null ? Object.create(null) : {};
    for (const key of Object.keys(value)) copy[key] = materialize(value[key]);
    return copy;
  }
  return value;
}

/** Anything at all: random JSON-like values and the hostile ones. */
export const junk = () => fc.oneof(fc.anything(), hostile(), fc.constant(undefined));

export const bytes = (maxLength = 96) => fc.uint8Array({ maxLength });

/** A string that mixes ASCII, control characters, lone surrogates and astral characters. */
export const text = (maxLength = 64) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({
      unit: fc.constantFrom('a', '/', '.', ':', '\0', ' ', '\n', 'é', '\ud800'),
      maxLength,
    }),
  );

/**
 * A private directory of files and links that exercise every branch of the loader's checks.
 * Returns the paths by role; `cleanup()` removes it.
 */
export function makeSandbox() {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'llorch-fuzz-')));
  chmodSync(dir, 0o700);
  const file = (name, content, mode) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };
  const token = `fuzz-token-${Math.random().toString(36).slice(2)}abcdef`;
  const keyHex = '00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF';
  const paths = {
    dir,
    secret: file('secret', `${token}\n`, 0o600),
    key: file('key.hex', `${keyHex}\n`, 0o600),
    open: file('open', 'open-secret', 0o644),
    group: file('group', 'group-secret', 0o640),
    empty: file('empty', '', 0o600),
    blank: file('blank', ' \n\t ', 0o600),
    big: file('big', 'x'.repeat(70_000), 0o600),
  };
  mkdirSync(join(dir, 'sub'), { mode: 0o700 });
  paths.inner = file('sub/inner', 'inner-secret', 0o600);
  mkdirSync(join(dir, 'wide'), { mode: 0o777 });
  chmodSync(join(dir, 'wide'), 0o777);
  paths.wideFile = file('wide/f', 'wide-secret', 0o600);
  const link = (name, target) => {
    const path = join(dir, name);
    symlinkSync(target, path);
    return path;
  };
  paths.link = link('link', 'secret');
  paths.dangling = link('dangling', 'nowhere');
  paths.loop = link('loop1', 'loop2');
  link('loop2', 'loop1');
  paths.up = link('up', '..');
  paths.outside = link('outside', '/etc/hostname');
  paths.subLink = link('sublink', 'sub');
  paths.fifo = join(dir, 'fifo');
  try {
    execFileSync('mkfifo', ['-m', '600', paths.fifo]);
  } catch {
    paths.fifo = paths.dangling;
  }
  mkdirSync(join(dir, 'creds'), { mode: 0o700 });
  paths.creds = join(dir, 'creds');
  paths.credToken = file('creds/token', `${token}\n`, 0o400);
  paths.credKey = file('creds/key', `${keyHex}\n`, 0o440);
  file('creds/open', 'open', 0o644);
  file('creds/with:colon', 'x', 0o400);
  mkdirSync(join(dir, 'creds', 'subdir'), { mode: 0o700 });
  symlinkSync('token', join(dir, 'creds', 'alias'));
  const scratch = join(dir, 'scratch');
  mkdirSync(scratch, { mode: 0o700 });
  let counter = 0;
  return {
    paths,
    token,
    keyHex,
    credentialNames: ['key', 'open', 'token'],
    /** Writes `content` to a new 0600 file (or `mode`) and returns its path. */
    write(content, mode = 0o600) {
      counter += 1;
      const path = join(scratch, `f${String(counter)}`);
      writeFileSync(path, content, { mode });
      chmodSync(path, mode);
      return path;
    },
    remove(path) {
      rmSync(path, { force: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Paths that probe traversal, links, special files and malformed input. */
export function pathArbitrary(sandbox) {
  const p = sandbox.paths;
  const fixed = [
    p.secret,
    p.key,
    p.open,
    p.group,
    p.empty,
    p.blank,
    p.big,
    p.inner,
    p.wideFile,
    p.link,
    p.dangling,
    p.loop,
    p.up,
    p.outside,
    p.fifo,
    p.dir,
    p.creds,
    p.credToken,
    `${p.dir}/sub/../secret`,
    `${p.dir}/sublink/../secret`,
    `${p.dir}/up/${p.dir.split('/').pop() ?? ''}/secret`,
    `${p.dir}//secret`,
    `${p.secret}/`,
    `${p.secret}\0/etc/passwd`,
    '/etc/passwd',
    '/etc/shadow',
    '/dev/null',
    '/dev/zero',
    '/proc/self/status',
    '/',
    '',
    '.',
    '..',
    'secret',
  ];
  const segment = fc.constantFrom(
    'secret',
    'link',
    '..',
    '.',
    'sub',
    'inner',
    'wide',
    'f',
    '',
    'nope',
    'loop1',
    'fifo',
    'up',
    'creds',
    'token',
    '\0',
    'a\0b',
    ' ',
    'é',
    'x'.repeat(300),
  );
  const built = fc
    .tuple(fc.constantFrom(p.dir, '', '.', '/'), fc.array(segment, { maxLength: 6 }))
    .map(([base, parts]) => [base, ...parts].join('/'));
  const asString = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...fixed) },
    { weight: 4, arbitrary: built },
    { weight: 1, arbitrary: text() },
  );
  return fc.oneof(
    { weight: 8, arbitrary: asString },
    {
      weight: 1,
      arbitrary: asString.map((path) => {
        try {
          return pathToFileURL(path);
        } catch {
          return path;
        }
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom('file:///etc/passwd', 'http://example.com/x') },
    { weight: 1, arbitrary: fc.constant(new URL('http://example.com/secret')) },
    { weight: 1, arbitrary: junk() },
  );
}

/** `LoadOptions` with every field sometimes sensible, sometimes hostile. */
export function loadOptionsArbitrary(sandbox, extra = {}) {
  const p = sandbox.paths;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 6,
      arbitrary: fc.record(
        {
          root: fc.oneof(
            fc.constantFrom(p.dir, `${p.dir}/sub`, '/', p.secret, p.link),
            text(),
            junk(),
          ),
          trim: fc.oneof(fc.boolean(), junk()),
          maxBytes: fc.oneof(fc.integer({ min: -2, max: 100_000 }), fc.double(), junk()),
          allowGroupRead: fc.oneof(fc.boolean(), junk()),
          ...extra,
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: junk() },
  );
}

/** Credential names: the sandbox's own, every edge of systemd's rule, random text and junk. */
export function credentialNameArbitrary() {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('token', 'key', 'open', 'subdir', 'alias', 'with:colon'),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        '.',
        '..',
        'a/b',
        '/token',
        'token/',
        'a:b',
        '\x7f',
        '\x1f',
        'tab\there',
        'é',
        'x'.repeat(255),
        'x'.repeat(256),
        '../token',
        'token\0',
        ' ',
      ),
    },
    { weight: 2, arbitrary: text(40) },
    { weight: 1, arbitrary: junk() },
  );
}

/** systemd's credential name rule, as DESIGN.md states it: the oracle of every name check. */
export function validCredentialName(name) {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..') return false;
  if (Buffer.byteLength(name) > 255) return false;
  return /^[\x20-\x7e]*$/.test(name) && !name.includes('/') && !name.includes(':');
}

/** Values for `$CREDENTIALS_DIRECTORY` or a `directory` option, good and bad. */
export function credentialsDirectoryArbitrary(sandbox) {
  const creds = sandbox.paths.creds;
  return fc.oneof(
    fc.constantFrom(
      creds,
      `${creds}/`,
      `${creds}//`,
      `${creds}/.`,
      `${creds}/../creds`,
      sandbox.paths.dir,
      sandbox.paths.secret,
      sandbox.paths.up,
      'creds',
      '/nonexistent',
      '/etc',
      '/',
      '',
    ),
    text(30),
    junk(),
  );
}

/**
 * A copy of `process.env`, for {@link restoreEnvironment}. Targets that set or delete variables
 * take one per input, so that no input sees what an earlier one left behind.
 */
export function snapshotEnvironment() {
  return { ...process.env };
}

/** Puts `process.env` back as `snapshot` had it: added variables go, removed ones return. */
export function restoreEnvironment(snapshot) {
  for (const key of Object.keys(process.env)) {
    if (!Object.hasOwn(snapshot, key)) delete process.env[key];
  }
  for (const [key, value] of Object.entries(snapshot)) {
    if (process.env[key] !== value) process.env[key] = value;
  }
}

/**
 * `{ name, options }` for a credential loader: a credential name, and options that are absent,
 * junk, or a `directory` (which may itself be absent when `directoryOptional`) merged into
 * load options with `extra` keys such as a key's `byteLength` and `encoding`.
 */
export function credentialLoadArbitrary(sandbox, { extra = {}, directoryOptional = false } = {}) {
  const directory = directoryOptional
    ? fc.oneof(fc.constant(undefined), credentialsDirectoryArbitrary(sandbox))
    : credentialsDirectoryArbitrary(sandbox);
  return fc.record({
    name: credentialNameArbitrary(),
    options: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(directory, loadOptionsArbitrary(sandbox, extra))
          .map(([dir, rest]) =>
            rest !== null && typeof rest === 'object' && !Array.isArray(rest)
              ? { ...rest, directory: dir }
              : { directory: dir },
          ),
      },
      { weight: 1, arbitrary: junk() },
    ),
  });
}
