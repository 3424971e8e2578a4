import { formatUnsatisfiedRange } from '../../src/headers/content-range.js';

// RFC 9110 §14.4: unsatisfied-range = "*/" complete-length, after the range unit and a space.
const UNSATISFIED_RANGE = /^bytes \*\/(\d+)$/;

describe('formatUnsatisfiedRange', () => {
  it('writes the unsatisfied-range form with the complete length in bytes', () => {
    expect(formatUnsatisfiedRange(1234)).toBe('bytes */1234');
  });

  it('round-trips the length through the RFC 9110 grammar', () => {
    const value = formatUnsatisfiedRange(Number.MAX_SAFE_INTEGER);
    expect(Number(UNSATISFIED_RANGE.exec(value)?.[1])).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('accepts an empty representation', () => {
    expect(formatUnsatisfiedRange(0)).toBe('bytes */0');
  });

  it.each([-1, 1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1])(
    'refuses %p with a RangeError naming `completeLength`',
    (length) => {
      expect(() => formatUnsatisfiedRange(length)).toThrow(RangeError);
      expect(() => formatUnsatisfiedRange(length)).toThrow('`completeLength` must be a whole');
    },
  );

  it('refuses a length that is not a number with a TypeError', () => {
    expect(() => formatUnsatisfiedRange('1234' as never)).toThrow(
      '`completeLength` must be a number of bytes, got "1234"',
    );
  });
});
