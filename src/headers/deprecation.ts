import { toValidDate } from './http-date.js';

/**
 * Formats `Deprecation` (RFC 9745 §2.1): a Structured Field Date
 * (RFC 9651 §3.3.7), `@` and the whole seconds since the epoch, e.g.
 * `@1688169599`. A date in the future announces a deprecation ahead.
 */
export function formatDeprecation(since: Date): string {
  const time = toValidDate(since, '`since`').getTime();
  return `@${Math.floor(time / 1000)}`;
}
