import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  keyForms,
  marker,
  mkdir,
  NOBODY,
  removeDir,
  secretForms,
  tempDir,
  unique,
  writeFile,
  type Loader,
} from './helpers.js';

let dir: string;

beforeAll(() => {
  dir = tempDir('fl-hygiene-');
});

afterAll(() => {
  removeDir(dir);
});

interface Case {
  readonly name: string;
  readonly code: string;
  /** Builds the fixture; returns the path to load, its options and the file's content. */
  readonly setup: (content: string) => { path: string; options?: object };
  /** Words the message must hold: what is wrong, and how to fix it. */
  readonly says: readonly string[];
  readonly key?: boolean;
}

const cases: readonly Case[] = [
  {
    name: 'a 0644 file',
    code: 'PERMISSIONS_TOO_OPEN',
    setup: (content) => ({ path: writeFile(join(dir, unique('f')), content, 0o644) }),
    says: ['0644', 'chmod 600', 'defaultMode'],
  },
  {
    name: 'a file of another uid',
    code: 'INSECURE_OWNER',
    setup: (content) => {
      const path = writeFile(join(dir, unique('f')), content);
      fs.chownSync(path, NOBODY, NOBODY);
      return { path };
    },
    says: ['uid 65534', 'chown'],
  },
  {
    name: 'a file in a 0777 directory',
    code: 'INSECURE_PARENT',
    setup: (content) => {
      const loose = mkdir(join(dir, unique('d')));
      const path = writeFile(join(loose, 'f'), content);
      fs.chmodSync(loose, 0o777);
      return { path };
    },
    says: ['0777', 'chmod go-w'],
  },
  {
    name: 'a file outside the root',
    code: 'OUTSIDE_ROOT',
    setup: (content) => ({
      path: writeFile(join(dir, unique('f')), content),
      options: { root: mkdir(join(dir, unique('root'))) },
    }),
    says: ['outside the root', 'move the file'],
  },
  {
    name: 'a file over maxBytes',
    code: 'TOO_LARGE',
    setup: (content) => ({
      path: writeFile(join(dir, unique('f')), content),
      options: { maxBytes: 8 },
    }),
    says: ['bytes', 'raise maxBytes'],
  },
  {
    name: 'a path under a file',
    code: 'NOT_FOUND',
    setup: (content) => ({ path: join(writeFile(join(dir, unique('f')), content), 'x') }),
    says: ['not a directory', 'check the path'],
  },
  {
    name: 'a key that is not hex',
    code: 'INVALID_FORMAT',
    setup: (content) => ({ path: writeFile(join(dir, unique('f')), content) }),
    says: ['not a hexadecimal digit', '64 hexadecimal digits'],
    key: true,
  },
];

function loaders(key: boolean | undefined): readonly (readonly [string, Loader])[] {
  return key === true ? keyForms : secretForms;
}

describe('SEC-SECRET-012 error hygiene', () => {
  for (const each of cases) {
    for (const [form, load] of loaders(each.key)) {
      it(`SEC-SECRET-012 ${each.name} (${form}): no content; says what and how`, async () => {
        // 64 characters, so the key case has the right length and fails on its digits only.
        const content = `${marker()}${marker()}`.slice(0, 64);
        const { path, options } = each.setup(content);
        const error = await expectFailure(load(path, options), each.code, content);
        for (const words of each.says) expect(error.message).toContain(words);
        expect(error.message).toContain(dir);
      });
    }
  }
});
