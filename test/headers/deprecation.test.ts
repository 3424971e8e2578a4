import { formatDeprecation } from '../../src/headers/deprecation.js';

/** RFC 9651 §4.2.9: an sf-date is `@` and an sf-integer (at most 15 digits). */
function parseSfDate(value: string): number {
  const match = /^@(-?\d{1,15})$/.exec(value);
  if (!match) throw new Error(`not an sf-date: ${value}`);
  return Number(match[1]) * 1000;
}

describe('formatDeprecation', () => {
  it('writes RFC 9745’s example date as an sf-date', () => {
    expect(formatDeprecation(new Date('2023-06-30T23:59:59Z'))).toBe('@1688169599');
  });

  it('drops the milliseconds, never rounding up to a later second', () => {
    expect(formatDeprecation(new Date(Date.UTC(2026, 0, 1) + 999))).toBe('@1767225600');
  });

  it('writes a date before 1970 as a negative integer', () => {
    expect(formatDeprecation(new Date('1969-12-31T23:59:59Z'))).toBe('@-1');
  });

  it('round-trips through an sf-date parser, for a date in the future too', () => {
    const date = new Date('2099-12-31T00:00:00Z');
    expect(parseSfDate(formatDeprecation(date))).toBe(date.getTime());
  });

  it('refuses an invalid Date, naming `since`', () => {
    expect(() => formatDeprecation(new Date('nope'))).toThrow(/^`since` must be a valid Date/);
  });
});
