// The main demo, run by `pnpm demo` (which builds first): a token is generated with the
// llorch-secrets CLI, checked, and used by the example service, which then answers requests
// with no token, a wrong token and the right one. Every step is printed; the token never is.
// Exit status 0 when every step gave the expected result, 1 otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret } from '@llorch/secrets-facade';

const HOST = '127.0.0.1';
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const cliPackage = require.resolve('@llorch/secrets-cli/package.json');
const cli = join(
  dirname(cliPackage),
  JSON.parse(readFileSync(cliPackage, 'utf8')).bin['llorch-secrets'],
);
const server = join(here, 'src', 'server.mjs');

let step = 0;
function title(text) {
  step += 1;
  process.stdout.write(`\n[${step}] ${text}\n`);
}
function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
function fail(message) {
  throw new Error(message);
}

function runCli(args) {
  process.stdout.write(`    $ llorch-secrets ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.stdout) process.stdout.write(`${indent(result.stdout)}\n`);
  if (result.stderr) process.stdout.write(`${indent(result.stderr)}\n`);
  process.stdout.write(`    exit status ${result.status}\n`);
  if (result.status !== 0) fail(`llorch-secrets ${args[0]} exited with ${result.status}`);
}

function startServer(tokenPath) {
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, LLORCH_API_TOKEN_FILE: tokenPath, HOST, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the service did not start within 15 s')),
      15_000,
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      for (const line of chunk.trimEnd().split('\n'))
        process.stdout.write(`    service: ${line}\n`);
      const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => process.stdout.write(`    service (stderr): ${chunk}`));
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the service exited early with status ${code}`));
    });
  });
  return { child, listening, exited };
}

async function request(port, path, authorization, expected, label) {
  const headers = authorization === undefined ? {} : { authorization };
  const response = await fetch(`http://${HOST}:${port}${path}`, { headers });
  await response.arrayBuffer();
  const ok = response.status === expected;
  process.stdout.write(
    `    GET ${path.padEnd(7)} ${label.padEnd(22)} -> ${response.status} (expected ${expected}) ${ok ? 'ok' : 'UNEXPECTED'}\n`,
  );
  if (!ok) fail(`GET ${path} ${label} answered ${response.status}, expected ${expected}`);
}

async function demo(directory) {
  const tokenPath = join(directory, 'api-token');

  title('Generate a token file with llorch-secrets gen');
  runCli(['gen', tokenPath]);

  title('Check it the way the loader will');
  runCli(['check', tokenPath]);

  title(`Start the service on ${HOST}, token file in LLORCH_API_TOKEN_FILE`);
  const service = startServer(tokenPath);
  try {
    const port = await service.listening;

    title('Send requests');
    // The demo plays the client here, so it needs the token as header text; a real client
    // would load it the same way, through the facade.
    const token = await Secret.loadFromFile(tokenPath);
    const header = token.expose((bytes) => `Bearer ${String.fromCharCode(...bytes)}`);
    token.dispose();
    const wrong = `Bearer ${'x'.repeat(header.length - 'Bearer '.length)}`;
    await request(port, '/hello', undefined, 401, 'without a token');
    await request(port, '/hello', wrong, 401, 'with a wrong token');
    await request(port, '/hello', header, 200, 'with the right token');
    await request(port, '/health', undefined, 200, 'health, no token');
  } finally {
    title('Stop the service with SIGTERM');
    service.child.kill('SIGTERM');
  }
  const { code, signal } = await service.exited;
  process.stdout.write(`    service exit status ${code ?? signal}\n`);
  if (code !== 0) fail(`the service exited with ${code ?? signal}, expected 0`);
}

const directory = mkdtempSync(join(tmpdir(), 'llorch-demo-'));
try {
  await demo(directory);
  process.stdout.write('\nDemo finished: every step gave the expected result.\n');
} catch (error) {
  process.stdout.write(
    `\nDemo FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
