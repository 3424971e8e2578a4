import { formatSunset } from '../../src/headers/sunset.js';

describe('formatSunset', () => {
  it('writes RFC 8594’s example as an IMF-fixdate', () => {
    expect(formatSunset(new Date('2018-11-11T23:59:59Z'))).toBe('Sun, 11 Nov 2018 23:59:59 GMT');
  });

  it('round-trips through Date.parse, to the second', () => {
    const date = new Date('2030-02-03T04:05:06Z');
    expect(new Date(formatSunset(date)).getTime()).toBe(date.getTime());
  });

  it('refuses an invalid Date, naming `sunset`', () => {
    expect(() => formatSunset(new Date('nope'))).toThrow(/^`sunset` must be a valid Date/);
  });
});
