import type { ChildProcess } from 'node:child_process';
import express from 'express';
import { createSentinel } from 'redis';
import request from 'supertest';
import {
  RedisLockStore,
  RedisStore,
  errorHandler,
  operationLock,
  rateLimit,
} from '../../src/index.js';
import {
  describeWithRedisCluster,
  freePort,
  startRedisSentinel,
  startRedisServer,
  stopRedisSentinel,
  stopRedisServer,
  uniquePrefix,
} from '../helpers/redis.js';

// A Sentinel needs redis-server, as a local cluster does: the same condition runs or skips it.
describeWithRedisCluster('the Redis stores through node-redis’s Sentinel client', () => {
  let master: ChildProcess;
  let sentinel: Awaited<ReturnType<typeof startRedisSentinel>>;
  let client: ReturnType<typeof createSentinel>;

  beforeAll(async () => {
    const masterPort = await freePort();
    master = await startRedisServer(masterPort);
    sentinel = await startRedisSentinel(await freePort(), masterPort);
    client = createSentinel({
      name: 'master',
      sentinelRootNodes: [{ host: '127.0.0.1', port: sentinel.port }],
    });
    client.on('error', () => undefined);
    await client.connect();
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    if (sentinel !== undefined) await stopRedisSentinel(sentinel);
    if (master !== undefined) await stopRedisServer(master);
  });

  it('limits through RedisStore', async () => {
    const app = express();
    app.use(
      rateLimit({
        limit: 2,
        windowMs: 60_000,
        logger: false,
        failOpen: false,
        store: new RedisStore({ client, prefix: uniquePrefix() }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(app).get('/')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('limits through RedisStore on a client leased from the Sentinel client (acquire())', async () => {
    const lease = await client.acquire();
    try {
      const store = new RedisStore({ client: lease, prefix: uniquePrefix() });
      store.init({
        algorithm: 'fixed-window',
        windows: [{ limit: 2, windowMs: 60_000, name: 'w' }],
        block: undefined,
      });
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push((await store.consume('k', 1)).allowed);
      expect(decisions).toEqual([true, true, false]);
    } finally {
      lease.release();
    }
  });

  it('locks and replays through RedisLockStore', async () => {
    const app = express();
    app.use(express.json());
    let runs = 0;
    app.post(
      '/orders',
      operationLock({
        replay: true,
        logger: false,
        store: new RedisLockStore({ client, prefix: uniquePrefix() }),
      }),
      (_req, res) => {
        runs += 1;
        res.status(201).json({ run: runs });
      },
    );
    app.use(errorHandler({ logger: false }));
    const first = await request(app).post('/orders').set('Idempotency-Key', '"a"').send({});
    const retry = await request(app).post('/orders').set('Idempotency-Key', '"a"').send({});
    expect([first.status, first.body, retry.status, retry.body]).toEqual([
      201,
      { run: 1 },
      201,
      { run: 1 },
    ]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(runs).toBe(1);
  });
});
