import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { InternalServerError } from '../errors/error-classes.js';
import { MAX_TEXT, truncate } from '../logging/log-bounds.js';
import { logOnce, sentOf, type Sent } from './log-error.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import type { Configuration } from './options.js';
import { lingerIfClosed } from './lingering-close.js';
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
 * headers, logged as the 500 it is. Never throws. Whatever happens to the
 * answer, the failure is reported, once: the log line, the error channel and
 * a process warning. If even the 500 cannot be sent (a `writeHead` or `end`
 * hooked by a middleware that throws), the connection is closed, and the
 * line's `handlerFailure` says that sending it failed too.
 */
export function lastResort(failed: Failure): void {
  try {
    answer(failed);
  } catch {
    // A response so broken that even reading it throws: nothing more can be sent.
    close(failed.res);
  }
  attempt(() =>
    process.emitWarning(
      `express-api-errors: the error handler failed: ${describe(failed.failure)}`,
      { code: 'EXPRESS_API_ERRORS_HANDLER_FAILED' },
    ),
  );
}

/** Sends the 500 if it still can, and reports it in any case; closes the connection if it cannot. */
function answer(failed: Failure): void {
  const { res } = failed;
  const entry = attempt(() => failed.config.catalog.entryFor(500)) ?? FIXED;
  const code = attempt(() => String(entry.name)) ?? FIXED.name;
  if (res.headersSent) {
    // As the handler reports an error after the headers: under the status they carried.
    attempt(() => report(failed, code, sentOf(res)));
    close(res);
    return;
  }
  const sendFailure = failureOf(() => sendFallback(failed, entry));
  // Reported after the attempt, so that the line states what was sent: the
  // 500, or (it failed) what went out of it, if anything did.
  const sent = sendFailure !== undefined && res.headersSent ? sentOf(res) : undefined;
  attempt(() => report(failed, code, sent, sendFailure));
  if (sendFailure !== undefined) close(res);
}

/** Ends a response that cannot be answered (see `cutShort`); destroys it if even that throws. */
function close(res: Response): void {
  if (attempt(() => (cutShort(res), true)) === undefined) attempt(() => res.destroy?.());
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
  attempt(() => lingerIfClosed(req, res));
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
 * Reports the 500 sent (or meant, when sending it failed), under the code it was sent with: on the span (which
 * the handler may have described as the answer it meant to send: the status
 * and code now say what was sent; a sub-code or refusal attribute cannot be
 * taken back), the error channel and the log.
 */
function report(failed: Failure, code: string, sent?: Sent, sendFailure?: Thrown): void {
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
  // Each step under guard: the response may be what broke, and the line must still be written.
  attempt(() => describeSpan(observed));
  attempt(() => publishError(observed, progress));
  attempt(() => recordError(res, error, thrown, status, code, config));
  logOnce(
    req,
    error,
    config,
    {
      status,
      code,
      requestId: progress.requestId,
      thrown,
      handlerFailure: describeFailures(failure, sendFailure),
      sent,
    },
    progress,
  );
}

/** What a call threw (boxed: `undefined` can be thrown). */
interface Thrown {
  readonly thrown: unknown;
}

/** What `fn()` threw, or `undefined` if it returned. */
function failureOf(fn: () => void): Thrown | undefined {
  try {
    fn();
    return undefined;
  } catch (thrown) {
    return { thrown };
  }
}

/** `fn()`, or `undefined` if it throws. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/**
 * What broke the handler, and what broke the 500 after it if that failed
 * too (said once if it is the same again), for the line's `handlerFailure`.
 */
function describeFailures(failure: unknown, sendFailure: Thrown | undefined): string {
  const first = describe(failure);
  if (sendFailure === undefined) return first;
  const second = describe(sendFailure.thrown);
  return second === first
    ? `${first} (sending the 500 failed the same way)`
    : `${first}; sending the 500 failed too: ${second}`;
}

/** What broke the handler, within the bounds of a log line (also for the process warning). */
function describe(failure: unknown): string {
  return truncate(attempt(() => String(failure)) ?? '[unprintable]', MAX_TEXT);
}
