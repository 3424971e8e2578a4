import express, { type Express, type RequestHandler, type Response } from 'express';
import { errorHandler, type ErrorHandlerOptions } from '../../src/index.js';

/**
 * An app whose `GET /throw` throws `makeError()`, with `errorHandler`
 * mounted last. Under the `express4` jest project, `express` is Express 4.
 */
export function appThrowing(
  makeError: () => unknown,
  options: ErrorHandlerOptions = { logger: false },
): Express {
  return createApp((app) => {
    app.all('/throw', (_req, _res, next) => {
      // Passed to next() rather than thrown, so that Express 4 (which does not
      // catch async errors) and Express 5 take the same path.
      try {
        next(makeError());
      } catch (error) {
        next(error);
      }
    });
  }, options);
}

/** An app with the routes `mount` adds, then `errorHandler(options)`. */
export function createApp(
  mount: (app: Express) => void,
  options: ErrorHandlerOptions = { logger: false },
  before: RequestHandler[] = [],
): Express {
  const app = express();
  for (const middleware of before) app.use(middleware);
  mount(app);
  app.use(errorHandler(options));
  return app;
}

/**
 * An app whose `GET /throw` first lets `prepare` set up the response (headers,
 * status message) the way a handler would before failing, then passes
 * `makeError()` to `next()`.
 */
export function appFailingAfter(
  prepare: (res: Response) => void,
  makeError: () => unknown,
  options: ErrorHandlerOptions = { logger: false },
): Express {
  return createApp((app) => {
    app.all('/throw', (_req, res, next) => {
      prepare(res);
      next(makeError());
    });
  }, options);
}
