/**
 * Dispatch of `llorch-secrets <command>`: exit status 0 on success, 1 when a check or an
 * operation failed, 2 when the command line was wrong.
 *
 * @module
 */
import { isSecretError } from '@llorch/secret-buffer';
import { commonFlags, type CommonFlags, type Options } from './args.js';
import { check, CHECK_OPTIONS } from './commands/check.js';
import { creds, CREDS_OPTIONS } from './commands/creds.js';
import { fingerprint, FINGERPRINT_OPTIONS } from './commands/fingerprint.js';
import { gen, GEN_OPTIONS } from './commands/gen.js';
import { verify, VERIFY_OPTIONS } from './commands/verify.js';
import { COMMAND_HELP, MAIN_HELP } from './help.js';
import { EXIT, printable, printJson, UsageError, type Io } from './output.js';
import { cliVersion } from './version.js';

interface Command {
  readonly run: (args: readonly string[], io: Io) => number | Promise<number>;
  /** Needed before the command runs, to tell an option's value from a flag. */
  readonly options: Options;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  gen: { run: gen, options: GEN_OPTIONS },
  check: { run: check, options: CHECK_OPTIONS },
  fingerprint: { run: fingerprint, options: FINGERPRINT_OPTIONS },
  verify: { run: verify, options: VERIFY_OPTIONS },
  creds: { run: creds, options: CREDS_OPTIONS },
};

function lookup(name: string | undefined): Command | undefined {
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

function printVersion(io: Io): number {
  io.out(`llorch-secrets ${cliVersion()}\n`);
  return EXIT.ok;
}

async function dispatch(argv: readonly string[], flags: CommonFlags, io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(MAIN_HELP);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_HELP);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V') return printVersion(io);
  const command = lookup(name);
  if (command === undefined) {
    throw new UsageError(`unknown command "${printable(name)}"`);
  }
  if (flags.help) {
    io.out(COMMAND_HELP[name] ?? MAIN_HELP);
    return EXIT.ok;
  }
  if (flags.version) return printVersion(io);
  return command.run(rest, io);
}

/**
 * Runs one command line and returns its exit status. Never throws: every failure is printed
 * (to standard error, or as JSON on standard output under `--json`) and becomes a status.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  // An unknown command has no options of its own, but its --json still asks for JSON.
  const flags = commonFlags(rest, lookup(name)?.options ?? {});
  try {
    return await dispatch(argv, flags, io);
  } catch (error) {
    if (error instanceof UsageError) {
      if (flags.json) {
        printJson(io, { ok: false, error: { code: 'USAGE', message: error.message } });
      }
      io.err(`llorch-secrets: ${error.message}\nRun "llorch-secrets --help" for usage.\n`);
      return EXIT.usage;
    }
    // SecretError messages hold metadata only (paths, modes, codes), never secret bytes.
    const code = isSecretError(error) ? error.code : 'INTERNAL';
    const message = isSecretError(error) ? printable(error.message) : 'unexpected failure';
    if (flags.json) printJson(io, { ok: false, error: { code, message } });
    io.err(`llorch-secrets: ${code}: ${message}\n`);
    return EXIT.failed;
  }
}
