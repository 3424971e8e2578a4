import request from 'supertest';
import { MemoryLockStore, type OperationLockOptions } from '../../src/index.js';
import { MAX_TIMER_MS } from '../../src/time/timers.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { sleep } from '../helpers/event-loop.js';

const KEY = '"order-7f3a"';

/**
 * A duplicate that waits (`waitMs`) for the request it duplicates, on a
 * store that notifies (the memory store), races the store's notice against
 * a guard timer of its own: the wait plus `storeTimeoutMs`.
 */
describe('operationLock: a waiting duplicate’s guard timer', () => {
  let acquires: number;
  let store: MemoryLockStore;
  let gate: Gate;
  let setTimeoutSpy: jest.SpiedFunction<typeof setTimeout>;
  let clearTimeoutSpy: jest.SpiedFunction<typeof clearTimeout>;

  beforeEach(() => {
    acquires = 0;
    store = new MemoryLockStore();
    const acquire = store.acquire.bind(store);
    store.acquire = (...args) => {
      acquires++;
      return acquire(...args);
    };
    gate = new Gate();
    setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    clearTimeoutSpy = jest.spyOn(global, 'clearTimeout');
  });
  afterEach(() => {
    setTimeoutSpy.mockRestore();
    clearTimeoutSpy.mockRestore();
    gate.open();
    store.shutdown();
  });

  const order = (app: ReturnType<typeof lockedApp>) =>
    request(app).post('/orders').set('Idempotency-Key', KEY).send({ item: 'book' });

  it.each<[string, OperationLockOptions]>([
    ['storeTimeoutMs at its maximum', { storeTimeoutMs: MAX_TIMER_MS, waitMs: 5000 }],
    ['lockTtlMs and waitMs at their maximum', { lockTtlMs: MAX_TIMER_MS, waitMs: MAX_TIMER_MS }],
  ])(
    'with %s, asks the store again only once the first request ends, on no timer past MAX_TIMER_MS',
    async (_case, options) => {
      const app = lockedApp({ store, replay: true, ...options }, gate);
      const first = order(app).then((res) => res);
      await gate.entered();
      const duplicate = order(app).then((res) => res);
      for (let attempt = 0; acquires < 2 && attempt < 200; attempt++) await sleep(5);
      await sleep(100);
      // Asked once each; a guard timer that overflowed would have fired after 1 ms, again and again.
      expect(acquires).toBe(2);
      gate.open();
      const [a, b] = await Promise.all([first, duplicate]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(acquires).toBe(3);
      const overflowing = setTimeoutSpy.mock.calls
        .map(([, ms]) => ms)
        .filter((ms) => ms !== undefined && ms > MAX_TIMER_MS);
      expect(overflowing).toEqual([]);
    },
  );

  it('clears the guard timer of a duplicate the store’s notice woke', async () => {
    // The duplicate waits about 60 s for the notice: the guard is the one timer set past that.
    const app = lockedApp({ store, replay: true, waitMs: 60_000, lockTtlMs: 120_000 }, gate);
    const first = order(app).then((res) => res);
    await gate.entered();
    const duplicate = order(app).then((res) => res);
    for (let attempt = 0; acquires < 2 && attempt < 200; attempt++) await sleep(5);
    gate.open();
    const [a, b] = await Promise.all([first, duplicate]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBe('true');
    const guards = setTimeoutSpy.mock.calls.flatMap(([, ms], i) =>
      ms !== undefined && ms > 60_000 ? [setTimeoutSpy.mock.results[i]!.value as unknown] : [],
    );
    expect(guards).toHaveLength(1);
    const cleared = clearTimeoutSpy.mock.calls.some(([timer]) => timer === guards[0]);
    expect(cleared).toBe(true);
  });
});
