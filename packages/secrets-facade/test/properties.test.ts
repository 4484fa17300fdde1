import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Secret,
  SecretKey,
  bearerVerifier,
  isSecretError,
  resolveServiceSecret,
  resolveServiceSecretSync,
} from '../src/index.js';

// Values a JavaScript caller can pass where TypeScript would stop them.
function hostileValues(): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const detached = new Uint8Array(8);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
      ownKeys() {
        throw new Error('trap');
      },
    },
  );
  const getter = Object.defineProperty({}, 'root', {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
  return [revoked.proxy, detached, throwing, getter, Symbol('s'), 10n, () => 1, new Map()];
}

const HOSTILE = hostileValues();
// fast-check inspects every generated value, which a revoked Proxy refuses: the hostile values
// are generated as indexes and looked up inside the property.
const anyInput = fc
  .oneof(
    fc.anything().map((value) => ({ value })),
    fc.nat({ max: HOSTILE.length - 1 }).map((index) => ({ index })),
  )
  .map((box) => () => ('index' in box ? HOSTILE[box.index] : box.value));

// Generated strings must not name a real variable of the test process: fromEnv deletes it.
function safeName(value: unknown): unknown {
  return typeof value === 'string' ? `LLORCH_PROPERTY_${value}` : value;
}

function throwsOnlySecretErrors(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return isSecretError(error);
  }
}

async function rejectsOnlySecretErrors(run: () => unknown): Promise<boolean> {
  let promise: unknown;
  try {
    promise = run();
  } catch {
    return false; // an async function must reject, never throw synchronously
  }
  if (!(promise instanceof Promise)) return false;
  try {
    await promise;
    return true;
  } catch (error) {
    return isSecretError(error);
  }
}

describe('SEC-SECRET-001 no public function throws anything but a SecretError', () => {
  it('SEC-SECRET-001 synchronous functions throw only SecretError, whatever they are given', () => {
    fc.assert(
      fc.property(anyInput, anyInput, (inputA, inputB) => {
        const a = inputA();
        const b = inputB();
        const runs = [
          () => Secret.loadFromFileSync(a as never, b as never),
          () => Secret.fromSystemdCredentialSync(a as never, b as never),
          () => Secret.fromEnv(safeName(a) as never),
          () => Secret.from(a as never, b as never),
          () => SecretKey.loadFromFileSync(a as never, b as never),
          () => SecretKey.fromSystemdCredentialSync(a as never, b as never),
          () => SecretKey.deriveFromToken(a as never, b as never),
          () => bearerVerifier(a as never),
          () => resolveServiceSecretSync(safeName(a) as never, b as never),
        ];
        return runs.every(throwsOnlySecretErrors);
      }),
      { numRuns: 150 },
    );
  });

  it('SEC-SECRET-001 asynchronous functions reject with SecretError and never throw', async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, anyInput, async (inputA, inputB) => {
        const a = inputA();
        const b = inputB();
        const runs = [
          () => Secret.loadFromFile(a as never, b as never),
          () => Secret.fromSystemdCredential(a as never, b as never),
          () => SecretKey.loadFromFile(a as never, b as never),
          () => SecretKey.fromSystemdCredential(a as never, b as never),
          () => resolveServiceSecret(safeName(a) as never, b as never),
        ];
        for (const run of runs) if (!(await rejectsOnlySecretErrors(run))) return false;
        return true;
      }),
      { numRuns: 100 },
    );
  });

  it('SEC-SECRET-001 verify and the bearer verifier return booleans for any candidate', () => {
    const secret = Secret.from(new TextEncoder().encode('property-token'));
    const check = bearerVerifier(secret);
    fc.assert(
      fc.property(
        fc.oneof(
          anyInput,
          fc.string().map((s) => () => s),
          fc.uint8Array().map((u) => () => u),
        ),
        (input) => {
          const candidate = input();
          expect(typeof secret.verify(candidate as never)).toBe('boolean');
          expect(typeof check(candidate as never)).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('SEC-SECRET-001 verify never matches a different string', () => {
    const token = 'property-token-a1b2c3';
    const secret = Secret.from(new TextEncoder().encode(token));
    fc.assert(
      fc.property(fc.string(), (candidate) => {
        fc.pre(candidate !== token);
        expect(secret.verify(candidate)).toBe(false);
        expect(bearerVerifier(secret)(`Bearer ${candidate}`)).toBe(false);
      }),
    );
  });
});
