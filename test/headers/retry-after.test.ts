import { formatRetryAfter, isRetryAfter } from '../../src/headers/retry-after.js';

describe('formatRetryAfter', () => {
  it('sends whole seconds as they are', () => {
    expect(formatRetryAfter(120)).toBe('120');
  });

  it('rounds fractions of a second up, so clients never retry too early', () => {
    expect(formatRetryAfter(0.2)).toBe('1');
    expect(formatRetryAfter(59.001)).toBe('60');
  });

  it('turns a Date into the seconds from now, rounded up', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(formatRetryAfter(new Date(now + 90_500), now)).toBe('91');
  });

  it('sends 0 for a Date in the past', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(formatRetryAfter(new Date(now - 5000), now)).toBe('0');
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'refuses %p seconds with a RangeError: a number out of range',
    (seconds) => {
      expect(() => formatRetryAfter(seconds)).toThrow(RangeError);
      expect(() => formatRetryAfter(seconds)).toThrow(
        `\`retryAfter\` must be from 0 to 9007199254740991 seconds, got ${seconds}`,
      );
    },
  );

  it('refuses an invalid Date with a TypeError', () => {
    expect(() => formatRetryAfter(new Date('nope'))).toThrow(
      new TypeError('`retryAfter` must be a valid Date, got Invalid Date'),
    );
  });

  it('refuses what is neither a number nor a Date with a TypeError', () => {
    expect(() => formatRetryAfter('60' as never)).toThrow(
      new TypeError('`retryAfter` must be a number of seconds or a Date, got "60"'),
    );
  });
});

describe('formatRetryAfter limits', () => {
  it('refuses a delay that would print in exponent notation', () => {
    expect(() => formatRetryAfter(1e21)).toThrow(RangeError);
    expect(formatRetryAfter(Number.MAX_SAFE_INTEGER)).toBe(String(Number.MAX_SAFE_INTEGER));
  });
});

describe('isRetryAfter', () => {
  it.each([['0'], ['120'], ['Fri, 04 Dec 2026 12:00:00 GMT'], ['Sun, 06 Nov 1994 08:49:37 GMT']])(
    'accepts %p: delay-seconds or an IMF-fixdate (RFC 9110 §10.2.3)',
    (value) => {
      expect(isRetryAfter(value)).toBe(true);
    },
  );

  it.each([['ok'], ['-1'], ['1.5'], [' 120'], [''], ['1e3']])(
    'refuses %p, which is not delay-seconds',
    (value) => {
      expect(isRetryAfter(value)).toBe(false);
    },
  );

  it.each([
    ['Mon, 04 Dec 2026 12:00:00 GMT', 'the wrong weekday'],
    ['Xyz, 99 Foo 0000 99:99:99 GMT', 'no such day, month or time'],
    ['Sat, 31 Feb 2026 12:00:00 GMT', 'no such date'],
    ['Fri, 04 Dec 2026 12:00:00 UTC', 'a zone other than GMT'],
  ])('refuses %p: %s', (value) => {
    expect(isRetryAfter(value)).toBe(false);
  });

  it.each([['Friday, 04-Dec-26 12:00:00 GMT'], ['Fri Dec  4 12:00:00 2026']])(
    'refuses the obsolete date form %p, which a sender must not generate (RFC 9110 §5.6.7)',
    (value) => {
      expect(isRetryAfter(value)).toBe(false);
    },
  );
});
