import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { InternalServerError } from '../errors/error-classes.js';
import { MAX_TEXT, truncate } from '../logging/log-bounds.js';
import { logOnce } from './log-error.js';
import type { Configuration } from './options.js';
import { dropAbandonedHeaders } from './replaced-headers.js';
import { pathOf } from './request-target.js';
import { resolveRequestId } from './request-id.js';
import { recordError } from './response-error.js';
import { addVary } from '../headers/vary.js';
import { chooseMediaType, PROBLEM_JSON, setStatus } from './send-problem.js';
import { cutShort } from '../responses/cut-short.js';
import { describeOnActiveSpan } from '../observability/open-telemetry.js';

/** How far the handler got with a request, for the last resort to carry on from. */
export interface Progress {
  requestId: string | undefined;
  /** Whether the request's one line was logged. */
  logged: boolean;
}

/** A request the handler failed to answer. */
export interface Failure {
  readonly thrown: unknown;
  /** What broke the handler. */
  readonly failure: unknown;
  readonly req: Request;
  readonly res: Response;
  readonly config: Configuration;
  readonly progress: Progress;
}

const CODE = 'INTERNAL_SERVER_ERROR';

/**
 * If handling itself failed (a `problemType` that throws, a broken response
 * object), still answer: a fixed 500 problem with the handler's usual
 * headers, logged as the 500 it is. Never throws; destroys the socket as a
 * last measure.
 */
export function lastResort(failed: Failure): void {
  const { res } = failed;
  try {
    if (res.headersSent) {
      // Logged as the 500 it is, as the handler logs the status of the error, not the one sent.
      log(failed, 500);
      cutShort(res);
      return;
    }
    sendFallback(failed);
    // The span said what the handler meant to send: it is the 500 now (the sub-code and
    // refusal attributes it may have set cannot be taken back; the status and code say what was sent).
    describeOnActiveSpan(500, CODE, undefined, false);
    log(failed, 500);
    process.emitWarning(
      `express-api-errors: the error handler failed: ${describe(failed.failure)}`,
      { code: 'EXPRESS_API_ERRORS_HANDLER_FAILED' },
    );
  } catch {
    res.destroy?.();
  }
}

function sendFallback(failed: Failure): void {
  const { req, res, config } = failed;
  const requestId = config.requestIdHeader === false ? undefined : requestIdOf(failed);
  // Whatever was set before may be what broke the response: all of it goes.
  dropAbandonedHeaders(res, res.getHeaderNames());
  setStatus(req, res, 500);
  const body = JSON.stringify({
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'The server hit an unexpected error.',
    instance: attempt(() => pathOf(req)),
    code: CODE,
    requestId,
  });
  res.setHeader('Content-Type', attempt(() => chooseMediaType(req)) ?? PROBLEM_JSON);
  attempt(() => addVary(res, 'Accept'));
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (config.requestIdHeader !== false && requestId !== undefined) {
    res.setHeader(config.requestIdHeader, requestId);
  }
  res.end(body);
}

/** The request id the handler had settled on, else one resolved now, else a new one. */
function requestIdOf({ req, res, config, progress }: Failure): string {
  return (
    progress.requestId ??
    attempt(() => resolveRequestId(req, res, config.requestIdHeader, config.requestIdHeaderKey)) ??
    randomUUID()
  );
}

function log(failed: Failure, status: number): void {
  const { req, res, config, progress, thrown, failure } = failed;
  const error = new InternalServerError(undefined, { cause: thrown });
  recordError(res, error, thrown, status, config.logger !== false);
  logOnce(
    req,
    error,
    config,
    {
      status,
      code: CODE,
      requestId: progress.requestId,
      thrown,
      handlerFailure: describe(failure),
    },
    progress,
  );
}

/** `fn()`, or `undefined` if it throws. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** What broke the handler, within the bounds of a log line (also for the process warning). */
function describe(failure: unknown): string {
  return truncate(attempt(() => String(failure)) ?? '[unprintable]', MAX_TEXT);
}
