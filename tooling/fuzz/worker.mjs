// Runs one fuzz target in its own process (started by run.mjs), so that a hang can be killed,
// warnings can be silenced with --no-warnings, and environment changes stay contained.
// Protocol: process.send({ type: 'progress', inputs }) now and then, then one 'result'.
import { pathToFileURL } from 'node:url';
import { fc, loadPackage, makeSandbox, materialize } from './lib.mjs';

const [targetFile, targetName, runsArg, msArg, seedArg, timeoutArg] = process.argv.slice(2);
const numRuns = Number(runsArg);
const timeLimitMs = Number(msArg);
const seed = Number(seedArg);
const perInputTimeoutMs = Number(timeoutArg);

class FuzzFailure extends Error {}

function describeError(error) {
  if (error === null || typeof error !== 'object') return `a thrown ${typeof error}`;
  const name = String(error.constructor?.name ?? 'object');
  const code = typeof error.code === 'string' ? ` code ${error.code}` : '';
  return `${name}${code}`;
}

async function main() {
  const { targets } = await import(pathToFileURL(targetFile).href);
  const target = targets.find((t) => t.name === targetName);
  if (target === undefined) throw new Error(`no target ${targetName} in ${targetFile}`);

  const mods = {};
  const needs = { 'secret-buffer': ['isSecretError'], ...target.needs };
  for (const [pkg, names] of Object.entries(needs)) {
    const loaded = await loadPackage(pkg, names);
    if (loaded.missing !== undefined) {
      return { status: 'skipped', reason: loaded.missing, inputs: 0, failures: 0 };
    }
    mods[pkg] = loaded.mod;
  }
  const { isSecretError } = mods['secret-buffer'];
  const sandbox = makeSandbox();
  process.env.CREDENTIALS_DIRECTORY = sandbox.paths.creds;
  const ctx = { mods, sandbox };
  const state = target.setup ? await target.setup(ctx) : undefined;

  const judgeValue = (value, input) => {
    let message;
    try {
      message = target.check(ctx, value, input, state);
    } catch (error) {
      message = `the check itself threw ${describeError(error)} on the returned value`;
    }
    if (message !== undefined) throw new FuzzFailure(`returned, but ${message}`);
  };
  const judgeError = (error, input, how) => {
    if (target.neverThrows)
      throw new FuzzFailure(`${how} ${describeError(error)}; must never throw`);
    if (!isSecretError(error)) {
      throw new FuzzFailure(`${how} ${describeError(error)}, not a SecretError`);
    }
    const message = target.checkError?.(ctx, error, input, state);
    if (message !== undefined) throw new FuzzFailure(message);
  };

  // A fault in the target's own set-up code is reported as such, not blamed on the library.
  const harness = (step, fn) => {
    try {
      return fn();
    } catch (error) {
      throw new FuzzFailure(`the harness failed in ${step}: ${describeError(error)}`);
    }
  };

  const syncBody = (input) => {
    const live = materialize(input);
    const prepared = harness('prepare', () => (target.prepare ? target.prepare(ctx, live) : live));
    try {
      let value;
      try {
        value = target.call(ctx, prepared, state);
      } catch (error) {
        judgeError(error, prepared, 'threw');
        return;
      }
      judgeValue(value, prepared);
    } finally {
      harness('cleanup', () => target.cleanup?.(ctx, prepared));
    }
  };

  const asyncBody = async (input) => {
    const live = materialize(input);
    const prepared = harness('prepare', () => (target.prepare ? target.prepare(ctx, live) : live));
    try {
      let pending;
      try {
        pending = target.call(ctx, prepared, state);
      } catch (error) {
        throw new FuzzFailure(`threw ${describeError(error)} synchronously; must reject instead`);
      }
      if (pending === null || typeof pending?.then !== 'function') {
        throw new FuzzFailure('did not return a promise');
      }
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new FuzzFailure(`did not settle within ${String(perInputTimeoutMs)} ms`)),
          perInputTimeoutMs,
        );
      });
      let value;
      try {
        value = await Promise.race([pending, timeout]);
      } catch (error) {
        if (error instanceof FuzzFailure) throw error;
        judgeError(error, prepared, 'rejected with');
        return;
      } finally {
        clearTimeout(timer);
      }
      judgeValue(value, prepared);
    } finally {
      harness('cleanup', () => target.cleanup?.(ctx, prepared));
    }
  };

  const arbitrary = target.arbitrary(ctx, state);
  const property = target.async
    ? fc.asyncProperty(arbitrary, asyncBody)
    : fc.property(arbitrary, syncBody);
  // Chunks of CHUNK runs, each with its own seed, let the event loop turn in between so that
  // progress reaches run.mjs (its watchdog kills a worker that goes quiet) even for a
  // synchronous target, and let a --minutes run stop on time.
  const CHUNK = 1000;
  const started = performance.now();
  const deadline = timeLimitMs > 0 ? started + timeLimitMs : Infinity;
  let total = 0;
  let chunk = 0;
  let details;
  let chunkSeed = seed;
  while (timeLimitMs > 0 ? performance.now() < deadline : total < numRuns) {
    chunkSeed = (seed + chunk * 7919) | 0;
    const runs = timeLimitMs > 0 ? CHUNK : Math.min(CHUNK, numRuns - total);
    const params = { seed: chunkSeed, numRuns: runs };
    details = target.async ? await fc.check(property, params) : fc.check(property, params);
    total += details.numRuns;
    chunk += 1;
    process.send({ type: 'progress', inputs: total });
    if (details.failed) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  sandbox.cleanup();

  const result = {
    status: details?.failed ? 'failed' : 'passed',
    inputs: total,
    failures: details?.failed ? 1 : 0,
    seconds: Number(seconds.toFixed(2)),
  };
  if (details?.failed) {
    const error = details.errorInstance;
    const reason = error instanceof FuzzFailure ? error.message : describeError(error);
    const counterexample = details.counterexample?.[0];
    let shown = counterexample;
    try {
      if (target.redact) shown = target.redact(counterexample);
    } catch {
      shown = '<counterexample withheld: redaction failed>';
    }
    result.failure = {
      reason,
      counterexample: fc.stringify(shown).slice(0, 2000),
      seed: chunkSeed,
      path: details.counterexamplePath,
    };
  }
  return result;
}

main().then(
  (result) => process.send({ type: 'result', result }, () => process.exit(0)),
  (error) => {
    process.send(
      {
        type: 'result',
        result: {
          status: 'failed',
          inputs: 0,
          failures: 1,
          failure: { reason: `the harness failed: ${String(error?.stack ?? error)}` },
        },
      },
      () => process.exit(1),
    );
  },
);
