import { SUB_CODE_PATTERN } from '../catalog/sub-code.js';
import { IMF_FIXDATE_PATTERN } from '../headers/http-date.js';
import { RETRY_AFTER_PATTERN } from '../headers/retry-after.js';

/**
 * The response headers the library sends, as OpenAPI 3.1 header objects
 * (`components.headers`), each with the RFC that defines it. A header a
 * user's catalog names that is not here is documented as a plain string.
 */

/** The JSON Schema of a field value, as a client reads it. */
export type HeaderSchema = Readonly<Record<string, unknown>>;

export interface HeaderObject {
  readonly description: string;
  readonly schema: HeaderSchema;
}

const SECONDS = { type: 'integer', minimum: 0 } as const;
const TEXT = { type: 'string', minLength: 1 } as const;

const HEADERS: Readonly<Record<string, HeaderObject>> = {
  'Retry-After': {
    description: 'How long to wait before retrying: seconds, or an HTTP date (RFC 9110 §10.2.3).',
    schema: { type: 'string', pattern: RETRY_AFTER_PATTERN },
  },
  Allow: {
    description: 'The methods the resource supports (RFC 9110 §10.2.1).',
    schema: { type: 'string' },
  },
  'WWW-Authenticate': {
    description:
      'How to authenticate: one or more challenges (RFC 9110 §11.6.1). Always sent with a 401.',
    schema: TEXT,
  },
  'Proxy-Authenticate': {
    description: 'How to authenticate with the proxy (RFC 9110 §11.7.1). Always sent with a 407.',
    schema: TEXT,
  },
  Location: {
    description: 'The URL of the resource meant (RFC 9110 §10.2.2).',
    schema: { type: 'string', format: 'uri-reference', minLength: 1 },
  },
  'X-Rate-Limit-Limit': {
    description: 'How many requests the client may make in the window.',
    schema: SECONDS,
  },
  'X-Rate-Limit-Remaining': {
    description: 'How many requests the client has left in the window.',
    schema: SECONDS,
  },
  'X-Rate-Limit-Reset': {
    description: 'Seconds until the window resets.',
    schema: SECONDS,
  },
  RateLimit: {
    description:
      'The remaining quota and reset of each policy, as a structured field (draft-ietf-httpapi-ratelimit-headers), when the limiter sends it.',
    schema: TEXT,
  },
  'RateLimit-Policy': {
    description:
      'The quota policies that apply, as a structured field (draft-ietf-httpapi-ratelimit-headers), when the limiter sends it.',
    schema: TEXT,
  },
  'X-Status-Sub-Code': {
    description: 'The sub-code of the answer, the same as the `subCode` member.',
    schema: { type: 'string', pattern: SUB_CODE_PATTERN },
  },
  'X-Request-Id': {
    description:
      "The request's id, from the request or made by the server; the same as the `requestId` member.",
    schema: TEXT,
  },
  'Content-Range': {
    description: 'The length of the representation, as `bytes */length` (RFC 9110 §14.4).',
    schema: { type: 'string', pattern: '^bytes \\*/[0-9]+$' },
  },
  Upgrade: {
    description: 'The protocols to switch to (RFC 9110 §7.8).',
    schema: TEXT,
  },
  Connection: {
    description: 'Connection options such as `close` (RFC 9110 §7.6.1).',
    schema: TEXT,
  },
  Link: {
    description:
      'Links to related resources (RFC 8288): the documentation a problem refers to (`describedby`), the notes on a deprecated resource (`deprecation`, RFC 9745) and its sunset policy (`sunset`, RFC 8594), who blocks one (`blocked-by`, RFC 7725).',
    schema: TEXT,
  },
  Deprecation: {
    description:
      'When the resource was deprecated, as `@` and seconds (RFC 9745), when the route says so.',
    schema: { type: 'string', pattern: '^@-?[0-9]+$' },
  },
  Sunset: {
    description:
      'When the resource stops answering, an HTTP date (RFC 8594), when the route says so; a 410 after it.',
    schema: { type: 'string', pattern: `^${IMF_FIXDATE_PATTERN}$` },
  },
  'Accept-Post': {
    description:
      'The media types a POST to the resource may send (W3C LDP §7.1); with a 415 to a POST.',
    schema: TEXT,
  },
  'Accept-Patch': {
    description:
      'The media types a PATCH to the resource may send (RFC 5789 §3.1); with a 415 to a PATCH.',
    schema: TEXT,
  },
  'Idempotent-Replayed': {
    description: 'Whether this is the stored answer to an earlier request with the same key.',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
};

/** The header object of a field the library sends, or a plain string one for any other. */
export function headerObject(name: string): HeaderObject {
  const known = Object.keys(HEADERS).find((key) => key.toLowerCase() === name.toLowerCase());
  return known === undefined
    ? { description: `The ${name} header.`, schema: { type: 'string' } }
    : HEADERS[known]!;
}

/** The spelling the table uses for a field name, so that `allow` and `Allow` are one component. */
export function headerKey(name: string): string {
  return Object.keys(HEADERS).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
}
