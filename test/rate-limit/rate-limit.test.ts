import { get as httpGet } from 'node:http';
import express, { type Request, type Response } from 'express';
import { rateLimit as expressRateLimit } from 'express-rate-limit';
import { parseRateLimit } from 'ratelimit-header-parser';
import { parseList } from 'structured-headers';
import request from 'supertest';
import {
  MemoryStore,
  errorHandler,
  rateLimit,
  type RateLimitOptions,
  type RateLimitStore,
} from '../../src/index.js';
import { fakeClock, freezePerformanceNow } from '../helpers/clock.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { expectOptionError } from '../helpers/option-error.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { requestTracker } from '../helpers/heap.js';
import { problemOf } from '../helpers/problem.js';
import { serve } from '../helpers/server.js';
import { sleep } from '../helpers/event-loop.js';

/** An app limited by `rateLimit(options)` on a memory store driven by a fake clock. */
function limitedApp(options: Partial<RateLimitOptions> = {}, clock = fakeClock()) {
  const app = express();
  const store = options.store ?? new MemoryStore({ now: clock.now });
  app.use(
    rateLimit({ limit: 3, windowMs: 1000, logger: false, ...options, store } as RateLimitOptions),
  );
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/login', (req, res) => {
    res.status(req.query.password === 'right' ? 200 : 401).json({});
  });
  app.use(errorHandler({ logger: false }));
  return { app, clock, store };
}

async function hit(app: express.Express, times: number, path = '/') {
  const responses = [];
  for (let i = 0; i < times; i++) responses.push(await request(app).get(path));
  return responses;
}

describe('rateLimit: allowed requests', () => {
  it('sends X-Rate-Limit-Limit, -Remaining and -Reset in seconds', async () => {
    const { app } = limitedApp();
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['x-rate-limit-limit']).toBe('3');
    expect(res.headers['x-rate-limit-remaining']).toBe('2');
    expect(res.headers['x-rate-limit-reset']).toBe('1');
    expect(res.headers.ratelimit).toBeUndefined();
    expect(res.headers['retry-after']).toBeUndefined();
    expect(parseRateLimit(res.headers, { reset: 'seconds' })).toMatchObject({
      limit: 3,
      remaining: 2,
      used: 1,
    });
  });

  it('sends the draft-10 RateLimit and RateLimit-Policy fields when asked', async () => {
    const { app } = limitedApp({ standardHeaders: 'draft-10', legacyHeaders: false, limit: 15 });
    const res = await request(app).get('/');
    expect(res.headers['ratelimit-policy']).toBe('"15-in-1s";q=15;w=1');
    expect(res.headers.ratelimit).toBe('"15-in-1s";r=14;t=1');
    expect(res.headers['x-rate-limit-limit']).toBeUndefined();
    const [[name, params]] = parseList(res.headers.ratelimit as string) as [
      [unknown, Map<string, unknown>],
    ];
    expect(String(name)).toBe('15-in-1s');
    expect(Object.fromEntries(params)).toEqual({ r: 14, t: 1 });
  });

  it('sends valid RFC 8941 integers at the largest limit and window the options accept', async () => {
    const { app } = limitedApp({
      limit: 1_000_000_000,
      windowMs: 1_000_000_000_000,
      standardHeaders: 'draft-10',
      name: 'max',
    });
    const res = await request(app).get('/');
    expect(res.headers['ratelimit-policy']).toBe('"max";q=1000000000;w=1000000000');
    expect(res.headers.ratelimit).toBe('"max";r=999999999;t=1');
    const [[, params]] = parseList(res.headers['ratelimit-policy'] as string) as [
      [unknown, Map<string, unknown>],
    ];
    expect(Object.fromEntries(params)).toEqual({ q: 1_000_000_000, w: 1_000_000_000 });
  });

  it('lists every window in RateLimit-Policy and reports the one closest to exhaustion', async () => {
    const { app } = limitedApp({
      limit: undefined,
      windowMs: undefined,
      name: 'api',
      windows: [
        { limit: 15, windowMs: 1000 },
        { limit: 2, windowMs: 3_600_000 },
      ],
      standardHeaders: 'draft-10',
    });
    const res = await request(app).get('/');
    expect(res.headers['ratelimit-policy']).toBe(
      '"api-15-in-1s";q=15;w=1, "api-2-in-1h";q=2;w=3600',
    );
    expect(res.headers.ratelimit).toBe('"api-2-in-1h";r=1;t=1800');
    expect(res.headers['x-rate-limit-limit']).toBe('2');
  });

  it('lets stacked limiters each show their policy, and X-Rate-Limit show the tighter one', async () => {
    const clock = fakeClock();
    const app = express();
    app.use(
      rateLimit({
        name: 'per-ip',
        limit: 10,
        windowMs: 1000,
        standardHeaders: 'draft-10',
        logger: false,
        store: new MemoryStore({ now: clock.now }),
      }),
    );
    app.use(
      rateLimit({
        name: 'per-user',
        limit: 3,
        windowMs: 1000,
        standardHeaders: 'draft-10',
        logger: false,
        key: () => 'user-1',
        store: new MemoryStore({ now: clock.now }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    const res = await request(app).get('/');
    expect(res.headers['ratelimit-policy']).toBe('"per-ip";q=10;w=1, "per-user";q=3;w=1');
    expect(res.headers.ratelimit).toBe('"per-ip";r=9;t=1, "per-user";r=2;t=1');
    expect(res.headers['x-rate-limit-limit']).toBe('3');
    expect(res.headers['x-rate-limit-remaining']).toBe('2');
  });

  it('skips requests `skip` picks, sending no headers', async () => {
    const { app } = limitedApp({ limit: 1, skip: (req) => req.path === '/' });
    const responses = await hit(app, 3);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(responses[0]!.headers['x-rate-limit-limit']).toBeUndefined();
  });

  it('charges what `cost` says', async () => {
    const { app } = limitedApp({ limit: 10, cost: () => 4 });
    const responses = await hit(app, 3);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(responses[1]!.headers['x-rate-limit-remaining']).toBe('2');
    expect(responses[2]!.headers['x-rate-limit-remaining']).toBe('2');
  });
});

describe('rateLimit: requests that can never pass', () => {
  it('answers 413.1 without Retry-After to a request costing more than the whole limit, spending nothing', async () => {
    const { app } = limitedApp({
      limit: undefined,
      windowMs: undefined,
      windows: [
        { limit: 100, windowMs: 3_600_000 },
        { limit: 5, windowMs: 1000 },
      ],
      cost: (req) => Number(req.query.items ?? 1),
    });
    const res = await request(app).get('/?items=6');
    expect(res.status).toBe(413);
    expect(res.headers['x-status-sub-code']).toBe('413.1');
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.headers['x-rate-limit-remaining']).toBeUndefined();
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Content Too Large',
      status: 413,
      detail:
        'This request costs 6, more than the whole rate limit of 5 requests per 1 s: it can never be allowed. Split it into smaller requests.',
      instance: '/',
      code: 'REQUEST_COST_EXCEEDS_LIMIT',
      subCode: '413.1',
    });
    // Nothing was spent: the whole limit is still there.
    expect((await request(app).get('/?items=5')).headers['x-rate-limit-remaining']).toBe('0');
  });

  it('drops the reset time a limiter before it set, so that clients do not wait and resend it', async () => {
    const app = express();
    app.use(
      rateLimit({ limit: 100, windowMs: 60_000, logger: false, standardHeaders: 'draft-10' }),
    );
    // express-rate-limit in front too, with its draft-6 and legacy fields.
    app.use(expressRateLimit({ limit: 100, standardHeaders: 'draft-6', legacyHeaders: true }));
    app.post(
      '/batch',
      rateLimit({ limit: 5, windowMs: 1000, cost: () => 6, logger: false }),
      (_req, res) => {
        res.json({});
      },
    );
    app.use(errorHandler({ logger: false }));
    const res = await request(app).post('/batch');
    expect(res.status).toBe(413);
    expect(res.headers['x-status-sub-code']).toBe('413.1');
    expect(res.headers['x-rate-limit-limit']).toBe('100');
    expect(res.headers['x-rate-limit-remaining']).toBe('99');
    // ky retries a 413 after any reset time it finds, X-Rate-Limit-Reset among them.
    expect(res.headers['x-rate-limit-reset']).toBeUndefined();
    expect(res.headers['ratelimit-reset']).toBeUndefined();
    expect(res.headers['x-ratelimit-reset']).toBeUndefined();
    expect(res.headers['ratelimit-limit']).toBe('100');
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('still allows a request costing exactly the limit', async () => {
    const { app } = limitedApp({ limit: 3, cost: () => 3 });
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['x-rate-limit-remaining']).toBe('0');
  });
});

describe('rateLimit: refused requests', () => {
  it('answers 429 through errorHandler with Retry-After and the rate-limit headers', async () => {
    const { app } = limitedApp({ algorithm: 'fixed-window' });
    const responses = await hit(app, 4);
    const refused = responses[3]!;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['x-rate-limit-limit']).toBe('3');
    expect(refused.headers['x-rate-limit-remaining']).toBe('0');
    expect(refused.headers['x-rate-limit-reset']).toBe('1');
    expect(problemOf(refused)).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Rate limit of 3 requests per 1 s exceeded.',
      instance: '/',
      code: 'TOO_MANY_REQUESTS',
    });
  });

  it('never sends Retry-After 0 while limited, nor earlier than the reset it reports', async () => {
    const { app, clock } = limitedApp({ limit: 10, windowMs: 1000 });
    await hit(app, 10);
    clock.advance(99.9);
    const refused = await request(app).get('/');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(
      Number(refused.headers['x-rate-limit-reset']),
    );
  });

  it('rounds Retry-After up to whole seconds', async () => {
    const { app } = limitedApp({ limit: 1, windowMs: 90_500, algorithm: 'fixed-window' });
    const [, refused] = await hit(app, 2);
    expect(refused!.headers['retry-after']).toBe('91');
  });

  it('lets the client in again after Retry-After', async () => {
    const { app, clock } = limitedApp({ algorithm: 'fixed-window' });
    const responses = await hit(app, 4);
    clock.advance(Number(responses[3]!.headers['retry-after']) * 1000);
    expect((await request(app).get('/')).status).toBe(200);
  });

  it('blocks a client refused too often with 403.30 and Retry-After, without touching its counts', async () => {
    const { app, clock } = limitedApp({
      limit: 1,
      algorithm: 'fixed-window',
      block: { after: 2, withinMs: 60_000, durationMs: 600_000 },
    });
    const responses = await hit(app, 4);
    expect(responses.map((r) => r.status)).toEqual([200, 429, 403, 403]);
    const blocked = responses[3]!;
    expect(blocked.headers['retry-after']).toBe('600');
    expect(blocked.headers['x-status-sub-code']).toBe('403.30');
    expect(problemOf(blocked)).toMatchObject({
      status: 403,
      code: 'TEMPORARILY_BLOCKED',
      subCode: '403.30',
    });
    clock.advance(600_000);
    expect((await request(app).get('/')).status).toBe(200);
  });

  const blockAfterOne = { after: 1, withinMs: 60_000, durationMs: 30_000 };

  /** The fields of a 403.30 under `blockAfterOne`, with a limit of 1: none left for the block's 30 s. */
  const BLOCKED_FOR_30_S = {
    'retry-after': '30',
    'x-rate-limit-limit': '1',
    'x-rate-limit-remaining': '0',
    'x-rate-limit-reset': '30',
  };
  const blockFieldsOf = (res: request.Response) =>
    headersOf(
      res,
      'retry-after',
      'x-rate-limit-limit',
      'x-rate-limit-remaining',
      'x-rate-limit-reset',
    );

  it('tells a blocked client it has no request left until the block ends, in X-Rate-Limit-* as in Retry-After', async () => {
    const { app } = limitedApp({ limit: 1, algorithm: 'fixed-window', block: blockAfterOne });
    const [, blocked] = await hit(app, 2);
    expect([blocked!.status, blocked!.headers['x-status-sub-code']]).toEqual([403, '403.30']);
    expect(blockFieldsOf(blocked!)).toEqual(BLOCKED_FOR_30_S);
  });

  it('tells a blocked client the same in the RateLimit field (draft-10)', async () => {
    const { app } = limitedApp({
      limit: 1,
      algorithm: 'fixed-window',
      block: blockAfterOne,
      standardHeaders: 'draft-10',
      legacyHeaders: false,
    });
    const [, blocked] = await hit(app, 2);
    expect(headersOf(blocked!, 'ratelimit', 'ratelimit-policy', 'x-rate-limit-remaining')).toEqual({
      ratelimit: '"1-in-1s";r=0;t=30',
      'ratelimit-policy': '"1-in-1s";q=1;w=1',
      'x-rate-limit-remaining': undefined,
    });
  });

  it('shows the block, not the looser limit of a limiter before it, in X-Rate-Limit-*', async () => {
    const clock = fakeClock();
    const app = express();
    app.use(
      rateLimit({
        limit: 100,
        windowMs: 1000,
        logger: false,
        store: new MemoryStore({ now: clock.now }),
      }),
    );
    app.use(
      rateLimit({
        limit: 1,
        windowMs: 10_000,
        algorithm: 'fixed-window',
        block: blockAfterOne,
        logger: false,
        store: new MemoryStore({ now: clock.now }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler({ logger: false }));
    const [, blocked] = await hit(app, 2);
    expect(blockFieldsOf(blocked!)).toEqual(BLOCKED_FOR_30_S);
  });
});

/** The named fields of a response (lower case), undefined where it has none. */
function headersOf(res: request.Response, ...names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, res.headers[name] as string | undefined]));
}

describe('rateLimit: counting only failures', () => {
  it('counts failed logins only, so successes never lock a user out', async () => {
    const { app } = limitedApp({ limit: 2, countOnly: 'failures', algorithm: 'fixed-window' });
    for (let i = 0; i < 5; i++) {
      expect((await request(app).post('/login?password=right')).status).toBe(200);
    }
    expect((await request(app).post('/login?password=wrong')).status).toBe(401);
    expect((await request(app).post('/login?password=wrong')).status).toBe(401);
    expect((await request(app).post('/login?password=right')).status).toBe(429);
  });

  it.each(['gcra', 'sliding-window', 'fixed-window'] as const)(
    'with %s, gives a slow success back without giving back what later failures spent',
    async (algorithm) => {
      const clock = fakeClock();
      let finishSlow!: () => void;
      const slowMayFinish = new Promise<void>((resolve) => (finishSlow = resolve));
      let slowEntered!: () => void;
      const slowCharged = new Promise<void>((resolve) => (slowEntered = resolve));
      const app = express();
      app.use(
        rateLimit({
          limit: 2,
          windowMs: 1000,
          algorithm,
          countOnly: 'failures',
          logger: false,
          store: new MemoryStore({ now: clock.now }),
        }),
      );
      app.post('/slow', (_req, res) => {
        slowEntered();
        void slowMayFinish.then(() => res.json({ done: true }));
      });
      app.post('/login', (_req, res) => {
        res.status(401).json({});
      });
      app.use(errorHandler({ logger: false }));
      const slow = request(app)
        .post('/slow')
        .then((res) => res.status);
      // Once the slow request is charged, the clock moves past its window.
      await slowCharged;
      clock.advance(2500);
      const failures = [];
      for (let i = 0; i < 3; i++) failures.push((await request(app).post('/login')).status);
      expect(failures).toEqual([401, 401, 429]);
      finishSlow();
      expect(await slow).toBe(200);
      // Its refund found nothing of its own left: the third failure is still refused.
      expect((await request(app).post('/login')).status).toBe(429);
    },
  );

  it('awaits an async predicate, as express-rate-limit awaits requestWasSuccessful', async () => {
    const { app } = limitedApp({
      limit: 2,
      algorithm: 'fixed-window',
      countOnly: async (_req, res) => {
        await new Promise((resolve) => setImmediate(resolve));
        return res.statusCode >= 400;
      },
    });
    for (let i = 0; i < 5; i++) {
      expect((await request(app).post('/login?password=right')).status).toBe(200);
    }
    expect((await request(app).post('/login?password=wrong')).status).toBe(401);
    expect((await request(app).post('/login?password=wrong')).status).toBe(401);
    expect((await request(app).post('/login?password=right')).status).toBe(429);
  });

  it.each([
    ['answers no boolean', () => undefined, { answer: 'undefined' }],
    [
      'throws',
      () => {
        throw new Error('session store down');
      },
      { err: { type: 'Error', message: 'session store down', stack: 'Error: session store down' } },
    ],
    [
      'rejects',
      () => Promise.reject(new Error('slow')),
      { err: { type: 'Error', message: 'slow', stack: 'Error: slow' } },
    ],
  ])('counts a request whose predicate %s, and warns once', async (_case, countOnly, details) => {
    const { logger, lines } = captureLogs();
    const { app } = limitedApp({
      limit: 1,
      algorithm: 'fixed-window',
      logger,
      countOnly: countOnly as RateLimitOptions['countOnly'],
    });
    expect((await request(app).get('/')).status).toBe(200);
    expect((await request(app).get('/')).status).toBe(429);
    await flushed();
    expect(lines.filter((line) => line.code === 'RATE_LIMIT_COUNT_ONLY_FAILED')).toEqual([
      expect.objectContaining({ level: 40, code: 'RATE_LIMIT_COUNT_ONLY_FAILED', ...details }),
    ]);
  });

  /** Sends a request the client cuts off while its handler is still running, then a plain one. */
  async function cutOffThenAsk(
    countOnly: RateLimitOptions['countOnly'],
    store: RateLimitStore = new MemoryStore({ now: fakeClock().now }),
  ): Promise<number> {
    const app = express();
    let entered!: () => void;
    let closed!: () => void;
    const arrived = new Promise<void>((resolve) => (entered = resolve));
    const cutOff = new Promise<void>((resolve) => (closed = resolve));
    app.use('/hang', (_req, res, next) => {
      // Registered before the limiter's close listener: its turn comes after this one's.
      res.once('close', () => setImmediate(closed));
      entered();
      next();
    });
    app.use(
      rateLimit({
        limit: 1,
        windowMs: 60_000,
        algorithm: 'fixed-window',
        logger: false,
        countOnly,
        store,
      }),
    );
    app.get('/hang', () => undefined);
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    const server = await serve(app);
    try {
      const client = httpGet(`${server.url}/hang`);
      client.on('error', () => undefined);
      await arrived;
      // Long enough for a memory store's decision, within a slow store's.
      await sleep(20);
      client.destroy();
      await cutOff;
      await sleep(100);
      return (await request(server.url).get('/')).status;
    } finally {
      await server.close();
    }
  }

  it.each([
    ["'failures'", 'failures' as const],
    ['a predicate of the status alone', (_req: Request, res: Response) => res.statusCode >= 400],
  ])(
    'counts a request the client cut off under %s, without asking its status',
    async (_case, countOnly) => {
      expect(await cutOffThenAsk(countOnly)).toBe(429);
    },
  );

  it("gives back a request the client cut off under 'successes', as express-rate-limit's skipFailedRequests", async () => {
    expect(await cutOffThenAsk('successes')).toBe(200);
  });

  it("gives back a request the client cut off while the store was still deciding, under 'successes'", async () => {
    const inner = new MemoryStore({ now: fakeClock().now });
    const slow: RateLimitStore = {
      init: (policy) => inner.init(policy),
      consume: (...args) =>
        new Promise((resolve) => setTimeout(() => resolve(inner.consume(...args)), 60)),
      refund: (...args) => inner.refund(...args),
      reset: (key) => inner.reset(key),
      perRequestLimits: true,
    };
    expect(await cutOffThenAsk('successes', slow)).toBe(200);
  });

  it('counts a request whose predicate answers with a thenable that throws, without crashing', async () => {
    const { logger, lines } = captureLogs();
    const { app } = limitedApp({
      limit: 1,
      algorithm: 'fixed-window',
      logger,
      countOnly: () =>
        ({
          then() {
            throw new Error('broken thenable');
          },
        }) as unknown as Promise<boolean>,
    });
    expect((await request(app).get('/')).status).toBe(200);
    expect((await request(app).get('/')).status).toBe(429);
    await flushed();
    expect(lines.map((line) => line.code)).toEqual(['RATE_LIMIT_COUNT_ONLY_FAILED']);
  });

  it('accepts a predicate on the response', async () => {
    const { app } = limitedApp({
      limit: 1,
      algorithm: 'fixed-window',
      countOnly: (_req, res) => res.statusCode === 401,
    });
    await request(app).get('/');
    await request(app).get('/');
    expect((await request(app).get('/')).status).toBe(200);
  });
});

describe('rateLimit: the client key', () => {
  it('limits each IP on its own, honouring trust proxy', async () => {
    const clock = fakeClock();
    const app = express();
    app.set('trust proxy', 1);
    app.use(
      rateLimit({
        limit: 1,
        windowMs: 1000,
        logger: false,
        store: new MemoryStore({ now: clock.now }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    const a = await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    const b = await request(app).get('/').set('X-Forwarded-For', '198.51.100.2');
    const a2 = await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    expect([a.status, b.status, a2.status]).toEqual([200, 200, 429]);
  });

  it('cannot be dodged with X-Forwarded-For when trust proxy is off', async () => {
    const { app } = limitedApp({ limit: 1 });
    const first = await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    const second = await request(app).get('/').set('X-Forwarded-For', '198.51.100.2');
    expect([first.status, second.status]).toEqual([200, 429]);
  });

  it('uses the key function it is given', async () => {
    const { app } = limitedApp({ limit: 1, key: (req) => String(req.query.user) });
    const responses = [
      await request(app).get('/?user=a'),
      await request(app).get('/?user=b'),
      await request(app).get('/?user=a'),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
  });

  it('answers 500 when the key function throws or returns no string', async () => {
    const { app } = limitedApp({ key: () => 42 as never });
    expect((await request(app).get('/')).status).toBe(500);
  });
});

describe('rateLimit: warnings', () => {
  function appWith(setup: (app: express.Express) => void, options: Partial<RateLimitOptions> = {}) {
    const { logger, lines } = captureLogs();
    const app = express();
    setup(app);
    app.use(rateLimit({ limit: 100, windowMs: 1000, logger, ...options } as RateLimitOptions));
    app.get('/', (_req, res) => {
      res.json({});
    });
    return { app, lines };
  }

  it('warns once when trust proxy is true', async () => {
    const { app, lines } = appWith((a) => a.set('trust proxy', true));
    await hit(app, 3);
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_TRUST_PROXY_TRUE']);
    expect(lines[0]!.level).toBe(40);
  });

  it('warns once when X-Forwarded-For arrives while trust proxy is off', async () => {
    const { app, lines } = appWith(() => undefined);
    for (let i = 0; i < 3; i++) await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_FORWARDED_WITHOUT_TRUST_PROXY']);
  });

  it('does not warn about a sound set-up', async () => {
    const { app, lines } = appWith((a) => a.set('trust proxy', 1));
    await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    await flushed();
    expect(lines).toEqual([]);
  });

  it('warns when a limiter is created inside a request handler', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.get('/', (req, res, next) => {
      rateLimit({ limit: 1, windowMs: 1000, logger })(req, res, next);
    });
    app.get('/', (_req, res) => {
      res.json({});
    });
    await request(app).get('/');
    await flushed();
    expect(lines.map((l) => l.code)).toContain('RATE_LIMIT_CREATED_IN_HANDLER');
  });

  it('warns when two limiters share a store', async () => {
    const { logger, lines } = captureLogs();
    const store = new MemoryStore();
    rateLimit({ limit: 1, windowMs: 1000, logger, store });
    rateLimit({ limit: 1, windowMs: 1000, logger, store });
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_STORE_SHARED']);
    store.shutdown();
  });
});

describe('rateLimit: store failures', () => {
  const failing = (error: () => never | Promise<never>): RateLimitStore => ({
    init: () => undefined,
    consume: error,
    refund: () => undefined,
    reset: () => undefined,
  });

  it('lets requests through and warns once when the store fails (failOpen)', async () => {
    const { logger, lines } = captureLogs();
    const { app } = limitedApp({
      logger,
      store: failing(() => Promise.reject(new Error('ECONNREFUSED'))),
    });
    const responses = await hit(app, 3);
    await flushed();
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(responses[0]!.headers['x-rate-limit-limit']).toBeUndefined();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_STORE_UNAVAILABLE']);
  });

  it('warns once and says once when the outage ends, with its failed calls, while the store fails every other call', async () => {
    const clock = freezePerformanceNow();
    try {
      const { logger, lines } = captureLogs();
      const memory = new MemoryStore({ now: fakeClock().now });
      let calls = 0;
      let overMaxmemory = true;
      // As Redis over maxmemory: the scripts that write fail, those that only read answer.
      const halfFailing: RateLimitStore = {
        init: (policy) => memory.init(policy),
        consume: (key, cost) =>
          overMaxmemory && (calls += 1) % 2 === 1
            ? Promise.reject(new Error('OOM command not allowed'))
            : memory.consume(key, cost),
        refund: () => undefined,
        reset: () => undefined,
      };
      const { app } = limitedApp({ limit: 1000, logger, store: halfFailing });
      for (let i = 0; i < 60; i++) {
        await request(app).get('/');
        clock.advance(1000);
      }
      await flushed();
      expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_STORE_UNAVAILABLE']);
      // It answers without failing: the outage ends OUTAGE_QUIET_MS after its last failure.
      overMaxmemory = false;
      await request(app).get('/'); // answered, 1 s after the last failure
      clock.advance(OUTAGE_QUIET_MS);
      await hit(app, 3);
      await flushed();
      expect(
        lines.map(({ level, code, failedCalls, outageMs }) => ({
          level,
          code,
          failedCalls,
          outageMs,
        })),
      ).toEqual([
        {
          level: 40,
          code: 'RATE_LIMIT_STORE_UNAVAILABLE',
          failedCalls: undefined,
          outageMs: undefined,
        },
        { level: 30, code: 'RATE_LIMIT_STORE_RECOVERED', failedCalls: 30, outageMs: 58_000 },
      ]);
    } finally {
      clock.restore();
    }
  });

  it('tells an outage that goes on again every five minutes, with its failed calls so far', async () => {
    const clock = freezePerformanceNow();
    try {
      const { logger, lines } = captureLogs();
      const { app } = limitedApp({
        logger,
        store: failing(() =>
          Promise.reject(
            new Error("NOPERM this user has no permissions to run the 'evalsha' command"),
          ),
        ),
      });
      // Eleven minutes of a store that never answers, a request every 10 s.
      for (let i = 0; i < 66; i++) {
        await request(app).get('/');
        clock.advance(10_000);
      }
      await flushed();
      expect(
        lines.map(({ level, code, failedCalls, outageMs, hint }) => ({
          level,
          code,
          failedCalls,
          outageMs,
          hinted: typeof hint === 'string',
        })),
      ).toEqual([
        {
          level: 40,
          code: 'RATE_LIMIT_STORE_UNAVAILABLE',
          failedCalls: undefined,
          outageMs: undefined,
          hinted: true,
        },
        {
          level: 40,
          code: 'RATE_LIMIT_STORE_STILL_UNAVAILABLE',
          failedCalls: 31,
          outageMs: 300_000,
          hinted: true,
        },
        {
          level: 40,
          code: 'RATE_LIMIT_STORE_STILL_UNAVAILABLE',
          failedCalls: 61,
          outageMs: 600_000,
          hinted: true,
        },
      ]);
    } finally {
      clock.restore();
    }
  });

  it.each<[string, () => never | Promise<never>]>([
    ['rejects', () => Promise.reject(new Error('ECONNREFUSED'))],
    [
      'throws',
      () => {
        throw new Error('sync failure');
      },
    ],
    ['hangs', () => new Promise<never>(() => undefined)],
  ])(
    'still lets requests through when the store %s and the logger throws too',
    async (_, consume) => {
      const logger = {
        warn: () => {
          throw new Error('logger down');
        },
        info: () => undefined,
      } as unknown as RateLimitOptions['logger'];
      const { app } = limitedApp({ logger, storeTimeoutMs: 50, store: failing(consume) });
      const responses = await hit(app, 2);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
    },
  );

  it('answers 503 with Retry-After when failing closed', async () => {
    const { app } = limitedApp({
      failOpen: false,
      store: failing(() => {
        throw new Error('sync failure');
      }),
    });
    const res = await request(app).get('/');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(problemOf(res)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: 'Rate limiting is unavailable; try again shortly.',
    });
  });

  it('keeps none of the requests it gave up on while the store still hangs', async () => {
    const { track, kept } = requestTracker();
    const unanswered: unknown[] = [];
    const app = express();
    app.use(express.json());
    app.use(track);
    app.use(
      rateLimit({
        limit: 10,
        windowMs: 1000,
        logger: false,
        storeTimeoutMs: 20,
        // As a Redis client's queue of commands does: it holds each call until it is answered.
        store: failing(() => new Promise<never>((resolve) => unanswered.push(resolve))),
      }),
    );
    app.post('/', (_req, res) => {
      res.json({});
    });
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await request(app)
            .post('/')
            .send({ body: 'x'.repeat(10_000) })
        ).status,
      ).toBe(200);
    }
    expect(await kept()).toBe(0);
    expect(unanswered).toHaveLength(5);
  });

  it('does not wait for a hung store longer than storeTimeoutMs', async () => {
    const { app } = limitedApp({
      storeTimeoutMs: 50,
      failOpen: false,
      store: failing(() => new Promise<never>(() => undefined)),
    });
    const res = await request(app).get('/');
    expect(res.status).toBe(503);
  });
});

describe('rateLimit: options', () => {
  // Shapes the types refuse too: what a JavaScript caller could still pass.
  it.each<[string, object, string]>([
    ['no limit', { windowMs: 1000 }, '`limit` is required: a whole number from 1 to 1,000,000,000'],
    [
      'a fractional limit',
      { limit: 1.5, windowMs: 1000 },
      '`limit` must be a whole number from 1 to 1,000,000,000, got 1.5',
    ],
    [
      'no window',
      { limit: 1 },
      '`windowMs` is required: a whole number of milliseconds from 1 to 1,000,000,000,000',
    ],
    [
      'a zero window',
      { limit: 1, windowMs: 0 },
      '`windowMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got 0',
    ],
    [
      'both forms',
      { limit: 1, windowMs: 1, windows: [] },
      'give either `limit` and `windowMs`, or `windows`, not both',
    ],
    ['an empty windows list', { windows: [] }, '`windows` must be a non-empty array'],
    [
      'a bad window in the list',
      { windows: [{ limit: 0, windowMs: 1 }] },
      '`windows[0].limit` must be a whole number from 1 to 1,000,000,000, got 0',
    ],
    [
      'two windows with one name',
      {
        windows: [
          { limit: 1, windowMs: 1000, name: 'a' },
          { limit: 2, windowMs: 2000, name: 'a' },
        ],
      },
      'each window needs its own `name`',
    ],
    [
      'an unknown algorithm',
      { limit: 1, windowMs: 1, algorithm: 'leaky' as never },
      '`algorithm` must be one of gcra, sliding-window, fixed-window, got "leaky"',
    ],
    [
      'a bad block',
      { limit: 1, windowMs: 1, block: { after: 0, withinMs: 1, durationMs: 1 } },
      '`block.after` must be a whole number from 1 to 1,000,000,000, got 0',
    ],
    [
      'a block that is an array',
      { limit: 1, windowMs: 1, block: [] as never },
      '`block` must be an object { after, withinMs, durationMs }, got []',
    ],
    [
      'a bad block duration',
      { limit: 1, windowMs: 1, block: { after: 1, withinMs: 1, durationMs: -1 } },
      '`block.durationMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got -1',
    ],
    [
      'a limit beyond RFC 8941 integers (RateLimit-Policy q)',
      { limit: 1e16, windowMs: 1000 },
      '`limit` must be a whole number from 1 to 1,000,000,000, got 10000000000000000',
    ],
    [
      'a limit the stores cannot count exactly',
      { limit: 1e300, windowMs: 1000 },
      '`limit` must be a whole number from 1 to 1,000,000,000, got 1e+300',
    ],
    [
      'a window the stores cannot time exactly',
      { limit: 1, windowMs: Number.MAX_SAFE_INTEGER },
      '`windowMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got 9007199254740991',
    ],
    [
      'a block beyond the longest duration',
      { limit: 1, windowMs: 1, block: { after: 1, withinMs: 1e13, durationMs: 1 } },
      '`block.withinMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got 10000000000000',
    ],
    [
      'a store without consume',
      { limit: 1, windowMs: 1, store: {} as never },
      '`store` must implement the RateLimitStore interface; it has no `init()`',
    ],
    [
      'an IPv6 prefix out of range',
      { limit: 1, windowMs: 1, ipv6Subnet: 129 },
      '`ipv6Subnet` must be a prefix length from 1 to 128, or false, got 129',
    ],
    [
      'a logger without info(), which its "store recovered" line needs',
      { limit: 1, windowMs: 1, logger: { warn: () => undefined } as never },
      "`logger` must be a pino logger (or have pino's level methods), or false; it has no `info()`",
    ],
    [
      'a bad countOnly',
      { limit: 1, windowMs: 1, countOnly: 'errors' as never },
      "`countOnly` must be 'failures', 'successes' or a function",
    ],
    [
      'a bad standardHeaders',
      { limit: 1, windowMs: 1, standardHeaders: 'draft-7' as never },
      "`standardHeaders` must be 'draft-10' or false",
    ],
    [
      'a key that is not a function',
      { limit: 1, windowMs: 1, key: 'ip' as never },
      '`key` must be a function',
    ],
    [
      'a policy name with control characters',
      { limit: 1, windowMs: 1, name: 'a\nb' },
      '`name` must be a string of printable ASCII',
    ],
  ])('refuses %s at start-up, saying what to change', (_case, options, message) => {
    expect(() => rateLimit({ logger: false, ...options } as RateLimitOptions)).toThrow(message);
  });

  it('does not change the options object it is given', () => {
    const options = Object.freeze({
      windows: Object.freeze([Object.freeze({ limit: 5, windowMs: 1000 })]),
      block: Object.freeze({ after: 1, withinMs: 1000, durationMs: 1000 }),
      logger: false as const,
    });
    expect(() => rateLimit(options)).not.toThrow();
    expect(options).toEqual({
      windows: [{ limit: 5, windowMs: 1000 }],
      block: { after: 1, withinMs: 1000, durationMs: 1000 },
      logger: false,
    });
  });
});

describe('rateLimit: what a store or a cost function gets wrong', () => {
  const storeAnswering = (answer: () => unknown): RateLimitStore => ({
    init: () => undefined,
    consume: answer as never,
    refund: () => undefined,
    reset: () => undefined,
  });

  it('treats an invalid decision as a store failure, letting the request through (failOpen)', async () => {
    const { logger, lines } = captureLogs();
    const { app } = limitedApp({
      logger,
      store: storeAnswering(() =>
        Promise.resolve({
          allowed: true,
          window: 7,
          remaining: 1,
          resetMs: 1,
          retryAfterMs: 0,
          blockedMs: 0,
        }),
      ),
    });
    expect((await request(app).get('/')).status).toBe(200);
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_STORE_UNAVAILABLE']);
  });

  it('waits for a store that answers with a thenable of another promise library', async () => {
    const decision = {
      allowed: false,
      window: 0,
      remaining: 0,
      resetMs: 2000,
      retryAfterMs: 2000,
      blockedMs: 0,
    };
    const { app } = limitedApp({
      store: storeAnswering(() => ({
        then: (resolve: (value: unknown) => void) => resolve(decision),
      })),
    });
    const res = await request(app).get('/');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('answers 500 to a cost that is not a whole number', async () => {
    const { app } = limitedApp({ cost: () => 0.5 });
    expect((await request(app).get('/')).status).toBe(500);
  });

  it('refuses a store timeout beyond what setTimeout can wait', () => {
    expect(() =>
      rateLimit({ limit: 1, windowMs: 1000, logger: false, storeTimeoutMs: 2 ** 31 }),
    ).toThrow(
      '`storeTimeoutMs` must be a whole number of milliseconds from 1 to 2,147,483,647, got 2147483648',
    );
  });

  it('refuses more windows than the Redis script can hold', () => {
    const windows = Array.from({ length: 11 }, (_, i) => ({
      limit: i + 1,
      windowMs: (i + 1) * 1000,
    }));
    expect(() => rateLimit({ windows, logger: false })).toThrow(
      '`windows` may hold at most 10 windows, got 11',
    );
  });

  it.each([
    [{ limit: 1, windowMs: 1000, name: 5 as never }, '`name`', '5'],
    [{ limit: 1, windowMs: 1000, name: 'café' }, '`name`', '"café"'],
    [
      { windows: [{ limit: 1, windowMs: 1000, name: 'a\r\nb' }] },
      '`windows[0].name`',
      '"a\\r\\nb"',
    ],
  ])('refuses a policy name the RateLimit fields cannot carry: %j', (options, path, shown) => {
    expectOptionError(
      () => rateLimit({ ...options, logger: false }),
      'ERR_EAE_OPTION_TYPE',
      `rateLimit(): ${path} must be a string of printable ASCII (it is sent in the RateLimit fields), got ${shown}`,
    );
  });

  it.each([
    // Holes, as `[, { … }]` writes them: Array(n) has n of them.
    ['a hole', Object.assign(new Array(2), { 1: { limit: 2, windowMs: 1000 } }), 'undefined'],
    ['only holes', new Array(2), 'undefined'],
    ['a number', [5], '5'],
  ])('refuses a windows list with %s, naming the entry', (_what, windows, shown) => {
    expectOptionError(
      () => rateLimit({ windows: windows as never, logger: false }),
      'ERR_EAE_OPTION_TYPE',
      `rateLimit(): \`windows[0]\` must be an object such as { limit: 100, windowMs: 60_000 }, got ${shown}`,
    );
  });
});
