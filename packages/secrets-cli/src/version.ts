/**
 * The version printed by `--version`, read from the package's own `package.json`, which sits
 * one directory above both `src/` and the built `dist/`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** The version of `@llorch/secrets-cli`, or `unknown` if its `package.json` cannot be read. */
export function cliVersion(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed) {
      const { version } = parsed;
      if (typeof version === 'string') return version;
    }
    return 'unknown';
  } catch {
    return 'unknown';
  }
}
