import { formatAllow } from '../../src/headers/allow.js';

describe('formatAllow', () => {
  it('joins methods with a comma and a space', () => {
    expect(formatAllow(['GET', 'HEAD', 'POST'])).toBe('GET, HEAD, POST');
  });

  it('drops repeated methods but keeps their case, since methods are case-sensitive', () => {
    expect(formatAllow(['GET', 'GET', 'patch'])).toBe('GET, patch');
  });

  it('allows an empty list, which says no method is allowed (RFC 9110 §10.2.1)', () => {
    expect(formatAllow([])).toBe('');
  });

  it('refuses a method that is not a token', () => {
    expect(() => formatAllow(['GET\r\nX-Evil: 1'])).toThrow(TypeError);
  });

  it('refuses something that is not an array', () => {
    expect(() => formatAllow('GET' as never)).toThrow('`allow` must be an array');
  });
});
