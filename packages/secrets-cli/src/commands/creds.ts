/**
 * `llorch-secrets creds list`: the names of a service's systemd credentials, never their contents.
 *
 * @module
 */
import { isSecretError, SecretError } from '@llorch/secret-buffer';
import { credentialsDirectory, listCredentials } from '@llorch/systemd-creds';
import { parse, stringOption, type Options } from '../args.js';
import { EXIT, printable, printJson, UsageError, type Io } from '../output.js';

function fromEnvironment(): string {
  try {
    return credentialsDirectory();
  } catch (error) {
    if (!isSecretError(error, 'CREDENTIALS_UNAVAILABLE')) throw error;
    throw new SecretError(
      'CREDENTIALS_UNAVAILABLE',
      '$CREDENTIALS_DIRECTORY is not set: run this inside a systemd service with ' +
        'LoadCredential= (e.g. systemd-run --pty -p LoadCredential=...), or pass --directory <dir>',
    );
  }
}

/** The options of `creds`. */
export const CREDS_OPTIONS = { directory: { type: 'string' } } as const satisfies Options;

/** Runs `creds`; returns the exit status. */
export async function creds(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, CREDS_OPTIONS);
  const [sub, ...extra] = parsed.positionals;
  if (sub !== 'list' || extra.length > 0) {
    throw new UsageError('expected: llorch-secrets creds list [--directory <dir>]');
  }
  const option = stringOption(parsed, 'directory');
  const directory = option ?? fromEnvironment();
  const names = await listCredentials({ directory });
  if (parsed.values['json'] === true) {
    printJson(io, { ok: true, directory, credentials: names });
    return EXIT.ok;
  }
  io.out(
    `${printable(directory)}: ${String(names.length)} credential${names.length === 1 ? '' : 's'}\n`,
  );
  for (const name of names) io.out(`  ${printable(name)}\n`);
  return EXIT.ok;
}
