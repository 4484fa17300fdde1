// What the packages' benchmarks share. Tinybench runs its tasks one after the other; on a
// shared machine the load changes between them, so a set of tasks runs in several rounds, in a
// new random order each time, and a ratio is the median of the per-round ratios: two tasks
// compared within one round saw the same load.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Bench } from 'tinybench';

export function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0] % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

// A call of ~100 ns is too close to the cost of reading the clock to be timed alone, so each
// tinybench iteration runs `batch` calls and reports the mean per call.
function batched(bench, batch, loop) {
  return () => {
    const start = bench.now();
    const sink = loop(batch);
    const elapsed = bench.now() - start;
    if (sink < 0) throw new Error('unreachable');
    return { overriddenDuration: elapsed / batch, overriddenIterationCost: elapsed };
  };
}

/**
 * Runs `tasks` ({ name: [batch, loop] }, where `loop(n)` makes n calls and returns a number)
 * for `rounds` rounds of `time` ms per task. Returns, per task, its median milliseconds per
 * call and, per round, its milliseconds per call (to take ratios within a round).
 */
export async function runRounds(tasks, { rounds, time, warmup }) {
  const names = Object.keys(tasks);
  const perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: round === 0 ? warmup : warmup / 6 });
    for (const name of shuffled(names)) {
      const [batch, loop] = tasks[name];
      bench.add(name, batched(bench, batch, loop));
    }
    await bench.run();
    for (const task of bench.tasks) perRound[task.name].push(task.result.latency.p50);
  }
  return perRound;
}

/** The median over rounds of `name`'s time divided by `baseline`'s in the same round. */
export function ratioOf(perRound, name, baseline) {
  return median(perRound[name].map((ms, i) => ms / perRound[baseline][i]));
}

/** One line naming the date, Node and the CPU, for the head of a benchmark's output. */
export function machine() {
  const cpus = os.cpus();
  return (
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
    `${String(cpus.length)} x ${cpus[0]?.model ?? 'unknown CPU'}`
  );
}
