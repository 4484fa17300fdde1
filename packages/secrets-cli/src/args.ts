/**
 * Command-line parsing, through `node:util` `parseArgs`, with every failure turned into a
 * {@link UsageError} (exit status 2).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './output.js';

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies ParseArgsConfig['options'];

/** A command's own options, beside {@link COMMON_OPTIONS}. */
export type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every command accepts that are answered before the command runs. */
export interface CommonFlags {
  readonly help: boolean;
  readonly version: boolean;
  readonly json: boolean;
}

/**
 * Reads `--help`, `--version` and `--json` among `args` as {@link parse} would (knowing which
 * of the command's options take a value, stopping at `--`), but without rejecting anything:
 * `--help` still answers beside a mistake, and a usage error is still reported as JSON.
 */
export function commonFlags(args: readonly string[], options: Options): CommonFlags {
  const known: Options = { ...COMMON_OPTIONS, ...options };
  const { tokens } = parseArgs({
    args: [...args],
    options: known,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const byArgument = new Map<number, { name: string; value: string | undefined }[]>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const group = byArgument.get(token.index) ?? [];
    group.push({ name: token.name, value: token.value });
    byArgument.set(token.index, group);
  }
  const given = new Set<string>();
  for (const group of byArgument.values()) {
    // Lenient parsing reads `-Vq7x` (a token that starts with a dash, say) as -V -q -7 -x;
    // strict parsing rejects it whole, so here it asks for nothing; nor does `--help=x`.
    if (!group.every((option) => Object.hasOwn(known, option.name))) continue;
    for (const option of group) if (option.value === undefined) given.add(option.name);
  }
  return { help: given.has('help'), version: given.has('version'), json: given.has('json') };
}

/** The options and positionals of one command's arguments. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

// The longest unknown option a message repeats. Tokens from `gen` are 43 characters and hex
// keys 64, so an argument this short that looks like an option name is not a whole secret.
const MAX_SHOWN_OPTION = 24;
const OPTION_NAME = /^--?[A-Za-z][A-Za-z0-9-]*$/;

/**
 * Names an unknown option without repeating what may be a secret: someone who pastes a token
 * on the command line by mistake (`verify <path> --3xq...`) must not find it echoed to a
 * terminal or a CI log. Only a short argument shaped like an option name is shown.
 */
function unknownOption(args: readonly string[], options: Options): string {
  const all: Options = { ...COMMON_OPTIONS, ...options };
  const known = new Set(Object.keys(all));
  for (const option of Object.values(all)) if (option.short !== undefined) known.add(option.short);
  for (const argument of args) {
    if (argument === '--') break;
    if (!argument.startsWith('-') || argument === '-') continue;
    const name = argument.split('=', 1)[0] ?? argument;
    if (known.has(name.replace(/^--?/, ''))) continue;
    if (name.length <= MAX_SHOWN_OPTION && OPTION_NAME.test(name)) {
      return `unknown option ${name} (see --help)`;
    }
    return (
      `an argument of ${String(argument.length)} characters starting with "-" is not an ` +
      'option (not shown: it may be a secret); run with --help'
    );
  }
  return 'unknown option (see --help)';
}

/**
 * Parses `args` strictly against `options`; unknown options and missing values are usage
 * errors.
 */
export function parse(args: readonly string[], options: Options): Parsed {
  try {
    const result = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      strict: true,
      allowPositionals: true,
    });
    const values: Record<string, unknown> = result.values;
    const { positionals } = result;
    const flat: Record<string, string | boolean | undefined> = {};
    for (const [key, value] of Object.entries(values)) {
      const last: unknown = Array.isArray(value) ? value.at(-1) : value;
      if (typeof last === 'string' || typeof last === 'boolean') flat[key] = last;
    }
    return { values: flat, positionals };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(unknownOption(args, options));
    // The other parseArgs errors name an option and what it lacks, never an argument's value.
    throw new UsageError(error instanceof Error ? error.message : 'invalid arguments');
  }
}

/** A string option's value, or `undefined`; an empty value is a usage error. */
export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new UsageError(`--${name} needs a non-empty value`);
  }
  return value;
}

/** Whether a boolean flag was given. */
export function flag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

/** Exactly `count` positionals, else a usage error naming `what`. */
export function exactly(parsed: Parsed, count: number, what: string): readonly string[] {
  if (parsed.positionals.length !== count) {
    throw new UsageError(`expected ${what}`);
  }
  return parsed.positionals;
}
