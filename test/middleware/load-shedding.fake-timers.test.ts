import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance as realPerformance } from 'node:perf_hooks';
import { setTimeout as realSleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { CHANNEL_NAMES, loadShedding, type LoadSheddingMiddleware } from '../../src/index.js';
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
      // And it is sampling, on real time: a real 2 s stall is seen by a real sample, which
      // sheds and says so on the channel (read too, as a loaded machine may delay the polls).
      const overloads: boolean[] = [];
      const heard = (message: unknown) =>
        overloads.push((message as { overloaded: boolean }).overloaded);
      subscribe(CHANNEL_NAMES.loadShedding, heard);
      blockEventLoop(2000);
      let afterStall = verdict(shedding);
      for (
        let attempt = 0;
        afterStall === 'next' && !overloads.includes(true) && attempt < 40;
        attempt++
      ) {
        await realSleep(100);
        afterStall = verdict(shedding);
      }
      unsubscribe(CHANNEL_NAMES.loadShedding, heard);
      jest.useRealTimers();
      expect([whileFake, afterStall === 503 || overloads.includes(true)]).toEqual(['next', true]);
    } finally {
      shedding.close();
    }
  });
});
