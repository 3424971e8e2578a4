import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
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

/**
 * An app whose `GET /throw` sends its headers and part of a body, lets
 * `prepare` change the response, then passes an error to `next()`; an error
 * middleware after `errorHandler(options)` records (in `handedOn`) whatever
 * reaches it, and ends the response so that no request is left hanging.
 * `destroyed` spies on the response's `destroy`.
 */
export function appFailingMidStream(
  options: ErrorHandlerOptions,
  prepare: (res: Response) => void = () => undefined,
): { app: Express; handedOn: jest.Mock; destroyed: () => jest.SpyInstance | undefined } {
  const handedOn = jest.fn();
  let destroyed: jest.SpyInstance | undefined;
  const app = createApp((a) => {
    a.get('/throw', (_req, res, next) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
      prepare(res);
      destroyed = jest.spyOn(res, 'destroy');
      next(new Error('failed mid-stream'));
    });
  }, options);
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    handedOn(error);
    res.destroy();
  });
  return { app, handedOn, destroyed: () => destroyed };
}
