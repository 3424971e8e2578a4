import * as crypto from 'node:crypto';
import type { UploadedFile } from './uploaded-files.js';

/**
 * The fingerprint a request's key is kept with: a SHA-256 of its target
 * (its path as sent, without the query) and its payload, in base64url. The payload is
 * what the `fingerprint` option made of the request, if given, else the
 * body in a canonical form (object keys sorted at every depth, so that
 * `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request) and the files
 * uploaded with it (see `uploadedFiles`); a body parsed
 * to a string or a Buffer (express.text, express.raw) is hashed as it is,
 * and with no body parser before the lock, no body counts. The target is
 * always in it: the lock key holds the route's pattern (`/accounts/:id`),
 * so a key reused on `/accounts/2` after `/accounts/1` is another request
 * (422.10), not a retry to answer with account 1's response.
 *
 * Without files, the fingerprint is the one the body alone always gave, so
 * that the fingerprints stored before files counted still match.
 */
export function requestFingerprint(
  target: string,
  body: unknown,
  custom?: string,
  files: readonly UploadedFile[] = [],
): string {
  // Length-prefixed, so that no target and payload run into each other.
  const prefix = `${target.length}:${target}`;
  if (custom !== undefined) return digestOf(`${prefix}c${custom}`);
  // A raw body is fed as it is: joined to a string it would be copied, and decoded.
  if (files.length === 0 && !Buffer.isBuffer(body)) return digestOf(prefix + bodyText(body));
  const hash = crypto.createHash('sha256').update(prefix);
  if (files.length === 0) updateWithBody(hash, body);
  else {
    // The body's own digest, of fixed length, so that a text body cannot run into the files.
    const bodyHash = crypto.createHash('sha256');
    updateWithBody(bodyHash, body);
    hash.update('f').update(bodyHash.digest()).update(canonicalJson(files));
  }
  return hash.digest('base64url');
}

/**
 * The SHA-256 of `text` in base64url: in one call where Node has one
 * (`crypto.hash`, Node 20.12), a third of the CPU of a Hash object fed in
 * parts, and the same digest, the parts being the text's in order (each
 * follows an ASCII tag, so no surrogate pair is split between two parts).
 */
const digestOf: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'base64url')
    : (text) => crypto.createHash('sha256').update(text).digest('base64url');

/** The body as `updateWithBody` feeds it, tag first, for a body that is not a Buffer. */
function bodyText(body: unknown): string {
  if (body === undefined || body === null || isEmptyObject(body)) return 'e';
  if (typeof body === 'string') return `s${body}`;
  return `j${canonicalJson(body)}`;
}

/** Feeds `hash` the body, tagged with its kind: none, a Buffer, a string or JSON. */
function updateWithBody(hash: crypto.Hash, body: unknown): void {
  // The Buffer first: `isEmptyObject` would walk its every byte as a key (6 s for 16 MiB).
  if (Buffer.isBuffer(body)) hash.update('b').update(body);
  else hash.update(bodyText(body));
}

/** `{}` as express.json() leaves it without a body (Express 4), or as a client sends it. */
function isEmptyObject(body: unknown): boolean {
  if (typeof body !== 'object' || Array.isArray(body)) return false;
  for (const key in body as object) if (Object.hasOwn(body as object, key)) return false;
  return Object.getPrototypeOf(body) === Object.prototype || Object.getPrototypeOf(body) === null;
}

/** What an entry of `canonicalJson`'s work stack is. */
const enum Work {
  /** A value to write. */
  Value,
  /** Text to write as it is: punctuation, or a member's key and colon. */
  Text,
  /** The end of an array or object: its bracket, leaving the containers being written. */
  Close,
}

/**
 * JSON, as `JSON.stringify` writes it, with the keys of every object in
 * sorted order (of UTF-16 code units); `undefined` (no body) as `null`.
 * Written from a work stack rather than by recursion: a client may send a
 * body nested deeper than the call stack goes (express.json() accepts
 * 100 kB of `[`), and the fingerprint of a body the parser accepted must
 * not fail. Like `JSON.stringify`, it throws a TypeError for a cycle or a
 * BigInt, which a parsed body never holds.
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  const open = new Set<object>(); // the containers being written, to find a cycle
  // Two stacks side by side: what each entry is, and its value or text.
  const kinds: Work[] = [Work.Value];
  const items: unknown[] = [jsonValue(value, '') ?? null];
  while (kinds.length > 0) {
    const kind = kinds.pop()!;
    const item = items.pop();
    if (kind === Work.Text) {
      out += item as string;
    } else if (kind === Work.Close) {
      out += Array.isArray(item) ? ']' : '}';
      open.delete(item as object);
    } else if (typeof item !== 'object' || item === null) {
      out += JSON.stringify(item); // strings escaped, non-finite numbers as null, a BigInt refused
    } else {
      if (open.has(item)) throw new TypeError('Converting circular structure to JSON');
      open.add(item);
      kinds.push(Work.Close);
      items.push(item);
      out += Array.isArray(item) ? pushArray(item, kinds, items) : pushObject(item, kinds, items);
    }
  }
  return out;
}

/** Pushes an array's elements and commas, to be popped in order; answers its opening. */
function pushArray(array: readonly unknown[], kinds: Work[], items: unknown[]): string {
  for (let index = array.length - 1; index >= 0; index--) {
    kinds.push(Work.Value);
    items.push(jsonValue(array[index], index) ?? null);
    if (index > 0) {
      kinds.push(Work.Text);
      items.push(',');
    }
  }
  return '[';
}

/** Pushes an object's members, in sorted order of their keys, to be popped in order; answers its opening. */
function pushObject(object: object, kinds: Work[], items: unknown[]): string {
  const keys = Object.keys(object).sort();
  let last = true;
  for (let index = keys.length - 1; index >= 0; index--) {
    const key = keys[index]!;
    const member = jsonValue((object as Record<string, unknown>)[key], key);
    if (member === undefined) continue; // as JSON.stringify: no member for it
    if (!last) {
      kinds.push(Work.Text);
      items.push(',');
    }
    kinds.push(Work.Value, Work.Text);
    items.push(member, `${JSON.stringify(key)}:`);
    last = false;
  }
  return '{';
}

/**
 * A value as JSON writes it: through its `toJSON` (a Date's ISO string),
 * given its key as `JSON.stringify` gives it, and `undefined` for what JSON
 * leaves out (undefined, a function, a symbol).
 */
function jsonValue(value: unknown, key: string | number): unknown {
  let written = value;
  if (typeof value === 'object' && value !== null) {
    const toJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') written = toJson.call(value, String(key)) as unknown;
  }
  const type = typeof written;
  return type === 'undefined' || type === 'function' || type === 'symbol' ? undefined : written;
}
