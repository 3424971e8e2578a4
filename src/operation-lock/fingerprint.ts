import { createHash } from 'node:crypto';

/** The fingerprint of a request without a body (or with an empty JSON object). */
export const EMPTY_BODY = 'empty';

/**
 * The default payload fingerprint: a SHA-256 of the body in a canonical
 * form (object keys sorted at every depth, so that `{"a":1,"b":2}` and
 * `{"b":2,"a":1}` are the same request). The method and the route are part
 * of the lock key itself, so two requests compared here always share them.
 * A body parsed to a string or a Buffer (express.text, express.raw) is
 * hashed as it is; with no body parser before the lock, no body counts.
 */
export function defaultFingerprint(body: unknown): string {
  if (body === undefined || body === null || isEmptyObject(body)) return EMPTY_BODY;
  const hash = createHash('sha256');
  if (Buffer.isBuffer(body)) hash.update('b').update(body);
  else if (typeof body === 'string') hash.update('s').update(body);
  else hash.update('j').update(canonicalJson(body));
  return hash.digest('base64url');
}

/** `{}` as express.json() leaves it without a body (Express 4), or as a client sends it. */
function isEmptyObject(body: unknown): boolean {
  if (typeof body !== 'object' || Array.isArray(body)) return false;
  for (const key in body as object) if (Object.hasOwn(body as object, key)) return false;
  return Object.getPrototypeOf(body) === Object.prototype || Object.getPrototypeOf(body) === null;
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
