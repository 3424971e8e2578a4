import { setTimeout as realSleep } from 'node:timers/promises';
import express from 'express';
import { MemoryStore, rateLimit, type RateLimitStore } from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';
import { directRequest, outcomeOf } from '../helpers/direct-request.js';

/**
 * A user's suite with Jest's fake timers, which replace the global
 * `performance` with the timers: a limiter runs wholly on the time it was
 * made under, the test's or the real one.
 */
describe('rateLimit under fake timers', () => {
  const app = express();
  afterEach(() => jest.useRealTimers());

  it('times out a store call that never answers once the test advances its timers past storeTimeoutMs', () => {
    jest.useFakeTimers();
    const hanging: RateLimitStore = {
      init: () => undefined,
      consume: () => new Promise<never>(() => undefined),
      refund: () => undefined,
      reset: () => undefined,
    };
    const limiter = rateLimit({
      limit: 5,
      windowMs: 1000,
      storeTimeoutMs: 500,
      failOpen: false,
      store: hanging,
      logger: false,
    });
    const next = jest.fn();
    const { req, res } = directRequest(app);
    void limiter(req, res, next);
    jest.advanceTimersByTime(499);
    expect(next).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(next.mock.calls.map(([error]) => (error as { status: number }).status)).toEqual([503]);
  });

  it('ends a memory store’s window once the test advances its timers past it', async () => {
    jest.useFakeTimers();
    const limiter = rateLimit({ limit: 1, windowMs: 60_000, logger: false });
    const outcome = () => outcomeOf(limiter, directRequest(app));
    expect([await outcome(), await outcome()]).toEqual(['next', 429]);
    jest.advanceTimersByTime(60_000);
    expect(await outcome()).toBe('next');
  });

  it('keeps a limiter made before the test installed fake timers on real time: its deny cache lets a client through when the real wait ends', async () => {
    const storeClock = fakeClock();
    const limiter = rateLimit({
      limit: 1,
      windowMs: 100,
      algorithm: 'fixed-window',
      denyCache: true,
      store: new MemoryStore({ now: storeClock.now }),
      logger: false,
    });
    const outcome = () => outcomeOf(limiter, directRequest(app));
    jest.useFakeTimers();
    expect([await outcome(), await outcome()]).toEqual(['next', 429]);
    // The store's window ends, and the refusal the deny cache holds ends in real time.
    storeClock.advance(100);
    await realSleep(150);
    expect(await outcome()).toBe('next');
  });
});
