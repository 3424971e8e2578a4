import { describeValue } from '../options/describe-value.js';
/**
 * The one place that checks and quotes header field values, so that every
 * header this library writes follows the same rules.
 */

// RFC 9110 §5.6.2: token = 1*tchar
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 §5.5: field values are VCHAR, SP and HTAB; obs-text (bytes above
// 0x7F) is legacy that recipients treat as opaque, so it is not generated.
// Anything else (CR and LF above all) would let a value split the response.
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** Throws a TypeError naming `what` unless `value` is an RFC 9110 token. */
export function assertToken(value: unknown, what: string): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new TypeError(`${what} must be an RFC 9110 token, got ${describeValue(value)}`);
  }
  return value;
}

export function isFieldValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}

/** Throws a TypeError naming `what` if `value` could not be sent as a header value. */
export function assertFieldValue(value: unknown, what: string): string {
  if (typeof value !== 'string' || !FIELD_VALUE.test(value)) {
    throw new TypeError(
      `${what} must be a string of printable ASCII, without control characters (CR, LF, NUL…), got ${describeValue(value)}`,
    );
  }
  return value;
}

/** RFC 9110 §5.6.4 quoted-string: wraps in DQUOTE and backslash-escapes `"` and `\`. */
export function quoteString(value: string, what: string): string {
  assertFieldValue(value, what);
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
