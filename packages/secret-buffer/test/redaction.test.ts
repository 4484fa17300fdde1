import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { SecretBuffer } from '../src/index.js';
import { findLeaks, leakForms, randomMarker, randomTextMarker } from './leak-forms.js';

function captureConsole(run: (logger: Console) => void): string {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  run(new Console({ stdout: sink, stderr: sink }));
  return chunks.join('');
}

// Every way the bytes could reach text or a byte stream, for one secret.
function renderings(secret: SecretBuffer): Record<string, string | Uint8Array> {
  const holder = { name: 'api', nested: { deeper: { secret } }, list: [secret] };
  return {
    'console.log': captureConsole((logger) => {
      logger.log(secret);
      logger.log(holder);
      logger.error('%s %o %j %O %d', secret, secret, secret, secret, secret);
      logger.dir(secret, { showHidden: true, depth: null });
      logger.table([{ secret }]);
    }),
    'util.inspect': inspect(holder, { showHidden: true, depth: Infinity }),
    'util.inspect without custom hooks': inspect(holder, {
      showHidden: true,
      depth: Infinity,
      customInspect: false,
      getters: true,
    }),
    'util.format': format('%s %o %j %O %i %f', secret, secret, holder, holder, secret, secret),
    'JSON.stringify': JSON.stringify(holder),
    'template literal': `${secret as unknown as string} and ${String(holder.list)}`,
    'string concatenation': (secret as unknown as string) + '',
    'String()': String(secret),
    toString: secret.toString(),
    toLocaleString: Object.prototype.toLocaleString.call(secret),
    'Object.prototype.toString': Object.prototype.toString.call(secret),
    structuredClone: inspect(structuredClone(holder), { showHidden: true, depth: Infinity }),
    'v8.serialize': serialize(holder),
    'Object.keys': JSON.stringify(Object.keys(secret)),
    'Reflect.ownKeys': String(Reflect.ownKeys(secret).map(String)),
    spread: inspect({ ...secret }, { showHidden: true, depth: Infinity }),
    'Object.entries': inspect(Object.entries(secret)),
    'Object.getOwnPropertyDescriptors': inspect(Object.getOwnPropertyDescriptors(secret)),
    'error cause': inspect(new Error('wrapped', { cause: secret })),
  };
}

describe('redaction', () => {
  it('SEC-SECRET-011 no rendering of a random secret shows its bytes in any form', () => {
    const marker = randomMarker();
    const secret = SecretBuffer.from(marker);
    for (const [name, output] of Object.entries(renderings(secret))) {
      expect({ name, leaks: findLeaks(output, marker) }).toEqual({ name, leaks: [] });
    }
    // The redaction must not have disturbed the secret itself.
    expect(secret.expose((bytes) => Buffer.from(bytes).equals(Buffer.from(marker)))).toBe(true);
  });

  it('SEC-SECRET-011 no rendering of a UTF-8 secret shows its text', () => {
    const text = randomTextMarker();
    const marker = new TextEncoder().encode(text);
    const secret = SecretBuffer.fromUtf8(text);
    for (const [name, output] of Object.entries(renderings(secret))) {
      expect({ name, leaks: findLeaks(output, marker) }).toEqual({ name, leaks: [] });
    }
  });

  it('SEC-SECRET-011 shows a redaction marker and the type where a person would look', () => {
    const secret = SecretBuffer.random(32);
    expect(String(secret)).toBe('[REDACTED]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[REDACTED]"}');
    expect(inspect(secret)).toBe('SecretBuffer [REDACTED]');
    expect(`${secret as unknown as string}`).toBe('[REDACTED]');
    expect(Number(secret)).toBeNaN();
    expect(Object.prototype.toString.call(secret)).toBe('[object SecretBuffer]');
  });

  it('SEC-SECRET-011 leaves nothing behind in copies made by structuredClone and spread', () => {
    const secret = SecretBuffer.random(16);
    expect(Object.keys(structuredClone(secret))).toEqual([]);
    expect(Reflect.ownKeys({ ...secret })).toEqual([]);
    expect(structuredClone(secret)).not.toBeInstanceOf(SecretBuffer);
  });

  describe('the leak detector itself (controls: each would fail the tests above)', () => {
    const marker = randomMarker();
    const forms = leakForms(marker);
    it.each(forms.strings.map((form, index) => [index, form]))(
      'finds string form %i of the marker',
      (_index, form) => {
        expect(findLeaks(`prefix ${form} suffix`, marker)).toContain(form);
      },
    );

    it('finds the raw bytes inside a byte stream', () => {
      const stream = new Uint8Array([1, 2, 3, ...marker, 4]);
      expect(findLeaks(stream, marker)).toContain('raw bytes');
    });

    it('finds the bytes of an unprotected Uint8Array in console and inspect output', () => {
      const exposed = new Uint8Array(marker);
      expect(findLeaks(inspect({ exposed }), marker).length).toBeGreaterThan(0);
      const logged = captureConsole((logger) => logger.log(Buffer.from(marker)));
      expect(findLeaks(logged, marker).length).toBeGreaterThan(0);
      expect(findLeaks(serialize({ exposed }), marker)).toContain('raw bytes');
    });
  });
});
