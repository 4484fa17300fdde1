// Statistical timing evidence for @llorch/ct-verify, by dudect's method (Reparaz, Balasch and
// Verbauwhede, "Dude, is my code constant time?", DATE 2017). Run with `pnpm timing` from the
// repository root (which builds dist/ first) or `node timing/dudect.mjs [--seconds N]`. Not
// a unit test, and not run in CI: its outcome depends on the machine and on what else runs.
//
// For each measurement below, two classes of input are interleaved at random, every call is
// timed on its own with performance.now(), and Welch's t-test compares the two classes: once
// on all samples, and once more for each of 100 cropping thresholds (the p6.7 to p99.9
// percentiles of a warm-up batch, as dudect's `prepare_percentiles` picks them), which cuts
// off the slow tail that interrupts and garbage collection add. The largest |t| of those 101
// tests is reported. dudect calls |t| > 10 "probably leaks"; Node checks timingSafeEqual the
// same way with |t| < 3.892 on one uncropped test. A maximum over 101 tests is noisier than
// one test, hence 10 here.
//
// The run must also prove that it can fail: positive controls (an early-exit loop, and
// constantTimeEqual, whose length check may short-circuit by design) are measured in the same
// run, interleaved with ours, and must come out above 10. And it must show that it measures
// the code rather than the machine: an A/A test (role `floor`, both classes the same) must
// stay under 10, or the run is INCONCLUSIVE, whatever our rows say. The exit status is 0
// only when every measurement of this package and the floor stay under 10 and every positive
// control goes above it.
import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual, randomBytes, randomFillSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { constantTimeEqual, verifyPaddedSecret, verifySecret } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '110' },
    batch: { type: 'string', default: '50000' },
    // Measure only rows whose name or classes contain this text (controls and floor stay).
    only: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const BATCH = Number(values.batch);
if (!(SECONDS > 0) || !Number.isInteger(BATCH) || BATCH < 1000) {
  console.error('usage: node timing/dudect.mjs [--seconds N] [--batch M >= 1000] [--only TEXT]');
  process.exit(2);
}

const LEAK_LINE = 10;
const PERCENTILES = 100;
// dudect ignores a test until it holds this many samples.
const ENOUGH_SAMPLES = 10_000;
// A power of two: the harness picks inputs with `i & (POOL - 1)`.
const POOL = 256;
const SIZE = 32;

// --- inputs ---------------------------------------------------------------------------------
//
// Both classes of a measurement must differ in the one property under test and in nothing
// else. Two sets of arrays would also differ in where they sit in memory, which is enough for
// |t| to pass 10 even for crypto.timingSafeEqual after a few million samples. So the classes
// share their objects: for content, a pool of secret arrays that the harness writes before
// each call (outside the timed window), at both the first and the last byte, the class only
// deciding which of the two differs from the candidate. It is the secret that varies, as it
// would for an attacker who does not know it; the candidate, bytes or string, stays the same.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function token(length) {
  return Uint8Array.from(randomBytes(length), (byte) => ALPHABET.charCodeAt(byte % 64));
}

// A printable byte other than `byte`.
function otherThan(byte) {
  let replacement;
  do replacement = ALPHABET.charCodeAt(randomBytes(1)[0] % 64);
  while (replacement === byte);
  return replacement;
}

// Flat one-byte strings, as an HTTP parser would hand over a header value.
const asText = (bytes) => Buffer.from(bytes).toString('latin1');
const repeat = (value) => Array.from({ length: POOL }, () => value);
const pool = (make) => Array.from({ length: POOL }, make);
// One array serving both classes: a second array holding the same values is already a
// difference between the classes (where the harness loads its input from) that dudect sees.
const same = (value) => {
  const shared = repeat(value);
  return [shared, shared];
};

// Content: a secret that differs from the candidate at its first byte (class A) or at its
// last byte (class B). `poke` holds what the harness writes at those two positions per class.
const candidate = token(SIZE);
const poke = {
  first: Uint8Array.of(otherThan(candidate[0]), candidate[0]),
  last: Uint8Array.of(candidate[SIZE - 1], otherThan(candidate[SIZE - 1])),
  lastIndex: SIZE - 1,
};
const secrets = pool(() => new Uint8Array(candidate));
const content = { left: [secrets, secrets], right: same(candidate), poke };
const contentText = { ...content, right: same(asText(candidate)) };
const secretBuffers = pool(() => Buffer.from(candidate));
const candidateBuffer = Buffer.from(candidate);
const contentBuffers = {
  left: [secretBuffers, secretBuffers],
  right: same(candidateBuffer),
  poke,
};

// Length: one 16-byte candidate against a 16-byte secret (same length, last byte differs) or
// a 64-byte secret that starts with those 16 bytes. Both answers are false, and both secrets
// are views of the same 64 bytes. Here the classes cannot share their objects: a view has one
// length, and where each view object sits in memory changes the time a little. With a fixed
// pool, or one rebuilt per batch, every view serves a few hundred calls, so those calls share
// one placement: the t-test takes them for independent samples, and an A/A test (both classes
// 64-byte views) went to |t| = 12 to 30 on placement alone. So every call gets views of its
// own, allocated before the batch in a random order of the two classes: placement then varies
// from sample to sample like any other noise, the same way for both classes, and Welch's
// variance accounts for it. The A/A row measures what is left.
const backing = token(64);
const candidate16 = new Uint8Array(backing.subarray(0, 16));
candidate16[15] = otherThan(candidate16[15]);
const candidate64 = new Uint8Array(backing);
candidate64[63] = otherThan(candidate64[63]);

// Indexes of the per-call inputs run up to the batch size: a power of two at or above it.
const FRESH_POOL = 2 ** Math.ceil(Math.log2(BATCH));

function freshViews(lengthA, lengthB, candidateValue) {
  const left = [new Array(FRESH_POOL), new Array(FRESH_POOL)];
  const random = new Uint8Array(FRESH_POOL);
  const refresh = () => {
    // Drop the last batch's views first, so that the new ones are not allocated around them.
    left[0].fill(null);
    left[1].fill(null);
    randomFillSync(random);
    for (let k = 0; k < FRESH_POOL; k++) {
      // Which class's view comes first in memory is a coin toss per index.
      const first = random[k] & 1;
      left[first][k] = backing.subarray(0, first === 0 ? lengthA : lengthB);
      left[1 - first][k] = backing.subarray(0, first === 0 ? lengthB : lengthA);
    }
  };
  refresh();
  const right = new Array(FRESH_POOL).fill(candidateValue);
  return { left, right: [right, right], poke: null, refresh, mask: FRESH_POOL - 1 };
}

const length = freshViews(16, 64, candidate16);
const lengthText = freshViews(16, 64, asText(candidate16));
// The same secrets against a 64-byte candidate, longer than one of them: the one case where
// verifySecret reads the secret at addresses that depend on its length (it wraps around to
// the secret's first byte), so it gets a measurement of its own.
const lengthLong = freshViews(16, 64, candidate64);
// Both classes 64-byte views, rebuilt the same way: the floor of the length measurements.
const lengthAA = freshViews(64, 64, candidate64);

// verifyPaddedSecret, as the facade calls it: one 256-byte window holding the secret first.
// For length, the classes differ only in the secretLength they pass, a number: they share
// every object, so placement cannot tell them apart.
const WINDOW = new Uint8Array(256);
WINDOW.set(backing);
const padded = (secretLength, candidateBytes) =>
  verifyPaddedSecret(WINDOW, secretLength, candidateBytes);
const windowLength = {
  left: [Array.from({ length: POOL }, () => 16), Array.from({ length: POOL }, () => 64)],
  right: same(candidate64),
  poke: null,
};
const windowLengthShort = { ...windowLength, right: same(candidate16) };
// For content, a pool of windows that the harness pokes like the secrets above.
const windows = pool(() => {
  const window = new Uint8Array(256);
  window.set(candidate);
  return window;
});
const windowContent = { left: [windows, windows], right: same(candidate), poke };
const paddedContent = (window, candidateBytes) => verifyPaddedSecret(window, SIZE, candidateBytes);

// The classic way to hide a length, as tsscmp does it: compare MACs of both values under a
// random key. Measured for length beside ours, as a reference: SHA-256 runs over the secret.
const HMAC_KEY = randomBytes(32);
function doubleHmac(a, b) {
  const macA = createHmac('sha256', HMAC_KEY).update(a).digest();
  const macB = createHmac('sha256', HMAC_KEY).update(b).digest();
  return timingSafeEqual(macA, macB);
}

function earlyExit(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const CONTENT = `byte 0 vs ${SIZE - 1} of ${SIZE} B`;
const LENGTH = '16 B cand., secret 16/64';
const LENGTH_LONG = '64 B cand., secret 16/64';
const measurements = [
  {
    name: 'constantTimeEqual',
    role: 'ours',
    label: CONTENT,
    fn: constantTimeEqual,
    inputs: content,
  },
  {
    name: 'verifySecret (bytes)',
    role: 'ours',
    label: CONTENT,
    fn: verifySecret,
    inputs: content,
  },
  {
    name: 'verifySecret (string)',
    role: 'ours',
    label: CONTENT,
    fn: verifySecret,
    inputs: contentText,
  },
  { name: 'verifySecret (bytes)', role: 'ours', label: LENGTH, fn: verifySecret, inputs: length },
  {
    name: 'verifySecret (bytes)',
    role: 'ours',
    label: LENGTH_LONG,
    fn: verifySecret,
    inputs: lengthLong,
  },
  {
    name: 'verifySecret (string)',
    role: 'ours',
    label: LENGTH,
    fn: verifySecret,
    inputs: lengthText,
  },
  {
    name: 'verifyPaddedSecret',
    role: 'ours',
    label: CONTENT,
    fn: paddedContent,
    inputs: windowContent,
  },
  {
    name: 'verifyPaddedSecret',
    role: 'ours',
    label: LENGTH,
    fn: padded,
    inputs: windowLengthShort,
  },
  {
    name: 'verifyPaddedSecret',
    role: 'ours',
    label: LENGTH_LONG,
    fn: padded,
    inputs: windowLength,
  },
  {
    name: 'crypto.timingSafeEqual',
    role: 'reference',
    label: CONTENT,
    fn: timingSafeEqual,
    inputs: content,
  },
  {
    name: 'Buffer#equals',
    role: 'reference',
    label: CONTENT,
    fn: (a, b) => a.equals(b),
    inputs: contentBuffers,
  },
  {
    name: 'double HMAC (tsscmp)',
    role: 'reference',
    label: LENGTH_LONG,
    fn: doubleHmac,
    inputs: lengthLong,
    // Some 40 times slower than the rest: a tenth of the calls, so as not to take the run over.
    batch: Math.max(1000, Math.round(BATCH / 10)),
  },
  {
    name: 'verifySecret A/A',
    role: 'floor',
    label: '64 B cand., secret 64/64',
    fn: verifySecret,
    inputs: lengthAA,
  },
  { name: 'early-exit loop', role: 'control', label: CONTENT, fn: earlyExit, inputs: content },
  {
    name: 'constantTimeEqual',
    role: 'control',
    label: LENGTH,
    fn: constantTimeEqual,
    inputs: length,
  },
];

// --- measuring ------------------------------------------------------------------------------

// One harness per measurement, compiled separately so that each call site sees one function
// only: a shared loop would go megamorphic and time the dispatch as much as the comparison.
// Everything but the call itself (class choice, input look-up) happens outside the window.
// Every memory access that differs between the classes and is not the property under test
// shows up in |t| after a few million samples (an A/A test, one input for both classes, but
// loaded from two arrays, reached |t| = 63 here around TextEncoder#encodeInto), so the
// harness does the same loads for both classes and the inputs share their arrays.
const HARNESS_SOURCE = `
  let sink = 0;
  for (let i = 0; i < count; i++) {
    const c = classes[i];
    // Both classes' inputs sit side by side, at 2k and 2k + 1: the class is picked by an
    // index, not a branch, whose taken and fall-through paths would differ in the last
    // instructions before the timed window (seen as |t| near 20 in A/A tests).
    const base = (i & mask) << 1;
    // Load and touch the inputs of both classes: what happens to the cache just before the
    // timed window must not depend on the class either.
    sink += (xs[base].length ^ xs[base | 1].length ^ ys[base].length ^ ys[base | 1].length) & 0;
    const x = xs[base | c];
    const y = ys[base | c];
    if (poking) {
      x[0] = pokeFirst[c];
      x[lastIndex] = pokeLast[c];
    }
    const start = performance.now();
    if (fn(x, y)) sink++;
    times[i] = performance.now() - start;
  }
  return sink;`;

// Welch's t statistic from per-class count, sum and sum of squares (of shifted values).
function welch(n0, s0, q0, n1, s1, q1) {
  if (n0 < 2 || n1 < 2) return 0;
  const m0 = s0 / n0;
  const m1 = s1 / n1;
  const v0 = Math.max(0, (q0 - s0 * m0) / (n0 - 1));
  const v1 = Math.max(0, (q1 - s1 * m1) / (n1 - 1));
  const se = Math.sqrt(v0 / n0 + v1 / n1);
  return se === 0 ? 0 : (m0 - m1) / se;
}

class Measurement {
  constructor(spec) {
    Object.assign(this, spec);
    this.harness = new Function(
      'fn',
      'xs',
      'ys',
      'poking',
      'pokeFirst',
      'pokeLast',
      'lastIndex',
      'classes',
      'times',
      'count',
      'mask',
      HARNESS_SOURCE,
    );
    this.mask = this.inputs.mask ?? POOL - 1;
    this.xs = new Array(2 * (this.mask + 1));
    this.ys = new Array(2 * (this.mask + 1));
    this.interleave();
    this.batch = spec.batch ?? BATCH;
    this.classes = new Uint8Array(this.batch);
    this.times = new Float64Array(this.batch);
    this.thresholds = null;
    this.offset = 0;
    // Bucket b holds samples between thresholds b-1 and b; the last one, everything above.
    this.count = [new Float64Array(PERCENTILES + 1), new Float64Array(PERCENTILES + 1)];
    this.sum = [new Float64Array(PERCENTILES + 1), new Float64Array(PERCENTILES + 1)];
    this.squares = [new Float64Array(PERCENTILES + 1), new Float64Array(PERCENTILES + 1)];
  }

  runBatch() {
    // Length inputs are rebuilt before each batch (see freshViews).
    if (this.inputs.refresh !== undefined) {
      this.inputs.refresh();
      this.interleave();
    }
    randomFillSync(this.classes);
    for (let i = 0; i < this.batch; i++) this.classes[i] &= 1;
    const poke = this.inputs.poke;
    this.harness(
      this.fn,
      this.xs,
      this.ys,
      poke !== null,
      poke?.first ?? null,
      poke?.last ?? null,
      poke?.lastIndex ?? 0,
      this.classes,
      this.times,
      this.batch,
      this.mask,
    );
    if (this.thresholds === null) return this.warmUp();
    // dudect drops the first few samples of a batch.
    for (let i = 10; i < this.batch; i++) this.record(this.classes[i], this.times[i] * 1e6);
  }

  // Class c's input number k goes to index 2k + c, where the harness looks for it.
  interleave() {
    const { left, right } = this.inputs;
    for (let k = 0; k <= this.mask; k++) {
      this.xs[2 * k] = left[0][k];
      this.xs[2 * k + 1] = left[1][k];
      this.ys[2 * k] = right[0][k];
      this.ys[2 * k + 1] = right[1][k];
    }
  }

  // The first batch only warms the JIT up and fixes the cropping thresholds.
  warmUp() {
    const sorted = Float64Array.from(this.times, (ms) => ms * 1e6).sort();
    const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    this.thresholds = Float64Array.from({ length: PERCENTILES }, (_, i) =>
      at(1 - 0.5 ** ((10 * (i + 1)) / PERCENTILES)),
    );
    this.offset = at(0.5);
  }

  record(cls, ns) {
    let low = 0;
    let high = PERCENTILES;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (ns < this.thresholds[mid]) high = mid;
      else low = mid + 1;
    }
    const x = ns - this.offset;
    this.count[cls][low] += 1;
    this.sum[cls][low] += x;
    this.squares[cls][low] += x * x;
  }

  // The raw test and the 100 cropped ones; the largest |t| among those with enough samples.
  result() {
    let n = [0, 0];
    let s = [0, 0];
    let q = [0, 0];
    let best = { t: 0, test: 'none', delta: 0 };
    const consider = (t, test) => {
      if (n[0] + n[1] >= ENOUGH_SAMPLES && Math.abs(t) > Math.abs(best.t)) {
        // How far apart the two classes' means are in that test: the size of the effect.
        best = { t, test, delta: s[0] / n[0] - s[1] / n[1] };
      }
    };
    for (let b = 0; b <= PERCENTILES; b++) {
      for (const c of [0, 1]) {
        n[c] += this.count[c][b];
        s[c] += this.sum[c][b];
        q[c] += this.squares[c][b];
      }
      const t = welch(n[0], s[0], q[0], n[1], s[1], q[1]);
      if (b < PERCENTILES) {
        const p = (100 * (1 - 0.5 ** ((10 * (b + 1)) / PERCENTILES))).toFixed(1);
        consider(t, `crop p${p}`);
      } else consider(t, 'all');
    }
    const raw = welch(n[0], s[0], q[0], n[1], s[1], q[1]);
    const mean = (c) => this.offset + s[c] / n[c];
    return {
      samples: n[0] + n[1],
      maxT: Math.abs(best.t),
      test: best.test,
      delta: best.delta,
      raw,
      meanA: mean(0),
      meanB: mean(1),
    };
  }
}

// --- running --------------------------------------------------------------------------------

const chosen = measurements.filter(
  (spec) =>
    values.only === undefined ||
    spec.role === 'control' ||
    spec.role === 'floor' ||
    `${spec.name} ${spec.label}`.includes(values.only),
);
const cpus = os.cpus();
console.log(`@llorch/ct-verify timing evidence (dudect: Reparaz, Balasch, Verbauwhede 2017)`);
console.log(
  `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}; ` +
    `${SECONDS} s over ${chosen.length} measurements, interleaved in batches of ${BATCH.toLocaleString('en')} calls`,
);

if (!chosen.some((spec) => spec.role === 'ours')) {
  console.error(`--only ${String(values.only)}: no measurement of @llorch/ct-verify matches`);
  process.exit(2);
}
const all = chosen.map((spec) => new Measurement(spec));
const started = performance.now();
let rounds = 0;
let lastReport = started;
while (performance.now() - started < SECONDS * 1000) {
  for (const m of all) m.runBatch();
  rounds += 1;
  if (performance.now() - lastReport > 15_000) {
    lastReport = performance.now();
    const seconds = ((lastReport - started) / 1000).toFixed(0);
    console.log(`  ... ${seconds} s, ${rounds} rounds`);
  }
}

const rows = all.map((m) => {
  const r = m.result();
  const leaks = r.maxT > LEAK_LINE;
  const expected = m.role === 'control' ? leaks : m.role === 'reference' ? true : !leaks;
  return { m, r, leaks, expected };
});

const pad = (text, width) => String(text).padEnd(width);
const padLeft = (text, width) => String(text).padStart(width);
console.log('');
console.log(
  pad('implementation', 24) +
    pad('role', 11) +
    pad('classes (A vs B)', 25) +
    padLeft('samples', 12) +
    padLeft('max |t|', 10) +
    '  ' +
    pad('at test', 12) +
    padLeft('A-B ns', 8) +
    padLeft('|t| all', 9) +
    padLeft('mean ns A / B', 17) +
    '  result',
);
for (const { m, r, leaks, expected } of rows) {
  const verdict = leaks ? 'LEAKS (|t| > 10)' : 'no leak found';
  const note =
    m.role === 'control'
      ? leaks
        ? ', as a control must'
        : ', CONTROL NOT FLAGGED'
      : m.role === 'ours' && leaks
        ? ', FAIL'
        : m.role === 'floor' && leaks
          ? ', NOISE FLOOR TOO HIGH'
          : '';
  console.log(
    pad(m.name, 24) +
      pad(m.role, 11) +
      pad(m.label, 25) +
      padLeft(r.samples.toLocaleString('en'), 12) +
      padLeft(r.maxT.toFixed(2), 10) +
      '  ' +
      pad(r.test, 12) +
      padLeft(r.delta.toFixed(2), 8) +
      padLeft(Math.abs(r.raw).toFixed(2), 9) +
      padLeft(`${r.meanA.toFixed(1)} / ${r.meanB.toFixed(1)}`, 17) +
      `  ${verdict}${note}` +
      (expected ? '' : ' <-'),
  );
}

const ours = rows.filter((row) => row.m.role === 'ours');
const controls = rows.filter((row) => row.m.role === 'control');
const worst = ours.reduce((a, b) => (b.r.maxT > a.r.maxT ? b : a));
const weakest = controls.reduce((a, b) => (b.r.maxT < a.r.maxT ? b : a));
const floors = rows.filter((row) => row.m.role === 'floor');
const oursPass = ours.every((row) => !row.leaks);
const controlsPass = controls.every((row) => row.leaks);
const floorPass = floors.every((row) => !row.leaks);
const describe = (row) => `${row.m.name}, ${row.m.label}: ${row.r.maxT.toFixed(2)}`;
console.log('');
console.log(
  `samples per measurement: ${Math.min(...rows.map((row) => row.r.samples)).toLocaleString('en')} to ` +
    `${Math.max(...rows.map((row) => row.r.samples)).toLocaleString('en')} (after one warm-up batch each), ${rounds} rounds`,
);
// Node's own test suite checks timingSafeEqual with one uncropped test and |t| < 3.892;
// reported beside dudect's stricter maximum over the crops, which alone decides the verdict.
const NODE_LINE = 3.892;
const worstRaw = ours.reduce((a, b) => (Math.abs(b.r.raw) > Math.abs(a.r.raw) ? b : a));
const rawControls = controls.every((row) => Math.abs(row.r.raw) > NODE_LINE);
console.log(
  `Node's criterion (uncropped |t| < ${String(NODE_LINE)}): worst of ours ` +
    `${worstRaw.m.name}, ${worstRaw.m.label}: ${Math.abs(worstRaw.r.raw).toFixed(2)}, ` +
    `${Math.abs(worstRaw.r.raw) < NODE_LINE ? 'under' : 'OVER'} the line; controls ` +
    `${rawControls ? 'all over it' : 'NOT all over it'}.`,
);
const verdict =
  oursPass && controlsPass && floorPass ? 'PASS' : !floorPass ? 'INCONCLUSIVE' : 'FAIL';
if (verdict === 'PASS') {
  console.log(
    `VERDICT: PASS - every @llorch/ct-verify measurement stayed under |t| = ${LEAK_LINE} (worst ${describe(worst)}); ` +
      `every positive control went above it (weakest ${describe(weakest)}).`,
  );
} else if (verdict === 'INCONCLUSIVE') {
  const floor = floors.reduce((a, b) => (b.r.maxT > a.r.maxT ? b : a));
  console.log(
    `VERDICT: INCONCLUSIVE - the A/A test, whose classes do not differ, went above |t| = ${LEAK_LINE} ` +
      `(${describe(floor)}): this machine was too noisy to tell a leak from placement and load ` +
      `(worst of ours ${describe(worst)}). Run again on a quiet machine.`,
  );
  process.exitCode = 1;
} else {
  const problems = [];
  if (!oursPass)
    problems.push(
      `a @llorch/ct-verify measurement went above |t| = ${LEAK_LINE} (${describe(worst)})`,
    );
  if (!controlsPass)
    problems.push(
      `a positive control stayed under |t| = ${LEAK_LINE} (${describe(weakest)}), so this run could not have seen a leak; run longer with --seconds`,
    );
  console.log(`VERDICT: FAIL - ${problems.join('; ')}.`);
  process.exitCode = 1;
}

// The run on record for the audit report (tooling/audit/report.mjs), which says which commit it
// measured and whether the package's sources have changed since. Ignored by git, like the fuzz
// and residue results: it describes this machine's last run, not the repository.
function git(...args) {
  try {
    return execFileSync('git', args, {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}
const commit = git('rev-parse', 'HEAD')?.trim() ?? null;
const dirty = commit === null ? null : (git('status', '--porcelain', '--', 'src') ?? '') !== '';
writeFileSync(
  new URL('results.json', import.meta.url),
  `${JSON.stringify(
    {
      tool: 'dudect-style timing test (packages/ct-verify/timing/dudect.mjs)',
      finishedAt: new Date().toISOString(),
      commit,
      sourcesModified: dirty,
      node: process.version,
      cpu: `${String(cpus.length)} x ${cpus[0]?.model ?? 'unknown CPU'}`,
      seconds: SECONDS,
      batch: BATCH,
      only: values.only ?? null,
      rounds,
      verdict,
      leakLine: LEAK_LINE,
      rows: rows.map(({ m, r, leaks }) => ({
        name: m.name,
        role: m.role,
        classes: m.label,
        samples: r.samples,
        maxT: Number(r.maxT.toFixed(2)),
        test: r.test,
        deltaNs: Number(r.delta.toFixed(3)),
        rawT: Number(Math.abs(r.raw).toFixed(2)),
        leaks,
      })),
    },
    null,
    2,
  )}\n`,
);
