// Benchmarks @llorch/ct-verify against crypto.timingSafeEqual, tsscmp and a double HMAC, all
// measured in one run so that their ratios are comparable. Run with `pnpm bench` from the
// repository root, which builds dist/ first. Options: --time MS per task and round (default 200),
// --rounds N (default 7).
//
// One call takes about 100 ns, too close to the cost of reading the clock to be timed alone, so
// each tinybench iteration runs a batch of calls and reports the mean per call. Tinybench runs its
// tasks one after the other; on a shared machine the load changes between them, so the whole set
// runs in several rounds, in a new random order each time, and each ratio is the median of the per-
// round ratios.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseArgs } from 'node:util';
import tsscmp from 'tsscmp';
import { machine, median, ratioOf, runRounds } from '../../../tooling/bench/rounds.mjs';
import { constantTimeEqual, verifyPaddedSecret, verifySecret } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    time: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '7' },
  },
});
const time = Number(values.time);
const rounds = Number(values.rounds);
const SIZES = [32, 64, 1024];
const HMAC_KEY = randomBytes(32);
const BASELINE = 'crypto.timingSafeEqual';

// A printable token of `size` bytes, as a bearer token would be, and a candidate that differs
// in its last byte only, the worst case for an early-exit comparison.
function inputs(size) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const text = Array.from(randomBytes(size), (byte) => alphabet[byte % 64]).join('');
  const candidateText = text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');
  const secret = new Uint8Array(Buffer.from(text, 'latin1'));
  const candidate = new Uint8Array(Buffer.from(candidateText, 'latin1'));
  // A flat string, as an HTTP parser hands over a header value.
  // The secret as the facade keeps it: first in a zeroed window of 256 bytes or more.
  let windowSize = 256;
  while (windowSize < secret.length) windowSize *= 2;
  const window = new Uint8Array(windowSize);
  window.set(secret);
  return {
    secret,
    window,
    candidate,
    text,
    candidateText: Buffer.from(candidate).toString('latin1'),
  };
}

// The classic way to hide the length without a constant-time loop: compare MACs of both.
function doubleHmac(a, b) {
  const macA = createHmac('sha256', HMAC_KEY).update(a).digest();
  const macB = createHmac('sha256', HMAC_KEY).update(b).digest();
  return timingSafeEqual(macA, macB);
}

const rows = [];
for (const size of SIZES) {
  const { secret, window, candidate, text, candidateText } = inputs(size);
  // Each task has a loop of its own, so that every call site stays monomorphic.
  const tasks = {
    [BASELINE]: [
      2000,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (timingSafeEqual(secret, candidate)) k++;
        return k;
      },
    ],
    'verifySecret (bytes)': [
      2000,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (verifySecret(secret, candidate)) k++;
        return k;
      },
    ],
    'verifySecret (string)': [
      2000,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (verifySecret(secret, candidateText)) k++;
        return k;
      },
    ],
    'verifyPaddedSecret (bytes)': [
      2000,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (verifyPaddedSecret(window, size, candidate)) k++;
        return k;
      },
    ],
    'verifyPaddedSecret (string)': [
      2000,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (verifyPaddedSecret(window, size, candidateText)) k++;
        return k;
      },
    ],
    constantTimeEqual: [
      2000,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (constantTimeEqual(secret, candidate)) k++;
        return k;
      },
    ],
    'tsscmp (strings)': [
      50,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (tsscmp(text, candidateText)) k++;
        return k;
      },
    ],
    'double HMAC-SHA256': [
      50,
      (n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (doubleHmac(secret, candidate)) k++;
        return k;
      },
    ],
  };
  const perRound = await runRounds(tasks, { rounds, time, warmup: 200 });
  for (const name of Object.keys(tasks)) {
    rows.push({
      size: `${size} B`,
      task: name,
      'ns/call (median)': (median(perRound[name]) * 1e6).toFixed(0),
      'vs timingSafeEqual': `${ratioOf(perRound, name, BASELINE).toFixed(2)}x`,
    });
  }
}

console.log(`@llorch/ct-verify benchmark, ${machine()}; median of ${rounds} rounds`);
console.table(rows);
// The target names verifySecret; verifyPaddedSecret, which the facade uses, is held to it too.
for (const task of ['verifySecret (bytes)', 'verifyPaddedSecret (bytes)']) {
  const ratio = Number.parseFloat(
    rows.find((row) => row.size === '32 B' && row.task === task)['vs timingSafeEqual'],
  );
  console.log(
    `target: ${task} at 32 B <= 1.00x crypto.timingSafeEqual: ${ratio.toFixed(2)}x, ` +
      `${ratio <= 1 ? 'met' : 'NOT met'}`,
  );
}
