import { createHash } from 'node:crypto';

/**
 * The default payload fingerprint: a SHA-256 of the method, the route and
 * the body in a canonical form (object keys sorted at every depth, so that
 * `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request). A body parsed
 * to a string or a Buffer (express.text, express.raw) is hashed as it is;
 * with no body parser before the lock, only method and route count.
 */
export function defaultFingerprint(method: string, route: string, body: unknown): string {
  const hash = createHash('sha256');
  hash.update(method).update('\n').update(route).update('\n');
  if (Buffer.isBuffer(body)) hash.update('b').update(body);
  else if (typeof body === 'string') hash.update('s').update(body);
  else hash.update('j').update(canonicalJson(body));
  return hash.digest('base64url');
}

/** JSON with object keys in sorted order; `undefined` (no body) as `null`. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  // A value with its own JSON form (a Date, a Decimal) is written as JSON writes it.
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return sortKeys(json.call(value));
  // No prototype, so that a `__proto__` member is a member like any other.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
