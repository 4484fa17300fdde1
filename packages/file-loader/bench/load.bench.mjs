// Cost of a careful load against Node's plain reads of the same 64-byte 0600 file, in one run.
// Targets (issue 4): loadSecretFileSync at most 3x fs.readFileSync, loadSecretFile at most
// 1.5x fs.promises.readFile. Run after `pnpm build`: it measures dist/, what users get.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { loadSecretFile, loadSecretFileSync } from '../dist/index.js';

const dir = fs.mkdtempSync('/tmp/fl-bench-');
const path = join(dir, 'token');
fs.writeFileSync(path, randomBytes(32).toString('hex'));
fs.chmodSync(path, 0o600);

const bench = new Bench({ time: 1500, warmup: true, warmupTime: 300 });
bench
  .add('fs.readFileSync', () => {
    fs.readFileSync(path).fill(0);
  })
  .add('loadSecretFileSync', () => {
    loadSecretFileSync(path).dispose();
  })
  .add('fs.promises.readFile', async () => {
    (await fs.promises.readFile(path)).fill(0);
  })
  .add('loadSecretFile', async () => {
    (await loadSecretFile(path)).dispose();
  });

try {
  await bench.run();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const mean = (name) => {
  const task = bench.tasks.find((candidate) => candidate.name === name);
  const latency = task?.result?.latency?.mean;
  if (typeof latency !== 'number') throw new Error(`${name}: no result`);
  return latency;
};

const rows = bench.tasks.map((task) => ({
  task: task.name,
  'mean (µs)': (mean(task.name) * 1000).toFixed(2),
  'ops/s': Math.round(1000 / mean(task.name)),
}));
console.table(rows);

const sync = mean('loadSecretFileSync') / mean('fs.readFileSync');
const async = mean('loadSecretFile') / mean('fs.promises.readFile');
const model = cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${String(cpus().length)} cores, ${model}, Node ${process.version}`);
console.log(`loadSecretFileSync / fs.readFileSync     = ${sync.toFixed(2)}x (target <= 3x)`);
console.log(`loadSecretFile / fs.promises.readFile   = ${async.toFixed(2)}x (target <= 1.5x)`);
