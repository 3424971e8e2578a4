import fc from 'fast-check';
import { acceptQuality } from '../../src/headers/accept.js';

const UTF8 = { charset: 'utf-8' };
const quality = (accept: string, type = 'application', subtype = 'problem+json') =>
  acceptQuality(accept, type, subtype, UTF8);

describe('acceptQuality (RFC 9110 §12.5.1)', () => {
  it.each([
    // [Accept, quality of application/problem+json]
    ['application/problem+json', 1],
    ['*/*', 1],
    ['application/*', 1],
    ['*/*;q=0.8', 0.8],
    ['application/*;q=0.5', 0.5],
    ['application/json', 0],
    ['text/html', 0],
    ['', 0],
    ['application/problem+json;q=0', 0],
    ['application/problem+json;q=0.001', 0.001],
    ['application/problem+json;q=1.000', 1],
    ['application/problem+json;q=0.75', 0.75],
  ])('gives %p a weight of %p', (accept, expected) => {
    expect(quality(accept)).toBe(expected);
  });

  describe('the most specific matching range decides', () => {
    it.each([
      ['*/*;q=0.1, application/*;q=0.5', 0.5],
      ['application/*;q=0.5, */*;q=0.9', 0.5],
      ['application/problem+json;q=0.2, application/*, */*', 0.2],
      ['*/*, application/problem+json;q=0', 0],
      ['application/*;q=0, */*', 0],
      ['application/problem+json;charset=utf-8;q=0.3, application/problem+json;q=0.9', 0.3],
    ])('%p → %p', (accept, expected) => {
      expect(quality(accept)).toBe(expected);
    });

    it('takes the higher weight of two equally specific ranges', () => {
      expect(quality('application/problem+json;q=0.2, application/problem+json;q=0.6')).toBe(0.6);
    });
  });

  describe('parameters', () => {
    it.each([
      ['application/problem+json;charset=utf-8', 1],
      ['application/problem+json; charset=UTF-8', 1],
      ['application/problem+json;charset="utf-8"', 1],
      ['application/problem+json;charset="utf\\-8"', 1],
      ['application/problem+json;CHARSET=utf-8;q=0.4', 0.4],
    ])('matches the charset JSON is sent in: %p → %p', (accept, expected) => {
      expect(quality(accept)).toBe(expected);
    });

    it.each([
      ['application/problem+json;charset=iso-8859-1'],
      ['application/problem+json;profile="https://example.com/p"'],
      ['application/problem+json;charset=utf-8;version=2'],
      ['application/problem+json;charset="utf-8x"'],
    ])('does not match a range with a parameter the type lacks: %p', (accept) => {
      expect(quality(accept)).toBe(0);
    });

    it('ignores what follows the weight', () => {
      expect(quality('application/problem+json;q=0.5;level=1')).toBe(0.5);
    });

    it('keeps a comma inside a quoted value within its member', () => {
      expect(quality('application/problem+json;profile="a,b", */*;q=0.3')).toBe(0.3);
      expect(quality('text/html;title="x, application/problem+json"')).toBe(0);
    });
  });

  describe('case', () => {
    it.each([
      ['APPLICATION/PROBLEM+JSON', 1],
      ['Application/Problem+Json;Q=0.5', 0.5],
      ['APPLICATION/*;q=0.7', 0.7],
    ])('compares types and parameter names case-insensitively: %p → %p', (accept, expected) => {
      expect(quality(accept)).toBe(expected);
    });
  });

  describe('malformed members are ignored, as if absent', () => {
    it.each([
      ['application/problem+json;q=2', 0],
      ['application/problem+json;q=1.5', 0],
      ['application/problem+json;q=0.1234', 0],
      ['application/problem+json;q=.5', 0],
      ['application/problem+json;q=', 0],
      ['application/problem+json;q="0.5"', 0],
      ['application/problem+json;q=-1', 0],
      ['application/problem+json garbage', 0],
      ['application/problem+json;=x', 0],
      ['application/problem+json;charset = utf-8', 0],
      ['application/problem+json;charset="utf-8', 0],
      ['*/problem+json', 0],
      ['application', 0],
      ['/problem+json', 0],
      ['application/', 0],
      ['application/problem+json;q=0.5x, */*;q=0.2', 0.2],
      [',,, application/problem+json;q=0.4 ,,', 0.4],
      ['\tapplication/problem+json\t;\tq=0.6\t', 0.6],
      ['ápplication/problem+json, */*;q=0.1', 0.1],
    ])('%p → %p', (accept, expected) => {
      expect(quality(accept)).toBe(expected);
    });
  });

  it('never throws and always answers a weight from 0 to 1', () => {
    const piece = fc.constantFrom(
      'application',
      'problem+json',
      'json',
      '*',
      '/',
      ';',
      ',',
      '=',
      '"',
      '\\',
      ' ',
      '\t',
      'q',
      'Q',
      '0',
      '1',
      '.',
      '5',
      'charset',
      'utf-8',
    );
    const accept = fc.oneof(
      fc.string(),
      fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join('')),
    );
    fc.assert(
      fc.property(accept, (value) => {
        const result = quality(value);
        expect(result).toBeGreaterThanOrEqual(0);
        expect(result).toBeLessThanOrEqual(1);
      }),
      { numRuns: 3000 },
    );
  });
});
