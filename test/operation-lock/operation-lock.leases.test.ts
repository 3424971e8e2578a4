import request from 'supertest';
import { MemoryLockStore, type OperationLockStore } from '../../src/index.js';
import { abandonedOrder, Gate, lockedApp } from '../helpers/lock-app.js';
import { KEY, lockStores, useLockStore, type LockClock } from '../helpers/lock-stores.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { sleep } from '../helpers/event-loop.js';

describe.each(lockStores())('operationLock on %s', (_name, makeStore) => {
  let clock: LockClock;
  let store: OperationLockStore;
  let gate: Gate;
  const { app, order } = useLockStore(makeStore, (made) => ({ clock, store, gate } = made));

  describe('leases', () => {
    it('renews the lease of a handler slower than it, so that no duplicate runs meanwhile', async () => {
      let renewals = 0;
      const renew = store.renew.bind(store);
      store.renew = (...args) => {
        renewals++;
        return renew(...args);
      };
      // The lease is 300 ms of the store's clock; renewals come every 100 ms of real time.
      const target = app({ lockTtlMs: 300 });
      const first = order(target).then((res) => res);
      await gate.entered();
      for (let step = 0; step < 3; step++) {
        const before = renewals;
        clock.advance(250);
        while (renewals === before) await sleep(20);
        // Wait for the renewal to land before moving the clock again.
        await sleep(20);
      }
      // 750 ms of store time have passed, far beyond one lease: still locked.
      expect((await order(target)).status).toBe(409);
      gate.open();
      expect((await first).status).toBe(201);
      expect(gate.runs).toBe(1);
    });

    it('changes nothing when an owner whose lease expired completes: the later owner’s response is kept', async () => {
      const logs = captureLogs();
      const target = app({ replay: true, lockTtlMs: 1000, logger: logs.logger });
      const stale = order(target).then((res) => res);
      await gate.entered(1);
      clock.advance(1000); // the first lease runs out with nothing renewing it in time
      const fresh = order(target).then((res) => res);
      await gate.entered(2);
      gate.open();
      const [staleRes, freshRes] = await Promise.all([stale, fresh]);
      expect(new Set([staleRes.body.id, freshRes.body.id])).toEqual(new Set([1, 2]));
      const replayed = await order(target);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      // Whichever finished first, only the owner that held the lock at its end is recorded.
      expect(replayed.body).toEqual({ id: 2, item: 'book' });
      await flushed();
      expect(logs.lines.filter((line) => line.code === 'OPERATION_LOCK_LEASE_LOST')).toEqual([
        expect.objectContaining({ level: 40, leasesLost: 1 }),
      ]);
    });
  });
});

describe('operationLock after a client left', () => {
  const order = (target: ReturnType<typeof lockedApp>) =>
    request(target).post('/orders').set('Idempotency-Key', KEY).send({ item: 'book' });

  it('renews the lock of a request whose client left for ten leases more, then lets it run out', async () => {
    // On the store's own clock: the renewals must move the lease along real time.
    const inner = new MemoryLockStore();
    const gate = new Gate();
    // The client leaves while the lock is being taken, before the close could be listened for.
    let letAcquire!: () => void;
    const acquiring = new Promise<void>((resolve) => (letAcquire = resolve));
    let first = true;
    const delayed: OperationLockStore = {
      acquire: async (...args) => {
        if (first) {
          first = false;
          await acquiring;
        }
        return inner.acquire(...args);
      },
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
    };
    const lockTtlMs = 200; // renewed every 66 ms; ten leases are 2 s
    const target = lockedApp({ store: delayed, storeTimeoutMs: 10_000, lockTtlMs }, gate);
    const client = await abandonedOrder(target, KEY);
    const retryStatus = () =>
      Promise.race([
        order(target).then((res) => res.status),
        gate.entered(2).then(() => 'ran a second time'),
      ]);
    try {
      await sleep(50); // while the lock is being taken
      await client.abort();
      letAcquire();
      await gate.entered(); // the handler runs, and will never end its response
      // Renewed after the client left: two leases on, the key is still held.
      await sleep(2 * lockTtlMs);
      expect(await retryStatus()).toBe(409);
      // Ten leases after the close nothing renews it, and it runs out.
      await sleep(10 * lockTtlMs + 2 * lockTtlMs);
      expect(await retryStatus()).toBe('ran a second time');
    } finally {
      gate.open();
      await client.close();
      inner.shutdown();
    }
  });
});
