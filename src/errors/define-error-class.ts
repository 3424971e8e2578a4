import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames } from '../options/option-names.js';
import { asOptionError, checkOptionsObject, parseWholeNumber } from '../options/parse.js';
import {
  API_ERROR_OPTION_NAMES,
  ApiError,
  checkOptions,
  errorFactory,
  type ApiErrorOptions,
} from './api-error.js';

/** What a class's own options add to the error: headers and body members. */
export interface ImpliedParts {
  headers?: Record<string, string> | undefined;
  extensions?: Record<string, unknown> | undefined;
}

/**
 * Each own option of a class, and whether it is `'required'` or
 * `'optional'`: the compiler holds this to `Own`, so that no option is left
 * out and none is marked differently from its type.
 */
export type OwnOptionKinds<Own extends object> = {
  readonly [Name in keyof Own]-?: object extends Pick<Own, Name> ? 'optional' : 'required';
};

/** What a class has beyond its status and name: its own options and what they imply. */
export type ErrorClassParts<Own extends object> = {
  /**
   * Turns the class's own options (e.g. `{ allow }`) into the headers and
   * body members they imply. It runs at construction, after the options
   * were checked; a `TypeError` or `RangeError` it throws becomes an option
   * error of the class.
   */
  readonly imply?: ((options: Own) => ImpliedParts) | undefined;
} & ([keyof Own] extends [never]
  ? { readonly options?: Readonly<Record<string, never>> | undefined }
  : {
      /** Every own option: `{ allow: 'required' }`. Other names than these and `ApiError`'s are refused. */
      readonly options: OwnOptionKinds<Own>;
    });

type Options<Status extends number, Own extends object> = Own & ApiErrorOptions<Status>;

// Classes whose own options are all optional take `(detail?, options?)` or
// `(options)`; a class with a required option (405's `allow`) requires them.
// An optional element says `| undefined` because the constructor takes an
// undefined one as absent: under `exactOptionalPropertyTypes` a bare `detail?:
// string` would refuse `new NotFoundError(maybeDetail)`.
type ConstructorArgs<Status extends number, Own extends object> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  {} extends Own
    ? | [detail?: string | undefined, options?: Options<Status, Own> | undefined]
      | [options: Options<Status, Own>]
    : [detail: string | undefined, options: Options<Status, Own>] | [options: Options<Status, Own>];

/** A generated error class for one status, e.g. `NotFoundError`. */
export interface ApiErrorClass<Status extends number, Own extends object> {
  new (...args: ConstructorArgs<Status, Own>): ApiError<Status>;
  /** The status every instance has. */
  readonly status: Status;
  readonly prototype: ApiError<Status>;
}

const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Every option name of each generated class, `ApiError`'s first: what `createError()` checks against. */
const OPTION_NAMES = new WeakMap<object, readonly string[]>();

/** The option names a class made by `defineErrorClass` takes, or undefined for any other class. */
export function optionNamesOf(errorClass: object): readonly string[] | undefined {
  return OPTION_NAMES.get(errorClass);
}

/**
 * Makes the error class for one status. `parts.options` lists the class's
 * own options, `parts.imply` turns them into the headers and body members
 * they imply; headers given explicitly in `options.headers` win.
 */
export function defineErrorClass<Status extends number, Own extends object = object>(
  status: Status,
  className: string,
  ...[parts]: [keyof Own] extends [never]
    ? [parts?: ErrorClassParts<Own>]
    : [parts: ErrorClassParts<Own>]
): ApiErrorClass<Status, Own> {
  checkDefinition(status, className, parts);
  const kinds: Readonly<Record<string, string>> = parts?.options ?? {};
  const own = Object.keys(kinds);
  const required = own.filter((name) => kinds[name] === 'required');
  const names = Object.freeze([...API_ERROR_OPTION_NAMES, ...own]);
  const known: ReadonlySet<string> = new Set(names);
  const imply = parts?.imply as ((options: object) => ImpliedParts) | undefined;

  class GeneratedError extends ApiError<Status> {
    static readonly status = status;

    constructor(detailOrOptions?: unknown, maybeOptions?: unknown) {
      let detail = detailOrOptions;
      let given = maybeOptions;
      if (typeof detailOrOptions === 'object' && detailOrOptions !== null) {
        if (maybeOptions !== undefined) {
          throw optionError(
            errorFactory(new.target),
            'ERR_EAE_OPTIONS',
            'takes (detail?, options?) or (options), not two options objects',
          );
        }
        [detail, given] = [undefined, detailOrOptions];
      }
      if (given !== undefined && new.target === GeneratedError) {
        checkOptions(new.target, given, names, known);
      }
      const options = (given ?? NO_OPTIONS) as Partial<Options<Status, Own>>;
      for (const name of required) {
        if ((options as Record<string, unknown>)[name] === undefined) {
          throw optionError(
            errorFactory(new.target),
            'ERR_EAE_OPTION_MISSING',
            `\`${name}\` is required`,
          );
        }
      }
      let implied: ImpliedParts | undefined;
      try {
        implied = imply?.(options);
      } catch (error) {
        throw asOptionError(errorFactory(new.target), error);
      }
      // The base options one by one: a spread of the caller's object costs microseconds in V8.
      super(status, detail as string | undefined, {
        subCode: options.subCode,
        headers: mergeHeaders(implied?.headers, options.headers),
        cause: options.cause,
        expose: options.expose,
        extensions: mergeExtensions(implied?.extensions, options.extensions),
      });
    }
  }
  Object.defineProperty(GeneratedError, 'name', { value: className });
  Object.defineProperty(GeneratedError.prototype, 'name', {
    value: className,
    writable: true,
    configurable: true,
  });
  OPTION_NAMES.set(GeneratedError, names);
  return GeneratedError as unknown as ApiErrorClass<Status, Own>;
}

/** Header names are case-insensitive (RFC 9110 §5.1): an explicit header replaces an implied one of any case. */
function mergeHeaders(
  implied: Record<string, string> | undefined,
  explicit: Readonly<Record<string, string | number>> | undefined,
): Record<string, string | number> | undefined {
  if (explicit === undefined) return implied;
  // Not an object: left as it is, for ApiError to refuse by name.
  if (!implied || typeof explicit !== 'object' || explicit === null) return explicit;
  // Built without `delete`, which would turn the object into a slow dictionary.
  const names = Object.keys(explicit);
  const replaced = new Set(names.map((name) => name.toLowerCase()));
  const merged: Record<string, string | number> = {};
  for (const name in implied) {
    if (!replaced.has(name.toLowerCase())) merged[name] = implied[name]!;
  }
  for (const name of names) merged[name] = explicit[name] as string | number;
  return merged;
}

/** The caller's extension members with the implied ones over them. */
function mergeExtensions(
  implied: Record<string, unknown> | undefined,
  explicit: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> | undefined {
  if (implied === undefined) return explicit;
  if (explicit === undefined) return implied;
  // Not an object: left as it is, for ApiError to refuse by name.
  if (typeof explicit !== 'object' || explicit === null || Array.isArray(explicit)) return explicit;
  return { ...explicit, ...implied };
}

const DEFINE = 'defineErrorClass()';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Checks a definition when it is made, not at the first throw: the status,
 * the class name, and the parts (`options` with `'required'` or
 * `'optional'` for names of its own, `imply` a function).
 */
function checkDefinition(status: unknown, className: unknown, parts: unknown): void {
  parseWholeNumber(DEFINE, 'status', status, { min: 400, max: 599 });
  if (typeof className !== 'string' || !IDENTIFIER.test(className)) {
    throw optionError(
      DEFINE,
      'ERR_EAE_OPTION_TYPE',
      `\`className\` must be an identifier such as 'PaymentRequiredError', got ${describeValue(className)}`,
    );
  }
  if (parts === undefined) return;
  checkOptionsObject(DEFINE, parts, "{ options: { allow: 'required' }, imply }");
  checkOptionNames(DEFINE, parts, ['options', 'imply']);
  const { options, imply } = parts as { options?: unknown; imply?: unknown };
  if (imply !== undefined && typeof imply !== 'function') {
    throw optionError(
      DEFINE,
      'ERR_EAE_OPTION_TYPE',
      `\`imply\` must be a function of the options, got ${describeValue(imply)}`,
    );
  }
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError(
      DEFINE,
      'ERR_EAE_OPTION_TYPE',
      `\`options\` must be an object of option names to 'required' or 'optional', got ${describeValue(options)}`,
    );
  }
  for (const [name, kind] of Object.entries(options)) {
    if (kind !== 'required' && kind !== 'optional') {
      throw optionError(
        DEFINE,
        'ERR_EAE_OPTION_TYPE',
        `\`options.${name}\` must be 'required' or 'optional', got ${describeValue(kind)}`,
      );
    }
    if ((API_ERROR_OPTION_NAMES as readonly string[]).includes(name)) {
      throw optionError(
        DEFINE,
        'ERR_EAE_OPTION_CONFLICT',
        `\`options.${name}\` is an option every error class has already: give yours another name`,
      );
    }
  }
}
