/**
 * Issue #12, point 3: whether sending the store calls of one turn of the
 * event loop together (ioredis's `enableAutoPipelining`) lowers what an
 * allowed request costs the server, and rate-limiter-flexible on the same
 * two clients for comparison. Each request is still decided by its own
 * script call; what changes is that the calls made while the server
 * handles one batch of readable sockets leave in one write.
 */
import type { Scenario } from '../scenario.js';
import {
  flexibleRedis,
  flexibleRedisAutoPipelining,
  oursRedis,
  oursRedisAutoPipelining,
} from './limiter-apps.js';

export const scenario: Scenario = {
  name: 'redis-batching',
  description:
    'Allowed requests through a limiter on Redis (REDIS_URL), on an ioredis client as created by default and with `enableAutoPipelining: true`. Server CPU only.',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'ours-redis',
      description: '`rateLimit` on `RedisStore`, ioredis with its defaults.',
      expectedStatus: 200,
      createApp: oursRedis,
    },
    {
      name: 'ours-redis-pipelined',
      description: '`rateLimit` on `RedisStore`, ioredis with `enableAutoPipelining: true`.',
      expectedStatus: 200,
      createApp: oursRedisAutoPipelining,
    },
    {
      name: 'rate-limiter-flexible-redis',
      description: '`RateLimiterRedis`, ioredis with its defaults.',
      expectedStatus: 200,
      createApp: flexibleRedis,
    },
    {
      name: 'rate-limiter-flexible-redis-pipelined',
      description: '`RateLimiterRedis`, ioredis with `enableAutoPipelining: true`.',
      expectedStatus: 200,
      createApp: flexibleRedisAutoPipelining,
    },
  ],
  comparisons: [
    {
      subject: 'ours-redis-pipelined',
      baseline: 'ours-redis',
      maxRatio: 1,
      target: 'batching is a gain',
    },
    {
      subject: 'ours-redis-pipelined',
      baseline: 'rate-limiter-flexible-redis-pipelined',
      maxRatio: 0.9,
      target: 'at most 0.90× rate-limiter-flexible, same client',
    },
    { subject: 'ours-redis', baseline: 'rate-limiter-flexible-redis' },
    { subject: 'rate-limiter-flexible-redis-pipelined', baseline: 'rate-limiter-flexible-redis' },
  ],
};
