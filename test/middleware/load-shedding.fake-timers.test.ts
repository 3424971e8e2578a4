import { performance as realPerformance } from 'node:perf_hooks';
import { setTimeout as realSleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { loadShedding, type LoadSheddingMiddleware } from '../../src/index.js';
import { blockEventLoop } from '../helpers/event-loop.js';

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

  it('keeps sampling on real time: nothing shed while the test’s time jumps, a real stall shed', async () => {
    const shedding = loadShedding({ maxEventLoopDelayMs: 1000, sampleIntervalMs: 1000 });
    try {
      jest.useFakeTimers();
      // Past the real clock's reading: a sampler reading the fake clock would find its timer late.
      jest.advanceTimersByTime(realPerformance.now() + 60_000);
      await realSleep(1100); // one real sample, the next 900 ms away
      const whileFake = verdict(shedding);
      // And it is sampling, on real time: a real 1.5 s stall is seen by the next real sample.
      blockEventLoop(1500);
      let afterStall = verdict(shedding);
      for (let attempt = 0; afterStall === 'next' && attempt < 20; attempt++) {
        await realSleep(100);
        afterStall = verdict(shedding);
      }
      jest.useRealTimers();
      expect([whileFake, afterStall]).toEqual(['next', 503]);
    } finally {
      shedding.close();
    }
  });
});
