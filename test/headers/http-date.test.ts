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

  it.each([
    '2026-02-31',
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31T00:00Z',
    '2026-02-30T00:00Z',
    '2026-01-01T24:00Z',
    '2026-01-01T23:60Z',
    '2026-01-01T00:00+24:00',
    'Mon, 31 Feb 2026 00:00:00 GMT',
    'Fri, 01 Jan 2026 00:00:00 GMT',
  ])('refuses %s, a date the calendar does not have or a wrong weekday', (value) => {
    expect(() => toValidDate(value, '`d`')).toThrow(
      `\`d\` must be a valid Date, an ISO 8601 date string or an IMF-fixdate, got "${value}"`,
    );
  });

  it.each([
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2000-02-29T12:00Z', Date.UTC(2000, 1, 29, 12)],
    ['2026-12-31T23:59:59.999+01:00', Date.UTC(2026, 11, 31, 22, 59, 59, 999)],
    ['Thu, 01 Jan 2026 00:00:00 GMT', Date.UTC(2026, 0, 1)],
  ])('takes %s, a date the calendar has', (value, time) => {
    expect(toValidDate(value, '`d`').getTime()).toBe(time);
  });

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
