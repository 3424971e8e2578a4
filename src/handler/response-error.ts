import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../errors/api-error.js';
import { loggedError } from './log-error.js';
import { summarizeError } from './summarize-error.js';

// Symbol.for, not Symbol: the ESM and CJS builds of this package, both loaded
// in one app, must agree on it.
const ANSWERED = Symbol.for('express-api-errors.answered-error');

type MarkedResponse = ServerResponse & { [ANSWERED]?: true };

/**
 * Tells a request logger what failed, the way pino-http reads it: `res.err`,
 * which its completion line logs (without it, pino-http makes up
 * `failed with status code 500` for a 5xx). A safe copy, as the handler's own
 * line logs it: what was thrown, with its stack for a 5xx only. Only when a
 * request logger is there (`req.log`, which pino-http sets): otherwise
 * nothing is built. A plain property, set by assignment: an accessor defined
 * on each response turned it into a slow dictionary object, which made the
 * whole error path four times dearer. The response is also marked as
 * answered by `errorHandler`, for `pinoHttpOptions()`. Never throws: this
 * only helps loggers.
 */
export function recordError(
  req: IncomingMessage,
  res: ServerResponse,
  error: ApiError,
  thrown: unknown,
  status: number,
): void {
  try {
    if ((req as IncomingMessage & { log?: unknown }).log === undefined) return;
    (res as ServerResponse & { err?: unknown }).err = summarizeError(
      loggedError(error, thrown),
      status >= 500,
    );
    (res as MarkedResponse)[ANSWERED] = true;
  } catch {
    // A response object that refuses properties: loggers go without.
  }
}

/** Whether `errorHandler` answered this response: logging its failure is then the handler's part. */
export function answeredByErrorHandler(res: ServerResponse): boolean {
  return (res as MarkedResponse)[ANSWERED] === true;
}
