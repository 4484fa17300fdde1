// In-process tests of src/server.mjs: unlike the subprocess tests in demo.test.ts, they can look
// at the token object itself after the service has stopped or failed to start.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveServiceSecret, type Secret } from '@llorch/secrets-facade';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdown, startService } from '../src/server.mjs';

// The same function, spied on, so a test can get hold of the token a failed start loaded.
vi.mock('@llorch/secrets-facade', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@llorch/secrets-facade')>();
  return { ...actual, resolveServiceSecret: vi.fn(actual.resolveServiceSecret) };
});

interface Service {
  readonly port: number;
  readonly secret: Secret;
  readonly server: { readonly listening: boolean };
  readonly stop: () => Promise<void>;
}

const TOKEN = 'example-token-1f2e3d4c5b6a79880716253443526170';

let dir: string;
let tokenPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llorch-example-'));
  tokenPath = join(dir, 'api-token');
  writeFileSync(tokenPath, `${TOKEN}\n`);
  chmodSync(tokenPath, 0o600);
  vi.mocked(resolveServiceSecret).mockClear();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function expectDisposed(secret: Secret): void {
  expect(secret.disposed).toBe(true);
  expect(secret.byteLength).toBe(0);
  expect(() => secret.expose(() => undefined)).toThrow(
    expect.objectContaining({ code: 'DISPOSED' }),
  );
}

function occupiedPort(): Promise<{ port: number; blocker: Server }> {
  const blocker = createServer();
  return new Promise((resolve, reject) => {
    blocker.once('error', reject);
    blocker.listen(0, '127.0.0.1', () => {
      const address = blocker.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP port'));
      else resolve({ port: address.port, blocker });
    });
  });
}

describe('bearer-service, in-process', () => {
  it.each(['SIGINT', 'SIGTERM'])('wipes the token on the %s shutdown path', async (signal) => {
    const service = (await startService({ tokenPath })) as Service;
    // Live before: the assertions below would hold for any object that is not a live Secret.
    expect(service.secret.disposed).toBe(false);
    expect(service.secret.verify(TOKEN)).toBe(true);
    const response = await fetch(`http://127.0.0.1:${String(service.port)}/health`);
    expect(response.status).toBe(200);

    const log: string[] = [];
    await (shutdown(service, signal, (text: string) => log.push(text)) as Promise<void>);

    expectDisposed(service.secret);
    expect(service.server.listening).toBe(false);
    expect(log).toEqual([
      `bearer-service: ${signal} received, closing\n`,
      'bearer-service: closed, token wiped\n',
    ]);
  });

  it('wipes the token it loaded when listening fails (port in use), and rethrows', async () => {
    const { port, blocker } = await occupiedPort();
    try {
      await expect(startService({ tokenPath, port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      blocker.close();
    }
    const calls = vi.mocked(resolveServiceSecret).mock.results;
    expect(calls).toHaveLength(1);
    const { secret } = await (calls[0]?.value as ReturnType<typeof resolveServiceSecret>);
    expectDisposed(secret);
  });
});
