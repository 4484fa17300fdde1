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
} as const satisfies ParseArgsConfig['options'];

/** The options and positionals of one command's arguments. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Parses `args` strictly against `options`; unknown options and missing values are usage errors. */
export function parse(args: readonly string[], options: ParseArgsConfig['options']): Parsed {
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
