import { isToken } from './field-value.js';
import { describeValue } from '../options/describe-value.js';

/**
 * Checks and normalises one media type a resource accepts: `type/subtype`,
 * where either part may be `*` and the subtype may be a structured-syntax
 * wildcard such as `*+json` (matched the way Express's `req.is()` does).
 * Media types are case-insensitive (RFC 9110 §8.3.1), so the result is
 * lower case. Parameters are refused: matching ignores them.
 */
export function parseMediaRange(value: unknown, what: string): string {
  const parts = typeof value === 'string' ? value.split('/') : [];
  const [type, subtype] = parts;
  if (
    parts.length !== 2 ||
    type === undefined ||
    subtype === undefined ||
    !isToken(type) ||
    !isToken(subtype) ||
    (type.includes('*') && type !== '*') ||
    // `*/json` is no media range (RFC 9110 §12.5.1); `*/*+json` is req.is()'s `+json`.
    (type === '*' && !subtype.startsWith('*')) ||
    (subtype.includes('*') && subtype !== '*' && !/^\*\+[^*]+$/.test(subtype))
  ) {
    throw new TypeError(
      `${what} must be a media type such as "application/json", "text/*" or "application/*+json", without parameters, got ${describeValue(value)}`,
    );
  }
  return (value as string).toLowerCase();
}

/**
 * Formats a list of media types: the value of `Accept-Post` (W3C LDP §7.1)
 * and `Accept-Patch` (RFC 5789 §3.1), both `#media-type`. Duplicates are
 * dropped.
 */
export function formatMediaTypeList(types: readonly string[], what: string): string {
  if (!Array.isArray(types) || types.length === 0) {
    throw new TypeError(`${what} must be a non-empty array of media types, got ${String(types)}`);
  }
  const unique = new Set<string>();
  for (const type of types) unique.add(parseMediaRange(type, `${what} entry`));
  return [...unique].join(', ');
}
