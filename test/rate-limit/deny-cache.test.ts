import express from 'express';
import request from 'supertest';
import {
  MemoryStore,
  RedisStore,
  errorHandler,
  rateLimit,
  type RateLimitDecision,
  type RateLimitOptions,
  type RateLimitPolicy,
  type RateLimitStore,
} from '../../src/index.js';
import { DenyCache } from '../../src/rate-limit/deny-cache.js';
import { fakeClock } from '../helpers/clock.js';
import { expectOptionError } from '../helpers/option-error.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';
import { heapBytes } from '../helpers/heap.js';

/** Any store, with every consume() it receives counted: what a round trip would be. */
class CountingStore implements RateLimitStore {
  consumed = 0;
  readonly perRequestLimits = true;
  constructor(private readonly inner: RateLimitStore) {}
  init(policy: RateLimitPolicy) {
    this.inner.init(policy);
  }
  consume(key: string, cost: number, limit?: number) {
    this.consumed++;
    return this.inner.consume(key, cost, limit);
  }
  refund(key: string, cost: number, limit?: number) {
    return this.inner.refund(key, cost, limit);
  }
  reset(key: string) {
    return this.inner.reset(key);
  }
}

function appWith(store: RateLimitStore, options: Partial<RateLimitOptions> = {}) {
  const limiter = rateLimit({
    limit: 2,
    windowMs: 60_000,
    algorithm: 'fixed-window',
    key: (req) => req.get('x-user') ?? 'ada',
    cost: (req) => Number(req.get('x-cost') ?? 1),
    logger: false,
    store,
    ...options,
  } as RateLimitOptions);
  const app = express();
  app.use(limiter);
  app.get('/', (_req, res) => {
    res.json({});
  });
  app.use(errorHandler({ logger: false }));
  return { app, limiter };
}

const statuses = async (app: express.Express, count: number, user = 'ada') => {
  const seen: number[] = [];
  for (let i = 0; i < count; i++)
    seen.push((await request(app).get('/').set('X-User', user)).status);
  return seen;
};

describe('rateLimit: the deny cache', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => jest.useRealTimers());

  it('refuses a refused client until its wait ends without asking the store again', async () => {
    const clock = fakeClock();
    const store = new CountingStore(new MemoryStore({ now: clock.now }));
    const { app } = appWith(store);
    expect(await statuses(app, 50)).toEqual([200, 200, ...Array<number>(48).fill(429)]);
    expect(store.consumed).toBe(3);
    // The store's window ends: the next request asks the store again, and passes.
    clock.advance(60_000);
    jest.advanceTimersByTime(60_000);
    expect(await statuses(app, 1)).toEqual([200]);
    expect(store.consumed).toBe(4);
  });

  it('answers a refusal it holds with the same headers, its wait counted down', async () => {
    const clock = fakeClock();
    const { app } = appWith(new CountingStore(new MemoryStore({ now: clock.now })));
    await statuses(app, 2);
    const fromStore = await request(app).get('/');
    clock.advance(20_500);
    jest.advanceTimersByTime(20_500);
    const fromCache = await request(app).get('/');
    expect(fromStore.status).toBe(429);
    expect(fromCache.status).toBe(429);
    const headers = (res: request.Response) => ({
      limit: res.headers['x-rate-limit-limit'],
      remaining: res.headers['x-rate-limit-remaining'],
      reset: res.headers['x-rate-limit-reset'],
      retryAfter: res.headers['retry-after'],
    });
    expect(headers(fromStore)).toEqual({
      limit: '2',
      remaining: '0',
      reset: '60',
      retryAfter: '60',
    });
    expect(headers(fromCache)).toEqual({
      limit: '2',
      remaining: '0',
      reset: '40',
      retryAfter: '40',
    });
    expect({ ...fromCache.body, requestId: 'x' }).toEqual({ ...fromStore.body, requestId: 'x' });
  });

  it('asks the store for a cheaper request than the one refused', async () => {
    const store = new CountingStore(new MemoryStore({ now: fakeClock().now }));
    const { app } = appWith(store);
    await request(app).get('/');
    expect((await request(app).get('/').set('X-Cost', '2')).status).toBe(429);
    expect((await request(app).get('/').set('X-Cost', '2')).status).toBe(429);
    expect(store.consumed).toBe(2);
    expect((await request(app).get('/').set('X-Cost', '1')).status).toBe(200);
    expect(store.consumed).toBe(3);
  });

  it('keeps every 429 going to the store under a block policy, and holds the block', async () => {
    const store = new CountingStore(new MemoryStore({ now: fakeClock().now }));
    const { app } = appWith(store, { block: { after: 3, withinMs: 60_000, durationMs: 60_000 } });
    expect(await statuses(app, 10)).toEqual([200, 200, 429, 429, 403, 403, 403, 403, 403, 403]);
    // 2 allowed and 3 refusals counted by the store (the third starts the block); then the cache.
    expect(store.consumed).toBe(5);
  });

  it('forgets a client on resetKey()', async () => {
    const store = new CountingStore(new MemoryStore({ now: fakeClock().now }));
    const { app, limiter } = appWith(store);
    await statuses(app, 3);
    await limiter.resetKey('ada');
    expect(await statuses(app, 1)).toEqual([200]);
    expect(store.consumed).toBe(4);
  });

  it('is off for MemoryStore by default, and when set to false', async () => {
    const memory = new MemoryStore({ now: fakeClock().now });
    const counting = new CountingStore(new MemoryStore({ now: fakeClock().now }));
    for (const [store, denyCache] of [
      [memory, undefined],
      [counting, false],
    ] as const) {
      const consume = jest.spyOn(store, 'consume');
      const { app } = appWith(store, { denyCache });
      await statuses(app, 10);
      expect(consume).toHaveBeenCalledTimes(10);
    }
  });

  it('is off by default for a store that says inProcess, as a MemoryStore of another build does', async () => {
    // Another copy of the module, as an app that loads both the ESM and the CommonJS build has.
    let copy: typeof import('../../src/stores/memory-store.js') | undefined;
    jest.isolateModules(() => {
      copy = jest.requireActual<typeof import('../../src/stores/memory-store.js')>(
        '../../src/stores/memory-store.js',
      );
    });
    const otherBuild = new copy!.MemoryStore({ now: fakeClock().now });
    expect(otherBuild).not.toBeInstanceOf(MemoryStore);
    const ownStore = Object.assign(new CountingStore(new MemoryStore({ now: fakeClock().now })), {
      inProcess: true,
    });
    for (const store of [otherBuild, ownStore]) {
      const consume = jest.spyOn(store, 'consume');
      const { app } = appWith(store);
      expect(await statuses(app, 10)).toEqual([200, 200, ...Array<number>(8).fill(429)]);
      expect(consume).toHaveBeenCalledTimes(10);
    }
  });

  it.each([
    [
      'yes',
      'ERR_EAE_OPTION_TYPE',
      'rateLimit(): `denyCache` must be a boolean or { maxKeys }, got "yes"',
    ],
    [
      [],
      'ERR_EAE_OPTION_TYPE',
      'rateLimit(): `denyCache` must be a boolean or { maxKeys }, got []',
    ],
    [
      { maxKey: 5 },
      'ERR_EAE_UNKNOWN_OPTION',
      /^rateLimit\(\): `denyCache.maxKey` is not an option. Did you mean `denyCache.maxKeys`\?/,
    ],
    [
      { maxKeys: 0 },
      'ERR_EAE_OPTION_RANGE',
      'rateLimit(): `denyCache.maxKeys` must be a whole number from 1 to 10,000,000, got 0',
    ],
  ] as const)('refuses denyCache %j at start-up', (denyCache, code, message) => {
    expectOptionError(
      () => rateLimit({ limit: 1, windowMs: 1000, logger: false, denyCache: denyCache as never }),
      code,
      message,
    );
  });
});

describe('DenyCache', () => {
  const refused: RateLimitDecision = {
    allowed: false,
    window: 0,
    remaining: 0,
    resetMs: 1000,
    retryAfterMs: 1000,
    blockedMs: 0,
  };

  it('keeps at most maxKeys clients, forgetting the oldest', () => {
    const cache = new DenyCache(3, true);
    for (let i = 0; i < 10; i++) cache.remember(`client-${i}`, 1, undefined, refused);
    expect(cache.size).toBe(3);
    expect(cache.refusalFor('client-0', 1, undefined)).toBeUndefined();
    expect(cache.refusalFor('client-9', 1, undefined)).toMatchObject({ allowed: false });
  });

  it('keeps a flood of long distinct clients within 400 bytes each: long keys are kept as digests', () => {
    const cache = new DenyCache(10_000, true);
    // Flat 8 KB strings, as a request header would give them.
    const header = Buffer.alloc(8192, 'k');
    const keyOf = (i: number) => {
      header.write(String(i).padStart(8, '0'));
      return header.toString('latin1');
    };
    const keys = 10_000;
    // Refused for an hour: the cache counts down on the real clock, and a loaded machine is slow.
    const forAnHour = { ...refused, resetMs: 3_600_000, retryAfterMs: 3_600_000 };
    const before = heapBytes();
    for (let i = 0; i < keys; i++) cache.remember(keyOf(i), 1, undefined, forAnHour);
    const grown = heapBytes() - before;
    expect(cache.size).toBe(keys);
    expect(grown / keys).toBeLessThan(400);
    // Still held per client.
    expect(cache.refusalFor(keyOf(0), 1, undefined)).toMatchObject({ allowed: false });
    expect(cache.refusalFor(keyOf(keys), 1, undefined)).toBeUndefined();
    cache.forget(keyOf(0));
    expect(cache.refusalFor(keyOf(0), 1, undefined)).toBeUndefined();
  });

  it('holds nothing for a request of cost 0, or under another limit', () => {
    const cache = new DenyCache(3, true);
    cache.remember('a', 1, 5, refused);
    expect(cache.refusalFor('a', 0, 5)).toBeUndefined();
    expect(cache.refusalFor('a', 1, 6)).toBeUndefined();
    expect(cache.refusalFor('a', 1, 5)).toMatchObject({ allowed: false });
  });
});

describeWithRedis('rateLimit: the deny cache on Redis', () => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient('ioredis');
  });
  afterAll(async () => {
    await connection.close();
  });

  it('is on by default, and two instances with their own caches still allow exactly the limit', async () => {
    const prefix = uniquePrefix();
    const stores = [0, 1].map(
      () => new CountingStore(new RedisStore({ client: connection.client, prefix })),
    );
    const apps = stores.map((store) => appWith(store, { limit: 20 }).app);
    const all = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(apps[i % 2]!)
          .get('/')
          .set('X-User', 'bob'),
      ),
    );
    expect(all.filter((res) => res.status === 200)).toHaveLength(20);
    // Then a flood: each instance asks Redis at most once more for the refused client.
    const before = stores.map((store) => store.consumed);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        request(apps[i % 2]!)
          .get('/')
          .set('X-User', 'bob'),
      ),
    );
    expect(stores.map((store, i) => store.consumed - before[i]!)).toEqual([0, 0]);
  });
});
