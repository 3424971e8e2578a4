import express from 'express';
import request from 'supertest';
import {
  MemoryStore,
  RedisStore,
  errorHandler,
  rateLimit,
  type RateLimitInfo,
  type RateLimitOptions,
  type RateLimitStore,
} from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';
import { expectOptionError } from '../helpers/option-error.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');

/** An app whose route answers with what the limiters put on the request. */
function appWith(...limiters: express.RequestHandler[]) {
  const app = express();
  app.use(...limiters);
  app.get('/', (req, res) => {
    res.json({ rateLimit: req.rateLimit ?? null, perUser: (req as { perUser?: unknown }).perUser });
  });
  app.use(errorHandler({ logger: false }));
  return app;
}

function limiter(options: Partial<RateLimitOptions> = {}) {
  const clock = fakeClock();
  return rateLimit({
    limit: 3,
    windowMs: 60_000,
    algorithm: 'fixed-window',
    logger: false,
    store: new MemoryStore({ now: clock.now }),
    ...options,
  } as RateLimitOptions);
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

describe('req.rateLimit', () => {
  it('tells the route the limit, used, remaining, reset time and key, as express-rate-limit does', async () => {
    const res = await request(appWith(limiter({ key: () => 'user-7' }))).get('/');
    expect(res.body.rateLimit).toEqual({
      limit: 3,
      used: 1,
      remaining: 2,
      resetTime: new Date(NOW + 60_000).toISOString(),
      key: 'user-7',
    });
  });

  it('goes under requestPropertyName, so that stacked limiters can each be read', async () => {
    const app = appWith(
      limiter({ limit: 10 }),
      limiter({ limit: 2, key: () => 'user-7', requestPropertyName: 'perUser' }),
    );
    const res = await request(app).get('/');
    expect(res.body.rateLimit).toMatchObject({ limit: 10, used: 1, remaining: 9 });
    expect(res.body.perUser).toMatchObject({ limit: 2, used: 1, remaining: 1, key: 'user-7' });
  });

  it('keeps the tightest of stacked limiters that share a name, as X-Rate-Limit-* does', async () => {
    const app = appWith(limiter({ limit: 2 }), limiter({ limit: 10 }));
    const res = await request(app).get('/');
    expect(res.body.rateLimit).toMatchObject({ limit: 2, remaining: 1 });
    expect(res.headers['x-rate-limit-limit']).toBe('2');
  });

  it('is set on a refused request too, for the error handler and later middleware', async () => {
    let seen: RateLimitInfo | undefined;
    const app = express();
    app.use(limiter({ limit: 1 }));
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(
      (
        error: unknown,
        req: express.Request,
        _res: express.Response,
        next: express.NextFunction,
      ) => {
        seen = req.rateLimit;
        next(error);
      },
    );
    app.use(errorHandler({ logger: false }));
    await request(app).get('/');
    const refused = await request(app).get('/');
    expect(refused.status).toBe(429);
    expect(seen).toEqual({
      limit: 1,
      used: 1,
      remaining: 0,
      resetTime: new Date(NOW + 60_000),
      key: '::ffff:127.0.0.1'.replace('::ffff:', ''),
    });
  });

  it('is read by the parent app after a limiter in a mounted sub-app, and by the sub-app', async () => {
    const sub = express();
    sub.use(limiter({ key: () => 'user-7' }));
    sub.get('/sub', (req, res) => {
      res.json({ remaining: req.rateLimit?.remaining });
    });
    const app = express();
    app.use('/api', sub);
    app.get('/api/parent', (req, res) => {
      res.json({ remaining: req.rateLimit?.remaining, key: req.rateLimit?.key });
    });
    expect((await request(app).get('/api/sub')).body).toEqual({ remaining: 2 });
    expect((await request(app).get('/api/parent')).body).toEqual({ remaining: 1, key: 'user-7' });
  });

  it('is undefined on a request no limiter saw, and can be set by anyone, as a plain property', async () => {
    const app = express();
    app.use('/limited', limiter());
    app.get('/limited', (req, res) => {
      res.json({ remaining: req.rateLimit?.remaining });
    });
    app.get('/plain', (req, res) => {
      const before = req.rateLimit;
      (req as { rateLimit?: unknown }).rateLimit = { remaining: 42 };
      res.json({ before: before ?? null, after: req.rateLimit?.remaining });
    });
    expect((await request(app).get('/limited')).body).toEqual({ remaining: 2 });
    expect((await request(app).get('/plain')).body).toEqual({ before: null, after: 42 });
  });

  it.each(['ip', 'body', 'headers', 'url', 'query', 'params', 'socket', 'user', 'log'])(
    'refuses a requestPropertyName the request already has: %s',
    (name) => {
      expectOptionError(
        () => limiter({ requestPropertyName: name }),
        'ERR_EAE_OPTION_TYPE',
        `rateLimit(): \`requestPropertyName\` "${name}" is a property the request already has: choose another name, such as 'rateLimit'`,
      );
    },
  );

  it('refuses a requestPropertyName that is not an identifier or would shadow Object.prototype', () => {
    for (const name of ['', 'rate limit', '__proto__', 'constructor']) {
      expect(() => limiter({ requestPropertyName: name })).toThrow(
        `\`requestPropertyName\` must be an identifier such as 'rateLimit', got ${JSON.stringify(name)}`,
      );
    }
  });
});

describe('resetKey and getKey', () => {
  it('getKey answers what the limiter knows of a key without spending; resetKey forgets it', async () => {
    const middleware = limiter({ key: () => 'user-7' });
    const app = appWith(middleware);
    expect(await middleware.getKey('user-7')).toBeUndefined();
    await request(app).get('/');
    await request(app).get('/');
    const info = {
      limit: 3,
      used: 2,
      remaining: 1,
      resetTime: new Date(NOW + 60_000),
      key: 'user-7',
    };
    expect(await middleware.getKey('user-7')).toEqual(info);
    expect(await middleware.getKey('user-7')).toEqual(info);
    await middleware.resetKey('user-7');
    expect(await middleware.getKey('user-7')).toBeUndefined();
    expect((await request(app).get('/')).body.rateLimit).toMatchObject({ remaining: 2 });
  });

  it('groups an IPv6 address given to resetKey and getKey as the default key does', async () => {
    const middleware = limiter();
    const app = express();
    app.set('trust proxy', 1);
    app.use(middleware);
    app.get('/', (_req, res) => {
      res.json({});
    });
    await request(app).get('/').set('X-Forwarded-For', '2001:db8:0:1::7');
    // Another address of the same /56 block: the same client.
    expect(await middleware.getKey('2001:db8:0:ff::1')).toMatchObject({
      used: 1,
      key: '2001:db8::/56',
    });
    await middleware.resetKey('2001:db8:0:2::9');
    expect(await middleware.getKey('2001:db8::')).toBeUndefined();
  });

  it('reports a blocked key with nothing remaining until the block ends', async () => {
    const middleware = limiter({
      limit: 1,
      key: () => 'k',
      block: { after: 1, withinMs: 60_000, durationMs: 300_000 },
    });
    const app = appWith(middleware);
    await request(app).get('/');
    expect((await request(app).get('/')).status).toBe(403);
    expect(await middleware.getKey('k')).toEqual({
      limit: 1,
      used: 1,
      remaining: 0,
      resetTime: new Date(NOW + 300_000),
      key: 'k',
    });
  });

  it('says what is missing when the store has no get()', async () => {
    const store: RateLimitStore = {
      init: () => undefined,
      consume: () => ({
        allowed: true,
        window: 0,
        remaining: 1,
        resetMs: 1,
        retryAfterMs: 0,
        blockedMs: 0,
      }),
      refund: () => undefined,
      reset: () => undefined,
    };
    await expect(limiter({ store }).getKey('k')).rejects.toThrow(
      'getKey() needs a store with a `get()` method; this store has none',
    );
  });
});

describeWithRedis('resetKey and getKey on RedisStore', () => {
  it('reads a key without spending and forgets it on reset', async () => {
    jest.useRealTimers();
    const { client, close } = await connectClient('ioredis');
    try {
      const middleware = rateLimit({
        limit: 3,
        windowMs: 60_000,
        key: () => 'user-7',
        logger: false,
        store: new RedisStore({ client, prefix: uniquePrefix() }),
      });
      const app = appWith(middleware);
      expect(await middleware.getKey('user-7')).toBeUndefined();
      await request(app).get('/');
      const info = await middleware.getKey('user-7');
      expect(info).toMatchObject({ limit: 3, used: 1, remaining: 2, key: 'user-7' });
      expect(await middleware.getKey('user-7')).toMatchObject({ remaining: 2 });
      await middleware.resetKey('user-7');
      expect(await middleware.getKey('user-7')).toBeUndefined();
    } finally {
      await close();
    }
  });
});
