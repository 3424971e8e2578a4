import type { ChildProcess } from 'node:child_process';
import express from 'express';
import { createClient } from 'redis';
import { createClient as createClient4 } from 'redis4';
import request from 'supertest';
import {
  RedisLockStore,
  RedisStore,
  errorHandler,
  rateLimit,
  type RedisClient,
} from '../../src/index.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { statusesOf } from '../helpers/limited-app.js';
import {
  describeWithRedis,
  freePort,
  startRedisServer,
  stopRedisServer,
  uniquePrefix,
} from '../helpers/redis.js';

// node-redis v4's `legacyMode: true`, as connect-redis v6 and express-session set-ups have it:
// its own `sendCommand` takes a callback and answers nothing, and emits each failure as an
// 'error' event. The stores use its `v4` interface, the same connection with promises. A
// redis-server of the test's own, since one test flushes its script cache.
describeWithRedis('a node-redis v4 client in legacy mode', () => {
  let server: ChildProcess;
  let legacy: ReturnType<typeof createClient4>;
  const clientErrors: unknown[] = [];

  beforeAll(async () => {
    const port = await freePort();
    server = await startRedisServer(port);
    legacy = createClient4({ url: `redis://127.0.0.1:${port}`, legacyMode: true });
    legacy.on('error', (error: unknown) => clientErrors.push(error));
    await legacy.connect();
  });

  afterAll(async () => {
    await legacy.disconnect();
    await stopRedisServer(server);
  });

  beforeEach(() => {
    clientErrors.length = 0;
  });

  function limitedApp(logger: ReturnType<typeof captureLogs>['logger'], prefix: string) {
    const store = new RedisStore({ client: legacy as RedisClient, prefix });
    const limiter = rateLimit({
      limit: 3,
      windowMs: 60_000,
      key: () => 'one-client',
      store,
      logger,
    });
    const app = express();
    app.use(limiter);
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    return { app, limiter };
  }

  it('limits exactly through `rateLimit`, with no warning and no client error', async () => {
    const logs = captureLogs();
    const { app, limiter } = limitedApp(logs.logger, uniquePrefix());
    expect(await statusesOf(app, 5)).toEqual([200, 200, 200, 429, 429]);
    expect(await limiter.getKey('one-client')).toMatchObject({ remaining: 0 });
    await flushed();
    expect(logs.lines).toEqual([]);
    expect(clientErrors).toEqual([]);
  });

  it('runs its scripts again after SCRIPT FLUSH, with no client error', async () => {
    const logs = captureLogs();
    const { app } = limitedApp(logs.logger, uniquePrefix());
    expect(await statusesOf(app, 1)).toEqual([200]);
    await legacy.v4.sendCommand(['SCRIPT', 'FLUSH']);
    expect(await statusesOf(app, 4)).toEqual([200, 200, 429, 429]);
    await flushed();
    expect(logs.lines).toEqual([]);
    expect(clientErrors).toEqual([]);
  });

  it('is the same key space as its `v4` interface', () => {
    const prefix = uniquePrefix();
    expect(new RedisStore({ client: legacy as RedisClient, prefix }).keySpace).toBe(
      new RedisStore({ client: legacy.v4 as RedisClient, prefix }).keySpace,
    );
  });

  it('locks and replays through `operationLock`', async () => {
    const gate = new Gate();
    const app = lockedApp(
      {
        replay: true,
        store: new RedisLockStore({ client: legacy as RedisClient, prefix: uniquePrefix() }),
      },
      gate,
    );
    const send = () => request(app).post('/orders').set('Idempotency-Key', 'k1').send({ item: 1 });
    const first = send().then((response) => response);
    await gate.entered();
    expect((await send()).status).toBe(409);
    gate.open();
    expect((await first).status).toBe(201);
    const retry = await send();
    expect(retry.status).toBe(201);
    expect(retry.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual((await first).body);
    expect(gate.runs).toBe(1);
    expect(clientErrors).toEqual([]);
  });
});

describe('node-redis v5+’s legacy wrapper', () => {
  it('is refused at start-up, saying to pass the client it wraps', () => {
    const legacy = createClient().legacy();
    const message =
      "`client` is node-redis's legacy wrapper (`client.legacy()`), whose commands take callbacks and answer nothing: pass the client you called `.legacy()` on";
    expectOptionError(
      () => new RedisStore({ client: legacy as unknown as RedisClient }),
      'ERR_EAE_OPTION_TYPE',
      `new RedisStore(): ${message}`,
    );
    expectOptionError(
      () => new RedisLockStore({ client: legacy as unknown as RedisClient }),
      'ERR_EAE_OPTION_TYPE',
      `new RedisLockStore(): ${message}`,
    );
  });
});
