import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

// A request id taken from the client is echoed in a header and in the body:
// only short, printable, space-free values are trusted.
const SAFE_ID = /^[\x21-\x7e]{1,200}$/;

/** `candidate` as a request id, if it is one this library trusts (a number, such as pino-http's counter, as text). */
function trusted(candidate: unknown): string | undefined {
  const id = typeof candidate === 'number' ? String(candidate) : candidate;
  return typeof id === 'string' && SAFE_ID.test(id) ? id : undefined;
}

/**
 * The id of this request: the one already on the response, pino-http's
 * `req.id`, the client's request header, or a new UUID, in that order.
 */
export function resolveRequestId(
  req: IncomingMessage,
  res: ServerResponse,
  header: string | false,
  headerKey: string | false,
): string {
  return (
    (header === false ? undefined : trusted(res.getHeader(header))) ??
    trusted((req as IncomingMessage & { id?: unknown }).id) ??
    (headerKey === false ? undefined : trusted(req.headers[headerKey])) ??
    randomUUID()
  );
}

/**
 * The id of a request that has none yet, for pino-http's `genReqId`: the one
 * already on the response, the client's header, or a new UUID, by the rules
 * above; set on the response, so that the handler finds it there.
 */
export function assignRequestId(
  req: IncomingMessage,
  res: ServerResponse,
  header: string,
  headerKey: string,
): string {
  const id = trusted(res.getHeader(header)) ?? trusted(req.headers[headerKey]) ?? randomUUID();
  res.setHeader(header, id);
  return id;
}
