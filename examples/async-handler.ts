import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Wraps an async route handler so that a rejection reaches `next()`.
 * Express 5 does this by itself; on Express 4 the rejection would go
 * unhandled, which ends the whole process (Node 15 and later).
 */
export function asyncHandler<Params extends Record<string, string> = Record<string, string>>(
  handler: (req: Request<Params>, res: Response, next: NextFunction) => Promise<unknown>,
): RequestHandler<Params> {
  return function asyncRoute(req, res, next) {
    handler(req, res, next).catch(next);
  };
}
