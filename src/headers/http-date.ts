/**
 * Turns a Date or a date string into a valid Date, or throws a TypeError
 * naming `what`. HTTP-dates have a four-digit year (RFC 9110 §5.6.7), so
 * dates outside years 0 to 9999 are refused with a RangeError.
 */
export function toValidDate(value: unknown, what: string): Date {
  const date =
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new TypeError(
      `${what} must be a valid Date or date string, got ${JSON.stringify(value)}`,
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
