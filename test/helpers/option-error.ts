import type { OptionErrorCode } from '../../src/options/option-error.js';

/** What `run` throws; fails the test when it throws nothing. */
export function thrownBy(run: () => unknown): Error & { code?: unknown } {
  try {
    run();
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected a throw, but nothing was thrown');
}

/**
 * Asserts that `run` throws the option error `code`: a RangeError for
 * `ERR_EAE_OPTION_RANGE`, else a TypeError, with exactly `message` (or a
 * message matching it).
 */
export function expectOptionError(
  run: () => unknown,
  code: OptionErrorCode,
  message: string | RegExp,
): void {
  const error = thrownBy(run);
  expect(error).toBeInstanceOf(code === 'ERR_EAE_OPTION_RANGE' ? RangeError : TypeError);
  expect({ code: error.code, message: error.message }).toEqual({
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}
