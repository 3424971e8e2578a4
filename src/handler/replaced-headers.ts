import type { Response } from 'express';

// An error response replaces whatever response a handler had begun: the
// header fields that handler set describe a response that will never be sent.
// These lists say which of them the error response drops, and which fields an
// error's own `headers` may not set, one list per reason.

/** RFC 9112 §6: the handler frames the problem itself, with one Content-Length (§6.1: never beside Transfer-Encoding). */
const FRAMING = ['Content-Length', 'Transfer-Encoding', 'Trailer'];

/** RFC 9110 §8.3, §8.4, §14.4: they describe the content they came with; the handler describes the problem. */
const CONTENT = ['Content-Type', 'Content-Encoding', 'Content-Range', 'X-Content-Type-Options'];

/**
 * The language, location, file name and digests of the abandoned content
 * (RFC 9110 §8.5, §8.7; RFC 6266; RFC 9530), and the resource it created or
 * redirected to (RFC 9110 §10.2.2): an error creates nothing and redirects
 * nowhere (one that points somewhere, a 409's, sets its own).
 */
const ABANDONED_CONTENT = [
  'Content-Disposition',
  'Content-Language',
  'Content-Location',
  'Content-Digest',
  'Repr-Digest',
  'Location',
];

/**
 * RFC 9111 §4.2, §4.3: the freshness and validators of the abandoned
 * response; an error does not inherit them (Cache-Control is replaced, below).
 */
const CACHING = ['Age', 'ETag', 'Expires', 'Last-Modified'];

/** RFC 9110 §7.6.1: hop-by-hop fields are the connection's business, not an error's. */
const HOP_BY_HOP = ['Connection', 'Keep-Alive', 'TE', 'Upgrade'];

/** Lower-case names of the fields an error's own `headers` may not set: the handler controls them. */
export const CONTROLLED_HEADERS: ReadonlySet<string> = new Set(
  [...FRAMING, ...CONTENT, ...HOP_BY_HOP].map((name) => name.toLowerCase()),
);

/** The fields of an abandoned response that the error response drops. Others (CORS, Vary, rate limits) are kept. */
export const DROPPED_HEADERS: readonly string[] = Object.freeze([
  ...FRAMING,
  ...CONTENT,
  ...ABANDONED_CONTENT,
  ...CACHING,
]);

/**
 * Removes from `res` the fields `names` (by default, those an error response
 * drops) that a handler set for the response the error replaces. A
 * Cache-Control becomes `no-store` (RFC 9111 §5.2.2.5): whatever the
 * abandoned response allowed, a shared cache must not keep its error. The
 * error's own headers, set afterwards, still win.
 */
export function dropAbandonedHeaders(
  res: Response,
  names: readonly string[] = DROPPED_HEADERS,
): void {
  const hadCacheControl = res.hasHeader('Cache-Control');
  if (names === DROPPED_HEADERS) {
    // Only the fields that are there: a response has a few, and each removeHeader()
    // costs as much as a lookup of every name would (14 calls were 1 µs a response).
    for (const name of res.getHeaderNames()) {
      if (DROPPED_KEYS.has(name)) res.removeHeader(name);
    }
  } else {
    for (const name of names) res.removeHeader(name);
  }
  if (hadCacheControl) res.setHeader('Cache-Control', 'no-store');
}

/** `DROPPED_HEADERS` in lower case, as `getHeaderNames()` gives names. */
const DROPPED_KEYS: ReadonlySet<string> = new Set(
  DROPPED_HEADERS.map((name) => name.toLowerCase()),
);
