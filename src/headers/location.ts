import { assertFieldValue } from './field-value.js';
import { describeValue } from '../options/describe-value.js';

// Characters that may not appear raw in a URI reference (RFC 3986 §2), and a
// `%` that does not start a percent-encoded octet. Existing escapes are kept.
const NEEDS_ENCODING = /%(?![0-9A-Fa-f]{2})|[^\x21-\x7e]|["<>\\^`{|}]/gu;
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Formats `Location` (RFC 9110 §10.2.2): a URI reference, with characters
 * outside the URI syntax percent-encoded. Control characters are refused
 * rather than encoded: they signal a bug or an injection attempt. So is a
 * network-path reference (`//host/path`, RFC 3986 §4.2): it names another
 * host without a scheme, which is how `'/' + req.params.next` becomes an
 * open redirect; another host is written with its scheme.
 */
export function formatLocation(location: string): string {
  if (typeof location !== 'string' || location.length === 0 || CONTROL.test(location)) {
    throw new TypeError(
      `\`location\` must be a non-empty URI reference without control characters, got ${describeValue(location)}`,
    );
  }
  if (location.startsWith('//')) {
    throw new TypeError(
      `\`location\` must not start with "//", which names another host: write its scheme (https://host/…) for another host, or one "/" for a path here, got ${describeValue(location)}`,
    );
  }
  let encoded: string;
  try {
    encoded = location.replace(NEEDS_ENCODING, (char) => encodeURIComponent(char));
  } catch {
    throw new TypeError(`\`location\` is not well-formed Unicode: ${JSON.stringify(location)}`);
  }
  return assertFieldValue(encoded, '`location`');
}
