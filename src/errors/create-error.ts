import { ApiError, isApiError, type ApiErrorOptions } from './api-error.js';
import type { ApiErrorClass } from './define-error-class.js';
import { describeValue } from '../options/describe-value.js';
import { errorClasses } from './error-classes.js';

type ErrorClasses = typeof errorClasses;

/** The statuses `createError()` takes: those with an error class, every 4xx and 5xx of the default catalog. */
export type ErrorClassStatus = keyof ErrorClasses;

/** What the class of `Status` takes after `new`: `(detail?, options?)` or `(options)`, with its own options. */
export type CreateErrorArgs<Status extends ErrorClassStatus> = ConstructorParameters<
  ErrorClasses[Status]
>;

type MessageAndOptions = [message?: string, options?: ApiErrorOptions] | [options: ApiErrorOptions];

// (`infer Status`: a class of status 404 is no ApiErrorClass<number, …>, its constructor takes 404's sub-codes.)
type OwnOptionNamesOf<Class> =
  Class extends ApiErrorClass<infer Status, infer Own>
    ? Status extends ErrorClassStatus
      ? keyof Own
      : never
    : never;
type OwnOptionName = {
  [Status in ErrorClassStatus]: OwnOptionNamesOf<ErrorClasses[Status]>;
}[ErrorClassStatus];

// A Record over the union: the compiler refuses this object if a class's own option is missing.
const OWN_OPTIONS: Record<OwnOptionName, true> = {
  accept: true,
  allow: true,
  blockedBy: true,
  challenge: true,
  completeLength: true,
  errors: true,
  location: true,
  retryAfter: true,
  upgrade: true,
};
const COMMON_OPTIONS: Record<keyof ApiErrorOptions, true> = {
  subCode: true,
  headers: true,
  cause: true,
  expose: true,
  extensions: true,
};
const OPTION_NAMES = new Set([...Object.keys(COMMON_OPTIONS), ...Object.keys(OWN_OPTIONS)]);

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
    throw new TypeError(
      `createError() takes a status or an Error first, got ${describeValue(first)}`,
    );
  }
  const [message, options] = messageAndOptions(rest);
  if (cause !== undefined && options?.cause !== undefined) {
    throw new TypeError('createError() was given two causes: an Error argument and `cause`');
  }
  const ErrorClass = classOf(status, typeof first === 'number');
  const all = cause === undefined ? options : { ...options, cause };
  return ErrorClass ? new ErrorClass(message, all) : new ApiError(status, message, all);
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
    throw new RangeError(
      `createError() \`status\` must be an error status from 400 to 599, got ${status}`,
    );
  }
  throw new RangeError(
    `createError() has no class for status ${status}: use new ApiError(${status}, …), or defineErrorClass() with a catalog entry for it`,
  );
}

/** finalhandler's rule: `status` if it is an integer 400–599, else `statusCode` if that is one. */
function statusOf(error: Error): number | undefined {
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
    throw new TypeError(
      `createError() takes a message string or an options object after the status, got ${describeValue(message)}`,
    );
  }
  if (options !== undefined && !isOptionsObject(options)) {
    throw new TypeError(`createError() options must be an object, got ${describeValue(options)}`);
  }
  if (rest.length > 2) {
    throw new TypeError(
      `createError() takes at most a status or an Error, a message and options; got ${rest.length - 2} more`,
    );
  }
  if (options !== undefined) checkOptionNames(options);
  return [message, options as ApiErrorOptions | undefined];
}

function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** http-errors copies any property onto the error; here a name that is no option is a mistake. */
function checkOptionNames(options: Record<string, unknown>): void {
  for (const name of Object.keys(options)) {
    if (OPTION_NAMES.has(name)) continue;
    const sameLetters = [...OPTION_NAMES].find(
      (known) => known.toLowerCase() === name.toLowerCase(),
    );
    throw new TypeError(
      sameLetters
        ? `createError() has no option \`${name}\`: did you mean \`${sameLetters}\`?`
        : `createError() has no option \`${name}\`: put members for the client in \`extensions\` and data for the log in \`cause\``,
    );
  }
}
