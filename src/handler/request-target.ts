import type { Request } from 'express';

// RFC 3986 §3: `scheme "://" authority`, or the `"//" authority` of a
// network-path reference (§4.2), which an origin-form target starting with
// `//` would be read as once it is a URI reference: in a log line, it is
// redacted as one (the safe side). An origin-form target itself has no
// authority (RFC 9112 §3.2.1): its path is all of it, and is kept so.
const AUTHORITY_PREFIX = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/[^/?#]*/;

/**
 * The path of a request target (RFC 9112 §3.2), without its query (which
 * may hold secrets) or fragment: the problem's `instance`. Never the scheme,
 * host or userinfo of the absolute form, and never a reference that a client
 * would read as naming a host: a path starting with `//` (origin-form
 * `//users/1`, whose first segment is empty, not an authority) is written
 * `/.//users/1`, which names that same path (RFC 3986 §5.2.4 removes the
 * dot segment; WHATWG URL writes such a path so too); `/` for an empty
 * path (RFC 9110 §4.2.3); `undefined` for the asterisk and authority forms,
 * which name no resource of the server's. A URI reference as RFC 9457 §3.1.5
 * wants it: what RFC 3986 §3.3 does not allow in a path is percent-encoded.
 */
export function pathOfTarget(target: string): string | undefined {
  let rest = target;
  if (!target.startsWith('/')) {
    const authority = AUTHORITY_PREFIX.exec(target);
    if (authority === null) return undefined;
    rest = target.slice(authority[0].length);
  }
  const end = rest.search(/[?#]/);
  const path = end === -1 ? rest : rest.slice(0, end);
  if (path === '') return '/';
  // Node takes characters no URI may hold (`{`, `|`, `"`, a `%` that escapes nothing;
  // RFC 3986 §2) in a target, and a checking client refuses them in `instance`: they are
  // percent-encoded, and so is `\`, which WHATWG URL parsers read as `/`, so that
  // `/\evil.example/x` would name a host. A path that starts with `//` would, as a
  // reference, name the host of its first segment (RFC 3986 §4.2): `/.` before it keeps
  // the path (§3.3) without the host, where dropping that segment or slashes would name
  // another resource (`///users` is not `/users`).
  const safe = NOT_IN_PATH.test(path) ? path.replace(NOT_IN_PATH_ALL, percentEncode) : path;
  return safe.startsWith('//') ? `/.${safe}` : safe;
}

// RFC 3986 §3.3: a path holds unreserved and sub-delims characters, `:`, `@`, `/` and
// percent-encodings (`%` and two hex digits).
const OUTSIDE_PATH = String.raw`[^\w\-.~!$&'()*+,;=:@/%]|%(?![0-9A-Fa-f]{2})`;
const NOT_IN_PATH = new RegExp(OUTSIDE_PATH);
// `u`: a character outside the BMP is one match, encoded whole.
const NOT_IN_PATH_ALL = new RegExp(OUTSIDE_PATH, 'gu');

/**
 * A character's percent-encoding, as UTF-8 (RFC 3986 §2.5). Node refuses a
 * target holding a byte above 0x7F, so other characters come from an app
 * that rewrote `req.url`.
 */
function percentEncode(character: string): string {
  try {
    return encodeURIComponent(character);
  } catch {
    // A lone surrogate: U+FFFD, as a UTF-8 decoder would read it.
    return '%EF%BF%BD';
  }
}

/** The request's `instance`: the path of the URL it came with. */
export function pathOf(req: Request): string | undefined {
  return pathOfTarget(req.originalUrl ?? req.url ?? '/');
}

/**
 * The target with the userinfo of its authority (`user:password@`, RFC 3986
 * §3.2.1) replaced by `[Redacted]@`, for logs.
 */
export function withoutUserinfo(target: string): string {
  const authority = AUTHORITY_PREFIX.exec(target)?.[0];
  if (authority !== undefined) {
    const at = authority.lastIndexOf('@');
    return at === -1 ? target : `${redactBefore(authority, at)}${target.slice(authority.length)}`;
  }
  // The authority form (RFC 9112 §3.2.3) has no userinfo; one sent anyway is hidden too.
  if (!target.startsWith('/')) {
    const at = target.lastIndexOf('@', target.search(/[/?#]|$/));
    if (at !== -1) return `[Redacted]${target.slice(at)}`;
  }
  return target;
}

function redactBefore(authority: string, at: number): string {
  const hostStart = authority.indexOf('//') + 2;
  return `${authority.slice(0, hostStart)}[Redacted]${authority.slice(at)}`;
}
