import { formatHttpDate, toValidDate } from '../../src/headers/http-date.js';

describe('toValidDate', () => {
  it('keeps a valid Date as it is', () => {
    const date = new Date(Date.UTC(2026, 0, 1));
    expect(toValidDate(date, '`d`')).toBe(date);
  });

  it('parses a date string', () => {
    expect(toValidDate('2026-01-01T00:00:00Z', '`d`').getTime()).toBe(Date.UTC(2026, 0, 1));
  });

  it.each([[new Date('nope')], ['not a date'], [1_700_000_000_000], [null]])(
    'refuses %p with a TypeError naming the option',
    (value) => {
      expect(() => toValidDate(value, '`d`')).toThrow(TypeError);
      expect(() => toValidDate(value, '`d`')).toThrow(
        /^`d` must be a valid Date, an ISO 8601 date string or an IMF-fixdate/,
      );
    },
  );

  it('refuses years an HTTP-date cannot hold', () => {
    expect(() => toValidDate(new Date(Date.UTC(10_000, 0, 1)), '`d`')).toThrow(RangeError);
    expect(() => toValidDate(new Date(Date.UTC(-1, 0, 1)), '`d`')).toThrow(RangeError);
    // An expanded-year string is not among the forms taken at all.
    expect(() => toValidDate('-000001-01-01T00:00:00Z', '`d`')).toThrow(TypeError);
  });
});

describe('formatHttpDate', () => {
  it('writes an IMF-fixdate', () => {
    expect(formatHttpDate(new Date(Date.UTC(1994, 10, 6, 8, 49, 37)), '`d`')).toBe(
      'Sun, 06 Nov 1994 08:49:37 GMT',
    );
  });

  it('pads a year below 1000 to four digits', () => {
    expect(formatHttpDate(new Date('0999-01-01T00:00:00Z'), '`d`')).toBe(
      'Tue, 01 Jan 0999 00:00:00 GMT',
    );
  });

  it('round-trips through Date.parse', () => {
    const date = new Date(Date.UTC(2031, 5, 30, 23, 59, 59));
    expect(Date.parse(formatHttpDate(date, '`d`'))).toBe(date.getTime());
  });
});
