import express from 'express';
import request from 'supertest';
import {
  MemoryLockStore,
  errorHandler,
  operationLock,
  type LockAcquisition,
  type OperationLockOptions,
  type OperationLockStore,
} from '../../src/index.js';
import { brokenThenable, THENABLE_FAULTS } from '../helpers/broken-thenable.js';
import { requestTracker } from '../helpers/heap.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { KEY } from '../helpers/lock-stores.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';
import { sleep } from '../helpers/event-loop.js';

describe('operationLock when its store fails', () => {
  const failing: OperationLockStore = {
    acquire: () => Promise.reject(new Error('connection lost')),
    complete: () => Promise.reject(new Error('connection lost')),
    release: () => Promise.reject(new Error('connection lost')),
    renew: () => Promise.reject(new Error('connection lost')),
  };
  const hanging: OperationLockStore = {
    acquire: () => new Promise(() => undefined),
    complete: () => new Promise(() => undefined),
    release: () => new Promise(() => undefined),
    renew: () => new Promise(() => undefined),
  };

  it('answers 503 with Retry-After and runs nothing when failing closed (the default)', async () => {
    const gate = new Gate();
    const res = await request(lockedApp({ store: failing }, gate))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail:
        'Duplicate-request protection is unavailable, so the request was not run; try again shortly.',
      instance: '/orders',
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(gate.runs).toBe(0);
  });

  it('logs the 503 of a failing store as the fault it is, at error, each time, not as a refusal', async () => {
    const logs = captureLogs();
    const app = express();
    app.post('/orders', operationLock({ store: failing, logger: false }), (_req, res) => {
      res.status(201).end();
    });
    app.use(errorHandler({ logger: logs.logger }));
    for (let i = 0; i < 2; i++) {
      expect((await request(app).post('/orders').set('Idempotency-Key', KEY)).status).toBe(503);
    }
    await flushed();
    expect(logs.lines.map(({ level, status, refusal }) => ({ level, status, refusal }))).toEqual([
      { level: 50, status: 503, refusal: undefined },
      { level: 50, status: 503, refusal: undefined },
    ]);
  });

  it('runs requests without the lock when failing open, and warns once per outage', async () => {
    const logs = captureLogs();
    const gate = new Gate();
    gate.open();
    const target = lockedApp({ store: failing, failOpen: true, logger: logs.logger }, gate);
    for (let i = 0; i < 3; i++) {
      expect(
        (await request(target).post('/orders').set('Idempotency-Key', KEY).send({})).status,
      ).toBe(201);
    }
    await flushed();
    expect(
      logs.lines.filter((line) => line.code === 'OPERATION_LOCK_STORE_UNAVAILABLE'),
    ).toHaveLength(1);
  });

  it('gives up on a store that does not answer within storeTimeoutMs', async () => {
    const res = await request(lockedApp({ store: hanging, storeTimeoutMs: 20 }))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
  });

  /**
   * Sends five keyed requests with 10 kB bodies through an app locked on
   * `store`, and answers their statuses and how many of those requests are
   * still alive after a full collection.
   */
  async function requestsKept(
    options: OperationLockOptions,
  ): Promise<{ statuses: number[]; kept: number }> {
    const { track, kept } = requestTracker();
    const app = express();
    app.use(express.json());
    app.use(track);
    app.post(
      '/orders',
      operationLock({ storeTimeoutMs: 20, logger: false, ...options }),
      (_req, res) => {
        res.status(201).json({});
      },
    );
    app.use(errorHandler({ logger: false }));
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(app)
        .post('/orders')
        .set('Idempotency-Key', `"key-${i}"`)
        .send({ body: 'x'.repeat(10_000) });
      statuses.push(res.status);
    }
    // Past the deadline of the last call. Under load the deadline timer fires late, and a late
    // timer gives the calls up to one more timeout (see Deadlines): ask again for up to 2 s
    // rather than once after a fixed sleep (in one CI run, 60 ms after the last request found
    // one request still held). A request held for good still fails.
    let held = await kept();
    for (let wait = 0; held > 0 && wait < 40; wait++) {
      await sleep(50);
      held = await kept();
    }
    return { statuses, kept: held };
  }

  it('keeps none of the requests it gave up on while the store still hangs', async () => {
    // As a Redis client's queue of commands does: it holds each call until it is answered.
    const unanswered: unknown[] = [];
    const store: OperationLockStore = {
      ...hanging,
      acquire: () => new Promise((resolve) => unanswered.push(resolve)),
    };
    expect(await requestsKept({ store })).toEqual({ statuses: [503, 503, 503, 503, 503], kept: 0 });
    expect(unanswered).toHaveLength(5);
  });

  it.each([false, true])(
    'keeps none of the requests it ran once the store hangs on completing them (replay: %s)',
    async (replay) => {
      const inner = new MemoryLockStore();
      // As a Redis client's queue of commands does: it holds each call until it is answered.
      const unanswered: unknown[] = [];
      const hangs = () => new Promise<boolean>((resolve) => unanswered.push(resolve));
      const store: OperationLockStore = {
        acquire: (...args) => inner.acquire(...args),
        complete: hangs,
        release: hangs,
        renew: hangs,
      };
      expect(await requestsKept({ store, replay })).toEqual({
        statuses: [201, 201, 201, 201, 201],
        kept: 0,
      });
      expect(unanswered).toHaveLength(5);
      inner.shutdown();
    },
  );

  it('sends no second renewal while one is on its way to a store that hangs', async () => {
    const inner = new MemoryLockStore();
    let renewals = 0;
    const store: OperationLockStore = {
      acquire: (...args) => inner.acquire(...args),
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: () => {
        renewals += 1;
        return new Promise<boolean>(() => undefined);
      },
    };
    const app = express();
    app.post(
      '/orders',
      // A renewal every 10 ms; none times out while the handler runs.
      operationLock({ store, lockTtlMs: 30, storeTimeoutMs: 10_000, logger: false }),
      (_req, res) => {
        setTimeout(() => res.status(201).json({}), 80);
      },
    );
    app.use(errorHandler({ logger: false }));
    const res = await request(app).post('/orders').set('Idempotency-Key', '"slow"');
    expect(res.status).toBe(201);
    expect(renewals).toBe(1);
    inner.shutdown();
  });

  it('releases a lock its store grants after the request gave up waiting', async () => {
    const inner = new MemoryLockStore();
    let grant: (() => void) | undefined;
    const late: OperationLockStore = {
      acquire: (...args) =>
        new Promise((resolve) => {
          grant = () => resolve(inner.acquire(...args));
        }),
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
    };
    const res = await request(lockedApp({ store: late, storeTimeoutMs: 20 }))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
    grant!();
    await new Promise((resolve) => setImmediate(resolve));
    // Nobody would renew or release it: kept, it would refuse every retry for its whole lease.
    expect(inner.size).toBe(0);
    inner.shutdown();
  });

  it('treats an answer of the wrong shape as a store failure', async () => {
    const odd = {
      ...failing,
      acquire: () => ({ state: 'maybe' }),
    } as unknown as OperationLockStore;
    const res = await request(lockedApp({ store: odd }))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
  });

  it.each([undefined, null])(
    'answers 503 to a store that answers acquire() with %p, and logs what it answered',
    async (answer) => {
      const logs = captureLogs();
      const odd = { ...failing, acquire: () => answer } as unknown as OperationLockStore;
      const res = await request(lockedApp({ store: odd, logger: logs.logger }))
        .post('/orders')
        .set('Idempotency-Key', KEY)
        .send({});
      expect(res.status).toBe(503);
      await flushed();
      expect(logs.lines.map(({ code, err }) => ({ code, err }))).toEqual([
        {
          code: 'OPERATION_LOCK_STORE_UNAVAILABLE',
          err: expect.objectContaining({
            type: 'TypeError',
            message: `The store answered acquire() with ${String(answer)}`,
          }),
        },
      ]);
    },
  );

  it.each(
    THENABLE_FAULTS.flatMap((fault) => [
      ['first answer', fault, 1] as const,
      ['answer to a duplicate that waited', fault, 3] as const,
    ]),
  )('treats the %s whose %s as a store failure, at once', async (_case, fault, broken) => {
    const inner = new MemoryLockStore();
    let acquires = 0;
    const store: OperationLockStore = {
      acquire: (...args) =>
        ++acquires === broken ? brokenThenable<LockAcquisition>(fault) : inner.acquire(...args),
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
      waitForChange: (...args) => inner.waitForChange(...args),
    };
    const gate = new Gate();
    // A deadline past the test's timeout: the answer must not wait for it.
    const app = lockedApp({ store, waitMs: 10_000, storeTimeoutMs: 10_000 }, gate);
    const send = () => request(app).post('/fail').set('Idempotency-Key', KEY).send({});
    let first: Promise<request.Response> | undefined;
    if (broken > 1) {
      // The first fails and releases its key: the duplicate waiting for it asks again.
      first = send().then((res) => res);
      await gate.entered();
    }
    const answered = send().then((res) => res);
    await sleep(30);
    gate.open();
    if (first !== undefined) expect((await first).status).toBe(500);
    const res = await answered;
    expect([res.status, res.headers['retry-after']]).toEqual([503, '5']);
    expect(acquires).toBe(broken);
    inner.shutdown();
  });

  it.each(THENABLE_FAULTS)(
    'lets onIdle() resolve after a first answer whose %s was answered 503',
    async (fault) => {
      const inner = new MemoryLockStore();
      const store: OperationLockStore = {
        acquire: () => brokenThenable<LockAcquisition>(fault),
        complete: (...args) => inner.complete(...args),
        release: (...args) => inner.release(...args),
        renew: (...args) => inner.renew(...args),
      };
      const lock = operationLock({ store, logger: false });
      const app = express();
      app.post('/orders', lock, (_req, res) => {
        res.status(201).end();
      });
      app.use(errorHandler({ logger: false }));
      const res = await request(app).post('/orders').set('Idempotency-Key', KEY).send({});
      const idle = await Promise.race([
        lock.onIdle().then(() => 'idle'),
        sleep(1000).then(() => 'still pending'),
      ]);
      expect([res.status, idle]).toEqual([503, 'idle']);
      inner.shutdown();
    },
  );
});

describe("operationLock when its store's promise-like answer to release or renew throws", () => {
  /** A memory lock store (`inner`) behind every method that `broken` does not replace. */
  function storeOver(broken: Partial<OperationLockStore>) {
    const inner = new MemoryLockStore();
    const store: OperationLockStore = {
      acquire: (...args) => inner.acquire(...args),
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
      ...broken,
    };
    return { inner, store };
  }

  it('lets onIdle() resolve once the release of a lock granted late has a then() that throws', async () => {
    let grant: (() => void) | undefined;
    let releases = 0;
    const { inner, store } = storeOver({
      acquire: (...args) =>
        new Promise((resolve) => {
          grant = () => resolve(inner.acquire(...args));
        }),
      release: () => {
        releases += 1;
        return brokenThenable<boolean>('then() throws');
      },
    });
    const lock = operationLock({ store, storeTimeoutMs: 20, logger: false });
    const app = express();
    app.post('/orders', lock, (_req, res) => {
      res.status(201).end();
    });
    app.use(errorHandler({ logger: false }));
    const res = await request(app).post('/orders').set('Idempotency-Key', KEY).send({});
    expect(res.status).toBe(503);
    grant!();
    const idle = await Promise.race([
      lock.onIdle().then(() => 'idle'),
      sleep(1000).then(() => 'still pending'),
    ]);
    expect([idle, releases]).toEqual(['idle', 1]);
    inner.shutdown();
  });

  it.each(THENABLE_FAULTS)(
    'counts a renewal whose %s as a failed store call, and renews again',
    async (fault) => {
      let renewals = 0;
      const { inner, store } = storeOver({
        renew: (...args) =>
          ++renewals === 1 ? brokenThenable<boolean>(fault) : inner.renew(...args),
      });
      const logs = captureLogs();
      const gate = new Gate();
      // A renewal every 100 ms while the handler is held.
      const app = lockedApp(
        { store, lockTtlMs: 300, storeTimeoutMs: 10_000, logger: logs.logger },
        gate,
      );
      const sent = request(app)
        .post('/orders')
        .set('Idempotency-Key', KEY)
        .send({})
        .then((res) => res);
      await gate.entered();
      for (let waited = 0; renewals < 2 && waited < 2000; waited += 10) await sleep(10);
      gate.open();
      expect((await sent).status).toBe(201);
      expect(renewals).toBeGreaterThan(1);
      await flushed();
      expect(
        logs.lines.map(({ code, err }) => [code, (err as { message?: string }).message]),
      ).toEqual([['OPERATION_LOCK_STORE_UNAVAILABLE', 'connection lost']]);
      inner.shutdown();
    },
  );
});
