import { STATUS_CODES } from 'node:http';
import { codeName, type SubCodeOf } from '../catalog/catalog.js';
import { isSubCodeOf } from '../catalog/sub-code.js';
import { assertFieldValue, assertToken } from '../headers/field-value.js';
import { assertRetryAfterValue, isRetryAfterName } from '../headers/retry-after.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { asOptionError, parseWholeNumber } from '../options/parse.js';

/** Response headers an error carries, by field name. */
export type ErrorHeaders = Readonly<Record<string, string>>;

/** Options every error class takes. */
export interface ApiErrorOptions<Status extends number = number> {
  /** A sub-code of the error's status from the catalog, e.g. `'401.24'`. */
  subCode?: SubCodeOf<Status> | undefined;
  /** Extra response headers. They override the headers the error builds itself. */
  headers?: Readonly<Record<string, string | number>> | undefined;
  /** The error that caused this one; logged, never sent. */
  cause?: unknown;
  /** Whether `detail` may be sent to the client. Defaults to `true` below 500, `false` from 500. */
  expose?: boolean | undefined;
  /** Extension members for the problem body (RFC 9457 §3.2). They cannot replace standard members. */
  extensions?: Readonly<Record<string, unknown>> | undefined;
}

/** The headers of every error made without any: one frozen object, not one each. */
const NO_HEADERS: ErrorHeaders = Object.freeze({});

/**
 * The headers objects the constructor made and checked, so that one put in
 * their place afterwards is told apart. On globalThis under a registry-wide
 * symbol, like the brand, so that the ESM and CommonJS builds share it.
 */
const CHECKED = Symbol.for('express-api-errors.checkedHeaders');
const registry = globalThis as typeof globalThis & { [CHECKED]?: WeakSet<object> };
const CHECKED_HEADERS = (registry[CHECKED] ??= new WeakSet<object>());
CHECKED_HEADERS.add(NO_HEADERS);

type ErrorClass = abstract new (...args: never[]) => unknown;

/** The options every error class takes, in the order of `ApiErrorOptions`. */
export const API_ERROR_OPTION_NAMES = optionNames<ApiErrorOptions>()([
  'subCode',
  'headers',
  'cause',
  'expose',
  'extensions',
]);
const KNOWN_OPTIONS: ReadonlySet<string> = new Set(API_ERROR_OPTION_NAMES);

/** What to do instead of an option the error has not got; http-errors would copy it onto the error. */
export const OTHER_DATA_HINT =
  'put members for the client in `extensions` and data for the log in `cause`';

/** How an option error of an error class begins: `new NotFoundError(): `. */
export function errorFactory(target: ErrorClass): string {
  return `new ${target.name}()`;
}

/**
 * `T`, which a call does not infer `T` from: TypeScript 5.4's `NoInfer<T>`,
 * written so that TypeScript 5.0 to 5.3 read the published declarations too
 * (there `NoInfer` is an unknown name, TS2304). The indexed access waits for
 * `T` to be known, so inference passes it by.
 */
type NotInferredFrom<T> = [T][T extends unknown ? 0 : never];

/**
 * An HTTP error with everything needed to answer it: status, optional
 * sub-code, the headers it implies and the detail for the client.
 *
 * It has the shape of an `http-errors` error (`status`, `statusCode`,
 * `expose`, `headers`), so any Express error handler can answer it.
 *
 * Bad arguments throw an option error (see "Bad options" in the README)
 * that names the class: `new NotFoundError(): ...`. Option names are checked
 * when `ApiError` or a generated class is constructed itself; a subclass of
 * your own that passes its options on is trusted to pass only these.
 */
export class ApiError<Status extends number = number> extends Error {
  /** The HTTP status, 400 to 599. */
  readonly status: Status;
  /** The same as `status`, for code that reads `statusCode`. */
  readonly statusCode: Status;
  /** The catalog sub-code, e.g. `'401.24'`. */
  readonly subCode: SubCodeOf<Status> | undefined;
  /** The detail given at construction, if any. `message` falls back to the status phrase. */
  readonly detail: string | undefined;
  /** Whether `detail` may be sent to the client. */
  readonly expose: boolean;
  /** Response headers implied by this error, e.g. `WWW-Authenticate` or `Allow`. */
  readonly headers: ErrorHeaders;
  /** Extension members for the problem body. */
  readonly extensions: Readonly<Record<string, unknown>> | undefined;

  // Not inferred from: the status alone decides `Status`, so a sub-code of another status is an error.
  constructor(
    status: Status,
    detail?: string,
    options: ApiErrorOptions<NotInferredFrom<Status>> = {},
  ) {
    checkStatus(new.target, status);
    if (detail !== undefined && typeof detail !== 'string') {
      throw optionError(
        errorFactory(new.target),
        'ERR_EAE_OPTION_TYPE',
        `\`detail\` must be a string, got ${describeValue(detail)}`,
      );
    }
    if (new.target === ApiError) checkOptions(new.target, options, API_ERROR_OPTION_NAMES);
    // Pass `cause` only when there is one: deleting it afterwards would slow every instance down.
    super(
      detail ?? STATUS_CODES[status] ?? `HTTP ${status}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );

    this.status = status;
    this.statusCode = status;
    this.subCode = checkSubCode(new.target, status, options.subCode);
    this.detail = detail;
    this.expose = checkExpose(new.target, options.expose) ?? status < 500;
    this.headers =
      options.headers === undefined ? NO_HEADERS : checkHeaders(new.target, options.headers);
    this.extensions = checkExtensions(new.target, options.extensions);
  }

  /**
   * The catalog name of the error's sub-code, else of its status, e.g.
   * `TOKEN_EXPIRED`: the `code` its problem body carries. Read from the
   * catalog given to `errorHandler({ catalog })`, else the default one.
   */
  get code(): string {
    return codeName(this.status, this.subCode);
  }
}
Object.defineProperty(ApiError.prototype, 'name', {
  value: 'ApiError',
  writable: true,
  configurable: true,
});

// A registry-wide brand, so that errors made by the ESM build are recognised
// by the CommonJS build and the other way round (the dual-package hazard).
const BRAND = Symbol.for('express-api-errors.ApiError');
Object.defineProperty(ApiError.prototype, BRAND, { value: true });

function checkStatus(target: ErrorClass, status: number): void {
  if (Number.isInteger(status) && status >= 400 && status <= 599) return;
  parseWholeNumber(errorFactory(target), 'status', status, { min: 400, max: 599 }); // throws
}

/**
 * Refuses options that are not an object, or that hold a name `known` does
 * not list. A cheap loop over the keys: it runs on every construction, and
 * builds a message only for a name it refuses.
 */
export function checkOptions(
  target: ErrorClass,
  options: unknown,
  known: readonly string[],
  knownSet: ReadonlySet<string> = KNOWN_OPTIONS,
): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError(
      errorFactory(target),
      'ERR_EAE_OPTIONS',
      `options must be an object such as { subCode, headers, cause, expose, extensions }, got ${describeValue(options)}`,
    );
  }
  for (const name in options) {
    if (!knownSet.has(name) && Object.hasOwn(options, name)) {
      checkOptionNames(errorFactory(target), options, known, { hint: OTHER_DATA_HINT });
    }
  }
}

function checkSubCode<Status extends number>(
  target: ErrorClass,
  status: Status,
  subCode: SubCodeOf<Status> | undefined,
): SubCodeOf<Status> | undefined {
  if (subCode === undefined) return undefined;
  if (!isSubCodeOf(status, subCode)) {
    throw optionError(
      errorFactory(target),
      'ERR_EAE_OPTION_TYPE',
      `\`subCode\` ${describeValue(subCode)} does not belong to status ${status}: use "${status}.<n>"`,
    );
  }
  return subCode;
}

/**
 * Whether `headers` is an object an ApiError's constructor checked (in
 * either build): JavaScript lets code put another in its place afterwards.
 */
export function isCheckedHeaders(headers: unknown): boolean {
  return typeof headers === 'object' && headers !== null && CHECKED_HEADERS.has(headers);
}

function checkExpose(target: ErrorClass, expose: unknown): boolean | undefined {
  if (expose === undefined || typeof expose === 'boolean') return expose;
  throw optionError(
    errorFactory(target),
    'ERR_EAE_OPTION_TYPE',
    `\`expose\` must be a boolean, got ${describeValue(expose)}`,
  );
}

/** Validates header names and values now, so that a bad one fails at the throw site, not mid-response. */
function checkHeaders(
  target: ErrorClass,
  headers: NonNullable<ApiErrorOptions['headers']>,
): ErrorHeaders {
  const checked: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw optionError(
      errorFactory(target),
      'ERR_EAE_OPTION_TYPE',
      `\`headers\` must be an object of header names to values, got ${describeValue(headers)}`,
    );
  }
  try {
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      assertToken(name, 'A `headers` name');
      const text = typeof value === 'number' ? String(value) : value;
      checked[name] = assertFieldValue(text, `\`headers.${name}\``);
      if (isRetryAfterName(name)) assertRetryAfterValue(value, `\`headers.${name}\``);
    }
  } catch (error) {
    throw asOptionError(errorFactory(target), error);
  }
  CHECKED_HEADERS.add(Object.freeze(checked));
  return checked;
}

function checkExtensions(
  target: ErrorClass,
  extensions: ApiErrorOptions['extensions'],
): Readonly<Record<string, unknown>> | undefined {
  if (extensions === undefined) return undefined;
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    throw optionError(
      errorFactory(target),
      'ERR_EAE_OPTION_TYPE',
      `\`extensions\` must be an object of problem members, got ${describeValue(extensions)}`,
    );
  }
  return Object.freeze({ ...extensions });
}

/** Whether `value` is an `ApiError`, from this copy of the library or another one (ESM or CommonJS). */
export function isApiError(value: unknown): value is ApiError {
  return (
    value instanceof ApiError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true)
  );
}
