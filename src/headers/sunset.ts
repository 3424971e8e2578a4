import { formatHttpDate } from './http-date.js';

/** Formats `Sunset` (RFC 8594 §3): the moment the resource stops answering, as an IMF-fixdate. */
export function formatSunset(sunset: Date): string {
  return formatHttpDate(sunset, '`sunset`');
}
