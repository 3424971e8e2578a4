import express from 'express';
import request from 'supertest';
import { MemoryStore, errorHandler, rateLimit, type RateLimitOptions } from '../../src/index.js';
import { fakeClock } from './clock.js';

/**
 * An app limited by `rateLimit(options)` over these defaults: 2 requests a
 * minute, fixed window, a memory store on a clock that stands still, no
 * logger. `GET /` answers with what the limiter put on the request; what
 * reaches the error middleware is pushed to `failures`, then answered by
 * `errorHandler`.
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

/** The statuses of `count` requests to `GET path` of `app`, sent one after the other. */
export async function statusesOf(
  app: express.Express,
  count: number,
  path = '/',
): Promise<number[]> {
  const statuses = [];
  for (let i = 0; i < count; i++) statuses.push((await request(app).get(path)).status);
  return statuses;
}
