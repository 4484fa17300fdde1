// Runs in Node, Bun and Deno alike: exercises the built ESM of the three packages that promise
// to need nothing but Web Crypto. Any mismatch throws, so the runtime exits non-zero.
import { SecretBuffer, isSecretError } from '../../packages/secret-buffer/dist/index.js';
import {
  constantTimeEqual,
  verifyPaddedSecret,
  verifySecret,
} from '../../packages/ct-verify/dist/index.js';
import { deriveKey } from '../../packages/hkdf-derive/dist/index.js';

const results = [];
function check(name, actual, expected) {
  if (actual !== expected) {
    throw new Error(`${name}: expected ${String(expected)}, got ${String(actual)}`);
  }
  results.push(name);
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text) => Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));

const token = SecretBuffer.random(32);
check('random length', token.byteLength, 32);
check('redacted string', String(token), '[REDACTED]');
check('redacted JSON', JSON.stringify({ token }), '{"token":"[REDACTED]"}');
const view = token.expose((bytes) => bytes);
const copy = new Uint8Array(view);
check(
  'verify right',
  token.expose((bytes) => verifySecret(bytes, copy)),
  true,
);
copy[31] ^= 1;
check(
  'verify wrong',
  token.expose((bytes) => verifySecret(bytes, copy)),
  false,
);
check('verify string', verifySecret(new TextEncoder().encode('tok'), 'tok'), true);
const window = new Uint8Array(64);
window.set(new TextEncoder().encode('tok'));
check('verify padded', verifyPaddedSecret(window, 3, 'tok'), true);
check('verify padded, longer candidate', verifyPaddedSecret(window, 3, 'tok\0'), false);
check('equal', constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
check('wrong type', verifySecret(null, 'x'), false);
token.dispose();
check(
  'wiped',
  view.every((b) => b === 0),
  true,
);
let code;
try {
  token.expose(() => 0);
} catch (error) {
  code = isSecretError(error) ? error.code : 'other';
}
check('disposed', code, 'DISPOSED');

// RFC 5869 test case 1, asked for 42 bytes.
const okm = deriveKey(fromHex('0b'.repeat(22)), fromHex('f0f1f2f3f4f5f6f7f8f9'), {
  salt: fromHex('000102030405060708090a0b0c'),
  byteLength: 42,
});
check(
  'hkdf rfc5869 case 1',
  okm.expose((bytes) => hex(bytes)),
  '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
);

console.log(`${results.length} checks passed`);
