// The process whose memory `pnpm residue` scans. It uses the secrets the way a service does,
// disposes everything, collects garbage, then tells the parent to look and waits on stdin.
// It never prints a secret: stdout carries only `ready` and, for the freed-buffer control, the
// hex of random bytes that are no secret of the library.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [root, tokenPath, candidatePath, keyPath, controlPath, domain] = process.argv.slice(2);

async function load(name) {
  try {
    return await import(pathToFileURL(`${root}/packages/${name}/dist/index.js`).href);
  } catch {
    return {};
  }
}

const facade = await load('secrets-facade');
const loader = await load('file-loader');
const ct = await load('ct-verify');
const hkdf = await load('hkdf-derive');
const buffer = await load('secret-buffer');

const useFacade =
  typeof facade.Secret?.loadFromFile === 'function' &&
  typeof facade.SecretKey?.deriveFromToken === 'function' &&
  typeof facade.SecretKey?.loadFromFile === 'function';

// `pnpm residue --known-bad`: keep every secret alive and undisposed, so the parent can show
// that its patterns do find the library's secrets when they are there.
const keep = process.env.LLORCH_RESIDUE_KNOWN_BAD === '1';
const finish = (items) => {
  if (keep) globalThis.residueKept = items;
  else for (const item of items) item.dispose();
};

const steps = [];
const check = (label, ok) => {
  steps.push({ label, ok });
};

async function throughFacade() {
  const { Secret, SecretKey } = facade;
  const token = await Secret.loadFromFile(tokenPath);
  const tokenSync = Secret.loadFromFileSync(tokenPath);
  const candidate = await Secret.loadFromFile(candidatePath);
  check(
    'right candidate verifies',
    candidate.expose((bytes) => token.verify(bytes)),
  );
  check(
    'right candidate verifies (sync-loaded)',
    candidate.expose((b) => tokenSync.verify(b)),
  );
  const wrong = buffer.SecretBuffer.random(token.byteLength);
  check('wrong candidate fails', !wrong.expose((bytes) => token.verify(bytes)));
  check('short candidate fails', !token.verify(new Uint8Array(3)));
  check('wrong string fails', !token.verify('not-the-token'));
  if (typeof facade.bearerVerifier === 'function') {
    check('wrong bearer header fails', !facade.bearerVerifier(token)('Bearer not-the-token'));
  }
  const derived = SecretKey.deriveFromToken(token, domain);
  const key = await SecretKey.loadFromFile(keyPath);
  const keySync = SecretKey.loadFromFileSync(keyPath);
  finish([token, tokenSync, candidate, wrong, derived, key, keySync]);
  return 'secrets-facade';
}

async function throughPackages() {
  const token = await loader.loadSecretFile(tokenPath);
  const tokenSync = loader.loadSecretFileSync(tokenPath);
  const candidate = await loader.loadSecretFile(candidatePath);
  const verify = (secret, cand) => secret.expose((s) => ct.verifySecret(s, cand));
  check(
    'right candidate verifies',
    candidate.expose((c) => verify(token, c)),
  );
  check(
    'right candidate verifies (sync-loaded)',
    candidate.expose((c) => verify(tokenSync, c)),
  );
  const wrong = buffer.SecretBuffer.random(token.byteLength);
  check('wrong candidate fails', !wrong.expose((c) => verify(token, c)));
  check('wrong string fails', !verify(token, 'not-the-token'));
  const derived = hkdf.deriveKey(token, domain);
  const key = await loader.loadKeyFile(keyPath);
  const keySync = loader.loadKeyFileSync(keyPath);
  finish([token, tokenSync, candidate, wrong, derived, key, keySync]);
  return 'file-loader + ct-verify + hkdf-derive';
}

const usePackages = process.env.LLORCH_RESIDUE_PATH === 'packages' || !useFacade;
const path = usePackages ? await throughPackages() : await throughFacade();

// Positive control: a secret deliberately kept alive as a string, as an application that calls
// readFileSync(path, 'utf8') would. The scan must find it, or it cannot find anything.
globalThis.residueControl = readFileSync(controlPath, 'latin1');

// Second control: a fresh off-heap buffer holding random bytes, dropped without a wipe (it is
// garbage once the function returns). Finding it shows the scan also sees memory the garbage
// collector has freed.
function dropRandomBuffer() {
  const dropped = new Uint8Array(new ArrayBuffer(64));
  crypto.getRandomValues(dropped);
  return Array.from(dropped, (b) => b.toString(16).padStart(2, '0')).join('');
}
const droppedHex = dropRandomBuffer();
// Third control: a string read from a file and dropped at once, garbage the collector frees.
function dropString() {
  return readFileSync(`${controlPath}-dropped`, 'latin1').length;
}
dropString();

for (let round = 0; round < 6; round += 1) {
  globalThis.gc();
  await sleep(30);
}

process.stdout.write(`${JSON.stringify({ ready: true, path, steps, droppedHex })}\n`);
process.stdin.resume();
process.stdin.on('data', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
