import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import request from 'supertest';
import { RedisLockStore } from '../../src/index.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { shiftPerformanceNow } from '../helpers/clock.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import {
  describeWithRedis,
  freePort,
  startRedisServer,
  stopRedisServer,
} from '../helpers/redis.js';
import { sleep } from '../helpers/event-loop.js';

// Each test starts its own redis-server on a free loopback port, and stops it by its process.
describeWithRedis('operationLock when Redis stops and starts again', () => {
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

  function appWith(failOpen: boolean, gate = new Gate()) {
    const logs = captureLogs();
    const app = lockedApp(
      { store: new RedisLockStore({ client }), failOpen, storeTimeoutMs: 200, logger: logs.logger },
      gate,
    );
    return { app, logs, gate };
  }

  const send = (app: ReturnType<typeof lockedApp>, key = '"k-1"') =>
    request(app).post('/orders').set('Idempotency-Key', key).send({ item: 'book' });

  async function reconnected() {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (client.status === 'ready') return;
      await sleep(50);
    }
    throw new Error('the client did not reconnect');
  }

  /** A duplicate of a held request gets 409.1: the lock works. */
  async function expectLocked(app: ReturnType<typeof lockedApp>, gate: Gate, key: string) {
    const runs = gate.runs;
    const first = send(app, key).then((res) => res);
    await gate.entered(runs + 1);
    expect((await send(app, key)).status).toBe(409);
    gate.open();
    expect((await first).status).toBe(201);
  }

  it('fails open: runs requests without the lock while Redis is down, warns once, and locks again once it is back', async () => {
    const { app, logs, gate } = appWith(true);
    await expectLocked(app, gate, '"before"');

    await stopRedisServer(server);
    expect((await send(app, '"down-1"')).status).toBe(201);
    expect((await send(app, '"down-2"')).status).toBe(201);

    server = await startRedisServer(port);
    await reconnected();
    const after = new Gate();
    const again = lockedApp(
      { store: new RedisLockStore({ client }), failOpen: true, logger: false },
      after,
    );
    await expectLocked(again, after, '"after"');
    // The first app's lock works again too, and says so once no call has failed for a while.
    clock.advance(OUTAGE_QUIET_MS);
    expect((await send(app, '"after-2"')).status).toBe(201);

    await flushed();
    const codes = logs.lines.map((line) => line.code);
    expect(codes.filter((code) => code === 'OPERATION_LOCK_STORE_UNAVAILABLE')).toHaveLength(1);
    expect(codes).toContain('OPERATION_LOCK_STORE_RECOVERED');
  });

  it('warns once while Redis over maxmemory refuses writes and answers reads: new keys 503, records replayed', async () => {
    const gate = new Gate();
    gate.open();
    const logs = captureLogs();
    const app = lockedApp(
      {
        store: new RedisLockStore({ client }),
        replay: true,
        storeTimeoutMs: 2000,
        logger: logs.logger,
      },
      gate,
    );
    for (let i = 0; i < 10; i++) expect((await send(app, `"done-${i}"`)).status).toBe(201);
    await client.config('SET', 'maxmemory', '1');
    for (let i = 0; i < 10; i++) {
      expect((await send(app, `"new-${i}"`)).status).toBe(503);
      const replayed = await send(app, `"done-${i}"`);
      expect([replayed.status, replayed.headers['idempotent-replayed']]).toEqual([201, 'true']);
      clock.advance(1000);
    }
    await flushed();
    expect(logs.lines.map((line) => line.code)).toEqual(['OPERATION_LOCK_STORE_UNAVAILABLE']);

    await client.config('SET', 'maxmemory', '0');
    clock.advance(OUTAGE_QUIET_MS);
    expect((await send(app, '"after"')).status).toBe(201);
    await flushed();
    expect(logs.lines.map(({ code, failedCalls }) => ({ code, failedCalls }))).toEqual([
      { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', failedCalls: undefined },
      { code: 'OPERATION_LOCK_STORE_RECOVERED', failedCalls: 10 },
    ]);
    expect(gate.runs).toBe(11);
  });

  it('records a response once Redis, over maxmemory when it ended, has memory again: a retry is replayed and the handler ran once', async () => {
    const gate = new Gate();
    const app = lockedApp(
      {
        store: new RedisLockStore({ client }),
        replay: true,
        lockTtlMs: 3000,
        storeTimeoutMs: 2000,
        logger: false,
      },
      gate,
    );
    const first = send(app, '"order-7"').then((res) => res);
    await gate.entered();
    // The payment provider is slow, and meanwhile Redis reaches maxmemory: the record cannot be written.
    await client.config('SET', 'maxmemory', '1');
    gate.open();
    expect((await first).status).toBe(201);
    await sleep(50); // as in the attack: 50 ms later
    await client.config('SET', 'maxmemory', '0');
    // Within the 3 s lease, well before it runs out, a retry is replayed (a few 409.1 first, at most).
    let retry = await send(app, '"order-7"');
    for (let i = 0; i < 50 && retry.status === 409; i++) {
      await sleep(20);
      retry = await send(app, '"order-7"');
    }
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([
      201,
      'true',
      (await first).body,
    ]);
    expect(gate.runs).toBe(1);
  });

  it('fails closed: answers 503 with Retry-After while Redis is down and runs nothing, then locks again', async () => {
    const gate = new Gate();
    const { app } = appWith(false, gate);
    await stopRedisServer(server);
    const refused = await send(app, '"down"');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(gate.runs).toBe(0);

    server = await startRedisServer(port);
    await reconnected();
    const after = new Gate();
    await expectLocked(
      lockedApp({ store: new RedisLockStore({ client }), logger: false }, after),
      after,
      '"back"',
    );
  });

  it('survives Redis stopping while a locked request runs: the response is sent, nothing crashes', async () => {
    const gate = new Gate();
    const { app } = appWith(false, gate);
    const held = send(app).then((res) => res);
    await gate.entered();
    await stopRedisServer(server);
    gate.open();
    expect((await held).status).toBe(201);
    server = await startRedisServer(port);
    await reconnected();
    // The new Redis holds nothing: the key is free.
    expect((await send(app)).status).toBe(201);
  });
});
