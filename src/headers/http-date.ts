import { describeValue } from '../options/describe-value.js';

/**
 * Turns a Date or a date string into a valid Date, or throws a TypeError
 * naming `what`. HTTP-dates have a four-digit year (RFC 9110 §5.6.7), so
 * dates outside years 0 to 9999 are refused with a RangeError.
 */
// The strings taken for dates: ISO 8601 (`2026-06-30`, `2026-06-30T23:59:59Z`) or an
// IMF-fixdate. `new Date()` alone would also read `'March 7'` or `'12'` as some date.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;
/** RFC 9110 §5.6.7 IMF-fixdate, unanchored: `Sun, 06 Nov 1994 08:49:37 GMT`. */
export const IMF_FIXDATE_PATTERN =
  '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT';
const IMF_FIXDATE = new RegExp(`^${IMF_FIXDATE_PATTERN}$`);

/** Days in each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether a string is an ISO 8601 date of the calendar: `new Date()` would
 * roll `2026-02-31` over to March 3 and `T24:00` to the next day, silently.
 */
function isIsoDate(value: string): boolean {
  const match = ISO_8601.exec(value);
  if (match === null) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] =
    match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month! - 1];
  return (
    days !== undefined &&
    day! >= 1 &&
    day! <= days &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59
  );
}

/**
 * Whether a string is an IMF-fixdate of a real moment, its weekday right:
 * the one form of HTTP-date a sender may generate (RFC 9110 §5.6.7).
 */
export function isImfFixdate(value: string): boolean {
  return IMF_FIXDATE.test(value) && new Date(value).toUTCString() === value;
}

export function toValidDate(value: unknown, what: string): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' && (isIsoDate(value) || isImfFixdate(value))
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new TypeError(
      `${what} must be a valid Date, an ISO 8601 date string or an IMF-fixdate, got ${describeValue(value)}`,
    );
  }
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) {
    throw new RangeError(`${what} must fall in the years 0000 to 9999, got ${date.toISOString()}`);
  }
  return date;
}

/** An HTTP-date in the preferred IMF-fixdate form (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function formatHttpDate(value: Date, what: string): string {
  // toUTCString() writes exactly IMF-fixdate for years 0000 to 9999.
  return toValidDate(value, what).toUTCString();
}
