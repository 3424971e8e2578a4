import { isFieldValue, isToken } from './field-value.js';
import { CACHING, CONTENT_METADATA } from './message-fields.js';
import { isRetryAfter, isRetryAfterName } from './retry-after.js';

/**
 * How many characters of header names and values are kept from a foreign
 * error, in all. Clients refuse a response whose header section passes
 * their limit (Node's is 16 KiB), so headers past it would cost the client
 * the whole answer.
 */
const MAX_FOREIGN_HEADERS_LENGTH = 8192;

// A foreign error (http-errors', Boom's, any object with `status` and `headers`) may be an
// HTTP client's or an SDK's that keeps the response it got from another server, and no shape
// tells every one of those apart (an upstream that sends no `Date` passes for an error made
// to be sent). So whatever made it, its headers pass on only what an app attaches to an
// error: `Retry-After`, `WWW-Authenticate`, `Allow`, `Accept-*`, `Link`, its own `X-…`. It
// leaves out the fields that act on the client, the browser or caches beyond this answer, and
// those that describe another message (a blocklist: a field no one has listed passes). An `ApiError`'s headers are the app's own, and are not filtered.

/**
 * Fields that set or wipe what the client keeps, or send it elsewhere:
 * cookies (RFC 6265 §4.1; Set-Cookie2 of the obsolete RFC 2965), Clear-Site-Data
 * (W3C Clear Site Data), the Refresh that navigates (HTML §7.11.1), the
 * browser's login status (FedCM's Set-Login).
 */
const CLIENT_STATE = ['Set-Cookie', 'Set-Cookie2', 'Clear-Site-Data', 'Refresh', 'Set-Login'];

/**
 * Policies a browser applies to this origin or page, for longer than this
 * answer: HSTS (RFC 6797), alternative services (RFC 7838), frame, referrer,
 * permission and document policies, client hints it is to send (RFC 8942),
 * timing and reporting endpoints, and their legacy forms.
 */
const ORIGIN_POLICIES = [
  'Strict-Transport-Security',
  'Alt-Svc',
  'X-Frame-Options',
  'Referrer-Policy',
  'Permissions-Policy',
  'Feature-Policy',
  'Document-Policy',
  'Origin-Agent-Cluster',
  'Accept-CH',
  'Critical-CH',
  'Timing-Allow-Origin',
  'Service-Worker-Allowed',
  'NEL',
  'Report-To',
  'Reporting-Endpoints',
  'Expect-CT',
  'Public-Key-Pins',
  'Public-Key-Pins-Report-Only',
  'X-XSS-Protection',
  'X-DNS-Prefetch-Control',
  'X-Permitted-Cross-Domain-Policies',
];

/**
 * The message the fields came with: its origination date (RFC 9110 §6.6.1,
 * which Node sets for this answer), the software that sent it (§10.2.4), the
 * intermediaries it passed (§7.6.3), and (from message-fields.ts) the
 * location, metadata, freshness and validators of its content.
 */
const ANOTHER_MESSAGE = ['Date', 'Server', 'Via', ...CONTENT_METADATA, ...CACHING];

/**
 * Directives that let caches keep the answer: with an upstream's `public,
 * max-age=3600`, a shared cache may store this error and serve it to every
 * client for an hour (RFC 9111 §3, §5.2.2.9), which by default nothing
 * allows; `CDN-Cache-Control` (RFC 9213), `Surrogate-Control` (W3C Edge
 * Architecture) and HTTP/1.0's `Pragma` (RFC 9111 §5.4) likewise. An app
 * that wants its error cached makes it an `ApiError`.
 */
const CACHE_DIRECTIVES = ['Cache-Control', 'CDN-Cache-Control', 'Surrogate-Control', 'Pragma'];

/**
 * Whole families, by prefix: CORS (Fetch §3.2.3: `Access-Control-Allow-Origin`
 * with `-Credentials` lets another origin read this one's answers with the
 * user's cookies), cross-origin isolation (`Cross-Origin-Opener-Policy`,
 * `-Embedder-Policy`, `-Resource-Policy`), and every `Content-*` field
 * (RFC 9110 §8: they describe content, which the handler writes; with them
 * `Content-Security-Policy` and `-Report-Only`).
 */
export const FAMILIES_NOT_PASSED_ON: readonly string[] = [
  'Access-Control-',
  'Cross-Origin-',
  'Content-',
];

/** The fields a foreign error does not pass on, bar the families. */
export const FIELDS_NOT_PASSED_ON: readonly string[] = [
  ...CLIENT_STATE,
  ...ORIGIN_POLICIES,
  ...ANOTHER_MESSAGE,
  ...CACHE_DIRECTIVES,
];

const NOT_PASSED_ON: ReadonlySet<string> = new Set(
  FIELDS_NOT_PASSED_ON.map((name) => name.toLowerCase()),
);
const FAMILY_PREFIXES = FAMILIES_NOT_PASSED_ON.map((prefix) => prefix.toLowerCase());

/**
 * Whether a foreign error may pass on the field `name`: not one of the above.
 * `Content-Range` is the exception among `Content-*`: the handler sends it
 * only with a 416 (status-headers.ts), where it gives the length of what the
 * server itself serves (send's 416, for express.static, carries it).
 */
export function isPassedOn(name: string): boolean {
  const lower = name.toLowerCase();
  if (NOT_PASSED_ON.has(lower)) return false;
  if (lower === 'content-range') return true;
  return !FAMILY_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Keeps the headers of a foreign error that can be sent as they are; drops
 * the rest: a field it may not pass on (see `isPassedOn`), a name or value
 * HTTP cannot carry, those past 8 KiB in all, and a `Retry-After` that is
 * neither whole seconds nor an IMF-fixdate (http-errors passes
 * `{ 'Retry-After': 'ok' }` on as given), which no sender may generate.
 */
export function safeHeaders(headers: unknown): Record<string, string> | undefined {
  return sendableHeaders(headers, isPassedOn);
}

/**
 * The headers HTTP can carry as they are, among those `keep` lets through:
 * `safeHeaders` for a foreign error, every name for an `ApiError`'s own
 * headers changed after it was made (the app's, which its constructor would
 * have checked).
 */
export function sendableHeaders(
  headers: unknown,
  keep: (name: string) => boolean = () => true,
): Record<string, string> | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const kept: Record<string, string> = {};
  let room = MAX_FOREIGN_HEADERS_LENGTH;
  for (const [name, value] of Object.entries(headers)) {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || name.length + text.length > room) continue;
    if (!isToken(name) || !isFieldValue(text) || !keep(name)) continue;
    if (isRetryAfterName(name) && !isRetryAfter(text)) continue;
    kept[name] = text;
    room -= name.length + text.length;
  }
  return kept;
}
