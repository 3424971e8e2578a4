import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { bearerChallenge, ForbiddenError, UnauthorizedError } from '../src/index.js';
import type { User } from './user-store.js';

/** The HS256 secret used when none is configured. Public, so for trying things out only. */
export const DEMO_JWT_SECRET = 'express-api-errors-demo-secret-do-not-use-in-production';

const REALM = 'api';
const ALGORITHM = 'HS256';

/** What `requireBearer` leaves in `res.locals`. */
export interface BearerLocals {
  userId: string;
  role: User['role'];
}

interface Claims {
  sub: string;
  role: User['role'];
}

export interface TokenOptions {
  secret: string;
  /** Lifetime in seconds. */
  expiresIn: number;
  /** The clock, in milliseconds. Defaults to `Date.now`. */
  now?: () => number;
}

/** Mints an HS256 access token for a user. */
export function issueToken(user: Pick<User, 'id' | 'role'>, options: TokenOptions): string {
  const { secret, expiresIn, now = Date.now } = options;
  const claims = { role: user.role, iat: Math.floor(now() / 1000) };
  return jwt.sign(claims, secret, { algorithm: ALGORITHM, subject: user.id, expiresIn });
}

/**
 * Checks `Authorization: Bearer <token>`. Without credentials it answers 401
 * with a bare challenge (RFC 6750 §3.1: no error code when none were sent).
 * jsonwebtoken's own errors go to `next()` as they are: `errorHandler` turns
 * `TokenExpiredError` into 401.24 and `JsonWebTokenError` into 401.23.
 */
export function requireBearer(options: { secret: string; now?: () => number }): RequestHandler {
  const { secret, now = Date.now } = options;
  return function bearerAuth(req, res, next) {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) {
      next(
        new UnauthorizedError('Send an access token: Authorization: Bearer <token>.', {
          challenge: bearerChallenge({ realm: REALM }),
        }),
      );
      return;
    }
    try {
      const claims = verifyToken(token, secret, now);
      const locals: BearerLocals = { userId: claims.sub, role: claims.role };
      Object.assign(res.locals, locals);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The claims of a valid token; throws jsonwebtoken's errors. */
function verifyToken(token: string, secret: string, now: () => number): Claims {
  const payload = jwt.verify(token, secret, {
    algorithms: [ALGORITHM],
    clockTimestamp: Math.floor(now() / 1000),
  });
  if (typeof payload === 'string' || typeof payload.sub !== 'string') {
    throw new jwt.JsonWebTokenError('jwt has no subject');
  }
  return { sub: payload.sub, role: payload.role === 'admin' ? 'admin' : 'member' };
}

/** After `requireBearer`: a 403 with an `insufficient_scope` challenge unless the token has `role`. */
export function requireRole(role: User['role']): RequestHandler {
  return function roleCheck(_req, res, next) {
    if ((res.locals as Partial<BearerLocals>).role === role) {
      next();
      return;
    }
    next(
      new ForbiddenError(`Only users with the ${role} role may do this.`, {
        challenge: bearerChallenge({ realm: REALM, error: 'insufficient_scope', scope: role }),
      }),
    );
  };
}

/** The token of a Bearer `Authorization` header; undefined when there is none or another scheme is used. */
function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer(?: +(.*))?$/i.exec(authorization ?? '');
  if (!match) return undefined;
  return (match[1] ?? '').trim();
}
