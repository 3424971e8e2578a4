/**
 * Redis's clock (`TIME`) is the wall clock of Redis's host, which can be set
 * back (an NTP step, a VM restored from a snapshot, a failover to a replica
 * whose clock is behind). A lock whose owner died must free its key within
 * one lease of the new clock, and a record must be kept no longer than its
 * replay time, not an hour more. The store's clock is stepped back through
 * its `now` option, which the scripts read in place of `TIME`, on a real Redis.
 */
import { RedisLockStore } from '../../src/index.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';

const HOUR_MS = 3_600_000;
const LEASE_MS = 30_000;

describeWithRedis('RedisLockStore after Redis’s clock stepped back an hour', () => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient('ioredis');
  });
  afterAll(async () => {
    await connection.close();
  });

  function storeOn(clock: { now: number }) {
    return new RedisLockStore({
      client: connection.client,
      prefix: uniquePrefix(),
      now: () => clock.now,
    });
  }

  it('frees the key of an owner that died within one lease, never the hour', async () => {
    const clock = { now: 1_700_000_000_000 };
    const store = storeOn(clock);
    expect(await store.acquire('k', 'dead', 'f', LEASE_MS)).toEqual({ state: 'acquired' });
    clock.now += 10_000;
    clock.now -= HOUR_MS;
    // A duplicate (409.1 while it finds the key running) comes back when the lease says.
    const leases: number[] = [];
    const start = clock.now;
    for (let i = 0; i < 10; i++) {
      const found = await store.acquire('k', 'retry', 'f', LEASE_MS);
      if (found.state === 'acquired') break;
      expect(found.state).toBe('running');
      const { leaseMs } = found as { leaseMs: number };
      leases.push(leaseMs);
      clock.now += leaseMs;
    }
    expect(leases.length).toBeGreaterThan(0);
    for (const leaseMs of leases) expect(leaseMs).toBeLessThanOrEqual(LEASE_MS);
    expect(clock.now - start).toBeLessThanOrEqual(LEASE_MS);
  });

  it('keeps a live owner’s lock through the step: its renewal holds it for a lease of the new clock', async () => {
    const clock = { now: 1_700_000_000_000 };
    const store = storeOn(clock);
    await store.acquire('k', 'owner', 'f', LEASE_MS);
    clock.now -= HOUR_MS;
    expect(await store.renew('k', 'owner', LEASE_MS)).toBe(true);
    clock.now += LEASE_MS - 1;
    expect(await store.acquire('k', 'other', 'f', LEASE_MS)).toMatchObject({ leaseMs: 1 });
    expect(await store.complete('k', 'owner', 'response', 60_000)).toBe(true);
  });

  it('keeps a record no longer than its replay time of the new clock', async () => {
    const clock = { now: 1_700_000_000_000 };
    const store = storeOn(clock);
    const replayMs = 60_000;
    await store.acquire('k', 'owner', 'f', LEASE_MS);
    expect(await store.complete('k', 'owner', 'response', replayMs)).toBe(true);
    clock.now -= HOUR_MS;
    expect(await store.acquire('k', 'retry', 'f', LEASE_MS)).toMatchObject({ state: 'done' });
    clock.now += replayMs;
    expect(await store.acquire('k', 'retry', 'f', LEASE_MS)).toEqual({ state: 'acquired' });
  });
});
