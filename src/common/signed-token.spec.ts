import { deriveKey, signToken, verifyToken } from './signed-token';

const key = deriveKey('secret-key', 'identity-verification-link');

describe('signed tokens', () => {
  const token = signToken(key, [42, 1780000000, 'n0nce']);

  it.each([
    ['the token it signed', token, ['42', '1780000000', 'n0nce']],
    ['an altered part', token.replace('42.', '43.'), null],
    ['an altered mac', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), null],
    ['a missing part', token.split('.').slice(1).join('.'), null],
    ['an extra part', `x.${token}`, null],
    ['another purpose', signToken(deriveKey('secret-key', 'password-reset'), [42, 1780000000, 'n0nce']), null],
    [
      'another secret key',
      signToken(deriveKey('other-key', 'identity-verification-link'), [42, 1780000000, 'n0nce']),
      null,
    ],
    ['garbage', 'not a token', null],
    ['an empty string', '', null],
    ['a huge string', 'a.'.repeat(500), null],
  ])('%s', (_label, given, expected) => {
    expect(verifyToken(key, given, 3)).toEqual(expected);
  });

  it('refuses to sign parts that would break the format', () => {
    expect(() => signToken(key, ['a.b'])).toThrow();
    expect(() => signToken(key, [''])).toThrow();
  });
});
