import { MAX_TIMER_MS, timerDelay } from '../../src/time/timers.js';

describe('timerDelay', () => {
  it('keeps a delay a timer can hold', () => {
    expect([0, 1, 60_000, MAX_TIMER_MS].map(timerDelay)).toEqual([0, 1, 60_000, MAX_TIMER_MS]);
  });

  it('shortens a longer one to MAX_TIMER_MS, 2^31-1 ms', () => {
    expect(MAX_TIMER_MS).toBe(2147483647);
    expect([MAX_TIMER_MS + 1, 2 * MAX_TIMER_MS, Infinity].map(timerDelay)).toEqual([
      MAX_TIMER_MS,
      MAX_TIMER_MS,
      MAX_TIMER_MS,
    ]);
  });
});
