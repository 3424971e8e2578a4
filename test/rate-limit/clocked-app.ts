import express from 'express';
import request from 'supertest';
import { MemoryStore, errorHandler, rateLimit, type RateLimitOptions } from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';

/**
 * An app limited by `rateLimit(options)` over these defaults: 3 requests a
 * second, the default algorithm, no logger, a memory store that reads
 * `clock` (returned, for the test to move time). `GET /` answers 200;
 * `POST /login` 200 with `?password=right`, else 401. `errorHandler` last.
 * (`limitedApp` of test/helpers/limited-app.ts allows 2 a minute, fixed
 * window, and answers with `req.rateLimit`.)
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
