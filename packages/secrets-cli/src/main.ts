/**
 * Dispatch of `llorch-secrets <command>`: exit status 0 on success, 1 when a check or an
 * operation failed, 2 when the command line was wrong.
 *
 * @module
 */
import { isSecretError } from '@llorch/secret-buffer';
import { check } from './commands/check.js';
import { creds } from './commands/creds.js';
import { fingerprint } from './commands/fingerprint.js';
import { gen } from './commands/gen.js';
import { verify } from './commands/verify.js';
import { COMMAND_HELP, MAIN_HELP } from './help.js';
import { EXIT, printable, printJson, UsageError, type Io } from './output.js';
import { cliVersion } from './version.js';

type Command = (args: readonly string[], io: Io) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = { gen, check, fingerprint, verify, creds };

function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(MAIN_HELP);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_HELP);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.out(`llorch-secrets ${cliVersion()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new UsageError(`unknown command "${printable(name)}"`);
  }
  if (wantsHelp(rest)) {
    io.out(COMMAND_HELP[name] ?? MAIN_HELP);
    return EXIT.ok;
  }
  return command(rest, io);
}

/**
 * Runs one command line and returns its exit status. Never throws: every failure is printed
 * (to standard error, or as JSON on standard output under `--json`) and becomes a status.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const json = argv.includes('--json');
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      if (json) printJson(io, { ok: false, error: { code: 'USAGE', message: error.message } });
      io.err(`llorch-secrets: ${error.message}\nRun "llorch-secrets --help" for usage.\n`);
      return EXIT.usage;
    }
    // SecretError messages hold metadata only (paths, modes, codes), never secret bytes.
    const code = isSecretError(error) ? error.code : 'INTERNAL';
    const message = isSecretError(error) ? printable(error.message) : 'unexpected failure';
    if (json) printJson(io, { ok: false, error: { code, message } });
    io.err(`llorch-secrets: ${code}: ${message}\n`);
    return EXIT.failed;
  }
}
