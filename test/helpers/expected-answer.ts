/**
 * The model of the property tests of `errorHandler`: what the handler should
 * answer for a thrown value, following the precedence of
 * src/handler/to-api-error.ts but written independently of it.
 */
import { ApiError, defaultCatalog } from '../../src/index.js';

// RFC 9110 §5.6.2 token and §5.5 field-value: written here independently of src/headers.
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// ASCII only: obs-text is legacy (§5.5), and the handler does not send it.
export const FIELD_VALUE = /^[\t\x20-\x7e]*$/;
export const BODY_PARSER_TYPES = [
  'entity.parse.failed',
  'entity.too.large',
  'encoding.unsupported',
  'charset.unsupported',
  'parameters.too.many',
  'querystring.parse.rangeError',
];
/** multer's codes the client causes, and their status: limits 413, the rest 400. */
export const MULTER_STATUS = new Map([
  ['LIMIT_PART_COUNT', 413],
  ['LIMIT_FILE_SIZE', 413],
  ['LIMIT_FILE_COUNT', 413],
  ['LIMIT_FIELD_KEY', 413],
  ['LIMIT_FIELD_VALUE', 413],
  ['LIMIT_FIELD_COUNT', 413],
  ['LIMIT_UNEXPECTED_FILE', 400],
  ['MISSING_FIELD_NAME', 400],
  ['LIMIT_FIELD_NESTING', 400],
  ['LIMIT_FIELD_ARRAY_INDEX', 400],
  ['INVALID_FIELD_NAME', 400],
]);
/** busboy's messages for a malformed multipart body. */
export const BUSBOY_MESSAGES = [
  'Malformed part header',
  'Unexpected end of form',
  'Unexpected end of file',
];

export interface Expected {
  status: number;
  /** The exact `detail` when the value's own text may be shown, else undefined. */
  detail?: string;
  /** Headers the value carries that must be echoed, by lower-case name. */
  headers: Map<string, string>;
  /** Headers a foreign value carries that must not be sent, by lower-case name. */
  withheld?: Map<string, string>;
}

/**
 * - falsy: never an error for Express → `notFound()` → 404;
 * - an `ApiError`: its status, and its detail if `expose`;
 * - an object with `isBoom === true` and an `output` object whose `statusCode`
 *   is an integer 400–599 (@hapi/boom's shape): that status, the headers of
 *   `output`, and below 500 the payload's message unless it is the phrase;
 * - an object (not a function) whose `status` — or, when `status` is not an
 *   integer, `statusCode` — is an integer 400–599: that status; its message
 *   is shown only with `expose === true`, and its valid headers are sent;
 * - an object named `ZodError` with an `issues` array → 422; one named
 *   `TokenExpiredError`, `JsonWebTokenError` or `NotBeforeError` → 401;
 *   one named `MulterError` with a `code` multer gives a client's mistake
 *   → 413 or 400; one named `Error` with one of busboy's messages and an
 *   own `storageErrors` array (multer's mark) → 400;
 * - anything else, or a value whose inspection throws: 500.
 *
 * The precedence is finalhandler's: `status` if it is an integer 400–599,
 * else `statusCode` if that is one.
 */
export function expectedFor(value: unknown): Expected {
  const none = new Map<string, string>();
  if (!value) return { status: 404, detail: defaultCatalog.get(404)?.description, headers: none };
  try {
    if (value instanceof ApiError) {
      return {
        status: value.status,
        detail: value.expose ? value.detail : undefined,
        headers: keptHeaders(value.headers, 'own'),
      };
    }
    if (typeof value !== 'object' || value === null) return { status: 500, headers: none };
    const error = value as Record<string, unknown>;
    const isErrorStatus = (v: unknown): v is number =>
      Number.isInteger(v) && (v as number) >= 400 && (v as number) <= 599;
    const boom = boomExpectation(error, isErrorStatus);
    if (boom) return boom;
    const status = isErrorStatus(error.status)
      ? error.status
      : isErrorStatus(error.statusCode)
        ? error.statusCode
        : undefined;
    // An HTTP client's or SDK's error about the response it got: as if it had no status.
    if (status !== undefined && !isUpstreamError(error)) {
      const type = error.type;
      // A body error by its `type`, else (read only then) by zlib's `Z_*` code.
      const fromBodyParser =
        (typeof type === 'string' && BODY_PARSER_TYPES.includes(type)) ||
        (() => {
          const code = error.code;
          return typeof code === 'string' && code.startsWith('Z_');
        })();
      // (A `type` such as "valueOf" is no body-parser type: the message stands.)
      if (type === 'entity.too.large') void error.limit;
      // A body error gets our detail: its `expose` and message are never read.
      const exposed = !fromBodyParser && error.expose === true;
      let detail: string | undefined;
      if (exposed) {
        const message = error.message;
        if (typeof message === 'string') detail = message;
      }
      return { status, detail, ...foreignHeaders(error.headers) };
    }
    const name = error.name;
    if (name === 'ZodError') {
      if (!Array.isArray(error.issues)) return { status: 500, headers: none };
      const count = error.issues.length;
      const detail =
        count > 100
          ? `The request failed validation: the first 100 of ${count} issues are listed.`
          : 'The request failed validation.';
      return { status: 422, detail, headers: none };
    }
    if (name === 'TokenExpiredError') {
      return { status: 401, detail: 'The access token has expired.', headers: none };
    }
    if (name === 'JsonWebTokenError' || name === 'NotBeforeError') {
      return { status: 401, detail: 'The access token is not valid.', headers: none };
    }
    if (name === 'MulterError') {
      const code = error.code;
      const status = typeof code === 'string' ? MULTER_STATUS.get(code) : undefined;
      return { status: status ?? 500, headers: none };
    }
    if (name === 'Error') {
      const message = error.message;
      if (typeof message !== 'string' || !BUSBOY_MESSAGES.includes(message)) {
        return { status: 500, headers: none };
      }
      const tagged = Object.hasOwn(error, 'storageErrors') && Array.isArray(error.storageErrors);
      return tagged
        ? { status: 400, detail: 'The multipart body could not be parsed.', headers: none }
        : { status: 500, headers: none };
    }
    return { status: 500, headers: none };
  } catch {
    return { status: 500, headers: none };
  }
}

/**
 * Whether a value with an error status is an HTTP client's or an SDK's error
 * about the response it got from another server (written here independently
 * of src/errors/upstream-errors.ts): its status is the upstream's, so it is
 * not answered. Reads as src does where a read is conditional (`retryable`,
 * `code` and `time` only beside an own `requestId`): a getter that throws must throw in both.
 */
function isUpstreamError(error: Record<string, unknown>): boolean {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null;
  const isResponse = (value: unknown) =>
    isObject(value) &&
    (typeof value.status === 'number' || typeof value.statusCode === 'number') &&
    isObject(value.headers);
  const own = (name: string) => Object.prototype.hasOwnProperty.call(error, name);
  if (error.isAxiosError === true) return true;
  for (const field of ['response', 'rawResponse', 'meta', '$response']) {
    if (isResponse(error[field])) return true;
  }
  const headers = error.headers;
  if (isObject(headers)) {
    if (typeof headers.get === 'function') return true;
    if (Object.keys(headers).some((name) => /^date$/i.test(name))) return true;
  }
  const code = error.code;
  if (
    code === 'UND_ERR_RESPONSE' ||
    code === 'UND_ERR_RESPONSE_STATUS_CODE' ||
    code === 'slack_webapi_http_error'
  ) {
    return true;
  }
  if (isObject(error.$metadata)) return true;
  if (
    own('requestId') &&
    typeof error.retryable === 'boolean' &&
    typeof error.code === 'string' &&
    error.time instanceof Date
  ) {
    return true;
  }
  if (own('amzRequestid') || own('amzId2')) return true;
  if (error.scope === 'couch' || error.errid === 'non_200') return true;
  if (own('moreInfo')) return true;
  return typeof error.arrayBuffer === 'function';
}

/** What a Boom-shaped value is answered with, or undefined when it is not one. */
function boomExpectation(
  error: Record<string, unknown>,
  isErrorStatus: (value: unknown) => value is number,
): Expected | undefined {
  const isBoom = error.isBoom;
  const output = error.output;
  if (isBoom !== true || typeof output !== 'object' || output === null) return undefined;
  const { statusCode, headers, payload } = output as Record<string, unknown>;
  if (!isErrorStatus(statusCode)) return undefined;
  // @hapi/wreck's error about the response it got carries the upstream's status: a fault.
  const data = error.data;
  if (typeof data === 'object' && data !== null && Reflect.get(data, 'isResponseError') === true) {
    return { status: 500, headers: new Map() };
  }
  // An upstream's body copied onto an SDK's error may be shaped as Boom's: a fault too.
  if (isUpstreamError(error)) return { status: 500, headers: new Map() };
  let detail: string | undefined;
  if (statusCode < 500 && typeof payload === 'object' && payload !== null) {
    const { message, error: phrase } = payload as Record<string, unknown>;
    if (typeof message === 'string' && message !== phrase) detail = message;
  }
  return { status: statusCode, detail, ...foreignHeaders(headers) };
}

/**
 * Fields an error this library did not make never passes on, whatever its
 * status (written here independently of src/headers/foreign-headers.ts):
 * those that set the client's state or a browser's policy for the origin,
 * and those that describe the message a client or SDK received.
 */
const NOT_PASSED_ON = new Set([
  // Directives that would let a cache keep the error.
  'cache-control',
  'cdn-cache-control',
  'surrogate-control',
  'pragma',
  // State: cookies, site data, navigation, login status.
  'set-cookie',
  'set-cookie2',
  'clear-site-data',
  'refresh',
  'set-login',
  'location',
  // Policies for the origin.
  'strict-transport-security',
  'alt-svc',
  'x-frame-options',
  'referrer-policy',
  'permissions-policy',
  'feature-policy',
  'document-policy',
  'origin-agent-cluster',
  'accept-ch',
  'critical-ch',
  'timing-allow-origin',
  'service-worker-allowed',
  'nel',
  'report-to',
  'reporting-endpoints',
  'expect-ct',
  'public-key-pins',
  'public-key-pins-report-only',
  'x-xss-protection',
  'x-dns-prefetch-control',
  'x-permitted-cross-domain-policies',
  // Another message's.
  'date',
  'server',
  'via',
  'age',
  'etag',
  'expires',
  'last-modified',
  'repr-digest',
]);
/** The same by family: CORS, cross-origin isolation, and every Content-* but a 416's Content-Range. */
const NOT_PASSED_ON_FAMILY = /^(?:access-control-|cross-origin-|content-(?!range$))/;

/** The headers of a foreign error that are sent, and those it carries that are not. */
function foreignHeaders(headers: unknown): Pick<Expected, 'headers' | 'withheld'> {
  const withheld = new Map<string, string>();
  const kept = keptHeaders(headers, 'foreign', withheld);
  return { headers: kept, withheld };
}

/**
 * The headers of an error that can be sent as they are (later duplicates win);
 * of a foreign one, not those it may not pass on, which go to `withheld`.
 */
function keptHeaders(
  headers: unknown,
  whose: 'own' | 'foreign',
  withheld?: Map<string, string>,
): Map<string, string> {
  const kept = new Map<string, string>();
  if (typeof headers !== 'object' || headers === null) return kept;
  for (const [name, value] of Object.entries(headers)) {
    // An own `__proto__` key (fast-check makes them) is lost on assignment to
    // a plain object, in src as anywhere: harmless, so not expected either.
    if (name === '__proto__') continue;
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !TOKEN.test(name) || !FIELD_VALUE.test(text)) continue;
    const lower = name.toLowerCase();
    if (whose === 'foreign' && (NOT_PASSED_ON.has(lower) || NOT_PASSED_ON_FAMILY.test(lower))) {
      withheld?.set(lower, text);
      continue;
    }
    // RFC 9110 §10.2.3: a Retry-After no client can read is not sent.
    if (lower === 'retry-after' && !RETRY_AFTER.test(text)) continue;
    kept.set(lower, text);
  }
  return kept;
}

/** delay-seconds, or an IMF-fixdate of a real moment (what `Date` writes back the same). */
const RETRY_AFTER = {
  test: (value: string): boolean =>
    /^\d+$/.test(value) || (/ GMT$/.test(value) && new Date(value).toUTCString() === value),
};
