import type { RequestHandler } from 'express';
import { NotFoundError } from '../errors/error-classes.js';
import { checkNoMoreArguments, checkNotCalledAsMiddleware } from '../options/parse.js';

/**
 * Mount after every route: a request no route answered becomes a 404
 * problem response. It takes no options: its answer is the catalog's 404,
 * whose detail `errorHandler` writes.
 */
export function notFound(...extra: never[]): RequestHandler {
  checkNotCalledAsMiddleware('notFound()', extra, 'app.use(notFound())');
  checkNoMoreArguments('notFound()', extra, "no options (its answer is the catalog's 404)");
  return function notFoundHandler(_req, _res, next) {
    next(new NotFoundError());
  };
}
