import express from 'express';
import { RedisLockStore, operationLock } from '../../src/index.js';
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
 * The event loop stalls longer than `storeTimeoutMs` with the lock's calls
 * to Redis in flight: Redis's answers decide, whether they came during the
 * stall or just after it (a client that writes on the next turn of the
 * loop), not a timeout our own stall caused (which, failing open, would
 * run both duplicates unlocked).
 */
describeWithRedis('operationLock on Redis when the event loop stalls', () => {
  it.each<ClientKind>(['ioredis', 'node-redis'])(
    'runs one of two duplicates in flight during a stall past storeTimeoutMs, and refuses the other 409 (%s)',
    async (kind) => {
      const { client, close } = await connectClient(kind);
      try {
        const logs = captureLogs();
        const app = express();
        const lock = operationLock({
          failOpen: true,
          storeTimeoutMs: 300,
          store: new RedisLockStore({ client, prefix: uniquePrefix() }),
          logger: logs.logger,
        });
        const charge = (key: string) =>
          directRequest(app, {
            method: 'POST',
            url: '/charge',
            headers: { 'idempotency-key': `"${key}"` },
            body: { amount: 10 },
          });
        // Loads the scripts, so that each call below is one round trip.
        const warmUp = charge('warm-up');
        await outcomeOf(lock, warmUp);
        warmUp.res.end();
        const duplicates = [charge('order-1'), charge('order-1')];
        const outcomes = duplicates.map((pair) => outcomeOf(lock, pair));
        blockEventLoop(1000);
        expect(await Promise.all(outcomes)).toEqual(['next', 409]);
        expect(
          logs.lines.filter(({ code }) => code === 'OPERATION_LOCK_STORE_UNAVAILABLE'),
        ).toEqual([]);
        duplicates[0]!.res.end(); // releases the key
      } finally {
        await close();
      }
    },
  );
});
