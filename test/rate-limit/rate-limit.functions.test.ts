import express from 'express';
import request from 'supertest';
import { rateLimit, type RateLimitOptions } from '../../src/index.js';
import { limitedApp } from '../helpers/limited-app.js';
import { problemOf } from '../helpers/problem.js';

const later = <T>(value: T) => new Promise<T>((resolve) => setImmediate(() => resolve(value)));

describe('rateLimit: key, cost and skip as functions of the request', () => {
  it('takes an async key', async () => {
    const app = limitedApp({ key: (req) => later(`user:${req.get('x-user') ?? 'anonymous'}`) });
    const res = await request(app).get('/').set('X-User', 'ada');
    expect(res.status).toBe(200);
    expect(res.body.rateLimit).toMatchObject({ key: 'user:ada', remaining: 1 });
    expect((await request(app).get('/').set('X-User', 'bob')).body.rateLimit).toMatchObject({
      key: 'user:bob',
      remaining: 1,
    });
  });

  it('takes an async cost', async () => {
    const app = limitedApp({ limit: 10, cost: () => later(4) });
    const res = await request(app).get('/');
    expect(res.headers['x-rate-limit-remaining']).toBe('6');
  });

  it('takes an async skip, and skips only on true', async () => {
    const app = limitedApp({ limit: 1, skip: (req) => later(req.get('x-internal') === 'yes') });
    await request(app).get('/').set('X-Internal', 'yes');
    const skipped = await request(app).get('/').set('X-Internal', 'yes');
    expect(skipped.status).toBe(200);
    expect(skipped.headers['x-rate-limit-limit']).toBeUndefined();
    expect((await request(app).get('/')).status).toBe(200);
    expect((await request(app).get('/')).status).toBe(429);
  });

  it.each<[string, Partial<RateLimitOptions>, string]>([
    [
      'a key that rejects',
      { key: () => Promise.reject(new Error('session store down')) },
      'session store down',
    ],
    [
      'a key that throws',
      {
        key: () => {
          throw new Error('no user');
        },
      },
      'no user',
    ],
    [
      'a key that is not a string',
      { key: () => later(7 as unknown as string) },
      'rateLimit `key` must return a string, got 7',
    ],
    ['a cost that rejects', { cost: () => Promise.reject(new Error('db down')) }, 'db down'],
    [
      'a cost that is not whole',
      { cost: () => later(1.5) },
      'rateLimit `cost` must return a whole number >= 0, got 1.5',
    ],
    [
      'a skip that is not a boolean',
      { skip: () => 'yes' as unknown as boolean },
      'rateLimit `skip` must return a boolean, got "yes"',
    ],
    ['a skip that rejects', { skip: () => Promise.reject(new Error('flags down')) }, 'flags down'],
  ])(
    'fails the request on %s, never falling back to a default',
    async (_name, options, message) => {
      const failures: unknown[] = [];
      const res = await request(limitedApp(options, failures)).get('/');
      expect(res.status).toBe(500);
      expect(problemOf(res)).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
      expect(failures).toHaveLength(1);
      expect((failures[0] as Error).message).toBe(message);
    },
  );
});

describe('rateLimit: the detail of a 429', () => {
  it('can be a fixed string', async () => {
    const app = limitedApp({ limit: 1, detail: 'Slow down: one request a minute.' });
    await request(app).get('/');
    const res = await request(app).get('/');
    expect(res.status).toBe(429);
    expect(problemOf(res).detail).toBe('Slow down: one request a minute.');
  });

  it('can be a function of the request and its rate-limit info', async () => {
    const app = limitedApp({
      limit: 1,
      key: () => 'user-7',
      detail: (req, info) =>
        `${req.method} refused for ${info.key}: ${info.used} of ${info.limit} used.`,
    });
    await request(app).get('/');
    const res = await request(app).get('/');
    expect(problemOf(res).detail).toBe('GET refused for user-7: 1 of 1 used.');
  });

  it('refuses a detail that is neither a string nor a function', () => {
    expect(() => rateLimit({ limit: 1, windowMs: 1000, detail: 42 as unknown as string })).toThrow(
      '`detail` must be a non-empty string or a function returning one, got 42',
    );
  });
});

describe('rateLimit: options written for express-rate-limit', () => {
  function refusal(options: object) {
    try {
      rateLimit(options as RateLimitOptions);
    } catch (error) {
      return error as TypeError & { code: string };
    }
    throw new Error('accepted');
  }

  it('refuses `max` and `keyGenerator` at start-up, saying what replaces them, instead of limiting by IP with the default', () => {
    const error = refusal({
      windowMs: 15 * 60_000,
      max: 5,
      keyGenerator: (req: express.Request) => String(req.headers['x-user']),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
    });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_EAE_UNKNOWN_OPTION');
    expect(error.message).toMatch(
      /^rateLimit\(\): `max` is not an option: use `limit` \(express-rate-limit's `max`\)\. The options are `limit`, `windowMs`, /,
    );
  });

  it.each([
    ['keyGenerator', "use `key` (express-rate-limit's `keyGenerator`), which may also be async"],
    ['message', 'use `detail`, the text of the 429 problem'],
    ['handler', '`errorHandler()` answers the 429 like any error; `detail` sets its text'],
    ['skipSuccessfulRequests', "use `countOnly: 'failures'`"],
    ['passOnStoreError', 'use `failOpen`'],
  ])('refuses `%s` with its migration advice', (name, advice) => {
    const error = refusal({ limit: 5, windowMs: 1000, [name]: true });
    expect(error.code).toBe('ERR_EAE_UNKNOWN_OPTION');
    expect(error.message).toContain(`rateLimit(): \`${name}\` is not an option: ${advice}.`);
  });

  it("refuses express-rate-limit's header drafts, naming draft 10", () => {
    const error = refusal({ limit: 5, windowMs: 1000, standardHeaders: 'draft-8' });
    expect(error.code).toBe('ERR_EAE_OPTION_TYPE');
    expect(error.message).toBe(
      "rateLimit(): `standardHeaders` must be 'draft-10' or false, got \"draft-8\" (express-rate-limit's drafts 6 to 8 are superseded by draft 10: use 'draft-10')",
    );
  });

  it('refuses a misspelt option with the nearest one, also inside block and windows', () => {
    expect(refusal({ limit: 5, windowMs: 1000, failopen: true }).message).toContain(
      '`failopen` is not an option. Did you mean `failOpen`?',
    );
    expect(
      refusal({ limit: 5, windowMs: 1000, block: { after: 2, within: 1000, durationMs: 1000 } })
        .message,
    ).toContain('`block.within` is not an option. Did you mean `block.withinMs`?');
    expect(refusal({ windows: [{ limit: 5, window: 1000 }] }).message).toContain(
      '`windows[0].window` is not an option. Did you mean `windows[0].windowMs`?',
    );
  });

  it.each<[string, object, string]>([
    [
      'ERR_EAE_OPTIONS',
      null as unknown as object,
      'rateLimit(): options must be an object such as { limit: 15, windowMs: 1000 }, got null',
    ],
    ['ERR_EAE_OPTION_MISSING', { windowMs: 1000 }, 'rateLimit(): `limit` is required'],
    ['ERR_EAE_OPTION_RANGE', { limit: 0, windowMs: 1000 }, 'rateLimit(): `limit` must be'],
    [
      'ERR_EAE_OPTION_TYPE',
      { limit: '15', windowMs: 1000 },
      'rateLimit(): `limit` must be a whole number from 1 to 1,000,000,000, got "15"',
    ],
    [
      'ERR_EAE_OPTION_TYPE',
      { limit: 1, windowMs: 1000, failOpen: 'yes' },
      'rateLimit(): `failOpen`',
    ],
    [
      'ERR_EAE_OPTION_CONFLICT',
      { limit: 1, windowMs: 1000, windows: [] },
      'rateLimit(): give either `limit` and `windowMs`, or `windows`',
    ],
  ])('codes each kind of bad option: %s', (code, options, message) => {
    const error = refusal(options);
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(code === 'ERR_EAE_OPTION_RANGE' ? RangeError : TypeError);
    expect(error.message).toContain(message);
  });
});
