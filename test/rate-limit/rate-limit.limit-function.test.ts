import express from 'express';
import request from 'supertest';
import {
  MemoryStore,
  RedisStore,
  rateLimit,
  type RateLimitOptions,
  type RateLimitStore,
} from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';
import { limitedApp } from '../helpers/limited-app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';

const PLANS: Readonly<Record<string, number>> = { free: 2, pro: 5 };
const later = <T>(value: T) => new Promise<T>((resolve) => setImmediate(() => resolve(value)));

/** The plan of the client, as an app would read it from its session: here from a header. */
const planLimit = (req: express.Request) => PLANS[req.get('x-plan') ?? 'free'] ?? 2;

/** An app limited per plan, keyed by the X-User header. */
function appWith(options: Partial<RateLimitOptions>, failures: unknown[] = []) {
  return limitedApp(
    {
      limit: planLimit,
      algorithm: 'gcra',
      key: (req) => req.get('x-user') ?? 'anonymous',
      ...options,
    } as Partial<RateLimitOptions>,
    failures,
  );
}

/** Sends requests as one user on one plan until refused; how many were allowed. */
async function allowedFor(app: express.Express, user: string, plan: string, max = 20) {
  let allowed = 0;
  while (allowed < max) {
    const res = await request(app).get('/').set('X-User', user).set('X-Plan', plan);
    if (res.status !== 200) break;
    allowed++;
  }
  return allowed;
}

describe('rateLimit: limit as a function of the request', () => {
  it('limits each client by the limit its request brings, as express-rate-limit does', async () => {
    const app = appWith({});
    expect(await allowedFor(app, 'ada', 'free')).toBe(2);
    expect(await allowedFor(app, 'bob', 'pro')).toBe(5);
  });

  it('takes an async limit', async () => {
    const app = appWith({ limit: (req) => later(planLimit(req)) });
    expect(await allowedFor(app, 'ada', 'pro')).toBe(5);
  });

  it("sends the request's limit in every header and in req.rateLimit", async () => {
    const app = appWith({ standardHeaders: 'draft-10' });
    const res = await request(app).get('/').set('X-User', 'ada').set('X-Plan', 'pro');
    expect(res.status).toBe(200);
    expect(res.headers['x-rate-limit-limit']).toBe('5');
    expect(res.headers['x-rate-limit-remaining']).toBe('4');
    expect(res.headers['ratelimit-policy']).toBe('"5-in-1min";q=5;w=60');
    expect(res.headers.ratelimit).toBe('"5-in-1min";r=4;t=12');
    expect(res.body.rateLimit).toMatchObject({ limit: 5, used: 1, remaining: 4, key: 'ada' });
  });

  it('keeps the `name` option as the policy name whatever the limit', async () => {
    const app = appWith({ standardHeaders: 'draft-10', name: 'plan' });
    const res = await request(app).get('/').set('X-User', 'ada');
    expect(res.headers['ratelimit-policy']).toBe('"plan";q=2;w=60');
  });

  it('names the limit in the detail of the 429', async () => {
    const app = appWith({});
    await allowedFor(app, 'ada', 'free');
    const refused = await request(app).get('/').set('X-User', 'ada');
    expect(refused.status).toBe(429);
    expect(refused.headers['x-rate-limit-limit']).toBe('2');
    expect(problemOf(refused).detail).toBe('Rate limit of 2 requests per 60 s exceeded.');
  });

  it('lets a client whose plan went up use the rest of the higher limit at once', async () => {
    const app = appWith({ algorithm: 'fixed-window' });
    expect(await allowedFor(app, 'ada', 'free')).toBe(2);
    // 2 spent of the 5 that pro allows in the same window.
    expect(await allowedFor(app, 'ada', 'pro')).toBe(3);
  });

  it('answers 413.1 for a cost above the limit the request brings', async () => {
    const app = appWith({ cost: () => 3 });
    const res = await request(app).get('/').set('X-User', 'ada').set('X-Plan', 'free');
    expect(res.status).toBe(413);
    expect(problemOf(res)).toMatchObject({ subCode: '413.1' });
    expect((await request(app).get('/').set('X-User', 'ada').set('X-Plan', 'pro')).status).toBe(
      200,
    );
  });

  it('gives back the cost of an uncounted request under the limit it was spent under', async () => {
    const app = express();
    app.use(
      rateLimit({
        limit: planLimit,
        windowMs: 60_000,
        key: () => 'ada',
        countOnly: 'failures',
        logger: false,
        store: new MemoryStore({ now: fakeClock().now }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    for (let i = 0; i < 10; i++) {
      expect((await request(app).get('/').set('X-Plan', 'free')).status).toBe(200);
    }
  });

  it.each<[string, RateLimitOptions['limit'], string]>([
    [
      'a limit that is not whole',
      () => 2.5,
      'rateLimit `limit` must return a whole number from 1 to 1,000,000,000, got 2.5',
    ],
    [
      'a limit of 0',
      () => 0,
      'rateLimit `limit` must return a whole number from 1 to 1,000,000,000, got 0',
    ],
    [
      'a limit that is a string',
      () => '5' as unknown as number,
      'rateLimit `limit` must return a whole number from 1 to 1,000,000,000, got "5"',
    ],
    ['a limit that rejects', () => Promise.reject(new Error('plans down')), 'plans down'],
  ])('fails the request on %s, never falling back to a default', async (_name, limit, message) => {
    const failures: unknown[] = [];
    const res = await request(appWith({ limit }, failures)).get('/');
    expect(res.status).toBe(500);
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe(message);
  });

  it('refuses, at start-up, a store that takes no limit with each call', () => {
    const store: RateLimitStore = {
      init: () => undefined,
      consume: () => ({
        allowed: true,
        window: 0,
        remaining: 1,
        resetMs: 0,
        retryAfterMs: 0,
        blockedMs: 0,
      }),
      refund: () => undefined,
      reset: () => undefined,
    };
    expectOptionError(
      () => rateLimit({ limit: () => 5, windowMs: 1000, store, logger: false }),
      'ERR_EAE_OPTION_CONFLICT',
      'rateLimit(): `limit` as a function needs a store that takes a limit with each call (`perRequestLimits`), as MemoryStore and RedisStore do; this `store` does not',
    );
  });

  it('reads a key under the limit getKey is given, and asks for one', async () => {
    const limiter = rateLimit({
      limit: planLimit,
      windowMs: 60_000,
      key: () => 'ada',
      logger: false,
      store: new MemoryStore({ now: fakeClock().now }),
    });
    const app = express();
    app.use(limiter);
    app.get('/', (_req, res) => {
      res.json({});
    });
    await request(app).get('/').set('X-Plan', 'pro');
    expect(await limiter.getKey('ada', 5)).toMatchObject({ limit: 5, used: 1, remaining: 4 });
    await expect(limiter.getKey('ada')).rejects.toThrow(
      "getKey(key, limit): this limiter's `limit` is a function of the request, so say which limit to read the key under",
    );
  });
});

describeWithRedis('rateLimit: limit as a function, on Redis', () => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient('ioredis');
  });
  afterAll(async () => {
    await connection.close();
  });

  it.each(['gcra', 'sliding-window', 'fixed-window'] as const)(
    'with %s, limits each client by its own limit across two app instances',
    async (algorithm) => {
      const prefix = uniquePrefix();
      const instance = () =>
        appWith({ algorithm, store: new RedisStore({ client: connection.client, prefix }) });
      const [first, second] = [instance(), instance()];
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const app = i % 2 === 0 ? first : second;
        statuses.push(
          (await request(app).get('/').set('X-User', 'bob').set('X-Plan', 'pro')).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      expect(await allowedFor(first, 'ada', 'free')).toBe(2);
    },
  );
});
