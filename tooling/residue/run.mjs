#!/usr/bin/env node
// `pnpm residue`: after a child process has loaded, verified, derived, disposed and collected,
// no byte of its secrets may remain anywhere in its memory. The parent writes fresh random
// secrets to 0600 files, starts tooling/residue/child.mjs, waits for `ready`, then reads
// /proc/<pid>/maps and every readable region of /proc/<pid>/mem looking for each secret in raw
// form and as lower- and upper-case hex (whole, and its second half, because the allocator
// overwrites the first bytes of a freed block with its own pointers).
//
//   pnpm residue                   secrets through the facade (or the packages when unbuilt)
//   pnpm residue --path packages   through file-loader, ct-verify and hkdf-derive directly
//   pnpm residue --known-bad       nothing disposed: every secret must then be found
//
// Exit status 1 when a disposed secret is found, when a control is not found (a string kept
// alive, and a string dropped before the collections: the scan must see live memory and freed
// garbage, or it proves nothing), or when the child fails. Values are never printed. A dropped,
// unwiped off-heap buffer is reported but not required: the allocator reuses or returns such
// blocks, so finding one depends on timing.
import { spawn } from 'node:child_process';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    'known-bad': { type: 'boolean', default: false },
    path: { type: 'string', default: 'facade' },
  },
});

const root = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const CHUNK = 8 * 1024 * 1024;

if (process.platform !== 'linux') {
  console.error('residue: needs /proc/<pid>/mem (Linux)');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'llorch-residue-'));
chmodSync(dir, 0o700);
const write = (name, content) => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
};

// Random per run, so that no earlier run, binary or page can hold them by chance.
const token = Buffer.from(randomBytes(32).toString('base64url'), 'latin1');
const key = randomBytes(32);
const control = Buffer.from(randomBytes(24).toString('hex'), 'latin1');
const domain = `llorch-residue-${randomBytes(4).toString('hex')}-v1`;
const tokenPath = write('api-token', Buffer.concat([token, Buffer.from('\n')]));
const candidatePath = write('candidate', token);
const keyPath = write('seal-key.hex', `${key.toString('hex')}\n`);
const controlPath = write('control', control);
const droppedControl = Buffer.from(randomBytes(24).toString('hex'), 'latin1');
write('control-dropped', droppedControl);

// What the child derives, computed here with node:crypto: RFC 5869 HKDF-SHA256, no salt.
const derived = Buffer.from(hkdfSync('sha256', token, Buffer.alloc(0), domain, 32));
const prk = createHmac('sha256', Buffer.alloc(32)).update(token).digest();

// The derivation the child runs must be the one computed above, or the scan would look for
// the wrong bytes and pass vacuously.
async function libraryDerivation() {
  const load = async (name) => {
    try {
      return await import(pathToFileURL(`${root}/packages/${name}/dist/index.js`).href);
    } catch {
      return {};
    }
  };
  const facade = await load('secrets-facade');
  if (typeof facade.SecretKey?.deriveFromToken === 'function') {
    const k = facade.SecretKey.deriveFromToken(Uint8Array.from(token), domain);
    const out = k.expose((bytes) => Buffer.from(bytes));
    k.dispose();
    return out;
  }
  const hkdf = await load('hkdf-derive');
  if (typeof hkdf.deriveKey === 'function') {
    const k = hkdf.deriveKey(Uint8Array.from(token), domain);
    const out = k.expose((bytes) => Buffer.from(bytes));
    k.dispose();
    return out;
  }
  return undefined;
}

const forms = (raw, { hex = true } = {}) => {
  const list = [['raw', raw]];
  if (hex) {
    list.push(['hex', Buffer.from(raw.toString('hex'), 'latin1')]);
    list.push(['HEX', Buffer.from(raw.toString('hex').toUpperCase(), 'latin1')]);
  }
  const withTails = [];
  for (const [name, bytes] of list) {
    withTails.push([name, bytes]);
    if (bytes.length >= 32) withTails.push([`${name} 2nd half`, bytes.subarray(bytes.length >> 1)]);
  }
  return withTails;
};

function regionsOf(pid) {
  const regions = [];
  for (const line of readFileSync(`/proc/${String(pid)}/maps`, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [, from, to, perms, name] = match;
    if (
      perms[0] !== 'r' ||
      name === '[vvar]' ||
      name === '[vsyscall]' ||
      name === '[vvar_vclock]'
    ) {
      continue;
    }
    regions.push({ start: BigInt(`0x${from}`), end: BigInt(`0x${to}`), name: name || '[anon]' });
  }
  return regions;
}

function scan(pid, secrets) {
  const longest = Math.max(...secrets.flatMap((s) => s.patterns.map(([, p]) => p.length)));
  const fd = openSync(`/proc/${String(pid)}/mem`, 'r');
  const stats = { regions: 0, bytes: 0, unreadable: 0 };
  try {
    for (const region of regionsOf(pid)) {
      stats.regions += 1;
      let offset = region.start;
      let carry = Buffer.alloc(0);
      while (offset < region.end) {
        const size = Number(
          region.end - offset < BigInt(CHUNK) ? region.end - offset : BigInt(CHUNK),
        );
        const chunk = Buffer.alloc(size);
        let read;
        try {
          read = readSync(fd, chunk, 0, size, offset);
        } catch {
          stats.unreadable += 1;
          break;
        }
        if (read <= 0) break;
        stats.bytes += read;
        // The tail of the previous chunk is kept so a match across the boundary is still seen.
        const window = Buffer.concat([carry, chunk.subarray(0, read)]);
        for (const secret of secrets) {
          for (const [form, pattern] of secret.patterns) {
            let at = window.indexOf(pattern);
            while (at !== -1) {
              if (at + pattern.length > carry.length) {
                secret.hits.push({ form, region: region.name });
              }
              at = window.indexOf(pattern, at + 1);
            }
          }
        }
        carry = Buffer.from(window.subarray(Math.max(0, window.length - (longest - 1))));
        offset += BigInt(read);
      }
    }
  } finally {
    closeSync(fd);
  }
  return stats;
}

function summarise(hits) {
  const byForm = {};
  const byRegion = {};
  for (const hit of hits) {
    byForm[hit.form] = (byForm[hit.form] ?? 0) + 1;
    byRegion[hit.region] = (byRegion[hit.region] ?? 0) + 1;
  }
  return { byForm, byRegion };
}

async function main() {
  const fromLibrary = await libraryDerivation();
  if (fromLibrary === undefined) {
    console.error('residue: neither secrets-facade nor hkdf-derive is built');
    return 1;
  }
  const derivationMatches = fromLibrary.equals(derived);

  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      join(root, 'tooling/residue/child.mjs'),
      root,
      tokenPath,
      candidatePath,
      keyPath,
      controlPath,
      domain,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        LLORCH_RESIDUE_KNOWN_BAD: flags['known-bad'] ? '1' : '0',
        LLORCH_RESIDUE_PATH: flags.path,
      },
    },
  );
  const report = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error('the child did not get ready in 60 s')),
      60_000,
    );
    child.stdout.on('data', (data) => {
      text += data.toString('latin1');
      const newline = text.indexOf('\n');
      if (newline !== -1) {
        clearTimeout(timer);
        resolve(JSON.parse(text.slice(0, newline)));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the child exited with ${String(code)} before it was ready`));
    });
  });

  const dropped = Buffer.from(report.droppedHex, 'hex');
  const secrets = [
    { label: 'API token (disposed)', patterns: forms(token), hits: [], mustBeAbsent: true },
    { label: 'hex key, decoded (disposed)', patterns: forms(key), hits: [], mustBeAbsent: true },
    { label: 'derived key (disposed)', patterns: forms(derived), hits: [], mustBeAbsent: true },
    {
      label: 'HKDF pseudorandom key (wiped)',
      patterns: forms(prk),
      hits: [],
      mustBeAbsent: true,
      // An intermediate inside deriveKey: --known-bad keeps the outputs, not this.
      intermediate: true,
    },
    {
      label: 'control: live string',
      patterns: forms(control, { hex: false }),
      hits: [],
      mustBeFound: true,
    },
    {
      label: 'control: dropped string (freed garbage)',
      patterns: forms(droppedControl, { hex: false }),
      hits: [],
      mustBeFound: true,
    },
    {
      label: 'control: dropped unwiped buffer (informational)',
      patterns: forms(dropped, { hex: false }),
      hits: [],
    },
  ];
  const started = performance.now();
  const stats = scan(child.pid, secrets);
  const seconds = (performance.now() - started) / 1000;
  child.stdin.end();

  console.log(`residue: secrets used through ${String(report.path)}`);
  for (const step of report.steps) {
    console.log(`  ${step.ok ? 'ok  ' : 'FAIL'} ${String(step.label)}`);
  }
  console.log(
    `  scanned ${String(stats.regions)} readable regions, ` +
      `${(stats.bytes / 2 ** 20).toFixed(1)} MiB ` +
      `of /proc/${String(child.pid)}/mem in ${seconds.toFixed(1)} s` +
      (stats.unreadable > 0 ? ` (${String(stats.unreadable)} regions unreadable)` : ''),
  );
  if (!derivationMatches) {
    console.log('  FAIL the library derivation differs from RFC 5869 HKDF-SHA256 without salt');
  }
  let failed = !derivationMatches || report.steps.some((s) => !s.ok);
  for (const secret of secrets) {
    const { byForm, byRegion } = summarise(secret.hits);
    const found = secret.hits.length > 0;
    let verdict = found ? 'found' : 'not found';
    if (flags['known-bad'] && secret.mustBeAbsent && !secret.intermediate) {
      // The secrets were kept alive on purpose: each must be found, or the patterns are wrong.
      verdict = found ? 'found (kept alive on purpose)' : 'NOT FOUND although kept alive';
      if (!found) failed = true;
    } else if (secret.mustBeAbsent && found) {
      verdict = 'FOUND (residue)';
      failed = true;
    }
    if (secret.mustBeFound && !found) {
      verdict = 'NOT FOUND (the scan cannot see the child)';
      failed = true;
    }
    const where = found
      ? ` in ${String(secret.hits.length)} places: ` +
        `${JSON.stringify(byForm)} ${JSON.stringify(byRegion)}`
      : '';
    console.log(`  ${secret.label.padEnd(48)} ${verdict}${where}`);
  }
  console.log(
    `residue${flags['known-bad'] ? ' --known-bad' : ''}: ${failed ? 'FAILED' : 'passed'}`,
  );
  // For the audit report: verdicts and counts only, never a value.
  const record = {
    finishedAt: new Date().toISOString(),
    passed: !failed,
    path: report.path,
    steps: report.steps,
    derivationMatches,
    scanned: { ...stats, seconds: Number(seconds.toFixed(1)) },
    secrets: secrets.map((s) => ({
      label: s.label,
      found: s.hits.length > 0,
      places: s.hits.length,
      ...summarise(s.hits),
    })),
  };
  if (flags['known-bad']) return failed ? 1 : 0;
  writeFileSync(join(root, 'tooling/residue/results.json'), `${JSON.stringify(record, null, 2)}\n`);
  return failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`residue: ${String(error?.message ?? error)}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
