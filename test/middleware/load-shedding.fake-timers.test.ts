import { performance as realPerformance } from 'node:perf_hooks';
import { setTimeout as realSleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { loadShedding, type LoadSheddingMiddleware } from '../../src/index.js';

/** Whether `shedding` lets a request through now, or the status it refuses it with. */
function verdict(shedding: LoadSheddingMiddleware): 'next' | number {
  let seen: 'next' | number = 'next';
  void shedding({} as Request, {} as Response, (error?: unknown) => {
    if (error !== undefined) seen = (error as { status: number }).status;
  });
  return seen;
}

/**
 * A user's suite builds its app (with loadShedding) at module scope; one
 * test installs Jest's fake timers, advances them, and restores real ones.
 * The sampler was made on real time and stays on it: nothing is overloaded.
 */
describe('loadShedding under fake timers installed after it was made', () => {
  afterEach(() => jest.useRealTimers());

  it('keeps sampling on real time, shedding nothing while the test’s time jumps and after', async () => {
    const shedding = loadShedding({ maxEventLoopDelayMs: 1000, sampleIntervalMs: 1000 });
    try {
      jest.useFakeTimers();
      // Past the real clock's reading: a sampler reading the fake clock would find its timer late.
      jest.advanceTimersByTime(realPerformance.now() + 60_000);
      await realSleep(1100); // one real sample, the next 900 ms away
      const whileFake = verdict(shedding);
      jest.useRealTimers();
      expect([whileFake, verdict(shedding)]).toEqual(['next', 'next']);
    } finally {
      shedding.close();
    }
  });
});
