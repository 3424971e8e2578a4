/** A delay in seconds, or the moment after which the client may retry. */
export type RetryAfter = number | Date;

/**
 * Formats `Retry-After` as delay-seconds (RFC 9110 §10.2.3): a whole number,
 * rounded up so that a client never retries before the server is ready.
 */
export function formatRetryAfter(retryAfter: RetryAfter, now: number = Date.now()): string {
  const seconds =
    retryAfter instanceof Date ? (retryAfter.getTime() - now) / 1000 : (retryAfter as number);
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new TypeError(
      `\`retryAfter\` must be a finite number of seconds or a valid Date, got ${String(retryAfter)}`,
    );
  }
  if (seconds < 0 && !(retryAfter instanceof Date)) {
    throw new RangeError(`\`retryAfter\` must not be negative, got ${seconds}`);
  }
  // Beyond this String() would write exponent notation, which is not delay-seconds (1*DIGIT).
  if (seconds > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(
      `\`retryAfter\` must be at most ${Number.MAX_SAFE_INTEGER} seconds, got ${seconds}`,
    );
  }
  return String(Math.max(0, Math.ceil(seconds)));
}
