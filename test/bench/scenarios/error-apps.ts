/**
 * The apps of the error-path scenarios. Every app answers `GET /items/:id`;
 * those that fail do so with the same 404 and message, so that only the
 * way the error is made, answered and logged differs.
 */
import express, { type ErrorRequestHandler, type Express } from 'express';
import createError from 'http-errors';
import { pino } from 'pino';
import type { ErrorHandlerOptions } from '../../../src/index.js';
import { loadBuild } from '../library.js';

const { NotFoundError, errorHandler } = loadBuild();

const ROUTE = '/items/:id';

export type MakeError = (id: string | undefined) => Error;

const missing = (id: string | undefined): string => `Item ${id} does not exist.`;
export const notFoundError: MakeError = (id) => new NotFoundError(missing(id));
export const httpError: MakeError = (id) => createError(404, missing(id));

/**
 * A real pino logger writing to /dev/null: serialising and writing each line
 * is part of the cost. Synchronous by default, like Express's own
 * `console.error`, so that every variant writes its line the same way;
 * `sync: false` is pino's asynchronous destination (writes through libuv's
 * thread pool), measured as a variant of its own.
 */
export function devNullLogger({ sync = true } = {}): pino.Logger {
  return pino(pino.destination({ dest: '/dev/null', sync }));
}

/** Express answering 200 with a small JSON body: no error, no logging. */
export function bareExpress(): Express {
  const app = express();
  app.get(ROUTE, (req, res) => {
    res.json({ id: req.params.id });
  });
  return app;
}

function failing(makeError: MakeError): Express {
  const app = express();
  app.get(ROUTE, (req) => {
    throw makeError(req.params.id);
  });
  return app;
}

/**
 * Our `errorHandler`, logging to /dev/null unless `options` says otherwise.
 * With `defer`, it is called in `setImmediate`, which is when Express's final
 * handler writes its response (on-finished defers it): a diagnostic only.
 */
export function ours(
  makeError: MakeError = notFoundError,
  options: ErrorHandlerOptions = {},
  { defer = false, syncLog = true } = {},
): Express {
  const app = failing(makeError);
  const handler = errorHandler({ logger: devNullLogger({ sync: syncLog }), ...options });
  if (defer) {
    const deferred: ErrorRequestHandler = (err, req, res, next) => {
      setImmediate(handler, err, req, res, next);
    };
    app.use(deferred);
  } else {
    app.use(handler);
  }
  return app;
}

/**
 * No error middleware: Express's final handler answers, and Express logs the
 * error with `console.error(err)` (outside `NODE_ENV=test`); `log: false`
 * silences that by replacing `console.error` in this server process.
 */
export function expressDefault({ log = true } = {}): Express {
  if (!log) console.error = () => {};
  return failing(httpError);
}

/** A minimal JSON error middleware, logging one pino line to /dev/null unless `log` is false. */
export function handWritten({ log = true, syncLog = true } = {}): Express {
  const logger = devNullLogger({ sync: syncLog });
  const app = failing(httpError);
  const handler: ErrorRequestHandler = (err, req, res, _next) => {
    const status: number = err.status ?? 500;
    if (log) {
      logger[status >= 500 ? 'error' : 'warn'](
        { err, method: req.method, url: req.originalUrl, status },
        'request failed',
      );
    }
    res.status(status).json({ error: err.message });
  };
  app.use(handler);
  return app;
}
