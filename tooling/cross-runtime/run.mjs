#!/usr/bin/env node
// `pnpm check:runtimes`: runs smoke.mjs under Node, Bun and Deno (pinned in the root
// devDependencies) against the built packages. Exits non-zero when any runtime fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = join(here, '../../node_modules/.bin');
const smoke = join(here, 'smoke.mjs');
const runtimes = [
  ['node', process.execPath, [smoke]],
  ['bun', join(bin, 'bun'), ['run', smoke]],
  ['deno', join(bin, 'deno'), ['run', '--allow-read', '--no-prompt', smoke]],
];

let failed = 0;
for (const [name, command, args] of runtimes) {
  const child = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  const ok = child.status === 0;
  if (!ok) failed += 1;
  const detail = (ok ? child.stdout : `${child.stdout}${child.stderr}${child.error ?? ''}`).trim();
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
}
process.exitCode = failed === 0 ? 0 : 1;
