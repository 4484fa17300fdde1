import { isSecretError } from '@llorch/secret-buffer';
import { describe, expect, it } from 'vitest';
import { symlinkProblem, type Facts } from '../src/policy.js';

// The walk refuses a loose directory before it meets a link in it, so only calling the rule
// directly shows that the rule itself refuses it too, and with an euid other than root's.
const USER = 1_000;
const STRANGER = 65_534;

function facts(kind: 'directory' | 'symlink', mode: number, uid: number): Facts {
  return { kind, dev: 1n, ino: 2n, mode, uid, size: 0n, exact: false };
}

const DIRECTORY = '/volume';
const LINK = '/volume/key';

describe('symlinkProblem', () => {
  it.each([
    ['a root-owned link in a root-owned 1777 directory', 0o1777, 0, 0],
    ["the process's user's link in a root-owned 1777 directory", 0o1777, 0, USER],
    ['a root-owned link in a root-owned 1770 directory', 0o1770, 0, 0],
    ["a stranger's link in a root-owned 0755 directory", 0o755, 0, STRANGER],
    ["a stranger's link in the process's user's 0700 directory", 0o700, USER, STRANGER],
  ])('SEC-SECRET-023 follows %s', (_label, mode, owner, linkOwner) => {
    const problem = symlinkProblem(
      LINK,
      DIRECTORY,
      facts('directory', mode, owner),
      facts('symlink', 0o777, linkOwner),
      USER,
    );
    expect(problem).toBeUndefined();
  });

  it.each([
    ["a stranger's link in a root-owned 1777 directory", 0o1777, 0, STRANGER, 'chown -h 1000'],
    ["a stranger's link in a root-owned 1770 directory", 0o1770, 0, STRANGER, 'chown -h 1000'],
    ['a root-owned link in a root-owned 0777 directory', 0o777, 0, 0, 'chmod go-w'],
    ['a root-owned link in a root-owned 0757 directory', 0o757, 0, 0, 'chmod go-w'],
    ["the user's link in the user's 1777 directory", 0o1777, USER, USER, 'chmod go-w'],
    ["a root-owned link in a stranger's 1777 directory", 0o1777, STRANGER, 0, 'chown it'],
  ])('SEC-SECRET-023 refuses %s', (_label, mode, owner, linkOwner, fix) => {
    const problem = symlinkProblem(
      LINK,
      DIRECTORY,
      facts('directory', mode, owner),
      facts('symlink', 0o777, linkOwner),
      USER,
    );
    expect(isSecretError(problem, 'INSECURE_PARENT')).toBe(true);
    expect(problem?.path).toBe(DIRECTORY);
    expect(problem?.message).toContain(fix);
  });

  it("SEC-SECRET-023 names the link, its owner, the directory's mode and both fixes", () => {
    const problem = symlinkProblem(
      LINK,
      DIRECTORY,
      facts('directory', 0o1777, 0),
      facts('symlink', 0o777, STRANGER),
      USER,
    );
    expect(problem?.message).toBe(
      '/volume/key is a symlink owned by uid 65534 inside /volume, a sticky directory other ' +
        'users can write to (mode 1777), where a link is followed only when root or this ' +
        "process's user (uid 1000) owns it; give the path of the target itself, or, if the " +
        'link is meant to be there, run chown -h 1000 /volume/key',
    );
  });
});
