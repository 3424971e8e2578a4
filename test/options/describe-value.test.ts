import { describeValue } from '../../src/options/describe-value.js';
import { deprecated, rateLimit } from '../../src/index.js';

describe('describeValue', () => {
  it.each<[unknown, string]>([
    ['text', '"text"'],
    [5, '5'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [1e300, '1e+300'],
    [null, 'null'],
    [{ a: 1 }, '{"a":1}'],
    [10n, '10n'],
    [undefined, 'undefined'],
    [Symbol('x'), 'Symbol(x)'],
    [function named() {}, 'a function (named)'],
    [/^\/b/g, '/^\\/b/g'],
    [new Date(0), '1970-01-01T00:00:00.000Z'],
    [new Date('nope'), 'Invalid Date'],
    ['\u200B', '"\\u200B"'],
    ['a\u00ADb\u2028c\u3164', '"a\\u00ADb\\u2028c\\u3164"'],
    [{ k: '\u2800' }, '{"k":"\\u2800"}'],
  ])('shows %p as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  it('never throws, even for a circular object', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeValue(circular)).toBe('[object Object]');
  });

  it('cuts a long description at 200 characters and says how long it was', () => {
    const value = Array.from({ length: 1000 }, (_, i) => i);
    const whole = JSON.stringify(value);
    expect(describeValue(value)).toBe(`${whole.slice(0, 200)}… (${whole.length} characters)`);
  });

  it('does not cut a long description between the halves of a surrogate pair', () => {
    const value = `${'x'.repeat(198)}😀😀`; // with its quotes, the first emoji is characters 200 and 201 of 204
    expect(describeValue(value)).toBe(`"${'x'.repeat(198)}… (204 characters)`);
  });

  it('never throws for a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(describeValue(proxy)).toBe('an object');
  });
});

describe('option errors given a BigInt', () => {
  it('still name the option', () => {
    expect(() =>
      rateLimit({ limit: 1, windowMs: 1000, logger: false, algorithm: 1n as never }),
    ).toThrow('`algorithm` must be one of gcra, sliding-window, fixed-window, got 1n');
    expect(() => deprecated({ since: 1n as never })).toThrow('`since` must be a valid Date');
  });
});
