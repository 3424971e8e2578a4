import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { MAX_DURATION_MS } from '../../src/options/parse.js';
import { MAX_LIMIT, MAX_WINDOWS } from '../../src/rate-limit/options.js';
import { RedisStore, errorHandler, rateLimit, type RateLimitPolicy } from '../../src/index.js';
import type { Algorithm } from '../../src/stores/algorithms.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { expectOptionError } from '../helpers/option-error.js';
import {
  connectClient,
  describeWithRedis,
  uniquePrefix,
  type ClientKind,
} from '../helpers/redis.js';
import { sleep } from '../helpers/event-loop.js';

const policy = (
  algorithm: Algorithm,
  windows: { limit: number; windowMs: number }[],
  block?: RateLimitPolicy['block'],
): RateLimitPolicy => ({
  algorithm,
  windows: windows.map((w, i) => ({ ...w, name: `w${i}` })),
  block,
});

describeWithRedis.each<ClientKind>(['ioredis', 'node-redis'])('RedisStore with %s', (kind) => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient(kind);
  });
  afterAll(async () => {
    await connection.close();
  });

  function storeWith(p: RateLimitPolicy, prefix = uniquePrefix(), now?: () => number) {
    const store = new RedisStore({ client: connection.client, prefix, now });
    store.init(p);
    return store;
  }

  /** One raw command through whichever client this suite runs with. */
  function send(args: string[]): Promise<unknown> {
    return kind === 'ioredis'
      ? (connection.client as { call: (...a: string[]) => Promise<unknown> }).call(...args)
      : (connection.client as { sendCommand: (a: string[]) => Promise<unknown> }).sendCommand(args);
  }

  async function drain(store: RedisStore, key = 'k', max = 100) {
    let allowed = 0;
    while (allowed < max && (await store.consume(key, 1)).allowed) allowed++;
    return allowed;
  }

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s, allows exactly limit requests, then refuses with a wait',
    async (algorithm) => {
      const store = storeWith(policy(algorithm, [{ limit: 5, windowMs: 60_000 }]));
      expect(await drain(store)).toBe(5);
      const refused = await store.consume('k', 1);
      expect(refused).toMatchObject({ allowed: false, remaining: 0, blockedMs: 0 });
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(120_000);
    },
  );

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s, refuses after Redis’s clock stepped back, no fresh quota, until the time it says',
    async (algorithm) => {
      let now = 1_700_000_000_000;
      const store = storeWith(
        policy(algorithm, [{ limit: 5, windowMs: 60_000 }]),
        uniquePrefix(),
        () => now,
      );
      expect(await drain(store)).toBe(5);
      now -= 61_000;
      const refused = await store.consume('k', 1);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      // The algorithm's own wait on the new clock, not the step on top.
      expect(refused.retryAfterMs).toBeLessThanOrEqual(
        algorithm === 'sliding-window' ? 2 * 60_000 : 60_000,
      );
      now += refused.retryAfterMs - 1;
      expect((await store.consume('k', 1)).allowed).toBe(false);
      now += 1;
      expect((await store.consume('k', 1)).allowed).toBe(true);
    },
  );

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s, gives back only what a charge still holds when its refund comes late',
    async (algorithm) => {
      let now = 1_700_000_000_000;
      const store = storeWith(
        policy(algorithm, [{ limit: 2, windowMs: 1000 }]),
        uniquePrefix(),
        () => now,
      );
      const slow = await store.consume('k', 1);
      expect(slow.chargedAt).toBe(now);
      now += 2500;
      expect([
        (await store.consume('k', 1)).allowed,
        (await store.consume('k', 1)).allowed,
      ]).toEqual([true, true]);
      expect((await store.consume('k', 1)).allowed).toBe(false);
      await store.refund('k', 1, undefined, slow.chargedAt);
      expect((await store.consume('k', 1)).allowed).toBe(false);
    },
  );

  it('reports the time of a charge on Redis’s clock', async () => {
    const store = storeWith(policy('gcra', [{ limit: 2, windowMs: 1000 }]));
    const [seconds, microseconds] = (await send(['time'])) as [string, string];
    const { chargedAt } = await store.consume('k', 1);
    const before = Number(seconds) * 1000 + Number(microseconds) / 1000;
    expect(chargedAt).toBeGreaterThanOrEqual(before);
    expect(chargedAt).toBeLessThan(before + 60_000);
  });

  it.each([
    [1_000_000_000, 1000],
    [1_000_000_000, 1],
    [10_000_000, 1000],
  ])('with gcra, allows exactly %d requests per %d ms, to the request', async (limit, windowMs) => {
    const store = storeWith(policy('gcra', [{ limit, windowMs }]), uniquePrefix(), () => 1e6);
    expect((await store.consume('k', limit - 10)).allowed).toBe(true);
    expect(await drain(store)).toBe(10);
  });

  it('with sliding-window after a step back, keeps the key at least as long as the reset it reports', async () => {
    let now = 5500;
    const prefix = uniquePrefix();
    const store = storeWith(
      policy('sliding-window', [{ limit: 20, windowMs: 1000 }]),
      prefix,
      () => now,
    );
    for (let i = 0; i < 10; i++) await store.consume('k', 1);
    now = 4900;
    const decision = await store.consume('k', 1);
    // The key's clock stands at the start of the window stored (5000), not 100 ms before it.
    expect(decision).toMatchObject({ allowed: true, resetMs: 2000 });
    // The key outlives the reset (and, with this clock, a minute's margin: see redis-script.ts).
    const ttl = Number(await send(['PTTL', `${prefix}{k}`]));
    expect(ttl).toBeGreaterThan(60_000 + 2000 - 100);
  });

  it('with gcra, never tells a refused request to come back in 0 ms', async () => {
    const store = storeWith(
      policy('gcra', [{ limit: 1_000_000_000, windowMs: 1000 }]),
      uniquePrefix(),
      () => 1e6,
    );
    await store.consume('k', 1_000_000_000);
    expect(await store.consume('k', 1)).toMatchObject({
      allowed: false,
      retryAfterMs: 1,
      resetMs: 1,
    });
  });

  it('counts remaining requests down and reports the reset', async () => {
    const store = storeWith(policy('fixed-window', [{ limit: 3, windowMs: 60_000 }]));
    const decisions = [await store.consume('k', 1), await store.consume('k', 1)];
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1]);
    expect(decisions[0]!.resetMs).toBeGreaterThan(59_000);
    expect(decisions[0]!.resetMs).toBeLessThanOrEqual(60_000);
  });

  it('refuses a request costing more than remains without spending anything', async () => {
    const store = storeWith(policy('gcra', [{ limit: 10, windowMs: 60_000 }]));
    expect((await store.consume('k', 7)).remaining).toBe(3);
    expect(await store.consume('k', 4)).toMatchObject({ allowed: false, remaining: 3 });
    expect(await store.consume('k', 3)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('decides several windows in one round trip and reports the one closest to exhaustion', async () => {
    let sent = 0;
    const counting = {
      call: (...args: string[]) => {
        sent++;
        return send(args);
      },
    };
    const store = new RedisStore({ client: counting, prefix: uniquePrefix() });
    store.init(
      policy('gcra', [
        { limit: 15, windowMs: 1000 },
        { limit: 3, windowMs: 3_600_000 },
      ]),
    );
    await store.consume('k', 1); // may load the script once
    sent = 0;
    expect(await store.consume('k', 1)).toMatchObject({ allowed: true, window: 1, remaining: 1 });
    expect(sent).toBe(1);
  });

  it('loads the script again after Redis forgot it (NOSCRIPT)', async () => {
    const store = storeWith(policy('gcra', [{ limit: 5, windowMs: 60_000 }]));
    await store.consume('k', 1);
    await send(['SCRIPT', 'FLUSH']);
    expect(await store.consume('k', 1)).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('keeps each key’s counts and block record in one Redis key, expiring once neither counts', async () => {
    const prefix = uniquePrefix();
    const store = storeWith(
      policy('fixed-window', [{ limit: 1, windowMs: 60_000 }], {
        after: 1,
        withinMs: 60_000,
        durationMs: 1000,
      }),
      prefix,
    );
    await store.consume('user:7', 1);
    await store.consume('user:7', 1);
    const keys = ((await send(['KEYS', `${prefix}*`])) as string[]).sort();
    expect(keys).toEqual([`${prefix}{user:7}`]);
    // Blocked for a second, then its refusals count for a minute: longer than the window.
    const ttl = Number(await send(['PTTL', `${prefix}{user:7}`]));
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('gives an empty key a non-empty hash tag', async () => {
    const prefix = uniquePrefix();
    const store = storeWith(
      policy('fixed-window', [{ limit: 1, windowMs: 60_000 }], {
        after: 1,
        withinMs: 60_000,
        durationMs: 1000,
      }),
      prefix,
    );
    await store.consume('', 1);
    await store.consume('', 1);
    const keys = ((await send(['KEYS', `${prefix}*`])) as string[]).sort();
    expect(keys).toEqual([`${prefix}{~}`]);
  });

  it('keeps keys apart that once shared a Redis key: "", "~", "}x" and "~}x"', async () => {
    const prefix = uniquePrefix();
    const store = storeWith(policy('fixed-window', [{ limit: 1, windowMs: 60_000 }]), prefix);
    for (const key of ['', '~', '}x', '~}x']) {
      expect(await store.consume(key, 1)).toMatchObject({ allowed: true, remaining: 0 });
    }
    const keys = ((await send(['KEYS', `${prefix}*`])) as string[]).sort();
    expect(keys).toEqual(
      [`${prefix}{~)x}`, `${prefix}{~}`, `${prefix}{~~~)x}`, `${prefix}{~~}`].sort(),
    );
  });

  it('stores a long key as a fixed-size digest, so a client cannot make Redis keys of any size', async () => {
    const prefix = uniquePrefix();
    const store = storeWith(policy('gcra', [{ limit: 2, windowMs: 60_000 }]), prefix);
    const longKey = 'k'.repeat(8192);
    expect(await store.consume(longKey, 1)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await store.consume(longKey, 1)).toMatchObject({ allowed: true, remaining: 0 });
    const keys = (await send(['KEYS', `${prefix}*`])) as string[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[^{]*\{#[A-Za-z0-9_-]{43}\}$/);
  });

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s and Redis’s own clock, a first request leaves limit - 1 at 15, 60, 150 and 1,000 a second',
    async (algorithm) => {
      for (const limit of [15, 60, 150, 1000]) {
        const store = storeWith(policy(algorithm, [{ limit, windowMs: 1000 }]));
        expect(await store.consume('k', 1)).toMatchObject({ allowed: true, remaining: limit - 1 });
      }
    },
  );

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s, blocks a key of a policy with the most windows the options accept',
    async (algorithm) => {
      const windows = Array.from({ length: MAX_WINDOWS }, (_, i) => ({
        limit: 1 + i,
        windowMs: 60_000 * (i + 1),
      }));
      const store = storeWith(
        policy(algorithm, windows, { after: 2, withinMs: 60_000, durationMs: 60_000 }),
      );
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await store.consume('k', 1));
      expect(decisions.map((d) => [d.allowed, d.blockedMs > 0])).toEqual([
        [true, false],
        [false, false],
        [false, true],
        [false, true],
        [false, true],
      ]);
    },
  );

  it('keeps the counts of a key that has a block record once its policy no longer blocks', async () => {
    const prefix = uniquePrefix();
    const windows = [{ limit: 3, windowMs: 60_000 }];
    const blocking = storeWith(
      policy('fixed-window', windows, { after: 5, withinMs: 60_000, durationMs: 60_000 }),
      prefix,
    );
    for (let i = 0; i < 4; i++) await blocking.consume('k', 1);
    const unblocking = storeWith(policy('fixed-window', windows), prefix);
    expect(await unblocking.consume('k', 1)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it.each<Algorithm>(['gcra', 'sliding-window', 'fixed-window'])(
    'with %s, decides exactly at the largest limit and window the options accept',
    async (algorithm) => {
      const prefix = uniquePrefix();
      const store = storeWith(
        policy(algorithm, [{ limit: MAX_LIMIT, windowMs: MAX_DURATION_MS }], {
          after: MAX_LIMIT,
          withinMs: MAX_DURATION_MS,
          durationMs: MAX_DURATION_MS,
        }),
        prefix,
      );
      expect(await store.consume('k', 1)).toMatchObject({
        allowed: true,
        remaining: MAX_LIMIT - 1,
      });
      // Redis took the expiry: until the bucket drains (GCRA: one request, 1 s), or the window ends.
      const ttl = Number(await send(['PTTL', `${prefix}{k}`]));
      expect(ttl).toBeGreaterThan(algorithm === 'gcra' ? 0 : MAX_DURATION_MS / 2);
      expect(ttl).toBeLessThanOrEqual(algorithm === 'gcra' ? 1000 : 2 * MAX_DURATION_MS);
      const refused = await store.consume('k', MAX_LIMIT);
      expect(refused).toMatchObject({ allowed: false, remaining: MAX_LIMIT - 1, blockedMs: 0 });
      expect(Number.isInteger(refused.retryAfterMs)).toBe(true);
      // Then while the refusal counts towards a block (rounded up to a whole millisecond).
      const recordTtl = Number(await send(['PTTL', `${prefix}{k}`]));
      expect(recordTtl).toBeGreaterThan(MAX_DURATION_MS - 60_000);
      expect(recordTtl).toBeLessThanOrEqual(Math.max(ttl, MAX_DURATION_MS + 1));
    },
  );

  it('blocks across the board once refused too often, and lifts the block after it', async () => {
    const store = storeWith(
      policy('fixed-window', [{ limit: 1, windowMs: 60_000 }], {
        after: 2,
        withinMs: 60_000,
        durationMs: 300,
      }),
    );
    await store.consume('k', 1);
    expect((await store.consume('k', 1)).blockedMs).toBe(0);
    const blocking = await store.consume('k', 1);
    expect(blocking.blockedMs).toBe(300);
    const during = await store.consume('k', 1);
    expect(during.blockedMs).toBeGreaterThan(0);
    expect(during.blockedMs).toBeLessThanOrEqual(300);
    await sleep(350);
    // The block is over; the window's count is untouched by it.
    expect(await store.consume('k', 1)).toMatchObject({ allowed: false, blockedMs: 0 });
  });

  it('gives back refunded requests and forgets a reset key', async () => {
    const store = storeWith(policy('sliding-window', [{ limit: 2, windowMs: 60_000 }]));
    expect(await drain(store)).toBe(2);
    await store.refund('k', 1);
    expect((await store.consume('k', 1)).allowed).toBe(true);
    await store.reset('k');
    expect(await drain(store)).toBe(2);
  });

  it('is exact under concurrency: two app instances, limit 20, 200 concurrent requests, 20 succeed', async () => {
    const prefix = uniquePrefix();
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const { client, close } = await connectClient(kind);
        const app = express();
        app.use(
          rateLimit({
            limit: 20,
            windowMs: 3_600_000,
            key: () => 'shared-client',
            logger: false,
            store: new RedisStore({ client, prefix }),
          }),
        );
        app.get('/', (_req, res) => {
          res.json({});
        });
        app.use(errorHandler({ logger: false }));
        const server = app.listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        return { server, close, port: (server.address() as AddressInfo).port };
      }),
    );
    try {
      const statuses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          fetch(`http://127.0.0.1:${instances[i % 2]!.port}/`).then((res) => res.status),
        ),
      );
      expect(statuses.filter((status) => status === 200)).toHaveLength(20);
      expect(statuses.filter((status) => status === 429)).toHaveLength(180);
    } finally {
      for (const instance of instances) {
        await new Promise((resolve) => instance.server.close(resolve));
        await instance.close();
      }
    }
  });

  it('limits through rateLimit() with the same headers as the memory store', async () => {
    const app = express();
    app.use(
      rateLimit({
        limit: 2,
        windowMs: 60_000,
        algorithm: 'fixed-window',
        logger: false,
        store: new RedisStore({ client: connection.client, prefix: uniquePrefix() }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    const first = await request(app).get('/');
    await request(app).get('/');
    const refused = await request(app).get('/');
    expect(first.headers['x-rate-limit-remaining']).toBe('1');
    expect(refused.status).toBe(429);
    expect(refused.headers['x-rate-limit-remaining']).toBe('0');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(refused.headers['retry-after']).toBe(refused.headers['x-rate-limit-reset']);
  });

  it('warns when two limiters are given RedisStores with one prefix and other policies, and not with a prefix each', async () => {
    const { logger, lines } = captureLogs();
    const prefix = uniquePrefix();
    const store = (given: string) => new RedisStore({ client: connection.client, prefix: given });
    rateLimit({ limit: 100, windowMs: 60_000, logger, store: store(prefix) });
    rateLimit({ limit: 5, windowMs: 900_000, logger, store: store(`${prefix}login:`) });
    await flushed();
    expect(lines).toEqual([]);
    rateLimit({ limit: 5, windowMs: 900_000, logger, store: store(prefix) });
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_STORE_SHARED']);
  });

  it('does not warn for one prefix under one policy, as an app built again (a test’s) has it', async () => {
    const { logger, lines } = captureLogs();
    const prefix = uniquePrefix();
    const build = () =>
      rateLimit({
        limit: 5,
        windowMs: 1000,
        logger,
        store: new RedisStore({ client: connection.client, prefix }),
      });
    build();
    build();
    build();
    await flushed();
    expect(lines).toEqual([]);
  });

  it('does not warn for one prefix under windows that differ by name only, which labels headers', async () => {
    const { logger, lines } = captureLogs();
    const prefix = uniquePrefix();
    const store = () => new RedisStore({ client: connection.client, prefix });
    rateLimit({ windows: [{ limit: 5, windowMs: 1000, name: 'burst' }], logger, store: store() });
    rateLimit({ windows: [{ limit: 5, windowMs: 1000, name: 'api' }], logger, store: store() });
    await flushed();
    expect(lines).toEqual([]);
  });

  it('warns a third limiter on a prefix under the second’s policy, which is not the first’s', async () => {
    const { logger, lines } = captureLogs();
    const prefix = uniquePrefix();
    const store = () => new RedisStore({ client: connection.client, prefix });
    rateLimit({ limit: 100, windowMs: 60_000, logger, store: store() });
    rateLimit({ limit: 5, windowMs: 900_000, logger, store: store() });
    // The first limiter still writes there: the third overwrites its counts as the second does.
    rateLimit({ limit: 5, windowMs: 900_000, logger, store: store() });
    await flushed();
    expect(lines.map((l) => l.code)).toEqual([
      'RATE_LIMIT_STORE_SHARED',
      'RATE_LIMIT_STORE_SHARED',
    ]);
  });

  it('does not warn for one prefix on two clients, which may reach two servers', async () => {
    const { logger, lines } = captureLogs();
    const prefix = uniquePrefix();
    const other = await connectClient(kind);
    try {
      rateLimit({
        limit: 100,
        windowMs: 60_000,
        logger,
        store: new RedisStore({ client: connection.client, prefix }),
      });
      rateLimit({
        limit: 5,
        windowMs: 60_000,
        logger,
        store: new RedisStore({ client: other.client, prefix }),
      });
      await flushed();
      expect(lines).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('RedisStore options', () => {
  it('refuses something that is not a Redis client', () => {
    expect(() => new RedisStore({ client: {} as never })).toThrow(
      'new RedisStore(): `client` must be an ioredis client or a node-redis (v4 or later) client',
    );
  });

  it("refuses rate-limit-redis's sendCommand, saying what replaces it", () => {
    expectOptionError(
      () => new RedisStore({ sendCommand: () => undefined } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      'new RedisStore(): `sendCommand` is not an option: pass your ioredis or node-redis client itself as `client`. The options are `client`, `prefix`, `now`.',
    );
  });

  it('refuses a misspelt option, suggesting the nearest', () => {
    expectOptionError(
      () => new RedisStore({ client: {}, prefx: 'rl:' } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      'new RedisStore(): `prefx` is not an option. Did you mean `prefix`? The options are `client`, `prefix`, `now`.',
    );
  });

  it('refuses a prefix that is not a string, showing it', () => {
    const client = { call: () => Promise.resolve(null) };
    expectOptionError(
      () => new RedisStore({ client, prefix: 5 } as never),
      'ERR_EAE_OPTION_TYPE',
      'new RedisStore(): `prefix` must be a string, got 5',
    );
  });

  it.each(['rl:{}:', 'rl:{app}:', 'rl:}'])(
    'refuses a prefix holding a brace, which would take over the Redis Cluster hash tag: %s',
    (prefix) => {
      const client = { call: () => Promise.resolve(null) };
      expectOptionError(
        () => new RedisStore({ client, prefix }),
        'ERR_EAE_OPTION_TYPE',
        `new RedisStore(): \`prefix\` must not hold \`{\` or \`}\`: Redis Cluster would hash by it rather than by each client's key, got "${prefix}"`,
      );
    },
  );

  it('refuses an ioredis client whose keyPrefix holds a brace, which would take over the hash tag', () => {
    const client = new Redis({ lazyConnect: true, keyPrefix: 'app:{}:' });
    expectOptionError(
      () => new RedisStore({ client }),
      'ERR_EAE_OPTION_TYPE',
      'new RedisStore(): `client` has an ioredis `keyPrefix` that holds `{` or `}`: Redis Cluster would hash by it rather than by each client\'s key; give the store a client without one, got "app:{}:"',
    );
    client.disconnect();
  });

  it('does not change the options object it is given', () => {
    const client = { call: () => Promise.resolve(null) };
    const options = Object.freeze({ client, prefix: 'rl:x:' });
    new RedisStore(options);
    expect(options).toEqual({ client, prefix: 'rl:x:' });
  });

  it('says a missing client is required, with ERR_EAE_OPTION_MISSING', () => {
    expect(() => new RedisStore({} as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_EAE_OPTION_MISSING',
        message:
          'new RedisStore(): `client` is required: an ioredis client or a node-redis (v4 or later) client',
      }),
    );
  });
});
