import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import request from 'supertest';
import { CHANNEL_NAMES, MemoryLockStore, type OperationLockMessage } from '../../src/index.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { fakeClock, freezePerformanceNow } from '../helpers/clock.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { sleep } from '../helpers/event-loop.js';
import { captureLogs, flushed } from '../helpers/logs.js';

describe('the operation-lock channel', () => {
  const messages: OperationLockMessage[] = [];
  const listener = (message: unknown) => messages.push(message as OperationLockMessage);
  beforeEach(() => {
    messages.length = 0;
    subscribe(CHANNEL_NAMES.operationLock, listener);
  });
  afterEach(() => unsubscribe(CHANNEL_NAMES.operationLock, listener));

  const order = (app: ReturnType<typeof lockedApp>, item = 'book') =>
    request(app).post('/orders').set('Idempotency-Key', '"order-1"').send({ item });

  it('tells subscribers each outcome: acquired, conflict, replayed and mismatch, with the lock key and client', async () => {
    const gate = new Gate();
    const store = new MemoryLockStore({ now: fakeClock().now });
    const app = lockedApp({ replay: true, store }, gate);
    const first = order(app).then((res) => res);
    await gate.entered();
    expect((await order(app)).status).toBe(409);
    gate.open();
    expect((await first).status).toBe(201);
    expect((await order(app)).status).toBe(201);
    expect((await order(app, 'pen')).status).toBe(422);

    expect(messages.map((m) => m.outcome)).toEqual([
      'acquired',
      'conflict',
      'replayed',
      'mismatch',
    ]);
    const [{ key, client, req }] = messages as [OperationLockMessage];
    expect(messages.every((m) => m.key === key && m.client === client)).toBe(true);
    expect(key).toContain('order-1');
    expect(req).toEqual(expect.objectContaining({ method: 'POST', url: '/orders' }));
    store.shutdown();
  });

  it('tells subscribers once when a running request lost its lease', async () => {
    const gate = new Gate();
    const store = new MemoryLockStore({ now: fakeClock().now });
    // Lost when renewed, and so still lost when released.
    store.renew = () => false;
    store.release = () => false;
    const app = lockedApp({ store, lockTtlMs: 300 }, gate);
    const first = order(app).then((res) => res);
    await gate.entered();
    // Renewals come every third of the lease; the store says the lease is lost.
    for (let i = 0; i < 100 && !messages.some((m) => m.outcome === 'expired'); i++) {
      await sleep(20);
    }
    gate.open();
    await first;
    expect(messages.map((m) => m.outcome)).toEqual(['acquired', 'expired']);
    store.shutdown();
  });

  it('tells subscribers once when a request finds, as it ends, that its lease ran out and another took the key', async () => {
    const gate = new Gate();
    const clock = fakeClock();
    const store = new MemoryLockStore({ now: clock.now });
    const app = lockedApp({ store, replay: true, lockTtlMs: 1000 }, gate);
    const stale = order(app).then((res) => res);
    await gate.entered(1);
    clock.advance(1000); // the lease runs out before a renewal extends it
    const fresh = order(app).then((res) => res);
    await gate.entered(2);
    gate.open();
    await Promise.all([stale, fresh]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(messages.map((m) => m.outcome).sort()).toEqual(['acquired', 'acquired', 'expired']);
    const [expired] = messages.filter((m) => m.outcome === 'expired');
    expect(expired!.req).toBe(messages[0]!.req); // the first request's: the one that lost
    store.shutdown();
  });
});

describe("operationLock's store outages", () => {
  it('are logged as they start and end, and not published on the store channel, which tells rateLimit’s only', async () => {
    const clock = freezePerformanceNow();
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    subscribe(CHANNEL_NAMES.store, listener);
    const store = new MemoryLockStore({ now: fakeClock().now });
    const acquire = store.acquire.bind(store);
    let failing = true;
    store.acquire = (...args) => {
      if (failing) throw new Error('connection refused');
      return acquire(...args);
    };
    const gate = new Gate();
    gate.open();
    const logs = captureLogs();
    const app = lockedApp({ store, failOpen: true, logger: logs.logger }, gate);
    let keys = 0;
    const order = () =>
      request(app)
        .post('/orders')
        .set('Idempotency-Key', `"order-${(keys += 1)}"`)
        .send({});
    try {
      await order();
      failing = false;
      clock.advance(OUTAGE_QUIET_MS);
      await order();
      await flushed();
      expect(logs.lines.map(({ code }) => code)).toEqual([
        'OPERATION_LOCK_STORE_UNAVAILABLE',
        'OPERATION_LOCK_STORE_RECOVERED',
      ]);
      expect(published).toEqual([]);
    } finally {
      unsubscribe(CHANNEL_NAMES.store, listener);
      clock.restore();
      store.shutdown();
    }
  });
});
