import type { RateLimitDecision } from '../stores/store.js';
import type { RateLimitWindow } from './algorithms.js';

/**
 * What a limiter tells the rest of the request about its decision, as
 * express-rate-limit's `req.rateLimit` does, and what `getKey()` answers.
 */
export interface RateLimitInfo {
  /** The reported window's limit. */
  readonly limit: number;
  /** Requests spent in that window (this one included when it was allowed). */
  readonly used: number;
  /** Requests left in that window. */
  readonly remaining: number;
  /** When that window's quota is whole again; when refused or blocked, when a request would pass. */
  readonly resetTime: Date;
  /** The client's key. */
  readonly key: string;
}

declare global {
  // Express's own way to type what middleware adds to the request.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `rateLimit()` under its `requestPropertyName` (this name by default). */
      rateLimit?: RateLimitInfo;
    }
  }
}

/** The info of a decision: the reported window, or for a blocked key, the wait until the block ends. */
export function rateLimitInfo(
  decision: RateLimitDecision,
  window: RateLimitWindow,
  key: string,
  now: number = Date.now(),
): RateLimitInfo {
  const remaining = decision.blockedMs > 0 ? 0 : decision.remaining;
  const waitMs =
    decision.blockedMs > 0
      ? decision.blockedMs
      : decision.allowed
        ? decision.resetMs
        : decision.retryAfterMs;
  return {
    limit: window.limit,
    used: window.limit - remaining,
    remaining,
    resetTime: new Date(now + waitMs),
    key,
  };
}

/**
 * Puts the info on the request. Stacked limiters that share a property
 * name leave the one with the fewest remaining requests, as `X-Rate-Limit-*` does.
 */
export function setRateLimitInfo(req: object, name: string, info: RateLimitInfo): void {
  const target = req as Record<string, RateLimitInfo | undefined>;
  const shown = target[name];
  if (shown !== undefined && shown.remaining <= info.remaining) return;
  target[name] = info;
}
