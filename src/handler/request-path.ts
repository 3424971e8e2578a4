import type { Request } from 'express';

/** The path of the request, without its query (which may hold secrets): the problem's `instance`. */
export function pathOf(req: Request): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}
