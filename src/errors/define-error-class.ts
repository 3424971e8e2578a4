import { ApiError, type ApiErrorOptions } from './api-error.js';

/** What a class's own options add to the error: headers and body members. */
export interface ImpliedParts {
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

type Options<Status extends number, Own extends object> = Own & ApiErrorOptions<Status>;

// Classes whose own options are all optional take `(detail?, options?)` or
// `(options)`; a class with a required option (405's `allow`) requires them.
type ConstructorArgs<Status extends number, Own extends object> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  {} extends Own
    ? [detail?: string, options?: Options<Status, Own>] | [options: Options<Status, Own>]
    : [detail: string | undefined, options: Options<Status, Own>] | [options: Options<Status, Own>];

/** A generated error class for one status, e.g. `NotFoundError`. */
export interface ApiErrorClass<Status extends number, Own extends object> {
  new (...args: ConstructorArgs<Status, Own>): ApiError<Status>;
  /** The status every instance has. */
  readonly status: Status;
  readonly prototype: ApiError<Status>;
}

/**
 * Makes the error class for one status. `imply` turns the class's own
 * options (e.g. `{ allow }`) into the headers and body members they imply;
 * headers given explicitly in `options.headers` win.
 */
export function defineErrorClass<Status extends number, Own extends object = object>(
  status: Status,
  className: string,
  imply?: (options: Partial<Own>) => ImpliedParts,
): ApiErrorClass<Status, Own> {
  class GeneratedError extends ApiError<Status> {
    static readonly status = status;

    constructor(
      detailOrOptions?: string | Options<Status, Own>,
      maybeOptions?: Options<Status, Own>,
    ) {
      const detail = typeof detailOrOptions === 'string' ? detailOrOptions : undefined;
      const options: Partial<Options<Status, Own>> =
        (typeof detailOrOptions === 'object' && detailOrOptions !== null
          ? detailOrOptions
          : maybeOptions) ?? {};
      const implied = imply?.(options) ?? {};
      super(status, detail, {
        ...options,
        headers: mergeHeaders(implied.headers, options.headers),
        extensions:
          implied.extensions || options.extensions
            ? { ...options.extensions, ...implied.extensions }
            : undefined,
      });
    }
  }
  Object.defineProperty(GeneratedError, 'name', { value: className });
  Object.defineProperty(GeneratedError.prototype, 'name', {
    value: className,
    writable: true,
    configurable: true,
  });
  return GeneratedError as unknown as ApiErrorClass<Status, Own>;
}

/** Header names are case-insensitive (RFC 9110 §5.1): an explicit header replaces an implied one of any case. */
function mergeHeaders(
  implied: Record<string, string> | undefined,
  explicit: Readonly<Record<string, string | number>> | undefined,
): Record<string, string | number> | undefined {
  if (!implied) return explicit;
  if (!explicit) return implied;
  const merged: Record<string, string | number> = { ...implied };
  for (const name of Object.keys(explicit)) {
    const lower = name.toLowerCase();
    for (const existing of Object.keys(merged)) {
      if (existing.toLowerCase() === lower) delete merged[existing];
    }
    merged[name] = explicit[name] as string | number;
  }
  return merged;
}
