/**
 * The CLI's one read of the environment: whether standard output gets colour.
 *
 * @module
 */

/** What the colour decision depends on; tests pass their own. */
export interface ColorInputs {
  /** Whether standard output is a terminal; `undefined` for a pipe or a file, as in Node. */
  readonly isTTY: boolean | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Node's verdict on the terminal (`tty.WriteStream#hasColors`, which reads `FORCE_COLOR`,
   * `TERM` and the like). A function, because pipes and files have no such method: it is only
   * called for a terminal.
   */
  readonly hasColors: () => boolean;
}

/**
 * Whether to write colour escapes: only to a terminal, never when `NO_COLOR` is set to a
 * non-empty value (https://no-color.org: an empty value counts as unset), and otherwise as
 * Node's `hasColors` says.
 */
export function colorEnabled({ isTTY, env, hasColors }: ColorInputs): boolean {
  // FORCE_COLOR, which hasColors honours, must not put escapes into a log file or a pipe.
  if (isTTY !== true) return false;
  // Checked here, not left to hasColors, because there FORCE_COLOR overrides NO_COLOR.
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor.length > 0) return false;
  return hasColors();
}

/** {@link colorEnabled} for this process's standard output. */
export function stdoutColorEnabled(): boolean {
  // NO_COLOR is the convention every command-line tool follows; tooling/eslint.config.js names
  // this file as the CLI's one reader of the environment.
  return colorEnabled({
    isTTY: process.stdout.isTTY,
    env: process.env,
    hasColors: () => process.stdout.hasColors(),
  });
}
