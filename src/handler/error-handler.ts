import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { nameErrorsWith } from '../catalog/catalog.js';
import { loadOpenTelemetry } from '../observability/open-telemetry.js';
import { lastResort, type Progress } from './last-resort.js';
import { clientGone, logOnce, sentOf } from './log-error.js';
import { describeSpan, publishError } from './observe.js';
import { parseOptions, type Configuration, type ErrorHandlerOptions } from './options.js';
import { answerOf, buildProblem, findEntry, type Answer } from './problem.js';
import { CONTROLLED_HEADERS } from './replaced-headers.js';
import { pathOf } from './request-target.js';
import { resolveRequestId } from './request-id.js';
import { recordError } from './response-error.js';
import { sendProblem } from './send-problem.js';
import { applyStatusHeaderRule, hasField, saysClose, statusHeaderRule } from './status-headers.js';
import { toApiError } from './to-api-error.js';
import { cutShort } from '../responses/cut-short.js';
import { checkNotCalledAsMiddleware, middlewareCall, notCalledMessage } from '../options/parse.js';

/**
 * The error middleware: mount it last. Whatever was thrown or passed to
 * `next()`, it answers with the right status, headers and an RFC 9457
 * problem body, logs one line with the status it sent, and never throws.
 */
export function errorHandler<const Matched extends readonly unknown[] = []>(
  options?: ErrorHandlerOptions<Matched>,
  ...extra: never[]
): ErrorRequestHandler;
// Four parameters, as an error middleware has: mounted uncalled, `app.use(errorHandler)`, it is
// called by Express with the first error that reaches it, whatever was mounted before it (a
// notFound() included), and tells the slip. With fewer, Express would pass every error by it.
export function errorHandler(
  options?: ErrorHandlerOptions<readonly unknown[]>,
  second?: unknown,
  third?: unknown,
  fourth?: unknown,
  ...extra: unknown[]
): ErrorRequestHandler {
  // As many as were given: `(req, res, next)` is told from `(options)` by its count.
  const args = [options, second, third, fourth, ...extra].slice(0, arguments.length);
  if (middlewareCall(args) === 'error') {
    // The error goes on to Express's final handler, which answers it with its own status and
    // headers (a 429 its Retry-After), as it did before the slip was told; a TypeError in its
    // place would make every error a 500.
    warnNotCalled();
    (fourth as NextFunction)(options);
    return passedOn;
  }
  checkNotCalledAsMiddleware('errorHandler()', args, USAGE);
  const config = parseOptions(options);
  loadOpenTelemetry();
  // An error's `code` is then the name its answer carries (see nameErrorsWith).
  if (options?.catalog !== undefined) nameErrorsWith(config.catalog);
  return function apiErrorHandler(
    thrown: unknown,
    req: Request,
    res: Response,
    // Unused, but Express tells an error middleware by its four parameters.
    _next: NextFunction,
  ) {
    const progress: Progress = { requestId: undefined, logged: false, published: false };
    try {
      handle(thrown, req, res, config, progress);
    } catch (failure) {
      lastResort({ thrown, failure, req, res, config, progress });
    }
  };
}

const USAGE = 'app.use(errorHandler())';
let toldNotCalled = false;

/** Tells, once a process, that `errorHandler` was mounted uncalled (see `errorHandler`). */
function warnNotCalled(): void {
  if (toldNotCalled) return;
  toldNotCalled = true;
  process.emitWarning(`errorHandler(): ${notCalledMessage('errorHandler()', USAGE, 'error')}`, {
    code: 'ERR_EAE_NOT_CALLED',
  });
}

/** What the uncalled factory gives Express, which reads nothing it returns. */
const passedOn: ErrorRequestHandler = (error, _req, _res, next) => next(error);

function handle(
  thrown: unknown,
  req: Request,
  res: Response,
  config: Configuration,
  progress: Progress,
): void {
  const error = toApiError(thrown, config);
  const answer = answerOf(error);
  const entry = findEntry(answer, config);
  const requestId =
    config.requestIdHeader === false
      ? undefined
      : resolveRequestId(req, res, config.requestIdHeader, config.requestIdHeaderKey);
  progress.requestId = requestId;
  const context = {
    status: answer.status,
    subCode: answer.subCode,
    code: entry.name,
    requestId,
    thrown,
  };
  // Before the response ends: pino-http reads `res.err` when it finishes.
  recordError(res, error, thrown, answer.status, entry.name, config);

  if (res.headersSent) {
    // Too late to answer: the connection is closed, so that the client sees the response
    // cut short, as Express's final handler would close it. Not handed to that handler: it
    // would print the raw error, stack, secrets and all, to stderr (and a hostile one can
    // make it throw). What is reported is the status that went out, marked as failed.
    const sent = sentOf(res);
    const observed = { error, ...context, status: sent.status, req, res };
    describeSpan(observed);
    publishError(observed, progress);
    logOnce(req, error, config, { ...context, sent }, progress);
    cutShort(res);
    return;
  }
  const problem = buildProblem(answer, entry, config, {
    instance: pathOf(req),
    requestId,
    thrown,
  });
  // Node's own: false when the client sent `Connection: close` or spoke HTTP/1.0 without keep-alive;
  // and false when the app already said `close` (a graceful shutdown does): RFC 9112 §9.6, a sender
  // of close must close, so a status that sets `Connection` (426) keeps it.
  const keepAlive = res.shouldKeepAlive !== false && !saysClose(res.getHeader('Connection'));
  const headers = responseHeaders(answer, config, requestId, keepAlive, res);
  const { withoutRetryAfterDrops } = statusHeaderRule(answer.status);
  if (withoutRetryAfterDrops !== undefined && !hasField(headers, 'Retry-After')) {
    for (const name of withoutRetryAfterDrops) res.removeHeader(name);
  }
  const gone = clientGone(req, res);
  const observed = { error, ...context, req, res, clientGone: gone };
  describeSpan(observed);
  const droppedMembers = sendProblem(req, res, problem, headers);
  publishError(observed, progress);
  // Logged once answered, so that the line states what was sent.
  logOnce(req, error, config, { ...context, droppedMembers, clientGone: gone }, progress);
}

/**
 * The error's own headers, less those the handler controls (bar the one its
 * status defines), plus what its status requires (see status-headers.ts),
 * the sub-code and the request id. A challenge the route already set on the
 * response (passport's `Basic realm=…` before its 401) stands: the default
 * is for a 401 that has none.
 */
function responseHeaders(
  error: Answer,
  config: Configuration,
  requestId: string | undefined,
  keepAlive: boolean,
  res: Response,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const rule = statusHeaderRule(error.status);
  for (const name in error.headers) {
    const lower = name.toLowerCase();
    if (config.ownedHeaders.has(lower)) continue;
    if (CONTROLLED_HEADERS.has(lower) && lower !== rule.owns) continue;
    headers[name] = error.headers[name]!;
  }
  const challengeSet = rule.challenge !== undefined && res.hasHeader(rule.challenge);
  applyStatusHeaderRule(
    rule,
    headers,
    challengeSet ? undefined : config.defaultChallenge,
    keepAlive,
  );
  if (config.subCodeHeader !== false && error.subCode !== undefined) {
    headers[config.subCodeHeader] = error.subCode;
  }
  if (config.requestIdHeader !== false && requestId !== undefined) {
    headers[config.requestIdHeader] = requestId;
  }
  return headers;
}
