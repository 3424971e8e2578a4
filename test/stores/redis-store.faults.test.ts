import type { ChildProcess } from 'node:child_process';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { RedisStore, errorHandler, rateLimit } from '../../src/index.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import {
  describeWithRedis,
  freePort,
  startRedisServer,
  stopRedisServer,
} from '../helpers/redis.js';

// Each test starts its own redis-server on a free loopback port, and stops it.
describeWithRedis('RedisStore when Redis fails', () => {
  let port: number;
  let server: ChildProcess;
  let client: Redis;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(async () => {
    process.on('unhandledRejection', onUnhandled);
    port = await freePort();
    server = await startRedisServer(port);
    // Reconnect quickly, and keep commands queued while down, as production clients do.
    client = new Redis(port, '127.0.0.1', {
      retryStrategy: () => 50,
      maxRetriesPerRequest: null,
      disconnectTimeout: 100,
    });
    client.on('error', () => undefined);
  });

  afterEach(async () => {
    client.disconnect();
    await stopRedisServer(server);
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  function appWith(failOpen: boolean) {
    const logs = captureLogs();
    const app = express();
    app.use(
      rateLimit({
        limit: 2,
        windowMs: 60_000,
        algorithm: 'fixed-window',
        failOpen,
        storeTimeoutMs: 200,
        logger: logs.logger,
        store: new RedisStore({ client }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    return { app, logs };
  }

  async function statuses(app: express.Express, count: number) {
    const result = [];
    for (let i = 0; i < count; i++) result.push((await request(app).get('/')).status);
    return result;
  }

  /** Waits, a bounded number of times, until the client talks to Redis again. */
  async function reconnected() {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (client.status === 'ready') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the client did not reconnect');
  }

  it('lets requests through while Redis is down, warns once, and limits again once it is back', async () => {
    const { app, logs } = appWith(true);
    expect(await statuses(app, 2)).toEqual([200, 200]);

    await stopRedisServer(server);
    const started = Date.now();
    expect(await statuses(app, 3)).toEqual([200, 200, 200]);
    // Each waited at most the store timeout, not for the client's reconnection.
    expect(Date.now() - started).toBeLessThan(3 * 200 + 2000);

    server = await startRedisServer(port);
    await reconnected();
    // The limit applies again. The client's offline queue may replay the
    // consumes of the requests let through while Redis was down, so they can
    // count too: never more than the limit is let through.
    const after = await statuses(app, 3);
    expect(after.filter((status) => status === 200).length).toBeLessThanOrEqual(2);
    expect(after[2]).toBe(429);

    await flushed();
    const codes = logs.lines.map((line) => line.code);
    expect(codes.filter((code) => code === 'RATE_LIMIT_STORE_UNAVAILABLE')).toHaveLength(1);
    expect(codes).toContain('RATE_LIMIT_STORE_RECOVERED');
  });

  it('keeps refusing a client Redis refused before it went down, until the refusal ends', async () => {
    const { app } = appWith(true);
    expect(await statuses(app, 3)).toEqual([200, 200, 429]);
    await stopRedisServer(server);
    // The deny cache holds Redis's refusal; failing open is for what Redis has not decided.
    expect(await statuses(app, 2)).toEqual([429, 429]);
    server = await startRedisServer(port);
    await reconnected();
  });

  it('answers 503 with Retry-After while Redis is down when failing closed, never a 429', async () => {
    const { app } = appWith(false);
    await stopRedisServer(server);
    const res = await request(app).get('/');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    server = await startRedisServer(port);
    await reconnected();
    expect(await statuses(app, 1)).toEqual([200]);
  });

  it('survives Redis dying in the middle of a burst of concurrent requests', async () => {
    const { app } = appWith(true);
    const burst = Array.from({ length: 50 }, () => request(app).get('/'));
    await stopRedisServer(server);
    const results = await Promise.all(burst);
    for (const res of results) expect([200, 429]).toContain(res.status);
  });
});
