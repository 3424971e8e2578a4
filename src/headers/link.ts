import { quoteString } from './field-value.js';
import { formatLocation } from './location.js';
import { describeValue } from '../options/describe-value.js';

/** One link of a `Link` field: a target URI reference and its relation type. */
export interface WebLink {
  /** The target, a URI reference, e.g. `https://developer.example.com/deprecation`. */
  readonly href: string;
  /** The relation type, e.g. `deprecation` (RFC 9745 §3) or `sunset` (RFC 8594 §6). */
  readonly rel: string;
}

// RFC 8288 §3.3: a registered relation type is a lower-case name.
const RELATION_TYPE = /^[a-z][a-z0-9.-]*$/;

/**
 * Formats `Link` (RFC 8288 §3): `<href>; rel="…"`, links separated by
 * commas. The target is encoded like `Location` (no control characters, and
 * `<`, `>` percent-encoded so that it cannot close the angle brackets).
 */
export function formatLink(links: readonly WebLink[], what = '`link`'): string {
  if (!Array.isArray(links) || links.length === 0) {
    throw new TypeError(`${what} must be a non-empty array of links, got ${String(links)}`);
  }
  return links
    .map(({ href, rel }) => {
      if (typeof rel !== 'string' || !RELATION_TYPE.test(rel)) {
        throw new TypeError(
          `${what} relation type must be a lower-case name, got ${describeValue(rel)}`,
        );
      }
      let target: string;
      try {
        target = formatLocation(href);
      } catch {
        throw new TypeError(
          `${what} must be a non-empty URI reference without control characters, got ${describeValue(href)}`,
        );
      }
      return `<${target}>; rel=${quoteString(rel, `${what} relation type`)}`;
    })
    .join(', ');
}
