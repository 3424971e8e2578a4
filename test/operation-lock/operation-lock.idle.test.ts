import express, { type Express } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import {
  MemoryLockStore,
  RedisLockStore,
  errorHandler,
  operationLock,
  type OperationLockMiddleware,
  type OperationLockStore,
} from '../../src/index.js';
import { Gate } from '../helpers/lock-app.js';
import { describeWithRedis, redisUrl, uniquePrefix } from '../helpers/redis.js';

/** `POST /orders` under `lock`, held at `gate`, answering 201 with the run's number. */
function orderApp(lock: OperationLockMiddleware, gate: Gate): Express {
  const app = express();
  app.use(express.json());
  app.post('/orders', lock, (_req, res, next) => {
    gate.pass().then((run) => res.status(201).json({ run }), next);
  });
  app.use(errorHandler({ logger: false }));
  return app;
}

const order = (app: Express) =>
  request(app).post('/orders').set('Idempotency-Key', '"order-7"').send({ amount: 100 });

/** Whether `promise` has settled once the microtasks and I/O callbacks queued now have run. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('operationLock().onIdle()', () => {
  it('resolves at once when no request is in flight, before or after one', async () => {
    const lock = operationLock({ store: new MemoryLockStore(), replay: true, logger: false });
    let resolved = false;
    void lock.onIdle().then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(true);
    const gate = new Gate();
    gate.open();
    expect((await order(orderApp(lock, gate))).status).toBe(201);
    resolved = false;
    void lock.onIdle().then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(true);
  });

  it('waits for a handler still running with the memory store, and for a request that came after the call', async () => {
    const store = new MemoryLockStore();
    const lock = operationLock({ store, replay: true, logger: false });
    const gate = new Gate();
    const app = orderApp(lock, gate);
    const first = order(app).then((res) => res);
    await gate.entered();
    const idle = lock.onIdle();
    const second = request(app)
      .post('/orders')
      .set('Idempotency-Key', '"order-8"')
      .send({ amount: 1 })
      .then((res) => res);
    await gate.entered(2);
    expect(await settledYet(idle)).toBe(false);
    gate.open();
    await idle;
    expect([(await first).status, (await second).status]).toEqual([201, 201]);
  });

  it('waits for a lock the store grants after storeTimeoutMs, and its release', async () => {
    const inner = new MemoryLockStore();
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    let asked: Parameters<OperationLockStore['acquire']> | undefined;
    const late: OperationLockStore = {
      acquire: async (...args) => {
        asked = args;
        await granted;
        return inner.acquire(...args);
      },
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
      complete: (...args) => inner.complete(...args),
    };
    const lock = operationLock({ store: late, storeTimeoutMs: 20, logger: false });
    const gate = new Gate();
    gate.open();
    expect((await order(orderApp(lock, gate))).status).toBe(503);
    const idle = lock.onIdle();
    expect(await settledYet(idle)).toBe(false);
    grant();
    await idle;
    // Released: the key is free for its retry.
    const [key, , fingerprint] = asked!;
    expect(inner.acquire(key, 'a-retry', fingerprint, 30_000)).toEqual({ state: 'acquired' });
  });
});

// Two app instances on one Redis, as behind a load balancer: the first shuts down.
describeWithRedis('operationLock().onIdle() at a shutdown, on Redis', () => {
  let clients: Redis[];
  let prefix: string;

  beforeEach(async () => {
    clients = [
      new Redis(redisUrl, { lazyConnect: true }),
      new Redis(redisUrl, { lazyConnect: true }),
    ];
    for (const client of clients) {
      client.on('error', () => undefined);
      await client.connect();
    }
    prefix = uniquePrefix();
  });
  afterEach(() => {
    for (const client of clients) if (client.status !== 'end') client.disconnect();
  });

  const instance = (
    client: Redis,
    replay: boolean,
    wrap = (store: OperationLockStore) => store,
  ) => {
    const gate = new Gate();
    const lock = operationLock({
      store: wrap(new RedisLockStore({ client, prefix })),
      replay,
      logger: false,
    });
    return { gate, lock, app: orderApp(lock, gate) };
  };

  /** Quits the first instance's client as a shutdown would: the commands already sent finish. */
  const quitFirst = async () => {
    await clients[0]!.quit();
  };

  it('lets a handler still running at shutdown record its response, so that a retry on another instance is replayed, not 409.1', async () => {
    const first = instance(clients[0]!, true);
    const second = instance(clients[1]!, true);
    second.gate.open();
    const response = order(first.app).then((res) => res);
    await first.gate.entered();
    // The server has stopped taking requests; the handler ends after the shutdown began.
    const idle = first.lock.onIdle();
    setTimeout(() => first.gate.open(), 50);
    await idle;
    await quitFirst();
    expect((await response).status).toBe(201);

    const retry = await order(second.app);
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([
      201,
      'true',
      { run: 1 },
    ]);
    expect(second.gate.runs).toBe(0);
  });

  it('lets a handler still running at shutdown release its lock, so that no key is left in Redis', async () => {
    const first = instance(clients[0]!, false);
    const response = order(first.app).then((res) => res);
    await first.gate.entered();
    const idle = first.lock.onIdle();
    setTimeout(() => first.gate.open(), 50);
    await idle;
    await quitFirst();
    expect((await response).status).toBe(201);
    expect(await clients[1]!.keys(`${prefix}*`)).toEqual([]);
  });

  it('waits for a record the store failed and is asked again', async () => {
    let failures = 2;
    let completes = 0;
    const failing = (store: OperationLockStore): OperationLockStore => ({
      acquire: (...args) => store.acquire(...args),
      release: (...args) => store.release(...args),
      renew: (...args) => store.renew(...args),
      complete: async (...args) => {
        completes += 1;
        if (failures-- > 0)
          throw new Error("OOM command not allowed when used memory > 'maxmemory'.");
        return store.complete(...args);
      },
    });
    const first = instance(clients[0]!, true, failing);
    const second = instance(clients[1]!, true);
    first.gate.open();
    expect((await order(first.app)).status).toBe(201);
    await first.lock.onIdle();
    expect(completes).toBe(3);
    await quitFirst();

    const retry = await order(second.app);
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(second.gate.runs).toBe(0);
  });
});
