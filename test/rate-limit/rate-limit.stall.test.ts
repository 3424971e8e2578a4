import express from 'express';
import { RedisStore, rateLimit } from '../../src/index.js';
import { directRequest, outcomeOf } from '../helpers/direct-request.js';
import { blockEventLoop } from '../helpers/event-loop.js';
import { captureLogs } from '../helpers/logs.js';
import {
  connectClient,
  describeWithRedis,
  uniquePrefix,
  type ClientKind,
} from '../helpers/redis.js';

/**
 * The event loop stalls (a GC pause, a synchronous call, a loop loaded by a
 * flood) longer than `storeTimeoutMs` with calls to Redis in flight: Redis
 * answers them meanwhile (ioredis wrote them at once), or as soon as the
 * stall ends (node-redis writes on the next turn of the loop). They must be
 * decided by those answers, not timed out by our own stall.
 */
describeWithRedis('rateLimit on Redis when the event loop stalls', () => {
  it.each<ClientKind>(['ioredis', 'node-redis'])(
    'decides the requests in flight during a stall past storeTimeoutMs as Redis does (%s)',
    async (kind) => {
      const { client, close } = await connectClient(kind);
      try {
        const logs = captureLogs();
        const app = express();
        const limiter = rateLimit({
          limit: 5,
          windowMs: 60_000,
          failOpen: false,
          storeTimeoutMs: 300,
          store: new RedisStore({ client, prefix: uniquePrefix() }),
          logger: logs.logger,
        });
        // Loads the script, so that each call below is one round trip.
        await outcomeOf(limiter, directRequest(app, { address: '198.51.100.1' }));
        // 30 requests from one client in one turn of the loop, as under a flood; then the stall.
        const outcomes = Array.from({ length: 30 }, () => outcomeOf(limiter, directRequest(app)));
        blockEventLoop(1000);
        expect(await Promise.all(outcomes)).toEqual([
          ...Array<string>(5).fill('next'),
          ...Array<number>(25).fill(429),
        ]);
        expect(logs.lines.filter(({ code }) => code === 'RATE_LIMIT_STORE_UNAVAILABLE')).toEqual(
          [],
        );
      } finally {
        await close();
      }
    },
  );
});
