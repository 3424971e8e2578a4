import { STATUS_CODES } from 'node:http';
import { isProxy } from 'node:util/types';
import { isSubCodeOf } from '../catalog/sub-code.js';
import { ApiError, isApiError, isCheckedHeaders } from '../errors/api-error.js';
import {
  InternalServerError,
  UnauthorizedError,
  UnprocessableEntityError,
  type ValidationIssue,
} from '../errors/error-classes.js';
import { bearerChallenge } from '../headers/www-authenticate.js';
import { safeHeaders, sendableHeaders } from '../headers/foreign-headers.js';
import { truncate } from '../logging/log-bounds.js';
import { markRefusal, refusalOf } from '../errors/refusal.js';
import { fromMulterError, fromMultipartParseError } from './multipart-errors.js';
import { isUpstreamError, isWreckResponseError } from '../errors/upstream-errors.js';
import type { Configuration, ErrorMapping } from './options.js';

/**
 * The one place that decides the status of anything thrown. In order:
 * the user's mappings, `ApiError`s, Boom errors, errors that carry an HTTP
 * status (http-errors, body-parser, …), well-known libraries' errors
 * recognised by shape, and finally 500 for everything else.
 *
 * It never throws: a value that defeats inspection (a throwing getter, a
 * hostile Proxy, a mapping that fails) becomes a 500.
 */
export function toApiError(thrown: unknown, config: Configuration): ApiError {
  let error: ApiError;
  try {
    error =
      fromMappings(thrown, config.mappings) ??
      (isApiError(thrown) ? asSendable(thrown) : undefined) ??
      fromBoom(thrown) ??
      fromStatusError(thrown) ??
      fromKnownLibraries(thrown, config.realm) ??
      new InternalServerError(undefined, { cause: thrown });
  } catch {
    error = new InternalServerError(undefined, { cause: thrown });
  }
  // A refusal marked on what was thrown (an http-errors 429, say) stays one once converted
  // (unless the error it became is frozen: a mapping may return a constant).
  if (error !== thrown && refusalOf(error) === undefined && Object.isExtensible(error)) {
    const refusal = refusalOf(thrown);
    if (refusal !== undefined) markRefusal(error, refusal);
  }
  return error;
}

function fromMappings(thrown: unknown, mappings: readonly ErrorMapping[]): ApiError | undefined {
  for (const { match, to } of mappings) {
    if (!matches(thrown, match)) continue;
    if (typeof to === 'function') {
      const mapped = to(thrown);
      if (!isApiError(mapped)) throw new TypeError('An error mapping did not return an ApiError');
      return asSendable(mapped);
    }
    const status = typeof to === 'number' ? to : Number(to.split('.')[0]);
    const message = thrown instanceof Error ? thrown.message : undefined;
    return new ApiError(status, status < 500 ? message : undefined, {
      subCode: typeof to === 'string' ? (to as never) : undefined,
      cause: thrown,
    });
  }
  return undefined;
}

/** The fields of an `ApiError` the handler reads to answer. */
const ANSWERED_FIELDS = [
  'status',
  'statusCode',
  'subCode',
  'detail',
  'extensions',
  'headers',
  'expose',
] as const;

/**
 * An `ApiError` as it can be sent. Its constructor checked every field,
 * but JavaScript lets code change them afterwards (`err.status = 410`, as
 * http-errors' users do, or `err.headers = {…}`). The status is found by
 * finalhandler's rule, as for any error: `status`, else `statusCode`, if it
 * is from 400 to 599; with neither, the error is a fault (a 500 with it as
 * the cause). A copy then drops what cannot be sent: a sub-code of another
 * status, a detail that is not a string, extensions that are not an object,
 * and headers HTTP cannot carry. Each field is read once: an error whose
 * fields are getters, or a Proxy, is answered from a copy of what was read
 * and checked, not from what a second read would give.
 */
function asSendable(error: ApiError): ApiError {
  const { status: given, statusCode, subCode, detail, extensions, headers, expose } = error;
  const status = isErrorStatus(given) ? given : isErrorStatus(statusCode) ? statusCode : undefined;
  if (status === undefined) return new InternalServerError(undefined, { cause: error });
  const read = { status: given, statusCode, subCode, detail, extensions, headers, expose };
  const sent = { ...read, status, statusCode: status };
  // `expose` was decided for the status the error was made with (`statusCode`, unless
  // that was changed too): a 5xx keeps its detail to itself unless it was made as one.
  if (status >= 500 && status !== statusCode) sent.expose = false;
  if (subCode !== undefined && !isSubCodeOf(status, subCode)) sent.subCode = undefined;
  if (detail !== undefined && typeof detail !== 'string') sent.detail = undefined;
  if (
    extensions !== undefined &&
    (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions))
  ) {
    sent.extensions = undefined;
  }
  if (!isCheckedHeaders(headers)) sent.headers = Object.freeze(sendableHeaders(headers) ?? {});
  if (hasPlainFields(error)) {
    const changes: Partial<Record<keyof ApiError, unknown>> = {};
    for (const name of ANSWERED_FIELDS) if (sent[name] !== read[name]) changes[name] = sent[name];
    return Object.keys(changes).length === 0 ? error : copyWith(error, changes);
  }
  return copyWith(error, sent);
}

/** Whether every field the handler reads is an own data property: read again, it reads the same. */
function hasPlainFields(error: ApiError): boolean {
  if (isProxy(error)) return false;
  for (const name of ANSWERED_FIELDS) {
    const descriptor = Object.getOwnPropertyDescriptor(error, name);
    if (descriptor === undefined || !('value' in descriptor)) return false;
  }
  return true;
}

/**
 * A copy of `error` with `changes`: a native error (as `util.types.isNativeError`
 * tells) of the same class, with the same own properties (its stack, its
 * cause, a refusal mark), whether or not the original was frozen.
 */
function copyWith(error: ApiError, changes: Partial<Record<keyof ApiError, unknown>>): ApiError {
  const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(error);
  for (const [name, value] of Object.entries(changes)) {
    descriptors[name] = { value, enumerable: true, writable: true, configurable: true };
  }
  const copy = Object.defineProperties(new Error(), descriptors);
  Object.setPrototypeOf(copy, Object.getPrototypeOf(error) as object);
  COPIES.add(copy as ApiError);
  return copy as ApiError;
}

/** The copies `copyWith` made, so that the log describes the error thrown, not the copy's cause. */
const COPIES = new WeakSet<ApiError>();

/** Whether `error` is a copy `toApiError` made of a thrown `ApiError` (see `asSendable`). */
export function isCopyOfThrown(error: ApiError): boolean {
  return COPIES.has(error);
}

function matches(thrown: unknown, match: ErrorMapping['match']): boolean {
  // An Error subclass is matched with instanceof; any other function is a predicate.
  if (match === Error || match.prototype instanceof Error) return thrown instanceof match;
  return (match as (error: unknown) => boolean)(thrown) === true;
}

// body-parser and raw-body tag their errors with `type`; these get a detail of
// our own, because their messages can quote the request body, or, for
// `entity.verify.failed`, are whatever the app's `verify` threw (which
// body-parser marks `expose`). A Map, so that a `type` such as "valueOf"
// finds nothing rather than Object.prototype's.
const BODY_ERROR_DETAILS = new Map<string, (error: Record<string, unknown>) => string>([
  ['entity.parse.failed', () => 'The request body could not be parsed.'],
  [
    'entity.too.large',
    ({ limit }) =>
      typeof limit === 'number'
        ? `The request body is larger than the limit of ${limit} bytes.`
        : 'The request body is too large.',
  ],
  ['encoding.unsupported', () => 'The content encoding of the request body is not supported.'],
  ['charset.unsupported', () => 'The charset of the request body is not supported.'],
  ['parameters.too.many', () => 'The request body has too many parameters.'],
  ['querystring.parse.rangeError', () => 'The request body is nested too deeply.'],
  ['entity.verify.failed', () => 'The request body failed verification.'],
]);

/**
 * zlib's codes for a corrupt compressed body: `Z_DATA_ERROR` and the like
 * for gzip and deflate, and for brotli `ERR_` and the decoder's error name
 * less its `BROTLI_DECODER` prefix (`ERR__ERROR_FORMAT_PADDING_1`).
 */
const DECODING_ERROR_CODE = /^(?:Z_|ERR__ERROR_)/;

/** The detail of a body error, by its `type`, or by zlib's code for a corrupt compressed body. */
function bodyErrorDetail(error: Record<string, unknown>): string | undefined {
  if (typeof error.type === 'string') {
    const detail = BODY_ERROR_DETAILS.get(error.type);
    if (detail) return detail(error);
  }
  if (typeof error.code === 'string' && DECODING_ERROR_CODE.test(error.code)) {
    return 'The request body could not be decoded with its Content-Encoding.';
  }
  return undefined;
}

/**
 * What is kept of a body error for the log: its name, type, code and our
 * detail, but not its message or stack, which can quote the request body
 * (Express 5's JSON parser says `"token=…" is not valid JSON`).
 */
function bodyErrorCause(error: Record<string, unknown>, detail: string): Record<string, unknown> {
  const cause: Record<string, unknown> = { name: 'Error', message: detail };
  try {
    if (typeof error.name === 'string') cause.name = error.name;
    if (typeof error.type === 'string') cause.type = error.type;
    if (typeof error.code === 'string') cause.code = error.code;
  } catch {
    // A getter that throws leaves the generic name: the detail is what matters.
  }
  return cause;
}

/**
 * Errors that carry their own status, like http-errors': the status is
 * trusted only from 400 to 599, and headers only with such a status
 * (the rules of Express's finalhandler). Not an HTTP client's or SDK's error
 * about the response it got from another server (see upstream-errors.ts),
 * whose status is the upstream's: it becomes a 500.
 */
function fromStatusError(thrown: unknown): ApiError | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const error = thrown as Record<string, unknown>;
  // finalhandler's rule: `status` if it is an error status, else `statusCode` if that is one.
  const status = isErrorStatus(error.status)
    ? error.status
    : isErrorStatus(error.statusCode)
      ? error.statusCode
      : undefined;
  // Only then its other fields: an error of a library recognised by shape below (a ZodError)
  // may have a `headers` getter that throws.
  if (status === undefined || isUpstreamError(error)) return undefined;
  const bodyDetail = bodyErrorDetail(error);
  if (bodyDetail !== undefined) {
    return new ApiError(status, bodyDetail, {
      headers: safeHeaders(error.headers),
      expose: true,
      cause: bodyErrorCause(error, bodyDetail),
    });
  }
  // http-errors sets `expose` (true below 500); an error without it keeps its message to itself.
  // One made without a message has the status phrase as its message (serve-static's 403),
  // or for a status without one (499) its class's, "Bad Request": the title already says
  // the first, the second is wrong, so the catalog's description is the detail.
  const exposed = error.expose === true;
  // Read only when exposed: the message of one that is not may be a getter that throws.
  const message = exposed ? error.message : undefined;
  return new ApiError(
    status,
    typeof message === 'string' && message !== defaultPhraseOf(status) ? message : undefined,
    { headers: safeHeaders(error.headers), expose: exposed, cause: thrown },
  );
}

/**
 * @hapi/boom errors, recognised by shape (`isBoom: true`), since Boom keeps
 * the status in `output.statusCode` (trusted only from 400 to 599) and the
 * headers in `output.headers`. The message is sent for a 4xx only: for a 5xx,
 * Boom's payload holds either a generic text or the original message (502,
 * 503, …), which must not leak. Of `data`, never sent, only @hapi/wreck's
 * mark is read: a Boom error about another server's response is a 500.
 */
function fromBoom(thrown: unknown): ApiError | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { isBoom, output } = thrown as { isBoom?: unknown; output?: unknown };
  if (isBoom !== true || typeof output !== 'object' || output === null) return undefined;
  const { statusCode, headers, payload } = output as Record<string, unknown>;
  if (!isErrorStatus(statusCode)) return undefined;
  // An upstream's body copied onto an SDK's error (the AWS SDK v3 does) may be shaped as Boom's.
  if (isWreckResponseError(thrown) || isUpstreamError(thrown as Record<string, unknown>)) {
    return new InternalServerError(undefined, { cause: thrown });
  }
  const exposed = statusCode < 500;
  return new ApiError(statusCode, exposed ? boomMessage(payload) : undefined, {
    headers: safeHeaders(headers),
    expose: exposed,
    cause: thrown,
  });
}

/** Boom's message, unless it is only the status phrase Boom puts there by default. */
function boomMessage(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { message, error } = payload as { message?: unknown; error?: unknown };
  return typeof message === 'string' && message !== error ? message : undefined;
}

/** The message http-errors gives an error made without one: the status phrase, else its class's. */
function defaultPhraseOf(status: number): string | undefined {
  return STATUS_CODES[status] ?? STATUS_CODES[status < 500 ? 400 : 500];
}

function isErrorStatus(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599;
}

/** Errors of libraries APIs commonly use, recognised by shape so that none is a dependency. */
function fromKnownLibraries(thrown: unknown, realm: string | undefined): ApiError | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { name } = thrown as { name?: unknown };
  switch (name) {
    case 'ZodError':
      return fromZodError(thrown as { issues?: unknown });
    case 'TokenExpiredError': // jsonwebtoken
      return invalidToken('401.24', 'The access token has expired.', realm, thrown);
    case 'JsonWebTokenError': // jsonwebtoken: bad signature, malformed token, …
    case 'NotBeforeError': // jsonwebtoken: token not active yet
      return invalidToken('401.23', 'The access token is not valid.', realm, thrown);
    case 'MulterError': // multer: an upload past its limits, or a file in no field
      return fromMulterError(thrown as { code?: unknown });
    case 'Error': // busboy's, as multer hands them on: a malformed multipart body
      return fromMultipartParseError(thrown as { message?: unknown; storageErrors?: unknown });
    default:
      return undefined;
  }
}

function invalidToken(
  subCode: '401.23' | '401.24',
  description: string,
  realm: string | undefined,
  cause: unknown,
): ApiError {
  // RFC 6750 §3.1: an invalid, expired or malformed token is `invalid_token`.
  return new UnauthorizedError(description, {
    subCode,
    challenge: bearerChallenge({ realm, error: 'invalid_token', errorDescription: description }),
    cause,
  });
}

/**
 * How many issues of a ZodError a 422 lists. A body of a megabyte can fail
 * a schema a hundred thousand times (one issue per array element), and
 * listing them all made a 422 forty times the size of the request.
 */
export const MAX_LISTED_ISSUES = 100;

function fromZodError(error: { issues?: unknown }): ApiError | undefined {
  const { issues } = error;
  if (!Array.isArray(issues)) return undefined;
  const count = issues.length;
  const errors: ValidationIssue[] = [];
  for (let i = 0; i < Math.min(count, MAX_LISTED_ISSUES); i++) {
    errors.push(validationIssue(issues[i] as { path?: unknown; message?: unknown } | undefined));
  }
  const detail =
    count > MAX_LISTED_ISSUES
      ? `The request failed validation: the first ${MAX_LISTED_ISSUES} of ${count} issues are listed.`
      : 'The request failed validation.';
  // Not the ZodError as the cause: its `message` is every issue, written out when first read.
  const cause = { name: 'ZodError', message: `${count} validation issue${count === 1 ? '' : 's'}` };
  return new UnprocessableEntityError(detail, { errors, cause });
}

/**
 * The longest pointer and detail of a listed issue: a recursive schema
 * (`z.lazy`) makes a path as deep as the body, and a 422 must not be many
 * times the size of the request that caused it. A longer pointer is left
 * out (a cut one would point elsewhere); a longer detail is cut.
 */
const MAX_ISSUE_TEXT = 1000;

function validationIssue(
  issue: { path?: unknown; message?: unknown } | undefined,
): ValidationIssue {
  const message = typeof issue?.message === 'string' ? issue.message : 'Invalid value';
  const detail = truncate(message, MAX_ISSUE_TEXT);
  const pointer = toJsonPointer(Array.isArray(issue?.path) ? issue.path : [], MAX_ISSUE_TEXT);
  return pointer === undefined ? { detail } : { pointer, detail };
}

/**
 * RFC 6901 JSON Pointer to a member of the body: `['user', 'tags', 0]` →
 * `/user/tags/0`; undefined past `max` characters.
 */
function toJsonPointer(path: readonly unknown[], max: number): string | undefined {
  let pointer = '';
  for (const key of path) {
    pointer += `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (pointer.length > max) return undefined;
  }
  return pointer;
}
