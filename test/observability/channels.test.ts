import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import {
  CHANNEL_NAMES,
  MemoryStore,
  NotFoundError,
  loadShedding,
  type ErrorMessage,
  type LoadSheddingMessage,
  type RateLimitMessage,
  type RateLimitOptions,
  type RateLimitStore,
  type StoreMessage,
} from '../../src/index.js';
import express from 'express';
import { appFailingMidStream, appThrowing, createApp } from '../helpers/app.js';
import { abandonMidBody } from '../helpers/raw-http.js';
import { serve } from '../helpers/server.js';
import { limitedApp } from '../helpers/limited-app.js';
import { fakeClock, freezePerformanceNow } from '../helpers/clock.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { blockEventLoop } from '../helpers/event-loop.js';

/** Collects what `name` publishes while `run` runs, and after it until there are `atLeast` messages. */
async function published<T>(name: string, run: () => Promise<unknown>, atLeast = 0): Promise<T[]> {
  const messages: T[] = [];
  const listener = (message: unknown) => messages.push(message as T);
  subscribe(name, listener);
  try {
    await run();
    while (messages.length < atLeast) await sleep(5);
  } finally {
    unsubscribe(name, listener);
  }
  return messages;
}

/** A limited app whose every request comes from one client, ada. */
const appFor = (options: Partial<RateLimitOptions>) => limitedApp({ key: () => 'ada', ...options });

describe('the error channel', () => {
  it('tells subscribers each error the handler answers: what was thrown, its status, code and request', async () => {
    const thrown = new NotFoundError('No user 7', { subCode: '404.1' });
    const messages = await published<ErrorMessage>(CHANNEL_NAMES.error, () =>
      request(appThrowing(() => thrown)).get('/throw'),
    );
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message).toEqual({
      thrown,
      error: thrown,
      status: 404,
      code: 'USER_NOT_FOUND',
      subCode: '404.1',
      refusal: false,
      clientGone: false,
      req: expect.objectContaining({ method: 'GET', url: '/throw' }),
      res: expect.objectContaining({ statusCode: 404 }),
    });
  });

  it('tells a refusal from a fault', async () => {
    const app = appFor({});
    const messages = await published<ErrorMessage>(CHANNEL_NAMES.error, async () => {
      for (let i = 0; i < 3; i++) await request(app).get('/');
    });
    expect(messages.map(({ status, code, refusal }) => ({ status, code, refusal }))).toEqual([
      { status: 429, code: 'TOO_MANY_REQUESTS', refusal: true },
    ]);
  });

  it('says when the client had gone before the answer could be written', async () => {
    const app = createApp((a) => {
      a.post('/items', express.json(), (_req, res) => {
        res.status(201).end();
      });
    });
    const server = await serve(app);
    try {
      const messages = await published<ErrorMessage>(
        CHANNEL_NAMES.error,
        () => abandonMidBody(server.server, '/items'),
        1,
      );
      expect(
        messages.map(({ status, code, clientGone }) => ({ status, code, clientGone })),
      ).toEqual([{ status: 400, code: 'BAD_REQUEST', clientGone: true }]);
    } finally {
      await server.close();
    }
  });

  it('names the 500 a non-HTTP error becomes', async () => {
    const thrown = new Error('db down');
    const [message] = await published<ErrorMessage>(CHANNEL_NAMES.error, () =>
      request(appThrowing(() => thrown)).get('/throw'),
    );
    expect(message).toMatchObject({
      thrown,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      refusal: false,
    });
  });
});

describe('the error channel, when the answer is not the one meant', () => {
  it('tells the 500 the handler fell back to, once, not the 404 it meant', async () => {
    const app = appThrowing(() => new NotFoundError('No user 7', { subCode: '404.1' }), {
      problemType: () => {
        throw new Error('broken');
      },
    });
    const messages = await published<ErrorMessage>(CHANNEL_NAMES.error, async () => {
      expect((await request(app).get('/throw')).status).toBe(500);
    });
    expect(messages.map(({ status, code, subCode }) => ({ status, code, subCode }))).toEqual([
      { status: 500, code: 'INTERNAL_SERVER_ERROR', subCode: undefined },
    ]);
  });

  it('tells the 500 the handler fell back to when sending its answer failed', async () => {
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          // A hook on writeHead (as on-headers installs) that throws once.
          const writeHead = res.writeHead;
          let failed = false;
          res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
            if (!failed) {
              failed = true;
              throw new Error('hook');
            }
            return writeHead.apply(this, args);
          } as typeof writeHead;
          next(new NotFoundError('No user 7'));
        }),
      { logger: false },
    );
    const messages = await published<ErrorMessage>(CHANNEL_NAMES.error, async () => {
      expect((await request(app).get('/throw')).status).toBe(500);
    });
    expect(messages.map(({ status, code }) => ({ status, code }))).toEqual([
      { status: 500, code: 'INTERNAL_SERVER_ERROR' },
    ]);
  });

  it('tells the status that went out for an error after the headers were sent', async () => {
    const { app } = appFailingMidStream({ logger: false });
    const messages = await published<ErrorMessage>(CHANNEL_NAMES.error, () =>
      request(app)
        .get('/throw')
        .catch(() => undefined),
    );
    expect(messages.map(({ status, code }) => ({ status, code }))).toEqual([
      { status: 200, code: 'INTERNAL_SERVER_ERROR' },
    ]);
  });
});

describe('the rate-limit channel', () => {
  it('tells subscribers each decision: allowed, refused, with the window and what remains', async () => {
    const app = appFor({});
    const messages = await published<RateLimitMessage>(CHANNEL_NAMES.rateLimit, async () => {
      for (let i = 0; i < 3; i++) await request(app).get('/');
    });
    const decisions = messages.map(({ req, ...rest }) => {
      expect(req).toEqual(expect.objectContaining({ method: 'GET' }));
      return rest;
    });
    const window = { key: 'ada', cost: 1, policy: '2-in-1min', limit: 2, windowMs: 60_000 };
    expect(decisions).toEqual([
      { outcome: 'allowed', ...window, remaining: 1, fromDenyCache: false },
      { outcome: 'allowed', ...window, remaining: 0, fromDenyCache: false },
      { outcome: 'refused', ...window, remaining: 0, fromDenyCache: false },
    ]);
  });

  it('tells which refusals the deny cache made without asking the store', async () => {
    const app = appFor({ denyCache: true });
    const messages = await published<RateLimitMessage>(CHANNEL_NAMES.rateLimit, async () => {
      for (let i = 0; i < 4; i++) await request(app).get('/');
    });
    expect(messages.map(({ outcome, fromDenyCache }) => ({ outcome, fromDenyCache }))).toEqual([
      { outcome: 'allowed', fromDenyCache: false },
      { outcome: 'allowed', fromDenyCache: false },
      { outcome: 'refused', fromDenyCache: false },
      { outcome: 'refused', fromDenyCache: true },
    ]);
  });

  it('tells a block (403.30) and a request that can never pass (413.1)', async () => {
    const blocking = appFor({
      limit: 1,
      block: { after: 2, withinMs: 60_000, durationMs: 60_000 },
    });
    const blocked = await published<RateLimitMessage>(CHANNEL_NAMES.rateLimit, async () => {
      for (let i = 0; i < 3; i++) await request(blocking).get('/');
    });
    expect(blocked.map((m) => m.outcome)).toEqual(['allowed', 'refused', 'blocked']);

    const tooDear = appFor({ cost: () => 5 });
    const never = await published<RateLimitMessage>(CHANNEL_NAMES.rateLimit, () =>
      request(tooDear).get('/'),
    );
    expect(never).toEqual([
      expect.objectContaining({
        outcome: 'never-allowed',
        cost: 5,
        limit: 2,
        remaining: 2,
        fromDenyCache: false,
      }),
    ]);
  });
});

describe('the store channel', () => {
  let clock: ReturnType<typeof freezePerformanceNow>;
  beforeEach(() => {
    clock = freezePerformanceNow();
  });
  afterEach(() => clock.restore());

  /** A memory store whose `consume` throws while `fails(call)` says so (calls counted from 1). */
  function flakyStore(fails: (call: number) => boolean) {
    const memory = new MemoryStore({ now: fakeClock().now });
    let calls = 0;
    return new (class FlakyStore implements RateLimitStore {
      init = memory.init.bind(memory);
      refund = memory.refund.bind(memory);
      reset = memory.reset.bind(memory);
      consume(key: string, cost: number) {
        if (fails((calls += 1))) throw new Error('connection refused');
        return memory.consume(key, cost);
      }
    })();
  }

  it('tells subscribers once when the store fails, and once when it has answered without failing for 30 s', async () => {
    let failing = true;
    const app = appFor({ limit: 100, store: flakyStore(() => failing), failOpen: true });
    const messages = await published<StoreMessage>(CHANNEL_NAMES.store, async () => {
      for (let i = 0; i < 3; i++) await request(app).get('/');
      failing = false;
      for (let i = 0; i < 3; i++) await request(app).get('/');
      clock.advance(OUTAGE_QUIET_MS);
      for (let i = 0; i < 3; i++) await request(app).get('/');
    });
    expect(messages).toEqual([
      {
        state: 'unavailable',
        store: 'FlakyStore',
        error: expect.objectContaining({ message: 'connection refused' }),
        failOpen: true,
      },
      {
        state: 'recovered',
        store: 'FlakyStore',
        failOpen: true,
        failedCalls: 3,
        outageMs: 0,
      },
    ]);
  });

  it('tells one outage, not one per request, while the store fails every other call', async () => {
    const app = appFor({ limit: 1000, store: flakyStore((call) => call % 2 === 1) });
    const messages = await published<StoreMessage>(CHANNEL_NAMES.store, async () => {
      for (let i = 0; i < 60; i++) {
        await request(app).get('/');
        clock.advance(1000);
      }
    });
    expect(messages.map(({ state }) => state)).toEqual(['unavailable']);
  });
});

describe('the load-shedding channel', () => {
  it('tells subscribers when the process becomes overloaded and when it recovers', async () => {
    const shedding = loadShedding({ maxEventLoopDelayMs: 100, sampleIntervalMs: 50 });
    const messages: LoadSheddingMessage[] = [];
    const listener = (message: unknown) => messages.push(message as LoadSheddingMessage);
    subscribe(CHANNEL_NAMES.loadShedding, listener);
    try {
      await sleep(120);
      blockEventLoop(400);
      // Until a sample has seen the stall and a later one the recovery; never asserting durations.
      for (let i = 0; i < 200 && messages.length < 2; i++) await sleep(20);
      expect(messages.map((m) => m.overloaded)).toEqual([true, false]);
      expect(messages[0]!.eventLoopDelayMs).toBeGreaterThan(100);
      expect(messages[0]!.heapUsedBytes).toBeUndefined();
    } finally {
      unsubscribe(CHANNEL_NAMES.loadShedding, listener);
      shedding.close();
    }
  });
});
