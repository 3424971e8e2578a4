import type { RequestHandler } from 'express';
import { NotFoundError } from '../errors/error-classes.js';

/** Mount after every route: a request no route answered becomes a 404 problem response. */
export function notFound(): RequestHandler {
  return function notFoundHandler(_req, _res, next) {
    next(new NotFoundError());
  };
}
