import { describe, expect, it } from 'vitest';
import { Secret, bearerVerifier, isSecretError } from '../src/index.js';
import { bytesOf } from './helpers.js';

const TOKEN = 'Zq3-_x9.Ab~c+d/e=';

describe('bearerVerifier: RFC 7235 header forms', () => {
  const verify = bearerVerifier(Secret.from(bytesOf(TOKEN)));

  it.each([
    ['Bearer <token>', `Bearer ${TOKEN}`],
    ['lower-case scheme', `bearer ${TOKEN}`],
    ['upper-case scheme', `BEARER ${TOKEN}`],
    ['mixed-case scheme', `bEaReR ${TOKEN}`],
    ['several spaces after the scheme', `Bearer    ${TOKEN}`],
  ])('accepts %s', (_label, header) => {
    expect(verify(header)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a leading space', ` Bearer ${TOKEN}`],
    ['a trailing space after the token', `Bearer ${TOKEN} `],
    ['a trailing newline', `Bearer ${TOKEN}\n`],
    ['a tab instead of a space', `Bearer\t${TOKEN}`],
    ['no space after the scheme', `Bearer${TOKEN}`],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['the scheme and spaces only', 'Bearer    '],
    ['another scheme', `Basic ${TOKEN}`],
    ['a longer scheme', `Bearerx ${TOKEN}`],
    ['a non-ASCII look-alike scheme', `B\u0435arer ${TOKEN}`],
    ['a token in another case', `Bearer ${TOKEN.toUpperCase()}`],
    ['a truncated token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['an extra parameter', `Bearer ${TOKEN}, realm="x"`],
    ['the token twice', `Bearer ${TOKEN} ${TOKEN}`],
    ['the bare token', TOKEN],
  ])('refuses %s', (_label, header) => {
    expect(verify(header)).toBe(false);
  });

  it('refuses values that are not strings', () => {
    for (const value of [null, 42, [`Bearer ${TOKEN}`], { toString: () => `Bearer ${TOKEN}` }]) {
      expect(verify(value as never)).toBe(false);
    }
  });

  it('compares header characters as the bytes they came as (Latin-1), refusing any above U+00FF', () => {
    const latin = bearerVerifier(Secret.from(new Uint8Array([0xe9, 0x41])));
    expect(latin('Bearer \u00e9A')).toBe(true);
    expect(latin('Bearer \u0100A')).toBe(false);
    expect(latin('Bearer \u00c3\u00a9A')).toBe(false);
  });

  it('throws DISPOSED for every header once the secret is disposed', () => {
    const secret = Secret.from(bytesOf(TOKEN));
    const check = bearerVerifier(secret);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    secret.dispose();
    for (const header of [`Bearer ${TOKEN}`, undefined, 'garbage']) {
      let caught: unknown;
      try {
        check(header);
      } catch (error) {
        caught = error;
      }
      expect(isSecretError(caught, 'DISPOSED')).toBe(true);
    }
  });

  it('refuses to build a verifier for something that is not a Secret', () => {
    for (const value of [undefined, null, TOKEN, bytesOf(TOKEN), {}]) {
      let caught: unknown;
      try {
        bearerVerifier(value as never);
      } catch (error) {
        caught = error;
      }
      expect(isSecretError(caught, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
