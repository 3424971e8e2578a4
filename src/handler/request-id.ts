import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

// A request id taken from the client is echoed in a header and in the body:
// only short, printable, space-free values are trusted.
const SAFE_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * The id of this request: the one already on the response, pino-http's
 * `req.id`, the client's request header, or a new UUID, in that order.
 */
export function resolveRequestId(
  req: Request,
  res: Response,
  header: string | false,
  headerKey: string | false,
): string {
  const candidates: unknown[] = [
    header === false ? undefined : res.getHeader(header),
    (req as Request & { id?: unknown }).id,
    headerKey === false ? undefined : req.headers[headerKey],
  ];
  for (const candidate of candidates) {
    const id = typeof candidate === 'number' ? String(candidate) : candidate;
    if (typeof id === 'string' && SAFE_ID.test(id)) return id;
  }
  return randomUUID();
}
