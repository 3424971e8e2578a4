import type { Scenario } from '../scenario.js';
import { bareExpress, expressRateLimitRedis, flexibleRedis, oursRedis } from './limiter-apps.js';

export const scenario: Scenario = {
  name: 'rate-limit-redis',
  description:
    'Allowed requests through a rate limiter on Redis (REDIS_URL, default redis://127.0.0.1:6379, one ioredis client per server): ours, express-rate-limit with rate-limit-redis, and rate-limiter-flexible. Server CPU only: the Redis server’s own CPU is not counted.',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'bare-express-200',
      description: 'Express 5 answering `res.json({ id })`, no limiter.',
      expectedStatus: 200,
      createApp: bareExpress,
    },
    {
      name: 'ours-redis',
      description: '`rateLimit` on `RedisStore` (one Lua script per request, GCRA).',
      expectedStatus: 200,
      createApp: oursRedis,
    },
    {
      name: 'express-rate-limit-redis',
      description: 'express-rate-limit with `rate-limit-redis` (`sendCommand` through ioredis).',
      expectedStatus: 200,
      createApp: expressRateLimitRedis,
    },
    {
      name: 'rate-limiter-flexible-redis',
      description:
        '`RateLimiterRedis` from rate-limiter-flexible on ioredis, in its documented middleware.',
      expectedStatus: 200,
      createApp: flexibleRedis,
    },
  ],
  comparisons: [
    {
      subject: 'ours-redis',
      baseline: 'express-rate-limit-redis',
      maxRatio: 1,
      target: 'above express-rate-limit + rate-limit-redis',
    },
    {
      subject: 'ours-redis',
      baseline: 'rate-limiter-flexible-redis',
      maxRatio: 1,
      target: 'above rate-limiter-flexible (Redis)',
    },
    { subject: 'ours-redis', baseline: 'bare-express-200' },
  ],
};
