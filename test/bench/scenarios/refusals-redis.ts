import type { Scenario } from '../scenario.js';
import { expressRateLimitRedis, flexibleRedis, oursRedis } from './refusal-apps.js';

export const scenario: Scenario = {
  name: 'refusals-redis',
  description:
    'A flood from one client on Redis: every measured request is refused (one request an hour, spent in the warm-up). Ours with its deny cache (the default) and without; rate-limiter-flexible with and without inMemoryBlockOnConsumed; express-rate-limit with rate-limit-redis.',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'ours-redis-429',
      description:
        '`rateLimit` on `RedisStore` with its deny cache (the default), answered by `errorHandler`.',
      expectedStatus: 429,
      // The warm-up's first request spends the one request allowed.
      warmupStatuses: [200],
      createApp: oursRedis(true),
    },
    {
      name: 'ours-redis-429-no-cache',
      description: 'The same with `denyCache: false`: every refusal is a Redis round trip.',
      expectedStatus: 429,
      // The warm-up's first request spends the one request allowed.
      warmupStatuses: [200],
      createApp: oursRedis(false),
    },
    {
      name: 'rate-limiter-flexible-redis-429',
      description: '`RateLimiterRedis`, its documented middleware, a bare 429.',
      expectedStatus: 429,
      // The warm-up's first request spends the one request allowed.
      warmupStatuses: [200],
      createApp: flexibleRedis(false),
    },
    {
      name: 'rate-limiter-flexible-redis-429-in-memory-block',
      description: 'The same with `inMemoryBlockOnConsumed`: refused keys are refused from memory.',
      expectedStatus: 429,
      // The warm-up's first request spends the one request allowed.
      warmupStatuses: [200],
      createApp: flexibleRedis(true),
    },
    {
      name: 'express-rate-limit-redis-429',
      description: 'express-rate-limit with rate-limit-redis, its default 429.',
      expectedStatus: 429,
      // The warm-up's first request spends the one request allowed.
      warmupStatuses: [200],
      createApp: expressRateLimitRedis,
    },
  ],
  comparisons: [
    {
      subject: 'ours-redis-429',
      baseline: 'rate-limiter-flexible-redis-429',
      maxRatio: 0.5,
      target: 'at most 0.5× rate-limiter-flexible without its in-memory block',
    },
    {
      subject: 'ours-redis-429',
      baseline: 'rate-limiter-flexible-redis-429-in-memory-block',
      maxRatio: 1,
      target: 'at most 1.0× rate-limiter-flexible with inMemoryBlockOnConsumed',
    },
    { subject: 'ours-redis-429', baseline: 'ours-redis-429-no-cache' },
    { subject: 'ours-redis-429', baseline: 'express-rate-limit-redis-429' },
  ],
};
