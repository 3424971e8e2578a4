import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { ApiError } from '../errors/api-error.js';
import { logError } from './log-error.js';
import { parseOptions, type Configuration, type ErrorHandlerOptions } from './options.js';
import { buildProblem, findEntry } from './problem.js';
import { resolveRequestId } from './request-id.js';
import { CONTROLLED_HEADERS } from './replaced-headers.js';
import { sendProblem, setStatus } from './send-problem.js';
import { toApiError } from './to-api-error.js';

/**
 * The error middleware: mount it last. Whatever was thrown or passed to
 * `next()`, it answers with the right status, headers and an RFC 9457
 * problem body, logs one line, and never throws.
 */
export function errorHandler(options?: ErrorHandlerOptions): ErrorRequestHandler {
  const config = parseOptions(options);
  return function apiErrorHandler(
    thrown: unknown,
    req: Request,
    res: Response,
    next: NextFunction,
  ) {
    try {
      handle(thrown, req, res, next, config);
    } catch (failure) {
      lastResort(req, res, next, thrown, failure);
    }
  };
}

function handle(
  thrown: unknown,
  req: Request,
  res: Response,
  next: NextFunction,
  config: Configuration,
): void {
  const error = toApiError(thrown, config);
  const entry = findEntry(error, config);
  const requestId =
    config.requestIdHeader === false
      ? undefined
      : resolveRequestId(req, res, config.requestIdHeader, config.requestIdHeaderKey);
  try {
    logError(req, error, config, { code: entry.name, requestId, thrown });
  } catch {
    // A failing logger must not change the answer.
  }

  if (res.headersSent) {
    // Too late to answer: Express's final handler closes the connection.
    next(thrown);
    return;
  }
  const problem = buildProblem(error, entry, config, {
    instance: pathOf(req),
    requestId,
    thrown,
  });
  sendProblem(req, res, problem, responseHeaders(error, config, requestId));
}

/**
 * The error's own headers, less those the handler controls, plus the
 * sub-code, request id and a 401's required challenge.
 */
function responseHeaders(
  error: ApiError,
  config: Configuration,
  requestId: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  let hasChallenge = false;
  for (const name in error.headers) {
    const lower = name.toLowerCase();
    if (CONTROLLED_HEADERS.has(lower) || config.ownedHeaders.has(lower)) continue;
    if (lower === 'www-authenticate') hasChallenge = true;
    headers[name] = error.headers[name]!;
  }
  // RFC 9110 §15.5.2: a 401 must carry at least one challenge.
  if (error.status === 401 && !hasChallenge) {
    headers['WWW-Authenticate'] = config.defaultChallenge;
  }
  if (config.subCodeHeader !== false && error.subCode !== undefined) {
    headers[config.subCodeHeader] = error.subCode;
  }
  if (config.requestIdHeader !== false && requestId !== undefined) {
    headers[config.requestIdHeader] = requestId;
  }
  return headers;
}

/** The path of the request, without its query (which may hold secrets): the problem's `instance`. */
function pathOf(req: Request): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

const FALLBACK_BODY = JSON.stringify({
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  detail: 'The server hit an unexpected error.',
  code: 'INTERNAL_SERVER_ERROR',
});

/** If handling itself failed (a logger that throws, a broken response object), still answer. */
function lastResort(
  req: Request,
  res: Response,
  next: NextFunction,
  thrown: unknown,
  failure: unknown,
): void {
  try {
    if (res.headersSent) {
      next(thrown);
      return;
    }
    // Whatever was set before may be what broke the response.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    setStatus(req, res, 500);
    res.setHeader('Content-Type', 'application/problem+json');
    res.setHeader('Content-Length', Buffer.byteLength(FALLBACK_BODY));
    res.end(FALLBACK_BODY);
    process.emitWarning(`express-api-errors: the error handler failed: ${String(failure)}`, {
      code: 'EXPRESS_API_ERRORS_HANDLER_FAILED',
    });
  } catch {
    res.destroy?.();
  }
}
