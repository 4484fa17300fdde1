import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  marker,
  modeRows,
  unique,
  mkdir,
  NOBODY,
  removeDir,
  secretForms,
  tempDir,
  textOf,
  writeFile,
} from './helpers.js';

let dir: string;
function fixture(mode: number, content = marker()): { path: string; content: string } {
  const path = writeFile(join(dir, unique('secret')), content, mode);
  return { path, content };
}

beforeAll(() => {
  dir = tempDir('fl-perm-');
});

afterAll(() => {
  removeDir(dir);
});

describe.each(secretForms)('permissions (%s)', (_form, load) => {
  it.each(modeRows([0o600, 0o400, 0o700]))(
    'SEC-SECRET-022 loads a file owned by this user with mode %s',
    async (_label, mode) => {
      const { path, content } = fixture(mode);
      const secret = await load(path);
      expect(textOf(secret)).toBe(content);
      secret.dispose();
    },
  );

  it.each(modeRows([0o644, 0o640, 0o604, 0o620, 0o602, 0o610, 0o660, 0o601, 0o606, 0o777]))(
    'SEC-SECRET-021 refuses mode %s before reading a byte (SEC-SECRET-020)',
    async (_label, mode) => {
      const { path, content } = fixture(mode);
      const error = await expectFailure(load(path), 'PERMISSIONS_TOO_OPEN', content);
      expect(error.path).toBe(path);
      expect(error.message).toContain(`0${mode.toString(8)}`);
      expect(error.message).toContain(`chmod 600 ${path}`);
    },
  );

  it('SEC-SECRET-021 gives the Kubernetes defaultMode fix when others may read', async () => {
    const { path, content } = fixture(0o644);
    const error = await expectFailure(load(path), 'PERMISSIONS_TOO_OPEN', content);
    expect(error.message).toContain('defaultMode: 0400');
    expect(error.message).toContain('fsGroup');
    expect(error.message).toContain('allowGroupRead: true');
  });

  it('SEC-SECRET-021 leaves the Kubernetes hint out when only group bits are set', async () => {
    const { path, content } = fixture(0o640);
    const error = await expectFailure(load(path), 'PERMISSIONS_TOO_OPEN', content);
    expect(error.message).not.toContain('defaultMode');
  });

  it.each(modeRows([0o440, 0o640]))('allowGroupRead tolerates mode %s', async (_label, mode) => {
    const { path, content } = fixture(mode);
    const secret = await load(path, { allowGroupRead: true });
    expect(textOf(secret)).toBe(content);
  });

  it.each(modeRows([0o644, 0o660, 0o650, 0o604, 0o670, 0o641, 0o460]))(
    'SEC-SECRET-021 allowGroupRead still refuses mode %s',
    async (_label, mode) => {
      const { path, content } = fixture(mode);
      await expectFailure(load(path, { allowGroupRead: true }), 'PERMISSIONS_TOO_OPEN', content);
    },
  );

  it('SEC-SECRET-020 refuses a file owned by another uid', async () => {
    const { path, content } = fixture(0o600);
    fs.chownSync(path, NOBODY, NOBODY);
    const error = await expectFailure(load(path), 'INSECURE_OWNER', content);
    expect(error.path).toBe(path);
    expect(error.message).toContain(`uid ${String(NOBODY)}`);
    expect(error.message).toContain('chown');
  });

  it.each(modeRows([0o777, 0o775, 0o757, 0o770, 0o2777]))(
    'SEC-SECRET-020 refuses a file under an ancestor directory with mode %s',
    async (_label, mode) => {
      const parent = mkdir(join(dir, unique('loose')), 0o700);
      const inner = mkdir(join(parent, 'inner'));
      const { path, content } = { path: join(inner, 'token'), content: marker() };
      writeFile(path, content);
      fs.chmodSync(parent, mode);
      const error = await expectFailure(load(path), 'INSECURE_PARENT', content);
      expect(error.path).toBe(parent);
      expect(error.message).toContain(mode.toString(8));
      expect(error.message).toContain(`chmod go-w ${parent}`);
    },
  );

  it('tolerates a root-owned 1777 directory, as /tmp is', async () => {
    const sticky = mkdir(join(dir, unique('sticky-root')), 0o1777);
    const content = marker();
    const path = writeFile(join(sticky, 'token'), content);
    expect(fs.statSync(sticky).uid).toBe(0);
    const secret = await load(path);
    expect(textOf(secret)).toBe(content);
  });

  it('SEC-SECRET-020 refuses a 1777 directory owned by another uid', async () => {
    const sticky = join(dir, unique('sticky-nobody'));
    mkdir(sticky);
    const content = marker();
    const path = writeFile(join(sticky, 'token'), content);
    fs.chmodSync(sticky, 0o1777);
    fs.chownSync(sticky, NOBODY, NOBODY);
    const error = await expectFailure(load(path), 'INSECURE_PARENT', content);
    expect(error.path).toBe(sticky);
  });

  it('SEC-SECRET-020 refuses a directory owned by another uid on the path', async () => {
    const owned = join(dir, unique('nobody'));
    mkdir(owned, 0o755);
    const content = marker();
    const path = writeFile(join(owned, 'token'), content);
    fs.chownSync(owned, NOBODY, NOBODY);
    const error = await expectFailure(load(path), 'INSECURE_PARENT', content);
    expect(error.path).toBe(owned);
    expect(error.message).toContain(`uid ${String(NOBODY)}`);
  });

  // Tests run as root, so a link this process makes is one the rule trusts: the refused link
  // is handed to another uid, as a link planted in /tmp by another user would be.
  it('SEC-SECRET-023 refuses a symlink of uid 65534 in a root-owned 1777 directory', async () => {
    const sticky = join(dir, unique('sticky-link'));
    mkdir(sticky);
    const { path, content } = fixture(0o600);
    const link = join(sticky, 'link');
    fs.symlinkSync(path, link);
    fs.lchownSync(link, NOBODY, NOBODY);
    fs.chmodSync(sticky, 0o1777);
    expect(fs.lstatSync(sticky).uid).toBe(0);
    const error = await expectFailure(load(link), 'INSECURE_PARENT', content);
    expect(error.path).toBe(sticky);
    expect(error.message).toContain('symlink');
    expect(error.message).toContain(`owned by uid ${String(NOBODY)}`);
    expect(error.message).toContain('give the path of the target itself');
    expect(error.message).toContain(`chown -h 0 ${link}`);
  });

  it('SEC-SECRET-023 follows a root-owned symlink in a root-owned 1777 directory', async () => {
    const sticky = mkdir(join(dir, unique('sticky-root-link')), 0o1777);
    const { path, content } = fixture(0o600);
    const link = join(sticky, 'link');
    fs.symlinkSync(path, link);
    expect(fs.lstatSync(sticky).uid).toBe(0);
    expect(fs.lstatSync(link).uid).toBe(0);
    expect(textOf(await load(link))).toBe(content);
  });

  it.each(modeRows([0o777, 0o770, 0o757]))(
    'SEC-SECRET-023 refuses a root-owned symlink in a root-owned %s (not sticky) directory',
    async (_label, mode) => {
      const loose = mkdir(join(dir, unique('loose-link')));
      const { path, content } = fixture(0o600);
      const link = join(loose, 'link');
      fs.symlinkSync(path, link);
      fs.chmodSync(loose, mode);
      expect(fs.lstatSync(link).uid).toBe(0);
      const error = await expectFailure(load(link), 'INSECURE_PARENT', content);
      expect(error.path).toBe(loose);
      expect(error.message).toContain(`chmod go-w ${loose}`);
    },
  );

  it('SEC-SECRET-023 checks the directory of a followed symlink, not only the link', async () => {
    const loose = mkdir(join(dir, unique('target-dir')));
    const content = marker();
    writeFile(join(loose, 'token'), content);
    fs.chmodSync(loose, 0o777);
    const link = join(dir, unique('to-loose'));
    fs.symlinkSync(join(loose, 'token'), link);
    const error = await expectFailure(load(link), 'INSECURE_PARENT', content);
    expect(error.path).toBe(loose);
  });

  it('loads from a 0500 directory holding 0400 and, with allowGroupRead, 0440 files', async () => {
    const creds = mkdir(join(dir, unique('credentials')));
    const plain = marker();
    const shared = marker();
    writeFile(join(creds, 'plain'), plain, 0o400);
    writeFile(join(creds, 'shared'), shared, 0o440);
    fs.chmodSync(creds, 0o500);
    expect(textOf(await load(join(creds, 'plain')))).toBe(plain);
    await expectFailure(load(join(creds, 'shared')), 'PERMISSIONS_TOO_OPEN', shared);
    expect(textOf(await load(join(creds, 'shared'), { allowGroupRead: true }))).toBe(shared);
  });
});
