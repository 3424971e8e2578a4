import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Wraps an async route handler so that a rejection reaches `next()`.
 * Express 5 does this by itself; Express 4 would leave the request hanging.
 */
export function asyncHandler<Params extends Record<string, string> = Record<string, string>>(
  handler: (req: Request<Params>, res: Response, next: NextFunction) => Promise<unknown>,
): RequestHandler<Params> {
  return function asyncRoute(req, res, next) {
    handler(req, res, next).catch(next);
  };
}
