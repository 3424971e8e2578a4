import { describeValue } from '../options/describe-value.js';
import { IMF_FIXDATE_PATTERN, isImfFixdate } from './http-date.js';

/**
 * RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`, the date as
 * an IMF-fixdate, the one form a sender may generate (§5.6.7).
 */
export const RETRY_AFTER_PATTERN = `^(?:[0-9]+|${IMF_FIXDATE_PATTERN})$`;
const DELAY_SECONDS = /^[0-9]+$/;

/** Whether a field value is a `Retry-After` we may send: delay-seconds, or an IMF-fixdate of a real moment. */
export function isRetryAfter(value: string): boolean {
  return DELAY_SECONDS.test(value) || isImfFixdate(value);
}

/**
 * Checks a `Retry-After` given as a header value (a number of seconds or a
 * field value), naming it `what` in the error: a RangeError for a number
 * that is not a whole number of seconds, a TypeError for any other value.
 */
export function assertRetryAfterValue(value: unknown, what: string): void {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return;
    throw new RangeError(
      `${what} must be a whole number of seconds from 0 to ${Number.MAX_SAFE_INTEGER}, got ${describeValue(value)}`,
    );
  }
  if (typeof value === 'string' && isRetryAfter(value)) return;
  throw new TypeError(
    `${what} must be delay-seconds or an IMF-fixdate such as "Fri, 04 Dec 2026 12:00:00 GMT" (RFC 9110 §10.2.3), got ${describeValue(value)}`,
  );
}

/** Whether a field name is `Retry-After`, in any case. */
export function isRetryAfterName(name: string): boolean {
  return name.length === 11 && name.toLowerCase() === 'retry-after';
}

/** A delay in seconds, or the moment after which the client may retry. */
export type RetryAfter = number | Date;

/**
 * Formats `Retry-After` as delay-seconds (RFC 9110 §10.2.3): a whole number,
 * rounded up so that a client never retries before the server is ready.
 */
export function formatRetryAfter(retryAfter: RetryAfter, now: number = Date.now()): string {
  if (retryAfter instanceof Date) {
    const seconds = (retryAfter.getTime() - now) / 1000;
    if (Number.isNaN(seconds)) {
      throw new TypeError('`retryAfter` must be a valid Date, got Invalid Date');
    }
    return String(Math.max(0, Math.ceil(seconds))); // 0 once it has passed
  }
  if (typeof retryAfter !== 'number') {
    throw new TypeError(
      `\`retryAfter\` must be a number of seconds or a Date, got ${describeValue(retryAfter)}`,
    );
  }
  // Beyond MAX_SAFE_INTEGER String() would write exponent notation, which is not delay-seconds (1*DIGIT).
  if (!(retryAfter >= 0 && retryAfter <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(
      `\`retryAfter\` must be from 0 to ${Number.MAX_SAFE_INTEGER} seconds, got ${describeValue(retryAfter)}`,
    );
  }
  return String(Math.ceil(retryAfter));
}
