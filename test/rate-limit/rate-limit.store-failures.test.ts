import express from 'express';
import request from 'supertest';
import {
  MemoryStore,
  rateLimit,
  type RateLimitOptions,
  type RateLimitStore,
} from '../../src/index.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { brokenThenable } from '../helpers/broken-thenable.js';
import { fakeClock, freezePerformanceNow } from '../helpers/clock.js';
import { directRequest, outcomeOf, type Pass } from '../helpers/direct-request.js';
import { sleep } from '../helpers/event-loop.js';
import { requestTracker } from '../helpers/heap.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';
import { clockedApp, hit } from '../helpers/limited-app.js';

describe('rateLimit: store failures', () => {
  const failing = (error: () => never | Promise<never>): RateLimitStore => ({
    init: () => undefined,
    consume: error,
    refund: () => undefined,
    reset: () => undefined,
  });

  it('lets requests through and warns once when the store fails (failOpen)', async () => {
    const { logger, lines } = captureLogs();
    const { app } = clockedApp({
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
      const { app } = clockedApp({ limit: 1000, logger, store: halfFailing });
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
      const { app } = clockedApp({
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
      const { app } = clockedApp({ logger, storeTimeoutMs: 50, store: failing(consume) });
      const responses = await hit(app, 2);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
    },
  );

  it('answers 503 with Retry-After when failing closed', async () => {
    const { app } = clockedApp({
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
    const { app } = clockedApp({
      storeTimeoutMs: 50,
      failOpen: false,
      store: failing(() => new Promise<never>(() => undefined)),
    });
    const res = await request(app).get('/');
    expect(res.status).toBe(503);
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
    const { app } = clockedApp({
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
    const { app } = clockedApp({
      store: storeAnswering(() => ({
        then: (resolve: (value: unknown) => void) => resolve(decision),
      })),
    });
    const res = await request(app).get('/');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('answers 500 to a cost that is not a whole number', async () => {
    const { app } = clockedApp({ cost: () => 0.5 });
    expect((await request(app).get('/')).status).toBe(500);
  });
});

describe("rateLimit: a store's promise-like answer whose then() misbehaves", () => {
  const allowed = {
    allowed: true,
    window: 0,
    remaining: 1,
    resetMs: 60_000,
    retryAfterMs: 0,
    blockedMs: 0,
  };
  const refused = { ...allowed, allowed: false, remaining: 0, retryAfterMs: 2000 };
  type Then = (resolve: (value: unknown) => void, reject: (error: unknown) => void) => void;
  const throws: Then = () => {
    throw new Error('connection lost');
  };
  const rejectsThenThrows: Then = (_resolve, reject) => {
    reject(new Error('ECONNRESET'));
    throw new Error('connection lost');
  };
  const answersThenThrows =
    (decision: object): Then =>
    (resolve) => {
      resolve(decision);
      throw new Error('connection lost');
    };

  /** A store on another promise library, whose every answer is a thenable calling `then`; and its calls. */
  const thenableStore = (then: Then) => {
    const store = {
      consumed: 0,
      init: () => undefined,
      consume: () => {
        store.consumed += 1;
        return { then } as unknown as Promise<never>;
      },
      refund: () => undefined,
      reset: () => undefined,
    };
    return store;
  };

  /** A limiter on `store` whose store deadline passes in 50 ms, and what it logged. */
  const limiterOn = (store: RateLimitStore, failOpen = true) => {
    const { logger, lines } = captureLogs();
    const limiter = rateLimit({
      limit: 2,
      windowMs: 60_000,
      logger,
      store,
      failOpen,
      storeTimeoutMs: 50,
    });
    /** The codes logged so far, each with its error's message. */
    const logged = async () => {
      await flushed();
      return lines.map(({ code, err }) => [
        code,
        (err as { message: string } | undefined)?.message,
      ]);
    };
    return { limiter, logged };
  };

  it.each<[string, boolean, Then, Pass[], [string, string][]]>([
    ['throws', true, throws, ['next'], [['RATE_LIMIT_STORE_UNAVAILABLE', 'connection lost']]],
    ['throws', false, throws, [503], [['RATE_LIMIT_STORE_UNAVAILABLE', 'connection lost']]],
    [
      'rejects, then throws',
      true,
      rejectsThenThrows,
      ['next'],
      [['RATE_LIMIT_STORE_UNAVAILABLE', 'ECONNRESET']],
    ],
    [
      'rejects, then throws',
      false,
      rejectsThenThrows,
      [503],
      [['RATE_LIMIT_STORE_UNAVAILABLE', 'ECONNRESET']],
    ],
    ['answers, then throws', false, answersThenThrows(allowed), ['next'], []],
  ])(
    'passes the request on once when then() %s (failOpen: %s), and not again at the store deadline',
    async (_case, failOpen, then, passed, codes) => {
      const { limiter, logged } = limiterOn(thenableStore(then), failOpen);
      const passes: Pass[] = [];
      void outcomeOf(limiter, directRequest(express()), passes);
      await sleep(150);
      expect(passes).toEqual(passed);
      expect(await logged()).toEqual(codes);
    },
  );

  it.each<[boolean, Pass]>([
    [true, 'next'],
    [false, 503],
  ])(
    'passes the request on once when reading then throws (a getter; failOpen: %s), as a store failure',
    async (failOpen, passed) => {
      const store: RateLimitStore = {
        init: () => undefined,
        consume: () => brokenThenable('then getter throws'),
        refund: () => undefined,
        reset: () => undefined,
      };
      const { limiter, logged } = limiterOn(store, failOpen);
      const passes: Pass[] = [];
      void outcomeOf(limiter, directRequest(express()), passes);
      await sleep(150);
      expect(passes).toEqual([passed]);
      expect(await logged()).toEqual([['RATE_LIMIT_STORE_UNAVAILABLE', 'connection lost']]);
    },
  );

  it('keeps a refusal answered by a then() that throws after it, and refuses from it the next time', async () => {
    const store = thenableStore(answersThenThrows(refused));
    const { limiter, logged } = limiterOn(store);
    const app = express();
    const first: Pass[] = [];
    void outcomeOf(limiter, directRequest(app), first);
    await sleep(10);
    const second: Pass[] = [];
    void outcomeOf(limiter, directRequest(app), second);
    await sleep(150);
    expect([first, second]).toEqual([[429], [429]]);
    // The second came from the deny cache, without asking the store.
    expect(store.consumed).toBe(1);
    expect(await logged()).toEqual([]);
  });
});
