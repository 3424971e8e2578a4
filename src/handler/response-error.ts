import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors/api-error.js';
import { loggedError } from './log-error.js';
import { summarizeError } from './summarize-error.js';

// Symbol.for, not Symbol: the ESM and CJS builds of this package, both loaded
// in one app, must agree on it.
const ANSWERED = Symbol.for('express-api-errors.answered-error');

type MarkedResponse = ServerResponse & { [ANSWERED]?: true };

/**
 * Tells request loggers what failed, the way pino-http reads it: `res.err`,
 * which its completion line logs (without it, pino-http makes up
 * `failed with status code 500` for a 5xx). A safe copy, as the handler's own
 * line logs it: what was thrown, with its stack for a 5xx only. Made when
 * first read, so that nothing is built (no stack formatted) when no logger
 * reads it; assigning `res.err` replaces it. The response is also marked as
 * answered by `errorHandler`, for `pinoHttpOptions()`. Never throws: this
 * only helps loggers.
 */
export function recordError(
  res: ServerResponse,
  error: ApiError,
  thrown: unknown,
  status: number,
): void {
  try {
    let summary: Error | undefined;
    Object.defineProperty(res, 'err', {
      configurable: true,
      enumerable: true,
      get: () => (summary ??= summarizeError(loggedError(error, thrown), status >= 500)),
      set: (value: unknown) => {
        Object.defineProperty(res, 'err', {
          value,
          writable: true,
          configurable: true,
          enumerable: true,
        });
      },
    });
    (res as MarkedResponse)[ANSWERED] = true;
  } catch {
    // A response object that refuses properties: loggers go without.
  }
}

/** Whether `errorHandler` answered this response: logging its failure is then the handler's part. */
export function answeredByErrorHandler(res: ServerResponse): boolean {
  return (res as MarkedResponse)[ANSWERED] === true;
}
