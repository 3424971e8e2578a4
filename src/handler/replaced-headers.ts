import type { Response } from 'express';
import {
  CACHING,
  CONTENT,
  CONTENT_METADATA,
  FRAMING,
  HOP_BY_HOP,
} from '../headers/message-fields.js';

// An error response replaces whatever response a handler had begun: the
// header fields that handler set describe a response that will never be sent.
// These lists say which of them the error response drops, and which fields an
// error's own `headers` may not set, one list per reason.

// FRAMING: the handler frames the problem itself, with one Content-Length (RFC 9112 §6.1: never
// beside Transfer-Encoding). CONTENT, CONTENT_METADATA and CACHING describe the abandoned content;
// the handler describes the problem, which inherits no freshness or validator (Cache-Control is
// replaced, below), creates nothing and redirects nowhere (one that points somewhere, a 409's,
// sets its own Location). HOP_BY_HOP fields are the connection's business, not an error's.

/** Lower-case names of the fields an error's own `headers` may not set: the handler controls them. */
export const CONTROLLED_HEADERS: ReadonlySet<string> = new Set(
  [...FRAMING, ...CONTENT, ...HOP_BY_HOP].map((name) => name.toLowerCase()),
);

/** The fields of an abandoned response that the error response drops. Others (CORS, Vary, rate limits) are kept. */
export const DROPPED_HEADERS: readonly string[] = Object.freeze([
  ...FRAMING,
  ...CONTENT,
  ...CONTENT_METADATA,
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
