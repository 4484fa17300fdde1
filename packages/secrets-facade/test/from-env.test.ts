import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { FROM_ENV_WARNING_CODE, Secret, isSecretError } from '../src/index.js';
import { warningsDuring } from './helpers.js';

const VARIABLE = 'LLORCH_FACADE_TEST_TOKEN';
const VALUE = 'env-token-5b1e0c7d9a2f4e6b8c0d1e2f3a4b5c6d';

afterEach(() => {
  delete process.env[VARIABLE];
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isSecretError(error) ? error.code : 'not a SecretError';
  }
}

describe('Secret.fromEnv', () => {
  it('SEC-SECRET-016 warns with LLORCH_SECRET_FROM_ENV, naming the variable and /proc/<pid>/environ', async () => {
    process.env[VARIABLE] = VALUE;
    let secret: Secret | undefined;
    const warnings = await warningsDuring(() => {
      secret = Secret.fromEnv(VARIABLE);
    });
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect((warning as Error & { code?: string }).code).toBe(FROM_ENV_WARNING_CODE);
    expect(FROM_ENV_WARNING_CODE).toBe('LLORCH_SECRET_FROM_ENV');
    expect(warning?.message).toContain(VARIABLE);
    expect(warning?.message).toContain('/proc/<pid>/environ');
    expect(warning?.message).not.toContain(VALUE);
    expect(secret?.verify(VALUE)).toBe(true);
  });

  it('SEC-SECRET-016 deletes the variable from process.env once read', async () => {
    process.env[VARIABLE] = VALUE;
    await warningsDuring(() => Secret.fromEnv(VARIABLE));
    expect(Object.hasOwn(process.env, VARIABLE)).toBe(false);
    expect(process.env[VARIABLE]).toBeUndefined();
  });

  it('SEC-SECRET-016 warns on every read, a blank value included, and deletes a blank variable', async () => {
    process.env[VARIABLE] = VALUE;
    const first = await warningsDuring(() => Secret.fromEnv(VARIABLE));
    process.env[VARIABLE] = VALUE;
    const second = await warningsDuring(() => Secret.fromEnv(VARIABLE));
    process.env[VARIABLE] = ' \t\n';
    let code: string | undefined;
    const blank = await warningsDuring(() => {
      code = codeOf(() => Secret.fromEnv(VARIABLE));
    });
    expect([first.length, second.length, blank.length]).toEqual([1, 1, 1]);
    expect(code).toBe('EMPTY');
    expect(Object.hasOwn(process.env, VARIABLE)).toBe(false);

    process.env[VARIABLE] = '';
    const empty = await warningsDuring(() => {
      code = codeOf(() => Secret.fromEnv(VARIABLE));
    });
    expect(empty).toHaveLength(1);
    expect(code).toBe('EMPTY');
    expect(Object.hasOwn(process.env, VARIABLE)).toBe(false);
  });

  it('is NOT_FOUND, without a warning, when the variable is unset', async () => {
    let code: string | undefined;
    const warnings = await warningsDuring(() => {
      code = codeOf(() => Secret.fromEnv(VARIABLE));
    });
    expect(code).toBe('NOT_FOUND');
    expect(warnings).toHaveLength(0);
  });

  it('trims leading and trailing ASCII whitespace as a file load does, and nothing inside', async () => {
    process.env[VARIABLE] = `\r\n\t ${VALUE} x\n\u000b\f`;
    let secret: Secret | undefined;
    await warningsDuring(() => {
      secret = Secret.fromEnv(VARIABLE);
    });
    expect(secret?.verify(`${VALUE} x`)).toBe(true);
    expect(secret?.verify(VALUE)).toBe(false);
  });

  it('refuses a name that is empty, holds "=" or NUL, or is not a string', () => {
    for (const name of ['', 'A=B', 'A\0B', 42, null, undefined, {}]) {
      expect(codeOf(() => Secret.fromEnv(name as string))).toBe('INVALID_ARGUMENT');
    }
  });

  it('publishes the variable name and byte length, never the value, on llorch:secrets:load', async () => {
    const events: unknown[] = [];
    const listener = (message: unknown) => events.push(message);
    subscribe('llorch:secrets:load', listener);
    try {
      process.env[VARIABLE] = VALUE;
      await warningsDuring(() => Secret.fromEnv(VARIABLE));
    } finally {
      unsubscribe('llorch:secrets:load', listener);
    }
    expect(events).toEqual([{ source: 'env', name: VARIABLE, byteLength: VALUE.length }]);
    expect(JSON.stringify(events)).not.toContain(VALUE);
  });
});
