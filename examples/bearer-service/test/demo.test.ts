import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../demo.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../src/server.mjs', import.meta.url));
const TOKEN = 'example-token-1f2e3d4c5b6a79880716253443526170';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llorch-example-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tokenFile(mode = 0o600): string {
  const path = join(dir, 'api-token');
  writeFileSync(path, `${TOKEN}\n`);
  chmodSync(path, mode);
  return path;
}

interface Service {
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: (signal: NodeJS.Signals) => void;
}

function start(env: Record<string, string>): Promise<Service> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (found) {
        clearInterval(timer);
        resolve({
          port: Number(found[1]),
          output: () => output,
          exited,
          kill: (s) => child.kill(s),
        });
      }
    }, 20);
    void exited.then(({ code }) => {
      clearInterval(timer);
      reject(new Error(`service exited with ${String(code)}: ${output}`));
    });
  });
}

async function get(port: number, path: string, authorization?: string) {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

describe('bearer-service', () => {
  it('guards every route but /health with the bearer token and answers RFC 6750 challenges', async () => {
    const service = await start({ LLORCH_API_TOKEN_FILE: tokenFile() });
    try {
      const none = await get(service.port, '/hello');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="llorch"');
      const wrong = await get(service.port, '/hello', `Bearer ${TOKEN.slice(0, -1)}x`);
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect((await get(service.port, '/hello', `Bearer ${TOKEN}`)).status).toBe(200);
      expect((await get(service.port, '/hello', `bearer   ${TOKEN}`)).status).toBe(200);
      expect((await get(service.port, '/hello', `Basic ${TOKEN}`)).status).toBe(401);
      expect((await get(service.port, '/unknown')).status).toBe(401);
      expect((await get(service.port, '/unknown', `Bearer ${TOKEN}`)).status).toBe(404);
      expect((await get(service.port, '/health')).status).toBe(200);
      expect(service.output()).toContain('token loaded from file-env');
      expect(service.output()).not.toContain(TOKEN);
    } finally {
      service.kill('SIGTERM');
    }
    const { code } = await service.exited;
    expect(code).toBe(0);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'closes cleanly and wipes the token on %s',
    async (signal) => {
      const service = await start({ LLORCH_API_TOKEN_FILE: tokenFile() });
      expect((await get(service.port, '/health')).status).toBe(200);
      service.kill(signal);
      const { code } = await service.exited;
      expect(code).toBe(0);
      expect(service.output()).toContain(`${signal} received`);
      expect(service.output()).toContain('closed, token wiped');
    },
  );

  it('refuses to start with a token file others can read, and exits 1', async () => {
    const result = spawnSync(process.execPath, [SERVER], {
      env: { ...process.env, LLORCH_API_TOKEN_FILE: tokenFile(0o644), PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PERMISSIONS_TOO_OPEN');
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('exits 1 with EADDRINUSE when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = spawnSync(process.execPath, [SERVER], {
        env: {
          ...process.env,
          LLORCH_API_TOKEN_FILE: tokenFile(),
          HOST: '127.0.0.1',
          PORT: String(port),
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('cannot start');
      expect(result.stderr).toContain('EADDRINUSE');
      expect(result.stdout + result.stderr).not.toContain(TOKEN);
    } finally {
      blocker.close();
    }
  });
});

describe('the main demo (pnpm demo)', () => {
  it('runs end to end: gen, check, service, 401 401 200 200, clean stop, exit 0', () => {
    const result = spawnSync(process.execPath, [DEMO], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, LLORCH_API_TOKEN_FILE: '' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toContain('$ llorch-secrets gen');
    expect(out).toContain('$ llorch-secrets check');
    expect(out).toContain('all checks passed');
    expect(out).toMatch(/without a token\s+-> 401 \(expected 401\) ok/);
    expect(out).toMatch(/with a wrong token\s+-> 401 \(expected 401\) ok/);
    expect(out).toMatch(/with the right token\s+-> 200 \(expected 200\) ok/);
    expect(out).toMatch(/health, no token\s+-> 200 \(expected 200\) ok/);
    expect(out).toContain('service exit status 0');
    expect(out).toContain('Demo finished');
    expect(out).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });
});
