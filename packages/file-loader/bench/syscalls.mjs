// System calls per load, counted with `strace -c -f` (Debian's strace): each method runs
// N times and 0 times in fresh processes, and the difference is divided by N, so Node's own
// start-up calls cancel out. Run after `pnpm build`. `pnpm bench` runs this after the timing
// benchmark, so a machine without strace skips the count with a note rather than failing.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totalCalls } from './strace.mjs';

if (spawnSync('strace', ['-V'], { stdio: 'ignore' }).error?.code === 'ENOENT') {
  console.log(
    'system calls per load: skipped, strace is not on the PATH ' +
      '(install it, e.g. apt-get install strace, to count them)',
  );
  process.exit(0);
}

const RUNS = 1000;
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const dir = fs.mkdtempSync('/tmp/fl-strace-');
const path = join(dir, 'token');
fs.writeFileSync(path, randomBytes(32).toString('hex'));
fs.chmodSync(path, 0o600);

const methods = {
  'fs.readFileSync': 'for (let i = 0; i < n; i += 1) fs.readFileSync(p).fill(0);',
  loadSecretFileSync: 'for (let i = 0; i < n; i += 1) m.loadSecretFileSync(p).dispose();',
  'fs.promises.readFile': 'for (let i = 0; i < n; i += 1) (await fs.promises.readFile(p)).fill(0);',
  loadSecretFile: 'for (let i = 0; i < n; i += 1) (await m.loadSecretFile(p)).dispose();',
};

function count(body, n) {
  const script = `import * as fs from 'node:fs'; import * as m from ${JSON.stringify(dist)};
    const p = ${JSON.stringify(path)}; const n = ${String(n)}; ${body}`;
  const out = join(dir, 'strace.txt');
  execFileSync('strace', [
    '-c',
    '-f',
    '-o',
    out,
    process.execPath,
    '--input-type=module',
    '-e',
    script,
  ]);
  return totalCalls(fs.readFileSync(out, 'utf8'));
}

try {
  for (const [name, body] of Object.entries(methods)) {
    const perLoad = (count(body, RUNS) - count(body, 0)) / RUNS;
    console.log(`${name.padEnd(22)} ${perLoad.toFixed(1)} system calls per load`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
