import { parse } from 'auth-header';
import { bearerChallenge } from '../../src/index.js';
import { formatChallenges } from '../../src/headers/www-authenticate.js';

describe('formatChallenges', () => {
  it('formats a scheme without parameters as the bare scheme', () => {
    expect(formatChallenges({ scheme: 'Basic' })).toBe('Basic');
  });

  it('quotes every parameter value', () => {
    expect(formatChallenges({ scheme: 'Signature', params: { realm: 'api' } })).toBe(
      'Signature realm="api"',
    );
  });

  it('escapes double quotes and backslashes inside quoted values', () => {
    const value = formatChallenges({
      scheme: 'Basic',
      params: { realm: 'say "hi" \\ bye' },
    });
    expect(value).toBe('Basic realm="say \\"hi\\" \\\\ bye"');
  });

  it('round-trips escaped quotes through an independent parser', () => {
    // auth-header unescapes \" but not \\, so the backslash case is checked by exact value above.
    const value = formatChallenges({ scheme: 'Basic', params: { realm: 'say "hi"' } });
    expect(parse(value).params).toEqual({ realm: 'say "hi"' });
  });

  it('joins several challenges with commas', () => {
    expect(
      formatChallenges([
        { scheme: 'Bearer', params: { realm: 'api' } },
        { scheme: 'Basic', params: { realm: 'api' } },
      ]),
    ).toBe('Bearer realm="api", Basic realm="api"');
  });

  it.each([
    ['a CR in a value', { scheme: 'Bearer', params: { realm: 'a\rb' } }],
    ['an LF in a value', { scheme: 'Bearer', params: { realm: 'a\nSet-Cookie: x=1' } }],
    ['a NUL in a value', { scheme: 'Bearer', params: { realm: 'a\0' } }],
    ['a character outside Latin-1', { scheme: 'Bearer', params: { realm: 'snow ☃' } }],
    ['a scheme that is not a token', { scheme: 'Bear er' }],
    ['a parameter name that is not a token', { scheme: 'Bearer', params: { 're alm': 'x' } }],
  ])('refuses %s with a TypeError', (_case, challenge) => {
    expect(() => formatChallenges(challenge)).toThrow(TypeError);
  });

  it('refuses an empty list of challenges', () => {
    expect(() => formatChallenges([])).toThrow('at least one challenge');
  });
});

describe('bearerChallenge', () => {
  it('orders the RFC 6750 attributes and renames errorDescription and errorUri', () => {
    const challenge = bearerChallenge({
      errorUri: 'https://example.com/e',
      errorDescription: 'The access token expired',
      error: 'invalid_token',
      scope: 'read write',
      realm: 'api',
    });
    const value = formatChallenges(challenge);
    expect(value).toBe(
      'Bearer realm="api", scope="read write", error="invalid_token", error_description="The access token expired", error_uri="https://example.com/e"',
    );
    expect(parse(value)).toEqual({
      scheme: 'Bearer',
      token: null,
      params: {
        realm: 'api',
        scope: 'read write',
        error: 'invalid_token',
        error_description: 'The access token expired',
        error_uri: 'https://example.com/e',
      },
    });
  });

  it('leaves out attributes that were not given', () => {
    expect(bearerChallenge({ realm: 'api' })).toEqual({
      scheme: 'Bearer',
      params: { realm: 'api' },
    });
  });

  it.each(['say "no"', 'back\\slash', 'café'])(
    'refuses an error_description outside the RFC 6750 character set: %j',
    (description) => {
      expect(() => bearerChallenge({ errorDescription: description })).toThrow(
        /error_description.*RFC 6750/,
      );
    },
  );
});
