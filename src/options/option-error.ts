/**
 * The stable codes of the errors a factory throws for bad options, as
 * express-rate-limit's `ERR_ERL_*`: match on `error.code`, not on the text.
 */
export const OPTION_ERROR_CODES = {
  ERR_EAE_OPTIONS: 'The options are not an object.',
  ERR_EAE_UNKNOWN_OPTION: 'An option name the factory does not know (with the nearest valid one).',
  ERR_EAE_OPTION_TYPE: 'An option of the wrong type.',
  ERR_EAE_OPTION_RANGE: 'A number outside the range the option accepts.',
  ERR_EAE_OPTION_MISSING: 'A required option is missing.',
  ERR_EAE_OPTION_CONFLICT: 'Options that exclude each other were given together.',
  ERR_EAE_NOT_CALLED:
    'A factory mounted as the middleware it makes: `app.use(errorHandler)` for `app.use(errorHandler())`.',
} as const;

export type OptionErrorCode = keyof typeof OPTION_ERROR_CODES;

/** A bad option: a `TypeError`, or a `RangeError` for a number out of range, with a stable `code`. */
export interface OptionError extends Error {
  readonly code: OptionErrorCode;
}

/**
 * The error for a bad option of `factory`: its message starts with the
 * factory (`rateLimit(): `) and says what to change.
 */
export function optionError(factory: string, code: OptionErrorCode, message: string): OptionError {
  const Kind = code === 'ERR_EAE_OPTION_RANGE' ? RangeError : TypeError;
  const error = new Kind(`${factory}: ${message}`) as Error & { code: OptionErrorCode };
  error.code = code;
  return error;
}
