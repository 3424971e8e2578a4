import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from '../src/index.js';

/**
 * Mount with `.all()` after a resource's routes: any other method gets a 405
 * with the `Allow` header listing the methods the resource does support.
 */
export function allowOnly(allow: readonly string[]): RequestHandler {
  const methods = Object.freeze([...allow]);
  return function methodNotAllowed(req, _res, next) {
    next(
      new MethodNotAllowedError(`${req.method} is not supported on this resource.`, {
        allow: methods,
      }),
    );
  };
}
