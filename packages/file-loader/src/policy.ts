/**
 * Every decision of a load, as pure functions over stat results: the synchronous and the
 * asynchronous loaders both call these, so they cannot drift apart. Messages carry metadata only
 * (paths, octal modes, uids, byte counts) and say how to fix what they report.
 *
 * @module
 */
import { SecretError } from '@llorch/secret-buffer';

/** The file types a stat result can report. */
export type Kind =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'fifo'
  | 'socket'
  | 'character device'
  | 'block device'
  | 'unknown';

/** What the checks need from a stat result. */
export interface Facts {
  readonly kind: Kind;
  readonly dev: bigint;
  readonly ino: bigint;
  /** Permission bits with set-id and sticky bits: `mode & 0o7777`. */
  readonly mode: number;
  readonly uid: number;
  readonly size: bigint;
  /** Whether `dev` and `ino` are exact: read as BigInt, not through a 53-bit number. */
  readonly exact: boolean;
}

/** The decisions that depend on the caller's options. */
export interface FilePolicy {
  readonly maxBytes: number;
  readonly allowGroupRead: boolean;
}

/** Linux gives up after 40 links (`MAXSYMLINKS`); the walk does the same. */
export const MAX_SYMLINKS = 40;

const GROUP_OTHER_WRITE = 0o022;
const GROUP_OTHER_ALL = 0o077;
const GROUP_READ = 0o040;
const OTHER_ALL = 0o007;
const STICKY = 0o1000;

/** A mode as `chmod` writes it: `0644`, `1777`. */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function trustedOwner(uid: number, euid: number): boolean {
  return uid === 0 || uid === euid;
}

function isRootSticky(facts: Facts): boolean {
  return facts.uid === 0 && (facts.mode & STICKY) !== 0;
}

/**
 * Why a directory on the path cannot be trusted, if it cannot: OpenSSH's StrictModes rule. It
 * must belong to root or the process's user and be writable by no one else, except a root-owned
 * directory with the sticky bit (such as `/tmp`), where no user can rename or delete what others
 * own.
 */
export function directoryProblem(
  path: string,
  facts: Facts,
  euid: number,
): SecretError | undefined {
  if (!trustedOwner(facts.uid, euid)) {
    return new SecretError(
      'INSECURE_PARENT',
      `${path}, a directory on the path to the secret, is owned by uid ${String(facts.uid)}, ` +
        `neither root nor this process's user (uid ${String(euid)}), so its owner could swap ` +
        `the file; chown it to root or to uid ${String(euid)}, or move the secret`,
      { path },
    );
  }
  if ((facts.mode & GROUP_OTHER_WRITE) !== 0 && !isRootSticky(facts)) {
    return new SecretError(
      'INSECURE_PARENT',
      `${path}, a directory on the path to the secret, has mode ${octal(facts.mode)}: other ` +
        `users can write to it and swap the file; run chmod go-w ${path}, or move the secret ` +
        'to a directory only its owner can write',
      { path },
    );
  }
  return undefined;
}

/**
 * Why a symlink on the path must not be followed, if it must not: `link`, with the `lstat`
 * `linkFacts`, sits in `directory`, with the `lstat` `directoryFacts`.
 *
 * Where only the directory's trusted owner can write, nobody else can have put the link there,
 * whoever owns it. A root-owned sticky directory (`/tmp`, or the 1777 volume a kubelet mounts)
 * lets anyone add a link, but lets no one rename or delete another user's, and a link's target
 * cannot be changed in place: so the link is as trustworthy as its owner, and one that belongs
 * to root or to the process's user is followed, as the kubelet's `key -> ..data/key` must be.
 * This is also the rule of Linux's `fs.protected_symlinks`. Any other group- or other-writable
 * directory leaves every link in it open to a swap.
 */
export function symlinkProblem(
  link: string,
  directory: string,
  directoryFacts: Facts,
  linkFacts: Facts,
  euid: number,
): SecretError | undefined {
  const problem = directoryProblem(directory, directoryFacts, euid);
  if (problem !== undefined) return problem;
  if ((directoryFacts.mode & GROUP_OTHER_WRITE) === 0) return undefined;
  if (trustedOwner(linkFacts.uid, euid)) return undefined;
  return new SecretError(
    'INSECURE_PARENT',
    `${link} is a symlink owned by uid ${String(linkFacts.uid)} inside ${directory}, a sticky ` +
      `directory other users can write to (mode ${octal(directoryFacts.mode)}), where a link ` +
      `is followed only when root or this process's user (uid ${String(euid)}) owns it; give ` +
      'the path of the target itself, or, if the link is meant to be there, run ' +
      `chown -h ${String(euid)} ${link}`,
    { path: directory },
  );
}

const ARTICLE: Readonly<Record<Kind, string>> = {
  file: 'a regular file',
  directory: 'a directory',
  symlink: 'a symbolic link',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  'character device': 'a character device',
  'block device': 'a block device',
  unknown: 'not a regular file',
};

function permissionsMessage(path: string, facts: Facts, policy: FilePolicy): string {
  const allowed = policy.allowGroupRead ? 'modes 0600, 0400, 0640 and 0440 are' : '0600 or 0400 is';
  let message =
    `${path} has mode ${octal(facts.mode)}, which lets group or others at it; a secret file ` +
    `must be readable by its owner only (${allowed} accepted): run chmod 600 ${path}`;
  if ((facts.mode & OTHER_ALL) !== 0) {
    message +=
      '. On Kubernetes, set defaultMode: 0400 on the secret volume, or defaultMode: 0440 ' +
      'with the pod securityContext fsGroup and allowGroupRead: true';
  }
  return message;
}

/**
 * Why a file cannot be loaded, if it cannot: its type, owner, mode and size, in that order. The
 * same function judges the `lstat` of the walk (before anything is opened) and the `fstat` of
 * the open descriptor (which is what counts).
 */
export function fileProblem(
  path: string,
  facts: Facts,
  euid: number,
  policy: FilePolicy,
): SecretError | undefined {
  if (facts.kind !== 'file') return notAFile(path, facts);
  if (!trustedOwner(facts.uid, euid)) {
    return new SecretError(
      'INSECURE_OWNER',
      `${path} is owned by uid ${String(facts.uid)}; a secret file must belong to root or to ` +
        `this process's user (uid ${String(euid)}): run chown ${String(euid)} ${path}`,
      { path },
    );
  }
  const tolerated = policy.allowGroupRead ? GROUP_READ : 0;
  if ((facts.mode & GROUP_OTHER_ALL & ~tolerated) !== 0) {
    return new SecretError('PERMISSIONS_TOO_OPEN', permissionsMessage(path, facts, policy), {
      path,
    });
  }
  return sizeProblem(path, facts, policy);
}

/** The checks that still apply where permissions cannot be verified: type and size. */
export function unverifiedFileProblem(
  path: string,
  facts: Facts,
  policy: FilePolicy,
): SecretError | undefined {
  if (facts.kind !== 'file') return notAFile(path, facts);
  return sizeProblem(path, facts, policy);
}

function notAFile(path: string, facts: Facts): SecretError {
  return new SecretError(
    'NOT_A_FILE',
    `${path} is ${ARTICLE[facts.kind]}, not a regular file; give the path of the secret file`,
    { path },
  );
}

function sizeProblem(path: string, facts: Facts, policy: FilePolicy): SecretError | undefined {
  if (facts.size <= BigInt(policy.maxBytes)) return undefined;
  return tooLarge(path, `is ${facts.size.toString()} bytes`, policy.maxBytes);
}

/** `TOO_LARGE`, for a size reported by `stat` or found while reading. */
export function tooLarge(path: string, what: string, maxBytes: number): SecretError {
  return new SecretError(
    'TOO_LARGE',
    `${path} ${what}, over the limit of ${String(maxBytes)} bytes (maxBytes); check that it ` +
      'is the right file, or raise maxBytes',
    { path },
  );
}

/**
 * Whether two stat results describe the same file: same device, same inode. Numbers that may
 * have lost precision never count as the same (overlayfs sets the high bits of inode numbers).
 */
export function sameFile(a: Facts, b: Facts): boolean {
  return a.exact && b.exact && a.dev === b.dev && a.ino === b.ino;
}

/** `CHANGED_DURING_LOAD`: the file checked is not the file opened. */
export function changedDuringLoad(path: string): SecretError {
  return new SecretError(
    'CHANGED_DURING_LOAD',
    `${path} was replaced between the path checks and the open, so nothing was read; load ` +
      'again, and find out what is rewriting it if this repeats',
    { path },
  );
}

/** Where in a load an operating-system error happened, for its message. */
export interface ErrnoContext {
  /** The path the caller gave (or the root), which the error carries. */
  readonly given: string;
  /** The path the failing call was made on. */
  readonly at: string;
  /** What was being done, such as `lstat` or `open`. */
  readonly action: string;
}

/**
 * Maps an operating-system error code to a `SecretError`, so no raw `ErrnoException` reaches a
 * caller: `ENOENT` and `ENOTDIR` are `NOT_FOUND`, everything else `IO` naming the code.
 */
export function failureFromErrno(errno: string, context: ErrnoContext): SecretError {
  const { given, at, action } = context;
  switch (errno) {
    case 'ENOENT':
      return new SecretError(
        'NOT_FOUND',
        given === at
          ? `${given} does not exist; check the path`
          : `${given}: ${at} does not exist; check the path and any symlink on it`,
        { path: given },
      );
    case 'ENOTDIR':
      return new SecretError(
        'NOT_FOUND',
        `${given}: ${at} is not a directory, yet the path goes on below it; check the path`,
        { path: given },
      );
    case 'ELOOP':
      return new SecretError(
        'IO',
        `${given}: too many levels of symbolic links (more than ${String(MAX_SYMLINKS)}, or a ` +
          'loop) (ELOOP); point the path at the file more directly',
        { path: given, errno },
      );
    case 'EACCES':
    case 'EPERM':
      return new SecretError(
        'IO',
        `${given}: permission denied (${errno}) on ${action} of ${at}; this process's user ` +
          'needs search (x) permission on every directory of the path and read permission on ' +
          'the file',
        { path: given, errno },
      );
    default:
      return new SecretError(
        'IO',
        `${given}: ${action} of ${at} failed with ${errno}; check the file system`,
        { path: given, errno },
      );
  }
}
