/**
 * Redis's clock (`TIME`) is the wall clock of Redis's host: an NTP step, a VM
 * restored from a snapshot or a failover to a replica whose clock is behind
 * sets it back. These tests step the store's clock back an hour (through the
 * `argument` clock, `now`) between requests to a limiter on a real Redis, and
 * follow a client that waits as each `Retry-After` tells it (RFC 9110
 * §10.2.3: the time after which to retry): it must be let through within the
 * policy's own bound on the new clock, never an hour later, and no quota
 * comes back with the step.
 */
import express from 'express';
import request from 'supertest';
import { RedisStore, errorHandler, rateLimit, type RateLimitOptions } from '../../src/index.js';
import type { Algorithm } from '../../src/stores/algorithms.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';

const HOUR_MS = 3_600_000;
const WINDOW_MS = 60_000;
const LIMIT = 5;

describeWithRedis('RedisStore after Redis’s clock stepped back an hour', () => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient('ioredis');
  });
  afterAll(async () => {
    await connection.close();
  });

  /** An app limited on Redis, on a clock the test moves (`clock.now`), with no deny cache. */
  function limited(clock: { now: number }, options: Partial<RateLimitOptions>) {
    const app = express();
    const store = new RedisStore({
      client: connection.client,
      prefix: uniquePrefix(),
      now: () => clock.now,
    });
    app.use(
      rateLimit({
        limit: LIMIT,
        windowMs: WINDOW_MS,
        logger: false,
        denyCache: false,
        store,
        ...options,
      } as RateLimitOptions),
    );
    app.get('/', (_req, res) => res.send('ok'));
    app.use(errorHandler({ logger: false }));
    return app;
  }

  /**
   * Follows a client that, refused, waits as `Retry-After` says and asks
   * again, until it is let through: what it was told, and how long it waited.
   */
  async function waitAsTold(app: express.Express, clock: { now: number }) {
    const refusals: { status: number; retryAfter: number }[] = [];
    const start = clock.now;
    // Bounded: a client kept out for hours is told so in a few answers, not hundreds.
    for (let i = 0; i < 50; i++) {
      const res = await request(app).get('/');
      if (res.status === 200) return { refusals, waitedMs: clock.now - start };
      const retryAfter = Number(res.get('Retry-After'));
      refusals.push({ status: res.status, retryAfter });
      clock.now += retryAfter * 1000;
    }
    throw new Error(`still refused after ${refusals.length} waits: ${JSON.stringify(refusals)}`);
  }

  // The longest the algorithm itself makes a client wait once it is refused: GCRA and the
  // fixed window, one window; the sliding window, whose previous count fades over the next
  // window, two.
  const bound: Record<Algorithm, number> = {
    gcra: WINDOW_MS,
    'fixed-window': WINDOW_MS,
    'sliding-window': 2 * WINDOW_MS,
  };

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s, a refused client is refused still, then let through within the algorithm’s own wait, never the hour',
    async (algorithm) => {
      const clock = { now: 1_700_000_000_000 + 12_345 };
      const app = limited(clock, { algorithm });
      for (let i = 0; i < LIMIT; i++) await request(app).get('/').expect(200);
      await request(app).get('/').expect(429);
      clock.now -= HOUR_MS;
      const { refusals, waitedMs } = await waitAsTold(app, clock);
      // No quota came back with the step: the first request after it is refused.
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals.every(({ status }) => status === 429)).toBe(true);
      for (const { retryAfter } of refusals) {
        expect(retryAfter * 1000).toBeLessThanOrEqual(bound[algorithm]);
      }
      expect(waitedMs).toBeLessThanOrEqual(bound[algorithm]);
    },
  );

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s, a blocked client is blocked (403.30) at most the block’s duration, never the hour',
    async (algorithm) => {
      const clock = { now: 1_700_000_000_000 + 12_345 };
      const durationMs = 600_000;
      const app = limited(clock, {
        algorithm,
        block: { after: 1, withinMs: WINDOW_MS, durationMs },
      });
      for (let i = 0; i < LIMIT; i++) await request(app).get('/').expect(200);
      await request(app).get('/').expect(403);
      clock.now -= HOUR_MS;
      const { refusals, waitedMs } = await waitAsTold(app, clock);
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals[0]!.status).toBe(403);
      for (const { retryAfter } of refusals) {
        expect(retryAfter * 1000).toBeLessThanOrEqual(durationMs);
      }
      expect(waitedMs).toBeLessThanOrEqual(durationMs);
    },
  );

  it('with gcra, a charge refunded after the step gives back what it still holds, not what a later one spent', async () => {
    const clock = { now: 1_700_000_000_000 };
    const store = new RedisStore({
      client: connection.client,
      prefix: uniquePrefix(),
      now: () => clock.now,
    });
    store.init({
      algorithm: 'gcra',
      windows: [{ limit: 1, windowMs: 1000, name: 'w' }],
      block: undefined,
    });
    const slow = await store.consume('k', 1);
    clock.now += 1000;
    // The slow request's share is paid back: this one's is what the key owes.
    expect((await store.consume('k', 1)).allowed).toBe(true);
    clock.now -= HOUR_MS;
    await store.refund('k', 1, undefined, slow.chargedAt);
    expect((await store.consume('k', 1)).allowed).toBe(false);
  });
});

describeWithRedis('RedisStore’s key clock without a step back', () => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient('ioredis');
  });
  afterAll(async () => {
    await connection.close();
  });

  it('a block shortened by a new deploy sets no key’s clock ahead: what was spent in the window still counts', async () => {
    // A rolling deploy shortens the block from an hour to 10 minutes while a key is blocked;
    // the clock never steps. The window's count must still hold for the rest of its hour.
    const clock = { now: 1_700_000_000_000 };
    const prefix = uniquePrefix();
    const windows = [{ limit: 2, windowMs: HOUR_MS, name: 'w' }];
    const store = (durationMs: number) => {
      const made = new RedisStore({ client: connection.client, prefix, now: () => clock.now });
      made.init({
        algorithm: 'fixed-window',
        windows,
        block: { after: 2, withinMs: HOUR_MS, durationMs },
      });
      return made;
    };
    const before = store(HOUR_MS);
    expect((await before.consume('k', 1)).allowed).toBe(true);
    expect((await before.consume('k', 1)).allowed).toBe(true);
    expect((await before.consume('k', 1)).blockedMs).toBe(0);
    expect((await before.consume('k', 1)).blockedMs).toBe(HOUR_MS);
    clock.now += 60_000;
    const after = store(600_000);
    const blocked = await after.consume('k', 1);
    expect(blocked.blockedMs).toBeGreaterThan(0);
    expect(blocked.blockedMs).toBeLessThanOrEqual(600_000);
    clock.now += blocked.blockedMs;
    // 11 minutes into the window of an hour whose 2 were spent: refused, not a new quota, and
    // the refusals counted since start no later than the shortened block's end.
    expect((await after.consume('k', 1)).allowed).toBe(false);
    clock.now += 1000;
    expect((await after.consume('k', 1)).allowed).toBe(false);
  });
});
