import { isUpstreamErrorSafely } from './upstream-errors.js';
import { safeHeaders } from '../headers/foreign-headers.js';
import { describeValue } from '../options/describe-value.js';
import { optionError, type OptionErrorCode } from '../options/option-error.js';
import { checkOptionNames } from '../options/option-names.js';
import {
  API_ERROR_OPTION_NAMES,
  ApiError,
  OTHER_DATA_HINT,
  isApiError,
  type ApiErrorOptions,
} from './api-error.js';
import { optionNamesOf } from './define-error-class.js';
import { errorClasses } from './error-classes.js';

type ErrorClasses = typeof errorClasses;

/** The statuses `createError()` takes: those with an error class, every 4xx and 5xx of the default catalog. */
export type ErrorClassStatus = keyof ErrorClasses;

/** What the class of `Status` takes after `new`: `(detail?, options?)` or `(options)`, with its own options. */
export type CreateErrorArgs<Status extends ErrorClassStatus> = ConstructorParameters<
  ErrorClasses[Status]
>;

// `| undefined`: an undefined message or options is taken as absent (see ConstructorArgs).
type MessageAndOptions =
  | [message?: string | undefined, options?: ApiErrorOptions | undefined]
  | [options: ApiErrorOptions];

const FACTORY = 'createError()';
const fail = (code: OptionErrorCode, message: string) => optionError(FACTORY, code, message);

/**
 * Makes an error with http-errors' calling convention, as an instance of
 * this library's class for the status:
 *
 * - `createError(404)`, `createError(404, 'No user 7')`,
 *   `createError(404, 'No user 7', { subCode: '404.1' })`, `createError(404, { expose: false })`;
 * - `createError(503, err, 'Try later')`: `err` becomes the `cause` (logged, never sent);
 * - `createError(err)`: wraps `err` as the `cause` of an error with its
 *   status (an integer 400–599 in `status`, else `statusCode`), else a 500;
 *   an `ApiError` alone is returned as it is.
 *
 * Unlike http-errors, a status that is not an error status with a class
 * (200, 600, 509, `'404'`) throws instead of becoming a 500, and options
 * other than the class's throw instead of being copied onto the error.
 */
export function createError<Status extends ErrorClassStatus>(
  status: Status,
  ...args: CreateErrorArgs<Status>
): ApiError<Status>;
export function createError<Status extends ErrorClassStatus>(
  status: Status,
  cause: Error,
  ...args: CreateErrorArgs<Status>
): ApiError<Status>;
export function createError(cause: Error, ...args: MessageAndOptions): ApiError;
// A status only known at run time; a literal must be a status with a class (the overloads above).
export function createError<Wide extends number>(
  status: number extends Wide ? Wide : never,
  ...args: MessageAndOptions
): ApiError;
export function createError(first: unknown, ...rest: unknown[]): ApiError {
  let status: number;
  let cause: unknown;
  if (typeof first === 'number') {
    status = first;
    if (rest[0] instanceof Error) cause = rest.shift();
  } else if (first instanceof Error) {
    if (isApiError(first) && rest.length === 0) return first;
    cause = first;
    status = statusOf(first) ?? 500;
  } else {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`status\` must be an error status or an Error, got ${describeValue(first)}`,
    );
  }
  const [message, options] = messageAndOptions(rest);
  const ErrorClass = classOf(status, typeof first === 'number');
  if (options !== undefined) {
    checkOptionNames(
      FACTORY,
      options,
      optionNamesOf(ErrorClass ?? ApiError) ?? API_ERROR_OPTION_NAMES,
      {
        hint: OTHER_DATA_HINT,
      },
    );
  }
  if (cause !== undefined && options?.cause !== undefined) {
    throw fail('ERR_EAE_OPTION_CONFLICT', 'was given two causes: an Error argument and `cause`');
  }
  const all = cause === undefined ? options : { ...options, cause };
  if (typeof first === 'number') {
    return ErrorClass ? new ErrorClass(message, all) : new ApiError(status, message, all);
  }
  return wrapping(first, status, ErrorClass, message, all);
}

/**
 * The error `createError(err)` makes of `err`: of the class of its status,
 * with the headers of `err` that can be sent (an http-errors 405 carries its
 * `Allow`, a 429 its `Retry-After`; see `safeHeaders`) under those given in
 * `options`. A class whose required parts `err` does not give (a 405's
 * `allow`, a 426's `upgrade`) makes it an `ApiError` of that status instead,
 * rather than a throw where an error was being answered.
 */
function wrapping(
  wrapped: Error,
  status: number,
  ErrorClass: AnyErrorClass | undefined,
  message: string | undefined,
  options: ApiErrorOptions | undefined,
): ApiError {
  const headers = headersOf(wrapped);
  const given =
    headers === undefined ? options : { ...options, headers: { ...headers, ...options?.headers } };
  if (ErrorClass === undefined) return new ApiError(status, message, given);
  try {
    return new ErrorClass(message, given);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_EAE_OPTION_MISSING') throw error;
    return new ApiError(status, message, given);
  }
}

/** The headers of a wrapped error that can be sent; none from a getter that throws, a hostile Proxy or an upstream's error. */
function headersOf(error: Error): Record<string, string> | undefined {
  if (isUpstreamErrorSafely(error)) return undefined;
  try {
    return safeHeaders((error as { headers?: unknown }).headers);
  } catch {
    return undefined;
  }
}

type AnyErrorClass = new (message?: string, options?: ApiErrorOptions) => ApiError;

/**
 * The class of a status given as a number, which must have one; for the
 * status of a wrapped error, none when it has no class (`new ApiError` then).
 */
function classOf(status: number, given: boolean): AnyErrorClass | undefined {
  const ErrorClass = Object.hasOwn(errorClasses, status)
    ? (errorClasses[status as ErrorClassStatus] as unknown as AnyErrorClass)
    : undefined;
  if (ErrorClass || !given) return ErrorClass;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw fail(
      'ERR_EAE_OPTION_RANGE',
      `\`status\` must be an error status from 400 to 599, got ${describeValue(status)}`,
    );
  }
  throw fail(
    'ERR_EAE_OPTION_RANGE',
    `\`status\` ${status} has no class: use new ApiError(${status}, …), or defineErrorClass() with a catalog entry for it`,
  );
}

/**
 * finalhandler's rule: `status` if it is an integer 400–599, else `statusCode`
 * if that is one; none for an HTTP client's or SDK's error about another
 * server's response, whose status is the upstream's (see upstream-errors.ts).
 */
function statusOf(error: Error): number | undefined {
  if (isUpstreamErrorSafely(error)) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  if (isErrorStatus(status)) return status;
  return isErrorStatus(statusCode) ? statusCode : undefined;
}

function isErrorStatus(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599;
}

/** Reads `[message?, options?]` or `[options]`, refusing anything else by its position. */
function messageAndOptions(rest: unknown[]): [string | undefined, ApiErrorOptions | undefined] {
  let [message, options] = rest;
  if (isOptionsObject(message) && rest.length === 1) [message, options] = [undefined, message];
  if (message !== undefined && typeof message !== 'string') {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`message\` must be a string, or options an object, after the status, got ${describeValue(message)}`,
    );
  }
  if (options !== undefined && !isOptionsObject(options)) {
    throw fail('ERR_EAE_OPTIONS', `options must be an object, got ${describeValue(options)}`);
  }
  if (rest.length > 2) {
    throw fail(
      'ERR_EAE_OPTIONS',
      `takes at most a status or an Error, a message and options; got ${rest.length - 2} more`,
    );
  }
  return [message, options as ApiErrorOptions | undefined];
}

function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
