import { describeValue } from '../options/describe-value.js';

/**
 * RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`, the date in
 * its preferred form, IMF-fixdate (§5.6.7), the only one a sender may generate.
 */
export const RETRY_AFTER_PATTERN =
  '^(?:[0-9]+|[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT)$';
const RETRY_AFTER = new RegExp(RETRY_AFTER_PATTERN);

/** Whether a field value is a `Retry-After` a client can read. */
export function isRetryAfter(value: string): boolean {
  return RETRY_AFTER.test(value);
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
