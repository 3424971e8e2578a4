import { describeValue } from '../options/describe-value.js';

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
