import { execFile } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import request, { type Response } from 'supertest';
import {
  loadShedding,
  type LoadSheddingMiddleware,
  type LoadSheddingOptions,
} from '../../src/middleware/load-shedding.js';
import { CHANNEL_NAMES } from '../../src/observability/channels.js';
import type { OptionErrorCode } from '../../src/options/option-error.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';
import { blockEventLoop } from '../helpers/event-loop.js';
import { collectGarbage } from '../helpers/heap.js';

const opened: LoadSheddingMiddleware[] = [];

/** An app behind `loadShedding(options)` whose catch-all answers 200; its sampler is closed after the test. */
function sheddingApp(options: LoadSheddingOptions): {
  app: Express;
  shedding: LoadSheddingMiddleware;
} {
  const shedding = loadShedding(options);
  opened.push(shedding);
  const app = createApp((a) => {
    a.use(shedding);
    a.use((_req, res) => {
      res.json({ ok: true });
    });
  });
  return { app, shedding };
}

const appShedding = (options: LoadSheddingOptions): Express => sheddingApp(options).app;

afterEach(() => {
  for (const shedding of opened.splice(0)) shedding.close();
});

/**
 * Requests `GET /work` until the answer has `status`, at most `attempts`
 * times, 20 ms apart: the verdict changes on the sampler's next tick, not at
 * once, and a loaded machine may delay that tick. Never asserts durations.
 */
async function untilStatus(app: Express, status: number, attempts = 150): Promise<Response> {
  let last: Response | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    last = await request(app).get('/work');
    if (last.status === status) return last;
    await sleep(20);
  }
  throw new Error(`No ${status} after ${attempts} attempts; the last answer was ${last?.status}`);
}

const OVERLOADED_PROBLEM = {
  type: 'about:blank',
  title: 'Service Unavailable',
  status: 503,
  detail: 'The server is overloaded.',
  instance: '/work',
  code: 'SERVICE_UNAVAILABLE',
};

describe('loadShedding: event-loop delay', () => {
  it('lets requests through while the event loop is healthy', async () => {
    const app = appShedding({ maxEventLoopDelayMs: 1000, sampleIntervalMs: 20 });
    await sleep(100); // a few samples
    const res = await request(app).get('/work');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('answers 503 with Retry-After after the event loop was blocked, then recovers by itself', async () => {
    const app = appShedding({ maxEventLoopDelayMs: 100, sampleIntervalMs: 100 });
    await untilStatus(app, 200); // healthy before
    blockEventLoop(400);
    const shed = await untilStatus(app, 503);
    expect(shed.headers['retry-after']).toBe('10');
    expect(problemOf(shed)).toEqual(OVERLOADED_PROBLEM);
    // The next healthy sample clears the verdict.
    const recovered = await untilStatus(app, 200);
    expect(recovered.body).toEqual({ ok: true });
    expect(recovered.headers['retry-after']).toBeUndefined();
  });
  it('sheds after each of several stalls, whatever the stall’s phase against the sampler', async () => {
    const app = appShedding({ maxEventLoopDelayMs: 100, sampleIntervalMs: 100 });
    for (const offsetMs of [0, 35, 70]) {
      await untilStatus(app, 200);
      await sleep(offsetMs);
      blockEventLoop(400);
      expect((await untilStatus(app, 503)).headers['retry-after']).toBe('10');
    }
    await untilStatus(app, 200);
  });
});

describe('loadShedding: heap', () => {
  it('answers 503 while the heap in use exceeds `maxHeapUsedBytes`, with its `retryAfter`', async () => {
    const app = appShedding({
      maxEventLoopDelayMs: 60_000,
      maxHeapUsedBytes: 1,
      retryAfter: 7,
      sampleIntervalMs: 20,
    });
    const res = await untilStatus(app, 503);
    expect(res.headers['retry-after']).toBe('7');
    expect(problemOf(res)).toEqual(OVERLOADED_PROBLEM);
  });

  it('answers HEAD with 503 and Retry-After but no body', async () => {
    const app = appShedding({
      maxEventLoopDelayMs: 60_000,
      maxHeapUsedBytes: 1,
      sampleIntervalMs: 20,
    });
    await untilStatus(app, 503);
    const res = await request(app).head('/work');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.text).toBeUndefined();
  });

  it('lets requests through while the heap is under `maxHeapUsedBytes`', async () => {
    const app = appShedding({
      maxEventLoopDelayMs: 60_000,
      maxHeapUsedBytes: Number.MAX_SAFE_INTEGER,
      sampleIntervalMs: 20,
    });
    await sleep(100);
    expect((await request(app).get('/work')).status).toBe(200);
  });
});

describe('loadShedding: close()', () => {
  it('stops sampling and lets every request through afterwards', async () => {
    const { app, shedding } = sheddingApp({
      maxEventLoopDelayMs: 60_000,
      maxHeapUsedBytes: 1,
      sampleIntervalMs: 20,
    });
    await untilStatus(app, 503);
    shedding.close();
    expect((await request(app).get('/work')).status).toBe(200);
    await sleep(100); // several intervals: no sample turns it back on
    expect((await request(app).get('/work')).status).toBe(200);
  });

  it('stands when a subscriber of the load-shedding channel calls it on the overload news', async () => {
    const { app, shedding } = sheddingApp({
      maxEventLoopDelayMs: 60_000,
      maxHeapUsedBytes: 1,
      sampleIntervalMs: 20,
    });
    let closed = false;
    const closeOnOverload = (message: unknown) => {
      if (!(message as { overloaded: boolean }).overloaded) return;
      shedding.close();
      closed = true;
    };
    subscribe(CHANNEL_NAMES.loadShedding, closeOnOverload);
    try {
      for (let attempt = 0; !closed && attempt < 150; attempt++) await sleep(20);
      expect(closed).toBe(true);
      expect((await request(app).get('/work')).status).toBe(200);
    } finally {
      unsubscribe(CHANNEL_NAMES.loadShedding, closeOnOverload);
    }
  });

  it('tells the load-shedding channel that the overload no longer holds, after the news of it', async () => {
    const { app, shedding } = sheddingApp({
      maxEventLoopDelayMs: 60_000,
      maxHeapUsedBytes: 1,
      sampleIntervalMs: 20,
    });
    const heard: unknown[] = [];
    const closeOnOverload = (message: unknown) => {
      heard.push(message);
      if ((message as { overloaded: boolean }).overloaded) shedding.close();
    };
    const listener = (message: unknown) => heard.push(['after', message]);
    subscribe(CHANNEL_NAMES.loadShedding, closeOnOverload);
    subscribe(CHANNEL_NAMES.loadShedding, listener);
    try {
      for (let attempt = 0; heard.length < 4 && attempt < 150; attempt++) await sleep(20);
      expect(heard).toEqual([
        expect.objectContaining({ overloaded: true }),
        ['after', expect.objectContaining({ overloaded: true })],
        { overloaded: false, eventLoopDelayMs: 0, heapUsedBytes: undefined, closed: true },
        [
          'after',
          { overloaded: false, eventLoopDelayMs: 0, heapUsedBytes: undefined, closed: true },
        ],
      ]);
      expect((await request(app).get('/work')).status).toBe(200);
    } finally {
      unsubscribe(CHANNEL_NAMES.loadShedding, closeOnOverload);
      unsubscribe(CHANNEL_NAMES.loadShedding, listener);
    }
  });

  it('may be called twice', () => {
    const shedding = loadShedding({ maxEventLoopDelayMs: 100 });
    shedding.close();
    expect(() => shedding.close()).not.toThrow();
  });

  it('is done for a middleware dropped without it, once collected: nothing samples on', async () => {
    // setImmediate stays real: collected objects' finalizers run in a later task.
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      (() => loadShedding({ maxEventLoopDelayMs: 100 }))();
      expect(jest.getTimerCount()).toBe(1);
      for (let turn = 0; turn < 5 && jest.getTimerCount() > 0; turn++) {
        collectGarbage();
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('is not needed for the process to exit: the timer is unref’ed', async () => {
    const source = join(__dirname, '../../src/middleware/load-shedding.ts');
    const script = `require(${JSON.stringify(source)}).loadShedding({ maxEventLoopDelayMs: 100, sampleIntervalMs: 10 }); console.log('created');`;
    const { exitCode, stdout } = await new Promise<{ exitCode: number | null; stdout: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          ['--require', 'tsx/cjs', '-e', script],
          { timeout: 20_000 },
          (_error, out) => resolve({ exitCode: child.exitCode, stdout: out }),
        );
      },
    );
    expect(stdout).toBe('created\n');
    expect(exitCode).toBe(0);
  }, 30_000);
});

describe('loadShedding: options', () => {
  it('does not change the options object it was given', () => {
    const options = { maxEventLoopDelayMs: 100, maxHeapUsedBytes: 1e9 };
    const shedding = loadShedding(options);
    shedding.close();
    expect(options).toEqual({ maxEventLoopDelayMs: 100, maxHeapUsedBytes: 1e9 });
  });

  it.each<[string, unknown, OptionErrorCode, string]>([
    [
      'no options',
      undefined,
      'ERR_EAE_OPTIONS',
      'options must be an object such as { maxEventLoopDelayMs: 200 }, got undefined',
    ],
    [
      'no `maxEventLoopDelayMs`',
      {},
      'ERR_EAE_OPTION_MISSING',
      '`maxEventLoopDelayMs` is required: a positive number of milliseconds',
    ],
    [
      'a delay that is not a number',
      { maxEventLoopDelayMs: '200' },
      'ERR_EAE_OPTION_TYPE',
      '`maxEventLoopDelayMs` must be a positive number of milliseconds, got "200"',
    ],
    [
      'a zero delay',
      { maxEventLoopDelayMs: 0 },
      'ERR_EAE_OPTION_RANGE',
      '`maxEventLoopDelayMs` must be a positive number of milliseconds, got 0',
    ],
    [
      'an infinite delay',
      { maxEventLoopDelayMs: Infinity },
      'ERR_EAE_OPTION_RANGE',
      '`maxEventLoopDelayMs` must be a positive number of milliseconds, got Infinity',
    ],
    [
      'a fractional heap',
      { maxEventLoopDelayMs: 1, maxHeapUsedBytes: 1.5 },
      'ERR_EAE_OPTION_RANGE',
      '`maxHeapUsedBytes` must be a whole number of bytes, 1 or more, got 1.5',
    ],
    [
      'a Date `retryAfter`',
      { maxEventLoopDelayMs: 1, retryAfter: new Date(0) },
      'ERR_EAE_OPTION_TYPE',
      '`retryAfter` must be a number of seconds (overload has no known end), got 1970-01-01T00:00:00.000Z',
    ],
    [
      'a negative `retryAfter`',
      { maxEventLoopDelayMs: 1, retryAfter: -1 },
      'ERR_EAE_OPTION_RANGE',
      '`retryAfter` must be from 0 to 9007199254740991 seconds, got -1',
    ],
    [
      'a 5 ms interval',
      { maxEventLoopDelayMs: 1, sampleIntervalMs: 5 },
      'ERR_EAE_OPTION_RANGE',
      '`sampleIntervalMs` must be a whole number of milliseconds from 10 to 2,147,483,647, got 5',
    ],
    [
      'a fractional interval',
      { maxEventLoopDelayMs: 1, sampleIntervalMs: 50.5 },
      'ERR_EAE_OPTION_RANGE',
      '`sampleIntervalMs` must be a whole number of milliseconds from 10 to 2,147,483,647, got 50.5',
    ],
    [
      'a huge interval',
      { maxEventLoopDelayMs: 1, sampleIntervalMs: 2 ** 31 },
      'ERR_EAE_OPTION_RANGE',
      '`sampleIntervalMs` must be a whole number of milliseconds from 10 to 2,147,483,647, got 2147483648',
    ],
    [
      'an interval that is not a number',
      { maxEventLoopDelayMs: 1, sampleIntervalMs: '500' },
      'ERR_EAE_OPTION_TYPE',
      '`sampleIntervalMs` must be a whole number of milliseconds from 10 to 2,147,483,647, got "500"',
    ],
  ])('throws at creation for %s, with its code', (_name, options, code, message) => {
    expectOptionError(
      () => loadShedding(options as LoadSheddingOptions),
      code,
      `loadShedding(): ${message}`,
    );
  });

  it.each([
    ['maxEventLoopDelay', 'maxEventLoopDelayMs'],
    ['maxHeapUsed', 'maxHeapUsedBytes'],
    ['retry_after', 'retryAfter'],
    ['sampleInterval', 'sampleIntervalMs'],
  ])('refuses the unknown option `%s`, suggesting `%s`', (name, nearest) => {
    expectOptionError(
      () => loadShedding({ maxEventLoopDelayMs: 100, [name]: 1 } as LoadSheddingOptions),
      'ERR_EAE_UNKNOWN_OPTION',
      new RegExp(
        `^loadShedding\\(\\): \`${name}\` is not an option\\. Did you mean \`${nearest}\`\\?`,
      ),
    );
  });
});
