import type { RequestHandler } from 'express';
import { GoneError } from '../errors/error-classes.js';
import { formatDeprecation } from '../headers/deprecation.js';
import { toValidDate } from '../headers/http-date.js';
import { formatLink, type WebLink } from '../headers/link.js';
import { formatSunset } from '../headers/sunset.js';
import { describeValue } from '../options/describe-value.js';

/** Options of `deprecated()`. */
export interface DeprecatedOptions {
  /**
   * When the resource was, or will be, deprecated: sent as `Deprecation`
   * (RFC 9745). RFC 9745 requires a date, so without one no `Deprecation`
   * field is sent. May be in the future, to announce a deprecation ahead.
   */
  since?: Date | string;
  /**
   * When the resource stops answering: sent as `Sunset` (RFC 8594). From
   * then on the route answers `410 Gone`. Must not be before `since`.
   */
  sunset?: Date | string;
  /**
   * Where humans can read about it: a URL sent as
   * `Link: <url>; rel="deprecation"`, or one URL per relation,
   * `{ deprecation?, sunset? }` (`rel="sunset"` is RFC 8594 §3's).
   */
  link?: string | { deprecation?: string; sunset?: string };
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  now?: () => number;
}

interface Configuration {
  /** The headers every response of the route carries. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** When the route starts answering 410, in ms since the epoch, if ever. */
  readonly sunsetTime: number | undefined;
  readonly now: () => number;
}

/**
 * Marks a route as deprecated: its responses carry `Deprecation`, `Sunset`
 * and `Link` as configured, and from the sunset date on it answers
 * `410 Gone` (with the same headers) instead of running the route.
 *
 * `app.use('/v1', deprecated({ since: '2025-01-01', sunset: '2026-01-01', link: 'https://example.com/v2' }))`
 */
export function deprecated(options: DeprecatedOptions): RequestHandler {
  const { headers, sunsetTime, now } = parseOptions(options);
  const goneHeaders = Object.fromEntries(headers);

  return function deprecatedHandler(_req, res, next) {
    if (sunsetTime !== undefined && now() >= sunsetTime) {
      next(new GoneError({ headers: goneHeaders }));
      return;
    }
    // `Link` may already hold other links (pagination, …): add ours to them.
    for (const [name, value] of headers) {
      if (name === 'Link') res.append(name, value);
      else res.setHeader(name, value);
    }
    next();
  };
}

function parseOptions(options: DeprecatedOptions): Configuration {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`\`deprecated\` options must be an object, got ${String(options)}`);
  }
  const since = options.since === undefined ? undefined : toValidDate(options.since, '`since`');
  const sunset = options.sunset === undefined ? undefined : toValidDate(options.sunset, '`sunset`');
  if (since !== undefined && sunset !== undefined && sunset.getTime() < since.getTime()) {
    throw new RangeError(
      `\`sunset\` (${sunset.toISOString()}) must not be before \`since\` (${since.toISOString()})`,
    );
  }
  if (since === undefined && sunset === undefined) {
    throw new TypeError(
      '`deprecated` needs `since`, `sunset` or both: RFC 9745 and RFC 8594 send dates',
    );
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new TypeError(`\`now\` must be a function returning milliseconds, got ${String(now)}`);
  }

  const headers: Array<[string, string]> = [];
  if (since !== undefined) headers.push(['Deprecation', formatDeprecation(since)]);
  if (sunset !== undefined) headers.push(['Sunset', formatSunset(sunset)]);
  const links = parseLinks(options.link);
  if (links.length > 0) headers.push(['Link', formatLink(links)]);
  return { headers, sunsetTime: sunset?.getTime(), now };
}

function parseLinks(link: DeprecatedOptions['link']): WebLink[] {
  if (link === undefined) return [];
  if (typeof link === 'string') return [{ href: link, rel: 'deprecation' }];
  if (typeof link !== 'object' || link === null) {
    throw new TypeError(
      `\`link\` must be a URL or \`{ deprecation?, sunset? }\`, got ${describeValue(link)}`,
    );
  }
  const unknown = Object.keys(link).filter((name) => name !== 'deprecation' && name !== 'sunset');
  if (unknown.length > 0 || (link.deprecation === undefined && link.sunset === undefined)) {
    throw new TypeError(
      `\`link\` takes \`deprecation\` and/or \`sunset\` URLs${unknown.length > 0 ? `, not \`${unknown.join('`, `')}\`` : ''}`,
    );
  }
  const links: WebLink[] = [];
  if (link.deprecation !== undefined) links.push({ href: link.deprecation, rel: 'deprecation' });
  if (link.sunset !== undefined) links.push({ href: link.sunset, rel: 'sunset' });
  return links;
}
