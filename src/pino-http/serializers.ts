import { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { isSecretName, redactAfterSemicolon, redactUrl } from '../handler/log-error.js';

/** A request as pino-http logs it (pino-std-serializers' fields). */
export interface SerializedRequest {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  query?: unknown;
  params?: unknown;
  headers?: unknown;
  remoteAddress?: unknown;
  remotePort?: unknown;
  [field: string]: unknown;
}

const REDACTED = '[Redacted]';
// qs, Express 4's query parser, nests 5 levels deep by default.
const MAX_QUERY_DEPTH = 5;

/**
 * The request as pino-http binds it to every line, with the same redaction
 * as the handler's own `url`: the userinfo of an absolute-form target
 * (`http://[Redacted]@host/…`) and the values of secret-looking query
 * parameters, in `url` and in the parsed `query`. Returns a copy: the request
 * is never changed. Given the request itself (pino-http's
 * `wrapSerializers: false`), serializes it with pino's standard serializer first.
 */
function req(request: SerializedRequest | IncomingMessage): SerializedRequest {
  const serialized: SerializedRequest =
    request instanceof IncomingMessage
      ? (pino.stdSerializers.req(request) as unknown as SerializedRequest)
      : request;
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const copy: SerializedRequest = { ...serialized };
  if (typeof serialized.url === 'string') copy.url = redactUrl(serialized.url);
  if ('query' in serialized) copy.query = redactQuery(serialized.query, 0);
  return copy;
}

/** The parsed query with the values of secret-looking names replaced; the same object when there are none. */
function redactQuery(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_QUERY_DEPTH) return REDACTED;
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(source)) {
    const item = source[name];
    const redacted = isSecretName(name)
      ? REDACTED
      : typeof item === 'string'
        ? (redactAfterSemicolon(item) ?? item)
        : redactQuery(item, depth + 1);
    if (redacted === item) continue;
    // A null prototype: a parameter named `__proto__` stays a plain member.
    copy ??= Array.isArray(source) ? [...source] : Object.assign(Object.create(null), source);
    copy![name] = redacted;
  }
  return copy ?? value;
}

/**
 * pino-http `serializers`: `req` redacts the URL and query that pino-http
 * binds to every line. Pass them with `redactPaths`, or use `pinoHttpOptions()`.
 *
 * @example app.use(pinoHttp({ serializers, redact: [...redactPaths] }))
 */
export const serializers: { readonly req: typeof req } = Object.freeze({ req });
