import type { Logger, LogLevel } from '../logging/logger.js';
import { describeValue } from './describe-value.js';
import { optionError } from './option-error.js';

/**
 * The checks every factory shares. Each takes the factory (`'rateLimit()'`)
 * and the option's name (`'failOpen'`, or a path such as `'block.after'`),
 * and throws an `optionError` whose message names both and the value given.
 */

/**
 * The longest duration an option may give (a window, a block, a record's
 * lifetime), about 31 years. It may exceed `MAX_TIMER_MS` (`time/timers.ts`: the stores keep
 * no per-key timers), but a clock reading (an epoch in ms, on Redis) plus
 * twice this still resolves a microsecond in a double, and Redis's expiry,
 * which Lua writes with 14 digits, stays a whole number.
 */
export const MAX_DURATION_MS = 1_000_000_000_000;

/** A duration: whole milliseconds from 1 to `max`. */
export function parseDuration(
  factory: string,
  option: string,
  value: unknown,
  max: number = MAX_DURATION_MS,
): number {
  return parseWholeNumber(factory, option, value, { min: 1, max, unit: 'milliseconds' });
}

/** Refuses options that are not an object (`null`, an array, a string…) with `ERR_EAE_OPTIONS`. */
export function checkOptionsObject(
  factory: string,
  options: unknown,
  example: string,
): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError(
      factory,
      'ERR_EAE_OPTIONS',
      `options must be an object such as ${example}, got ${describeValue(options)}`,
    );
  }
}

/**
 * Refuses a nested option that is no plain object (`null`, an array, a
 * string…): `wanted` says what it must be, e.g. `an object { after, withinMs, durationMs }`.
 */
export function checkNestedObject<T>(
  factory: string,
  option: string,
  value: T,
  wanted: string,
): asserts value is T & object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must be ${wanted}, got ${describeValue(value)}`,
    );
  }
}

/**
 * Refuses arguments given to a factory that takes none (or none past its
 * last): an option it would ignore is a mistake to report, not to pass by.
 */
export function checkNoMoreArguments(
  factory: string,
  extra: readonly unknown[],
  hint: string,
): void {
  if (extra.length === 0) return;
  throw optionError(
    factory,
    'ERR_EAE_OPTIONS',
    `takes ${hint}, got ${extra.length} more: ${extra.map((value) => describeValue(value)).join(', ')}`,
  );
}

/**
 * Refuses a call of a middleware factory by Express: `app.use(errorHandler)`
 * instead of `app.use(errorHandler())` mounts the factory itself, which
 * Express then calls with `(req, res, next)` on every request it reaches (or
 * with `(err, req, res, next)` for every error, when the factory declares four
 * parameters, as `errorHandler` does). Its options would be the request,
 * and the message would be about `_events`. The error says to call it, with
 * `usage` (`app.use(errorHandler())`); Express passes it on to the next error
 * middleware, so that it is in the log line of the 500 (or, with no error
 * middleware that works, printed by Express's own final handler).
 * `factory` is its name with `()`; `args` are all the arguments of the call.
 */
export function checkNotCalledAsMiddleware(
  factory: string,
  args: readonly unknown[],
  usage: string,
): void {
  const call = middlewareCall(args);
  if (call === undefined) return;
  throw optionError(factory, 'ERR_EAE_NOT_CALLED', notCalledMessage(factory, usage, call));
}

/** What `ERR_EAE_NOT_CALLED` says of `factory`, called by Express as `call` says. */
export function notCalledMessage(
  factory: string,
  usage: string,
  call: 'request' | 'error',
): string {
  const name = factory.replace(/\(\)$/, '');
  const as =
    call === 'error'
      ? 'an error middleware (with an error, a request, a response and next)'
      : 'a middleware (with a request, a response and next)';
  return `it was called as ${as}, but it makes the middleware: call it, \`${usage}\`, not \`app.use(${name})\``;
}

/**
 * How Express would call a middleware: `(req, res, next)` (a request first, or a
 * response before a `next` function), `(err, req, res, next)`, or not so.
 */
export function middlewareCall(args: readonly unknown[]): 'request' | 'error' | undefined {
  try {
    if (isRequestLike(args[0])) return 'request';
    const count = args.length;
    if (
      (count === 3 || count === 4) &&
      isResponseLike(args[count - 2]) &&
      typeof args[count - 1] === 'function'
    ) {
      return count === 4 ? 'error' : 'request';
    }
    return undefined;
  } catch {
    return undefined; // options whose getters throw: theirs to report
  }
}

/** An `http.IncomingMessage` or an object shaped as one (a test double). */
function isRequestLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { method, url, headers, on } = value as Record<string, unknown>;
  return (
    typeof method === 'string' &&
    typeof url === 'string' &&
    typeof headers === 'object' &&
    headers !== null &&
    typeof on === 'function'
  );
}

/** An `http.ServerResponse` or an object shaped as one. */
function isResponseLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { setHeader, writeHead, end } = value as Record<string, unknown>;
  return (
    typeof setHeader === 'function' && typeof writeHead === 'function' && typeof end === 'function'
  );
}

/**
 * A logger, `false` to log nothing, or `undefined` for the default: it must
 * have each level method of `levels`, those the factory calls, so that no
 * line is lost later to a method it lacks.
 */
export function parseLogger(
  factory: string,
  value: Logger | false | undefined,
  levels: readonly Exclude<LogLevel, 'silent'>[],
): Logger | false | undefined {
  if (value === undefined || value === false) return value;
  for (const level of levels) {
    if (typeof (value as Partial<Logger> | null)?.[level] !== 'function') {
      throw optionError(
        factory,
        'ERR_EAE_OPTION_TYPE',
        `\`logger\` must be a pino logger (or have pino's level methods), or false; it has no \`${level}()\``,
      );
    }
  }
  return value;
}

/** An optional function: `undefined`, or a function. */
export function parseFunction<F>(
  factory: string,
  option: string,
  value: F | undefined,
): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must be a function, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** An optional boolean, `fallback` when not given. */
export function parseBoolean(
  factory: string,
  option: string,
  value: boolean | undefined,
  fallback: boolean,
): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must be a boolean, got ${describeValue(value)}`,
    );
  }
  return value ?? fallback;
}

export interface WholeNumberRange {
  readonly min: number;
  /** Defaults to `Number.MAX_SAFE_INTEGER`, written "`min` or more". */
  readonly max?: number;
  /** What is counted, e.g. `milliseconds`: "a whole number of milliseconds". */
  readonly unit?: string;
  /** Said after the option, to tell which one it is, e.g. ` (ORDER_NOT_FOUND)` for a catalog entry's. */
  readonly label?: string;
}

/**
 * A whole number from `min` to `max`: `ERR_EAE_OPTION_MISSING` when
 * `undefined` (apply a default before), `ERR_EAE_OPTION_TYPE` for a value
 * that is no number, `ERR_EAE_OPTION_RANGE` for a number that is not a
 * whole number in range.
 */
export function parseWholeNumber(
  factory: string,
  option: string,
  value: unknown,
  { min, max = Number.MAX_SAFE_INTEGER, unit, label = '' }: WholeNumberRange,
): number {
  // The usual case first and without building a message: the error classes check `status` so.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) {
    return value;
  }
  const wanted = `a whole number${unit === undefined ? '' : ` of ${unit}`}${
    max === Number.MAX_SAFE_INTEGER
      ? `, ${formatNumber(min)} or more`
      : ` from ${formatNumber(min)} to ${formatNumber(max)}`
  }`;
  if (value === undefined) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_MISSING',
      `\`${option}\`${label} is required: ${wanted}`,
    );
  }
  throw optionError(
    factory,
    typeof value === 'number' ? 'ERR_EAE_OPTION_RANGE' : 'ERR_EAE_OPTION_TYPE',
    `\`${option}\`${label} must be ${wanted}, got ${describeValue(value)}`,
  );
}

/** `1000000000` → `1,000,000,000`, so that a range in a message reads at a glance. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * Runs a check shared with other callers, such as a header formatter, which
 * names the option but not the factory, and returns its result; what it
 * throws becomes an option error of `factory` (see `asOptionError`).
 */
export function parseWith<T>(factory: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw asOptionError(factory, error);
  }
}

/**
 * A `TypeError` or `RangeError` without a code, as the header formatters
 * throw, as an option error of `factory` with the same message: coded
 * `ERR_EAE_OPTION_RANGE` if it was a `RangeError`, else
 * `ERR_EAE_OPTION_TYPE`. Anything else (an error that has a code already,
 * or any other error) is returned as it is.
 */
export function asOptionError(factory: string, error: unknown): unknown {
  if (!(error instanceof TypeError || error instanceof RangeError) || 'code' in error) {
    return error;
  }
  return optionError(
    factory,
    error instanceof RangeError ? 'ERR_EAE_OPTION_RANGE' : 'ERR_EAE_OPTION_TYPE',
    error.message,
  );
}

/**
 * An optional absolute http, https, urn or tag URI without a fragment, such as the page a problem
 * `type` points into (RFC 9457 §3.1.1 prefers absolute URIs; the fragment is
 * each code's anchor). Returned as given.
 */
export function parseBaseUri(factory: string, option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isAbsoluteUri(value) || value.includes('#')) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must be an absolute URI without a fragment, such as "https://api.example.com/docs/errors", got ${describeValue(value)}`,
    );
  }
  if (!TYPE_URI_SCHEMES.test(value)) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must be an http, https, urn or tag URI, such as "https://api.example.com/docs/errors", got ${describeValue(value)}`,
    );
  }
  return value;
}

// RFC 3986 §4.3 and §2: scheme ":" hier-part, of the characters a URI may hold (unreserved,
// reserved, percent-encodings); no space, quote, angle bracket, brace, backslash or control.
const ABSOLUTE_URI =
  /^[a-z][a-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/i;

/**
 * The schemes a problem type URI may have: RFC 9457 §3.1.1 asks for one a
 * client can resolve to documentation (http, https), or a tag (RFC 4151) or
 * URN that names it; a `javascript:` or `data:` one would be a link to run.
 */
const TYPE_URI_SCHEMES = /^(?:https?|urn|tag):/i;

function isAbsoluteUri(value: string): boolean {
  if (!ABSOLUTE_URI.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
