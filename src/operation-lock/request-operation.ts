import type { Request } from 'express';
import { addressKey } from '../clients/client-key.js';
import { parseIdempotencyKey } from '../headers/idempotency-key.js';
import { describeValue } from '../options/describe-value.js';
import { requestFingerprint } from './fingerprint.js';
import { malformedKey, missingKey } from './lock-errors.js';
import type { OperationLockConfiguration } from './options.js';
import { uploadedFiles } from './uploaded-files.js';

/** A request's lock key (client, route and key) and the fingerprint of its payload. */
export interface Operation {
  readonly key: string;
  readonly client: string;
  readonly fingerprint: string;
}

/**
 * What a request asks the lock for: its lock key and the fingerprint of its
 * payload, or undefined when it has no key and none is required. Throws the
 * 400.10 of a required key that is missing, the 400.11 of a malformed one,
 * and a TypeError when the `key`, `client` or `fingerprint` option returns
 * what is not a string.
 */
export function requestOperation(
  req: Request,
  config: OperationLockConfiguration,
): Operation | undefined {
  const key = config.key ? checkString(config.key(req), 'key', true) : headerKey(req, config);
  if (key === undefined) {
    if (!config.required) return undefined;
    throw missingKey(config);
  }
  const route = routeOf(req);
  const client = config.client ? checkString(config.client(req), 'client') : defaultClient(req);
  const fingerprint = config.fingerprint
    ? requestFingerprint(
        pathAsSent(req),
        req.body,
        checkString(config.fingerprint(req), 'fingerprint'),
      )
    : requestFingerprint(pathAsSent(req), req.body, undefined, uploadedFiles(req));
  return { key: lockKey(client, route, key), client, fingerprint };
}

/** The key the request's header carries, as an RFC 8941 string; undefined without the header. */
function headerKey(req: Request, config: OperationLockConfiguration): string | undefined {
  const raw = req.headers[config.header];
  if (raw === undefined) return undefined;
  const field = parseIdempotencyKey(Array.isArray(raw) ? raw.join(', ') : raw, config.headerTitle);
  if (field.problem !== undefined) throw malformedKey(field.problem);
  return field.key;
}

/**
 * The lock key: the client, the route and the key, the first two
 * length-prefixed so that no two triples meet. The stores keep a long one
 * as its digest (see `storedKey`).
 */
function lockKey(client: string, route: string, key: string): string {
  return `${client.length}:${client}${route.length}:${route}${key}`;
}

/**
 * The method and the route: its path pattern when the lock is mounted on a
 * route, else the path, as Express's default routing matches it (see
 * `routedPath`), so `/API/orders/` is `/api/orders` here too. (Two resources
 * whose paths differ only so, `/users/Bob` and `/users/bob`, then share a
 * lock key; their fingerprints, which hold the path as sent, still tell
 * them apart.)
 */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  const path = pattern === undefined ? routedPath(req.path) : String(pattern);
  return `${req.method} ${routedPath(req.baseUrl)}${path}`;
}

/**
 * A path as Express's default routing matches it: whatever its case, and
 * with or without a trailing slash. The app's own settings are not read: a
 * Router mounted in it has its own, which the request does not tell. Where
 * routing heeds case, two paths that differ only so share a lock key, and
 * their fingerprints still tell them apart.
 */
function routedPath(path: string): string {
  const matched = path.toLowerCase();
  return matched.length > 1 && matched.endsWith('/') ? matched.slice(0, -1) : matched;
}

/**
 * The request's path as sent, without its query: a retry may sign its URL
 * anew (a timestamp, a signature), and is still the same request.
 */
function pathAsSent(req: Request): string {
  const url = req.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The client key `rateLimit()` uses by default: `req.ip` as Express reports it, IPv6 by /56. */
function defaultClient(req: Request): string {
  const address = req.app.get('trust proxy') ? req.ip : req.socket.remoteAddress;
  return addressKey(address ?? '', 56);
}

function checkString(value: unknown, option: string, optional?: boolean): string;
function checkString(value: unknown, option: string, optional: true): string | undefined;
function checkString(value: unknown, option: string, optional = false): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (optional && value === undefined) return undefined;
  if (option === 'client' && value === '') return value;
  throw new TypeError(
    `operationLock \`${option}\` must return a non-empty string${optional ? ' or undefined' : ''}, got ${describeValue(value)}`,
  );
}
