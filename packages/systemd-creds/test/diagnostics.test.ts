import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SECRETS_LOAD_CHANNEL } from '@llorch/file-loader';
import {
  loadCredential,
  loadCredentialSync,
  loadKeyCredential,
  loadKeyCredentialSync,
} from '../src/index.js';
import { CANARY, makeFixture, rejected, thrown, TOKEN, type Fixture } from './fixture.js';

let fixture: Fixture;
let events: unknown[];
const listener = (message: unknown): void => {
  events.push(message);
};

beforeAll(() => {
  fixture = makeFixture();
  symlinkSync(fixture.base, join(fixture.base, 'via-link'));
});

afterAll(() => {
  fixture.cleanup();
});

beforeEach(() => {
  events = [];
  subscribe(SECRETS_LOAD_CHANNEL, listener);
});

afterEach(() => {
  unsubscribe(SECRETS_LOAD_CHANNEL, listener);
});

describe('the llorch:secrets:load event', () => {
  it('uses the channel name of DESIGN.md', () => {
    expect(SECRETS_LOAD_CHANNEL).toBe('llorch:secrets:load');
  });

  it.each([
    [
      'loadCredentialSync',
      (directory: string) => Promise.resolve(loadCredentialSync('api-token', { directory })),
    ],
    ['loadCredential', (directory: string) => loadCredential('api-token', { directory })],
  ])(
    'SEC-SECRET-013 %s publishes one event with name, path and byteLength, never the value',
    async (_label, load) => {
      const secret = await load(fixture.directory);
      expect(events).toEqual([
        {
          source: 'systemd-credential',
          name: 'api-token',
          path: join(realpathSync(fixture.directory), 'api-token'),
          byteLength: new TextEncoder().encode(TOKEN).byteLength,
        },
      ]);
      expect(secret.byteLength).toBe(TOKEN.length);
      expect(JSON.stringify(events)).not.toContain(CANARY);
      expect(Object.isFrozen(events[0])).toBe(true);
      secret.dispose();
    },
  );

  it('SEC-SECRET-052 reports the resolved path of a directory behind a symlink', async () => {
    const directory = join(fixture.base, 'via-link', 'credentials');
    const secret = await loadCredential('api-token', { directory });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ path: join(realpathSync(fixture.directory), 'api-token') });
    expect((events[0] as { path: string }).path).not.toContain('via-link');
    secret.dispose();
  });

  it('reports the decoded length of a key credential, sync and async', async () => {
    const a = loadKeyCredentialSync('seal-key', { directory: fixture.directory });
    const b = await loadKeyCredential('seal-key', { directory: fixture.directory });
    expect(events).toMatchObject([
      { source: 'systemd-credential', name: 'seal-key', byteLength: 32 },
      { source: 'systemd-credential', name: 'seal-key', byteLength: 32 },
    ]);
    a.dispose();
    b.dispose();
  });

  it('publishes nothing on failure, sync and async', async () => {
    const options = { directory: fixture.directory };
    thrown(() => loadCredentialSync('missing', options));
    await rejected(loadCredential('missing', options));
    await rejected(loadCredential('a/b', options));
    await rejected(loadCredential('api-token', { directory: 'relative' }));
    expect(events).toEqual([]);
  });

  it('publishes nothing with publish: false', async () => {
    const options = { directory: fixture.directory, publish: false };
    loadCredentialSync('api-token', options).dispose();
    (await loadCredential('api-token', options)).dispose();
    expect(events).toEqual([]);
  });
});
