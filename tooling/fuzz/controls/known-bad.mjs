// Known-bad targets for `pnpm fuzz --controls`: each must be reported as failed, proving that the
// harness catches a foreign error, a synchronous throw from an async function, a hang, a wrong
// answer, and a message that leaks the input.
import { fc } from '../lib.mjs';

const needs = { 'secret-buffer': ['SecretError'] };

export const targets = [
  {
    name: 'control: TypeError',
    pkg: 'controls',
    needs,
    arbitrary: () => fc.integer(),
    call: (ctx, n) => {
      if (n > 1000) throw new TypeError('not a SecretError');
      return n;
    },
    check: () => undefined,
  },
  {
    name: 'control: sync throw from async',
    pkg: 'controls',
    needs,
    async: true,
    arbitrary: () => fc.integer(),
    call: (ctx, n) => {
      if (n > 1000) throw new ctx.mods['secret-buffer'].SecretError('IO', 'sync');
      return Promise.resolve(n);
    },
    check: () => undefined,
  },
  {
    name: 'control: async hang',
    pkg: 'controls',
    needs,
    async: true,
    arbitrary: () => fc.integer(),
    call: (ctx, n) => (n > 1000 ? new Promise(() => {}) : Promise.resolve(n)),
    check: () => undefined,
  },
  {
    name: 'control: wrong answer',
    pkg: 'controls',
    needs,
    arbitrary: () => fc.integer(),
    call: (ctx, n) => n + (Math.abs(n) % 7 === 3 ? 1 : 0),
    check: (ctx, value, n) => (value === n ? undefined : 'wrong value'),
  },
  {
    // A SecretError of the right kind whose message repeats what it was given: only a target's
    // checkError can see that, so this proves the harness calls it on every thrown error.
    name: 'control: leaking message',
    pkg: 'controls',
    needs,
    arbitrary: () => fc.string({ minLength: 8, maxLength: 16 }),
    call: (ctx, text) => {
      if (text.length > 12) {
        throw new ctx.mods['secret-buffer'].SecretError('INVALID_FORMAT', `bad value ${text}`);
      }
      return text;
    },
    check: () => undefined,
    checkError: (ctx, error, text) =>
      String(error.message).includes(text) ? 'the message contains the input' : undefined,
  },
];
