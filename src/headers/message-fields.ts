// Header fields grouped by what they say about the message that carries them,
// each name here once. src/handler/replaced-headers.ts reads them for what an
// error response drops of the response it replaces and what an error's own
// headers may not set; src/headers/foreign-headers.ts for what an error this
// library did not make may not pass on.

/** RFC 9112 §6: how the message is framed. */
export const FRAMING: readonly string[] = ['Content-Length', 'Transfer-Encoding', 'Trailer'];

/** RFC 9110 §8.3, §8.4, §14.4: what the content is and how it is coded. */
export const CONTENT: readonly string[] = [
  'Content-Type',
  'Content-Encoding',
  'Content-Range',
  'X-Content-Type-Options',
];

/**
 * The language, location, file name and digests of the content (RFC 9110
 * §8.5, §8.7; RFC 6266; RFC 9530), and the resource the message created or
 * redirects to (RFC 9110 §10.2.2).
 */
export const CONTENT_METADATA: readonly string[] = [
  'Content-Disposition',
  'Content-Language',
  'Content-Location',
  'Content-Digest',
  'Repr-Digest',
  'Location',
];

/** RFC 9111 §4.2, §4.3: the freshness and validators of the content. */
export const CACHING: readonly string[] = ['Age', 'ETag', 'Expires', 'Last-Modified'];

/** RFC 9110 §7.6.1: hop-by-hop fields, the connection's business. */
export const HOP_BY_HOP: readonly string[] = ['Connection', 'Keep-Alive', 'TE', 'Upgrade'];
