import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { InternalServerError } from '../errors/error-classes.js';
import { MAX_TEXT, truncate } from '../logging/log-bounds.js';
import { logOnce, sentOf, type Sent } from './log-error.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import type { Configuration } from './options.js';
import { dropAbandonedHeaders } from './replaced-headers.js';
import { pathOf } from './request-target.js';
import { resolveRequestId } from './request-id.js';
import { recordError } from './response-error.js';
import { addVary } from '../headers/vary.js';
import { chooseMediaType, PROBLEM_JSON, setStatus } from './send-problem.js';
import { cutShort } from '../responses/cut-short.js';
import { describeSpan, publishError } from './observe.js';

/** How far the handler got with a request, for the last resort to carry on from. */
export interface Progress {
  requestId: string | undefined;
  /** Whether the request's one line was logged. */
  logged: boolean;
  /** Whether the error channel was told (see `publishError`). */
  published: boolean;
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

/** What the 500 says when even the catalog cannot be read. */
const FIXED = {
  title: 'Internal Server Error',
  description: 'The server hit an unexpected error. The problem is on our side.',
  name: 'INTERNAL_SERVER_ERROR',
};

/**
 * If handling itself failed (a `problemType` that throws, a broken response
 * object), still answer: a 500 problem, as the catalog writes it, with the handler's usual
 * headers, logged as the 500 it is. Never throws; destroys the socket as a
 * last measure.
 */
export function lastResort(failed: Failure): void {
  const { res } = failed;
  try {
    const entry = attempt(() => failed.config.catalog.entryFor(500)) ?? FIXED;
    const code = String(entry.name);
    if (res.headersSent) {
      // As the handler reports an error after the headers: under the status they carried.
      report(failed, code, sentOf(res));
      cutShort(res);
      return;
    }
    sendFallback(failed, entry);
    report(failed, code);
    process.emitWarning(
      `express-api-errors: the error handler failed: ${describe(failed.failure)}`,
      { code: 'EXPRESS_API_ERRORS_HANDLER_FAILED' },
    );
  } catch {
    res.destroy?.();
  }
}

/**
 * Sends the 500 as every other 500 is written: the catalog's entry for it
 * and its problem type, each read under guard (either may be what broke),
 * else fixed words.
 */
function sendFallback(failed: Failure, entry: CatalogEntry | typeof FIXED): void {
  const { req, res, config } = failed;
  const requestId = config.requestIdHeader === false ? undefined : requestIdOf(failed);
  // Whatever was set before may be what broke the response: all of it goes.
  dropAbandonedHeaders(res, res.getHeaderNames());
  setStatus(req, res, 500);
  const type =
    entry === FIXED ? undefined : attempt(() => config.problemType?.(entry as CatalogEntry));
  const body = JSON.stringify({
    type: typeof type === 'string' ? type : 'about:blank',
    title: String(entry.title),
    status: 500,
    detail: String(entry.description),
    instance: attempt(() => pathOf(req)),
    code: String(entry.name),
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

/**
 * Reports the 500 sent, under the code it was sent with: on the span (which
 * the handler may have described as the answer it meant to send: the status
 * and code now say what was sent; a sub-code or refusal attribute cannot be
 * taken back), the error channel and the log.
 */
function report(failed: Failure, code: string, sent?: Sent): void {
  const status = 500;
  const { req, res, config, progress, thrown, failure } = failed;
  const error = new InternalServerError(undefined, { cause: thrown });
  const observed = {
    thrown,
    error,
    status: sent?.status ?? status,
    subCode: undefined,
    code,
    req,
    res,
  };
  describeSpan(observed);
  publishError(observed, progress);
  recordError(res, error, thrown, status, code, config);
  logOnce(
    req,
    error,
    config,
    {
      status,
      code,
      requestId: progress.requestId,
      thrown,
      handlerFailure: describe(failure),
      sent,
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
