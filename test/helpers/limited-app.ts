import express from 'express';
import request from 'supertest';
import { MemoryStore, errorHandler, rateLimit, type RateLimitOptions } from '../../src/index.js';
import { fakeClock } from './clock.js';

/**
 * An app limited by `rateLimit(options)` over these defaults: 2 requests a
 * minute, fixed window, a memory store on a clock that stands still, no
 * logger. `GET /` answers with what the limiter put on the request; what
 * reaches the error middleware is pushed to `failures`, then answered by
 * `errorHandler`. (`clockedApp` below is the one whose clock a test moves.)
 */
export function limitedApp(
  options: Partial<RateLimitOptions> = {},
  failures: unknown[] = [],
): express.Express {
  const app = express();
  app.use(
    rateLimit({
      limit: 2,
      windowMs: 60_000,
      algorithm: 'fixed-window',
      logger: false,
      store: new MemoryStore({ now: fakeClock().now }),
      ...options,
    } as RateLimitOptions),
  );
  app.get('/', (req, res) => {
    res.json({ rateLimit: req.rateLimit ?? null });
  });
  app.use(
    (error: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
      failures.push(error);
      next(error);
    },
  );
  app.use(errorHandler({ logger: false }));
  return app;
}

/**
 * An app limited by `rateLimit(options)` over these defaults: 3 requests a
 * second, the default algorithm, no logger, a memory store that reads
 * `clock` (returned, for the test to move time). `GET /` answers 200;
 * `POST /login` 200 with `?password=right`, else 401. `errorHandler` last.
 */
export function clockedApp(options: Partial<RateLimitOptions> = {}, clock = fakeClock()) {
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

/** The responses to `times` GETs of `path`, sent one after the other. */
export async function hit(app: express.Express, times: number, path = '/') {
  const responses = [];
  for (let i = 0; i < times; i++) responses.push(await request(app).get(path));
  return responses;
}

/** The statuses of `count` requests to `GET path` of `app`, sent one after the other. */
export async function statusesOf(
  app: express.Express,
  count: number,
  path = '/',
): Promise<number[]> {
  return (await hit(app, count, path)).map(({ status }) => status);
}
