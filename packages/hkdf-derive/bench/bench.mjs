// Benchmarks deriveKey against raw @noble/hashes hkdf (what it is built on) and node:crypto
// hkdfSync, measured in one run so that their ratios are comparable. Run with `pnpm bench` from the
// repository root, which builds dist/ first. Options: --time MS per task and round (default 300),
// --rounds N (default 7). Tinybench runs its tasks one after the other; on a shared machine the
// load changes between them, so the whole set runs in several rounds and each ratio is the median
// of the per-round ratios.
import { hkdfSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SecretBuffer } from '@llorch/secret-buffer';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { machine, median, ratioOf, runRounds } from '../../../tooling/bench/rounds.mjs';
import { deriveKey } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    time: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '7' },
  },
});
const time = Number(values.time);
const rounds = Number(values.rounds);
const ikm = new Uint8Array(randomBytes(32));
const secret = SecretBuffer.from(ikm);
const salt = new Uint8Array(randomBytes(32));
const DOMAIN = 'llorch:bench:session-cookie:v1';
const info = new TextEncoder().encode(DOMAIN);

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
  const batchedTasks = Object.fromEntries(
    Object.entries(tasks).map(([name, loop]) => [name, [20, loop]]),
  );
  const perRound = await runRounds(batchedTasks, { rounds, time, warmup: 300 });
  const names = Object.keys(tasks);
  for (const name of names) {
    rows.push({
      output: `${byteLength} B`,
      task: name,
      'us/call (median)': (median(perRound[name]) * 1e3).toFixed(2),
      'vs noble hkdf': `${ratioOf(perRound, name, names[0]).toFixed(2)}x`,
    });
  }
}

console.log(
  `@llorch/hkdf-derive benchmark, ${machine()}; 32-byte ikm and salt, ${info.length}-byte domain; ` +
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
