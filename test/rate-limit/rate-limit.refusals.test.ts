import express from 'express';
import { rateLimit as expressRateLimit } from 'express-rate-limit';
import request from 'supertest';
import { MemoryStore, errorHandler, rateLimit } from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';
import { expectedProblem, problemOf } from '../helpers/problem.js';
import { clockedApp, hit } from '../helpers/limited-app.js';

describe('rateLimit: requests that can never pass', () => {
  it('answers 413.1 without Retry-After to a request costing more than the whole limit, spending nothing', async () => {
    const { app } = clockedApp({
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
    const { app } = clockedApp({ limit: 3, cost: () => 3 });
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['x-rate-limit-remaining']).toBe('0');
  });
});

describe('rateLimit: refused requests', () => {
  it('answers 429 through errorHandler with Retry-After and the rate-limit headers', async () => {
    const { app } = clockedApp({ algorithm: 'fixed-window' });
    const responses = await hit(app, 4);
    const refused = responses[3]!;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['x-rate-limit-limit']).toBe('3');
    expect(refused.headers['x-rate-limit-remaining']).toBe('0');
    expect(refused.headers['x-rate-limit-reset']).toBe('1');
    expect(problemOf(refused)).toEqual(
      expectedProblem(429, '/', 'Rate limit of 3 requests per 1 s exceeded.'),
    );
  });

  it('never sends Retry-After 0 while limited, nor earlier than the reset it reports', async () => {
    const { app, clock } = clockedApp({ limit: 10, windowMs: 1000 });
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
    const { app } = clockedApp({ limit: 1, windowMs: 90_500, algorithm: 'fixed-window' });
    const [, refused] = await hit(app, 2);
    expect(refused!.headers['retry-after']).toBe('91');
  });

  it('lets the client in again after Retry-After', async () => {
    const { app, clock } = clockedApp({ algorithm: 'fixed-window' });
    const responses = await hit(app, 4);
    clock.advance(Number(responses[3]!.headers['retry-after']) * 1000);
    expect((await request(app).get('/')).status).toBe(200);
  });

  it('blocks a client refused too often with 403.30 and Retry-After, without touching its counts', async () => {
    const { app, clock } = clockedApp({
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
    const { app } = clockedApp({ limit: 1, algorithm: 'fixed-window', block: blockAfterOne });
    const [, blocked] = await hit(app, 2);
    expect([blocked!.status, blocked!.headers['x-status-sub-code']]).toEqual([403, '403.30']);
    expect(blockFieldsOf(blocked!)).toEqual(BLOCKED_FOR_30_S);
  });

  it('tells a blocked client the same in the RateLimit field (draft-10)', async () => {
    const { app } = clockedApp({
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
