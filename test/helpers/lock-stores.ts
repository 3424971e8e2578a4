import request from 'supertest';
import {
  MemoryLockStore,
  RedisLockStore,
  type OperationLockOptions,
  type OperationLockStore,
} from '../../src/index.js';
import { fakeClock } from './clock.js';
import { Gate, lockedApp } from './lock-app.js';
import { connectClient, uniquePrefix } from './redis.js';

export type LockClock = ReturnType<typeof fakeClock>;
export type MakeLockStore = (
  clock: LockClock,
) => Promise<{ store: OperationLockStore; close(): Promise<void> }>;

/** The Idempotency-Key the behaviour tests send. */
export const KEY = '"order-7f3a"';

/**
 * The stores the lock's behaviour is tested on, by name: memory, and Redis
 * where the global set-up found it, else a skipped test says it is missing.
 * Called where a suite is declared, for `describe.each`.
 */
export function lockStores(): [string, MakeLockStore][] {
  const stores: [string, MakeLockStore][] = [
    [
      'MemoryLockStore',
      async (clock) => ({
        store: new MemoryLockStore({ now: clock.now }),
        close: async () => undefined,
      }),
    ],
  ];
  if (process.env.REDIS_AVAILABLE === '1') {
    stores.push([
      'RedisLockStore',
      async (clock) => {
        const connection = await connectClient('ioredis');
        const store = new RedisLockStore({
          client: connection.client,
          prefix: uniquePrefix(),
          now: clock.now,
        });
        return { store, close: connection.close };
      },
    ]);
  } else {
    it.skip('RedisLockStore: Redis does not answer at REDIS_URL (see the global set-up)', () =>
      undefined);
  }
  return stores;
}

/** What each test of a store's suite is given: the store, on a fake clock, and a closed gate. */
export interface LockStoreTest {
  readonly clock: LockClock;
  readonly store: OperationLockStore;
  readonly gate: Gate;
}

/**
 * Before each test, makes a store with `makeStore` on a fake clock and a
 * closed gate, and hands them to `use`; after it, opens the gate and shuts
 * the store down. Answers `app`, a `lockedApp` on the test's store and
 * gate, and `order`, a `POST /orders` to it with `KEY`.
 */
export function useLockStore(makeStore: MakeLockStore, use: (test: LockStoreTest) => void) {
  let current: (LockStoreTest & { close(): Promise<void> }) | undefined;
  beforeEach(async () => {
    const clock = fakeClock(1_700_000_000_000);
    const { store, close } = await makeStore(clock);
    current = { clock, store, gate: new Gate(), close };
    use(current);
  });
  afterEach(async () => {
    current!.gate.open();
    await current!.store.shutdown?.();
    await current!.close();
  });

  // A generous store deadline: on a loaded machine a Redis round trip can pass the default 500 ms,
  // and a timed-out acquire answers 503, which these tests of the lock's logic do not expect.
  const app = (options: OperationLockOptions = {}) =>
    lockedApp({ store: current!.store, storeTimeoutMs: 10_000, ...options }, current!.gate);
  const order = (target: ReturnType<typeof app>, body: object = { item: 'book' }, key = KEY) =>
    request(target).post('/orders').set('Idempotency-Key', key).send(body);
  return { app, order };
}
