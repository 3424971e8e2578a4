import type { RequestHandler } from 'express';
import { GoneError } from '../errors/error-classes.js';
import { formatDeprecation } from '../headers/deprecation.js';
import { toValidDate } from '../headers/http-date.js';
import { formatLink, type WebLink } from '../headers/link.js';
import { formatSunset } from '../headers/sunset.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import {
  checkNestedObject,
  checkNotCalledAsMiddleware,
  checkOptionsObject,
  parseFunction,
  parseWith,
} from '../options/parse.js';

/** The URLs of `link` in its object form, one per relation. */
export interface DeprecatedLinks {
  /** Sent as `Link: <url>; rel="deprecation"` (RFC 9745 §3). */
  deprecation?: string | undefined;
  /** Sent as `Link: <url>; rel="sunset"` (RFC 8594 §6). */
  sunset?: string | undefined;
}

/** Options of `deprecated()`. */
export interface DeprecatedOptions {
  /**
   * When the resource was, or will be, deprecated: sent as `Deprecation`
   * (RFC 9745). RFC 9745 requires a date, so without one no `Deprecation`
   * field is sent. May be in the future, to announce a deprecation ahead.
   */
  since?: Date | string | undefined;
  /**
   * When the resource stops answering: sent as `Sunset` (RFC 8594). From
   * then on the route answers `410 Gone`. Must not be before `since`.
   */
  sunset?: Date | string | undefined;
  /**
   * Where humans can read about it: a URL sent as
   * `Link: <url>; rel="deprecation"`, or one URL per relation,
   * `{ deprecation?, sunset? }` (`rel="sunset"` is RFC 8594 §6's).
   */
  link?: string | DeprecatedLinks | undefined;
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

const FACTORY = 'deprecated()';
const OPTION_NAMES = optionNames<DeprecatedOptions>()(['since', 'sunset', 'link', 'now']);
const LINK_OPTION_NAMES = optionNames<DeprecatedLinks>()(['deprecation', 'sunset']);

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
export function deprecated(options: DeprecatedOptions, ...extra: never[]): RequestHandler {
  checkNotCalledAsMiddleware(
    FACTORY,
    [options, ...extra],
    "app.use(deprecated({ since: '2025-01-01' }))",
  );
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
  checkOptionsObject(FACTORY, options, "{ since: '2025-01-01', sunset: '2026-01-01' }");
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  const since = parseDate(options.since, 'since');
  const sunset = parseDate(options.sunset, 'sunset');
  if (since !== undefined && sunset !== undefined && sunset.getTime() < since.getTime()) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_RANGE',
      `\`sunset\` (${sunset.toISOString()}) must not be before \`since\` (${since.toISOString()})`,
    );
  }
  if (since === undefined && sunset === undefined) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_MISSING',
      '`since`, `sunset` or both are required: RFC 9745 and RFC 8594 send dates',
    );
  }
  const now = parseFunction(FACTORY, 'now', options.now) ?? Date.now;

  const headers: Array<[string, string]> = [];
  if (since !== undefined) headers.push(['Deprecation', formatDeprecation(since)]);
  if (sunset !== undefined) headers.push(['Sunset', formatSunset(sunset)]);
  const links = parseLinks(options.link);
  if (links.length > 0) headers.push(['Link', formatLink(links)]);
  return { headers, sunsetTime: sunset?.getTime(), now };
}

function parseDate(value: Date | string | undefined, option: string): Date | undefined {
  return value === undefined
    ? undefined
    : parseWith(FACTORY, () => toValidDate(value, `\`${option}\``));
}

function parseLinks(link: DeprecatedOptions['link']): WebLink[] {
  if (link === undefined) return [];
  if (typeof link === 'string') return [parseLink(link, 'deprecation', 'link')];
  checkNestedObject(FACTORY, 'link', link, 'a URL or `{ deprecation?, sunset? }`');
  checkOptionNames(FACTORY, link, LINK_OPTION_NAMES, { path: 'link.' });
  if (link.deprecation === undefined && link.sunset === undefined) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_MISSING',
      `\`link\` must hold a \`deprecation\` URL, a \`sunset\` URL or both, got ${describeValue(link)}`,
    );
  }
  const links: WebLink[] = [];
  if (link.deprecation !== undefined) {
    links.push(parseLink(link.deprecation, 'deprecation', 'link.deprecation'));
  }
  if (link.sunset !== undefined) links.push(parseLink(link.sunset, 'sunset', 'link.sunset'));
  return links;
}

/** One link, its target checked now so that a bad one is named by its own option. */
function parseLink(href: string, rel: string, option: string): WebLink {
  const parsed = { href, rel };
  parseWith(FACTORY, () => formatLink([parsed], `\`${option}\``));
  return parsed;
}
