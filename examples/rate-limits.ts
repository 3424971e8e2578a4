import type { RequestHandler } from 'express';
import { MemoryStore, rateLimit, type RateLimitStore } from '../src/index.js';

/** Which limiter a store is for: each limiter needs a store of its own. */
export type LimiterName = 'api' | 'tokens';

/** Makes the store of each limiter; the server passes Redis stores when REDIS_URL is set. */
export type StoreFactory = (limiter: LimiterName) => RateLimitStore;

export const memoryStores: StoreFactory = () => new MemoryStore();

/**
 * The whole API: 15 requests per second (as the vendor page documents) and
 * 1,000 per hour per client IP. A client's 10th refusal within a minute is
 * answered 403.30 rather than 429, and so is every request it sends for the
 * 5 minutes after.
 */
export function apiLimiter(store: RateLimitStore): RequestHandler {
  return rateLimit({
    windows: [
      { limit: 15, windowMs: 1000, name: 'burst' },
      { limit: 1000, windowMs: 3_600_000, name: 'hourly' },
    ],
    block: { after: 10, withinMs: 60_000, durationMs: 300_000 },
    standardHeaders: 'draft-10',
    store,
  });
}

/** Minting tokens: 5 failed attempts per 15 minutes per IP; successes do not count. */
export function tokenLimiter(store: RateLimitStore): RequestHandler {
  return rateLimit({
    limit: 5,
    windowMs: 15 * 60_000,
    name: 'token-failures',
    countOnly: 'failures',
    standardHeaders: 'draft-10',
    store,
  });
}
