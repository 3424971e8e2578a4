import { setTimeout as realSleep } from 'node:timers/promises';
import { currentClock } from '../../src/time/clock.js';
import { freezePerformanceNow } from '../helpers/clock.js';

describe('currentClock', () => {
  afterEach(() => jest.useRealTimers());

  it('runs a clock made under fake timers on the test’s time: advancing them moves it and fires its timers', () => {
    jest.useFakeTimers();
    const clock = currentClock();
    const start = clock.now();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now() - start), 500);
    clock.setInterval(() => fired.push(clock.now() - start), 400);
    jest.advanceTimersByTime(800);
    expect(fired).toEqual([400, 500, 800]);
    expect(clock.now() - start).toBe(800);
  });

  it('keeps a clock made before fake timers on real time, and its timers with it', async () => {
    const clock = currentClock();
    const start = clock.now();
    let fired = false;
    clock.setTimeout(() => (fired = true), 20);
    jest.useFakeTimers();
    jest.advanceTimersByTime(60_000);
    // A fake `performance.now()` starts at 0: the kept clock did not jump back, nor on by 60 s.
    expect(clock.now()).toBeGreaterThanOrEqual(start);
    expect(clock.now()).toBeLessThan(start + 60_000);
    expect(fired).toBe(false);
    await realSleep(50);
    expect(fired).toBe(true);
  });

  it('reads `performance.now` at each call, so that a spy set on it later applies', () => {
    const clock = currentClock();
    const frozen = freezePerformanceNow(5_000);
    try {
      frozen.advance(250);
      expect(clock.now()).toBe(5_250);
    } finally {
      frozen.restore();
    }
  });
});
