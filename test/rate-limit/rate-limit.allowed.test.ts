import express from 'express';
import { parseRateLimit } from 'ratelimit-header-parser';
import { parseList } from 'structured-headers';
import request from 'supertest';
import { MemoryStore, rateLimit } from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';
import { clockedApp, hit } from '../helpers/limited-app.js';

describe('rateLimit: allowed requests', () => {
  it('sends X-Rate-Limit-Limit, -Remaining and -Reset in seconds', async () => {
    const { app } = clockedApp();
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
    const { app } = clockedApp({ standardHeaders: 'draft-10', legacyHeaders: false, limit: 15 });
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
    const { app } = clockedApp({
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
    const { app } = clockedApp({
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
    const { app } = clockedApp({ limit: 1, skip: (req) => req.path === '/' });
    const responses = await hit(app, 3);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(responses[0]!.headers['x-rate-limit-limit']).toBeUndefined();
  });

  it('charges what `cost` says', async () => {
    const { app } = clockedApp({ limit: 10, cost: () => 4 });
    const responses = await hit(app, 3);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(responses[1]!.headers['x-rate-limit-remaining']).toBe('2');
    expect(responses[2]!.headers['x-rate-limit-remaining']).toBe('2');
  });
});
