// Benchmarks deriveKey against raw @noble/hashes hkdf (what it is built on) and node:crypto
// hkdfSync, measured in one run so that their ratios are comparable. Run with `pnpm bench` from the
// repository root, which builds dist/ first. Options: --time MS per task and round (default 300),
// --rounds N (default 7). Tinybench runs its tasks one after the other; on a shared machine the
// load changes between them, so the whole set runs in several rounds and each ratio is the median
// of the per-round ratios.
import { hkdfSync, randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { SecretBuffer } from '@llorch/secret-buffer';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Bench } from 'tinybench';
import { deriveKey } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    time: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '7' },
  },
});
const time = Number(values.time);
const rounds = Number(values.rounds);
const shuffled = (items) => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0] % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
};
const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const ikm = new Uint8Array(randomBytes(32));
const secret = SecretBuffer.from(ikm);
const salt = new Uint8Array(randomBytes(32));
const DOMAIN = 'llorch:bench:session-cookie:v1';
const info = new TextEncoder().encode(DOMAIN);

// Each iteration runs a small batch and reports the mean per call.
function batched(bench, batch, loop) {
  return () => {
    const start = bench.now();
    const sink = loop(batch);
    const elapsed = bench.now() - start;
    if (sink < 0) throw new Error('unreachable');
    return { overriddenDuration: elapsed / batch, overriddenIterationCost: elapsed };
  };
}

const rows = [];
for (const byteLength of [32, 64]) {
  const tasks = {
    'noble hkdf (raw)': (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) k += hkdf(sha256, ikm, salt, info, byteLength).length;
      return k;
    },
    'deriveKey (Uint8Array ikm)': (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) {
        const key = deriveKey(ikm, DOMAIN, { salt, byteLength });
        k += key.byteLength;
        key.dispose();
      }
      return k;
    },
    'deriveKey (SecretBuffer ikm)': (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) {
        const key = deriveKey(secret, DOMAIN, { salt, byteLength });
        k += key.byteLength;
        key.dispose();
      }
      return k;
    },
    'node:crypto hkdfSync': (n) => {
      let k = 0;
      for (let i = 0; i < n; i++) k += hkdfSync('sha256', ikm, salt, info, byteLength).byteLength;
      return k;
    },
  };
  const perRound = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: round === 0 ? 300 : 50 });
    for (const name of shuffled(Object.keys(tasks)))
      bench.add(name, batched(bench, 20, tasks[name]));
    await bench.run();
    for (const task of bench.tasks) perRound[task.name].push(task.result.latency.p50 * 1e3);
  }
  const names = Object.keys(tasks);
  const baseline = perRound[names[0]];
  for (const name of names) {
    rows.push({
      output: `${byteLength} B`,
      task: name,
      'us/call (median)': median(perRound[name]).toFixed(2),
      'vs noble hkdf': `${median(perRound[name].map((us, i) => us / baseline[i])).toFixed(2)}x`,
    });
  }
}

const cpus = os.cpus();
console.log(
  `@llorch/hkdf-derive benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
    `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}; 32-byte ikm and salt, ${info.length}-byte domain; ` +
    `median of ${rounds} rounds`,
);
console.table(rows);
const ratio = Number.parseFloat(
  rows.find((row) => row.output === '32 B' && row.task === 'deriveKey (Uint8Array ikm)')[
    'vs noble hkdf'
  ],
);
console.log(
  `target: deriveKey at 32 B <= 1.20x raw noble hkdf: ${ratio.toFixed(2)}x, ${ratio <= 1.2 ? 'met' : 'NOT met'}`,
);
