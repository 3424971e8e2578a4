import { Router, type Request, type Response } from 'express';
import {
  requireContentType,
  UnprocessableEntityError,
  type ValidationIssue,
} from '../src/index.js';
import { asyncHandler } from './async-handler.js';
import { issueToken, requireBearer, requireRole, type BearerLocals } from './bearer.js';
import type { UserStore } from './user-store.js';
import { findUser } from './users.js';

/** Token lifetimes `POST /tokens` accepts, in seconds. */
export const MAX_EXPIRES_IN = 86_400;
export const DEFAULT_EXPIRES_IN = 3_600;

interface TokenRequest {
  userId: string;
  expiresIn: number;
}

export interface BearerRoutesOptions {
  store: UserStore;
  secret: string;
  now: () => number;
}

/** `POST /tokens` mints a token for a demo user; `GET /me` and `GET /admin/stats` need one. */
export function bearerRouter({ store, secret, now }: BearerRoutesOptions): Router {
  const router = Router();
  const authenticate = requireBearer({ secret, now });
  router.post('/tokens', requireContentType('application/json'), asyncHandler(createToken));
  router.get('/me', authenticate, asyncHandler(getMe));
  router.get('/admin/stats', authenticate, requireRole('admin'), getStats);
  return router;

  async function createToken(req: Request, res: Response): Promise<void> {
    const { userId, expiresIn } = parseTokenRequest(req.body);
    const user = await findUser(store, userId);
    // RFC 6749 §5.1: token responses must not be cached.
    res.set('Cache-Control', 'no-store').json({
      access_token: issueToken(user, { secret, expiresIn, now }),
      token_type: 'Bearer',
      expires_in: expiresIn,
    });
  }

  async function getMe(_req: Request, res: Response): Promise<void> {
    res.json(await findUser(store, (res.locals as BearerLocals).userId));
  }

  function getStats(_req: Request, res: Response): void {
    res.json({ users: store.size });
  }
}

/**
 * Validation by hand, for comparison with the zod schema of `POST /users`:
 * check every field, then throw one 422 that lists all the problems.
 */
function parseTokenRequest(body: unknown): TokenRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw failedValidation([{ pointer: '', detail: 'Must be a JSON object.' }]);
  }
  const { userId, expiresIn = DEFAULT_EXPIRES_IN } = body as Record<string, unknown>;
  if (isNonEmptyString(userId) && isLifetime(expiresIn)) return { userId, expiresIn };
  const errors: ValidationIssue[] = [];
  if (!isNonEmptyString(userId)) {
    errors.push({ pointer: '/userId', detail: 'Must be a non-empty string.' });
  }
  if (!isLifetime(expiresIn)) {
    errors.push({
      pointer: '/expiresIn',
      detail: `Must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}.`,
    });
  }
  throw failedValidation(errors);
}

function failedValidation(errors: readonly ValidationIssue[]): UnprocessableEntityError {
  return new UnprocessableEntityError('The request failed validation.', { errors });
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isLifetime(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_EXPIRES_IN;
}
