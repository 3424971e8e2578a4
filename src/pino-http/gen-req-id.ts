import type { IncomingMessage, ServerResponse } from 'node:http';
import { assignRequestId } from '../handler/request-id.js';

/** pino-http's `genReqId`. */
export type GenReqId = (req: IncomingMessage, res: ServerResponse) => string;

/** A `genReqId` for the request id header `header` (a token, checked by the caller). */
export function requestIdGenerator(header: string): GenReqId {
  const headerKey = header.toLowerCase();
  return (req, res) => assignRequestId(req, res, header, headerKey);
}

/**
 * pino-http's `genReqId` for `X-Request-Id`: the client's id when it is
 * well-formed (the rules `errorHandler` applies: 1 to 200 visible ASCII
 * characters), else a new UUID, set on the response. pino-http makes it
 * `req.id`, so its lines, the handler's line, the header and the body agree.
 * For another header, see `pinoHttpOptions({ requestIdHeader })`.
 *
 * @example app.use(pinoHttp({ genReqId }))
 */
export const genReqId: GenReqId = requestIdGenerator('X-Request-Id');
