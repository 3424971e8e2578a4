import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RedisStore } from '../../src/index.js';
import type { RedisClient } from '../../src/stores/redis-client.js';
import type { RateLimitPolicy } from '../../src/stores/store.js';
import {
  describeWithRedis,
  freePort,
  startRedisServer,
  stopRedisServer,
  uniquePrefix,
} from '../helpers/redis.js';

const policy = (limit: number): RateLimitPolicy => ({
  algorithm: 'gcra',
  windows: [{ limit, windowMs: 60_000, name: `${limit}-in-1min` }],
  block: undefined,
});
const DECISIONS = 50;

/**
 * Issue #12, point 3: the decisions one instance makes in one turn of the
 * event loop reach Redis together. RedisStore sends each as one command
 * through the client, so the client's pipelining applies: node-redis
 * writes the commands of a tick together by default, ioredis with
 * `enableAutoPipelining`. Counted on a private redis-server, whose
 * `total_reads_processed` counts the reads it made from its clients' sockets.
 */
describeWithRedis('RedisStore batching', () => {
  let server: ChildProcess;
  let port: number;
  let observer: Redis;

  beforeAll(async () => {
    port = await freePort();
    server = await startRedisServer(port);
    observer = new Redis(port, '127.0.0.1');
  });

  afterAll(async () => {
    observer.disconnect();
    await stopRedisServer(server);
  });

  /** Socket reads the server has made, less the one the question itself costs. */
  async function readsProcessed(): Promise<number> {
    const stats = await observer.info('stats');
    return Number(/total_reads_processed:(\d+)/.exec(stats)![1]) - 1;
  }

  /** How many socket reads the server needed for `DECISIONS` decisions made in one tick. */
  async function readsFor(client: RedisClient): Promise<{ reads: number; allowed: number }> {
    const store = new RedisStore({ client, prefix: uniquePrefix() });
    store.init(policy(1000));
    await store.consume('warm-up', 1); // loads the script, so that every call below is one EVALSHA
    const before = await readsProcessed();
    const decisions = await Promise.all(
      Array.from({ length: DECISIONS }, (_, i) => store.consume(`client-${i % 10}`, 1)),
    );
    const reads = (await readsProcessed()) - before;
    return { reads, allowed: decisions.filter((decision) => decision.allowed).length };
  }

  it('sends the decisions of one tick in one write on node-redis (its default)', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${port}` });
    await client.connect();
    try {
      const { reads, allowed } = await readsFor(client);
      expect(allowed).toBe(DECISIONS);
      // One write of 50 commands (about 8 KB): read at once, or split once by the socket.
      expect(reads).toBeLessThanOrEqual(2);
    } finally {
      await client.quit();
    }
  });

  it('sends the decisions of one tick in one write on ioredis with enableAutoPipelining', async () => {
    const client = new Redis(port, '127.0.0.1', { enableAutoPipelining: true });
    try {
      const { reads, allowed } = await readsFor(client);
      expect(allowed).toBe(DECISIONS);
      expect(reads).toBeLessThanOrEqual(2);
    } finally {
      client.disconnect();
    }
  });

  it('decides each key exactly as one call at a time would, when batched', async () => {
    const client = new Redis(port, '127.0.0.1', { enableAutoPipelining: true });
    const store = new RedisStore({ client, prefix: uniquePrefix() });
    store.init(policy(3));
    try {
      const decisions = await Promise.all(
        Array.from({ length: 10 }, () => store.consume('one-client', 1)),
      );
      expect(decisions.map((decision) => decision.allowed)).toEqual([
        true,
        true,
        true,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
      expect(decisions.slice(0, 3).map((decision) => decision.remaining)).toEqual([2, 1, 0]);
    } finally {
      client.disconnect();
    }
  });
});
