#!/usr/bin/env node
// `pnpm fuzz`: property-based fuzzing with fast-check (Jazzer.js cannot load on this machine).
// Every target in targets/*.mjs runs in its own worker process; each input must make the
// function return the right type or throw a SecretError, never anything else, never hang.
//
//   pnpm fuzz                      10,000 inputs per target, fixed seed (the CI pass)
//   pnpm fuzz --minutes 60         each target for 60 minutes, random seed
//   pnpm fuzz --target verify      only targets whose name contains "verify"
//   pnpm fuzz --seed 42 --runs 500 reproduce a reported chunk seed
//   pnpm fuzz --controls           known-bad targets: passes only if every one of them fails
//   pnpm fuzz --allow-skipped      tolerate targets skipped for want of a built package
//
// Writes tooling/fuzz/results.json for the audit report. Exit status 1 on any failure, and on
// any skipped target unless --allow-skipped: a target skipped because its package is not
// built, or lacks the export, ran no input, and a pass that counted only failures would let
// CI go green without fuzzing it. A skipped control is never tolerated: it caught nothing.
import { execFileSync, fork } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const here = new URL('.', import.meta.url).pathname;
const DEFAULT_SEED = 20251001;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    runs: { type: 'string', default: '10000' },
    target: { type: 'string' },
    seed: { type: 'string' },
    jobs: { type: 'string' },
    timeout: { type: 'string', default: '5000' },
    out: { type: 'string' },
    controls: { type: 'boolean', default: false },
    'allow-skipped': { type: 'boolean', default: false },
  },
});

const minutes = values.minutes === undefined ? 0 : Number(values.minutes);
// A long run gets a file of its own, so that the short pass every `pnpm test:all` runs cannot
// overwrite the only evidence of the spec's hour per target before a release.
const out = values.out ?? join(here, minutes > 0 ? 'results-long.json' : 'results.json');
const runs = Number(values.runs);
if (!(minutes >= 0) || !Number.isInteger(runs) || runs < 1) {
  console.error(
    'usage: pnpm fuzz [--minutes N] [--runs N] [--target TEXT] [--seed N] [--jobs N] ' +
      '[--allow-skipped]',
  );
  process.exit(2);
}
const seed =
  values.seed !== undefined
    ? Number(values.seed)
    : minutes > 0
      ? Math.floor(Math.random() * 2 ** 31)
      : DEFAULT_SEED;
const jobs = Number(values.jobs ?? Math.max(1, availableParallelism()));
const perInputTimeout = Number(values.timeout);
// A worker reports after every 1,000 inputs; silence this long means a hung input.
const WATCHDOG_MS = Math.max(120_000, perInputTimeout * 4);

const queue = [];
const targetDir = join(here, values.controls ? 'controls' : 'targets');
for (const file of readdirSync(targetDir).sort()) {
  if (!file.endsWith('.mjs')) continue;
  const path = join(targetDir, file);
  const { targets } = await import(pathToFileURL(path).href);
  for (const target of targets) {
    const id = `${target.pkg}: ${target.name}`;
    if (values.target !== undefined && !id.includes(values.target)) continue;
    queue.push({ id, file: path, name: target.name, pkg: target.pkg, async: !!target.async });
  }
}
if (queue.length === 0) {
  console.error('no fuzz target matched');
  process.exit(2);
}

function runOne(job) {
  return new Promise((resolve) => {
    const child = fork(
      join(here, 'worker.mjs'),
      [
        job.file,
        job.name,
        String(runs),
        String(minutes * 60_000),
        String(seed),
        String(perInputTimeout),
      ],
      { execArgv: ['--no-warnings'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let inputs = 0;
    let settled = false;
    let watchdog;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      resolve({ target: job.name, package: job.pkg, ...result });
    };
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        child.kill('SIGKILL');
        finish({
          status: 'failed',
          inputs,
          failures: 1,
          failure: {
            reason:
              `no progress for ${String(WATCHDOG_MS / 1000)} s ` +
              `after ${String(inputs)} inputs: a hang`,
            seed,
          },
        });
      }, WATCHDOG_MS);
    };
    arm();
    child.on('message', (message) => {
      if (message?.type === 'progress') {
        inputs = message.inputs;
        arm();
      } else if (message?.type === 'result') {
        finish(message.result);
      }
    });
    child.on('exit', (code, signal) => {
      finish({
        status: 'failed',
        inputs,
        failures: 1,
        failure: { reason: `the worker exited (${String(signal ?? code)}) without a result`, seed },
      });
    });
  });
}

const mode =
  minutes > 0 ? `${String(minutes)} min per target` : `${String(runs)} inputs per target`;
console.log(
  `fuzz: ${String(queue.length)} targets, ${mode}, seed ${String(seed)}, ${String(jobs)} jobs`,
);
const started = performance.now();
const results = [];
let next = 0;
async function lane() {
  while (next < queue.length) {
    const job = queue[next];
    next += 1;
    const result = await runOne(job);
    results.push(result);
    const tail =
      result.status === 'skipped'
        ? `skipped (${result.reason})`
        : `${result.status}: ${String(result.inputs)} inputs in ${String(result.seconds ?? '?')} s`;
    console.log(`  ${job.id.padEnd(52)} ${tail}`);
    if (result.failure !== undefined) {
      console.log(`    reason: ${result.failure.reason}`);
      if (result.failure.counterexample !== undefined) {
        console.log(`    counterexample: ${result.failure.counterexample}`);
      }
      console.log(
        `    reproduce: pnpm fuzz --target "${job.name}" --seed ${String(result.failure.seed)}`,
      );
    }
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, lane));
const seconds = (performance.now() - started) / 1000;

// The commit fuzzed, so that the audit report can tell whether a long run still describes the
// code; null outside a git checkout (an unpacked tarball).
function currentCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

const order = (a, b) => (a.package + a.target < b.package + b.target ? -1 : 1);
results.sort(order);
const failed = results.filter((r) => r.status === 'failed');
const skipped = results.filter((r) => r.status === 'skipped');
const report = {
  tool: 'fast-check property fuzzing (tooling/fuzz/run.mjs)',
  fastCheckVersion: (await import('fast-check')).default.__version,
  finishedAt: new Date().toISOString(),
  commit: currentCommit(),
  mode: minutes > 0 ? { minutesPerTarget: minutes } : { inputsPerTarget: runs },
  seed,
  perInputTimeoutMs: perInputTimeout,
  seconds: Number(seconds.toFixed(1)),
  targets: results,
};
if (values.controls) {
  const missed = results.filter((r) => r.status !== 'failed');
  for (const r of missed) {
    const why = r.status === 'skipped' ? `skipped: ${r.reason}` : r.status;
    console.log(`  control NOT caught: ${r.target} (${why})`);
  }
  console.log(
    `fuzz controls: ${String(results.length - missed.length)}/${String(results.length)} caught`,
  );
  process.exit(missed.length > 0 || results.length === 0 ? 1 : 0);
}
// A --target run reproduces one case; it must not overwrite the full record the audit reads.
if (values.target === undefined) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
const ran = results.filter((r) => r.status !== 'skipped');
const total = ran.reduce((sum, r) => sum + r.inputs, 0);
console.log(
  `fuzz: ${String(ran.length - failed.length)} passed, ${String(failed.length)} failed, ` +
    `${String(skipped.length)} skipped; ${String(total)} inputs in ${seconds.toFixed(1)} s`,
);
const skipFails = skipped.length > 0 && !values['allow-skipped'];
if (skipped.length > 0) {
  console.log(
    skipFails
      ? `fuzz: failing because ${String(skipped.length)} target(s) were skipped and ran no input:`
      : `fuzz: ${String(skipped.length)} target(s) skipped, tolerated by --allow-skipped:`,
  );
  for (const r of skipped) console.log(`  ${r.package}: ${r.target}: ${r.reason}`);
  if (skipFails) {
    console.log(
      '  build the packages first (pnpm build), or pass --allow-skipped to tolerate this ' +
        '(for a local run against a partly built tree, never in CI)',
    );
  }
}
process.exitCode = failed.length > 0 || skipFails ? 1 : 0;
