import { formatAllow } from '../headers/allow.js';
import { formatLocation } from '../headers/location.js';
import { formatRetryAfter, type RetryAfter } from '../headers/retry-after.js';
import { formatWwwAuthenticate, type Challenge } from '../headers/www-authenticate.js';
import type { ErrorStatusOf } from '../catalog/catalog.js';
import type { DefaultEntry } from '../catalog/default-entries.js';
import type { ApiError } from './api-error.js';
import { defineErrorClass, type ImpliedParts } from './define-error-class.js';

/** One field that failed validation, for a 422. Name it by JSON Pointer (RFC 6901) or by field name. */
export interface ValidationIssue {
  /** JSON Pointer to the offending member of the body, e.g. `/user/email`. */
  readonly pointer?: string;
  /** The name of the offending field or query parameter. */
  readonly field?: string;
  /** What is wrong with it. */
  readonly detail: string;
}

/** The default wait of a 503: the vendor pages ask clients to wait at least two minutes. */
export const DEFAULT_SERVICE_UNAVAILABLE_RETRY_AFTER = 120;

const challengeHeader = ({ challenge }: { challenge?: Challenge | readonly Challenge[] }) =>
  challenge === undefined ? undefined : { 'WWW-Authenticate': formatWwwAuthenticate(challenge) };

const retryAfterHeader = (retryAfter: RetryAfter | undefined) =>
  retryAfter === undefined ? undefined : { 'Retry-After': formatRetryAfter(retryAfter) };

export const BadRequestError = defineErrorClass(400, 'BadRequestError');
export type BadRequestError = ApiError<400>;

/** 401. `challenge` builds `WWW-Authenticate`; without one, `errorHandler` sends its default challenge. */
export const UnauthorizedError = defineErrorClass<
  401,
  { challenge?: Challenge | readonly Challenge[] }
>(401, 'UnauthorizedError', (options) => ({ headers: challengeHeader(options) }));
export type UnauthorizedError = ApiError<401>;

/** 403. `retryAfter` for a temporary denial (403.30); `challenge` for Bearer `insufficient_scope` (RFC 6750 §3.1). */
export const ForbiddenError = defineErrorClass<
  403,
  { retryAfter?: RetryAfter; challenge?: Challenge | readonly Challenge[] }
>(403, 'ForbiddenError', (options): ImpliedParts => ({
  headers: { ...challengeHeader(options), ...retryAfterHeader(options.retryAfter) },
}));
export type ForbiddenError = ApiError<403>;

export const NotFoundError = defineErrorClass(404, 'NotFoundError');
export type NotFoundError = ApiError<404>;

/** 405. `allow` is required: a 405 must carry `Allow` (RFC 9110 §15.5.6). */
export const MethodNotAllowedError = defineErrorClass<405, { allow: readonly string[] }>(
  405,
  'MethodNotAllowedError',
  ({ allow }) => {
    if (allow === undefined) {
      throw new TypeError('MethodNotAllowedError needs `allow`: the methods the resource supports');
    }
    return { headers: { Allow: formatAllow(allow) } };
  },
);
export type MethodNotAllowedError = ApiError<405>;

/** 409. `location` points at the existing resource when the conflict is "already exists". */
export const ConflictError = defineErrorClass<409, { location?: string }>(
  409,
  'ConflictError',
  ({ location }) => ({
    headers: location === undefined ? undefined : { Location: formatLocation(location) },
  }),
);
export type ConflictError = ApiError<409>;

export const GoneError = defineErrorClass(410, 'GoneError');
export type GoneError = ApiError<410>;

export const PayloadTooLargeError = defineErrorClass(413, 'PayloadTooLargeError');
export type PayloadTooLargeError = ApiError<413>;

/** 415. `accept` lists the media types the resource does accept; sent as the `accept` member. */
export const UnsupportedMediaTypeError = defineErrorClass<415, { accept?: readonly string[] }>(
  415,
  'UnsupportedMediaTypeError',
  ({ accept }) => ({ extensions: accept === undefined ? undefined : { accept: [...accept] } }),
);
export type UnsupportedMediaTypeError = ApiError<415>;

export const ExpectationFailedError = defineErrorClass(417, 'ExpectationFailedError');
export type ExpectationFailedError = ApiError<417>;

export const ImATeapotError = defineErrorClass(418, 'ImATeapotError');
export type ImATeapotError = ApiError<418>;

/** 422. `errors` lists each field that failed validation; sent as the `errors` member. */
export const UnprocessableEntityError = defineErrorClass<
  422,
  { errors?: readonly ValidationIssue[] }
>(422, 'UnprocessableEntityError', ({ errors }) => {
  if (errors === undefined) return {};
  if (!Array.isArray(errors) || errors.some((issue) => typeof issue?.detail !== 'string')) {
    throw new TypeError('`errors` must be an array of `{ pointer?, field?, detail }`');
  }
  return {
    extensions: {
      errors: errors.map(({ pointer, field, detail }) => ({
        ...(pointer === undefined ? {} : { pointer }),
        ...(field === undefined ? {} : { field }),
        detail,
      })),
    },
  };
});
export type UnprocessableEntityError = ApiError<422>;

/** 429. `retryAfter` (seconds or a Date) sets `Retry-After`. */
export const TooManyRequestsError = defineErrorClass<429, { retryAfter?: RetryAfter }>(
  429,
  'TooManyRequestsError',
  ({ retryAfter }) => ({ headers: retryAfterHeader(retryAfter) }),
);
export type TooManyRequestsError = ApiError<429>;

export const InternalServerError = defineErrorClass(500, 'InternalServerError');
export type InternalServerError = ApiError<500>;

/** 503. `Retry-After` defaults to 120 seconds. */
export const ServiceUnavailableError = defineErrorClass<503, { retryAfter?: RetryAfter }>(
  503,
  'ServiceUnavailableError',
  ({ retryAfter = DEFAULT_SERVICE_UNAVAILABLE_RETRY_AFTER }) => ({
    headers: retryAfterHeader(retryAfter),
  }),
);
export type ServiceUnavailableError = ApiError<503>;

/** Every generated class, by status: what `errorHandler` uses to turn a status into an error. */
export const errorClasses = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  409: ConflictError,
  410: GoneError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  417: ExpectationFailedError,
  418: ImATeapotError,
  422: UnprocessableEntityError,
  429: TooManyRequestsError,
  500: InternalServerError,
  503: ServiceUnavailableError,
} as const satisfies {
  // Compile-time check: every error status of the default catalog has its class.
  [Status in ErrorStatusOf<DefaultEntry>]: { readonly status: Status };
};
