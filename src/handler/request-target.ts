import type { Request } from 'express';

// RFC 3986 §3: `scheme "://" authority`, or the `"//" authority` of a
// network-path reference (§4.2), which an origin-form target starting with
// `//` would be read as once it is a URI reference such as `instance`.
const AUTHORITY_PREFIX = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/[^/?#]*/;

/**
 * The path of a request target (RFC 9112 §3.2), without its query (which
 * may hold secrets) or fragment: the problem's `instance`. Never the scheme,
 * host or userinfo of the absolute form, and never a path that a client
 * would read as naming a host (one starting with `//`); `/` for an empty
 * path (RFC 9110 §4.2.3); `undefined` for the asterisk and authority forms,
 * which name no resource of the server's.
 */
export function pathOfTarget(target: string): string | undefined {
  let rest = target;
  if (!target.startsWith('/') || target.startsWith('//')) {
    const authority = AUTHORITY_PREFIX.exec(target);
    if (authority === null) return undefined;
    rest = target.slice(authority[0].length);
  }
  const end = rest.search(/[?#]/);
  const path = end === -1 ? rest : rest.slice(0, end);
  if (path === '') return '/';
  // A `\` is no URI character (RFC 3986 §2), and WHATWG URL parsers read it as `/`, so that
  // `/\evil.example/x` would name a host: it is percent-encoded. What is left may start with
  // `//` again (`//a//evil.example/x`): as a reference, that names the host `evil.example`
  // (RFC 3986 §4.2). One slash instead.
  const safe = path.includes('\\') ? path.replace(BACKSLASHES, '%5C') : path;
  return safe.startsWith('//') ? safe.replace(LEADING_SLASHES, '/') : safe;
}

const BACKSLASHES = /\\/g;
const LEADING_SLASHES = /^\/+/;

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
