import { get as httpGet } from 'node:http';
import express, { type Request, type Response } from 'express';
import request from 'supertest';
import {
  MemoryStore,
  errorHandler,
  rateLimit,
  type RateLimitOptions,
  type RateLimitStore,
} from '../../src/index.js';
import { brokenThenable, THENABLE_FAULTS } from '../helpers/broken-thenable.js';
import { fakeClock } from '../helpers/clock.js';
import { sleep } from '../helpers/event-loop.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { serve } from '../helpers/server.js';
import { clockedApp } from '../helpers/limited-app.js';

describe('rateLimit: counting only failures', () => {
  it('counts failed logins only, so successes never lock a user out', async () => {
    const { app } = clockedApp({ limit: 2, countOnly: 'failures', algorithm: 'fixed-window' });
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
    const { app } = clockedApp({
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
    const { app } = clockedApp({
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

  it.each(THENABLE_FAULTS)(
    'counts a request whose predicate answers with a promise-like whose %s, without crashing',
    async (fault) => {
      const { logger, lines } = captureLogs();
      const { app } = clockedApp({
        limit: 1,
        algorithm: 'fixed-window',
        logger,
        countOnly: () => brokenThenable<boolean>(fault, new Error('broken thenable')),
      });
      expect((await request(app).get('/')).status).toBe(200);
      expect((await request(app).get('/')).status).toBe(429);
      await flushed();
      expect(lines.map(({ code, err }) => [code, (err as { message?: string }).message])).toEqual([
        ['RATE_LIMIT_COUNT_ONLY_FAILED', 'broken thenable'],
      ]);
    },
  );

  it('accepts a predicate on the response', async () => {
    const { app } = clockedApp({
      limit: 1,
      algorithm: 'fixed-window',
      countOnly: (_req, res) => res.statusCode === 401,
    });
    await request(app).get('/');
    await request(app).get('/');
    expect((await request(app).get('/')).status).toBe(200);
  });
});
