import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bytesOf,
  expectFailure,
  keyForms,
  marker,
  mkdir,
  NOBODY,
  removeDir,
  secretForms,
  tempDir,
  textOf,
  unique,
  writeFile,
} from './helpers.js';

let dir: string;
let secrets: string;
let evil: string;
let outside: string;
let inside: { path: string; content: string };
let stranger: { path: string; content: string };
let open: { path: string; content: string };

beforeAll(() => {
  dir = tempDir('fl-paths-');
  secrets = mkdir(join(dir, 'secrets'));
  evil = mkdir(join(dir, 'secrets-evil'));
  outside = mkdir(join(dir, 'outside'));
  inside = { path: join(secrets, 'token'), content: marker() };
  writeFile(inside.path, inside.content);
  stranger = { path: join(outside, 'token'), content: marker() };
  writeFile(stranger.path, stranger.content);
  open = { path: join(outside, 'open'), content: marker() };
  writeFile(open.path, open.content, 0o644);
  writeFile(join(evil, 'token'), marker());
});

afterAll(() => {
  removeDir(dir);
});

describe.each(secretForms)('path resolution (%s)', (_form, load) => {
  it('SEC-SECRET-023 follows a symlink to a good file and checks the target', async () => {
    const link = join(dir, unique('link'));
    fs.symlinkSync(inside.path, link);
    expect(textOf(await load(link))).toBe(inside.content);
  });

  it('SEC-SECRET-023 refuses a symlink to a 0644 file, naming the target', async () => {
    const link = join(dir, unique('link-open'));
    fs.symlinkSync(open.path, link);
    const error = await expectFailure(load(link), 'PERMISSIONS_TOO_OPEN', open.content);
    expect(error.path).toBe(open.path);
  });

  it('SEC-SECRET-023 resolves a relative symlink against its own directory', async () => {
    const link = join(secrets, unique('relative-link'));
    fs.symlinkSync('token', link);
    expect(textOf(await load(link))).toBe(inside.content);
  });

  it('SEC-SECRET-023 resolves .. after a symlink physically, from the target', async () => {
    // dir/jump -> secrets/deep; dir/jump/../token is secrets/token, not dir/token.
    const deep = join(secrets, unique('deep'));
    mkdir(deep);
    const jump = join(dir, unique('jump'));
    fs.symlinkSync(deep, jump);
    writeFile(join(dir, 'token'), marker());
    expect(textOf(await load(`${jump}/../token`))).toBe(inside.content);
  });

  it('loads a path holding . and .. segments and doubled slashes', async () => {
    expect(textOf(await load(`${outside}/../secrets/./token`))).toBe(inside.content);
    expect(textOf(await load(`/${secrets}//token`))).toBe(inside.content);
  });

  it('SEC-SECRET-023 loads a relative path against the working directory', async () => {
    const path = relative(process.cwd(), inside.path);
    expect(path.startsWith('/')).toBe(false);
    expect(textOf(await load(path))).toBe(inside.content);
  });

  it('loads a file: URL', async () => {
    expect(textOf(await load(pathToFileURL(inside.path)))).toBe(inside.content);
  });

  it.each([
    ['an https URL', new URL('https://example.com/token')],
    ['a data URL', new URL('data:text/plain,secret')],
    ['a file URL with a host', new URL('file://example.com/etc/token')],
    ['a file URL with an encoded slash', new URL('file:///tmp/a%2Fb')],
    ['a file URL with an encoded NUL', new URL('file:///tmp/a%00b')],
  ])('refuses %s with INVALID_ARGUMENT', async (_name, url) => {
    await expectFailure(load(url), 'INVALID_ARGUMENT');
  });

  it('reads a file: URL string as a relative path, not as a URL', async () => {
    const error = await expectFailure(load(pathToFileURL(inside.path).href), 'NOT_FOUND');
    expect(error.path).toBe(pathToFileURL(inside.path).href);
  });
});

describe.each(secretForms)('root (%s)', (_form, load) => {
  it('SEC-SECRET-023 loads a file inside the root', async () => {
    expect(textOf(await load(inside.path, { root: secrets }))).toBe(inside.content);
  });

  it('SEC-SECRET-023 refuses a file outside the root with OUTSIDE_ROOT', async () => {
    const error = await expectFailure(
      load(stranger.path, { root: secrets }),
      'OUTSIDE_ROOT',
      stranger.content,
    );
    expect(error.path).toBe(stranger.path);
    expect(error.message).toContain(secrets);
  });

  it('SEC-SECRET-023 refuses a ../ escape from the root', async () => {
    await expectFailure(
      load(`${secrets}/../outside/token`, { root: secrets }),
      'OUTSIDE_ROOT',
      stranger.content,
    );
  });

  it('SEC-SECRET-023 refuses a symlink inside the root that points out of it', async () => {
    const link = join(secrets, unique('out'));
    fs.symlinkSync(stranger.path, link);
    await expectFailure(load(link, { root: secrets }), 'OUTSIDE_ROOT', stranger.content);
  });

  it('SEC-SECRET-023 loads through a symlink outside the root that points into it', async () => {
    const link = join(outside, unique('in'));
    fs.symlinkSync(inside.path, link);
    expect(textOf(await load(link, { root: secrets }))).toBe(inside.content);
  });

  it('SEC-SECRET-023 resolves a root given through a symlink', async () => {
    const rootLink = join(dir, unique('root-link'));
    fs.symlinkSync(secrets, rootLink);
    expect(textOf(await load(inside.path, { root: rootLink }))).toBe(inside.content);
    expect(textOf(await load(join(rootLink, 'token'), { root: rootLink }))).toBe(inside.content);
    await expectFailure(load(stranger.path, { root: rootLink }), 'OUTSIDE_ROOT');
  });

  it('SEC-SECRET-023 compares by segments: secrets-evil is not inside secrets', async () => {
    await expectFailure(load(join(evil, 'token'), { root: secrets }), 'OUTSIDE_ROOT');
    await expectFailure(load(join(evil, 'token'), { root: `${secrets}/` }), 'OUTSIDE_ROOT');
  });

  it('takes a relative root against the working directory', async () => {
    const root = relative(process.cwd(), secrets);
    expect(textOf(await load(inside.path, { root }))).toBe(inside.content);
  });

  it('accepts / as the root of everything', async () => {
    expect(textOf(await load(inside.path, { root: '/' }))).toBe(inside.content);
  });

  it('reports a missing root as NOT_FOUND, naming the root', async () => {
    const root = join(dir, 'no-root');
    const error = await expectFailure(load(inside.path, { root }), 'NOT_FOUND');
    expect(error.path).toBe(root);
  });

  it('refuses a root that is a file', async () => {
    const error = await expectFailure(load(inside.path, { root: inside.path }), 'INVALID_ARGUMENT');
    expect(error.path).toBe(inside.path);
  });

  it('refuses a root that other users can write to', async () => {
    const loose = mkdir(join(dir, unique('loose-root')));
    writeFile(join(loose, 'token'), marker());
    fs.chmodSync(loose, 0o777);
    const error = await expectFailure(
      load(join(secrets, 'token'), { root: loose }),
      'INSECURE_PARENT',
    );
    expect(error.path).toBe(loose);
  });
});

describe.each(secretForms)('a Kubernetes secret volume (%s)', (_form, load) => {
  function volume(
    mode: number,
    volumeMode = 0o755,
  ): { root: string; content: string; key: string } {
    const root = mkdir(join(dir, unique('volume')), volumeMode);
    const stamp = mkdir(join(root, '..2026_12_03_00_00_00.1'), 0o755);
    const content = marker();
    writeFile(join(stamp, 'key'), content, mode);
    fs.symlinkSync('..2026_12_03_00_00_00.1', join(root, '..data'));
    fs.symlinkSync('..data/key', join(root, 'key'));
    return { root, content, key: join(root, 'key') };
  }

  it('SEC-SECRET-023 loads key -> ..data/key -> ..<timestamp>/key under root', async () => {
    const { root, content, key } = volume(0o400);
    const secret = await load(key, { root });
    expect(textOf(secret)).toBe(content);
  });

  it('gives the new value after ..data is swapped to a new timestamped directory', async () => {
    const { root, key } = volume(0o400);
    const next = mkdir(join(root, '..2026_12_04_00_00_00.2'), 0o755);
    const updated = marker();
    writeFile(join(next, 'key'), updated, 0o400);
    // The kubelet's atomic update: a new link, renamed over ..data.
    fs.symlinkSync('..2026_12_04_00_00_00.2', join(root, '..data_tmp'));
    fs.renameSync(join(root, '..data_tmp'), join(root, '..data'));
    expect(textOf(await load(key, { root }))).toBe(updated);
  });

  it('SEC-SECRET-021 refuses the default 0644 with the defaultMode hint', async () => {
    const { root, content, key } = volume(0o644);
    const error = await expectFailure(load(key, { root }), 'PERMISSIONS_TOO_OPEN', content);
    expect(error.message).toContain('defaultMode: 0400');
    expect(error.path).toBe(join(root, '..2026_12_03_00_00_00.1', 'key'));
  });

  it('loads 0440 under fsGroup with allowGroupRead', async () => {
    const { root, content, key } = volume(0o440);
    expect(textOf(await load(key, { root, allowGroupRead: true }))).toBe(content);
  });

  // A real kubelet mounts the volume root-owned with mode 1777 (drwxrwxrwt), holding its
  // root-owned links: the layout the tests above leave out by using 0755.
  function kubeletVolume(mode: number): { root: string; content: string; key: string } {
    const made = volume(mode, 0o1777);
    expect(fs.lstatSync(made.root).mode & 0o7777).toBe(0o1777);
    expect(fs.lstatSync(made.root).uid).toBe(0);
    expect(fs.lstatSync(made.key).uid).toBe(0);
    expect(fs.lstatSync(join(made.root, '..data')).uid).toBe(0);
    return made;
  }

  it('SEC-SECRET-023 loads through root-owned links in a root-owned 1777 volume', async () => {
    const { root, content, key } = kubeletVolume(0o400);
    expect(textOf(await load(key, { root }))).toBe(content);
    expect(textOf(await load(key))).toBe(content);
  });

  it('SEC-SECRET-023 loads from a root-owned 1777 volume after ..data is swapped', async () => {
    const { root, content, key } = kubeletVolume(0o400);
    expect(textOf(await load(key, { root }))).toBe(content);
    const next = mkdir(join(root, '..2026_12_04_00_00_00.2'), 0o755);
    const updated = marker();
    writeFile(join(next, 'key'), updated, 0o400);
    fs.symlinkSync('..2026_12_04_00_00_00.2', join(root, '..data_tmp'));
    fs.renameSync(join(root, '..data_tmp'), join(root, '..data'));
    expect(textOf(await load(key, { root }))).toBe(updated);
  });

  it('SEC-SECRET-021 loads 0440 from a root-owned 1777 volume with allowGroupRead', async () => {
    const { root, content, key } = kubeletVolume(0o440);
    expect(textOf(await load(key, { root, allowGroupRead: true }))).toBe(content);
  });

  it('SEC-SECRET-023 refuses ..data swapped to a uid 65534 link in a 1777 volume', async () => {
    const { root, key } = kubeletVolume(0o400);
    const planted = mkdir(join(dir, unique('planted')), 0o755);
    const decoy = marker();
    writeFile(join(planted, 'key'), decoy, 0o400);
    fs.symlinkSync(planted, join(root, '..data_tmp'));
    fs.lchownSync(join(root, '..data_tmp'), NOBODY, NOBODY);
    fs.renameSync(join(root, '..data_tmp'), join(root, '..data'));
    const error = await expectFailure(load(key), 'INSECURE_PARENT', decoy);
    expect(error.path).toBe(root);
    expect(error.message).toContain(`${root}/..data`);
    expect(error.message).toContain(`uid ${String(NOBODY)}`);
  });
});

describe.each(keyForms)('a key in a Kubernetes secret volume (%s)', (_form, load) => {
  it('SEC-SECRET-023 loads a hex key through root-owned links in a 1777 volume', async () => {
    const root = mkdir(join(dir, unique('key-volume')), 0o1777);
    const stamp = mkdir(join(root, '..2026_12_03_00_00_00.1'), 0o755);
    const digits = randomBytes(32).toString('hex');
    writeFile(join(stamp, 'hmac.key'), `${digits}\n`, 0o400);
    fs.symlinkSync('..2026_12_03_00_00_00.1', join(root, '..data'));
    fs.symlinkSync('..data/hmac.key', join(root, 'hmac.key'));
    const key = await load(join(root, 'hmac.key'), { root });
    expect(Buffer.from(bytesOf(key)).toString('hex')).toBe(digits);
  });
});
