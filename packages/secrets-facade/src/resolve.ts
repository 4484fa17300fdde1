import type { LoadOptions } from '@llorch/file-loader';
import { isSecretError, SecretError } from '@llorch/secret-buffer';
import { readFileVariable } from './environment.js';
import { asSecretError, describeType, invalid, isUrl, snapshotOptions } from './internal.js';
import { Secret, type CredentialOptions } from './secret.js';

/** Where {@link resolveServiceSecret} found the token. */
export type SecretSource = 'path' | 'file-env' | 'default-path' | 'systemd-credential' | 'env';

/** The directory of the default path: `/etc/llorch/secrets/<slug>`. */
export const DEFAULT_SECRETS_DIRECTORY = '/etc/llorch/secrets';

/** Options of {@link resolveServiceSecret}; the file-loader options apply to every file read. */
export interface ResolveOptions extends LoadOptions {
  /** An explicit path (from a flag or a config file). When given, nothing else is tried. */
  readonly path?: string | URL;
  /** The default path; `false` skips it. Default `/etc/llorch/secrets/<slug>`. */
  readonly defaultPath?: string | false;
  /** The systemd credential name; `false` skips it. Default `<slug>`. */
  readonly credential?: string | false;
  /** The credentials directory; default `$CREDENTIALS_DIRECTORY`. */
  readonly credentialsDirectory?: string;
  /**
   * Take the value of environment variable `<name>` as a last resort, through
   * {@link Secret.fromEnv} and its warning. Default `false`.
   */
  readonly allowEnv?: boolean;
}

/** What {@link resolveServiceSecret} found: the token and where it came from, never the value. */
export interface ResolvedSecret {
  readonly secret: Secret;
  readonly source: SecretSource;
  /** The file, for `path`, `file-env` and `default-path`, as configured (not resolved). */
  readonly path?: string;
  /** The credential name, for `systemd-credential`. */
  readonly credential?: string;
  /** The variable read: `<name>_FILE` for `file-env`, `<name>` for `env`. */
  readonly variable?: string;
}

interface Plan {
  readonly name: string;
  readonly path: string | URL | undefined;
  readonly defaultPath: string | undefined;
  readonly credential: string | undefined;
  readonly credentialsDirectory: string | undefined;
  readonly allowEnv: boolean;
  readonly load: LoadOptions;
}

const CALLER = 'resolveServiceSecret';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Secret.fromEnv's limit, so that every name accepted here can also be read with allowEnv;
// tested before the pattern, so that a huge string is refused without being scanned.
const MAX_VARIABLE_NAME_LENGTH = 1024;
const EXAMPLE_NAME = 'an environment variable name such as LLORCH_API_TOKEN';
const NAME_FORM = '1 to 1024 ASCII letters, digits and "_", not starting with a digit';

/**
 * Returns `name` once it is a variable name {@link resolveServiceSecret} accepts. The slug of
 * such a name holds only `a-z`, `0-9` and `-`, so it cannot climb out of
 * {@link DEFAULT_SECRETS_DIRECTORY}. Messages describe the expected form, never the value: a
 * caller who passes a token by mistake must not find it in a log.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` for a non-string or a name of another form
 */
function checkServiceName(name: unknown, caller: string): string {
  if (typeof name !== 'string') {
    throw invalid(`${caller}: name must be a string (${EXAMPLE_NAME}), not ${describeType(name)}`);
  }
  if (name.length > MAX_VARIABLE_NAME_LENGTH || !VARIABLE_NAME.test(name)) {
    throw invalid(`${caller}: name must be ${EXAMPLE_NAME}: ${NAME_FORM}`);
  }
  return name;
}

/**
 * The file and credential name a variable name implies: `LLORCH_API_TOKEN` gives `api-token`.
 * A leading `LLORCH_` goes, the rest is lower-cased, and `_` becomes `-`.
 *
 * @throws {SecretError} `INVALID_ARGUMENT` when `name` is not a string of the form
 *   {@link resolveServiceSecret} accepts (ASCII letters, digits and `_`, not starting with a
 *   digit, at most 1024 characters)
 */
export function secretSlug(name: string): string {
  const variable = checkServiceName(name, 'secretSlug');
  const bare = /^LLORCH_./.test(variable) ? variable.slice('LLORCH_'.length) : variable;
  return bare.toLowerCase().replaceAll('_', '-');
}

function optionalString(value: unknown, key: string, fallback: string): string | undefined {
  if (value === false) return undefined;
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value.length > 0) return value;
  throw invalid(`${CALLER}: options.${key} must be a non-empty string or false`);
}

function plan(name: unknown, options: unknown): Plan {
  const variable = checkServiceName(name, CALLER);
  const {
    path,
    defaultPath,
    credential,
    credentialsDirectory,
    allowEnv,
    ...load
  }: Record<string, unknown> = snapshotOptions(options, CALLER);
  if (path !== undefined && typeof path !== 'string' && !isUrl(path)) {
    throw invalid(
      `${CALLER}: options.path must be a string or a file: URL, not ${describeType(path)}`,
    );
  }
  if (allowEnv !== undefined && typeof allowEnv !== 'boolean') {
    throw invalid(`${CALLER}: options.allowEnv must be a boolean`);
  }
  if (credentialsDirectory !== undefined && typeof credentialsDirectory !== 'string') {
    throw invalid(`${CALLER}: options.credentialsDirectory must be a string`);
  }
  const slug = secretSlug(variable);
  const fallbackPath = `${DEFAULT_SECRETS_DIRECTORY}/${slug}`;
  return {
    name: variable,
    path,
    defaultPath: optionalString(defaultPath, 'defaultPath', fallbackPath),
    credential: optionalString(credential, 'credential', slug),
    credentialsDirectory,
    allowEnv: allowEnv === true,
    load,
  };
}

function credentialOptions(p: Plan): CredentialOptions {
  // A credential is always confined to its own directory; `root` does not apply to it.
  const rest: Record<string, unknown> = { ...p.load };
  delete rest['root'];
  if (p.credentialsDirectory !== undefined) rest['directory'] = p.credentialsDirectory;
  return rest;
}

function pathText(path: string | URL): string {
  return typeof path === 'string' ? path : path.href;
}

function notFound(p: Plan, tried: readonly string[]): SecretError {
  return new SecretError(
    'NOT_FOUND',
    `${CALLER}: no secret for ${p.name}; tried ${tried.join(', ')}. Write the token to a ` +
      `file (llorch-secrets gen <path>) and set ${p.name}_FILE to its path.`,
  );
}

function fallsThrough(
  error: unknown,
  ...codes: readonly ('NOT_FOUND' | 'CREDENTIALS_UNAVAILABLE')[]
) {
  return codes.some((code) => isSecretError(error, code));
}

function fromEnvironment(p: Plan, tried: string[]): ResolvedSecret {
  tried.push(`environment variable ${p.name}`);
  try {
    return { secret: Secret.fromEnv(p.name), source: 'env', variable: p.name };
  } catch (error) {
    if (fallsThrough(error, 'NOT_FOUND')) throw notFound(p, tried);
    throw error;
  }
}

/**
 * Finds a service's token the way operators expect, and says where it was found:
 *
 * 1. `options.path`, when given (a failure is final);
 * 2. else the file named by `<name>_FILE`, Docker's convention (a failure is final);
 * 3. else `options.defaultPath`, `/etc/llorch/secrets/<slug>` unless set (`NOT_FOUND` moves on;
 *    any other failure, such as `PERMISSIONS_TOO_OPEN`, is final);
 * 4. else the systemd credential `options.credential`, `<slug>` unless set (moves on when there
 *    is no credentials directory or no such credential);
 * 5. else, only with `allowEnv: true`, environment variable `<name>` through
 *    {@link Secret.fromEnv}, which warns and deletes it.
 *
 * `<slug>` is `name` without a leading `LLORCH_`, lower-cased, `_` turned to `-`:
 * `LLORCH_API_TOKEN` gives `/etc/llorch/secrets/api-token` and credential `api-token`.
 * The result names the source and the path, credential or variable, never the value.
 * Rejects, never throws.
 *
 * @throws {SecretError} `NOT_FOUND` when no source had the token (the message lists what was
 *   tried); `INVALID_ARGUMENT` for a bad name or options; any loader code from a source that
 *   exists but fails its checks
 * @example
 * ```ts
 * const { secret, source, path } = await resolveServiceSecret('LLORCH_API_TOKEN');
 * ```
 */
export async function resolveServiceSecret(
  name: string,
  options?: ResolveOptions,
): Promise<ResolvedSecret> {
  try {
    const p = plan(name, options);
    if (p.path !== undefined) {
      const secret = await Secret.loadFromFile(p.path, p.load);
      return { secret, source: 'path', path: pathText(p.path) };
    }
    const fileVariable = readFileVariable(p.name);
    if (fileVariable !== undefined) {
      const secret = await Secret.loadFromFile(fileVariable, p.load);
      return { secret, source: 'file-env', path: fileVariable, variable: `${p.name}_FILE` };
    }
    const tried = [`${p.name}_FILE (unset)`];
    if (p.defaultPath !== undefined) {
      tried.push(p.defaultPath);
      try {
        const secret = await Secret.loadFromFile(p.defaultPath, p.load);
        return { secret, source: 'default-path', path: p.defaultPath };
      } catch (error) {
        if (!fallsThrough(error, 'NOT_FOUND')) throw error;
      }
    }
    if (p.credential !== undefined) {
      tried.push(`systemd credential ${p.credential}`);
      try {
        const secret = await Secret.fromSystemdCredential(p.credential, credentialOptions(p));
        return { secret, source: 'systemd-credential', credential: p.credential };
      } catch (error) {
        if (!fallsThrough(error, 'NOT_FOUND', 'CREDENTIALS_UNAVAILABLE')) throw error;
      }
    }
    if (p.allowEnv) return fromEnvironment(p, tried);
    throw notFound(p, tried);
  } catch (error) {
    throw asSecretError(error, CALLER);
  }
}

/** The synchronous form of {@link resolveServiceSecret}. */
export function resolveServiceSecretSync(name: string, options?: ResolveOptions): ResolvedSecret {
  try {
    const p = plan(name, options);
    if (p.path !== undefined) {
      const secret = Secret.loadFromFileSync(p.path, p.load);
      return { secret, source: 'path', path: pathText(p.path) };
    }
    const fileVariable = readFileVariable(p.name);
    if (fileVariable !== undefined) {
      const secret = Secret.loadFromFileSync(fileVariable, p.load);
      return { secret, source: 'file-env', path: fileVariable, variable: `${p.name}_FILE` };
    }
    const tried = [`${p.name}_FILE (unset)`];
    if (p.defaultPath !== undefined) {
      tried.push(p.defaultPath);
      try {
        const secret = Secret.loadFromFileSync(p.defaultPath, p.load);
        return { secret, source: 'default-path', path: p.defaultPath };
      } catch (error) {
        if (!fallsThrough(error, 'NOT_FOUND')) throw error;
      }
    }
    if (p.credential !== undefined) {
      tried.push(`systemd credential ${p.credential}`);
      try {
        const secret = Secret.fromSystemdCredentialSync(p.credential, credentialOptions(p));
        return { secret, source: 'systemd-credential', credential: p.credential };
      } catch (error) {
        if (!fallsThrough(error, 'NOT_FOUND', 'CREDENTIALS_UNAVAILABLE')) throw error;
      }
    }
    if (p.allowEnv) return fromEnvironment(p, tried);
    throw notFound(p, tried);
  } catch (error) {
    throw asSecretError(error, `${CALLER}Sync`);
  }
}
