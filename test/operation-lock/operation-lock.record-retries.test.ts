import express from 'express';
import request from 'supertest';
import {
  MemoryLockStore,
  errorHandler,
  operationLock,
  type OperationLockStore,
} from '../../src/index.js';
import { MAX_RECORD_BYTES_WAITING } from '../../src/operation-lock/record-retries.js';
import { brokenThenable, THENABLE_FAULTS } from '../helpers/broken-thenable.js';
import { fakeClock, freezePerformanceNow, shiftPerformanceNow } from '../helpers/clock.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { sleep } from '../helpers/event-loop.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

/**
 * A memory lock store whose `complete` fails (rejects) while `failures` is
 * above 0, counting down; `onFailure` runs before each failure, and
 * `recorded` resolves once a `complete` went through.
 */
class FailingCompleteStore implements OperationLockStore {
  readonly clock = fakeClock();
  readonly inner = new MemoryLockStore({ now: this.clock.now });
  completes = 0;
  onFailure = (): void => undefined;
  #recorded!: () => void;
  readonly recorded = new Promise<void>((resolve) => (this.#recorded = resolve));

  constructor(public failures: number) {}

  acquire(key: string, token: string, fingerprint: string, leaseMs: number) {
    return this.inner.acquire(key, token, fingerprint, leaseMs);
  }
  async complete(key: string, token: string, response: string, replayMs: number) {
    this.completes += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      this.onFailure();
      throw new Error(OOM);
    }
    const held = this.inner.complete(key, token, response, replayMs);
    this.#recorded();
    return held;
  }
  release(key: string, token: string) {
    return this.inner.release(key, token);
  }
  renew(key: string, token: string, leaseMs: number) {
    return this.inner.renew(key, token, leaseMs);
  }
}

describe('operationLock when its store fails to record a response', () => {
  let performanceClock: ReturnType<typeof freezePerformanceNow>;
  beforeEach(() => {
    performanceClock = freezePerformanceNow();
  });
  afterEach(() => performanceClock.restore());

  function appWith(store: OperationLockStore, lockTtlMs = 30_000) {
    const logs = captureLogs();
    const gate = new Gate();
    gate.open();
    const app = lockedApp({ store, replay: true, lockTtlMs, logger: logs.logger }, gate);
    const order = (path = '/orders') =>
      request(app).post(path).set('Idempotency-Key', '"order-7"').send({ amount: 100 });
    return { logs, gate, order };
  }

  it('asks the store again until it records the response, so that a retry is replayed and the handler runs once', async () => {
    const store = new FailingCompleteStore(3);
    const { logs, gate, order } = appWith(store);
    const first = await order();
    expect(first.status).toBe(201);
    await store.recorded;
    expect(store.completes).toBe(4);
    const retry = await order();
    expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([
      201,
      'true',
      first.body,
    ]);
    expect(gate.runs).toBe(1);
    await flushed();
    expect(logs.lines.map(({ code }) => code)).toEqual(['OPERATION_LOCK_STORE_UNAVAILABLE']);
  });

  it.each(
    THENABLE_FAULTS.flatMap((fault) => [
      ['at first', fault, 1] as const,
      ['a retry', fault, 2] as const,
    ]),
  )(
    'asks again when complete() answers %s with a promise-like whose %s, so that a retry is replayed and the handler runs once',
    async (_case, fault, broken) => {
      const inner = new MemoryLockStore();
      let completes = 0;
      const store: OperationLockStore = {
        acquire: (...args) => inner.acquire(...args),
        complete: (...args) => {
          completes += 1;
          // Before it, a failure as usual (a rejection): the broken answer comes to a retry.
          if (completes < broken) return Promise.reject(new Error(OOM));
          return completes === broken ? brokenThenable<boolean>(fault) : inner.complete(...args);
        },
        release: (...args) => inner.release(...args),
        renew: (...args) => inner.renew(...args),
      };
      const { logs, gate, order } = appWith(store);
      const first = await order();
      expect(first.status).toBe(201);
      // The retries come 50 ms, then 100 ms, after the failures.
      for (let waited = 0; completes <= broken && waited < 1000; waited += 10) await sleep(10);
      const retry = await order();
      expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([
        201,
        'true',
        first.body,
      ]);
      expect([gate.runs, completes]).toEqual([1, broken + 1]);
      await flushed();
      expect(logs.lines.map(({ code }) => code)).toEqual(['OPERATION_LOCK_STORE_UNAVAILABLE']);
      inner.shutdown();
    },
  );

  it('reads a refused retry as recorded when the failed call had landed (a connection dropped after Redis ran it), not as a lost lease', async () => {
    const inner = new MemoryLockStore();
    let completes = 0;
    const store: OperationLockStore = {
      acquire: (...args) => inner.acquire(...args),
      async complete(...args) {
        completes += 1;
        const held = inner.complete(...args);
        if (completes === 1) throw new Error('Socket closed unexpectedly');
        return held;
      },
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
    };
    const { logs, gate, order } = appWith(store);
    const first = await order();
    expect(first.status).toBe(201);
    while (completes < 2) await sleep(10);
    await flushed();
    const retry = await order();
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(gate.runs).toBe(1);
    expect(logs.lines.map(({ code }) => code)).toEqual(['OPERATION_LOCK_STORE_UNAVAILABLE']);
  });

  it('gives up as the lease is about to run out, says the response was not recorded, and leaves the key to its lease', async () => {
    const store = new FailingCompleteStore(Infinity);
    const { logs, gate, order } = appWith(store, 10_000);
    // At its third attempt, the store has failed for 9.9 s of the 10 s lease, as far as the lease can tell.
    const thirdFailure = new Promise<void>((resolve) => {
      store.onFailure = () => {
        if (store.completes < 3) return;
        performanceClock.advance(9_900);
        resolve();
      };
    });
    expect((await order()).status).toBe(201);
    await thirdFailure;
    await flushed();
    expect(
      logs.lines.map(({ code, reason, notRecorded, err }) => ({ code, reason, notRecorded, err })),
    ).toEqual([
      {
        code: 'OPERATION_LOCK_STORE_UNAVAILABLE',
        reason: undefined,
        notRecorded: undefined,
        err: expect.objectContaining({ message: OOM }),
      },
      {
        code: 'OPERATION_LOCK_NOT_RECORDED',
        reason: 'store-failed',
        notRecorded: 1,
        err: expect.objectContaining({ message: OOM }),
      },
    ]);
    // Not released: a retry gets 409.1 until the lease runs out, and the store is asked nothing more.
    expect((await order()).status).toBe(409);
    expect(store.completes).toBe(3);
    expect(gate.runs).toBe(1);
  });

  it('gives up at the first failure on a response past the bytes the waiting responses may hold', async () => {
    const store = new FailingCompleteStore(Infinity);
    const logs = captureLogs();
    const gate = new Gate();
    gate.open();
    const app = lockedApp(
      { store, replay: true, maxBodyBytes: 512 * 1024 * 1024, logger: logs.logger },
      gate,
    );
    const bytes = MAX_RECORD_BYTES_WAITING / 2 + 1; // two bytes a character: past the cap
    const res = await request(app)
      .post(`/big?bytes=${bytes}`)
      .set('Idempotency-Key', '"big"')
      .send({});
    expect(res.status).toBe(200);
    await flushed();
    expect(store.completes).toBe(1);
    expect(logs.lines.map(({ code, reason }) => ({ code, reason }))).toEqual([
      { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', reason: undefined },
      { code: 'OPERATION_LOCK_NOT_RECORDED', reason: 'store-failed' },
    ]);
  });

  it('gives up at the first failure on a response to a request whose body is past the bytes the waiting responses may hold', async () => {
    const store = new FailingCompleteStore(Infinity);
    const logs = captureLogs();
    const app = express();
    app.use(express.raw({ limit: MAX_RECORD_BYTES_WAITING * 2 }));
    app.post(
      '/uploads',
      operationLock({ store, replay: true, logger: logs.logger }),
      (_req, res) => {
        res.status(201).json({ stored: true });
      },
    );
    app.use(errorHandler({ logger: false }));
    const res = await request(app)
      .post('/uploads')
      .set('Idempotency-Key', '"upload"')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.alloc(MAX_RECORD_BYTES_WAITING));
    expect(res.status).toBe(201);
    await flushed();
    expect(store.completes).toBe(1);
    expect(logs.lines.map(({ code, reason }) => ({ code, reason }))).toEqual([
      { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', reason: undefined },
      { code: 'OPERATION_LOCK_NOT_RECORDED', reason: 'store-failed' },
    ]);
  });

  it.each([
    ['a record', true, 'complete'],
    ['a release', false, 'release'],
  ] as const)(
    'counts %s that fails after `storeTimeoutMs` once, as the call that timed out, not twice',
    async (_case, replay, fails) => {
      performanceClock.restore(); // the store's deadline runs on the real clock
      const inner = new MemoryLockStore();
      const late = () =>
        new Promise<boolean>((_resolve, reject) =>
          setTimeout(() => reject(new Error('Connection closed')), 500),
        );
      const store: OperationLockStore = {
        acquire: async (...args) => inner.acquire(...args),
        complete: (...args) =>
          fails === 'complete' ? late() : Promise.resolve(inner.complete(...args)),
        release: (...args) =>
          fails === 'release' ? late() : Promise.resolve(inner.release(...args)),
        renew: async (...args) => inner.renew(...args),
      };
      // Past the deadline and the extra time a late timer may give (50 ms at most), well before
      // the rejection.
      await expectOneFailedCall(store, replay, 700);
      inner.shutdown();
    },
  );

  it.each<[string, boolean, 'complete' | 'release']>([
    ['a record', true, 'complete'],
    ['a release', false, 'release'],
  ])(
    'counts %s whose then() throws as one failed call, not once more at its deadline',
    async (_case, replay, broken) => {
      performanceClock.restore(); // the store's deadline runs on the real clock
      const inner = new MemoryLockStore();
      const calls = { complete: 0, release: 0 };
      const store: OperationLockStore = {
        acquire: (...args) => inner.acquire(...args),
        complete: (...args) =>
          ++calls.complete === 1 && broken === 'complete'
            ? brokenThenable<boolean>('then() throws')
            : inner.complete(...args),
        release: (...args) =>
          ++calls.release === 1 && broken === 'release'
            ? brokenThenable<boolean>('then() throws')
            : inner.release(...args),
        renew: (...args) => inner.renew(...args),
      };
      // Past the deadline and the extra time a late timer may give (50 ms at most).
      await expectOneFailedCall(store, replay, 200);
      inner.shutdown();
    },
  );

  it.each([
    ['a record', true, 'complete'],
    ['a release', false, 'release'],
  ] as const)(
    'counts %s that does not answer within `storeTimeoutMs` as a failed store call: the outage is told',
    async (_case, replay, hangs) => {
      performanceClock.restore(); // the store's deadline runs on the real clock
      const inner = new MemoryLockStore();
      const calls = { complete: 0, release: 0 };
      const never = () => new Promise<boolean>(() => undefined);
      const store: OperationLockStore = {
        acquire: async (...args) => inner.acquire(...args),
        complete: (...args) => {
          calls.complete += 1;
          return hangs === 'complete' ? never() : Promise.resolve(inner.complete(...args));
        },
        release: (...args) => {
          calls.release += 1;
          return hangs === 'release' ? never() : Promise.resolve(inner.release(...args));
        },
        renew: async (...args) => inner.renew(...args),
      };
      const logs = captureLogs();
      const gate = new Gate();
      gate.open();
      const app = lockedApp({ store, replay, storeTimeoutMs: 50, logger: logs.logger }, gate);
      const res = await request(app).post('/orders').set('Idempotency-Key', '"k"').send({});
      expect(res.status).toBe(201);
      await sleep(150);
      await flushed();
      expect(calls[hangs]).toBe(1); // not asked again: it may still land
      expect(logs.lines.map(({ code, err }) => ({ code, err }))).toEqual([
        {
          code: 'OPERATION_LOCK_STORE_UNAVAILABLE',
          err: expect.objectContaining({
            message: 'The operation-lock store did not answer within 50 ms',
          }),
        },
      ]);
    },
  );
});

/**
 * Sends a request whose record or release fails once, waits `waitMs`, then
 * sends another 30 s later: the outage is told once and its recovery counts
 * one failed call.
 */
async function expectOneFailedCall(
  store: OperationLockStore,
  replay: boolean,
  waitMs: number,
): Promise<void> {
  const logs = captureLogs();
  const gate = new Gate();
  gate.open();
  const app = lockedApp({ store, replay, storeTimeoutMs: 50, logger: logs.logger }, gate);
  const send = (key: string) => request(app).post('/orders').set('Idempotency-Key', key).send({});
  expect((await send('"first"')).status).toBe(201);
  await sleep(waitMs);
  // 30 s later, an answer ends the outage and tells how many calls failed in it.
  const clock = shiftPerformanceNow();
  try {
    clock.advance(OUTAGE_QUIET_MS);
    expect((await send('"second"')).status).toBe(201);
  } finally {
    clock.restore();
  }
  await flushed();
  expect(logs.lines.map(({ code, failedCalls }) => ({ code, failedCalls }))).toEqual([
    { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', failedCalls: undefined },
    { code: 'OPERATION_LOCK_STORE_RECOVERED', failedCalls: 1 },
  ]);
}
