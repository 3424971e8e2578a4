import { isPassedOn, safeHeaders, sendableHeaders } from '../../src/headers/foreign-headers.js';

describe('isPassedOn', () => {
  it.each([
    'Retry-After',
    'WWW-Authenticate',
    'Proxy-Authenticate',
    'Allow',
    'Accept-Patch',
    'Accept-Post',
    'Link',
    'X-Hint',
  ])('passes on %s, a field an app attaches to an error', (name) => {
    expect(isPassedOn(name)).toBe(true);
  });

  it.each(['Cache-Control', 'cdn-cache-control', 'Surrogate-Control', 'Pragma'])(
    'does not pass on %s, which could let a shared cache keep the error',
    (name) => {
      expect(isPassedOn(name)).toBe(false);
    },
  );

  it.each([
    'Access-Control-Max-Age',
    'ACCESS-CONTROL-ALLOW-METHODS',
    'Cross-Origin-Embedder-Policy',
    'content-security-policy',
    'Content-Type',
    'Content-Anything',
  ])('does not pass on %s, a field of a family it leaves out, in any case', (name) => {
    expect(isPassedOn(name)).toBe(false);
  });

  it.each(['Content-Range', 'content-range'])(
    'passes on %s alone of the Content-* fields: a 416 sends its own',
    (name) => {
      expect(isPassedOn(name)).toBe(true);
    },
  );
});

describe('safeHeaders', () => {
  it('leaves out the fields it does not pass on without counting them against its 8 KiB', () => {
    const headers = { 'Set-Cookie': `a=${'x'.repeat(8000)}`, 'X-Hint': 'h'.repeat(1000) };

    expect(safeHeaders(headers)).toEqual({ 'X-Hint': 'h'.repeat(1000) });
  });
});

describe('sendableHeaders', () => {
  it('keeps any field HTTP can carry when given no filter, as for an ApiError’s own headers', () => {
    const headers = { Location: '/orders/7', 'Set-Cookie': 'a=1', 'X\r\nBad': 'y' };

    expect(sendableHeaders(headers)).toEqual({ Location: '/orders/7', 'Set-Cookie': 'a=1' });
  });
});
