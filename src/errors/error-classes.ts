import { formatAllow } from '../headers/allow.js';
import { formatUnsatisfiedRange } from '../headers/content-range.js';
import { formatLink } from '../headers/link.js';
import { formatLocation } from '../headers/location.js';
import { formatRetryAfter, type RetryAfter } from '../headers/retry-after.js';
import { formatUpgrade } from '../headers/upgrade.js';
import { formatChallenges, type Challenge } from '../headers/www-authenticate.js';
import { describeValue } from '../options/describe-value.js';
import type { ErrorStatusOf } from '../catalog/catalog.js';
import type { DefaultEntry } from '../catalog/default-entries.js';
import type { ApiError } from './api-error.js';
import { defineErrorClass, type ErrorClassParts, type ImpliedParts } from './define-error-class.js';

/** One field that failed validation, for a 422. Name it by JSON Pointer (RFC 6901) or by field name. */
export interface ValidationIssue {
  /** JSON Pointer to the offending member of the body, e.g. `/user/email`. */
  readonly pointer?: string | undefined;
  /** The name of the offending field or query parameter. */
  readonly field?: string | undefined;
  /** What is wrong with it. */
  readonly detail: string;
}

/** The default wait of a 503: the vendor pages ask clients to wait at least two minutes. */
export const DEFAULT_SERVICE_UNAVAILABLE_RETRY_AFTER = 120;

/** The `challenge` option of a 401, a 403 and a 407. */
type ChallengeOption = { challenge?: Challenge | readonly Challenge[] | undefined };

const challengeHeader = ({ challenge }: ChallengeOption) =>
  challenge === undefined ? undefined : { 'WWW-Authenticate': formatChallenges(challenge) };

const proxyChallengeHeader = ({ challenge }: ChallengeOption) =>
  challenge === undefined ? undefined : { 'Proxy-Authenticate': formatChallenges(challenge) };

const retryAfterHeader = (retryAfter: RetryAfter | undefined) =>
  retryAfter === undefined ? undefined : { 'Retry-After': formatRetryAfter(retryAfter) };

/** A class whose one own option is `retryAfter`, which sets `Retry-After` when given (413, 429). */
const RETRY_AFTER_PARTS: ErrorClassParts<{ retryAfter?: RetryAfter | undefined }> = {
  options: { retryAfter: 'optional' },
  imply: ({ retryAfter }) => ({ headers: retryAfterHeader(retryAfter) }),
};

export const BadRequestError = defineErrorClass(400, 'BadRequestError');
export type BadRequestError = ApiError<400>;

/** 401. `challenge` builds `WWW-Authenticate`; without one, `errorHandler` sends its default challenge. */
export const UnauthorizedError = defineErrorClass<401, ChallengeOption>(401, 'UnauthorizedError', {
  options: { challenge: 'optional' },
  imply: (options) => ({ headers: challengeHeader(options) }),
});
export type UnauthorizedError = ApiError<401>;

export const PaymentRequiredError = defineErrorClass(402, 'PaymentRequiredError');
export type PaymentRequiredError = ApiError<402>;

/** 403. `retryAfter` for a temporary denial (403.30); `challenge` for Bearer `insufficient_scope` (RFC 6750 §3.1). */
export const ForbiddenError = defineErrorClass<
  403,
  { retryAfter?: RetryAfter | undefined } & ChallengeOption
>(403, 'ForbiddenError', {
  options: { retryAfter: 'optional', challenge: 'optional' },
  imply: (options): ImpliedParts => ({
    headers: { ...challengeHeader(options), ...retryAfterHeader(options.retryAfter) },
  }),
});
export type ForbiddenError = ApiError<403>;

export const NotFoundError = defineErrorClass(404, 'NotFoundError');
export type NotFoundError = ApiError<404>;

/** 405. `allow` is required: a 405 must carry `Allow` (RFC 9110 §15.5.6). */
export const MethodNotAllowedError = defineErrorClass<405, { allow: readonly string[] }>(
  405,
  'MethodNotAllowedError',
  {
    options: { allow: 'required' },
    imply: ({ allow }) => ({ headers: { Allow: formatAllow(allow) } }),
  },
);
export type MethodNotAllowedError = ApiError<405>;

export const NotAcceptableError = defineErrorClass(406, 'NotAcceptableError');
export type NotAcceptableError = ApiError<406>;

/** 407. `challenge` builds `Proxy-Authenticate`; without one, `errorHandler` sends its default challenge. */
export const ProxyAuthenticationRequiredError = defineErrorClass<407, ChallengeOption>(
  407,
  'ProxyAuthenticationRequiredError',
  {
    options: { challenge: 'optional' },
    imply: (options) => ({ headers: proxyChallengeHeader(options) }),
  },
);
export type ProxyAuthenticationRequiredError = ApiError<407>;

/**
 * 408. Carries `Connection: close`: the server gives up on the connection
 * (RFC 9110 §15.5.9 asks for the "close" option).
 */
export const RequestTimeoutError = defineErrorClass(408, 'RequestTimeoutError', {
  imply: () => ({ headers: { Connection: 'close' } }),
});
export type RequestTimeoutError = ApiError<408>;

/**
 * 409. `location` points at the existing resource when the conflict is
 * "already exists"; `retryAfter` says when a conflict that passes (a
 * duplicate request still in progress, 409.1) may be over.
 */
export const ConflictError = defineErrorClass<
  409,
  { location?: string | undefined; retryAfter?: RetryAfter | undefined }
>(409, 'ConflictError', {
  options: { location: 'optional', retryAfter: 'optional' },
  imply: ({ location, retryAfter }): ImpliedParts => ({
    headers: {
      ...(location === undefined ? undefined : { Location: formatLocation(location) }),
      ...retryAfterHeader(retryAfter),
    },
  }),
});
export type ConflictError = ApiError<409>;

export const GoneError = defineErrorClass(410, 'GoneError');
export type GoneError = ApiError<410>;

export const LengthRequiredError = defineErrorClass(411, 'LengthRequiredError');
export type LengthRequiredError = ApiError<411>;

export const PreconditionFailedError = defineErrorClass(412, 'PreconditionFailedError');
export type PreconditionFailedError = ApiError<412>;

/** 413. `retryAfter` when the condition is temporary (RFC 9110 §15.5.14); without it, retrying will not help. */
export const PayloadTooLargeError = defineErrorClass(
  413,
  'PayloadTooLargeError',
  RETRY_AFTER_PARTS,
);
export type PayloadTooLargeError = ApiError<413>;

export const URITooLongError = defineErrorClass(414, 'URITooLongError');
export type URITooLongError = ApiError<414>;

/** 415. `accept` lists the media types the resource does accept; sent as the `accept` member. */
export const UnsupportedMediaTypeError = defineErrorClass<
  415,
  { accept?: readonly string[] | undefined }
>(415, 'UnsupportedMediaTypeError', {
  options: { accept: 'optional' },
  imply: ({ accept }) => ({
    extensions: accept === undefined ? undefined : { accept: mediaTypes(accept) },
  }),
});
export type UnsupportedMediaTypeError = ApiError<415>;

/** A copy of `accept`, an array of media types: a string would be spread into its characters. */
function mediaTypes(accept: unknown): string[] {
  if (!Array.isArray(accept) || accept.some((type) => typeof type !== 'string' || type === '')) {
    throw new TypeError(
      `\`accept\` must be an array of media types such as ["application/json"], got ${describeValue(accept)}`,
    );
  }
  return [...(accept as string[])];
}

/**
 * 416. `completeLength`, the current length of the representation in bytes,
 * builds `Content-Range` in its unsatisfied-range form (RFC 9110 §15.5.17
 * asks for it).
 */
export const RangeNotSatisfiableError = defineErrorClass<
  416,
  { completeLength?: number | undefined }
>(416, 'RangeNotSatisfiableError', {
  options: { completeLength: 'optional' },
  imply: ({ completeLength }) => ({
    headers:
      completeLength === undefined
        ? undefined
        : { 'Content-Range': formatUnsatisfiedRange(completeLength) },
  }),
});
export type RangeNotSatisfiableError = ApiError<416>;

export const ExpectationFailedError = defineErrorClass(417, 'ExpectationFailedError');
export type ExpectationFailedError = ApiError<417>;

export const ImATeapotError = defineErrorClass(418, 'ImATeapotError');
export type ImATeapotError = ApiError<418>;

export const MisdirectedRequestError = defineErrorClass(421, 'MisdirectedRequestError');
export type MisdirectedRequestError = ApiError<421>;

/** 422. `errors` lists each field that failed validation; sent as the `errors` member. */
export const UnprocessableEntityError = defineErrorClass<
  422,
  { errors?: readonly ValidationIssue[] | undefined }
>(422, 'UnprocessableEntityError', {
  options: { errors: 'optional' },
  imply: ({ errors }) => {
    if (errors === undefined) return {};
    if (!Array.isArray(errors) || errors.some((issue) => typeof issue?.detail !== 'string')) {
      throw new TypeError(
        `\`errors\` must be an array of \`{ pointer?, field?, detail }\`, got ${describeValue(errors)}`,
      );
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
  },
});
export type UnprocessableEntityError = ApiError<422>;

export const LockedError = defineErrorClass(423, 'LockedError');
export type LockedError = ApiError<423>;

export const FailedDependencyError = defineErrorClass(424, 'FailedDependencyError');
export type FailedDependencyError = ApiError<424>;

export const TooEarlyError = defineErrorClass(425, 'TooEarlyError');
export type TooEarlyError = ApiError<425>;

/**
 * 426. `upgrade` is required: a 426 must carry `Upgrade` (RFC 9110
 * §15.5.22), and a sender of `Upgrade` must also send `Connection: upgrade`
 * (§7.8).
 */
export const UpgradeRequiredError = defineErrorClass<426, { upgrade: string | readonly string[] }>(
  426,
  'UpgradeRequiredError',
  {
    options: { upgrade: 'required' },
    imply: ({ upgrade }) => ({
      headers: { Upgrade: formatUpgrade(upgrade), Connection: 'upgrade' },
    }),
  },
);
export type UpgradeRequiredError = ApiError<426>;

export const PreconditionRequiredError = defineErrorClass(428, 'PreconditionRequiredError');
export type PreconditionRequiredError = ApiError<428>;

/** 429. `retryAfter` (seconds or a Date) sets `Retry-After`. */
export const TooManyRequestsError = defineErrorClass(
  429,
  'TooManyRequestsError',
  RETRY_AFTER_PARTS,
);
export type TooManyRequestsError = ApiError<429>;

export const RequestHeaderFieldsTooLargeError = defineErrorClass(
  431,
  'RequestHeaderFieldsTooLargeError',
);
export type RequestHeaderFieldsTooLargeError = ApiError<431>;

/**
 * 451. `blockedBy`, a URI identifying who implements the block (not who
 * demanded it), builds `Link: <uri>; rel="blocked-by"` (RFC 7725 §4).
 */
export const UnavailableForLegalReasonsError = defineErrorClass<
  451,
  { blockedBy?: string | undefined }
>(451, 'UnavailableForLegalReasonsError', {
  options: { blockedBy: 'optional' },
  imply: ({ blockedBy }) => ({
    headers:
      blockedBy === undefined
        ? undefined
        : { Link: formatLink([{ href: blockedBy, rel: 'blocked-by' }], '`blockedBy`') },
  }),
});
export type UnavailableForLegalReasonsError = ApiError<451>;

export const InternalServerError = defineErrorClass(500, 'InternalServerError');
export type InternalServerError = ApiError<500>;

export const NotImplementedError = defineErrorClass(501, 'NotImplementedError');
export type NotImplementedError = ApiError<501>;

export const BadGatewayError = defineErrorClass(502, 'BadGatewayError');
export type BadGatewayError = ApiError<502>;

/** 503. `Retry-After` defaults to 120 seconds. */
export const ServiceUnavailableError = defineErrorClass<
  503,
  { retryAfter?: RetryAfter | undefined }
>(503, 'ServiceUnavailableError', {
  options: { retryAfter: 'optional' },
  imply: ({ retryAfter = DEFAULT_SERVICE_UNAVAILABLE_RETRY_AFTER }) => ({
    headers: retryAfterHeader(retryAfter),
  }),
});
export type ServiceUnavailableError = ApiError<503>;

export const GatewayTimeoutError = defineErrorClass(504, 'GatewayTimeoutError');
export type GatewayTimeoutError = ApiError<504>;

export const HTTPVersionNotSupportedError = defineErrorClass(505, 'HTTPVersionNotSupportedError');
export type HTTPVersionNotSupportedError = ApiError<505>;

export const VariantAlsoNegotiatesError = defineErrorClass(506, 'VariantAlsoNegotiatesError');
export type VariantAlsoNegotiatesError = ApiError<506>;

export const InsufficientStorageError = defineErrorClass(507, 'InsufficientStorageError');
export type InsufficientStorageError = ApiError<507>;

export const LoopDetectedError = defineErrorClass(508, 'LoopDetectedError');
export type LoopDetectedError = ApiError<508>;

export const NotExtendedError = defineErrorClass(510, 'NotExtendedError');
export type NotExtendedError = ApiError<510>;

export const NetworkAuthenticationRequiredError = defineErrorClass(
  511,
  'NetworkAuthenticationRequiredError',
);
export type NetworkAuthenticationRequiredError = ApiError<511>;

/** Every generated class, by status: what `errorHandler` uses to turn a status into an error. */
export const errorClasses = {
  400: BadRequestError,
  401: UnauthorizedError,
  402: PaymentRequiredError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  406: NotAcceptableError,
  407: ProxyAuthenticationRequiredError,
  408: RequestTimeoutError,
  409: ConflictError,
  410: GoneError,
  411: LengthRequiredError,
  412: PreconditionFailedError,
  413: PayloadTooLargeError,
  414: URITooLongError,
  415: UnsupportedMediaTypeError,
  416: RangeNotSatisfiableError,
  417: ExpectationFailedError,
  418: ImATeapotError,
  421: MisdirectedRequestError,
  422: UnprocessableEntityError,
  423: LockedError,
  424: FailedDependencyError,
  425: TooEarlyError,
  426: UpgradeRequiredError,
  428: PreconditionRequiredError,
  429: TooManyRequestsError,
  431: RequestHeaderFieldsTooLargeError,
  451: UnavailableForLegalReasonsError,
  500: InternalServerError,
  501: NotImplementedError,
  502: BadGatewayError,
  503: ServiceUnavailableError,
  504: GatewayTimeoutError,
  505: HTTPVersionNotSupportedError,
  506: VariantAlsoNegotiatesError,
  507: InsufficientStorageError,
  508: LoopDetectedError,
  510: NotExtendedError,
  511: NetworkAuthenticationRequiredError,
} as const satisfies {
  // Compile-time check: every error status of the default catalog has its class.
  [Status in ErrorStatusOf<DefaultEntry>]: { readonly status: Status };
};
