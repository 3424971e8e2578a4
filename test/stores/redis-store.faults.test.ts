import type { ChildProcess } from 'node:child_process';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  CHANNEL_NAMES,
  RedisStore,
  errorHandler,
  rateLimit,
  type StoreMessage,
} from '../../src/index.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { shiftPerformanceNow } from '../helpers/clock.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { statusesOf } from '../helpers/limited-app.js';
import {
  describeWithRedis,
  freePort,
  startRedisServer,
  stopRedisServer,
} from '../helpers/redis.js';
import { sleep } from '../helpers/event-loop.js';

// Each test starts its own redis-server on a free loopback port, and stops it.
describeWithRedis('RedisStore when Redis fails', () => {
  let port: number;
  let server: ChildProcess;
  let client: Redis;
  let clock: ReturnType<typeof shiftPerformanceNow>;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(async () => {
    process.on('unhandledRejection', onUnhandled);
    clock = shiftPerformanceNow();
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
    clock.restore();
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

  /** Waits, a bounded number of times, until the client talks to Redis again. */
  async function reconnected() {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (client.status === 'ready') return;
      await sleep(50);
    }
    throw new Error('the client did not reconnect');
  }

  it('lets requests through while Redis is down, warns once, and limits again once it is back', async () => {
    const { app, logs } = appWith(true);
    expect(await statusesOf(app, 2)).toEqual([200, 200]);

    await stopRedisServer(server);
    const started = Date.now();
    expect(await statusesOf(app, 3)).toEqual([200, 200, 200]);
    // Each waited at most the store timeout, not for the client's reconnection.
    expect(Date.now() - started).toBeLessThan(3 * 200 + 2000);

    server = await startRedisServer(port);
    await reconnected();
    clock.advance(OUTAGE_QUIET_MS); // no call has failed since: the next answer ends the outage
    // The limit applies again. The client's offline queue may replay the
    // consumes of the requests let through while Redis was down, so they can
    // count too: never more than the limit is let through.
    const after = await statusesOf(app, 3);
    expect(after.filter((status) => status === 200).length).toBeLessThanOrEqual(2);
    expect(after[2]).toBe(429);

    await flushed();
    const codes = logs.lines.map((line) => line.code);
    expect(codes.filter((code) => code === 'RATE_LIMIT_STORE_UNAVAILABLE')).toHaveLength(1);
    expect(codes).toContain('RATE_LIMIT_STORE_RECOVERED');
  });

  it('warns once and tells one outage on the store channel while Redis over maxmemory refuses writes and answers reads', async () => {
    const logs = captureLogs();
    const app = express();
    app.use(
      rateLimit({
        limit: 1,
        windowMs: 60_000,
        key: (req) => String(req.query.client),
        denyCache: false, // every refusal asks Redis: a read the script answers over maxmemory
        storeTimeoutMs: 2000,
        logger: logs.logger,
        store: new RedisStore({ client }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    const get = async (client: string) => (await request(app).get(`/?client=${client}`)).status;
    expect([await get('hot'), await get('hot')]).toEqual([200, 429]);

    const messages: StoreMessage[] = [];
    const listener = (message: unknown) => messages.push(message as StoreMessage);
    subscribe(CHANNEL_NAMES.store, listener);
    try {
      await client.config('SET', 'maxmemory', '1');
      const statuses = [];
      for (let i = 0; i < 30; i++) {
        statuses.push(await get(`new-${i}`), await get('hot'));
        clock.advance(1000);
      }
      // A new client's script writes and fails (let through: failOpen); the refusal only reads.
      expect(statuses).toEqual(Array.from({ length: 30 }, () => [200, 429]).flat());
      await flushed();
      expect(logs.lines.map((line) => line.code)).toEqual(['RATE_LIMIT_STORE_UNAVAILABLE']);
      expect(logs.lines[0]!.err).toMatchObject({ message: expect.stringContaining('OOM') });
      expect(messages.map(({ state }) => state)).toEqual(['unavailable']);

      await client.config('SET', 'maxmemory', '0');
      clock.advance(OUTAGE_QUIET_MS);
      expect(await get('new-after')).toBe(200);
      await flushed();
      expect(logs.lines.map(({ code, failedCalls }) => ({ code, failedCalls }))).toEqual([
        { code: 'RATE_LIMIT_STORE_UNAVAILABLE', failedCalls: undefined },
        { code: 'RATE_LIMIT_STORE_RECOVERED', failedCalls: 30 },
      ]);
      expect(messages.map(({ state, failedCalls }) => ({ state, failedCalls }))).toEqual([
        { state: 'unavailable', failedCalls: undefined },
        { state: 'recovered', failedCalls: 30 },
      ]);
    } finally {
      unsubscribe(CHANNEL_NAMES.store, listener);
    }
  });

  it('keeps refusing a client Redis refused before it went down, until the refusal ends', async () => {
    const { app } = appWith(true);
    expect(await statusesOf(app, 3)).toEqual([200, 200, 429]);
    await stopRedisServer(server);
    // The deny cache holds Redis's refusal; failing open is for what Redis has not decided.
    expect(await statusesOf(app, 2)).toEqual([429, 429]);
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
    expect(await statusesOf(app, 1)).toEqual([200]);
  });

  it('survives Redis dying in the middle of a burst of concurrent requests', async () => {
    const { app } = appWith(true);
    const burst = Array.from({ length: 50 }, () => request(app).get('/'));
    await stopRedisServer(server);
    const results = await Promise.all(burst);
    for (const res of results) expect([200, 429]).toContain(res.status);
  });
});
